//! Reading a document: decode, detect the format, read it into questions, then settle each
//! question's guidance, language, section and kind.

mod blocks;
mod csv_format;
mod decode;
mod extract;
mod finish;
mod guidance;
mod json_format;
mod markdown;
mod noise;

use crate::DocError;
use parley_domain::{Language, QuestionDraft, Source};
use serde::Serialize;

pub use decode::{Decoded, decode};

/// The formats the importer recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    ParleyJson,
    Csv,
    Markdown,
    /// Numbered questions each followed by an answer marker ("Reference answer", "Answer:").
    NumberedAnswers,
    /// Questions headed "Question 3", "Q3." or "Q:" with "Answer:" after them.
    QaArticle,
    /// An article of headings and bulleted questions, with nested follow-ups and notes.
    BulletArticle,
    NumberedList,
    /// Plain text from a web page or PDF: questions are the lines that ask something.
    PlainText,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ParleyJson => "parley_json",
            Self::Csv => "csv",
            Self::Markdown => "markdown",
            Self::NumberedAnswers => "numbered_answers",
            Self::QaArticle => "qa_article",
            Self::BulletArticle => "bullet_article",
            Self::NumberedList => "numbered_list",
            Self::PlainText => "plain_text",
        }
    }
}

/// A reference from one found question to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// Another question of the same document, by index.
    Index(usize),
    /// An id from a Parley export (resolved by the caller).
    External(String),
}

/// A question read from a document, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundQuestion {
    pub draft: QuestionDraft,
    pub sources: Vec<Source>,
    pub follow_up_of: Option<Ref>,
    pub translation_of: Option<Ref>,
    /// The document gives an answer section for this question.
    pub answered: bool,
    /// The id the question had in a Parley export, if it came from one.
    pub external_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub format: Format,
    pub encoding: &'static str,
    /// The language most of the document's questions are in.
    pub language: Language,
    pub questions: Vec<FoundQuestion>,
    /// Sections of the questions, in order of first appearance.
    pub sections: Vec<String>,
    pub noise_removed: u32,
}

#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The file's name as recorded in each question's source.
    pub file_name: String,
}

/// Reads one document's bytes into questions.
pub fn parse_document(bytes: &[u8], opts: &ReadOptions) -> Result<ParsedDocument, DocError> {
    let decoded = decode(bytes)?;
    let text = decoded.text.replace("\r\n", "\n").replace('\r', "\n");
    let name = opts.file_name.to_lowercase();
    let trimmed = text.trim_start();
    if (name.ends_with(".json") || trimmed.starts_with('{')) && trimmed.starts_with('{') {
        let questions = json_format::read(&text)?;
        return finish::done(Format::ParleyJson, decoded.encoding, questions, 0);
    }
    if name.ends_with(".csv") || name.ends_with(".tsv") || csv_format::looks_like_csv(&text) {
        let questions = csv_format::read(&text, &opts.file_name)?;
        return finish::done(Format::Csv, decoded.encoding, questions, 0);
    }
    let (front, body) = markdown::front_matter(&text);
    let is_markdown = front.is_some()
        || name.ends_with(".md")
        || name.ends_with(".markdown")
        || looks_like_markdown(&body);
    let blocks = if is_markdown {
        markdown::markdown_blocks(&body)
    } else {
        blocks::text_blocks(&body)
    };
    let format = if is_markdown {
        Format::Markdown
    } else {
        text_format(&blocks)
    };
    let extracted = extract::extract(&blocks);
    finish::finish(
        format,
        decoded.encoding,
        extracted,
        front.as_ref(),
        &opts.file_name,
    )
}

fn looks_like_markdown(text: &str) -> bool {
    let mut score = 0;
    for line in text.lines().take(2000) {
        let t = line.trim_start();
        if t.starts_with("# ")
            || t.starts_with("## ")
            || t.starts_with("### ")
            || t.starts_with("<details")
            || t.starts_with("```")
        {
            score += 1;
        }
    }
    score >= 2
}

/// Names the plain-text layout from the blocks it produced (for the import report).
fn text_format(blocks: &[blocks::Block]) -> Format {
    use blocks::Kind;
    let count = |f: &dyn Fn(&Kind) -> bool| blocks.iter().filter(|b| f(&b.kind)).count();
    let answers = count(&|k| *k == Kind::AnswerMarker);
    let qmarkers = count(&|k| *k == Kind::QMarker);
    let numbered = count(&|k| {
        matches!(
            k,
            Kind::Item {
                ordinal: Some(_),
                ..
            }
        )
    });
    let bullets = count(&|k| matches!(k, Kind::Item { ordinal: None, .. }));
    if qmarkers >= 2 {
        Format::QaArticle
    } else if answers >= 2 && numbered >= 2 {
        Format::NumberedAnswers
    } else if bullets >= 2 && bullets >= numbered {
        Format::BulletArticle
    } else if numbered >= 2 {
        Format::NumberedList
    } else {
        Format::PlainText
    }
}
