//! The mock interview: questions drawn by the same planner as a real kit for the chosen role,
//! answered against the clock with no hints, then a report shaped like the interviewer's
//! assessment: a score per competency, met / partly / not met, the key points to work on and
//! which sections to practise.

use crate::schedule::PracticeError;
use parley_domain::assessment::Observed;
use parley_domain::hiring::{CandidateDraft, JobRoleDraft};
use parley_domain::kit::{BlockKind, LENGTHS, PoolQuestion};
use parley_domain::plan::{KitRequest, Scripts, plan};
use parley_domain::{Language, QuestionId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockQuestion {
    pub question: QuestionId,
    pub text: String,
    /// The competency's key (a section id for taxonomy competencies) and name.
    pub competency: String,
    pub competency_name: String,
    /// Suggested minutes for this question.
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockPlan {
    pub title: String,
    /// Minutes on the clock: the questions' share of a kit of the chosen length.
    pub minutes: u32,
    pub questions: Vec<MockQuestion>,
}

/// The questions of a kit for `role` of `length` minutes, without the parts that need an
/// interviewer (introduction, openers about a CV, the candidate's questions, close).
pub fn draw(
    role: &JobRoleDraft,
    pool: &[PoolQuestion],
    length: u32,
    language: Option<Language>,
    asked: &HashSet<QuestionId>,
) -> Result<MockPlan, PracticeError> {
    if !LENGTHS.contains(&length) {
        return Err(PracticeError::BadLength(length));
    }
    let candidate = CandidateDraft {
        name: "you".into(),
        email: None,
        contact: String::new(),
        experience: String::new(),
        technologies: Vec::new(),
    };
    let scripts = Scripts::default();
    let kit = plan(&KitRequest {
        role,
        candidate: &candidate,
        mentions: &[],
        length,
        interviewers: &[],
        pool,
        asked,
        scripts: &scripts,
        language,
        pinned: Vec::new(),
        next_item: 1,
    })
    .map_err(|e| PracticeError::NothingToAsk(e.to_string()))?;
    let mut questions = Vec::new();
    let mut minutes = 0;
    for block in kit
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Competency)
    {
        let asked_here: Vec<_> = block
            .items
            .iter()
            .filter_map(|i| i.question_id.map(|q| (q, i)))
            .collect();
        if asked_here.is_empty() {
            continue;
        }
        minutes += block.minutes;
        for (q, item) in asked_here {
            questions.push(MockQuestion {
                question: q,
                text: item.text.clone(),
                competency: block.key.clone(),
                competency_name: block.title.clone(),
                minutes: item.minutes,
            });
        }
    }
    if questions.is_empty() {
        return Err(PracticeError::NothingToAsk(
            "the bank has no question with a reference answer for these competencies".into(),
        ));
    }
    Ok(MockPlan {
        title: role.title.clone(),
        minutes,
        questions,
    })
}

/// One answered (or unanswered) question of a finished mock.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered<'a> {
    pub question: &'a MockQuestion,
    /// The grade, 0–5; `None` when the question was not answered in time.
    pub score: Option<f64>,
    pub missed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyResult {
    pub competency: String,
    pub name: String,
    /// Mean grade over the competency's questions (unanswered count as 0), 0–5.
    pub score: f64,
    pub observed: Observed,
    pub answered: usize,
    pub questions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Improvement {
    pub competency: String,
    pub name: String,
    /// Key points missed in this competency's answers.
    pub missed: Vec<String>,
    /// The question ids to practise again.
    pub questions: Vec<QuestionId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockReport {
    pub overall: f64,
    pub competencies: Vec<CompetencyResult>,
    /// Weakest competency first; only those not met.
    pub improve: Vec<Improvement>,
    pub unanswered: usize,
}

/// The report: per competency in plan order, observed in thirds of the scale like an
/// interviewer's assessment.
pub fn report(plan: &MockPlan, answers: &[Answered<'_>]) -> MockReport {
    let mut order: Vec<(&str, &str)> = Vec::new();
    for q in &plan.questions {
        if !order.iter().any(|(k, _)| *k == q.competency) {
            order.push((&q.competency, &q.competency_name));
        }
    }
    let mut competencies = Vec::new();
    let mut improve = Vec::new();
    for (key, name) in order {
        let here: Vec<&Answered> = answers
            .iter()
            .filter(|a| a.question.competency == key)
            .collect();
        let answered = here.iter().filter(|a| a.score.is_some()).count();
        let score = if here.is_empty() {
            0.0
        } else {
            here.iter().map(|a| a.score.unwrap_or(0.0)).sum::<f64>() / here.len() as f64
        };
        let observed = Observed::from_score(Some(score / 5.0));
        if observed != Observed::Met {
            let mut missed: Vec<String> = Vec::new();
            for a in &here {
                for m in &a.missed {
                    if !missed.contains(m) {
                        missed.push(m.clone());
                    }
                }
            }
            let questions = here
                .iter()
                .filter(|a| a.score.is_none_or(|s| s < 4.0))
                .map(|a| a.question.question)
                .collect();
            improve.push((
                score,
                Improvement {
                    competency: key.to_string(),
                    name: name.to_string(),
                    missed,
                    questions,
                },
            ));
        }
        competencies.push(CompetencyResult {
            competency: key.to_string(),
            name: name.to_string(),
            score: (score * 10.0).round() / 10.0,
            observed,
            answered,
            questions: here.len(),
        });
    }
    improve.sort_by(|(a, _), (b, _)| a.total_cmp(b));
    let n = answers.len().max(1) as f64;
    let overall = answers.iter().map(|a| a.score.unwrap_or(0.0)).sum::<f64>() / n;
    MockReport {
        overall: (overall * 10.0).round() / 10.0,
        competencies,
        improve: improve.into_iter().map(|(_, i)| i).collect(),
        unanswered: answers.iter().filter(|a| a.score.is_none()).count(),
    }
}
