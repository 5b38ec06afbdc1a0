//! Practice mode's views, shared by the API and the pages: the next question, a graded answer
//! with its reference and rating choices, progress, and the mock interview with its report.
//! Grading runs on a blocking thread; the rules are in `parley-practice`, the order of things
//! in `parley_bank::practice`.

use crate::api::grade::{CoveredOut, GradeOut};
use crate::auth::{Auth, now_ms};
use crate::error::ApiError;
use crate::state::AppState;
use parley_bank::practice::{Practice, StoredGrade, practisable};
use parley_domain::question::MAX_ANSWER_CHARS;
use parley_domain::{AttemptId, Question, QuestionId, Taxonomy};
use parley_practice::progress::{self, Attempt};
use parley_practice::schedule::describe_interval;
use parley_practice::{Rating, Scheduler, Settings};
use parley_store::StoredAttempt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn practice<'a>(state: &'a AppState, auth: &Auth) -> Practice<'a> {
    Practice {
        store: &state.store,
        org: auth.org(),
        user: auth.user.id,
    }
}

/// The section's display name (the taxonomy's English name, or as stored).
pub fn section_name(section: Option<&str>) -> Option<String> {
    section.map(|s| {
        Taxonomy::builtin()
            .lookup(s)
            .map_or(s.to_string(), |t| t.name.clone())
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PracticeQuestionOut {
    pub id: String,
    pub text: String,
    pub section: Option<String>,
    pub section_name: Option<String>,
    pub language: Option<String>,
    /// Suggested minutes for an answer.
    pub minutes: u32,
}

impl PracticeQuestionOut {
    pub fn of(q: &Question) -> Self {
        PracticeQuestionOut {
            id: q.id.to_string(),
            text: q.draft.text.clone(),
            section: q.draft.section.clone(),
            section_name: section_name(q.draft.section.as_deref()),
            language: q.draft.language.as_ref().map(|l| l.to_string()),
            minutes: q.draft.minutes(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextOut {
    /// The question to answer now; none when nothing is due and today's new questions are done.
    pub question: Option<PracticeQuestionOut>,
    /// due (a review) or new.
    pub reason: Option<String>,
    /// Cards due now.
    pub due: usize,
    /// Questions never practised under these settings.
    pub unseen: usize,
    pub new_left_today: u32,
    /// When the next card becomes due (ms since the epoch), when none is due now.
    pub next_due_at: Option<i64>,
}

pub async fn next(state: &AppState, auth: &Auth) -> Result<NextOut, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    let offer = p.next(&settings, now_ms()).await?;
    Ok(NextOut {
        reason: offer.question.as_ref().map(|(_, r)| {
            match r {
                parley_practice::queue::Reason::Due => "due",
                parley_practice::queue::Reason::New => "new",
            }
            .to_string()
        }),
        question: offer
            .question
            .as_ref()
            .map(|(q, _)| PracticeQuestionOut::of(q)),
        due: offer.counts.due,
        unseen: offer.counts.unseen,
        new_left_today: offer.counts.new_left_today,
        next_due_at: offer.counts.next_due_ms,
    })
}

/// A stored grade as the API shows every grade.
impl From<StoredGrade> for GradeOut {
    fn from(g: StoredGrade) -> Self {
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
            flags: g.flags,
            confidence: g.confidence,
            explanation: g.explanation,
            language: g.language,
            method: g.method,
            calibration: g.calibration,
        }
    }
}

/// An answer longer than the API accepts is refused before anything is graded.
pub fn check_answer_size(answer: &str) -> Result<(), ApiError> {
    if answer.chars().count() > MAX_ANSWER_CHARS {
        return Err(ApiError::Invalid(format!(
            "an answer may have at most {MAX_ANSWER_CHARS} characters"
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChoiceOut {
    /// again, hard, good or easy.
    pub rating: String,
    /// When the question would come back (ms since the epoch).
    pub due_at: i64,
    /// The same in words ("10 min", "3 d").
    pub interval: String,
    pub suggested: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerOut {
    pub id: String,
    pub question: PracticeQuestionOut,
    pub answer: String,
    pub grade: Option<GradeOut>,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
    pub look_for: Vec<String>,
    /// Questions to think about next (the stored follow-ups).
    pub follow_ups: Vec<String>,
    pub suggested: Option<String>,
    /// The rating given; none until rated.
    pub rating: Option<String>,
    /// Until rated, what each rating would do.
    pub choices: Vec<ChoiceOut>,
    /// Once rated, when the question comes back.
    pub due_at: Option<i64>,
    pub answered_at: i64,
}

/// The answer as its page shows it: the grade, the reference, the rating choices. An answer of
/// a mock interview stays hidden (404) until the mock is finished: no hints before the end.
pub async fn answer_view(
    state: &AppState,
    auth: &Auth,
    a: &StoredAttempt,
) -> Result<AnswerOut, ApiError> {
    if let Some(m) = a.mock
        && state
            .store
            .mock(auth.org(), auth.user.id, m)
            .await?
            .finished_at
            .is_none()
    {
        return Err(ApiError::NotFound);
    }
    let p = practice(state, auth);
    let all = state.store.all_questions(auth.org()).await?;
    let q = all.iter().find(|q| q.id == a.question);
    let follow_ups = all
        .iter()
        .filter(|f| f.follow_up_of == Some(a.question))
        .map(|f| f.draft.text.clone())
        .collect();
    let question = match q {
        Some(q) => PracticeQuestionOut::of(q),
        None => PracticeQuestionOut {
            id: a.question.to_string(),
            text: a.question_text.clone(),
            section: a.section.clone(),
            section_name: section_name(a.section.as_deref()),
            language: None,
            minutes: 0,
        },
    };
    let choices = if a.rating.is_none() && a.mock.is_none() {
        let settings = p.settings().await?;
        let now = now_ms();
        p.previews(&settings, a.question, a.score, now)
            .await?
            .into_iter()
            .map(|c| ChoiceOut {
                rating: c.rating.to_string(),
                due_at: c.due_ms,
                interval: describe_interval(c.due_ms - now),
                suggested: a.suggested == Some(c.rating),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(AnswerOut {
        id: a.id.to_string(),
        question,
        answer: a.answer.clone(),
        grade: a
            .grade
            .as_deref()
            .map(StoredGrade::parse)
            .transpose()?
            .map(GradeOut::from),
        reference_answer: q.and_then(|q| q.draft.reference_answer.clone()),
        key_points: q.map(|q| q.draft.key_points.clone()).unwrap_or_default(),
        look_for: q.map(|q| q.draft.look_for.clone()).unwrap_or_default(),
        follow_ups,
        suggested: a.suggested.map(|r| r.to_string()),
        rating: a.rating.map(|r| r.to_string()),
        choices,
        due_at: a.card.as_ref().map(|c| c.due_ms),
        answered_at: a.answered_at,
    })
}

/// Grades and stores an answer to `question`.
pub async fn submit_answer(
    state: &AppState,
    auth: &Auth,
    question: QuestionId,
    answer: String,
) -> Result<StoredAttempt, ApiError> {
    let p = practice(state, auth);
    let q = p.question(question).await?;
    let exercise = parley_bank::practice::exercise(&q);
    let grader = state.grader.clone();
    let text = answer.clone();
    let grade = tokio::task::spawn_blocking(move || grader.grade(&exercise, &text))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Conflict(e.to_string()))?;
    Ok(p.record(&q, &answer, &grade, now_ms()).await?)
}

pub async fn rate(
    state: &AppState,
    auth: &Auth,
    id: AttemptId,
    rating: Rating,
) -> Result<StoredAttempt, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    let (a, _) = p.rate(&settings, id, rating, now_ms()).await?;
    Ok(a)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointOut {
    /// The day (its start, ms since the epoch, UTC).
    pub day: i64,
    /// 0–1.
    pub readiness: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionProgressOut {
    pub section: Option<String>,
    pub name: String,
    /// Questions of the section practised at least once.
    pub practised: usize,
    /// 0–1: the mean over practised questions of the last grade times the chance of still
    /// recalling the answer.
    pub readiness: f64,
    pub series: Vec<PointOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissedOut {
    pub key_point: String,
    pub question_id: String,
    pub question: String,
    pub times: usize,
    /// The latest answer to the question missed it too.
    pub still_missed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressOut {
    pub sections: Vec<SectionProgressOut>,
    pub most_missed: Vec<MissedOut>,
    /// Rated answers in all.
    pub answers: usize,
}

/// Days of history the progress chart covers.
pub const PROGRESS_DAYS: i64 = 90;

pub async fn progress(state: &AppState, auth: &Auth) -> Result<ProgressOut, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    let rated = state
        .store
        .practice_attempts(auth.org(), auth.user.id, true)
        .await?;
    let attempts: Vec<Attempt> = rated
        .iter()
        .filter_map(|a| {
            Some(Attempt {
                question: a.question,
                question_text: a.question_text.clone(),
                section: a.section.clone(),
                at_ms: a.answered_at,
                score: a.score,
                card: a.card.clone()?,
                missed: a
                    .grade
                    .as_deref()
                    .and_then(|g| StoredGrade::parse(g).ok())
                    .map(|g| g.missed)
                    .unwrap_or_default(),
            })
        })
        .collect();
    let scheduler = Scheduler::new(settings.retention)?;
    let sections = progress::readiness(&attempts, &scheduler, now_ms(), PROGRESS_DAYS)
        .into_iter()
        .map(|s| SectionProgressOut {
            name: section_name(s.section.as_deref()).unwrap_or_else(|| "No section".into()),
            section: s.section,
            practised: s.practised,
            readiness: s.readiness,
            series: s
                .series
                .into_iter()
                .map(|p| PointOut {
                    day: p.day_ms,
                    readiness: p.readiness,
                })
                .collect(),
        })
        .collect();
    let most_missed = progress::most_missed(&attempts, 10)
        .into_iter()
        .map(|m| MissedOut {
            key_point: m.key_point,
            question_id: m.question.to_string(),
            question: m.question_text,
            times: m.times,
            still_missed: m.still_missed,
        })
        .collect();
    Ok(ProgressOut {
        sections,
        most_missed,
        answers: rated.len(),
    })
}

pub fn progress_svg(p: &ProgressOut) -> String {
    let series: Vec<crate::charts::Series> = p
        .sections
        .iter()
        .map(|s| crate::charts::Series {
            label: s.name.clone(),
            points: s.series.iter().map(|x| (x.day, x.readiness)).collect(),
        })
        .collect();
    crate::charts::readiness("Readiness per section", &series)
}

/// The questions a person may practise, for the Anki deck: the practisable questions of the
/// settings' sections and language, with their follow-ups for the backs.
pub async fn deck(state: &AppState, auth: &Auth) -> Result<String, ApiError> {
    let p = practice(state, auth);
    let settings = p.settings().await?;
    let role = p.role(&settings).await?;
    let sections = parley_bank::practice::sections_of(&settings, role.as_ref());
    let all = state.store.all_questions(auth.org()).await?;
    let keep: std::collections::HashSet<QuestionId> =
        parley_bank::practice::eligible_questions(&all, &settings, &sections)
            .into_iter()
            .map(|e| e.id)
            .collect();
    let chosen: Vec<Question> = all
        .into_iter()
        .filter(|q| {
            keep.contains(&q.id) || q.follow_up_of.is_some_and(|parent| keep.contains(&parent))
        })
        .collect();
    // Red flags are interviewers' guidance: the practice pages do not show them either.
    Ok(parley_docs::export::anki::render(&chosen, "Parley", false))
}

/// Settings as the API reads and writes them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeSettingsBody {
    /// Taxonomy sections (ids or names, English or Polish); empty: the role's, or all.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Practise for this role (its competencies; mock interviews are planned for it).
    #[serde(default)]
    pub role_id: Option<String>,
    /// junior, mid, senior or staff.
    #[serde(default)]
    pub level: Option<String>,
    /// en or pl; none for every language.
    #[serde(default)]
    pub language: Option<String>,
    /// New questions per day, 0–200.
    #[serde(default = "default_new")]
    pub new_per_day: u32,
    /// The recall probability reviews aim at, 0.7–0.97.
    #[serde(default = "default_retention")]
    pub retention: f64,
    /// YYYY-MM-DD: reviews are planned so weak questions are fresh on that day.
    #[serde(default)]
    pub interview_date: Option<String>,
}

fn default_new() -> u32 {
    parley_practice::settings::DEFAULT_NEW_PER_DAY
}

fn default_retention() -> f64 {
    parley_practice::schedule::DEFAULT_RETENTION
}

impl From<&Settings> for PracticeSettingsBody {
    fn from(s: &Settings) -> Self {
        PracticeSettingsBody {
            sections: s.sections.clone(),
            role_id: s.role.map(|r| r.to_string()),
            level: s.level.map(|l| l.as_str().to_string()),
            language: s.language.as_ref().map(|l| l.to_string()),
            new_per_day: s.new_per_day,
            retention: s.retention,
            interview_date: s.interview_date.clone(),
        }
    }
}

impl PracticeSettingsBody {
    /// Checks the body; the role must be one of the organisation's.
    pub async fn into_settings(self, state: &AppState, auth: &Auth) -> Result<Settings, ApiError> {
        let role = match self.role_id.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => {
                let id = crate::api::extract::path_id(r)?;
                state.store.role(auth.org(), id).await?;
                Some(id)
            }
            None => None,
        };
        let level = match self.level.as_deref().filter(|l| !l.is_empty()) {
            Some(l) => Some(l.parse().map_err(|e: parley_domain::hiring::HiringError| {
                ApiError::Invalid(e.to_string())
            })?),
            None => None,
        };
        let language =
            match self.language.as_deref().filter(|l| !l.is_empty()) {
                Some(l) => Some(l.parse().map_err(
                    |e: parley_domain::lang::LanguageParseError| ApiError::Invalid(e.to_string()),
                )?),
                None => None,
            };
        Ok(Settings {
            sections: self.sections,
            role,
            level,
            language,
            new_per_day: self.new_per_day,
            retention: self.retention,
            interview_date: self.interview_date,
        }
        .validated()?)
    }
}

/// Whether a question may be offered for practice by id (a "practise this" link).
pub async fn practisable_question(
    state: &AppState,
    auth: &Auth,
    id: QuestionId,
) -> Result<Question, ApiError> {
    let q = state.store.get_question(auth.org(), id).await?;
    if practisable(&q) {
        Ok(q)
    } else {
        Err(ApiError::Conflict(
            "this question has no reference answer or key points to practise against".into(),
        ))
    }
}
