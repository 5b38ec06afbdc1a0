//! Language codes and detection of English and Polish text.

use crate::text::words;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 639-1 language code such as `en` or `pl`, or `und` when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    pub fn english() -> Self {
        Self("en".into())
    }
    pub fn polish() -> Self {
        Self("pl".into())
    }
    pub fn undetermined() -> Self {
        Self("und".into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_undetermined(&self) -> bool {
        self.0 == "und"
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a language code: {0:?} (expected two or three letters such as en or pl)")]
pub struct LanguageParseError(pub String);

impl FromStr for Language {
    type Err = LanguageParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = match t.as_str() {
            "english" | "eng" => "en".to_string(),
            "polish" | "polski" | "pol" => "pl".to_string(),
            _ => t,
        };
        if (2..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(t))
        } else {
            Err(LanguageParseError(s.to_string()))
        }
    }
}

impl TryFrom<String> for Language {
    type Error = LanguageParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Language> for String {
    fn from(l: Language) -> String {
        l.0
    }
}

const EN_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "is",
    "are",
    "what",
    "how",
    "why",
    "when",
    "which",
    "do",
    "does",
    "you",
    "your",
    "of",
    "to",
    "in",
    "and",
    "or",
    "for",
    "with",
    "between",
    "difference",
    "can",
    "would",
    "should",
    "explain",
    "describe",
    "tell",
    "me",
    "about",
    "it",
    "this",
    "that",
    "use",
    "have",
    "be",
    "on",
    "we",
    "if",
    "there",
    "their",
    "they",
    "from",
    "by",
    "as",
    "not",
    "will",
    "did",
];
const PL_WORDS: &[&str] = &[
    "jak",
    "jaki",
    "jaka",
    "jakie",
    "jakich",
    "czy",
    "co",
    "się",
    "w",
    "z",
    "na",
    "do",
    "nie",
    "i",
    "oraz",
    "dla",
    "że",
    "to",
    "jest",
    "są",
    "twoje",
    "twoja",
    "twój",
    "ty",
    "sobie",
    "dlaczego",
    "kiedy",
    "który",
    "która",
    "które",
    "czym",
    "między",
    "o",
    "od",
    "przez",
    "pod",
    "ich",
    "aby",
    "by",
    "tak",
    "jako",
    "może",
    "masz",
    "opisz",
    "wyjaśnij",
    "wymień",
    "podaj",
    "opowiedz",
    "stosujesz",
    "używasz",
    "różnica",
    "różnice",
    "po",
    "przy",
    "lub",
    "albo",
];

/// Guesses whether `text` is English or Polish. Returns `None` when the evidence is too thin
/// (a bare technology name, say) so callers can fall back to the document's language.
pub fn detect(text: &str) -> Option<Language> {
    let mut en = 0.0f32;
    let mut pl = 0.0f32;
    for c in text.chars() {
        if matches!(
            c,
            'ą' | 'ć'
                | 'ę'
                | 'ł'
                | 'ń'
                | 'ś'
                | 'ź'
                | 'ż'
                | 'Ą'
                | 'Ć'
                | 'Ę'
                | 'Ł'
                | 'Ń'
                | 'Ś'
                | 'Ź'
                | 'Ż'
        ) {
            pl += 1.0;
        }
    }
    // Diacritics are strong evidence but folded text ("zrodlo") has none, so words count too.
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let lw = w.to_lowercase();
        if EN_WORDS.contains(&lw.as_str()) {
            en += 1.0;
        }
        if PL_WORDS.contains(&lw.as_str()) {
            pl += 1.0;
        }
    }
    // Words like "i", "o" and "a" are ambiguous; require a clear margin.
    let total = en + pl;
    if total < 1.0 {
        // Plain ASCII without a telling word is most likely the document's own language (a
        // terse "Mention some testing steps."); other scripts and accents, when there are
        // enough words, are some third language.
        let foreign = text.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
        return (foreign && words(text).len() >= 4).then(Language::undetermined);
    }
    if pl >= en * 1.5 && pl >= 1.0 {
        Some(Language::polish())
    } else if en >= pl * 1.5 {
        Some(Language::english())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_english_and_polish_questions() {
        assert_eq!(
            detect("What is the difference between a process and a thread?"),
            Some(Language::english())
        );
        assert_eq!(
            detect("Jak radzisz sobie z zarządzaniem bazami danych?"),
            Some(Language::polish())
        );
        assert_eq!(
            detect("Czy jestes zaznajomiony z metodologia DevOps?"),
            Some(Language::polish())
        );
        assert_eq!(detect("Kafka"), None);
    }

    #[test]
    fn language_codes_parse_strictly() {
        assert_eq!("EN".parse::<Language>().unwrap(), Language::english());
        assert_eq!("Polish".parse::<Language>().unwrap(), Language::polish());
        assert!("e1".parse::<Language>().is_err());
    }
}
