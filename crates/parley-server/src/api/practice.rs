//! `/api/v1/practice`: a member's own practice — settings, the next question, answers graded
//! and rated into the FSRS scheduler, progress (JSON and a chart), the Anki deck, and mock
//! interviews. Every member may practise; nobody sees another member's practice.

use super::extract::{parse_id, path_id};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::mocks::{self, MockOut};
use crate::practice::{self as views, AnswerOut, NextOut, PracticeSettingsBody, ProgressOut};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_domain::{Action, AttemptId, MockId, Taxonomy};
use parley_practice::Rating;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleChoice {
    pub id: String,
    pub title: String,
    pub competencies: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionChoice {
    pub id: String,
    pub name: String,
    pub name_pl: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeSettingsOut {
    pub settings: PracticeSettingsBody,
    /// The organisation's roles one may practise for.
    pub roles: Vec<RoleChoice>,
    /// The taxonomy's sections.
    pub sections: Vec<SectionChoice>,
}

async fn settings_out(state: &AppState, auth: &Auth) -> Result<PracticeSettingsOut, ApiError> {
    let s = views::practice(state, auth).settings().await?;
    let roles = state
        .store
        .roles_of(auth.org())
        .await?
        .into_iter()
        .map(|r| RoleChoice {
            id: r.id.to_string(),
            title: r.draft.title,
            competencies: r.draft.competencies.into_iter().map(|c| c.name).collect(),
        })
        .collect();
    let sections = Taxonomy::builtin()
        .sections()
        .iter()
        .map(|s| SectionChoice {
            id: s.id.clone(),
            name: s.name.clone(),
            name_pl: s.name_pl.clone(),
        })
        .collect();
    Ok(PracticeSettingsOut {
        settings: PracticeSettingsBody::from(&s),
        roles,
        sections,
    })
}

/// Your practice settings, with the roles and sections to choose from.
#[utoipa::path(get, path = "/api/v1/practice/settings", tag = "practice",
    responses((status = 200, body = PracticeSettingsOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<PracticeSettingsOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    Ok(Json(settings_out(&state, &auth).await?))
}

/// Replaces your practice settings.
#[utoipa::path(put, path = "/api/v1/practice/settings", tag = "practice", request_body = PracticeSettingsBody,
    responses((status = 200, body = PracticeSettingsOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PracticeSettingsBody>,
) -> Result<Json<PracticeSettingsOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let settings = body.into_settings(&state, &auth).await?;
    state
        .store
        .save_practice_settings(auth.org(), auth.user.id, &settings)
        .await?;
    Ok(Json(settings_out(&state, &auth).await?))
}

/// The question to practise now: a due review first, then a new question while today's limit
/// allows.
#[utoipa::path(get, path = "/api/v1/practice/next", tag = "practice",
    responses((status = 200, body = NextOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn next(State(state): State<AppState>, auth: Auth) -> Result<Json<NextOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    Ok(Json(views::next(&state, &auth).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeAnswerIn {
    pub question_id: String,
    /// Your answer; anything (empty, huge, garbage) is graded, with flags saying what it is.
    #[schema(max_length = 100000)]
    pub answer: String,
}

/// Grades your answer against the question's reference answer and key points and keeps it,
/// waiting for your rating (the response holds the grade, the reference and the choices).
#[utoipa::path(post, path = "/api/v1/practice/answers", tag = "practice", request_body = PracticeAnswerIn,
    responses((status = 201, body = AnswerOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<PracticeAnswerIn>,
) -> Result<Response, ApiError> {
    auth.require(Action::Practise, "practise")?;
    views::check_answer_size(&input.answer)?;
    let id = parse_id(&input.question_id)?;
    let a = views::submit_answer(&state, &auth, id, input.answer).await?;
    let out = views::answer_view(&state, &auth, &a).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// One of your answers with its grade and rating.
#[utoipa::path(get, path = "/api/v1/practice/answers/{id}", tag = "practice", params(("id" = String, Path)),
    responses((status = 200, body = AnswerOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AnswerOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let a = state
        .store
        .practice_attempt(auth.org(), auth.user.id, path_id::<AttemptId>(&id)?)
        .await?;
    Ok(Json(views::answer_view(&state, &auth, &a).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingIn {
    /// again, hard, good or easy (or 1–4).
    pub rating: String,
}

/// Rates your recall of an answer once; the scheduler sets when the question comes back.
#[utoipa::path(post, path = "/api/v1/practice/answers/{id}/rating", tag = "practice", params(("id" = String, Path)), request_body = RatingIn,
    responses((status = 200, body = AnswerOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn rate(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RatingIn>,
) -> Result<Json<AnswerOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let id = path_id::<AttemptId>(&id)?;
    let rating: Rating = input.rating.parse()?;
    let a = views::rate(&state, &auth, id, rating).await?;
    Ok(Json(views::answer_view(&state, &auth, &a).await?))
}

/// Readiness per section over time and the key points you miss most.
#[utoipa::path(get, path = "/api/v1/practice/progress", tag = "practice",
    responses((status = 200, body = ProgressOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn progress(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<ProgressOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    Ok(Json(views::progress(&state, &auth).await?))
}

/// The readiness chart (SVG).
#[utoipa::path(get, path = "/api/v1/practice/progress.svg", tag = "practice",
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn progress_svg(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let p = views::progress(&state, &auth).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        views::progress_svg(&p),
    )
        .into_response())
}

/// The questions you practise as an Anki deck: a text file Anki imports (File › Import), one
/// note per question with the reference answer, key points and follow-ups, tagged by section.
#[utoipa::path(get, path = "/api/v1/practice/deck.txt", tag = "practice",
    responses((status = 200, content_type = "text/plain", body = String), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn deck(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let text = views::deck(&state, &auth).await?;
    Ok(super::attachment(
        "text/plain; charset=utf-8",
        "parley-deck.txt",
        text,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MockIn {
    /// 30, 45, 60 or 90: the length of the real interview it imitates.
    pub length: u32,
}

/// Your mock interviews, newest first.
#[utoipa::path(get, path = "/api/v1/practice/mocks", tag = "practice",
    responses((status = 200, body = Vec<MockOut>), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn mocks(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<MockOut>>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let mut out = Vec::new();
    for m in state.store.mocks_of(auth.org(), auth.user.id).await? {
        out.push(mocks::mock_view(&state, &auth, &m).await?);
    }
    Ok(Json(out))
}

/// Starts a mock interview for your settings' role (or sections), timed, drawn like a kit.
#[utoipa::path(post, path = "/api/v1/practice/mocks", tag = "practice", request_body = MockIn,
    responses((status = 201, body = MockOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn start_mock(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<MockIn>,
) -> Result<Response, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let m = mocks::start_mock(&state, &auth, input.length).await?;
    let out = mocks::mock_view(&state, &auth, &m).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// One of your mock interviews; grades and the report once it is finished.
#[utoipa::path(get, path = "/api/v1/practice/mocks/{id}", tag = "practice", params(("id" = String, Path)),
    responses((status = 200, body = MockOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn mock(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<MockOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let m = state
        .store
        .mock(auth.org(), auth.user.id, path_id::<MockId>(&id)?)
        .await?;
    Ok(Json(mocks::mock_view(&state, &auth, &m).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MockAnswerIn {
    #[schema(max_length = 100000)]
    pub answer: String,
}

/// Writes (or rewrites) your answer to one question of an open mock; no grade is shown until
/// the end.
#[utoipa::path(put, path = "/api/v1/practice/mocks/{id}/answers/{question_id}", tag = "practice",
    params(("id" = String, Path), ("question_id" = String, Path)), request_body = MockAnswerIn,
    responses((status = 200, body = MockOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn answer_mock(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, question)): Path<(String, String)>,
    ApiJson(input): ApiJson<MockAnswerIn>,
) -> Result<Json<MockOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    views::check_answer_size(&input.answer)?;
    let id = path_id::<MockId>(&id)?;
    let question = path_id(&question)?;
    let m = mocks::answer_mock(&state, &auth, id, question, input.answer).await?;
    Ok(Json(mocks::mock_view(&state, &auth, &m).await?))
}

/// Ends a mock interview: every answer graded and rated as its grade suggests, and the report
/// per competency. Finishing again returns the same report.
#[utoipa::path(post, path = "/api/v1/practice/mocks/{id}/finish", tag = "practice", params(("id" = String, Path)),
    responses((status = 200, body = MockOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn finish_mock(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<MockOut>, ApiError> {
    auth.require(Action::Practise, "practise")?;
    let m = mocks::finish_mock(&state, &auth, path_id::<MockId>(&id)?).await?;
    Ok(Json(mocks::mock_view(&state, &auth, &m).await?))
}
