//! Reads Parley's own JSON export back, keeping ids' links and the original sources.

use super::{FoundQuestion, Ref};
use crate::DocError;
use crate::export::ExportDocument;
use parley_domain::{QuestionDraft, Source};

pub fn read(text: &str) -> Result<Vec<FoundQuestion>, DocError> {
    let doc: ExportDocument =
        serde_json::from_str(text).map_err(|e| DocError::Json(e.to_string()))?;
    let mut out = Vec::with_capacity(doc.questions.len());
    for q in doc.questions {
        let language =
            match q.language.as_deref() {
                Some(l) => Some(l.parse().map_err(
                    |e: parley_domain::lang::LanguageParseError| DocError::Json(e.to_string()),
                )?),
                None => None,
            };
        let kind = match q.kind.as_deref() {
            Some(k) => k
                .parse()
                .map_err(|e: parley_domain::kind::KindParseError| DocError::Json(e.to_string()))?,
            None => Default::default(),
        };
        let draft = QuestionDraft {
            text: q.text,
            language,
            section: q.section,
            tags: q.tags,
            kind,
            reference_answer: q.reference_answer,
            key_points: q.key_points,
            key_points_extracted: q.key_points_extracted,
            look_for: q.look_for,
            red_flags: q.red_flags,
            estimated_minutes: q.estimated_minutes,
        };
        let answered = draft.reference_answer.is_some();
        out.push(FoundQuestion {
            draft,
            sources: q
                .sources
                .into_iter()
                .map(|s| Source {
                    file: s.file,
                    line: s.line,
                    heading: s.heading,
                })
                .collect(),
            follow_up_of: q.follow_up_of.map(Ref::External),
            translation_of: q.translation_of.map(Ref::External),
            answered,
            external_id: q.id,
        });
    }
    Ok(out)
}
