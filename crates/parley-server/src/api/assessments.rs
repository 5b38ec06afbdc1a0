//! After the interview over the API: scorecards (blind until the organisation's rule lets you
//! see the others), the assessment against the role with the panel's agreement, the decision,
//! and the summary note for the candidate with its share link.

use super::extract::path_id;
use super::hiring::LevelName;
use crate::assess::{self, Assessment};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::secrets::{hash_secret, random_code};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_domain::assessment::{CompetencyResult, Observed, Recommendation, Verdict, Visibility};
use parley_domain::{Action, InterviewId};
use parley_store::{CandidateNote, Decision, Delivery, Scorecard};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recommendation or decision.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationName {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl From<RecommendationName> for Recommendation {
    fn from(r: RecommendationName) -> Self {
        match r {
            RecommendationName::StrongNo => Recommendation::StrongNo,
            RecommendationName::No => Recommendation::No,
            RecommendationName::Yes => Recommendation::Yes,
            RecommendationName::StrongYes => Recommendation::StrongYes,
        }
    }
}

impl From<Recommendation> for RecommendationName {
    fn from(r: Recommendation) -> Self {
        match r {
            Recommendation::StrongNo => RecommendationName::StrongNo,
            Recommendation::No => RecommendationName::No,
            Recommendation::Yes => RecommendationName::Yes,
            Recommendation::StrongYes => RecommendationName::StrongYes,
        }
    }
}

/// When panel members see each other's scorecards.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityName {
    /// Only owners and admins see other members' scorecards.
    AlwaysHidden,
    /// A member sees the others' once they have submitted their own.
    #[default]
    UntilSubmitted,
    NeverHidden,
}

impl From<VisibilityName> for Visibility {
    fn from(v: VisibilityName) -> Self {
        match v {
            VisibilityName::AlwaysHidden => Visibility::AlwaysHidden,
            VisibilityName::UntilSubmitted => Visibility::UntilSubmitted,
            VisibilityName::NeverHidden => Visibility::NeverHidden,
        }
    }
}

impl From<Visibility> for VisibilityName {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::AlwaysHidden => VisibilityName::AlwaysHidden,
            Visibility::UntilSubmitted => VisibilityName::UntilSubmitted,
            Visibility::NeverHidden => VisibilityName::NeverHidden,
        }
    }
}

/// How a requirement was observed.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObservedName {
    Met,
    Partly,
    NotMet,
    NotAssessed,
}

impl From<Observed> for ObservedName {
    fn from(o: Observed) -> Self {
        match o {
            Observed::Met => Self::Met,
            Observed::Partly => Self::Partly,
            Observed::NotMet => Self::NotMet,
            Observed::NotAssessed => Self::NotAssessed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceOut {
    pub questions: Vec<String>,
    pub ticked: Vec<String>,
    pub missed: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyOut {
    pub key: String,
    pub name: String,
    pub required: bool,
    pub weight: u8,
    pub expected: LevelName,
    /// Mean rating on 0–1; null when nothing was rated.
    pub score: Option<f64>,
    pub observed: ObservedName,
    pub evidence: EvidenceOut,
    /// Ratings with no key point ticked and no note.
    pub flags: Vec<String>,
}

fn competency_out(r: CompetencyResult) -> CompetencyOut {
    CompetencyOut {
        key: r.key,
        name: r.name,
        required: r.required,
        weight: r.weight,
        expected: r.expected.into(),
        score: r.score,
        observed: r.observed.into(),
        evidence: EvidenceOut {
            questions: r.evidence.questions,
            ticked: r.evidence.ticked,
            missed: r.evidence.missed,
            notes: r.evidence.notes,
        },
        flags: r.flags,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardOut {
    pub user_id: String,
    pub name: String,
    pub submitted: bool,
    /// Hidden (null) until you may see the others' scorecards.
    pub recommendation: Option<RecommendationName>,
    pub rationale: Option<String>,
    pub submitted_at: Option<i64>,
    /// Whether you may see this scorecard's content.
    pub visible: bool,
    pub competencies: Vec<CompetencyOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub decision: RecommendationName,
    pub reasons: String,
    pub by: String,
    pub at: i64,
}

impl From<Decision> for DecisionOut {
    fn from(d: Decision) -> Self {
        DecisionOut {
            decision: d.verdict.recommendation.into(),
            reasons: d.verdict.rationale,
            by: d.by.to_string(),
            at: d.at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    pub visibility: VisibilityName,
    /// Whether you see the other members' scorecards (and so the panel's pooled view).
    pub sees_all: bool,
    pub scorecards: Vec<ScorecardOut>,
    /// The role's requirements with what the panel observed (empty until `sees_all`).
    pub competencies: Vec<CompetencyOut>,
    /// Keys of the competencies the panel disagrees on.
    pub disagreements: Vec<String>,
    /// Krippendorff's alpha (interval) over the members' competency scores.
    pub agreement: Option<f64>,
    /// Weighted mean of the assessed competencies, 0–1.
    pub overall: Option<f64>,
    pub decision: Option<DecisionOut>,
}

fn assessment_out(a: Assessment) -> AssessmentOut {
    let disagreements = a
        .role
        .draft
        .competencies
        .iter()
        .zip(&a.disagreements)
        .filter(|(_, d)| **d)
        .map(|(c, _)| c.key.clone())
        .collect();
    AssessmentOut {
        visibility: a.visibility.into(),
        sees_all: a.sees_all,
        scorecards: a
            .cards
            .into_iter()
            .map(|c| {
                let shown = c.submitted.as_ref().filter(|_| c.visible);
                ScorecardOut {
                    user_id: c.user.to_string(),
                    name: c.name,
                    submitted: c.submitted.is_some(),
                    recommendation: shown.map(|s| s.verdict.recommendation.into()),
                    rationale: shown.map(|s| s.verdict.rationale.clone()),
                    submitted_at: c.submitted.as_ref().map(|s| s.submitted_at),
                    visible: c.visible,
                    competencies: c.results.into_iter().map(competency_out).collect(),
                }
            })
            .collect(),
        competencies: a.pooled.into_iter().map(competency_out).collect(),
        disagreements,
        agreement: a.agreement,
        overall: a.overall,
        decision: a.decision.map(DecisionOut::from),
    }
}

/// The assessment of an interview as you may see it: your own scorecard always; the others'
/// and the panel's view per the organisation's visibility rule.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/assessment", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = AssessmentOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AssessmentOut>, ApiError> {
    auth.require(Action::RunInterviews, "see assessments")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let a = assess::assessment(&state, &auth, &iv).await?;
    Ok(Json(assessment_out(a)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictIn {
    pub recommendation: RecommendationName,
    /// Required: why.
    #[schema(min_length = 1, max_length = 5000)]
    pub rationale: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedOut {
    pub recommendation: RecommendationName,
    pub rationale: String,
    pub submitted_at: i64,
}

impl From<Scorecard> for SubmittedOut {
    fn from(s: Scorecard) -> Self {
        SubmittedOut {
            recommendation: s.verdict.recommendation.into(),
            rationale: s.verdict.rationale,
            submitted_at: s.submitted_at,
        }
    }
}

/// Submit your scorecard (panel members, once the interview is completed): your
/// recommendation with its rationale. Your notes on the interview are final from then on.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/scorecard", tag = "assessment", request_body = VerdictIn, params(("id" = String, Path)),
    responses((status = 201, body = SubmittedOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VerdictIn>,
) -> Result<(StatusCode, Json<SubmittedOut>), ApiError> {
    auth.require(Action::RunInterviews, "submit scorecards")?;
    let id = path_id::<InterviewId>(&id)?;
    let iv = state.store.interview(auth.org(), id).await?;
    if !iv.panel.contains(&auth.user.id) {
        return Err(ApiError::Forbidden(
            "submit a scorecard for an interview whose panel you are not on",
        ));
    }
    let card = state
        .store
        .submit_scorecard(auth.org(), id, auth.user.id, verdict(input))
        .await?;
    Ok((StatusCode::CREATED, Json(card.into())))
}

fn verdict(v: VerdictIn) -> Verdict {
    Verdict {
        recommendation: v.recommendation.into(),
        rationale: v.rationale,
    }
}

/// Record the panel's decision with its reasons (owners and admins); the interview becomes
/// assessed.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/decision", tag = "assessment", request_body = VerdictIn, params(("id" = String, Path)),
    responses((status = 201, body = DecisionOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VerdictIn>,
) -> Result<(StatusCode, Json<DecisionOut>), ApiError> {
    auth.require(Action::ManageRoles, "decide on candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let d = state
        .store
        .decide(auth.org(), id, auth.user.id, verdict(input))
        .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

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
    let iv = state.store.interview(auth.org(), id).await?;
    if iv.state == parley_domain::interview::InterviewState::Assessed {
        state
            .store
            .transition_interview(
                auth.org(),
                id,
                parley_domain::interview::InterviewState::FeedbackSent,
                auth.user.id,
            )
            .await?;
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
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"note-{id}.md\""),
            ),
        ],
        note.body,
    )
        .into_response())
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
    let outgoing = crate::mail::Outgoing {
        to: &addr,
        to_name: &cand.draft.name,
        subject: &subject,
        text: &note.body,
        html: &html,
    };
    match crate::mail::send(&state.settings, &outgoing).await {
        Ok(reply) => {
            state
                .store
                .finish_delivery(org, id, note.revision, &addr, true, &reply)
                .await?;
            feedback_given(state, auth, id).await?;
        }
        Err(e) => {
            state
                .store
                .finish_delivery(org, id, note.revision, &addr, false, &e.to_string())
                .await?;
            return Err(e.into());
        }
    }
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
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"note-{id}.html\""),
            ),
        ],
        html,
    )
        .into_response())
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
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"note-{id}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}
