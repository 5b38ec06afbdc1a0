//! Which language an answer is written in, from its function words. Short texts stay
//! undecided rather than guessed: a wrong "different language" flag is worse than none.

use crate::text::{STOP_EN, tokens};

/// A detected language. Only English and Polish get explanations of their own; the others exist
/// so that a German answer to an English question is recognised as not English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Pl,
    De,
    Fr,
    Es,
    /// A non-Latin script (Cyrillic, Greek, CJK...).
    Other,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Pl => "pl",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Other => "other",
        }
    }
}

/// Polish function words; also used by the lexical features of Polish text.
pub(crate) const STOP_PL: &[&str] = &[
    "i", "w", "z", "na", "nie", "się", "że", "to", "jest", "do", "o", "a", "od", "po", "za", "jak",
    "ale", "co", "czy", "tak", "być", "są", "ten", "ta", "te", "tego", "tej", "przez", "dla",
    "oraz", "jego", "jej", "ich", "już", "może", "tylko", "gdy", "który", "która", "które",
    "którzy", "ze", "jako", "lub", "bo", "tym", "tych", "go", "mu",
];
const STOP_DE: &[&str] = &[
    "der", "die", "das", "und", "ist", "ein", "eine", "nicht", "mit", "von", "zu", "den", "dem",
    "des", "sich", "auf", "für", "wird", "sind", "auch",
];
const STOP_FR: &[&str] = &[
    "le", "la", "les", "et", "est", "un", "une", "des", "du", "pas", "avec", "pour", "dans", "sur",
    "que", "qui", "ce", "sont", "être",
];
const STOP_ES: &[&str] = &[
    "el", "la", "los", "las", "y", "es", "un", "una", "del", "con", "para", "por", "que", "se",
    "su", "lo", "como", "pero", "está", "son",
];

/// Below this many tokens a text is too short to tell.
const MIN_TOKENS: usize = 4;
/// Share of English-only function words from which a text counts as English.
const EN_MIN_SHARE: f64 = 0.08;

/// The language of `text`, or `None` when it cannot be told (too short, no function words).
/// Another language wins with at least two of its own function words and more of them than
/// English-only ones; a mostly non-Latin script is `Other`.
pub fn detect(text: &str) -> Option<Lang> {
    let (mut letters, mut non_latin) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if u32::from(c) > 0x24F {
            non_latin += 1;
        }
    }
    if letters > 0 && non_latin as f64 / letters as f64 >= 0.3 {
        return Some(Lang::Other);
    }
    let toks = tokens(text);
    if toks.len() < MIN_TOKENS {
        return None;
    }
    let only = |own: &[&str], t: &str| own.contains(&t) && !STOP_EN.contains(&t);
    let english = toks
        .iter()
        .filter(|t| STOP_EN.contains(&t.as_str()) && !STOP_PL.contains(&t.as_str()))
        .count();
    let mut best: Option<(Lang, usize)> = None;
    for (lang, words) in [
        (Lang::Pl, STOP_PL),
        (Lang::De, STOP_DE),
        (Lang::Fr, STOP_FR),
        (Lang::Es, STOP_ES),
    ] {
        let hits = toks.iter().filter(|t| only(words, t)).count();
        if hits > best.map_or(0, |(_, h)| h) {
            best = Some((lang, hits));
        }
    }
    if let Some((lang, hits)) = best
        && hits >= 2
        && hits > english
    {
        return Some(lang);
    }
    (english as f64 / toks.len() as f64 >= EN_MIN_SHARE).then_some(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_english_polish_and_others_apart() {
        assert_eq!(
            detect("The server stores the key and returns the result."),
            Some(Lang::En)
        );
        assert_eq!(
            detect("Serwer zapisuje klucz i zwraca ten sam wynik, gdy klient ponowi żądanie."),
            Some(Lang::Pl)
        );
        assert_eq!(
            detect("Der Server speichert den Schlüssel und gibt das Ergebnis zurück."),
            Some(Lang::De)
        );
        assert_eq!(detect("Сервер хранит ключ"), Some(Lang::Other));
        assert_eq!(detect("idempotency key"), None);
    }
}
