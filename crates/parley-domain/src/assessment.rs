//! After the interview: each panel member's scorecard rolled up per competency against the
//! role's requirements, with its evidence and the ratings that lack any; who may see whose
//! scorecard; the panel's agreement; and the recommendation every scorecard ends with.

use crate::hiring::{JobRoleDraft, Level};
use crate::interview::Entry;
use crate::kit::{BlockKind, Kit};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest rationale or decision reason.
pub const MAX_RATIONALE_CHARS: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("a recommendation needs a written rationale")]
    NoRationale,
    #[error("the rationale is longer than {MAX_RATIONALE_CHARS} characters")]
    RationaleTooLong,
    #[error("the rationale may not hold a NUL character")]
    Nul,
    #[error("unknown recommendation {0:?}: use strong_no, no, yes or strong_yes")]
    BadRecommendation(String),
    #[error("unknown visibility {0:?}: use always_hidden, until_submitted or never_hidden")]
    BadVisibility(String),
}

/// A panel member's overall call, and the panel's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [Self::StrongNo, Self::No, Self::Yes, Self::StrongYes];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StrongNo => "strong_no",
            Self::No => "no",
            Self::Yes => "yes",
            Self::StrongYes => "strong_yes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::StrongNo => "Strong no",
            Self::No => "No",
            Self::Yes => "Yes",
            Self::StrongYes => "Strong yes",
        }
    }

    /// 1 (strong no) to 4 (strong yes), for agreement statistics.
    pub fn value(self) -> f64 {
        match self {
            Self::StrongNo => 1.0,
            Self::No => 2.0,
            Self::Yes => 3.0,
            Self::StrongYes => 4.0,
        }
    }
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Recommendation {
    type Err = AssessmentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| AssessmentError::BadRecommendation(s.chars().take(40).collect()))
    }
}

/// A recommendation and the words that justify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub recommendation: Recommendation,
    pub rationale: String,
}

impl Verdict {
    pub fn validated(mut self) -> Result<Verdict, AssessmentError> {
        if self.rationale.chars().count() > MAX_RATIONALE_CHARS {
            return Err(AssessmentError::RationaleTooLong);
        }
        if self.rationale.contains('\0') {
            return Err(AssessmentError::Nul);
        }
        self.rationale = self.rationale.trim().to_string();
        if self.rationale.is_empty() {
            return Err(AssessmentError::NoRationale);
        }
        Ok(self)
    }
}

/// When a panel member may see the others' scorecards (an organisation setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only owners and admins see other members' scorecards (at the debrief).
    AlwaysHidden,
    /// A member sees the others' once they have submitted their own.
    #[default]
    UntilSubmitted,
    /// Everyone on the panel sees every scorecard at any time.
    NeverHidden,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Self::AlwaysHidden, Self::UntilSubmitted, Self::NeverHidden];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AlwaysHidden => "always_hidden",
            Self::UntilSubmitted => "until_submitted",
            Self::NeverHidden => "never_hidden",
        }
    }

    /// Whether a viewer sees the other members' scorecards: a panel member only after
    /// submitting their own (unless never hidden); someone off the panel only when they manage
    /// the organisation (they run the debrief) or nothing is hidden.
    pub fn shows_others(self, on_panel: bool, submitted: bool, manages: bool) -> bool {
        match self {
            Self::NeverHidden => true,
            Self::UntilSubmitted if on_panel => submitted,
            Self::UntilSubmitted => manages,
            Self::AlwaysHidden => manages && (!on_panel || submitted),
        }
    }
}

impl FromStr for Visibility {
    type Err = AssessmentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| AssessmentError::BadVisibility(s.chars().take(40).collect()))
    }
}

/// How a requirement of the role was observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    Met,
    Partly,
    NotMet,
    NotAssessed,
}

impl Observed {
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Partly => "partly met",
            Self::NotMet => "not met",
            Self::NotAssessed => "not assessed",
        }
    }

    /// Met at or above two thirds of the scale, not met below one third.
    pub fn from_score(score: Option<f64>) -> Observed {
        match score {
            None => Self::NotAssessed,
            Some(s) if s >= 2.0 / 3.0 - 1e-9 => Self::Met,
            Some(s) if s >= 1.0 / 3.0 - 1e-9 => Self::Partly,
            Some(_) => Self::NotMet,
        }
    }
}

/// What backs a competency's score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The questions rated or noted.
    pub questions: Vec<String>,
    /// Key points ticked on them.
    pub ticked: Vec<String>,
    /// Key points of those questions nobody ticked.
    pub missed: Vec<String>,
    pub notes: Vec<String>,
}

/// One competency of the role as the interview observed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyResult {
    pub key: String,
    pub name: String,
    pub required: bool,
    pub weight: u8,
    pub expected: Level,
    /// The mean rating on a 0–1 scale; `None` when nothing was rated.
    pub score: Option<f64>,
    pub observed: Observed,
    pub evidence: Evidence,
    /// Ratings with nothing behind them, in words.
    pub flags: Vec<String>,
}

/// One panel member's (or the pooled panel's) notes rolled up per competency of the role, in
/// the role's order. Competencies the kit had no block for are `NotAssessed`. The experience
/// openers count toward the competency of their technology's section when the role has it.
pub fn roll_up(
    role: &JobRoleDraft,
    kit: &Kit,
    entries: &[(u32, &Entry)],
    scale: &[String],
) -> Vec<CompetencyResult> {
    let top = scale.len().saturating_sub(1).max(1) as f64;
    role.competencies
        .iter()
        .map(|c| {
            let mut evidence = Evidence::default();
            let mut flags = Vec::new();
            let mut scores = Vec::new();
            let blocks = kit
                .blocks
                .iter()
                .filter(|b| b.kind == BlockKind::Competency && b.key == c.key);
            for b in blocks {
                for item in &b.items {
                    let mine: Vec<&Entry> = entries
                        .iter()
                        .filter(|(i, _)| *i == item.id)
                        .map(|(_, e)| *e)
                        .collect();
                    if mine.is_empty() {
                        continue;
                    }
                    let touched = mine.iter().any(|e| {
                        e.rating.is_some() || !e.notes.trim().is_empty() || !e.checked.is_empty()
                    });
                    if !touched {
                        continue;
                    }
                    evidence.questions.push(item.text.clone());
                    for (k, kp) in item.key_points.iter().enumerate() {
                        if mine.iter().any(|e| e.checked.contains(&(k as u32))) {
                            if !evidence.ticked.contains(kp) {
                                evidence.ticked.push(kp.clone());
                            }
                        } else if !evidence.missed.contains(kp) {
                            evidence.missed.push(kp.clone());
                        }
                    }
                    for e in &mine {
                        if !e.notes.trim().is_empty() {
                            evidence.notes.push(e.notes.trim().to_string());
                        }
                        if let Some(r) = e.rating {
                            // A rating given on a longer scale than today's still reads as at
                            // most the top.
                            scores.push(((f64::from(r) - 1.0) / top).clamp(0.0, 1.0));
                            if e.checked.is_empty() && e.notes.trim().is_empty() {
                                let label = scale
                                    .get(usize::from(r).saturating_sub(1))
                                    .map_or("a rating", String::as_str);
                                flags.push(format!(
                                    "{} on {}, no key point ticked, no note",
                                    label, c.name
                                ));
                            }
                        }
                    }
                }
            }
            let score =
                (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
            CompetencyResult {
                key: c.key.clone(),
                name: c.name.clone(),
                required: c.required,
                weight: c.weight,
                expected: c.level,
                score,
                observed: Observed::from_score(score),
                evidence,
                flags,
            }
        })
        .collect()
}

/// The weighted mean of the assessed competencies' scores (0–1), if any was assessed.
pub fn overall(results: &[CompetencyResult]) -> Option<f64> {
    let (sum, weights) = results
        .iter()
        .filter_map(|r| {
            r.score
                .map(|s| (s * f64::from(r.weight), f64::from(r.weight)))
        })
        .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
    (weights > 0.0).then(|| sum / weights)
}

/// Krippendorff's alpha with the interval metric: units are rows (competencies, say), coders
/// the columns (panel members); `None` marks a value a coder did not give. 1 is perfect
/// agreement, 0 what chance would give. `None` when there are fewer than two pairable values
/// or no variation at all to agree about.
pub fn krippendorff_alpha(units: &[Vec<Option<f64>>]) -> Option<f64> {
    // Only units with at least two values are pairable.
    let pairable: Vec<Vec<f64>> = units
        .iter()
        .map(|u| u.iter().flatten().copied().collect::<Vec<f64>>())
        .filter(|v| v.len() >= 2)
        .collect();
    let n: f64 = pairable.iter().map(|v| v.len() as f64).sum();
    if n < 2.0 {
        return None;
    }
    let mut observed = 0.0;
    for v in &pairable {
        let m = v.len() as f64;
        let mut d = 0.0;
        for (i, a) in v.iter().enumerate() {
            for (j, b) in v.iter().enumerate() {
                if i != j {
                    d += (a - b).powi(2);
                }
            }
        }
        observed += d / (m - 1.0);
    }
    observed /= n;
    let all: Vec<f64> = pairable.iter().flatten().copied().collect();
    let mut expected = 0.0;
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            if i != j {
                expected += (a - b).powi(2);
            }
        }
    }
    expected /= n * (n - 1.0);
    if expected == 0.0 {
        return None;
    }
    Some(1.0 - observed / expected)
}

/// Whether the panel disagrees on a competency: scores (0–1) more than a third of the scale
/// apart, or one member saw it met where another saw it not met.
pub fn disagree(scores: &[Option<f64>]) -> bool {
    let given: Vec<f64> = scores.iter().flatten().copied().collect();
    if given.len() < 2 {
        return false;
    }
    let (lo, hi) = given
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    hi - lo > 1.0 / 3.0 + 1e-9
        || (Observed::from_score(Some(lo)) == Observed::NotMet
            && Observed::from_score(Some(hi)) == Observed::Met)
}

#[cfg(test)]
#[path = "assessment_tests.rs"]
mod tests;
