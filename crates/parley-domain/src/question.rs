//! The question: the bank's unit, with its guidance for interviewers and where it came from.

use crate::{Language, OrgId, QuestionId, QuestionKind};
use serde::{Deserialize, Serialize};

/// Longest question text we accept; longer "questions" are pasted articles, not questions.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Longest reference answer we accept.
pub const MAX_ANSWER_CHARS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("a question needs text")]
    EmptyText,
    #[error("question text is {0} characters long; the limit is {MAX_TEXT_CHARS}")]
    TextTooLong(usize),
    #[error("reference answer is {0} characters long; the limit is {MAX_ANSWER_CHARS}")]
    AnswerTooLong(usize),
    #[error("estimated minutes must be between 1 and 180, not {0}")]
    BadMinutes(u32),
    #[error("a question cannot be a follow-up or translation of itself")]
    SelfReference,
}

/// Where a question was found: a document and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
    /// The document's own heading above the question, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
}

/// The editable content of a question: what an author writes or an importer finds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuestionDraft {
    pub text: String,
    pub language: Option<Language>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub kind: QuestionKind,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
    /// The key points were extracted from the reference answer by the grader, not written by
    /// an author: they are re-extracted when the answer changes, and an author's own replace them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key_points_extracted: bool,
    pub look_for: Vec<String>,
    pub red_flags: Vec<String>,
    pub estimated_minutes: Option<u32>,
}

impl QuestionDraft {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Checks the invariants every stored question holds and tidies whitespace and lists.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.text = self.text.trim().to_string();
        if self.text.is_empty() {
            return Err(DomainError::EmptyText);
        }
        let n = self.text.chars().count();
        if n > MAX_TEXT_CHARS {
            return Err(DomainError::TextTooLong(n));
        }
        self.reference_answer = self
            .reference_answer
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty());
        if let Some(a) = &self.reference_answer {
            let n = a.chars().count();
            if n > MAX_ANSWER_CHARS {
                return Err(DomainError::AnswerTooLong(n));
            }
        }
        self.section = self
            .section
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(m) = self.estimated_minutes
            && !(1..=180).contains(&m)
        {
            return Err(DomainError::BadMinutes(m));
        }
        tidy_list(&mut self.tags);
        for t in &mut self.tags {
            *t = t.to_lowercase();
        }
        tidy_list(&mut self.tags);
        tidy_list(&mut self.key_points);
        tidy_list(&mut self.look_for);
        tidy_list(&mut self.red_flags);
        Ok(self)
    }

    /// The minutes to plan for this question: the author's estimate or the kind's default.
    pub fn minutes(&self) -> u32 {
        self.estimated_minutes
            .unwrap_or_else(|| self.kind.default_minutes())
    }
}

/// Trims entries, drops empty ones and repeated ones, keeping first-seen order.
fn tidy_list(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain_mut(|s| {
        *s = s.trim().to_string();
        !s.is_empty() && seen.insert(s.clone())
    });
}

/// A stored question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    pub org: OrgId,
    #[serde(flatten)]
    pub draft: QuestionDraft,
    pub follow_up_of: Option<QuestionId>,
    pub translation_of: Option<QuestionId>,
    pub sources: Vec<Source>,
    /// Increases by one with every edit; the first version is 1.
    pub revision: u32,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Question {
    /// A new question of `org` with a fresh id, at revision 1, not yet stored (`created_at`
    /// and `updated_at` are 0 until storage sets them).
    pub fn new(org: OrgId, draft: QuestionDraft) -> Question {
        Question {
            id: QuestionId::new(),
            org,
            draft,
            follow_up_of: None,
            translation_of: None,
            sources: Vec::new(),
            revision: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    pub fn language(&self) -> Language {
        self.draft
            .language
            .clone()
            .unwrap_or_else(Language::undetermined)
    }
}

/// One entry of a question's history: the content as it was after that revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub revision: u32,
    pub content: QuestionDraft,
    pub author: String,
    pub note: String,
    pub created_at: i64,
}

/// Merges `other` into `base` the way an exact-duplicate merge does: nothing already written is
/// lost, and gaps in `base` are filled from `other`. Returns whether `base` changed.
pub fn merge_into(base: &mut QuestionDraft, other: &QuestionDraft) -> bool {
    let before = base.clone();
    if base.reference_answer.is_none() {
        base.reference_answer = other.reference_answer.clone();
    }
    if base.section.is_none() {
        base.section = other.section.clone();
    }
    if base.language.is_none() {
        base.language = other.language.clone();
    }
    if base.estimated_minutes.is_none() {
        base.estimated_minutes = other.estimated_minutes;
    }
    // Key points: an author's win over extracted ones and join other authors'; extracted ones
    // describe their own answer, so they come over only with that answer, and two extracted
    // lists are never joined.
    let answer_came_over = before.reference_answer.is_none() && other.reference_answer.is_some();
    let other_authored = !other.key_points.is_empty() && !other.key_points_extracted;
    let key_points: &[String] = if other_authored {
        if base.key_points_extracted {
            base.key_points.clear();
            base.key_points_extracted = false;
        }
        &other.key_points
    } else if other.key_points_extracted && base.key_points.is_empty() && answer_came_over {
        base.key_points_extracted = true;
        &other.key_points
    } else {
        &[]
    };
    for (into, from) in [
        (&mut base.tags, other.tags.as_slice()),
        (&mut base.key_points, key_points),
        (&mut base.look_for, other.look_for.as_slice()),
        (&mut base.red_flags, other.red_flags.as_slice()),
    ] {
        for item in from {
            if !into.contains(item) {
                into.push(item.clone());
            }
        }
    }
    *base != before
}

/// Merges a near-duplicate `other` (the same question in other words) into `base`: gaps are
/// filled as for an exact duplicate, and when both carry a reference answer and they differ,
/// `other`'s is appended below `base`'s, so no answer is lost. Returns whether `base` changed.
pub fn merge_near_duplicate(base: &mut QuestionDraft, other: &QuestionDraft) -> bool {
    let mut changed = false;
    if let (Some(mine), Some(theirs)) = (&base.reference_answer, &other.reference_answer)
        && crate::text::duplicate_key(mine) != crate::text::duplicate_key(theirs)
        && !mine.contains(theirs.as_str())
    {
        base.reference_answer = Some(format!("{mine}\n\n{theirs}"));
        changed = true;
    }
    merge_into(base, other) || changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_key_points_replace_extracted_ones_in_a_merge() {
        let mut a = QuestionDraft::new("What is a queue?");
        a.key_points = vec!["extracted".into()];
        a.key_points_extracted = true;
        let mut b = QuestionDraft::new("What is a queue?");
        b.key_points = vec!["written".into()];
        assert!(merge_into(&mut a, &b));
        assert_eq!(
            (a.key_points.as_slice(), a.key_points_extracted),
            (&["written".to_string()][..], false)
        );
        // ...and extracted ones never join an author's.
        let mut c = QuestionDraft::new("What is a queue?");
        c.key_points = vec!["other extracted".into()];
        c.key_points_extracted = true;
        assert!(!merge_into(&mut a, &c));
        assert_eq!(a.key_points, ["written"]);
        // Two extracted lists are not joined; extracted points come only with their answer.
        let mut d = QuestionDraft::new("What is a queue?");
        d.reference_answer = Some("A FIFO buffer.".into());
        d.key_points = vec!["A FIFO buffer".into()];
        d.key_points_extracted = true;
        let mut e = d.clone();
        e.key_points = vec!["A list".into()];
        e.reference_answer = Some("A list.".into());
        assert!(!merge_into(&mut d, &e));
        assert_eq!(d.key_points, ["A FIFO buffer"]);
        let mut bare = QuestionDraft::new("What is a queue?");
        assert!(merge_into(&mut bare, &e));
        assert_eq!(bare.key_points, ["A list"]);
        assert!(bare.key_points_extracted);
    }

    #[test]
    fn a_near_duplicate_merge_keeps_both_answers_once() {
        let mut a = QuestionDraft::new("SQL or NoSQL?");
        a.reference_answer = Some("Relations and joins.".into());
        let mut b = QuestionDraft::new("Relational or document store?");
        b.reference_answer = Some("Flexible schemas.".into());
        b.tags = vec!["databases".into()];
        assert!(merge_near_duplicate(&mut a, &b));
        assert_eq!(
            a.reference_answer.as_deref(),
            Some("Relations and joins.\n\nFlexible schemas.")
        );
        assert_eq!(a.tags, ["databases"]);
        assert!(
            !merge_near_duplicate(&mut a, &b),
            "merging twice changes nothing"
        );
    }

    #[test]
    fn validation_trims_and_rejects_empty_text() {
        assert_eq!(
            QuestionDraft::new("   ").validated(),
            Err(DomainError::EmptyText)
        );
        let mut d = QuestionDraft::new("  What is a mutex? ");
        d.tags = vec!["Rust".into(), "rust".into(), " ".into()];
        d.reference_answer = Some("  ".into());
        let d = d.validated().unwrap();
        assert_eq!(d.text, "What is a mutex?");
        assert_eq!(d.tags, vec!["rust"]);
        assert_eq!(d.reference_answer, None);
    }

    #[test]
    fn validation_rejects_absurd_minutes_and_lengths() {
        let mut d = QuestionDraft::new("Q?");
        d.estimated_minutes = Some(0);
        assert_eq!(d.validated(), Err(DomainError::BadMinutes(0)));
        let d = QuestionDraft::new("x".repeat(MAX_TEXT_CHARS + 1));
        assert!(matches!(d.validated(), Err(DomainError::TextTooLong(_))));
    }

    #[test]
    fn merging_fills_gaps_and_keeps_what_was_there() {
        let mut a = QuestionDraft::new("Q?");
        a.look_for = vec!["clarity".into()];
        let mut b = QuestionDraft::new("q");
        b.reference_answer = Some("answer".into());
        b.look_for = vec!["clarity".into(), "examples".into()];
        assert!(merge_into(&mut a, &b));
        assert_eq!(a.reference_answer.as_deref(), Some("answer"));
        assert_eq!(a.look_for, vec!["clarity", "examples"]);
        assert!(!merge_into(&mut a, &b));
    }
}
