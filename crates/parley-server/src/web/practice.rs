//! Practice pages: settings and the queue, one question at a time, the graded answer with the
//! rating buttons, progress with its chart, and mock interviews with their report. Plain
//! forms; the mock's clock counts down with script and is enforced by the server without.

use super::{Fields, Frame, Member, WebForm, WebResult, field, page, see_other, when};
use crate::api::extract::{parse_id, path_id};
use crate::auth::now_ms;
use crate::error::ApiError;
use crate::mocks::{self, MockOut};
use crate::practice::{
    self as views, AnswerOut, NextOut, PracticeQuestionOut, PracticeSettingsBody, ProgressOut,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use parley_domain::question::MAX_ANSWER_CHARS;
use parley_domain::{Action, AttemptId, MockId, Taxonomy};
use parley_practice::Rating;
use parley_practice::schedule::describe_interval;
use serde::Deserialize;

struct SectionBox {
    id: String,
    name: String,
    checked: bool,
}

struct RoleOption {
    id: String,
    title: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct HomePage {
    frame: Frame,
    settings: PracticeSettingsBody,
    sections: Vec<SectionBox>,
    roles: Vec<RoleOption>,
    next: NextOut,
    next_due: String,
    error: Option<String>,
}

async fn home_page(
    state: &AppState,
    auth: &crate::auth::Auth,
    settings: PracticeSettingsBody,
    error: Option<String>,
) -> WebResult {
    let sections = Taxonomy::builtin()
        .sections()
        .iter()
        .map(|s| SectionBox {
            checked: settings.sections.contains(&s.id),
            id: s.id.clone(),
            name: s.name.clone(),
        })
        .collect();
    let roles = state
        .store
        .roles_of(auth.org())
        .await?
        .into_iter()
        .map(|r| RoleOption {
            selected: settings.role_id.as_deref() == Some(r.id.to_string().as_str()),
            id: r.id.to_string(),
            title: r.draft.title,
        })
        .collect();
    let next = views::next(state, auth).await?;
    let next_due = next
        .next_due_at
        .map(|t| format!("in {}", describe_interval(t - now_ms())))
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &HomePage {
            frame: Frame::of(auth),
            settings,
            sections,
            roles,
            next,
            next_due,
            error,
        },
    ))
}

pub async fn home(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    let settings = views::practice(&state, &auth).settings().await?;
    home_page(&state, &auth, PracticeSettingsBody::from(&settings), None).await
}

pub async fn save_settings(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let opt = |name: &str| Some(field(&f, name).trim().to_string()).filter(|v| !v.is_empty());
    let body = PracticeSettingsBody {
        sections: f
            .iter()
            .filter(|(k, _)| k == "section")
            .map(|(_, v)| v.clone())
            .collect(),
        role_id: opt("role_id"),
        level: opt("level"),
        language: opt("language"),
        new_per_day: field(&f, "new_per_day").trim().parse().unwrap_or(u32::MAX),
        retention: field(&f, "retention").trim().parse().unwrap_or(f64::NAN),
        interview_date: opt("interview_date"),
    };
    match body.clone().into_settings(&state, &auth).await {
        Ok(s) => {
            state
                .store
                .save_practice_settings(auth.org(), auth.user.id, &s)
                .await?;
            Ok(see_other("/practice"))
        }
        Err(ApiError::Invalid(m) | ApiError::BadRequest(m)) => {
            home_page(&state, &auth, body, Some(m)).await
        }
        Err(ApiError::NotFound) => {
            home_page(&state, &auth, body, Some("no such role".into())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "practice_question.html")]
struct QuestionPage {
    frame: Frame,
    question: Option<PracticeQuestionOut>,
    reason: String,
    next: NextOut,
    next_due: String,
    max_chars: usize,
}

#[derive(Deserialize)]
pub struct NextQuery {
    /// Practise this question now (from "practise this" links).
    question: Option<String>,
}

pub async fn question(
    State(state): State<AppState>,
    Member(auth): Member,
    Query(q): Query<NextQuery>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    let next = views::next(&state, &auth).await?;
    let (question, reason) = match q.question.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => {
            let q = views::practisable_question(&state, &auth, parse_id(id)?).await?;
            (Some(PracticeQuestionOut::of(&q)), "chosen".to_string())
        }
        None => (
            next.question.clone(),
            next.reason.clone().unwrap_or_default(),
        ),
    };
    let next_due = next
        .next_due_at
        .map(|t| describe_interval(t - now_ms()))
        .unwrap_or_default();
    Ok(page(
        StatusCode::OK,
        &QuestionPage {
            frame: Frame::of(&auth),
            question,
            reason,
            next,
            next_due,
            max_chars: MAX_ANSWER_CHARS,
        },
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let answer = field(&f, "answer").to_string();
    views::check_answer_size(&answer)?;
    let id = parse_id(field(&f, "question_id"))?;
    let a = views::submit_answer(&state, &auth, id, answer).await?;
    Ok(see_other(&format!("/practice/answers/{}", a.id)))
}

#[derive(Template)]
#[template(path = "practice_answer.html")]
struct AnswerPage {
    frame: Frame,
    a: AnswerOut,
    due: String,
}

pub async fn answer(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    let stored = state
        .store
        .practice_attempt(auth.org(), auth.user.id, path_id::<AttemptId>(&id)?)
        .await?;
    let a = views::answer_view(&state, &auth, &stored).await?;
    let due = a
        .due_at
        .map(|t| format!("{} (in {})", when(t), describe_interval(t - now_ms())))
        .unwrap_or_default();
    Ok(page(
        StatusCode::OK,
        &AnswerPage {
            frame: Frame::of(&auth),
            a,
            due,
        },
    ))
}

pub async fn rate(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<AttemptId>(&id)?;
    let rating: Rating = field(&f, "rating").parse().map_err(ApiError::from)?;
    views::rate(&state, &auth, id, rating).await?;
    Ok(see_other("/practice/next"))
}

#[derive(Template)]
#[template(path = "practice_progress.html")]
struct ProgressPage {
    frame: Frame,
    p: ProgressOut,
    chart: String,
    missed_chart: String,
}

pub async fn progress(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    let p = views::progress(&state, &auth).await?;
    let chart = views::progress_svg(&p);
    let missed: Vec<(String, usize)> = p
        .most_missed
        .iter()
        .map(|m| (m.key_point.clone(), m.times))
        .collect();
    let missed_chart = crate::charts::missed("Key points missed most", &missed);
    Ok(page(
        StatusCode::OK,
        &ProgressPage {
            frame: Frame::of(&auth),
            p,
            chart,
            missed_chart,
        },
    ))
}

struct MockRow {
    id: String,
    title: String,
    started: String,
    state: String,
}

#[derive(Template)]
#[template(path = "practice_mocks.html")]
struct MocksPage {
    frame: Frame,
    rows: Vec<MockRow>,
    error: Option<String>,
}

async fn mocks_page(
    state: &AppState,
    auth: &crate::auth::Auth,
    error: Option<String>,
) -> WebResult {
    let now = now_ms();
    let rows = state
        .store
        .mocks_of(auth.org(), auth.user.id)
        .await?
        .into_iter()
        .map(|m| MockRow {
            id: m.id.to_string(),
            title: m.plan.title.clone(),
            started: when(m.started_at),
            state: match (&m.report, m.open_at(now)) {
                (Some(r), _) => format!("finished: {:.1} / 5", r.overall),
                (None, true) => "in progress".into(),
                (None, false) => "time is up: open it for the report".into(),
            },
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &MocksPage {
            frame: Frame::of(auth),
            rows,
            error,
        },
    ))
}

pub async fn mocks(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    mocks_page(&state, &auth, None).await
}

pub async fn start_mock(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let length: u32 = field(&f, "length")
        .parse()
        .map_err(|_| ApiError::BadRequest("choose a length".into()))?;
    match mocks::start_mock(&state, &auth, length).await {
        Ok(m) => Ok(see_other(&format!("/practice/mocks/{}", m.id))),
        Err(ApiError::Conflict(m) | ApiError::Invalid(m)) => {
            mocks_page(&state, &auth, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "practice_mock.html")]
struct MockPage {
    frame: Frame,
    m: MockOut,
    deadline: String,
    seconds_left: i64,
}

pub async fn mock(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    let id = path_id::<MockId>(&id)?;
    let mut m = state.store.mock(auth.org(), auth.user.id, id).await?;
    if m.finished_at.is_none() && !m.open_at(now_ms()) {
        // Time ran out while away: the mock ends with what was written.
        m = mocks::finish_mock(&state, &auth, id).await?;
    }
    let m = mocks::mock_view(&state, &auth, &m).await?;
    Ok(page(
        StatusCode::OK,
        &MockPage {
            frame: Frame::of(&auth),
            deadline: when(m.deadline_at),
            seconds_left: ((m.deadline_at - now_ms()) / 1000).max(0),
            m,
        },
    ))
}

/// Saves every answer written; with `finish`, ends the mock. Answers sent after the time is up
/// are not taken, and the mock ends.
pub async fn save_mock(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::Practise, "practise")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<MockId>(&id)?;
    let m = state.store.mock(auth.org(), auth.user.id, id).await?;
    let mut time_up = !m.open_at(now_ms());
    if !time_up {
        for (k, v) in &f {
            let Some(q) = k.strip_prefix("answer:") else {
                continue;
            };
            let q = path_id(q)?;
            let before = m
                .answers
                .iter()
                .find(|a| a.question == q)
                .map(|a| &a.answer);
            if v.trim().is_empty() || before == Some(v) {
                continue;
            }
            views::check_answer_size(v)?;
            match mocks::answer_mock(&state, &auth, id, q, v.clone()).await {
                Ok(_) => {}
                Err(ApiError::Conflict(_)) => {
                    time_up = true;
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    if time_up || field(&f, "action") == "finish" {
        mocks::finish_mock(&state, &auth, id).await?;
    }
    Ok(see_other(&format!("/practice/mocks/{id}")))
}
