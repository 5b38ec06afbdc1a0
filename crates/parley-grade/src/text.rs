//! The grader's text processing: word tokens, stemmed content words, sentences, and key points
//! extracted from a reference answer. It must match `research/grader/textproc.py` exactly,
//! because the calibration was fitted on features computed by that code.

use std::sync::LazyLock;

use regex::Regex;

/// English stop words: closed-class words only, so that what remains carries content.
pub(crate) const STOP_EN: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "then",
    "else",
    "when",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "once",
    "here",
    "there",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "can",
    "will",
    "just",
    "should",
    "would",
    "could",
    "might",
    "must",
    "shall",
    "may",
    "do",
    "does",
    "did",
    "doing",
    "done",
    "be",
    "is",
    "are",
    "was",
    "were",
    "been",
    "being",
    "am",
    "have",
    "has",
    "had",
    "having",
    "it",
    "its",
    "it's",
    "itself",
    "this",
    "that",
    "these",
    "those",
    "i",
    "me",
    "my",
    "we",
    "our",
    "you",
    "your",
    "he",
    "him",
    "his",
    "she",
    "her",
    "they",
    "them",
    "their",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "why",
    "how",
    "as",
    "also",
    "i.e",
    "e.g",
    "etc",
    "there's",
    "theres",
    "s",
    "t",
    "don",
    "isn",
    "aren",
    "wasn",
    "weren",
    "doesn",
    "didn",
    "won",
    "wouldn",
    "shouldn",
    "couldn",
    "cannot",
    "don't",
    "doesn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "can't",
    "won't",
    "wouldn't",
    "shouldn't",
    "couldn't",
    "didn't",
    "haven't",
    "hasn't",
    "hadn't",
    "that's",
    "let's",
    "i'm",
    "you're",
    "we're",
    "they're",
];

/// Finite-verb markers: a piece of a sentence without one is not a clause of its own.
const VERB_MARKERS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "isn't", "aren't", "has", "have",
    "had", "do", "does", "did", "don't", "doesn't", "can", "cannot", "could", "will", "won't",
    "would", "shall", "should", "may", "might", "must", "need", "needs", "makes", "make", "made",
];

/// Words opening a subordinate clause, which waits for its main clause.
const SUBORDINATORS: &[&str] = &[
    "if", "when", "whenever", "because", "although", "though", "since", "unless", "while", "after",
    "before", "once",
];

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["i.e.", "e.g.", "etc.", "vs.", "mr.", "dr.", "ie.", "eg."];

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[0-9a-ząćęłńóśźżäöüßéèàç]+(?:'[a-z]+)?|\+\+").expect("a valid pattern")
});
static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(;|,?\s+whereas\s+|,\s*but\s+|,?\s+and\s+|,?\s+or\s+|,\s+)")
        .expect("a valid pattern")
});
static PARENTHESES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^)]*\)").expect("a valid pattern"));

/// Lower-cased word tokens: letters and digits (Polish and common Latin accents included), an
/// apostrophe suffix kept ("don't"), and "++" as a token of its own.
pub fn tokens(text: &str) -> Vec<String> {
    let text = text.replace(['\u{2019}', '\u{2018}'], "'");
    TOKEN
        .find_iter(&text)
        .map(|m| m.as_str().to_lowercase())
        .collect()
}

/// The English Snowball stems of the content words: no stop words, no one-letter non-digits.
pub fn content_stems(text: &str) -> Vec<String> {
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    tokens(text)
        .into_iter()
        .filter(|t| !STOP_EN.contains(&t.as_str()))
        .filter(|t| t.chars().count() >= 2 || t.chars().all(|c| c.is_ascii_digit()))
        .map(|t| stemmer.stem(&t).into_owned())
        .collect()
}

/// Sentences: split after `.`, `!`, `?` or `;` at the end of a word (not after an abbreviation)
/// and at line breaks; pieces without a letter or digit are dropped.
pub fn split_sentences(text: &str) -> Vec<String> {
    let text = text.replace('\r', "\n");
    let mut out = Vec::new();
    for para in text.split('\n') {
        let words: Vec<&str> = para.split_whitespace().collect();
        let mut current: Vec<&str> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            current.push(w);
            if ABBREVIATIONS.contains(&w.to_lowercase().as_str()) {
                continue;
            }
            if w.ends_with(['.', '!', '?', ';']) && i + 1 < words.len() {
                out.push(current.join(" "));
                current.clear();
            }
        }
        if !current.is_empty() {
            out.push(current.join(" "));
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| s.chars().any(|c| c.is_ascii_alphanumeric()))
        .collect()
}

fn has_verb(piece: &str) -> bool {
    tokens(piece)
        .iter()
        .any(|t| VERB_MARKERS.contains(&t.as_str()))
}

fn content_count(piece: &str) -> usize {
    content_stems(&PARENTHESES.replace_all(piece, " ")).len()
}

/// Short atomic claims of a reference answer: every sentence is at least one, and a sentence
/// splits further at `;`, "but", "whereas", "and", "or" and commas only where both sides are
/// clauses of their own (a verb and at least two content words each, and the left side not a
/// lone subordinate clause). "Abstraction and reusability" stays whole; "Constructors have no
/// return type, but functions must declare one" becomes two.
pub fn key_points(reference: &str) -> Vec<String> {
    const MIN_CONTENT: usize = 2;
    let mut points = Vec::new();
    for sentence in split_sentences(reference) {
        let s = sentence.trim().trim_end_matches(['.', ';']).trim();
        // The pieces between split points, and the split points themselves, in order.
        let mut pieces = Vec::new();
        let mut separators = Vec::new();
        let mut at = 0;
        for m in SPLIT.find_iter(s) {
            pieces.push(&s[at..m.start()]);
            separators.push(m.as_str());
            at = m.end();
        }
        pieces.push(&s[at..]);
        let mut current = pieces[0].to_string();
        let mut current_pieces = 1;
        for (sep, next) in separators.iter().zip(&pieces[1..]) {
            let (next_count, current_count) = (content_count(next), content_count(&current));
            let lone_subordinate = current_pieces == 1
                && tokens(&current)
                    .first()
                    .is_some_and(|t| SUBORDINATORS.contains(&t.as_str()));
            let clauses = current_count >= MIN_CONTENT && next_count >= MIN_CONTENT;
            let split = if sep.trim() == ";" {
                clauses
            } else {
                clauses && has_verb(&current) && has_verb(next) && !lone_subordinate
            };
            if split {
                points.push(current.trim().to_string());
                current = next.to_string();
                current_pieces = 1;
            } else {
                current.push_str(sep);
                current.push_str(next);
                current_pieces += 1;
            }
        }
        if !current.trim().is_empty() {
            points.push(current.trim().to_string());
        }
    }
    if points.is_empty() {
        points.push(reference.trim().to_string());
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_contractions_plus_plus_and_polish_letters() {
        assert_eq!(
            tokens("C++ doesn’t leak; Źródło"),
            ["c", "++", "doesn't", "leak", "źródło"]
        );
    }

    #[test]
    fn content_stems_drop_stop_words_and_single_letters() {
        assert_eq!(
            content_stems("The queues are retried in 3 ways, x"),
            ["queue", "retri", "3", "way"]
        );
    }

    #[test]
    fn sentences_split_at_ends_and_lines_but_not_abbreviations() {
        assert_eq!(
            split_sentences("Use a key, e.g. a UUID. Store it!\nThen retry; done"),
            [
                "Use a key, e.g. a UUID.",
                "Store it!",
                "Then retry;",
                "done"
            ]
        );
        assert!(split_sentences(" ... \n ?! ").is_empty());
    }

    #[test]
    fn key_points_split_clauses_not_noun_phrases() {
        assert_eq!(
            key_points("Abstraction and reusability."),
            ["Abstraction and reusability"]
        );
        assert_eq!(
            key_points(
                "Constructors do not have a return type, but functions have to declare a return type."
            ),
            [
                "Constructors do not have a return type",
                "functions have to declare a return type"
            ]
        );
        assert_eq!(
            key_points("If no constructor is given, the compiler makes a default one."),
            ["If no constructor is given, the compiler makes a default one"]
        );
        assert_eq!(
            key_points(
                "Clients send an idempotency key; the server stores the key in a unique index."
            ),
            [
                "Clients send an idempotency key",
                "the server stores the key in a unique index"
            ]
        );
        assert_eq!(key_points("   "), [""]);
    }
}
