//! Roles we hire for and the candidates we interview: what a role requires (competencies with
//! weights and levels, technologies) and what a candidate brings (their experience, as text and
//! as the technologies found in it).

use crate::account::{Email, MAX_NAME_CHARS};
use crate::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest pasted experience (a CV is a few pages; a megabyte is not a CV).
pub const MAX_EXPERIENCE_CHARS: usize = 50_000;
/// Most competencies one role lists; an interview covers a handful.
pub const MAX_COMPETENCIES: usize = 24;
/// Most technologies on a role or a candidate.
pub const MAX_TECHNOLOGIES: usize = 60;
/// Longest free-text field of a role or candidate besides the experience (a description, a
/// contact line, a technology's name).
pub const MAX_FIELD_CHARS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HiringError {
    #[error("a {0} needs 1 to {MAX_NAME_CHARS} characters")]
    BadName(&'static str),
    #[error("unknown level {0:?}: use junior, mid, senior or staff")]
    BadLevel(String),
    #[error("a competency's weight must be 1 to 5, not {0}")]
    BadWeight(u8),
    #[error("a role needs at least one competency")]
    NoCompetencies,
    #[error("a role may list at most {MAX_COMPETENCIES} competencies")]
    TooManyCompetencies,
    #[error("competency {0:?} is listed twice")]
    DuplicateCompetency(String),
    #[error("at most {MAX_TECHNOLOGIES} technologies, each 1 to 100 characters")]
    BadTechnologies,
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("not a valid e-mail address: {0:?}")]
    BadEmail(String),
    #[error("{0} may not hold a NUL character")]
    Nul(&'static str),
}

/// The seniority a role expects in a competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Junior,
    Mid,
    Senior,
    Staff,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Junior, Level::Mid, Level::Senior, Level::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = HiringError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| HiringError::BadLevel(s.chars().take(40).collect()))
    }
}

/// One thing a role needs: a section of the taxonomy (`key` is its id) or a custom one (`key`
/// is a slug of its name and no bank section has it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Competency {
    pub key: String,
    pub name: String,
    /// 1 (nice to know) to 5 (the heart of the job): the share of interview time it gets.
    pub weight: u8,
    pub level: Level,
    /// A required competency gets at least one question in every kit.
    pub required: bool,
}

impl Competency {
    /// A competency from a section id, a section name (English or Polish) or a custom name.
    pub fn named(name: &str, weight: u8, level: Level, required: bool) -> Competency {
        let (key, name) = match Taxonomy::builtin().lookup(name) {
            Some(s) => (s.id.clone(), s.name.clone()),
            None => (slug(name), name.trim().to_string()),
        };
        Competency {
            key,
            name,
            weight,
            level,
            required,
        }
    }

    /// Whether this competency is a section of the bank's taxonomy.
    pub fn is_section(&self) -> bool {
        Taxonomy::builtin().get(&self.key).is_some()
    }
}

/// What a role is: its title, what it needs and the technologies that matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRoleDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub competencies: Vec<Competency>,
    #[serde(default)]
    pub technologies: Vec<String>,
}

impl JobRoleDraft {
    /// Checks and tidies a role: a title, 1 to 24 distinct competencies with weights 1–5.
    pub fn validated(mut self) -> Result<Self, HiringError> {
        self.title = checked_name(&self.title, "role title")?;
        // Lengths are checked on what was sent, before trimming: a limit a client can read
        // in the API's schema must mean the same thing here.
        check_len(&self.description, "the description", MAX_FIELD_CHARS)?;
        self.description = self.description.trim().to_string();
        if self.competencies.is_empty() {
            return Err(HiringError::NoCompetencies);
        }
        if self.competencies.len() > MAX_COMPETENCIES {
            return Err(HiringError::TooManyCompetencies);
        }
        let mut seen = std::collections::HashSet::new();
        for c in &mut self.competencies {
            c.name = checked_name(&c.name, "competency name")?;
            c.key = if c.key.trim().is_empty() {
                slug(&c.name)
            } else {
                c.key.trim().to_lowercase()
            };
            if c.key.is_empty() {
                return Err(HiringError::BadName("competency name"));
            }
            if !(1..=5).contains(&c.weight) {
                return Err(HiringError::BadWeight(c.weight));
            }
            if !seen.insert(c.key.clone()) {
                return Err(HiringError::DuplicateCompetency(c.name.clone()));
            }
        }
        self.technologies = tidy_technologies(self.technologies)?;
        Ok(self)
    }
}

/// A candidate as an interviewer records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateDraft {
    pub name: String,
    #[serde(default)]
    pub email: Option<Email>,
    /// Any other way to reach them (a phone number, a profile link).
    #[serde(default)]
    pub contact: String,
    /// Their experience as they wrote it: a pasted CV or a summary.
    #[serde(default)]
    pub experience: String,
    /// The technologies they have used, as the interviewer confirmed them (first filled from
    /// the experience by [`crate::experience::technologies_in`]).
    #[serde(default)]
    pub technologies: Vec<String>,
}

impl CandidateDraft {
    pub fn validated(mut self) -> Result<Self, HiringError> {
        self.name = checked_name(&self.name, "candidate name")?;
        check_len(&self.contact, "the contact", MAX_FIELD_CHARS)?;
        check_len(&self.experience, "the experience", MAX_EXPERIENCE_CHARS)?;
        self.contact = self.contact.trim().to_string();
        self.experience = self.experience.trim().to_string();
        self.technologies = tidy_technologies(self.technologies)?;
        Ok(self)
    }
}

fn checked_name(s: &str, what: &'static str) -> Result<String, HiringError> {
    let t = s.trim();
    if t.is_empty() || s.chars().count() > MAX_NAME_CHARS || t.chars().any(char::is_control) {
        return Err(HiringError::BadName(what));
    }
    Ok(t.to_string())
}

fn check_len(s: &str, what: &'static str, max: usize) -> Result<(), HiringError> {
    if s.chars().count() > max {
        return Err(HiringError::TooLong(what, max));
    }
    if s.contains('\0') {
        return Err(HiringError::Nul(what));
    }
    Ok(())
}

/// Trims, drops empties and case-insensitive repeats (first spelling wins), bounds the list.
fn tidy_technologies(items: Vec<String>) -> Result<Vec<String>, HiringError> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for t in items {
        let t = t.trim().to_string();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 100 || t.chars().any(char::is_control) {
            return Err(HiringError::BadTechnologies);
        }
        if seen.insert(t.to_lowercase()) {
            out.push(t);
        }
    }
    if out.len() > MAX_TECHNOLOGIES {
        return Err(HiringError::BadTechnologies);
    }
    Ok(out)
}

/// Lower-case letters and digits joined by single dashes: the key of a custom competency.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(competencies: Vec<Competency>) -> JobRoleDraft {
        JobRoleDraft {
            title: "  Backend developer ".into(),
            description: String::new(),
            competencies,
            technologies: vec!["Go".into(), " go ".into(), "PostgreSQL".into(), "".into()],
        }
    }

    #[test]
    fn competencies_resolve_sections_by_name_in_either_language() {
        let c = Competency::named("Bazy danych", 3, Level::Senior, true);
        assert_eq!(
            (c.key.as_str(), c.name.as_str()),
            ("databases", "Databases")
        );
        assert!(c.is_section());
        let custom = Competency::named("Domain modelling & DDD", 2, Level::Mid, false);
        assert_eq!(custom.key, "domain-modelling-ddd");
        assert!(!custom.is_section());
    }

    #[test]
    fn a_role_is_tidied_and_checked() {
        let r = role(vec![Competency::named("security", 4, Level::Mid, true)])
            .validated()
            .unwrap();
        assert_eq!(r.title, "Backend developer");
        assert_eq!(r.technologies, ["Go", "PostgreSQL"]);
        assert_eq!(role(vec![]).validated(), Err(HiringError::NoCompetencies));
        let mut bad = Competency::named("security", 4, Level::Mid, true);
        bad.weight = 0;
        assert_eq!(role(vec![bad]).validated(), Err(HiringError::BadWeight(0)));
        let twice = vec![
            Competency::named("security", 4, Level::Mid, true),
            Competency::named("Security", 2, Level::Mid, false),
        ];
        assert!(matches!(
            role(twice).validated(),
            Err(HiringError::DuplicateCompetency(_))
        ));
    }

    #[test]
    fn a_candidate_needs_a_name_and_a_bounded_cv() {
        let c = CandidateDraft {
            name: " Ada ".into(),
            email: None,
            contact: String::new(),
            experience: "x".repeat(MAX_EXPERIENCE_CHARS + 1),
            technologies: vec![],
        };
        assert!(matches!(
            c.clone().validated(),
            Err(HiringError::TooLong(..))
        ));
        let ok = CandidateDraft {
            experience: "Five years of Go.".into(),
            ..c
        }
        .validated()
        .unwrap();
        assert_eq!(ok.name, "Ada");
        assert!(
            CandidateDraft {
                name: "\u{7}".into(),
                ..ok
            }
            .validated()
            .is_err()
        );
    }

    #[test]
    fn levels_parse_in_any_case() {
        assert_eq!("Senior".parse::<Level>().unwrap(), Level::Senior);
        assert!("guru".parse::<Level>().is_err());
    }
}
