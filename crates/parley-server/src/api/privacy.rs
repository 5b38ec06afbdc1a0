//! A candidate's data rights over the API: everything about them as one JSON document, and
//! erasure. The retention sweep that erases on the organisation's schedule lives here too.

use super::extract::path_id;
use crate::auth::Auth;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use parley_domain::{Action, CandidateId, OrgId};
use parley_store::{Store, StoreError};
use serde_json::{Value, json};

/// Everything Parley holds about a candidate (owners and admins): their details, and for each
/// interview its kit, state changes, every panel member's notes and scorecard, the decision,
/// the note and its deliveries.
#[utoipa::path(get, path = "/api/v1/candidates/{id}/export", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/json", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn export(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "export candidates' data")?;
    let id = path_id::<CandidateId>(&id)?;
    let doc = export_document(&state, auth.org(), id).await?;
    Ok(super::attachment(
        "application/json",
        &format!("candidate-{id}.json"),
        Json(doc),
    ))
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::Internal(e.into()))
}

pub async fn export_document(
    state: &AppState,
    org: OrgId,
    id: CandidateId,
) -> Result<Value, ApiError> {
    let store = &state.store;
    let cand = store.candidate(org, id).await?;
    let mut interviews = Vec::new();
    for iv in store.interviews_of(org, Some(id)).await? {
        interviews.push(json!({
            "interview": to_value(&iv)?,
            "transitions": to_value(&store.transitions_of(org, iv.id).await?)?,
            "entries": to_value(&store.entries_of(org, iv.id, None).await?)?,
            "scorecards": to_value(&store.scorecards_of(org, iv.id).await?)?,
            "decision": to_value(&store.decision_of(org, iv.id).await?)?,
            "note": to_value(&store.note_of(org, iv.id).await?)?,
            "deliveries": to_value(&store.deliveries_of(org, iv.id).await?)?,
        }));
    }
    Ok(json!({
        "format": "parley-candidate-export/1",
        "exported_at": crate::auth::now_ms(),
        "candidate": to_value(&cand)?,
        "erased_at": store.erased_at(org, id).await?,
        "interviews": interviews,
    }))
}

/// Erase a candidate (owners and admins): their details, CV, the interviewers' words about
/// them, the note and where it went are removed; ratings, ticks, recommendations and decisions
/// stay, anonymous, so the statistics still add up.
#[utoipa::path(post, path = "/api/v1/candidates/{id}/erase", tag = "interviews", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn erase(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth.require(Action::ManageRoles, "erase candidates")?;
    let id = path_id::<CandidateId>(&id)?;
    state.store.erase_candidate(auth.org(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erases, in every organisation with a retention rule, the candidates with nothing new for
/// that many months (a month counted as 30 days) before `now`. Returns how many.
pub async fn sweep_retention_on(store: &Store, now: i64) -> Result<usize, StoreError> {
    let mut erased = 0;
    for (org, months) in store.retention_rules().await? {
        let before = now - i64::from(months) * 30 * 86_400_000;
        for id in store.candidates_idle_since(org, before).await? {
            store.erase_candidate(org, id).await?;
            erased += 1;
        }
    }
    Ok(erased)
}
