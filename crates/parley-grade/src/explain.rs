//! The grade in words, in English or Polish: what the answer covered, what it missed, and what
//! else a reader should know. Key points are quoted as written (in the reference's language).

use crate::grade::{Covered, Flag, MAX_ANSWER_CHARS};
use crate::lang::Lang;

/// Everything an explanation mentions.
pub struct Verdict<'a> {
    pub score: f64,
    pub covered: &'a [Covered],
    pub missed: &'a [String],
    pub contradicted: &'a [String],
    pub red_flags: &'a [String],
    pub flags: &'a [Flag],
    pub lexical_only: bool,
}

impl<'a> Verdict<'a> {
    /// An answer that could not be graded at all (empty or not text).
    pub fn unreadable(flags: &'a [Flag]) -> Verdict<'a> {
        Verdict {
            score: 0.0,
            covered: &[],
            missed: &[],
            contradicted: &[],
            red_flags: &[],
            flags,
            lexical_only: false,
        }
    }
}

struct Words {
    unreadable_binary: &'static str,
    unreadable_empty: &'static str,
    score: fn(&str) -> String,
    all_covered: &'static str,
    covered: &'static str,
    none_covered: &'static str,
    missed: &'static str,
    contradicted: &'static str,
    red_flags: &'static str,
    off_topic: &'static str,
    restates: &'static str,
    too_short: &'static str,
    language: &'static str,
    too_long: fn(&str) -> String,
    lexical_only: &'static str,
    and: &'static str,
    quote: (&'static str, &'static str),
    decimal: char,
}

const EN: Words = Words {
    unreadable_binary: "The answer is not readable text (it looks like binary data), so it was not graded.",
    unreadable_empty: "The answer is empty, so there is nothing to grade.",
    score: |s| format!("Score {s} of 5."),
    all_covered: "You covered every key point:",
    covered: "You covered",
    none_covered: "You did not cover any of the key points.",
    missed: "You missed",
    contradicted: "You seem to contradict",
    red_flags: "Careful: the answer says what a reviewer would flag:",
    off_topic: "The answer seems to be about something other than the question.",
    restates: "Most of the answer repeats the question; say what you would add to it.",
    too_short: "The answer is far too short to show understanding.",
    language: "The answer is in a different language from the reference answer.",
    too_long: |n| format!("Only the first {n} characters were graded."),
    lexical_only: "(Graded by words only: the meaning model is not installed.)",
    and: "and",
    quote: ("\u{201c}", "\u{201d}"),
    decimal: '.',
};

const PL: Words = Words {
    unreadable_binary: "Odpowiedź nie jest czytelnym tekstem (wygląda na dane binarne), więc nie została oceniona.",
    unreadable_empty: "Odpowiedź jest pusta, więc nie ma czego ocenić.",
    score: |s| format!("Wynik {s} na 5."),
    all_covered: "Odpowiedź obejmuje wszystkie kluczowe punkty:",
    covered: "Odpowiedź obejmuje",
    none_covered: "Odpowiedź nie obejmuje żadnego z kluczowych punktów.",
    missed: "Zabrakło",
    contradicted: "Odpowiedź wydaje się przeczyć",
    red_flags: "Uwaga: odpowiedź zawiera to, co oceniający uznałby za błąd:",
    off_topic: "Odpowiedź wydaje się dotyczyć czegoś innego niż pytanie.",
    restates: "Odpowiedź głównie powtarza pytanie; dopisz, co wnosisz od siebie.",
    too_short: "Odpowiedź jest zdecydowanie za krótka, by pokazać zrozumienie tematu.",
    language: "Odpowiedź jest w innym języku niż odpowiedź wzorcowa.",
    too_long: |n| format!("Oceniono tylko pierwsze {n} znaków."),
    lexical_only: "(Ocena tylko na podstawie słów: model znaczeniowy nie jest zainstalowany.)",
    and: "i",
    quote: ("\u{201e}", "\u{201d}"),
    decimal: ',',
};

/// The explanation of `v` in `lang` (Polish for Polish, English for everything else).
pub fn explain(lang: Lang, v: &Verdict) -> String {
    let w = if lang == Lang::Pl { &PL } else { &EN };
    if v.flags.contains(&Flag::NotText) {
        return w.unreadable_binary.to_string();
    }
    if v.flags.contains(&Flag::Empty) {
        return w.unreadable_empty.to_string();
    }
    let list = |items: &mut dyn Iterator<Item = &str>| -> String {
        let quoted: Vec<String> = items
            .map(|s| {
                let s = s.trim().trim_end_matches(['.', ';', ':']);
                format!("{}{s}{}", w.quote.0, w.quote.1)
            })
            .collect();
        match quoted.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} {} {last}", rest.join(", "), w.and),
        }
    };
    let score = format!("{:.1}", v.score).replace('.', &w.decimal.to_string());
    let mut out = vec![(w.score)(&score)];
    if v.covered.is_empty() {
        out.push(w.none_covered.to_string());
    } else {
        let lead = if v.missed.is_empty() {
            w.all_covered
        } else {
            w.covered
        };
        let covered = list(&mut v.covered.iter().map(|c| c.key_point.as_str()));
        out.push(format!("{lead} {covered}."));
    }
    let missed: Vec<&str> = v
        .missed
        .iter()
        .filter(|m| !v.contradicted.contains(m))
        .map(String::as_str)
        .collect();
    if !missed.is_empty() {
        out.push(format!("{} {}.", w.missed, list(&mut missed.into_iter())));
    }
    if !v.contradicted.is_empty() {
        let items = list(&mut v.contradicted.iter().map(String::as_str));
        out.push(format!("{} {items}.", w.contradicted));
    }
    if !v.red_flags.is_empty() {
        let items = list(&mut v.red_flags.iter().map(String::as_str));
        out.push(format!("{} {items}.", w.red_flags));
    }
    for flag in v.flags {
        match flag {
            Flag::OffTopic => out.push(w.off_topic.to_string()),
            Flag::RestatesQuestion => out.push(w.restates.to_string()),
            Flag::FarTooShort => out.push(w.too_short.to_string()),
            Flag::DifferentLanguage => out.push(w.language.to_string()),
            Flag::TooLong => out.push((w.too_long)(&MAX_ANSWER_CHARS.to_string())),
            _ => {}
        }
    }
    if v.lexical_only {
        out.push(w.lexical_only.to_string());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(k: &str) -> Covered {
        Covered {
            key_point: k.into(),
            evidence: String::new(),
        }
    }

    #[test]
    fn names_what_was_covered_and_missed_in_both_languages() {
        let c = [covered("Retries are safe."), covered("Results are stored")];
        let m = ["A unique index stops duplicates".to_string()];
        let v = Verdict {
            score: 3.5,
            covered: &c,
            missed: &m,
            contradicted: &[],
            red_flags: &[],
            flags: &[Flag::FarTooShort],
            lexical_only: false,
        };
        assert_eq!(
            explain(Lang::En, &v),
            "Score 3.5 of 5. You covered \u{201c}Retries are safe\u{201d} and \u{201c}Results are \
             stored\u{201d}. You missed \u{201c}A unique index stops duplicates\u{201d}. The answer \
             is far too short to show understanding."
        );
        let pl = explain(Lang::Pl, &v);
        assert!(pl.starts_with("Wynik 3,5 na 5. Odpowiedź obejmuje \u{201e}Retries"));
        assert!(pl.contains("Zabrakło \u{201e}A unique index"));
    }

    #[test]
    fn unreadable_answers_say_why() {
        let v = Verdict::unreadable(&[Flag::NotText]);
        assert!(explain(Lang::En, &v).contains("binary"));
        let v = Verdict::unreadable(&[Flag::Empty]);
        assert!(explain(Lang::Pl, &v).contains("pusta"));
    }
}
