//! Progress: readiness per section over time and the key points missed most often.
//!
//! Readiness of a section on a day is the mean, over the questions of that section practised
//! by then, of the last grade (as a share of 5) times the probability of still recalling the
//! answer at the end of that day (FSRS retrievability). It rises with good answers and decays
//! between reviews, which is what "ready for the interview" means.

use crate::DAY_MS;
use crate::schedule::{Card, Scheduler};
use parley_domain::QuestionId;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One rated answer, as far as progress is concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub question: QuestionId,
    pub question_text: String,
    pub section: Option<String>,
    pub at_ms: i64,
    /// The grade, 0–5 (none when only rated, as in the terminal with no reference).
    pub score: Option<f64>,
    /// The card right after this answer was rated.
    pub card: Card,
    pub missed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// Start of the day (UTC), milliseconds.
    pub day_ms: i64,
    /// 0–1.
    pub readiness: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionProgress {
    /// The section as stored (a taxonomy id for taxonomy sections); `None` for questions
    /// without one.
    pub section: Option<String>,
    /// Questions of the section practised at least once.
    pub practised: usize,
    /// Readiness at the end of the last day of the series.
    pub readiness: f64,
    pub series: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    pub key_point: String,
    pub question: QuestionId,
    pub question_text: String,
    pub times: usize,
    /// Whether the latest answer to the question missed it too.
    pub still_missed: bool,
}

/// Readiness per section for each day from the first attempt (at most `max_days` back) to
/// `now_ms`'s day, sections by name.
pub fn readiness(
    attempts: &[Attempt],
    scheduler: &Scheduler,
    now_ms: i64,
    max_days: i64,
) -> Vec<SectionProgress> {
    let Some(first) = attempts.iter().map(|a| a.at_ms).min() else {
        return Vec::new();
    };
    let today = now_ms.div_euclid(DAY_MS) * DAY_MS;
    let start = (first.div_euclid(DAY_MS) * DAY_MS).max(today - (max_days - 1).max(0) * DAY_MS);
    let mut ordered: Vec<&Attempt> = attempts.iter().collect();
    ordered.sort_by_key(|a| a.at_ms);
    let mut by_section: BTreeMap<Option<&str>, Vec<&Attempt>> = BTreeMap::new();
    for a in ordered {
        by_section.entry(a.section.as_deref()).or_default().push(a);
    }
    by_section
        .into_iter()
        .map(|(section, list)| {
            let mut series = Vec::new();
            let mut day = start;
            while day <= today {
                let end = (day + DAY_MS - 1).min(now_ms.max(day));
                if let Some(r) = section_readiness(&list, scheduler, end) {
                    series.push(Point {
                        day_ms: day,
                        readiness: r,
                    });
                }
                day += DAY_MS;
            }
            let practised = {
                let mut ids: Vec<QuestionId> = list.iter().map(|a| a.question).collect();
                ids.sort();
                ids.dedup();
                ids.len()
            };
            SectionProgress {
                section: section.map(str::to_string),
                practised,
                readiness: section_readiness(&list, scheduler, now_ms).unwrap_or(0.0),
                series,
            }
        })
        .collect()
}

/// Readiness at `at_ms` from the attempts (in time order) made by then; `None` before any.
fn section_readiness(list: &[&Attempt], scheduler: &Scheduler, at_ms: i64) -> Option<f64> {
    let mut latest: HashMap<QuestionId, &Attempt> = HashMap::new();
    for a in list.iter().take_while(|a| a.at_ms <= at_ms) {
        latest.insert(a.question, a);
    }
    if latest.is_empty() {
        return None;
    }
    let sum: f64 = latest
        .values()
        .map(|a| mastery(a) * scheduler.retrievability(&a.card, at_ms))
        .sum();
    Some(sum / latest.len() as f64)
}

/// How well the answer was known when it was given: the grade, or the rating without one.
fn mastery(a: &Attempt) -> f64 {
    match a.score {
        Some(s) => (s / 5.0).clamp(0.0, 1.0),
        None => match a.card.last_rating {
            crate::Rating::Again => 0.0,
            crate::Rating::Hard => 0.5,
            crate::Rating::Good => 0.8,
            crate::Rating::Easy => 1.0,
        },
    }
}

/// The `limit` key points missed most often, most recent first among equals.
pub fn most_missed(attempts: &[Attempt], limit: usize) -> Vec<Missed> {
    let mut latest: HashMap<QuestionId, &Attempt> = HashMap::new();
    for a in attempts {
        if latest.get(&a.question).is_none_or(|l| l.at_ms <= a.at_ms) {
            latest.insert(a.question, a);
        }
    }
    let mut counts: HashMap<(QuestionId, &str), (usize, i64, &str)> = HashMap::new();
    for a in attempts {
        for kp in &a.missed {
            let e = counts.entry((a.question, kp.as_str())).or_insert((
                0,
                a.at_ms,
                a.question_text.as_str(),
            ));
            e.0 += 1;
            e.1 = e.1.max(a.at_ms);
        }
    }
    let mut out: Vec<(Missed, i64)> = counts
        .into_iter()
        .map(|((question, kp), (times, last, text))| {
            let still_missed = latest
                .get(&question)
                .is_some_and(|l| l.missed.iter().any(|m| m == kp));
            (
                Missed {
                    key_point: kp.to_string(),
                    question,
                    question_text: text.to_string(),
                    times,
                    still_missed,
                },
                last,
            )
        })
        .collect();
    out.sort_by(|(a, la), (b, lb)| {
        b.times
            .cmp(&a.times)
            .then(lb.cmp(la))
            .then(a.key_point.cmp(&b.key_point))
    });
    out.into_iter().take(limit).map(|(m, _)| m).collect()
}
