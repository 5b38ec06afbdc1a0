//! Page noise: advertising, calls to action and page chrome that web and PDF dumps carry between
//! (and sometimes glued onto) the questions. Nothing flagged here may reach the bank.

use parley_domain::text::fold;

/// Phrases that on their own mark promotional or chrome text.
const STRONG: &[&str] = &[
    "newsletter",
    "subscribe to our",
    "subscribe now",
    "sign up for",
    "sign up now",
    "learn more",
    "read more",
    "click here",
    "click learn more",
    "browse jobs",
    "browse opportunities",
    "pass rate",
    "certification exam",
    "exam passing",
    "discount code",
    "coupon code",
    "free trial",
    "book a demo",
    "advertisement",
    "sponsored",
    "becoming a sponsor",
    "all rights reserved",
    "cookie policy",
    "privacy policy",
    "terms of service",
    "accelerate your career",
    "career growth",
    "career advancement",
    "resume stand out",
    "job seekers",
    "want to miss",
    "min read",
    "share this",
    "follow us",
    "related posts",
    "related articles",
    "view other",
    "download our",
    "get certified",
    "did you find this article",
    "any amount is appreciated",
    "4-day week",
    "dump practice",
    "curated and up-to-date",
    "send me the",
    "skip to content",
    "table of contents",
    "zapisz sie",
    "subskrybuj",
    "czytaj wiecej",
    "polityka prywatnosci",
    "wszelkie prawa zastrzezone",
];

/// Words that add weight when strong phrases are near.
const WEAK: &[&str] = &[
    "certification",
    "certified",
    "exam",
    "salary",
    "career",
    "resume",
    "experts",
    "curated",
    "opportunity",
    "opportunities",
    "click",
    "browse",
    "offer",
    "jobs",
    "job",
    "prepare",
    "discount",
    "preparing",
    "insider",
    "proven",
    "guides",
    "expert-reviewed",
    "advance",
    "promo",
];

/// Calls to action that web pages glue to the text after them ("Browse JobsError handling…").
const GLUED_CTA: &[&str] = &[
    "browse jobs",
    "learn more",
    "read more",
    "sign up",
    "apply now",
    "get started",
    "join now",
    "register now",
    "click here",
    "start free trial",
    "book a demo",
    "download now",
    "try it free",
];

/// How promotional a line, sentence or paragraph is: 0 for ordinary text.
pub fn promo_score(text: &str) -> u32 {
    let f = fold(text);
    let mut score = 0;
    for p in STRONG {
        if contains_phrase(&f, p) {
            score += 3;
        }
    }
    if score == 0 {
        return 0;
    }
    for w in f.split(|c: char| !c.is_alphanumeric() && c != '-') {
        if WEAK.contains(&w) {
            score += 1;
        }
    }
    score
}

/// Whether a unit of text is noise: it carries a strong phrase, and for longer text, enough of
/// them that an ordinary sentence mentioning "subscribe" once is left alone.
pub fn is_noise(text: &str) -> bool {
    if is_chrome(text) {
        return true;
    }
    let score = promo_score(text);
    if score == 0 {
        return false;
    }
    let words = text.split_whitespace().count() as u32;
    words <= 16 || score * 8 >= words
}

/// Page chrome that is noise whatever its words: reading times, page counters, lone symbols.
pub fn is_chrome(text: &str) -> bool {
    let f = fold(text.trim());
    let ws: Vec<&str> = f.split_whitespace().collect();
    match ws.as_slice() {
        [n, "min", "read"] | [n, "minute", "read"] | [n, "mins", "read"] => {
            n.chars().all(|c| c.is_ascii_digit())
        }
        ["page", n] | ["strona", n] => n.chars().all(|c| c.is_ascii_digit()),
        ["page", n, "of", m] | ["strona", n, "z", m] => {
            n.chars().all(|c| c.is_ascii_digit()) && m.chars().all(|c| c.is_ascii_digit())
        }
        _ => !f.is_empty() && !f.chars().any(|c| c.is_alphanumeric()),
    }
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(phrase) {
        let at = start + pos;
        let before_ok = at == 0
            || !haystack[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        let end = at + phrase.len();
        // Glued words ("JobsError") count: only the start must be a word boundary.
        if before_ok {
            return true;
        }
        start = end;
    }
    false
}

/// Removes promotional sentences from the start of an answer, including a call to action glued
/// onto the answer's first word. Returns the cleaned text and how many pieces were removed.
pub fn strip_promo_prefix(text: &str) -> (String, u32) {
    let mut rest = text.trim_start();
    let mut removed = 0;
    loop {
        if let Some(after) = strip_glued_cta(rest) {
            rest = after;
            removed += 1;
            continue;
        }
        let end = sentence_end(rest);
        let sentence = &rest[..end];
        if end < rest.len() && is_noise(sentence) && promo_score(sentence) > 0 {
            rest = rest[end..].trim_start();
            removed += 1;
            continue;
        }
        break;
    }
    (rest.to_string(), removed)
}

fn strip_glued_cta(text: &str) -> Option<&str> {
    let lower = text.to_lowercase();
    for cta in GLUED_CTA {
        if lower.starts_with(cta) && text.is_char_boundary(cta.len()) {
            let after = &text[cta.len()..];
            let next = after.chars().next()?;
            if next.is_uppercase() {
                return Some(after);
            }
        }
    }
    None
}

/// Byte offset just past the first sentence of `text` (its terminator and following spaces).
pub fn sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'?' | b'!') && bytes.get(i + 1).is_some_and(|n| *n == b' ') {
            let prev_is_short = text[..i]
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.len() <= 2 && w.chars().all(char::is_lowercase));
            // "e.g." and "i.e." do not end sentences.
            if b == b'.' && prev_is_short {
                continue;
            }
            let mut j = i + 1;
            while bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            return j;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ads_and_chrome_are_noise() {
        assert!(is_noise(
            "Earn a certification to make your resume stand out."
        ));
        assert!(is_noise("1 100% Pass Rate"));
        assert!(is_noise("12 min read"));
        assert!(is_noise(
            "Support someone by becoming a sponsor. Any amount is appreciated!"
        ));
        assert!(is_noise("Page 3 of 12"));
    }

    #[test]
    fn technical_text_is_not_noise() {
        assert!(!is_noise(
            "Use a dead-letter queue and subscribe consumers with bounded retries."
        ));
        assert!(!is_noise(
            "Rate limiting restricts how many requests a client can make."
        ));
        assert!(!is_noise(
            "What is a pub/sub system and who are its subscribers?"
        ));
    }

    #[test]
    fn a_promotion_glued_to_an_answer_is_cut_off() {
        let (clean, n) = strip_promo_prefix(
            "Ready to find your 4-day week job? Browse opportunities at companies that care. Browse JobsError handling matters.",
        );
        assert_eq!(clean, "Error handling matters.");
        assert_eq!(n, 3);
        let (same, n) = strip_promo_prefix("Caching helps. Learn the trade-offs.");
        assert_eq!(
            (same.as_str(), n),
            ("Caching helps. Learn the trade-offs.", 0)
        );
    }
}
