//! Pages after the interview: the assessment (your scorecard, then — when the organisation's
//! rule allows — the panel side by side, disagreements, agreement and the decision), the note
//! for the candidate, and the public page a share link opens.

use super::{Fields, Frame, Member, WebForm, WebResult, field, page, see_other, when};
use crate::api::extract::path_id;
use crate::api::kits::kit_title;
use crate::api::notes::{note_out, share_link};
use crate::assess::{self, Assessment};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::secrets::hash_secret;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parley_domain::assessment::{CompetencyResult, Observed, Recommendation, Verdict};
use parley_domain::interview::InterviewState;
use parley_domain::{Action, InterviewId};
use parley_store::Interview;

/// One row of the side-by-side table: a competency and each member's reading of it.
pub struct Row {
    name: String,
    required: bool,
    expected: String,
    cells: Vec<String>,
    pooled: String,
    disagree: bool,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    frame: Frame,
    id: String,
    title: String,
    state: String,
    /// The viewer may submit a scorecard now.
    can_submit: bool,
    /// The viewer may record the decision now.
    can_decide: bool,
    mine: Vec<CompetencyResult>,
    my_verdict: Option<(String, String)>,
    a: Assessment,
    members: Vec<String>,
    rows: Vec<Row>,
    recommendations: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

fn pct(score: Option<f64>) -> String {
    score.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

impl AssessmentPage {
    fn pct(&self, score: &Option<f64>) -> String {
        pct(*score)
    }

    fn obs_class(&self, o: &Observed) -> &'static str {
        match o {
            Observed::Met => "obs-met",
            Observed::Partly => "obs-partly",
            Observed::NotMet => "obs-not-met",
            Observed::NotAssessed => "obs-none",
        }
    }

    fn visibility(&self) -> String {
        self.a.visibility.as_str().replace('_', " ")
    }

    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }

    fn agreement(&self) -> String {
        self.a.agreement.map_or_else(
            || "not enough ratings to tell".to_string(),
            |a| format!("{a:.2}"),
        )
    }
}

async fn render(
    state: &AppState,
    auth: &Auth,
    iv: Interview,
    error: Option<String>,
    frame: Frame,
) -> WebResult {
    let a = assess::assessment(state, auth, &iv).await?;
    let on_panel = iv.panel.contains(&auth.user.id);
    let me = a.cards.iter().find(|c| c.user == auth.user.id);
    let mine = me.map(|c| c.results.clone()).unwrap_or_default();
    let my_verdict = me.and_then(|c| c.submitted.as_ref()).map(|s| {
        (
            s.verdict.recommendation.label().to_string(),
            s.verdict.rationale.clone(),
        )
    });
    let members: Vec<String> = a.cards.iter().map(|c| c.name.clone()).collect();
    let rows = if a.sees_all {
        a.role
            .draft
            .competencies
            .iter()
            .enumerate()
            .map(|(k, c)| Row {
                name: c.name.clone(),
                required: c.required,
                expected: c.level.to_string(),
                cells: a
                    .cards
                    .iter()
                    .map(|card| {
                        card.results.get(k).map_or_else(String::new, |r| {
                            format!("{} ({})", r.observed.label(), pct(r.score))
                        })
                    })
                    .collect(),
                pooled: a
                    .pooled
                    .get(k)
                    .map_or_else(String::new, |r| r.observed.label().to_string()),
                disagree: a.disagreements.get(k).copied().unwrap_or(false),
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &AssessmentPage {
            frame,
            id: iv.id.to_string(),
            title: kit_title(state, &iv).await?,
            state: iv.state.label().to_string(),
            can_submit: on_panel && my_verdict.is_none() && iv.state == InterviewState::Completed,
            can_decide: auth.role().may(Action::ManageRoles)
                && iv.state == InterviewState::Completed
                && a.decision.is_none(),
            mine,
            my_verdict,
            members,
            rows,
            recommendations: Recommendation::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            a,
            error,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::RunInterviews, "see assessments")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    render(&state, &auth, iv, None, Frame::of(&auth)).await
}

fn verdict_from(f: &Fields) -> Result<Verdict, ApiError> {
    Ok(Verdict {
        recommendation: field(f, "recommendation").parse().map_err(
            |e: parley_domain::assessment::AssessmentError| ApiError::Invalid(e.to_string()),
        )?,
        rationale: field(f, "rationale").to_string(),
    })
}

/// Submits the viewer's scorecard, or records the decision (`what`).
pub async fn post(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "submit scorecards")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let iv = state.store.interview(auth.org(), id).await?;
    let result = match (field(&f, "what"), verdict_from(&f)) {
        (_, Err(e)) => Err(e),
        ("scorecard", Ok(v)) if iv.panel.contains(&auth.user.id) => state
            .store
            .submit_scorecard(auth.org(), id, auth.user.id, v)
            .await
            .map(|_| ())
            .map_err(ApiError::from),
        ("scorecard", Ok(_)) => Err(ApiError::Forbidden(
            "submit a scorecard for an interview whose panel you are not on",
        )),
        ("decision", Ok(v)) => {
            auth.require(Action::ManageRoles, "decide on candidates")?;
            state
                .store
                .decide(auth.org(), id, auth.user.id, v)
                .await
                .map(|_| ())
                .map_err(ApiError::from)
        }
        (other, _) => Err(ApiError::BadRequest(format!("unknown form {other:?}"))),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/interviews/{id}/assessment"))),
        Err(e @ (ApiError::Invalid(_) | ApiError::Conflict(_))) => {
            render(&state, &auth, iv, Some(e.to_string()), Frame::of(&auth)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "note.html")]
struct NotePage {
    frame: Frame,
    id: String,
    title: String,
    body: String,
    revision: u32,
    saved: bool,
    preview: String,
    shared_until: Option<String>,
    link: Option<String>,
    deliveries: Vec<(String, String, String)>,
    error: Option<String>,
}

async fn note_page(
    state: &AppState,
    auth: &Auth,
    id: InterviewId,
    frame: Frame,
    link: Option<String>,
    error: Option<String>,
) -> WebResult {
    let iv = state.store.interview(auth.org(), id).await?;
    let n = note_out(state, auth, &iv).await?;
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &NotePage {
            frame,
            id: id.to_string(),
            title: kit_title(state, &iv).await?,
            preview: crate::notes::to_html(&n.body),
            body: n.body,
            revision: n.revision,
            saved: n.saved,
            shared_until: n.share_expires_at.map(when),
            link,
            deliveries: n
                .deliveries
                .into_iter()
                .map(|d| (d.address, d.status, when(d.attempted_at)))
                .collect(),
            error,
        },
    ))
}

pub async fn note(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    note_page(&state, &auth, id, Frame::of(&auth), None, None).await
}

pub async fn note_post(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::ManageRoles, "write notes to candidates")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let result = match field(&f, "what") {
        "save" => state
            .store
            .save_note(
                auth.org(),
                id,
                auth.user.id,
                field(&f, "body"),
                field(&f, "revision").parse().ok(),
            )
            .await
            .map(|_| (None, "Saved the note."))
            .map_err(ApiError::from),
        "send" => crate::api::notes::send_note(&state, &auth, id, None)
            .await
            .map(|d| {
                (
                    None,
                    if d.status == "sent" {
                        "Sent."
                    } else {
                        "Not sent."
                    },
                )
            }),
        "share" => share_link(&state, &auth, id, 14).await.map(|(link, _)| {
            (
                Some(link),
                "Made a share link; copy it now, it is shown once.",
            )
        }),
        other => Err(ApiError::BadRequest(format!("unknown form {other:?}"))),
    };
    match result {
        Ok((link, notice)) => {
            note_page(
                &state,
                &auth,
                id,
                Frame::of(&auth).with_notice(notice),
                link,
                None,
            )
            .await
        }
        Err(e @ (ApiError::Invalid(_) | ApiError::Conflict(_))) => {
            note_page(
                &state,
                &auth,
                id,
                Frame::of(&auth),
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "note_public.html")]
struct PublicNote {
    company: String,
    html: String,
}

/// What a share link opens: the note, alone, until the link expires.
pub async fn public(State(state): State<AppState>, Path(code): Path<String>) -> WebResult {
    if code.len() > 200 {
        return Err(ApiError::NotFound.into());
    }
    let Some((org, _, note)) = state
        .store
        .note_by_share(&hash_secret(&code), crate::auth::now_ms())
        .await?
    else {
        return Err(ApiError::NotFound.into());
    };
    let company = state.store.org_settings(org).await?.company;
    let mut resp = page(
        StatusCode::OK,
        &PublicNote {
            company,
            html: crate::notes::to_html(&note.body),
        },
    );
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}
