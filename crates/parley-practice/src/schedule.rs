//! The scheduler: FSRS-6 (the `fsrs` crate's default parameters) over one card per person and
//! question, with Anki's habit of showing a lapsed card again after a few minutes, and an
//! interview-date mode that moves a weak card's review to the day before the interview.

use crate::DAY_MS;
use fsrs::{FSRS, MemoryState, NextStates};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A lapsed card ("again") comes back after this long, in the same sitting.
pub const RELEARN_MS: i64 = 10 * 60 * 1000;
/// In interview-date mode a weak card's last review is due this long before the interview.
pub const EVE_MS: i64 = DAY_MS / 2;
/// Recall probability on the interview day below which a card counts as not fresh.
pub const FRESH: f64 = 0.95;
/// Retention asked of FSRS when the person has not chosen one (Anki's default).
pub const DEFAULT_RETENTION: f64 = 0.9;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PracticeError {
    #[error("desired retention must be between 0.7 and 0.97, not {0}")]
    BadRetention(f64),
    #[error("unknown rating {0:?}: use again, hard, good or easy")]
    BadRating(String),
    #[error("the scheduler failed: {0}")]
    Fsrs(String),
    #[error("a mock interview needs a length of 30, 45, 60 or 90 minutes, not {0}")]
    BadLength(u32),
    #[error("no question to practise for this choice: {0}")]
    NothingToAsk(String),
}

/// How well the person recalled the answer, as in Anki.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    /// The rating the grade suggests: a miss (below 2 of 5, or an answer that is empty or off
    /// the topic) is "again"; then "hard" below 3, "good" below 4.5 and "easy" above.
    pub fn suggested(score: f64, missed_the_point: bool) -> Rating {
        if missed_the_point || score < 2.0 {
            Rating::Again
        } else if score < 3.0 {
            Rating::Hard
        } else if score < 4.5 {
            Rating::Good
        } else {
            Rating::Easy
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rating {
    type Err = PracticeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Rating::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(t) || t == (*r as u8 + 1).to_string())
            .ok_or_else(|| PracticeError::BadRating(s.chars().take(40).collect()))
    }
}

/// One person's memory of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// Days until recall probability falls to 90%.
    pub stability: f64,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f64,
    pub due_ms: i64,
    pub last_review_ms: i64,
    pub reps: u32,
    pub lapses: u32,
    pub last_rating: Rating,
    /// The grade (0–5) of the last written answer, when there was one.
    pub last_score: Option<f64>,
}

impl Card {
    fn memory(&self) -> MemoryState {
        MemoryState {
            stability: self.stability as f32,
            difficulty: self.difficulty as f32,
        }
    }

    /// Whether the card is shaky: last answered badly or rated again/hard.
    pub fn is_weak(&self) -> bool {
        matches!(self.last_rating, Rating::Again | Rating::Hard)
            || self.last_score.is_some_and(|s| s < 3.0)
    }
}

/// The interval each rating would give, for showing on the buttons.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Preview {
    pub rating: Rating,
    pub due_ms: i64,
}

/// FSRS with the person's desired retention.
pub struct Scheduler {
    fsrs: FSRS,
    retention: f64,
}

impl Scheduler {
    pub fn new(desired_retention: f64) -> Result<Scheduler, PracticeError> {
        if !(0.7..=0.97).contains(&desired_retention) {
            return Err(PracticeError::BadRetention(desired_retention));
        }
        Ok(Scheduler {
            fsrs: FSRS::default(),
            retention: desired_retention,
        })
    }

    pub fn retention(&self) -> f64 {
        self.retention
    }

    /// Probability of recalling `card` at `at_ms`.
    pub fn retrievability(&self, card: &Card, at_ms: i64) -> f64 {
        let days = ((at_ms - card.last_review_ms).max(0) as f64 / DAY_MS as f64) as f32;
        f64::from(fsrs::current_retrievability(
            card.memory(),
            days,
            fsrs::FSRS6_DEFAULT_DECAY,
        ))
    }

    fn next_states(&self, card: Option<&Card>, now_ms: i64) -> Result<NextStates, PracticeError> {
        let (memory, days) = match card {
            None => (None, 0),
            Some(c) => (
                Some(c.memory()),
                u32::try_from((now_ms - c.last_review_ms).max(0) / DAY_MS).unwrap_or(u32::MAX),
            ),
        };
        self.fsrs
            .next_states(memory, self.retention as f32, days)
            .map_err(|e| PracticeError::Fsrs(e.to_string()))
    }

    /// The card after a review rated `rating` at `now_ms`. With `interview_ms`, a card that
    /// would be below the desired retention on the interview day and not reviewed before it is
    /// due on the eve of the interview instead.
    pub fn review(
        &self,
        card: Option<&Card>,
        rating: Rating,
        score: Option<f64>,
        now_ms: i64,
        interview_ms: Option<i64>,
    ) -> Result<Card, PracticeError> {
        let states = self.next_states(card, now_ms)?;
        let days = intervals(&states);
        let chosen = match rating {
            Rating::Again => &states.again,
            Rating::Hard => &states.hard,
            Rating::Good => &states.good,
            Rating::Easy => &states.easy,
        };
        let mut next = Card {
            stability: f64::from(chosen.memory.stability),
            difficulty: f64::from(chosen.memory.difficulty),
            due_ms: now_ms,
            last_review_ms: now_ms,
            reps: card.map_or(0, |c| c.reps) + 1,
            lapses: card.map_or(0, |c| c.lapses)
                + u32::from(rating == Rating::Again && card.is_some()),
            last_rating: rating,
            last_score: score,
        };
        next.due_ms = match rating {
            Rating::Again => now_ms + RELEARN_MS,
            r => now_ms + days[r as usize] * DAY_MS,
        };
        if let Some(day) = interview_ms {
            next.due_ms = self.before_interview(&next, now_ms, day);
        }
        Ok(next)
    }

    /// When each rating of an answer graded `score` would bring the card back.
    pub fn preview(
        &self,
        card: Option<&Card>,
        score: Option<f64>,
        now_ms: i64,
        interview_ms: Option<i64>,
    ) -> Result<Vec<Preview>, PracticeError> {
        Rating::ALL
            .into_iter()
            .map(|rating| {
                self.review(card, rating, score, now_ms, interview_ms)
                    .map(|c| Preview {
                        rating,
                        due_ms: c.due_ms,
                    })
            })
            .collect()
    }

    /// When `card` is due, counting the interview: a card scheduled before the mode was set
    /// that would be weak on the day is due on the eve too.
    pub fn due_ms(&self, card: &Card, interview_ms: Option<i64>) -> i64 {
        match interview_ms {
            Some(day) => self.before_interview(card, card.last_review_ms, day),
            None => card.due_ms,
        }
    }

    /// The due time of a card in interview-date mode: a card that would next come back after
    /// the interview is due on its eve instead when it is weak (last answered or rated badly)
    /// or would not be fresh on the day; unchanged when it comes back before the eve anyway,
    /// or when it was reviewed on the eve already.
    fn before_interview(&self, card: &Card, reviewed_ms: i64, interview_ms: i64) -> i64 {
        let eve = interview_ms - EVE_MS;
        if card.due_ms < eve || reviewed_ms >= eve {
            return card.due_ms;
        }
        if card.is_weak() || self.retrievability(card, interview_ms) < FRESH {
            return eve;
        }
        card.due_ms
    }
}

/// Whole days for hard, good and easy (index by `Rating as usize`), at least one and never
/// shorter for a better rating.
fn intervals(s: &NextStates) -> [i64; 4] {
    let d = |x: f32| (f64::from(x).round() as i64).max(1);
    let hard = d(s.hard.interval);
    let good = d(s.good.interval).max(hard);
    let easy = d(s.easy.interval).max(good + 1);
    [0, hard, good, easy]
}

/// Short words for an interval ("10 min", "3 d", "2 mo").
pub fn describe_interval(ms: i64) -> String {
    let minutes = (ms.max(0) + 30_000) / 60_000;
    if minutes < 60 {
        format!("{} min", minutes.max(1))
    } else if minutes < 24 * 60 {
        format!("{} h", minutes / 60)
    } else {
        let days = minutes / (24 * 60);
        if days < 60 {
            format!("{days} d")
        } else if days < 730 {
            format!("{} mo", days / 30)
        } else {
            format!("{} y", days / 365)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_parse_by_name_and_number() {
        assert_eq!("Good".parse::<Rating>().unwrap(), Rating::Good);
        assert_eq!("1".parse::<Rating>().unwrap(), Rating::Again);
        assert_eq!("4".parse::<Rating>().unwrap(), Rating::Easy);
        assert!("5".parse::<Rating>().is_err());
        assert!("meh".parse::<Rating>().is_err());
    }

    #[test]
    fn suggestions_follow_the_score() {
        assert_eq!(Rating::suggested(1.0, false), Rating::Again);
        assert_eq!(Rating::suggested(4.9, true), Rating::Again);
        assert_eq!(Rating::suggested(2.5, false), Rating::Hard);
        assert_eq!(Rating::suggested(3.5, false), Rating::Good);
        assert_eq!(Rating::suggested(4.6, false), Rating::Easy);
    }

    #[test]
    fn retention_is_bounded() {
        assert!(Scheduler::new(0.5).is_err());
        assert!(Scheduler::new(0.99).is_err());
        assert!(Scheduler::new(0.9).is_ok());
    }

    #[test]
    fn intervals_are_described_in_words() {
        assert_eq!(describe_interval(RELEARN_MS), "10 min");
        assert_eq!(describe_interval(3 * DAY_MS), "3 d");
        assert_eq!(describe_interval(90 * DAY_MS), "3 mo");
    }
}
