//! Charts over the API, as SVG: a candidate's profile against the role, and the candidates of
//! one role compared.

use super::extract::path_id;
use crate::assess;
use crate::auth::Auth;
use crate::charts::{self, Bar};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use parley_domain::assessment::roll_up;
use parley_domain::interview::InterviewState;
use parley_domain::{Action, InterviewId, JobRoleId};

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The candidate's profile per competency against the role's bar: the panel's, when you may
/// see it, otherwise your own reading.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/profile.svg", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn profile(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::RunInterviews, "see assessments")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let a = assess::assessment(&state, &auth, &iv).await?;
    let results = if a.sees_all {
        a.pooled.clone()
    } else {
        a.cards
            .iter()
            .find(|c| c.user == auth.user.id)
            .map(|c| c.results.clone())
            .unwrap_or_default()
    };
    let cand = state.store.candidate(auth.org(), iv.candidate).await?;
    let title = format!("{}: {}", cand.draft.name, a.role.draft.title);
    let bars: Vec<Bar> = results
        .into_iter()
        .map(|r| Bar {
            label: r.name,
            required: r.required,
            score: r.score,
        })
        .collect();
    Ok(svg(charts::profile(&title, &bars)))
}

/// The assessed candidates of a role side by side, per competency (owners and admins); each
/// candidate's latest assessed interview counts.
#[utoipa::path(get, path = "/api/v1/roles/{id}/comparison.svg", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn comparison(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "compare candidates")?;
    let org = auth.org();
    let role = state.store.role(org, path_id::<JobRoleId>(&id)?).await?;
    let settings = state.store.org_settings(org).await?;
    let scale = settings.scale.0;
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    // Newest first, so the first interview met per candidate is their latest.
    for iv in state.store.interviews_of(org, None).await? {
        let assessed = matches!(
            iv.state,
            InterviewState::Assessed | InterviewState::FeedbackSent
        );
        if iv.role != role.id || !assessed || !seen.insert(iv.candidate) {
            continue;
        }
        // A manager still scoring this interview sees no one else's reading of it here either.
        let on_panel = iv.panel.contains(&auth.user.id);
        let submitted = on_panel
            && state
                .store
                .scorecards_of(org, iv.id)
                .await?
                .iter()
                .any(|c| c.user == auth.user.id);
        if !settings
            .interview_visibility
            .shows_others(on_panel, submitted, true)
        {
            continue;
        }
        let entries = state.store.entries_of(org, iv.id, None).await?;
        let pairs: Vec<_> = entries.iter().map(|e| (e.item, &e.entry)).collect();
        let results = roll_up(&role.draft, &iv.kit, &pairs, &scale);
        let name = state.store.candidate(org, iv.candidate).await?.draft.name;
        rows.push((name, results.into_iter().map(|r| r.score).collect()));
    }
    let names: Vec<String> = role
        .draft
        .competencies
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let title = format!("Candidates for {}", role.draft.title);
    Ok(svg(charts::comparison(&title, &names, &rows)))
}
