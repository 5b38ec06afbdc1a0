//! Practice as a service shared by `parley practice` and the server: what to practise next
//! under a person's settings, grading and storing an answer, rating it into the scheduler, and
//! the mock interview from start to report. The rules are in `parley-practice`, the grading in
//! `parley-grade`, the SQL in the store; this module puts them in order.

use crate::BankError;
use parley_domain::hiring::{Competency, JobRoleDraft, Level};
use parley_domain::kit::PoolQuestion;
use parley_domain::{
    AttemptId, MockId, OrgId, Question, QuestionId, QuestionKind, Taxonomy, UserId,
};
use parley_grade::{Exercise, Flag, Grade, Grader};
use parley_practice::mock::{self, Answered};
use parley_practice::queue::{self, Counts, Eligible, QueueInput, Reason};
use parley_practice::schedule::Preview;
use parley_practice::{Card, DAY_MS, PracticeError, Rating, Scheduler, Settings};
use parley_store::{
    Finished, Mock, NewAttempt, PracticeCandidate, Store, StoreError, StoredAttempt,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A grade as stored with an answer (the grader's output, as the API shows it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredGrade {
    pub score: f64,
    pub covered: Vec<StoredCovered>,
    pub missed: Vec<String>,
    pub flags: Vec<String>,
    pub confidence: f64,
    pub explanation: String,
    pub language: String,
    pub method: String,
    /// The calibration artifact's version the grade was computed with.
    #[serde(default)]
    pub calibration: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCovered {
    pub key_point: String,
    pub evidence: String,
}

impl StoredGrade {
    pub fn parse(json: &str) -> Result<StoredGrade, StoreError> {
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// The bank as the planner sees it: every question that is not itself a follow-up, with the
/// texts of its follow-ups.
pub fn pool_of(all: Vec<Question>) -> Vec<PoolQuestion> {
    let mut follow_ups: HashMap<QuestionId, Vec<String>> = HashMap::new();
    for q in &all {
        if let Some(parent) = q.follow_up_of {
            follow_ups
                .entry(parent)
                .or_default()
                .push(q.draft.text.clone());
        }
    }
    all.into_iter()
        .filter(|q| q.follow_up_of.is_none())
        .map(|q| PoolQuestion {
            id: q.id,
            minutes: q.draft.minutes(),
            follow_ups: follow_ups.remove(&q.id).unwrap_or_default(),
            text: q.draft.text,
            section: q.draft.section,
            tags: q.draft.tags,
            kind: q.draft.kind,
            language: q.draft.language,
            reference_answer: q.draft.reference_answer,
            key_points: q.draft.key_points,
            look_for: q.draft.look_for,
            red_flags: q.draft.red_flags,
        })
        .collect()
}

/// The taxonomy ids to practise: the chosen sections, else the role's taxonomy competencies,
/// else none (meaning all).
pub fn sections_of(settings: &Settings, role: Option<&JobRoleDraft>) -> Vec<String> {
    if !settings.sections.is_empty() {
        return settings.sections.clone();
    }
    role.map(|r| {
        r.competencies
            .iter()
            .filter(|c| c.is_section())
            .map(|c| c.key.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// Whether a question can be practised: a question of its own (not a follow-up, not a script
/// prompt) with something to grade against.
pub fn practisable(q: &Question) -> bool {
    let c = PracticeCandidate::of(q);
    c.gradable
        && c.follow_up_of.is_none()
        && !matches!(
            c.kind,
            QuestionKind::Opening | QuestionKind::Closing | QuestionKind::ForInterviewer
        )
}

/// The questions that may be practised under `settings`, in bank order. A translation is left
/// out when its original is practised too: they are one question in two languages. At junior
/// level system-design questions are left out (a kit for a junior role plays them down too).
pub fn eligible(
    questions: &[PracticeCandidate],
    settings: &Settings,
    sections: &[String],
) -> Vec<Eligible> {
    let taxonomy = Taxonomy::builtin();
    let kept: Vec<(&PracticeCandidate, Option<String>)> = questions
        .iter()
        .filter(|q| {
            q.gradable
                && q.follow_up_of.is_none()
                && !matches!(
                    q.kind,
                    QuestionKind::Opening | QuestionKind::Closing | QuestionKind::ForInterviewer
                )
        })
        .filter(|q| settings.level != Some(Level::Junior) || q.kind != QuestionKind::SystemDesign)
        .filter(|q| {
            settings
                .language
                .as_ref()
                .is_none_or(|l| q.language.as_ref() == Some(l))
        })
        .filter_map(|q| {
            let section = q
                .section
                .as_deref()
                .map(|s| taxonomy.lookup(s).map_or(s.to_string(), |t| t.id.clone()));
            let keep =
                sections.is_empty() || section.as_ref().is_some_and(|s| sections.contains(s));
            keep.then_some((q, section))
        })
        .collect();
    let ids: HashSet<QuestionId> = kept.iter().map(|(q, _)| q.id).collect();
    kept.into_iter()
        .filter(|(q, _)| q.translation_of.is_none_or(|o| !ids.contains(&o)))
        .map(|(q, section)| Eligible { id: q.id, section })
        .collect()
}

/// [`eligible`] over full questions.
pub fn eligible_questions(
    questions: &[Question],
    settings: &Settings,
    sections: &[String],
) -> Vec<Eligible> {
    let candidates: Vec<PracticeCandidate> = questions.iter().map(PracticeCandidate::of).collect();
    eligible(&candidates, settings, sections)
}

pub fn exercise(q: &Question) -> Exercise {
    Exercise {
        question: q.draft.text.clone(),
        references: q.draft.reference_answer.iter().cloned().collect(),
        key_points: q.draft.key_points.clone(),
        red_flags: q.draft.red_flags.clone(),
    }
}

fn stored_grade(g: &Grade) -> String {
    serde_json::to_string(g).expect("grades always serialise")
}

/// The rating a grade suggests.
pub fn suggested(g: &Grade) -> Rating {
    let missed = g
        .flags
        .iter()
        .any(|f| matches!(f, Flag::Empty | Flag::NotText | Flag::OffTopic));
    Rating::suggested(g.score, missed)
}

/// What to practise now.
pub struct Offer {
    pub question: Option<(Question, Reason)>,
    pub counts: Counts,
}

/// The start of the UTC day holding `now` (the daily limit of new questions counts from it).
pub fn day_start(now: i64) -> i64 {
    now.div_euclid(DAY_MS) * DAY_MS
}

/// The interview day for the scheduler: the settings' date until that day is over, then none
/// (after the interview the mode would only make every weak card due at once).
pub fn interview_at(settings: &Settings, now: i64) -> Option<i64> {
    settings.interview_ms().filter(|&day| now < day + DAY_MS)
}

/// An unrated answer keeps its question out of the queue this long (its page is waiting for
/// the rating); an answer left unrated longer no longer hides the question.
pub const PENDING_MS: i64 = 30 * 60 * 1000;

/// The section as stored for progress: the taxonomy id when the question's section is one.
pub fn section_key(section: Option<&str>) -> Option<String> {
    section.map(|s| {
        Taxonomy::builtin()
            .lookup(s)
            .map_or(s.to_string(), |t| t.id.clone())
    })
}

/// One person's practice in one organisation.
pub struct Practice<'a> {
    pub store: &'a Store,
    pub org: OrgId,
    pub user: UserId,
}

impl Practice<'_> {
    pub async fn settings(&self) -> Result<Settings, BankError> {
        Ok(self.store.practice_settings(self.org, self.user).await?)
    }

    /// The role the settings name, when it still exists.
    pub async fn role(&self, settings: &Settings) -> Result<Option<JobRoleDraft>, BankError> {
        let Some(id) = settings.role else {
            return Ok(None);
        };
        match self.store.role(self.org, id).await {
            Ok(r) => Ok(Some(r.draft)),
            Err(StoreError::Missing(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The next question under `settings` (sections given explicitly override them), and the
    /// counts of the queue.
    pub async fn next(&self, settings: &Settings, now: i64) -> Result<Offer, BankError> {
        let role = self.role(settings).await?;
        let sections = sections_of(settings, role.as_ref());
        let candidates = self.store.practice_candidates(self.org).await?;
        let pool = eligible(&candidates, settings, &sections);
        let cards = self.store.practice_cards(self.org, self.user).await?;
        let new_today = self
            .store
            .practice_new_since(self.org, self.user, day_start(now))
            .await?;
        let pending: HashSet<QuestionId> = self
            .store
            .practice_pending(self.org, self.user, now - PENDING_MS)
            .await?
            .into_iter()
            .collect();
        let scheduler = Scheduler::new(settings.retention).map_err(StoreError::from)?;
        let input = QueueInput {
            now_ms: now,
            pool: &pool,
            cards: &cards,
            new_today,
            new_per_day: settings.new_per_day,
            interview_ms: interview_at(settings, now),
            skip: &pending,
        };
        let counts = queue::counts(&input, &scheduler);
        let question = match queue::next(&input, &scheduler) {
            // Deleted since the candidates were read: nothing to offer this time.
            Some(n) => match self.store.get_question(self.org, n.question).await {
                Ok(q) => Some((q, n.reason)),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        Ok(Offer { question, counts })
    }

    /// A question that may be practised (any practisable question of the bank, not only
    /// those of the settings: a "practise this" link may name any).
    pub async fn question(&self, question: QuestionId) -> Result<Question, BankError> {
        let q = self.store.get_question(self.org, question).await?;
        if !practisable(&q) {
            return Err(StoreError::Practice(PracticeError::NothingToAsk(
                "this question has no reference answer or key points to grade against".into(),
            ))
            .into());
        }
        Ok(q)
    }

    /// Stores `answer` to `q` with its grade, waiting for its rating.
    pub async fn record(
        &self,
        q: &Question,
        answer: &str,
        grade: &Grade,
        now: i64,
    ) -> Result<StoredAttempt, BankError> {
        Ok(self
            .store
            .add_practice_attempt(
                self.org,
                self.user,
                &NewAttempt {
                    question: q.id,
                    section: section_key(q.draft.section.as_deref()).as_deref(),
                    question_text: &q.draft.text,
                    answer,
                    grade: Some(stored_grade(grade)),
                    score: Some(grade.score),
                    suggested: Some(suggested(grade)),
                    at: now,
                },
            )
            .await?)
    }

    /// Grades `answer` to `question` and stores it, waiting for its rating (grading runs on
    /// the calling thread: the server grades on a blocking thread and calls `record`).
    pub async fn answer(
        &self,
        grader: &Grader,
        question: QuestionId,
        answer: &str,
        now: i64,
    ) -> Result<(StoredAttempt, Grade, Question), BankError> {
        let q = self.question(question).await?;
        let grade = grader
            .grade(&exercise(&q), answer)
            .map_err(|e| StoreError::Refused(e.to_string()))?;
        let attempt = self.record(&q, answer, &grade, now).await?;
        Ok((attempt, grade, q))
    }

    /// When each rating of an answer graded `score` would bring the question back.
    pub async fn previews(
        &self,
        settings: &Settings,
        question: QuestionId,
        score: Option<f64>,
        now: i64,
    ) -> Result<Vec<Preview>, BankError> {
        let cards = self.store.practice_cards(self.org, self.user).await?;
        let scheduler = Scheduler::new(settings.retention).map_err(StoreError::from)?;
        Ok(scheduler
            .preview(
                cards.get(&question),
                score,
                now,
                interview_at(settings, now),
            )
            .map_err(StoreError::from)?)
    }

    /// Records the person's rating of an answer: the scheduler moves the card.
    pub async fn rate(
        &self,
        settings: &Settings,
        attempt: AttemptId,
        rating: Rating,
        now: i64,
    ) -> Result<(StoredAttempt, Card), BankError> {
        let scheduler = Scheduler::new(settings.retention).map_err(StoreError::from)?;
        let interview = interview_at(settings, now);
        Ok(self
            .store
            .rate_practice_attempt(self.org, self.user, attempt, rating, now, |card, a| {
                scheduler.review(card, rating, a.score, now, interview)
            })
            .await?)
    }

    /// Starts a mock interview for the settings' role (or its chosen sections as a role of
    /// their own), avoiding questions of earlier mocks while others are left.
    pub async fn start_mock(
        &self,
        settings: &Settings,
        length: u32,
        now: i64,
    ) -> Result<Mock, BankError> {
        let role = match self.role(settings).await? {
            Some(r) => r,
            None => role_from_sections(settings)?,
        };
        let questions = self.store.all_questions(self.org).await?;
        // The planner matches competencies to sections itself; the settings choose language,
        // level and one language of a translated question.
        let keep: HashSet<QuestionId> = eligible_questions(&questions, settings, &[])
            .into_iter()
            .map(|e| e.id)
            .collect();
        let pool: Vec<PoolQuestion> = pool_of(
            questions
                .into_iter()
                .filter(|q| {
                    keep.contains(&q.id) || q.follow_up_of.is_some_and(|p| keep.contains(&p))
                })
                .collect(),
        );
        let asked: HashSet<QuestionId> = self
            .store
            .mocks_of(self.org, self.user)
            .await?
            .iter()
            .flat_map(|m| m.plan.questions.iter().map(|q| q.question))
            .collect();
        let plan = match mock::draw(&role, &pool, length, settings.language.clone(), &asked) {
            Ok(p) => p,
            // Everything was asked before: a repeat beats no mock at all.
            Err(PracticeError::NothingToAsk(_)) if !asked.is_empty() => mock::draw(
                &role,
                &pool,
                length,
                settings.language.clone(),
                &HashSet::new(),
            )
            .map_err(StoreError::from)?,
            Err(e) => return Err(StoreError::from(e).into()),
        };
        Ok(self
            .store
            .create_mock(self.org, self.user, &plan, now)
            .await?)
    }

    /// What one question of a mock is graded against: the bank question when it still
    /// exists, else its text alone (the grade then says there is nothing to grade against).
    /// Refused before any grading when the mock no longer takes answers.
    pub async fn mock_exercise(
        &self,
        mock: MockId,
        question: QuestionId,
        now: i64,
    ) -> Result<(Mock, Exercise), BankError> {
        let m = self.store.mock(self.org, self.user, mock).await?;
        if !m.open_at(now) {
            return Err(StoreError::Refused(if m.finished_at.is_some() {
                "this mock interview is finished".into()
            } else {
                "time is up for this mock interview: finish it to see the report".into()
            })
            .into());
        }
        let Some(item) = m.plan.questions.iter().find(|q| q.question == question) else {
            return Err(StoreError::Missing("question in this mock interview").into());
        };
        let ex = match self.store.get_question(self.org, question).await {
            Ok(q) => exercise(&q),
            Err(StoreError::NotFound) => Exercise::new(&item.text, ""),
            Err(e) => return Err(e.into()),
        };
        Ok((m, ex))
    }

    /// Stores the graded answer to one question of an open mock (the grade stays hidden
    /// until the end).
    pub async fn record_mock(
        &self,
        m: &Mock,
        question: QuestionId,
        answer: &str,
        grade: Option<&Grade>,
        now: i64,
    ) -> Result<Mock, BankError> {
        let Some(item) = m.plan.questions.iter().find(|q| q.question == question) else {
            return Err(StoreError::Missing("question in this mock interview").into());
        };
        Ok(self
            .store
            .save_mock_answer(
                self.org,
                self.user,
                m.id,
                &NewAttempt {
                    question,
                    section: Some(&item.competency),
                    question_text: &item.text,
                    answer,
                    grade: grade.map(stored_grade),
                    score: grade.map(|g| g.score),
                    suggested: grade.map(suggested),
                    at: now,
                },
            )
            .await?)
    }

    /// Grades and stores the answer to one question of an open mock.
    pub async fn answer_mock(
        &self,
        grader: &Grader,
        mock: MockId,
        question: QuestionId,
        answer: &str,
        now: i64,
    ) -> Result<Mock, BankError> {
        let (m, ex) = self.mock_exercise(mock, question, now).await?;
        let grade = grader.grade(&ex, answer).ok();
        self.record_mock(&m, question, answer, grade.as_ref(), now)
            .await
    }

    /// Finishes a mock: the report (an unanswered question scores 0 there), and each answer
    /// rated as its grade suggests; an unanswered question says nothing about recall, so its
    /// card is left alone.
    pub async fn finish_mock(
        &self,
        settings: &Settings,
        mock: MockId,
        now: i64,
    ) -> Result<Mock, BankError> {
        let scheduler = Scheduler::new(settings.retention).map_err(StoreError::from)?;
        let interview = interview_at(settings, now);
        Ok(self
            .store
            .finish_mock(self.org, self.user, mock, now, |m, cards| {
                finish(m, cards, &scheduler, now, interview)
            })
            .await?)
    }
}

fn finish(
    m: &Mock,
    cards: &HashMap<QuestionId, Card>,
    scheduler: &Scheduler,
    now: i64,
    interview: Option<i64>,
) -> Result<Finished, PracticeError> {
    let mut answered = Vec::new();
    let mut reviews = Vec::new();
    for q in &m.plan.questions {
        let a = m.answers.iter().find(|a| a.question == q.question);
        let grade = a
            .and_then(|a| a.grade.as_deref())
            .and_then(|g| StoredGrade::parse(g).ok());
        answered.push(Answered {
            question: q,
            score: a.and_then(|a| a.score),
            missed: grade.map(|g| g.missed).unwrap_or_default(),
        });
        if let Some(a) = a {
            let rating = a.suggested.unwrap_or(Rating::Again);
            let card = scheduler.review(cards.get(&q.question), rating, a.score, now, interview)?;
            reviews.push((a.id, q.question, rating, card));
        }
    }
    Ok(Finished {
        report: mock::report(&m.plan, &answered),
        reviews,
    })
}

/// A role made of the chosen sections (or every section with questions, when none are
/// chosen), for a mock without a role.
fn role_from_sections(settings: &Settings) -> Result<JobRoleDraft, StoreError> {
    let level = settings.level.unwrap_or(Level::Mid);
    let sections: Vec<String> = if settings.sections.is_empty() {
        ["databases", "apis", "architecture", "testing"]
            .map(String::from)
            .to_vec()
    } else {
        settings.sections.clone()
    };
    Ok(JobRoleDraft {
        title: "Practice".into(),
        description: String::new(),
        competencies: sections
            .iter()
            .map(|s| Competency::named(s, 3, level, false))
            .collect(),
        technologies: Vec::new(),
    })
}
