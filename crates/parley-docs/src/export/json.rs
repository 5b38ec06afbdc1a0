//! Parley's own JSON export: the one format that round-trips every field.

use parley_domain::{Question, QuestionKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    #[serde(default = "default_format", skip_serializing_if = "String::is_empty")]
    pub format: String,
    pub questions: Vec<ExportQuestion>,
}

fn default_format() -> String {
    String::new()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportSource {
    pub file: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportQuestion {
    #[serde(default)]
    pub id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub reference_answer: Option<String>,
    #[serde(default)]
    pub key_points: Vec<String>,
    /// True when the key points were extracted from the reference answer, not written.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key_points_extracted: bool,
    #[serde(default)]
    pub look_for: Vec<String>,
    #[serde(default)]
    pub red_flags: Vec<String>,
    #[serde(default)]
    pub follow_up_of: Option<String>,
    #[serde(default)]
    pub translation_of: Option<String>,
    #[serde(default)]
    pub estimated_minutes: Option<u32>,
    #[serde(default)]
    pub sources: Vec<ExportSource>,
}

impl ExportQuestion {
    pub fn from_question(q: &Question) -> Self {
        let d = &q.draft;
        Self {
            id: Some(q.id.to_string()),
            text: d.text.clone(),
            language: d.language.as_ref().map(|l| l.to_string()),
            section: d.section.clone(),
            tags: d.tags.clone(),
            kind: Some(d.kind.as_str().to_string()),
            reference_answer: d.reference_answer.clone(),
            key_points: d.key_points.clone(),
            key_points_extracted: d.key_points_extracted,
            look_for: d.look_for.clone(),
            red_flags: d.red_flags.clone(),
            follow_up_of: q.follow_up_of.map(|id| id.to_string()),
            translation_of: q.translation_of.map(|id| id.to_string()),
            estimated_minutes: d.estimated_minutes,
            sources: q
                .sources
                .iter()
                .map(|s| ExportSource {
                    file: s.file.clone(),
                    line: s.line,
                    heading: s.heading.clone(),
                })
                .collect(),
        }
    }

    pub fn kind(&self) -> QuestionKind {
        self.kind
            .as_deref()
            .and_then(|k| k.parse().ok())
            .unwrap_or_default()
    }
}

/// Renders the bank as Parley JSON (pretty-printed, stable field order).
pub fn render(questions: &[Question]) -> String {
    let doc = ExportDocument {
        format: "parley/1".into(),
        questions: questions
            .iter()
            .map(ExportQuestion::from_question)
            .collect(),
    };
    serde_json::to_string_pretty(&doc).expect("export types always serialise")
}
