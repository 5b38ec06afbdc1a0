//! Finding near-duplicates of questions in the bank: candidates are a question's nearest
//! neighbours in its own language, and `parley_search::dedup` decides which are the same
//! question in other words. Pairs a user already decided on are never suggested again.

use std::collections::HashSet;

use parley_domain::{OrgId, QuestionId};
use parley_search::{Filters, SearchIndex, dedup};
use parley_store::{DuplicatePair, Store};
use serde::Serialize;

use crate::BankError;

/// Neighbours looked at per question: duplicates sit at the very top when they exist.
const NEIGHBOURS: usize = 5;

/// A suggestion as the CLI prints it (`import --json`, `dedup --json`) and the server shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub question: String,
    pub similar_to: String,
    pub score: f64,
    pub question_text: String,
    pub similar_to_text: String,
}

/// The near-duplicates of `questions` (each with its text and language) in `index`, recorded
/// as open suggestions, most likely first. Needs an index with vectors; without, finds none.
pub async fn detect(
    store: &Store,
    org: OrgId,
    index: &SearchIndex,
    questions: &[(QuestionId, String, String)],
) -> Result<Vec<DuplicatePair>, BankError> {
    if index.model().is_none() {
        return Ok(Vec::new());
    }
    let decided = store.decided_pairs(org).await?;
    let mut seen = HashSet::new();
    let mut pairs = Vec::new();
    for (id, text, language) in questions {
        let id_s = id.to_string();
        let Some(mine) = index.vector_of(&id_s)? else {
            continue;
        };
        let same_language = Filters {
            language: Some(language.clone()),
            ..Filters::default()
        };
        // Ranked from the vector already in hand (`similar_to` would look it up again); the
        // question itself comes first and is skipped.
        let neighbours = index.search_semantic("", &mine, &same_language, NEIGHBOURS + 1)?;
        for hit in neighbours.into_iter().filter(|h| h.id != id_s) {
            let Some(theirs) = index.vector_of(&hit.id)? else {
                continue;
            };
            // The index ranks with 8-bit vectors; the thresholds were fitted on exact cosines.
            let cosine: f32 = mine.iter().zip(&theirs).map(|(a, b)| a * b).sum();
            let Some(score) = dedup::near_duplicate(text, &hit.text, cosine) else {
                continue;
            };
            let other: QuestionId = hit.id.parse()?;
            // Ids sort as their text does, which is the order pairs are stored in.
            let key = if *id < other {
                (*id, other)
            } else {
                (other, *id)
            };
            if decided.contains(&key) || !seen.insert(key) {
                continue;
            }
            pairs.push(DuplicatePair {
                question: *id,
                similar_to: other,
                score: f64::from(score),
            });
        }
    }
    pairs.sort_by(|a, b| b.score.total_cmp(&a.score));
    store.suggest_duplicates(org, &pairs).await?;
    Ok(pairs)
}

/// Pairs with the texts of their questions, for printing.
pub async fn describe(
    store: &Store,
    org: OrgId,
    pairs: &[DuplicatePair],
) -> Result<Vec<Suggestion>, BankError> {
    let mut out = Vec::with_capacity(pairs.len());
    for p in pairs {
        let a = store.get_question(org, p.question).await?;
        let b = store.get_question(org, p.similar_to).await?;
        out.push(Suggestion {
            question: p.question.to_string(),
            similar_to: p.similar_to.to_string(),
            score: (p.score * 1000.0).round() / 1000.0,
            question_text: a.draft.text,
            similar_to_text: b.draft.text,
        });
    }
    Ok(out)
}
