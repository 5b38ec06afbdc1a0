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
    match draft.reference_answer.as_deref().map(str::trim) {
        Some(answer) if !answer.is_empty() => {
            let mut points = key_points(answer);
            points.retain(|p| !p.is_empty());
            points.truncate(MAX_EXTRACTED);
            draft.key_points_extracted = !points.is_empty();
            draft.key_points = points;
        }
        _ => {
            draft.key_points.clear();
            draft.key_points_extracted = false;
        }
    }
    before != (draft.key_points.clone(), draft.key_points_extracted)
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
}
