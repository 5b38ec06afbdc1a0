//! What kind of question this is: it decides where a question fits in an interview plan.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    #[default]
    Technical,
    Behavioural,
    Situational,
    SystemDesign,
    Opening,
    Closing,
    /// A question the candidate may ask the interviewer.
    ForInterviewer,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 7] = [
        Self::Technical,
        Self::Behavioural,
        Self::Situational,
        Self::SystemDesign,
        Self::Opening,
        Self::Closing,
        Self::ForInterviewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Technical => "technical",
            Self::Behavioural => "behavioural",
            Self::Situational => "situational",
            Self::SystemDesign => "system_design",
            Self::Opening => "opening",
            Self::Closing => "closing",
            Self::ForInterviewer => "for_interviewer",
        }
    }

    /// A sensible default length in minutes when an author gave none.
    pub fn default_minutes(self) -> u32 {
        match self {
            Self::SystemDesign => 15,
            Self::Situational | Self::Behavioural => 5,
            Self::Opening | Self::ForInterviewer => 5,
            Self::Closing => 3,
            Self::Technical => 4,
        }
    }
}

impl fmt::Display for QuestionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown question kind {0:?} (expected one of technical, behavioural, situational, system_design, opening, closing, for_interviewer)"
)]
pub struct KindParseError(pub String);

impl FromStr for QuestionKind {
    type Err = KindParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_lowercase().replace(['-', ' '], "_");
        Ok(match norm.as_str() {
            "technical" => Self::Technical,
            "behavioural" | "behavioral" => Self::Behavioural,
            "situational" => Self::Situational,
            "system_design" => Self::SystemDesign,
            "opening" => Self::Opening,
            "closing" => Self::Closing,
            "for_interviewer" | "question_for_interviewer" | "question_for_the_interviewer" => {
                Self::ForInterviewer
            }
            _ => return Err(KindParseError(s.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_from_its_own_name() {
        for k in QuestionKind::ALL {
            assert_eq!(k.as_str().parse::<QuestionKind>().unwrap(), k);
        }
        assert_eq!(
            "Behavioral".parse::<QuestionKind>().unwrap(),
            QuestionKind::Behavioural
        );
        assert!("quiz".parse::<QuestionKind>().is_err());
    }
}
