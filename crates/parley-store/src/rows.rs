//! Rows as the database returns them and their conversion to and from the domain's types.
//!
//! Both schemas use the same column types (text ids, BIGINT times, JSON text lists), so one
//! set of row structs decodes rows from either backend.

use crate::StoreError;
use parley_domain::{Language, OrgId, Question, QuestionDraft, QuestionId, Revision, Source};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The column list of a question row, as a literal so it can be spliced with `concat!` into
/// statements that `sqlx::query` accepts without run-time string building.
macro_rules! question_columns {
    () => {
        "q.id, q.org_id, q.text, q.language, q.section, q.tags, q.kind, q.reference_answer, \
         q.key_points, q.key_points_extracted, q.look_for, q.red_flags, q.estimated_minutes, q.follow_up_of, \
         q.translation_of, q.revision, q.created_at, q.updated_at"
    };
}
pub(crate) use question_columns;

/// A `questions` row, without its sources.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct QuestionRow {
    pub id: String,
    pub org_id: String,
    pub text: String,
    pub language: Option<String>,
    pub section: Option<String>,
    pub tags: String,
    pub kind: String,
    pub reference_answer: Option<String>,
    pub key_points: String,
    pub key_points_extracted: bool,
    pub look_for: String,
    pub red_flags: String,
    pub estimated_minutes: Option<i64>,
    pub follow_up_of: Option<String>,
    pub translation_of: Option<String>,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A `question_sources` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SourceRow {
    pub question_id: String,
    pub file: String,
    pub line: i64,
    pub heading: Option<String>,
}

/// A `question_revisions` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RevisionRow {
    pub revision: i64,
    pub content: String,
    pub author: String,
    pub note: String,
    pub created_at: i64,
}

/// A draft flattened to the values its columns hold, ready to bind.
pub(crate) struct DraftColumns {
    pub text: String,
    pub language: Option<String>,
    pub section: Option<String>,
    pub tags: String,
    pub kind: &'static str,
    pub reference_answer: Option<String>,
    pub key_points: String,
    pub key_points_extracted: bool,
    pub look_for: String,
    pub red_flags: String,
    pub estimated_minutes: Option<i64>,
}

impl DraftColumns {
    pub fn new(d: &QuestionDraft) -> Result<Self, StoreError> {
        Ok(Self {
            text: d.text.clone(),
            language: d.language.as_ref().map(|l| l.as_str().to_string()),
            section: d.section.clone(),
            tags: to_json(&d.tags)?,
            kind: d.kind.as_str(),
            reference_answer: d.reference_answer.clone(),
            key_points: to_json(&d.key_points)?,
            key_points_extracted: d.key_points_extracted,
            look_for: to_json(&d.look_for)?,
            red_flags: to_json(&d.red_flags)?,
            estimated_minutes: d.estimated_minutes.map(i64::from),
        })
    }
}

impl QuestionRow {
    /// The stored draft of this row.
    pub fn draft(&self) -> Result<QuestionDraft, StoreError> {
        Ok(QuestionDraft {
            text: self.text.clone(),
            language: self.language.as_deref().map(parse_language).transpose()?,
            section: self.section.clone(),
            tags: from_json(&self.tags, "tags")?,
            kind: self
                .kind
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("question {}: {e}", self.id)))?,
            reference_answer: self.reference_answer.clone(),
            key_points: from_json(&self.key_points, "key_points")?,
            key_points_extracted: self.key_points_extracted,
            look_for: from_json(&self.look_for, "look_for")?,
            red_flags: from_json(&self.red_flags, "red_flags")?,
            estimated_minutes: self
                .estimated_minutes
                .map(|m| to_u32(m, "estimated_minutes"))
                .transpose()?,
        })
    }

    pub fn question_id(&self) -> Result<QuestionId, StoreError> {
        parse_question_id(&self.id)
    }

    pub fn revision(&self) -> Result<u32, StoreError> {
        to_u32(self.revision, "revision")
    }

    /// The domain question this row holds, with the given sources.
    pub fn into_question(self, sources: Vec<Source>) -> Result<Question, StoreError> {
        Ok(Question {
            id: self.question_id()?,
            org: self
                .org_id
                .parse::<OrgId>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            draft: self.draft()?,
            follow_up_of: self
                .follow_up_of
                .as_deref()
                .map(parse_question_id)
                .transpose()?,
            translation_of: self
                .translation_of
                .as_deref()
                .map(parse_question_id)
                .transpose()?,
            sources,
            revision: self.revision()?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl SourceRow {
    pub fn into_source(self) -> Result<Source, StoreError> {
        Ok(Source {
            file: self.file,
            line: to_u32(self.line, "line")?,
            heading: self.heading,
        })
    }
}

impl RevisionRow {
    pub fn into_revision(self) -> Result<Revision, StoreError> {
        Ok(Revision {
            revision: to_u32(self.revision, "revision")?,
            content: from_json(&self.content, "revision content")?,
            author: self.author,
            note: self.note,
            created_at: self.created_at,
        })
    }
}

pub(crate) fn parse_question_id(s: &str) -> Result<QuestionId, StoreError> {
    s.parse()
        .map_err(|e: parley_domain::ids::IdParseError| StoreError::Corrupt(e.to_string()))
}

fn parse_language(s: &str) -> Result<Language, StoreError> {
    s.parse()
        .map_err(|e: parley_domain::lang::LanguageParseError| StoreError::Corrupt(e.to_string()))
}

fn to_u32(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} out of range: {v}")))
}

pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    // Serialising plain strings and drafts cannot fail; the error path exists only so a future
    // field type that can fail does not panic.
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot encode JSON: {e}")))
}

fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s)
        .map_err(|e| StoreError::Corrupt(format!("{what} is not valid JSON: {e}")))
}
