//! `/api/v1/grade`: a written answer graded against a bank question or given texts, by the
//! same grader as `parley grade` (and, later, practice mode).

use super::extract::parse_id;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use parley_domain::Action;
use parley_domain::question::{MAX_ANSWER_CHARS, MAX_TEXT_CHARS};
use parley_grade::{Exercise, Grade};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeIn {
    /// Grade against this bank question (its reference answer, key points and red flags)…
    pub question_id: Option<String>,
    /// …or against these texts.
    #[schema(max_length = 4000)]
    pub question: Option<String>,
    #[schema(max_length = 100000)]
    pub reference_answer: Option<String>,
    #[serde(default)]
    pub key_points: Vec<String>,
    #[serde(default)]
    pub red_flags: Vec<String>,
    /// The answer; anything (empty, huge, garbage) gets a grade, with flags saying what it is.
    pub answer: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoveredOut {
    pub key_point: String,
    /// The sentence of the answer that covers it.
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GradeOut {
    /// 0–5, one decimal.
    pub score: f64,
    pub covered: Vec<CoveredOut>,
    pub missed: Vec<String>,
    /// empty, not_text, too_long, off_topic, restates_question, far_too_short,
    /// different_language, contradicts_key_point, matches_red_flag
    pub flags: Vec<String>,
    /// 0–1.
    pub confidence: f64,
    /// A short explanation in the answer's language (English or Polish).
    pub explanation: String,
    pub language: String,
    /// semantic, or lexical when the embedding model is not installed.
    pub method: String,
    /// The calibration artifact's version.
    pub calibration: String,
}

fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl From<Grade> for GradeOut {
    fn from(g: Grade) -> Self {
        GradeOut {
            score: g.score,
            covered: g
                .covered
                .into_iter()
                .map(|c| CoveredOut {
                    key_point: c.key_point,
                    evidence: c.evidence,
                })
                .collect(),
            missed: g.missed,
            flags: g.flags.iter().map(name).collect(),
            confidence: g.confidence,
            explanation: g.explanation,
            language: g.language.to_string(),
            method: name(&g.method),
            calibration: g.calibration.to_string(),
        }
    }
}

/// Grade a written answer: the score, the key points covered (with the covering sentence) and
/// missed, flags, a confidence and an explanation.
#[utoipa::path(post, path = "/api/v1/grade", tag = "grading", request_body = GradeIn,
    responses((status = 200, body = GradeOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn grade(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<GradeIn>,
) -> Result<Json<GradeOut>, ApiError> {
    let exercise = match (&input.question_id, &input.question) {
        (Some(id), None) => {
            auth.require(Action::ReadBank, "grade against the question bank")?;
            let q = state.store.get_question(auth.org(), parse_id(id)?).await?;
            Exercise {
                question: q.draft.text,
                references: q.draft.reference_answer.into_iter().collect(),
                key_points: q.draft.key_points,
                red_flags: q.draft.red_flags,
            }
        }
        (None, Some(q)) if q.chars().count() > MAX_TEXT_CHARS => {
            return Err(ApiError::Invalid(format!(
                "a question may have at most {MAX_TEXT_CHARS} characters"
            )));
        }
        (None, Some(_))
            if input
                .reference_answer
                .as_ref()
                .is_some_and(|r| r.chars().count() > MAX_ANSWER_CHARS) =>
        {
            return Err(ApiError::Invalid(format!(
                "a reference answer may have at most {MAX_ANSWER_CHARS} characters"
            )));
        }
        (None, Some(q)) => Exercise {
            question: q.clone(),
            references: input.reference_answer.iter().cloned().collect(),
            key_points: input.key_points,
            red_flags: input.red_flags,
        },
        _ => {
            return Err(ApiError::Invalid(
                "give either question_id or question (with reference_answer or key_points)".into(),
            ));
        }
    };
    let grader = state.grader.clone();
    let answer = input.answer;
    let graded = tokio::task::spawn_blocking(move || grader.grade(&exercise, &answer)).await?;
    let g = graded.map_err(|e| ApiError::Invalid(e.to_string()))?;
    state.metrics.add(
        "parley_graded_answers_total",
        "Answers graded through the API.",
        1,
    );
    Ok(Json(g.into()))
}
