//! The summary note for the candidate over the API: drafted from the assessment, edited,
//! exported (Markdown, HTML, PDF), e-mailed once per revision and address, or shared by a link
//! that expires.

use super::extract::path_id;
use crate::assess;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::secrets::{hash_secret, random_code};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use parley_domain::{Action, InterviewId};
use parley_store::{CandidateNote, Delivery};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub revision: u32,
    pub address: String,
    /// `sending`, `sent` or `failed`.
    pub status: String,
    pub detail: String,
    pub attempted_at: i64,
}

impl From<Delivery> for DeliveryOut {
    fn from(d: Delivery) -> Self {
        DeliveryOut {
            revision: d.revision,
            address: d.address,
            status: d.status,
            detail: d.detail,
            attempted_at: d.attempted_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteOut {
    /// Markdown.
    pub body: String,
    /// 0 for a draft not saved yet.
    pub revision: u32,
    pub saved: bool,
    pub share_expires_at: Option<i64>,
    pub deliveries: Vec<DeliveryOut>,
}

/// The summary note for the candidate: the saved one, or a draft from the assessment.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/note", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = NoteOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_note(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<NoteOut>, ApiError> {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    Ok(Json(note_out(&state, &auth, &iv).await?))
}

pub async fn note_out(
    state: &AppState,
    auth: &Auth,
    iv: &parley_store::Interview,
) -> Result<NoteOut, ApiError> {
    let deliveries = state
        .store
        .deliveries_of(auth.org(), iv.id)
        .await?
        .into_iter()
        .map(DeliveryOut::from)
        .collect();
    Ok(match state.store.note_of(auth.org(), iv.id).await? {
        Some(n) => saved_out(n, deliveries),
        None => {
            if state.store.decision_of(auth.org(), iv.id).await?.is_none() {
                return Err(ApiError::Conflict(
                    "the note is drafted from the panel's decision; record it first".into(),
                ));
            }
            let a = assess::assessment(state, auth, iv).await?;
            NoteOut {
                body: assess::draft(state, iv, &a).await?,
                revision: 0,
                saved: false,
                share_expires_at: None,
                deliveries,
            }
        }
    })
}

fn saved_out(n: CandidateNote, deliveries: Vec<DeliveryOut>) -> NoteOut {
    NoteOut {
        body: n.body,
        revision: n.revision,
        saved: true,
        share_expires_at: n.share_expires_at,
        deliveries,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// Markdown.
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// The revision you edited (0 for the draft); a note saved since is refused with 409.
    pub revision: Option<u32>,
}

/// Save the note (owners and admins, once the interview is assessed).
#[utoipa::path(put, path = "/api/v1/interviews/{id}/note", tag = "assessment", request_body = NoteIn, params(("id" = String, Path)),
    responses((status = 200, body = NoteOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn save_note(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoteIn>,
) -> Result<Json<NoteOut>, ApiError> {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let n = state
        .store
        .save_note(auth.org(), id, auth.user.id, &input.body, input.revision)
        .await?;
    let deliveries = state.store.deliveries_of(auth.org(), id).await?;
    Ok(Json(saved_out(
        n,
        deliveries.into_iter().map(DeliveryOut::from).collect(),
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareIn {
    /// How long the link works, 1 to 90 days (default 14).
    #[schema(minimum = 1, maximum = 90)]
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareOut {
    /// Shown once: it opens the note alone, for anyone who has it, until it expires.
    pub link: String,
    pub expires_at: i64,
}

/// Make a link that shows the saved note (and nothing else) until it expires; a new link
/// replaces the old one.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/note/share", tag = "assessment", request_body = ShareIn, params(("id" = String, Path)),
    responses((status = 201, body = ShareOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn share(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ShareIn>,
) -> Result<(StatusCode, Json<ShareOut>), ApiError> {
    auth.require(Action::ManageRoles, "share notes with candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let days = input.days.unwrap_or(14);
    if !(1..=90).contains(&days) {
        return Err(ApiError::Invalid("a link lasts 1 to 90 days".into()));
    }
    let (link, expires_at) = share_link(&state, &auth, id, days).await?;
    Ok((StatusCode::CREATED, Json(ShareOut { link, expires_at })))
}

/// Creates the share link of an interview's note (the page's form uses this too) and moves an
/// assessed interview on to "feedback sent".
pub async fn share_link(
    state: &AppState,
    auth: &Auth,
    id: InterviewId,
    days: u32,
) -> Result<(String, i64), ApiError> {
    let code = random_code();
    let expires_at = crate::auth::now_ms() + i64::from(days) * 86_400_000;
    state
        .store
        .share_note(auth.org(), id, &hash_secret(&code), expires_at)
        .await
        .map_err(|e| match e {
            parley_store::StoreError::Missing("note") => {
                ApiError::Conflict("save the note before sharing it".into())
            }
            other => other.into(),
        })?;
    feedback_given(state, auth, id).await?;
    Ok((
        format!("{}/notes/{code}", state.settings.base_url()),
        expires_at,
    ))
}

/// Moves an assessed interview to "feedback sent" once the note reached the candidate.
pub async fn feedback_given(
    state: &AppState,
    auth: &Auth,
    id: InterviewId,
) -> Result<(), ApiError> {
    use parley_domain::interview::InterviewState;
    let iv = state.store.interview(auth.org(), id).await?;
    if iv.state == InterviewState::Assessed {
        match state
            .store
            .transition_interview(auth.org(), id, InterviewState::FeedbackSent, auth.user.id)
            .await
        {
            // Another send or share moved it first: the note reached the candidate either way.
            Err(parley_store::StoreError::Transition(t))
                if t.from == InterviewState::FeedbackSent => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// The saved note as a Markdown file.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/note.md", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/markdown", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn note_markdown(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let note = state
        .store
        .note_of(auth.org(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(super::attachment(
        "text/markdown; charset=utf-8",
        &format!("note-{id}.md"),
        note.body,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendIn {
    /// Defaults to the candidate's address.
    #[schema(format = "email", max_length = 254)]
    pub to: Option<String>,
}

/// E-mail the saved note (to the candidate unless `to` says otherwise). Sending the same
/// revision to the same address again sends nothing and answers with the first delivery; a
/// failed one may be retried.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/note/send", tag = "assessment", request_body = SendIn, params(("id" = String, Path)),
    responses((status = 200, body = DeliveryOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn send(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SendIn>,
) -> Result<Json<DeliveryOut>, ApiError> {
    auth.require(Action::ManageRoles, "send notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    Ok(Json(
        send_note(&state, &auth, id, input.to.as_deref()).await?,
    ))
}

/// Sends the saved note once per revision and address (the page's button uses this too).
pub async fn send_note(
    state: &AppState,
    auth: &Auth,
    id: InterviewId,
    to: Option<&str>,
) -> Result<DeliveryOut, ApiError> {
    let org = auth.org();
    let iv = state.store.interview(org, id).await?;
    let note = state
        .store
        .note_of(org, id)
        .await?
        .ok_or_else(|| ApiError::Conflict("save the note before sending it".into()))?;
    let cand = state.store.candidate(org, iv.candidate).await?;
    let address = match to.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parley_domain::Email::parse(t)?,
        None => cand.draft.email.clone().ok_or_else(|| {
            ApiError::Conflict("the candidate has no e-mail address; give one".into())
        })?,
    };
    let addr = address.to_string();
    if let parley_store::DeliveryStart::Done(d) = state
        .store
        .begin_delivery(org, id, note.revision, &addr)
        .await?
    {
        return Ok(d.into());
    }
    let company = state.store.org_settings(org).await?.company;
    let subject = format!("Your interview with {company}: a summary");
    let html = note_document(state, auth, id).await?;
    // The message goes out, and its fate is recorded, from a task of its own: a client that
    // gives up, or the request's time limit, cannot cut it off between the two.
    let (settings, store) = (state.settings.clone(), state.store.clone());
    let (to, name, text, revision) = (
        addr.clone(),
        cand.draft.name.clone(),
        note.body.clone(),
        note.revision,
    );
    let (sent, recorded) = tokio::spawn(async move {
        let outgoing = crate::mail::Outgoing {
            to: &to,
            to_name: &name,
            subject: &subject,
            text: &text,
            html: &html,
        };
        let sent = crate::mail::send(&settings, &outgoing).await;
        let recorded = match &sent {
            Ok(reply) => {
                store
                    .finish_delivery(org, id, revision, &to, true, reply)
                    .await
            }
            Err(e) => {
                store
                    .finish_delivery(org, id, revision, &to, false, &e.to_string())
                    .await
            }
        };
        (sent, recorded)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    recorded?;
    sent?;
    feedback_given(state, auth, id).await?;
    let d = state
        .store
        .deliveries_of(org, id)
        .await?
        .into_iter()
        .find(|d| d.revision == note.revision && d.address == addr)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a recorded delivery vanished")))?;
    Ok(d.into())
}

/// The saved note as a whole HTML document (the e-mail's HTML part and the PDF's source).
async fn note_document(state: &AppState, auth: &Auth, id: InterviewId) -> Result<String, ApiError> {
    let note = state
        .store
        .note_of(auth.org(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let company = state.store.org_settings(auth.org()).await?.company;
    let title = format!("Your interview with {company}: a summary");
    Ok(crate::mail::html_document(
        &title,
        &crate::notes::to_html(&note.body),
    ))
}

/// The saved note as an HTML file.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/note.html", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn note_html(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let html = note_document(&state, &auth, id).await?;
    Ok(super::attachment(
        "text/html; charset=utf-8",
        &format!("note-{id}.html"),
        html,
    ))
}

/// The saved note as a PDF (printed by headless Chromium on the server).
#[utoipa::path(get, path = "/api/v1/interviews/{id}/note.pdf", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn note_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let html = note_document(&state, &auth, id).await?;
    let pdf = crate::pdf::render(&html).await?;
    Ok(super::attachment(
        "application/pdf",
        &format!("note-{id}.pdf"),
        pdf,
    ))
}
