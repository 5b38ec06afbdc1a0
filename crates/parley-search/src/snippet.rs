//! Highlighted snippets. A word of a stored text is marked when any of its analyses meets the
//! same analysis of a query word (so "queues" is marked for the query "queue", "źródle" for
//! "zrodlo"), or when it is a typo's distance from a query word the bank does not contain.

use std::collections::HashSet;

use serde::Serialize;

use crate::analysis::{self, Analysis};

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A text with the byte ranges of the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text`, in order, not overlapping.
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// `text` with every matched word wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut at = 0;
        for &(from, to) in &self.highlights {
            out.push_str(&self.text[at..from]);
            out.push_str(open);
            out.push_str(&self.text[from..to]);
            out.push_str(close);
            at = to;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// For HTML: every piece of `text` escaped, matched words in `<mark>` … `</mark>`. A
    /// question or answer holding markup shows it as text.
    pub fn marked_html(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 13 * self.highlights.len());
        let mut at = 0;
        for &(from, to) in &self.highlights {
            escape_into(&mut out, &self.text[at..from]);
            out.push_str("<mark>");
            escape_into(&mut out, &self.text[from..to]);
            out.push_str("</mark>");
            at = to;
        }
        escape_into(&mut out, &self.text[at..]);
        out
    }

    /// All of `text` (a question is short), with its matches.
    pub fn whole(text: &str, terms: &Terms) -> Snippet {
        Snippet {
            text: text.to_string(),
            highlights: terms.matches(text),
        }
    }

    /// The passage of `text` of about `PASSAGE` bytes holding the most matches, cut at word
    /// boundaries, with an ellipsis where it was cut.
    pub fn best_passage(text: &str, terms: &Terms) -> Snippet {
        const PASSAGE: usize = 220;
        const LEAD: usize = 40;
        let matches = terms.matches(text);
        if text.len() <= PASSAGE {
            return Snippet {
                text: text.to_string(),
                highlights: matches,
            };
        }
        // The window starting a little before a match that covers the most distinct words.
        let mut best = (0usize, 0usize);
        for (i, &(from, _)) in matches.iter().enumerate() {
            let end = from.saturating_sub(LEAD) + PASSAGE;
            let mut words = HashSet::new();
            for &(f, t) in &matches[i..] {
                if t > end {
                    break;
                }
                words.insert(text[f..t].to_lowercase());
            }
            if words.len() > best.1 {
                best = (from.saturating_sub(LEAD), words.len());
            }
        }
        let start = word_start(text, best.0);
        let end = word_end(text, (start + PASSAGE).min(text.len()));
        let mut out = String::new();
        let mut shift = 0isize;
        if start > 0 {
            out.push('…');
            shift = '…'.len_utf8() as isize;
        }
        out.push_str(text[start..end].trim_end());
        let highlights = matches
            .into_iter()
            .filter(|&(f, t)| f >= start && t <= end)
            .map(|(f, t)| {
                let at = |x: usize| (x as isize - start as isize + shift) as usize;
                (at(f), at(t))
            })
            .collect();
        if end < text.len() {
            out.push('…');
        }
        Snippet {
            text: out,
            highlights,
        }
    }
}

/// The query's words as the highlighter needs them.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    forms: [HashSet<String>; 3],
    plain: Vec<String>,
}

impl Terms {
    pub(crate) fn new(words: &[[String; 3]]) -> Terms {
        let mut t = Terms::default();
        for w in words {
            for (set, form) in t.forms.iter_mut().zip(w) {
                set.insert(form.clone());
            }
            t.plain.push(w[2].clone());
        }
        t
    }

    /// The byte ranges of `text` whose words match, in order.
    pub fn matches(&self, text: &str) -> Vec<(usize, usize)> {
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for (i, a) in Analysis::ALL.into_iter().enumerate() {
            for t in analysis::tokens(a, text) {
                let stop = a == Analysis::Plain && analysis::is_stop_word(&t.text);
                let exact = self.forms[i].contains(&t.text);
                let near = a == Analysis::Plain && !exact && self.is_near(&t.text);
                if (exact || near) && !stop {
                    hits.push((t.offset_from, t.offset_to));
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn is_near(&self, token: &str) -> bool {
        self.plain.iter().any(|w| {
            let allowed = match w.chars().count() {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            allowed > 0 && edit_distance_within(w, token, allowed)
        })
    }
}

/// Whether `a` and `b` are at most `max` edits apart (insertions, deletions, substitutions
/// and swaps of two neighbours), as the fuzzy query counts them.
fn edit_distance_within(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()] <= max
}

fn word_start(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    match text[..at].rfind(char::is_whitespace) {
        // Past the whitespace character, whose width may be more than one byte.
        Some(ws) if at - ws < 20 => ws + text[ws..].chars().next().map_or(1, char::len_utf8),
        _ => at,
    }
}

fn word_end(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    match text[at..].find(char::is_whitespace) {
        Some(ws) if ws < 20 => at + ws,
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::QueryWords;

    #[test]
    fn marks_stemmed_folded_and_misspelt_words() {
        let terms = QueryWords::new("zrodlo kolejka idempotncy").terms();
        let s = Snippet::whole("Źródło prawdy dla kolejki i idempotency", &terms);
        assert_eq!(
            s.marked("[", "]"),
            "[Źródło] prawdy dla [kolejki] i [idempotency]"
        );
    }

    #[test]
    fn html_marking_escapes_everything_but_its_own_marks() {
        let terms = QueryWords::new("script").terms();
        let s = Snippet::whole("Is <script>alert('x')</script> & co safe?", &terms);
        assert_eq!(
            s.marked_html(),
            "Is &lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt; &amp; co safe?"
        );
    }

    #[test]
    fn a_long_answer_is_cut_around_its_matches() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let text = format!("{filler}the outbox table keeps events {filler}");
        let terms = QueryWords::new("outbox events").terms();
        let s = Snippet::best_passage(&text, &terms);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(s.marked("[", "]").contains("[outbox] table keeps [events]"));
        assert!(s.text.len() < 300);
    }

    #[test]
    fn passages_cut_safely_beside_wide_whitespace() {
        let terms = QueryWords::new("outbox").terms();
        for ws in ['\u{2009}', '\u{3000}', '\u{85}', '\u{a0}'] {
            let filler: String = std::iter::repeat_n(format!("słowo{ws}"), 60).collect();
            let text = format!("{filler}outbox{ws}{filler}");
            let s = Snippet::best_passage(&text, &terms);
            assert!(s.marked("[", "]").contains("[outbox]"));
        }
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert!(edit_distance_within("kafka", "kakfa", 1));
        assert!(!edit_distance_within("queue", "quiet", 1));
        assert!(edit_distance_within("idempotency", "idempotncy", 2));
    }
}
