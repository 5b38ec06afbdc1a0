//! Flags: what a reader should know about an answer beyond its score, decided by rules whose
//! thresholds are in the calibration artifact (measured on development data).

use serde::Serialize;

use crate::calibration::Calibration;
use crate::features::{Analysis, Parts, Vectors};
use crate::grade::{MAX_ANSWER_CHARS, Method};
use crate::lang;
use crate::text::{content_stems, tokens};

/// Something about an answer a reader should know beyond its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Empty,
    /// Binary data or broken text rather than writing.
    NotText,
    /// Longer than `MAX_ANSWER_CHARS`; only the beginning was graded.
    TooLong,
    OffTopic,
    RestatesQuestion,
    FarTooShort,
    DifferentLanguage,
    ContradictsKeyPoint,
    MatchesRedFlag,
}

/// Off-topic needs at least this many content words: shorter answers are judged by length
/// (`far_too_short`), and a terse right answer often shares no word with the reference.
const OFF_TOPIC_MIN_WORDS: usize = 3;
/// A contradiction needs the answer to use this share of the key point's own words, besides
/// meaning nearly the same with the opposite polarity: contrast answers ("X can, Y cannot")
/// otherwise look like contradictions.
pub(crate) const CONTRADICTION_LEXICAL: f64 = 0.6;
/// What people write instead of an answer; graded as empty.
const NON_ANSWERS: &[&str] = &[
    "no answer",
    "not answered",
    "no idea",
    "i don't know",
    "i dont know",
    "don't know",
    "dont know",
    "idk",
    "n a",
    "pass",
    "skip",
    "nie wiem",
    "brak odpowiedzi",
    "nie mam pojęcia",
];

/// Share of a red flag's own words the answer must use, besides meaning the same, to match it.
const RED_FLAG_LEXICAL: f64 = 0.6;

/// The score after the flags that leave nothing to grade (empty, not text). Other flags are
/// reported, not applied: on the Mohler answers, capping off-topic, restated or contradicting
/// answers lowered the agreement with human grades (Pearson 0.58 to 0.33), because short right
/// answers and contrast answers trip them.
pub fn finalise(model_score: f64, flags: &[Flag]) -> f64 {
    if flags.contains(&Flag::Empty) || flags.contains(&Flag::NotText) {
        0.0
    } else {
        model_score
    }
}

/// Flags from the features: language, off-topic, restating the question, far too short.
pub(crate) fn answer_flags(
    calibration: &Calibration,
    parts: &Parts,
    a: &Analysis,
    reference: &str,
    method: Method,
) -> Vec<Flag> {
    let t = &calibration.flags;
    let f = &a.features;
    let mut flags = Vec::new();
    // The expected language is the reference's, else the question's; when neither can be
    // told, nothing is flagged.
    let expected = lang::detect(reference).or_else(|| lang::detect(&parts.question));
    if let (Some(answer_lang), Some(expected)) = (lang::detect(&parts.answer), expected)
        && answer_lang != expected
    {
        flags.push(Flag::DifferentLanguage);
    }
    let semantic = method == Method::Semantic;
    let far_in_meaning = !semantic || f.sem_ref.max(f.sem_q) < t.offtopic_max_cos;
    if far_in_meaning
        && a.shared_words <= t.offtopic_max_overlap
        && a.answer_words >= OFF_TOPIC_MIN_WORDS
    {
        flags.push(Flag::OffTopic);
    }
    let nothing_new = f.novelty == 0.0;
    let mostly_question = semantic
        && f.novelty < t.restate_max_novelty
        && f.sem_q - f.sem_ref >= t.restate_min_q_margin;
    if nothing_new || mostly_question {
        flags.push(Flag::RestatesQuestion);
    }
    if a.answer_words <= t.short_max_words
        && (a.answer_words as f64) < t.short_max_ratio * a.reference_words as f64
    {
        flags.push(Flag::FarTooShort);
    }
    flags
}

/// Binary data decoded as text shows NULs, control characters and replacement characters.
pub(crate) fn looks_like_text(s: &str) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in s.chars().take(MAX_ANSWER_CHARS) {
        total += 1;
        if c == '\0' {
            return false;
        }
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            odd += 1;
        }
    }
    total == 0 || odd * 20 < total
}

/// Whether the answer is one of the things people write instead of an answer.
pub(crate) fn is_non_answer(answer: &str) -> bool {
    NON_ANSWERS.contains(&tokens(answer).join(" ").as_str())
}

/// Red flags the answer states: as close in meaning as a contradiction would need, using most
/// of the red flag's own words, and with the same polarity.
pub(crate) fn matched_red_flags(
    parts: &Parts,
    red_flags: &[String],
    vectors: Vectors,
    c: &Calibration,
    negations: &dyn Fn(&str) -> usize,
) -> Vec<String> {
    let Some(vectors) = vectors else {
        return Vec::new();
    };
    let answer: std::collections::HashSet<String> =
        content_stems(&parts.answer).into_iter().collect();
    let question: std::collections::HashSet<String> =
        content_stems(&parts.question).into_iter().collect();
    red_flags
        .iter()
        .filter(|rf| {
            let own: Vec<String> = content_stems(rf)
                .into_iter()
                .filter(|w| !question.contains(w))
                .collect();
            if own.is_empty() {
                return false;
            }
            let recall =
                own.iter().filter(|w| answer.contains(*w)).count() as f64 / own.len() as f64;
            let Some(er) = vectors.get(rf.as_str()) else {
                return false;
            };
            recall >= RED_FLAG_LEXICAL
                && parts.units.iter().zip(vectors.units(parts)).any(|(u, eu)| {
                    eu.is_some_and(|eu| {
                        let cos: f64 = eu
                            .iter()
                            .zip(er)
                            .map(|(x, y)| f64::from(*x) * f64::from(*y))
                            .sum();
                        cos >= c.flags.contradict_min_cos && negations(u) == negations(rf)
                    })
                })
        })
        .cloned()
        .collect()
}
