//! Interviews over the API: created with a kit planned for the role and the candidate, the
//! kit edited before the start, the state machine, the calendar file and the panel's notes.

use super::extract::{ApiBytes, ApiQuery, json_from_bytes, path_id};
use super::kits::{KitOut, kit_out, kit_title};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::idempotency::{self, IdempotencyKey, Reply};
use crate::kits::Planning;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use parley_domain::interview::{CalendarEvent, Entry, InterviewState};
use parley_domain::{Action, CandidateId, InterviewId, JobRoleId, UserId};
use parley_store::{Interview, NewInterview, StoredEntry, Transition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An interview's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateName {
    Draft,
    Scheduled,
    InProgress,
    Completed,
    Assessed,
    FeedbackSent,
    Cancelled,
    NoShow,
}

impl From<InterviewState> for StateName {
    fn from(s: InterviewState) -> Self {
        use InterviewState as S;
        match s {
            S::Draft => Self::Draft,
            S::Scheduled => Self::Scheduled,
            S::InProgress => Self::InProgress,
            S::Completed => Self::Completed,
            S::Assessed => Self::Assessed,
            S::FeedbackSent => Self::FeedbackSent,
            S::Cancelled => Self::Cancelled,
            S::NoShow => Self::NoShow,
        }
    }
}

impl From<StateName> for InterviewState {
    fn from(s: StateName) -> Self {
        use StateName as N;
        match s {
            N::Draft => Self::Draft,
            N::Scheduled => Self::Scheduled,
            N::InProgress => Self::InProgress,
            N::Completed => Self::Completed,
            N::Assessed => Self::Assessed,
            N::FeedbackSent => Self::FeedbackSent,
            N::Cancelled => Self::Cancelled,
            N::NoShow => Self::NoShow,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewOut {
    pub id: String,
    pub role_id: String,
    pub candidate_id: String,
    pub state: StateName,
    /// The states it may move to from here.
    pub next: Vec<StateName>,
    pub length_minutes: u32,
    /// Milliseconds since the Unix epoch.
    pub scheduled_at: Option<i64>,
    pub started_at: Option<i64>,
    pub panel: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub kit: KitOut,
}

impl From<Interview> for InterviewOut {
    fn from(i: Interview) -> Self {
        InterviewOut {
            id: i.id.to_string(),
            role_id: i.role.to_string(),
            candidate_id: i.candidate.to_string(),
            state: i.state.into(),
            next: i.state.next().iter().map(|s| (*s).into()).collect(),
            length_minutes: i.length_minutes,
            scheduled_at: i.scheduled_at,
            started_at: i.started_at,
            panel: i.panel.iter().map(ToString::to_string).collect(),
            created_by: i.created_by.to_string(),
            created_at: i.created_at,
            updated_at: i.updated_at,
            kit: kit_out(i.kit, i.kit_revision),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewIn {
    pub candidate_id: String,
    /// Defaults to the candidate's role.
    pub role_id: Option<String>,
    /// 30, 45, 60 or 90.
    #[schema(minimum = 30, maximum = 90)]
    pub length_minutes: u32,
    /// Member ids of the panel.
    #[serde(default)]
    #[schema(max_items = 12)]
    pub interviewers: Vec<String>,
    /// Milliseconds since the Unix epoch.
    pub scheduled_at: Option<i64>,
}

/// A time from 1970 to the end of year 9999, in milliseconds.
fn checked_time(at: Option<i64>) -> Result<Option<i64>, ApiError> {
    match at {
        Some(t) if !(0..=253_402_300_799_999).contains(&t) => Err(ApiError::Invalid(
            "scheduled_at is milliseconds since 1970, before the year 10000".into(),
        )),
        other => Ok(other),
    }
}

fn user_ids(ids: &[String]) -> Result<Vec<UserId>, ApiError> {
    ids.iter()
        .map(|s| {
            s.parse::<UserId>()
                .map_err(|e| ApiError::Invalid(e.to_string()))
        })
        .collect()
}

/// Interviews of your organisation, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this candidate's.
    pub candidate: Option<String>,
}

/// The interviews of your organisation, newest first.
#[utoipa::path(get, path = "/api/v1/interviews", tag = "interviews", params(ListParams),
    responses((status = 200, body = Vec<InterviewOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<InterviewOut>>, ApiError> {
    auth.require(Action::RunInterviews, "see interviews")?;
    let candidate = match params.candidate.as_deref() {
        Some(c) => match c.parse::<CandidateId>() {
            Ok(id) => Some(id),
            // An id that cannot exist has no interviews.
            Err(_) => return Ok(Json(Vec::new())),
        },
        None => None,
    };
    let all = state.store.interviews_of(auth.org(), candidate).await?;
    Ok(Json(all.into_iter().map(InterviewOut::from).collect()))
}

/// Plan an interview: the kit is built for the role, the candidate, the length and the panel.
#[utoipa::path(post, path = "/api/v1/interviews", tag = "interviews", request_body = InterviewIn, params(IdempotencyKey),
    responses((status = 201, body = InterviewOut, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    auth.require(Action::RunInterviews, "plan interviews")?;
    let mut request = b"POST /api/v1/interviews\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = json_from_bytes::<InterviewIn>(&headers, &body)?;
        let iv = plan_new(&state, &auth, input).await?;
        let location = format!("/api/v1/interviews/{}", iv.id);
        Ok(Reply::json(StatusCode::CREATED, InterviewOut::from(iv))?
            .header(header::LOCATION, location))
    };
    idempotency::once(&state, &auth, &headers, &request, &[], op).await
}

/// Builds the kit and stores the interview (the web form uses this too).
pub async fn plan_new(
    state: &AppState,
    auth: &Auth,
    input: InterviewIn,
) -> Result<Interview, ApiError> {
    let org = auth.org();
    let candidate_id = input
        .candidate_id
        .parse::<CandidateId>()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let candidate = state.store.candidate(org, candidate_id).await?;
    let role_id = match input.role_id.as_deref() {
        Some(r) => r
            .parse::<JobRoleId>()
            .map_err(|e| ApiError::Invalid(e.to_string()))?,
        None => candidate.role.ok_or_else(|| {
            ApiError::Invalid("the candidate has no role; choose one for the interview".into())
        })?,
    };
    let role = state.store.role(org, role_id).await?;
    let panel = user_ids(&input.interviewers)?;
    let planning = Planning::gather(state, org, role, candidate, &panel, None).await?;
    let kit = planning.build(input.length_minutes)?;
    Ok(state
        .store
        .create_interview(
            org,
            NewInterview {
                role: role_id,
                candidate: candidate_id,
                kit,
                panel,
                scheduled_at: checked_time(input.scheduled_at)?,
                created_by: auth.user.id,
            },
        )
        .await?)
}

/// One interview with its kit.
#[utoipa::path(get, path = "/api/v1/interviews/{id}", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, body = InterviewOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<InterviewOut>, ApiError> {
    auth.require(Action::RunInterviews, "see interviews")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    Ok(Json(iv.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIn {
    /// Milliseconds since the Unix epoch; null leaves it unscheduled (drafts only).
    pub scheduled_at: Option<i64>,
    #[schema(max_items = 12)]
    pub interviewers: Vec<String>,
}

/// Set the time and the panel before the interview starts.
#[utoipa::path(put, path = "/api/v1/interviews/{id}/plan", tag = "interviews", request_body = PlanIn, params(("id" = String, Path)),
    responses((status = 200, body = InterviewOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_plan(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PlanIn>,
) -> Result<Json<InterviewOut>, ApiError> {
    auth.require(Action::RunInterviews, "plan interviews")?;
    let id = path_id::<InterviewId>(&id)?;
    let panel = user_ids(&input.interviewers)?;
    let iv = state
        .store
        .plan_interview(auth.org(), id, checked_time(input.scheduled_at)?, &panel)
        .await?;
    Ok(Json(iv.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionIn {
    pub to: StateName,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOut {
    pub from: StateName,
    pub to: StateName,
    pub by: String,
    pub at: i64,
}

impl From<Transition> for TransitionOut {
    fn from(t: Transition) -> Self {
        TransitionOut {
            from: t.from.into(),
            to: t.to.into(),
            by: t.by.to_string(),
            at: t.at,
        }
    }
}

/// Move the interview to another state; a move the lifecycle does not allow is refused with
/// 409 and the reason.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/transitions", tag = "interviews", request_body = TransitionIn, params(("id" = String, Path)),
    responses((status = 200, body = InterviewOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TransitionIn>,
) -> Result<Json<InterviewOut>, ApiError> {
    auth.require(Action::RunInterviews, "run interviews")?;
    let iv = state
        .store
        .transition_interview(
            auth.org(),
            path_id::<InterviewId>(&id)?,
            input.to.into(),
            auth.user.id,
        )
        .await?;
    Ok(Json(iv.into()))
}

/// Every state change of the interview with who made it and when, oldest first.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/transitions", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, body = Vec<TransitionOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn transitions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<TransitionOut>>, ApiError> {
    auth.require(Action::RunInterviews, "see interviews")?;
    let all = state
        .store
        .transitions_of(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    Ok(Json(all.into_iter().map(TransitionOut::from).collect()))
}

/// The calendar invitation (iCalendar) for the panel and the candidate.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/calendar.ics", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn calendar(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::RunInterviews, "see interviews")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let ics = calendar_file(&state, &iv).await?;
    Ok(super::attachment(
        "text/calendar; charset=utf-8",
        &format!("interview-{}.ics", iv.id),
        ics,
    ))
}

/// The interview's `.ics` file (the web page offers the same).
pub async fn calendar_file(state: &AppState, iv: &Interview) -> Result<String, ApiError> {
    let start = iv
        .scheduled_at
        .ok_or_else(|| ApiError::Conflict("the interview has no date and time yet".into()))?;
    let users = state.store.users_of(iv.org).await?;
    let cand = state.store.candidate(iv.org, iv.candidate).await?;
    let mut attendees: Vec<(String, String)> = users
        .iter()
        .filter(|u| iv.panel.contains(&u.id))
        .map(|u| (u.name.clone(), u.email.to_string()))
        .collect();
    if let Some(e) = &cand.draft.email {
        attendees.push((cand.draft.name.clone(), e.to_string()));
    }
    let organizer = users.iter().find(|u| u.id == iv.created_by);
    let title = kit_title(state, iv).await?;
    let link = format!("{}/interviews/{}", state.settings.base_url(), iv.id);
    let uid = format!("{}@parley", iv.id);
    let description = format!("{} minutes. The kit: {link}", iv.length_minutes);
    Ok(CalendarEvent {
        uid: &uid,
        sequence: iv.sequence,
        start_ms: start,
        minutes: iv.length_minutes,
        summary: &title,
        description: &description,
        organizer: organizer.map(|u| (u.name.as_str(), u.email.as_str())),
        attendees: &attendees,
        now_ms: iv.updated_at,
        cancelled: iv.state == InterviewState::Cancelled,
    }
    .to_ics())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryIn {
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub notes: String,
    /// Position on the organisation's scale, from 1; null for not rated.
    #[schema(minimum = 1, maximum = 7)]
    pub rating: Option<u8>,
    /// Positions (from 0) of the key points the candidate covered.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub checked: Vec<u32>,
    /// Increases with every change on the client: an older save never overwrites a newer one,
    /// and a repeated save changes nothing.
    #[schema(minimum = 0)]
    pub client_rev: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub item: u32,
    pub notes: String,
    pub rating: Option<u8>,
    pub checked: Vec<u32>,
    pub client_rev: i64,
    pub updated_at: i64,
}

impl From<StoredEntry> for EntryOut {
    fn from(e: StoredEntry) -> Self {
        EntryOut {
            item: e.item,
            notes: e.entry.notes,
            rating: e.entry.rating,
            checked: e.entry.checked,
            client_rev: e.client_rev,
            updated_at: e.updated_at,
        }
    }
}

/// Your own notes and ratings on this interview.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/entries", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, body = Vec<EntryOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn entries(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<EntryOut>>, ApiError> {
    auth.require(Action::RunInterviews, "take interview notes")?;
    let all = state
        .store
        .entries_of(auth.org(), path_id::<InterviewId>(&id)?, Some(auth.user.id))
        .await?;
    Ok(Json(all.into_iter().map(EntryOut::from).collect()))
}

/// Save your notes, ticks and rating on one kit item (panel members, while the interview is in
/// progress or completed). Safe to repeat: the newest `client_rev` wins.
#[utoipa::path(put, path = "/api/v1/interviews/{id}/entries/{item}", tag = "interviews", request_body = EntryIn,
    params(("id" = String, Path), ("item" = u32, Path)),
    responses((status = 200, body = EntryOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn save_entry(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(String, String)>,
    ApiJson(input): ApiJson<EntryIn>,
) -> Result<Json<EntryOut>, ApiError> {
    auth.require(Action::RunInterviews, "take interview notes")?;
    let id = path_id::<InterviewId>(&id)?;
    let item: u32 = path_id(&item)?;
    let iv = state.store.interview(auth.org(), id).await?;
    if !iv.panel.contains(&auth.user.id) {
        return Err(ApiError::Forbidden(
            "take notes on an interview whose panel you are not on",
        ));
    }
    if input.client_rev < 0 {
        return Err(ApiError::Invalid("client_rev must not be negative".into()));
    }
    let entry = Entry {
        notes: input.notes,
        rating: input.rating,
        checked: input.checked,
    };
    let stored = state
        .store
        .save_entry(auth.org(), id, auth.user.id, item, entry, input.client_rev)
        .await?;
    Ok(Json(stored.into()))
}
