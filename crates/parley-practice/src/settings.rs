//! What a person chose to practise: sections or a role, level, language, the daily limit of
//! new questions, the retention FSRS aims at and the interview date.

use crate::schedule::{DEFAULT_RETENTION, PracticeError};
use parley_domain::hiring::Level;
use parley_domain::{JobRoleId, Language, Taxonomy};
use serde::{Deserialize, Serialize};

pub const DEFAULT_NEW_PER_DAY: u32 = 10;
pub const MAX_NEW_PER_DAY: u32 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Taxonomy section ids; empty means every section (or the role's competencies).
    #[serde(default)]
    pub sections: Vec<String>,
    /// Practise for this role: its competencies are the sections when none are chosen.
    #[serde(default)]
    pub role: Option<JobRoleId>,
    /// Junior questions are preferred for junior, system design for senior and staff (mock
    /// interviews plan like a kit for this level).
    #[serde(default)]
    pub level: Option<Level>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default = "default_new")]
    pub new_per_day: u32,
    #[serde(default = "default_retention")]
    pub retention: f64,
    /// `YYYY-MM-DD`: reviews are planned so weak questions are fresh on that day.
    #[serde(default)]
    pub interview_date: Option<String>,
}

fn default_new() -> u32 {
    DEFAULT_NEW_PER_DAY
}

fn default_retention() -> f64 {
    DEFAULT_RETENTION
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sections: Vec::new(),
            role: None,
            level: None,
            language: None,
            new_per_day: DEFAULT_NEW_PER_DAY,
            retention: DEFAULT_RETENTION,
            interview_date: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("unknown section {0:?}: use a section of the taxonomy (id or name)")]
    UnknownSection(String),
    #[error("new questions per day must be 0 to {MAX_NEW_PER_DAY}")]
    BadNewPerDay,
    #[error("the interview date must be a date as YYYY-MM-DD, not {0:?}")]
    BadDate(String),
    #[error(transparent)]
    Practice(#[from] PracticeError),
}

impl Settings {
    /// Checks the choice and turns section names (English or Polish) into taxonomy ids.
    pub fn validated(mut self) -> Result<Settings, SettingsError> {
        let taxonomy = Taxonomy::builtin();
        let mut ids = Vec::new();
        for s in &self.sections {
            let id = taxonomy
                .lookup(s)
                .map(|x| x.id.clone())
                .ok_or_else(|| SettingsError::UnknownSection(s.chars().take(80).collect()))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        self.sections = ids;
        if self.new_per_day > MAX_NEW_PER_DAY {
            return Err(SettingsError::BadNewPerDay);
        }
        crate::Scheduler::new(self.retention)?;
        if let Some(d) = &self.interview_date {
            let d = d.trim();
            if d.is_empty() {
                self.interview_date = None;
            } else {
                // Kept as the date input shows it (2026-1-5 becomes 2026-01-05).
                let ms = parley_domain::time::parse_date(d)
                    .ok_or_else(|| SettingsError::BadDate(d.chars().take(40).collect()))?;
                self.interview_date = Some(parley_domain::time::date(ms));
            }
        }
        Ok(self)
    }

    /// The start of the interview day, for the scheduler.
    pub fn interview_ms(&self) -> Option<i64> {
        self.interview_date
            .as_deref()
            .and_then(parley_domain::time::parse_date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_checked_and_tidied() {
        let s = Settings {
            sections: vec!["Bazy danych".into(), "databases".into(), "APIs".into()],
            interview_date: Some(" 2027-1-5 ".into()),
            ..Settings::default()
        }
        .validated()
        .unwrap();
        assert_eq!(s.sections, ["databases", "apis"]);
        assert_eq!(s.interview_date.as_deref(), Some("2027-01-05"));
        assert!(s.interview_ms().is_some());
        let blank = Settings {
            interview_date: Some("  ".into()),
            ..Settings::default()
        };
        assert_eq!(blank.validated().unwrap().interview_date, None);
        for bad in [
            Settings {
                sections: vec!["astrology".into()],
                ..Settings::default()
            },
            Settings {
                new_per_day: 201,
                ..Settings::default()
            },
            Settings {
                retention: 0.99,
                ..Settings::default()
            },
            Settings {
                interview_date: Some("2027-02-30".into()),
                ..Settings::default()
            },
        ] {
            assert!(bad.validated().is_err());
        }
    }
}
