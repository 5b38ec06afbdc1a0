//! What to practise next: cards that are due first (the least remembered first; in
//! interview-date mode the least remembered on the interview day), then new questions up to
//! the daily limit, taken in turn from each chosen section so every section gets started.

use crate::schedule::{Card, Scheduler};
use parley_domain::QuestionId;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A question that may be practised under the person's choice (sections, language, level),
/// in bank order.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligible {
    pub id: QuestionId,
    pub section: Option<String>,
}

pub struct QueueInput<'a> {
    pub now_ms: i64,
    pub pool: &'a [Eligible],
    pub cards: &'a HashMap<QuestionId, Card>,
    /// New questions already started today.
    pub new_today: u32,
    pub new_per_day: u32,
    pub interview_ms: Option<i64>,
    /// Questions not to offer now (answered and waiting for their rating).
    pub skip: &'a HashSet<QuestionId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Seen before and due for review.
    Due,
    /// Never practised.
    New,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub question: QuestionId,
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Cards due now.
    pub due: usize,
    /// Questions never practised.
    pub unseen: usize,
    /// New questions still allowed today.
    pub new_left_today: u32,
    /// When the next card not yet due becomes due.
    pub next_due_ms: Option<i64>,
}

pub fn counts(input: &QueueInput<'_>, scheduler: &Scheduler) -> Counts {
    let mut due = 0;
    let mut next_due_ms: Option<i64> = None;
    let mut unseen = 0;
    for q in input.pool {
        match input.cards.get(&q.id) {
            Some(card) => {
                let at = scheduler.due_ms(card, input.interview_ms);
                if at <= input.now_ms {
                    due += 1;
                } else {
                    next_due_ms = Some(next_due_ms.map_or(at, |n| n.min(at)));
                }
            }
            None => unseen += 1,
        }
    }
    Counts {
        due,
        unseen,
        new_left_today: input.new_per_day.saturating_sub(input.new_today),
        next_due_ms,
    }
}

/// The question to practise now, or `None` when nothing is due and no new question is left
/// for today.
pub fn next(input: &QueueInput<'_>, scheduler: &Scheduler) -> Option<Next> {
    // Least remembered when it matters: now, or on the interview day.
    let at = input.interview_ms.unwrap_or(input.now_ms).max(input.now_ms);
    let due = input
        .pool
        .iter()
        .filter(|q| !input.skip.contains(&q.id))
        .filter_map(|q| input.cards.get(&q.id).map(|c| (q, c)))
        .filter(|(_, c)| scheduler.due_ms(c, input.interview_ms) <= input.now_ms)
        .min_by(|(a, ca), (b, cb)| {
            let (ra, rb) = (
                scheduler.retrievability(ca, at),
                scheduler.retrievability(cb, at),
            );
            ra.total_cmp(&rb)
                .then(ca.due_ms.cmp(&cb.due_ms))
                .then(a.id.cmp(&b.id))
        });
    if let Some((q, _)) = due {
        return Some(Next {
            question: q.id,
            reason: Reason::Due,
        });
    }
    if input.new_today >= input.new_per_day {
        return None;
    }
    first_new(input).map(|id| Next {
        question: id,
        reason: Reason::New,
    })
}

/// The next unseen question, taking sections in turn: the i-th question of every section comes
/// before the (i+1)-th of any.
fn first_new(input: &QueueInput<'_>) -> Option<QuestionId> {
    let mut section_order: HashMap<Option<&str>, usize> = HashMap::new();
    let mut seen_in_section: HashMap<Option<&str>, usize> = HashMap::new();
    let mut best: Option<((usize, usize), QuestionId)> = None;
    for q in input.pool {
        let key = q.section.as_deref();
        let n = section_order.len();
        let order = *section_order.entry(key).or_insert(n);
        let rank_in = seen_in_section.entry(key).or_insert(0);
        let rank = (*rank_in, order);
        *rank_in += 1;
        if input.cards.contains_key(&q.id) || input.skip.contains(&q.id) {
            continue;
        }
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, q.id));
        }
    }
    best.map(|(_, id)| id)
}
