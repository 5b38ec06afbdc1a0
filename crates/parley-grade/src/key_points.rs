//! Key points a question is graded by: the author's when written, otherwise extracted from the
//! reference answer and stored with the question (marked as extracted) so an author can see
//! and edit them.

use parley_domain::QuestionDraft;

use crate::text::key_points;

/// More extracted points than this make a checklist nobody reads; a reference that long is
/// graded by its first claims.
pub const MAX_EXTRACTED: usize = 12;

/// Fills `draft.key_points` from the reference answer unless an author wrote them; re-extracts
/// extracted ones (the answer may have changed) and drops them when the answer is gone.
/// Returns whether the draft changed.
pub fn fill_key_points(draft: &mut QuestionDraft) -> bool {
    if !draft.key_points.is_empty() && !draft.key_points_extracted {
        return false;
    }
    let before = (draft.key_points.clone(), draft.key_points_extracted);
    draft.key_points = extract(draft);
    draft.key_points_extracted = !draft.key_points.is_empty();
    before != (draft.key_points.clone(), draft.key_points_extracted)
}

/// For a draft read from a document: key points marked extracted that are not what extraction
/// gives (an author edited an exported file) become the author's; then as `fill_key_points`.
pub fn fill_imported_key_points(draft: &mut QuestionDraft) -> bool {
    let edited = draft.key_points_extracted && draft.key_points != extract(draft);
    if edited {
        draft.key_points_extracted = false;
    }
    fill_key_points(draft) || edited
}

fn extract(draft: &QuestionDraft) -> Vec<String> {
    match draft.reference_answer.as_deref().map(str::trim) {
        Some(answer) if !answer.is_empty() => {
            let mut points = key_points(answer);
            points.retain(|p| !p.is_empty());
            points.truncate(MAX_EXTRACTED);
            points
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_follows_the_answer_and_leaves_authors_points_alone() {
        let mut d = QuestionDraft::new("Why use an idempotency key?");
        d.reference_answer =
            Some("Clients send a key with each request; the server stores the result.".into());
        assert!(fill_key_points(&mut d));
        assert!(d.key_points_extracted);
        assert_eq!(d.key_points.len(), 2);
        assert!(!fill_key_points(&mut d), "stable");

        d.reference_answer = Some("Retries repeat the request.".into());
        assert!(fill_key_points(&mut d));
        assert_eq!(d.key_points, ["Retries repeat the request"]);

        d.reference_answer = None;
        assert!(fill_key_points(&mut d));
        assert!(d.key_points.is_empty() && !d.key_points_extracted);

        d.key_points = vec!["Written by hand".into()];
        d.reference_answer = Some("Something else entirely.".into());
        assert!(!fill_key_points(&mut d));
        assert_eq!(d.key_points, ["Written by hand"]);
    }

    #[test]
    fn edited_points_in_an_imported_file_become_the_authors() {
        let mut d = QuestionDraft::new("Why retry?");
        d.reference_answer = Some("Networks fail.".into());
        d.key_points = vec!["Networks fail".into()];
        d.key_points_extracted = true;
        assert!(!fill_imported_key_points(&mut d));
        assert!(d.key_points_extracted);
        d.key_points = vec!["Networks fail; retry with backoff".into()];
        assert!(fill_imported_key_points(&mut d));
        assert!(!d.key_points_extracted);
        assert_eq!(d.key_points, ["Networks fail; retry with backoff"]);
    }
}
