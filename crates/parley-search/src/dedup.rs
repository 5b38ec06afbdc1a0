//! Whether two questions are the same question in other words.
//!
//! The embedding cosine carries most of the signal, but on its own it also pairs look-alikes
//! ("What is an API?" / "What is an API gateway?"): the extra word changes the question while
//! moving the vector little. So a pair below the high threshold must also share its topical
//! words, with nothing topical on one side that the other lacks.
//!
//! The thresholds were fitted on our labelled pairs over the seed bank
//! (`eval/duplicate_pairs.json`, measured by `cargo bench -p parley --bench search_eval`),
//! choosing precision over recall: a wrong suggestion costs a user's attention, a missed one
//! costs a duplicate that search still finds.

use std::collections::HashSet;

use crate::analysis::{self, Analysis};

/// Above this cosine a pair is suggested whatever its words.
pub const SURE: f32 = 0.95;
/// Between this and `SURE`, a pair is suggested only when its topical words agree.
pub const LIKELY: f32 = 0.92;
/// Questions with at most this many topical words are "short" (see `near_duplicate`).
const SHORT: usize = 2;
/// How much of the two questions' topical words must be shared (Jaccard) in the `LIKELY` band.
const SHARED_WORDS: f32 = 0.3;

/// Framing words: how a question is asked, not what about. They are ignored when comparing
/// topical words ("Explain the difference between X and Y" asks what "Compare X and Y" does).
const FRAMING: &[&str] = &[
    "difference",
    "differences",
    "differ",
    "different",
    "compare",
    "comparison",
    "concept",
    "concepts",
    "approach",
    "ensure",
    "handle",
    "handling",
    "manage",
    "way",
    "ways",
    "mean",
    "means",
    "purpose",
    "important",
    "role",
    "use",
    "using",
    "used",
    "work",
    "works",
    "main",
    "key",
    "kind",
    "kinds",
    "example",
    "give",
    "name",
    "mention",
    "discuss",
    "know",
    "familiar",
    "experience",
    "please",
    "provide",
    "details",
    "roznica",
    "roznice",
    "porownaj",
];

/// The verdict on a pair: `Some(score)` when it should be suggested, the score being the
/// cosine (what a user sorts by).
pub fn near_duplicate(a: &str, b: &str, cosine: f32) -> Option<f32> {
    if !cosine.is_finite() || cosine < LIKELY {
        return None;
    }
    let (wa, wb) = (Words::of(a), Words::of(b));
    // In a short question a word glued to a shared one makes a narrower thing ("dead-letter
    // queue", "API gateway"): another question, however close the vectors. In longer
    // questions such words are mostly context, and vetoing them cost half the true pairs.
    let short = wa.topical.len().min(wb.topical.len()) <= SHORT;
    if short && (wa.specialises(&wb) || wb.specialises(&wa)) {
        return None;
    }
    if cosine >= SURE {
        return Some(cosine);
    }
    let (ta, tb) = (&wa.topical, &wb.topical);
    let union = ta.union(tb).count();
    if union == 0 {
        return None;
    }
    let shared = ta.intersection(tb).count() as f32 / union as f32;
    // At most one side may add topical words: the longer question giving context ("… in
    // distributed databases"). Words on both sides that the other lacks mean two topics.
    let nested = ta.is_subset(tb) || tb.is_subset(ta);
    (shared >= SHARED_WORDS && nested).then_some(cosine)
}

/// A question's words in order (English stems, `None` for stop and framing words) and the set
/// of its topical stems.
struct Words {
    sequence: Vec<Option<String>>,
    topical: HashSet<String>,
}

impl Words {
    fn of(text: &str) -> Words {
        let plain = analysis::tokens(Analysis::Plain, text);
        let stems = analysis::tokens(Analysis::English, text);
        let sequence: Vec<Option<String>> = plain
            .iter()
            .zip(stems)
            .map(|(p, s)| {
                let framing = analysis::is_stop_word(&p.text) || FRAMING.contains(&p.text.as_str());
                (!framing).then_some(s.text)
            })
            .collect();
        let topical = sequence.iter().flatten().cloned().collect();
        Words { sequence, topical }
    }

    /// Whether this question has a topical word the other lacks right beside one they share.
    fn specialises(&self, other: &Words) -> bool {
        let shared = |w: &Option<String>| w.as_ref().is_some_and(|w| other.topical.contains(w));
        let extra = |w: &Option<String>| w.as_ref().is_some_and(|w| !other.topical.contains(w));
        self.sequence
            .windows(2)
            .any(|p| (extra(&p[0]) && shared(&p[1])) || (shared(&p[0]) && extra(&p[1])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_left_alone() {
        // Both pairs sit in the band where only the words decide.
        assert_eq!(
            near_duplicate("What is a queue?", "What is a dead-letter queue?", 0.94),
            None
        );
        assert_eq!(
            near_duplicate(
                "How do you test a REST API?",
                "How do you secure a REST API?",
                0.945
            ),
            None
        );
    }

    #[test]
    fn rewordings_are_suggested() {
        let a = "Explain the differences between SQL and NoSQL databases.";
        let b = "Compare SQL and NoSQL databases.";
        assert_eq!(near_duplicate(a, b, 0.94), Some(0.94));
        let cap = "Explain the CAP theorem in distributed databases.";
        assert_eq!(
            near_duplicate("What is the CAP theorem?", cap, 0.94),
            Some(0.94)
        );
        assert_eq!(
            near_duplicate("What is an API?", "What is an API gateway?", 0.99),
            None
        );
        assert_eq!(near_duplicate("a", "b", 0.5), None);
        assert_eq!(near_duplicate("a", "b", f32::NAN), None);
    }
}
