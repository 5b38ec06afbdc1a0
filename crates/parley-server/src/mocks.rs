//! Mock interviews' views, shared by the API and the pages: the questions and the member's own
//! answers while it runs; grades, reference answers and the report once it is finished.

use crate::api::grade::GradeOut;
use crate::auth::{Auth, now_ms};
use crate::error::ApiError;
use crate::practice::practice;
use crate::state::AppState;
use parley_bank::practice::StoredGrade;
use parley_domain::{MockId, QuestionId};
use parley_store::Mock;
use serde::Serialize;
use utoipa::ToSchema;

/// A mock as its owner sees it: the questions and their own answers; the grades, reference
/// answers and report only once it is finished.
#[derive(Debug, Serialize, ToSchema)]
pub struct MockOut {
    pub id: String,
    pub title: String,
    pub minutes: u32,
    pub started_at: i64,
    pub deadline_at: i64,
    pub finished_at: Option<i64>,
    /// Answers are still taken.
    pub open: bool,
    pub questions: Vec<MockQuestionOut>,
    pub report: Option<MockReportOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MockQuestionOut {
    pub question_id: String,
    pub text: String,
    pub competency: String,
    pub competency_name: String,
    pub minutes: u32,
    pub answer: Option<String>,
    /// After the end only.
    pub grade: Option<GradeOut>,
    /// After the end only.
    pub reference_answer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MockCompetencyOut {
    pub competency: String,
    pub name: String,
    /// 0–5.
    pub score: f64,
    /// met, partly_met, not_met or not_assessed (thirds of the scale, as in an assessment).
    pub observed: String,
    pub answered: usize,
    pub questions: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImprovementOut {
    pub competency: String,
    pub name: String,
    pub missed: Vec<String>,
    /// Questions to practise again.
    pub question_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MockReportOut {
    /// 0–5.
    pub overall: f64,
    pub unanswered: usize,
    pub competencies: Vec<MockCompetencyOut>,
    /// Weakest first.
    pub improve: Vec<ImprovementOut>,
}

pub async fn mock_view(state: &AppState, auth: &Auth, m: &Mock) -> Result<MockOut, ApiError> {
    let finished = m.finished_at.is_some();
    let mut questions = Vec::new();
    for q in &m.plan.questions {
        let a = m.answers.iter().find(|a| a.question == q.question);
        let (grade, reference_answer) = if finished {
            let grade = a
                .and_then(|a| a.grade.as_deref())
                .map(StoredGrade::parse)
                .transpose()?
                .map(GradeOut::from);
            let reference = match state.store.get_question(auth.org(), q.question).await {
                Ok(full) => full.draft.reference_answer,
                Err(parley_store::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            (grade, reference)
        } else {
            (None, None)
        };
        questions.push(MockQuestionOut {
            question_id: q.question.to_string(),
            text: q.text.clone(),
            competency: q.competency.clone(),
            competency_name: q.competency_name.clone(),
            minutes: q.minutes,
            answer: a.map(|a| a.answer.clone()),
            grade,
            reference_answer,
        });
    }
    let report = m.report.as_ref().map(|r| MockReportOut {
        overall: r.overall,
        unanswered: r.unanswered,
        competencies: r
            .competencies
            .iter()
            .map(|c| MockCompetencyOut {
                competency: c.competency.clone(),
                name: c.name.clone(),
                score: c.score,
                observed: serde_json::to_value(c.observed)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                answered: c.answered,
                questions: c.questions,
            })
            .collect(),
        improve: r
            .improve
            .iter()
            .map(|i| ImprovementOut {
                competency: i.competency.clone(),
                name: i.name.clone(),
                missed: i.missed.clone(),
                question_ids: i.questions.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    });
    Ok(MockOut {
        id: m.id.to_string(),
        title: m.plan.title.clone(),
        minutes: m.plan.minutes,
        started_at: m.started_at,
        deadline_at: m.deadline_at,
        finished_at: m.finished_at,
        open: m.open_at(now_ms()),
        questions,
        report,
    })
}

pub async fn start_mock(state: &AppState, auth: &Auth, length: u32) -> Result<Mock, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    Ok(p.start_mock(&settings, length, now_ms()).await?)
}

pub async fn answer_mock(
    state: &AppState,
    auth: &Auth,
    id: MockId,
    question: QuestionId,
    answer: String,
) -> Result<Mock, ApiError> {
    let p = practice(state, auth);
    let (m, exercise) = p.mock_exercise(id, question, now_ms()).await?;
    let grader = state.grader.clone();
    let text = answer.clone();
    let grade = tokio::task::spawn_blocking(move || grader.grade(&exercise, &text).ok())
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(
        p.record_mock(&m, question, &answer, grade.as_ref(), now_ms())
            .await?,
    )
}

pub async fn finish_mock(state: &AppState, auth: &Auth, id: MockId) -> Result<Mock, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    Ok(p.finish_mock(&settings, id, now_ms()).await?)
}
