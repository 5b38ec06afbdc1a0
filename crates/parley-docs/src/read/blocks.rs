//! The common shape every text format is read into before questions are picked out: headings,
//! list items, question and answer markers, paragraphs. Plain text is classified line by line
//! here; Markdown has its own reader producing the same blocks.

use parley_domain::text::fold;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A heading, explicit (`#`) or inferred from a short standalone line.
    Heading(u8),
    /// A bullet or numbered list item at some nesting depth (0 = top level).
    Item {
        depth: u8,
        ordinal: Option<u32>,
    },
    /// "Question 3", "Q3." or "Q:" with the question text after it (possibly empty).
    QMarker,
    /// "Answer:", "Reference answer", "A:" with any answer text on the same line.
    AnswerMarker,
    Paragraph,
    /// A `<details>` block: the text is the summary, `body` the hidden part.
    Details {
        body: String,
    },
    /// A list item that only links elsewhere in the document (a table of contents).
    TocEntry,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: Kind,
    pub text: String,
    /// 1-based line of the document where the block starts.
    pub line: u32,
    /// Blank lines before the block: two or more often mark a section whose heading was lost.
    pub gap: u32,
}

impl Block {
    pub fn new(kind: Kind, text: impl Into<String>, line: u32, gap: u32) -> Self {
        Self {
            kind,
            text: text.into(),
            line,
            gap,
        }
    }
}

const QUESTION_WORDS: &[&str] = &[
    "what",
    "what's",
    "whats",
    "why",
    "how",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "can",
    "could",
    "would",
    "should",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "have",
    "has",
    "will",
    "explain",
    "describe",
    "tell",
    "give",
    "compare",
    "design",
    "implement",
    "write",
    "name",
    "list",
    "define",
    "discuss",
    "mention",
    "imagine",
    "suppose",
    "walk",
    "contrast",
    "outline",
    "identify",
    "let's",
    "lets",
    "jak",
    "jaki",
    "jaka",
    "jakie",
    "jakich",
    "jakim",
    "jakimi",
    "czy",
    "dlaczego",
    "co",
    "czym",
    "kiedy",
    "gdzie",
    "ktory",
    "ktora",
    "ktore",
    "ile",
    "opisz",
    "wyjasnij",
    "wymien",
    "porownaj",
    "opowiedz",
    "zaprojektuj",
    "podaj",
    "omow",
    "wytlumacz",
    "scharakteryzuj",
    "napisz",
    "zaimplementuj",
];

/// Whether `text` reads as a question or an interview prompt ("Explain…", "Opisz…").
pub fn question_like(text: &str) -> bool {
    let t = text.trim();
    if t.ends_with('?') || t.ends_with("?)") {
        return true;
    }
    if t.contains("? ") && t.find("? ").is_some_and(|i| i < 400) {
        return true;
    }
    starts_with_question_word(t)
}

/// Starts with a word that only opens questions ("how", "czy"), unlike imperatives ("Design").
fn starts_with_interrogative(text: &str) -> bool {
    const ASKING: &[&str] = &[
        "what", "what's", "whats", "why", "how", "when", "where", "which", "who", "can", "could",
        "would", "should", "do", "does", "did", "is", "are", "jak", "czy", "dlaczego", "co",
        "kiedy", "gdzie", "jaki", "jaka", "jakie",
    ];
    let first = text.split_whitespace().next().map(fold).unwrap_or_default();
    ASKING.contains(&first.as_str())
}

pub fn starts_with_question_word(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .map(|w| fold(w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')))
        .unwrap_or_default();
    QUESTION_WORDS.contains(&first.as_str())
}

/// Reads plain text into blocks.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<String> = text.lines().map(clean_line).collect();
    let width = typical_width(&lines);
    let mut indents: Vec<usize> = Vec::new();
    let mut out: Vec<Block> = Vec::new();
    let mut gap = 0u32;
    let mut i = 0;
    while i < lines.len() {
        let raw = &lines[i];
        let line_no = (i + 1) as u32;
        if raw.trim().is_empty() {
            gap += 1;
            i += 1;
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        // A number alone on its line labels the text on the next line.
        if let Some(n) = lone_number(t)
            && let Some(next) = lines
                .get(i + 1)
                .filter(|l| !l.trim().is_empty() && lone_number(l.trim()).is_none())
        {
            out.push(Block::new(
                Kind::Item {
                    depth: 0,
                    ordinal: Some(n),
                },
                next.trim(),
                line_no + 1,
                gap,
            ));
            indents.clear();
            gap = 0;
            i += 2;
            continue;
        }
        let (kind, body) = classify_line(t);
        let kind = match kind {
            Kind::Item { ordinal, .. } => {
                let depth = depth_for(&mut indents, indent);
                Kind::Item { depth, ordinal }
            }
            k => {
                if !matches!(k, Kind::Paragraph) || indent == 0 {
                    indents.clear();
                }
                k
            }
        };
        let mut body = body.to_string();
        let mut j = i + 1;
        // Wrapped lines and hyphenated words from PDF or web dumps join their paragraph.
        if matches!(
            kind,
            Kind::Paragraph | Kind::Item { .. } | Kind::QMarker | Kind::AnswerMarker
        ) {
            while let Some(next) = lines.get(j) {
                let nt = next.trim();
                if nt.is_empty()
                    || lone_number(nt).is_some()
                    || !matches!(classify_line(nt).0, Kind::Paragraph)
                {
                    break;
                }
                if !continues(&body, nt, width) {
                    break;
                }
                if body.ends_with('-')
                    && body.len() > 1
                    && nt.starts_with(|c: char| c.is_lowercase())
                {
                    body.pop();
                    body.push_str(nt);
                } else {
                    if !body.is_empty() {
                        body.push(' ');
                    }
                    body.push_str(nt);
                }
                j += 1;
            }
        }
        let kind = if kind == Kind::Paragraph
            && j == i + 1
            && looks_like_heading(&body, gap, line_no == 1, lines.get(j))
        {
            Kind::Heading(2)
        } else {
            kind
        };
        out.push(Block::new(kind, body, line_no, gap));
        gap = 0;
        i = j;
    }
    out
}

/// Replaces tabs and non-breaking spaces, and drops trailing spaces.
fn clean_line(l: &str) -> String {
    l.replace('\t', "    ")
        .replace(['\u{a0}', '\u{2007}', '\u{202f}'], " ")
        .trim_end()
        .to_string()
}

/// The line width a wrapped document wraps at (the 90th percentile of long lines).
fn typical_width(lines: &[String]) -> usize {
    let mut lens: Vec<usize> = lines
        .iter()
        .map(|l| l.trim().chars().count())
        .filter(|&n| n > 20)
        .collect();
    if lens.len() < 5 {
        return usize::MAX;
    }
    lens.sort_unstable();
    lens[lens.len() * 9 / 10]
}

/// Whether `next` continues the paragraph `body` (a wrapped line) rather than starting anew.
fn continues(body: &str, next: &str, width: usize) -> bool {
    let last = body.chars().last().unwrap_or(' ');
    if body.ends_with('-') && next.starts_with(|c: char| c.is_lowercase()) {
        return true;
    }
    if matches!(last, '.' | '?' | '!' | ':' | ';') {
        return false;
    }
    let body_last_line = body.chars().count();
    next.starts_with(|c: char| c.is_lowercase())
        || (width != usize::MAX && body_last_line * 10 >= width * 7)
}

fn lone_number(t: &str) -> Option<u32> {
    let d = t.trim_end_matches(['.', ')']);
    (!d.is_empty() && d.len() <= 6 && d.chars().all(|c| c.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
}

fn depth_for(indents: &mut Vec<usize>, indent: usize) -> u8 {
    while indents.last().is_some_and(|&last| last > indent) {
        indents.pop();
    }
    if indents.last() != Some(&indent) {
        indents.push(indent);
    }
    (indents.len() - 1).min(8) as u8
}

/// Classifies one trimmed line; returns the kind and the text after any marker.
pub fn classify_line(t: &str) -> (Kind, &str) {
    if let Some((level, rest)) = heading_marker(t) {
        return (Kind::Heading(level), rest);
    }
    if let Some(rest) = q_marker(t) {
        return (Kind::QMarker, rest);
    }
    if let Some(rest) = answer_marker(t) {
        return (Kind::AnswerMarker, rest);
    }
    if let Some((ordinal, rest)) = list_marker(t) {
        return (Kind::Item { depth: 0, ordinal }, rest);
    }
    (Kind::Paragraph, t)
}

fn heading_marker(t: &str) -> Option<(u8, &str)> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&hashes) && t[hashes..].starts_with(' ')).then(|| {
        (
            hashes as u8,
            t[hashes..].trim().trim_end_matches('#').trim(),
        )
    })
}

/// "Question 3: …", "Pytanie 3.", "Q3.", "Q 3)", "Q: …".
fn q_marker(t: &str) -> Option<&str> {
    let lower = t.to_lowercase();
    for word in ["question", "pytanie"] {
        if lower.starts_with(word) {
            let rest = t[word.len()..]
                .trim_start()
                .trim_start_matches('#')
                .trim_start();
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits <= 4 {
                let after = &rest[digits..];
                let after_t = after.trim_start();
                if after.is_empty()
                    || after_t.starts_with([':', '.', ')', '-', '–'])
                    || after.starts_with(' ')
                {
                    return Some(after_t.trim_start_matches([':', '.', ')', '-', '–']).trim());
                }
            }
        }
    }
    if lower.starts_with('q') {
        let rest = &t[1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = rest[digits..].trim_start();
        if digits <= 4
            && after.starts_with([':', '.', ')'])
            && (digits > 0 || after.starts_with(':') || after.starts_with(". "))
        {
            return Some(after[1..].trim());
        }
    }
    None
}

/// "Answer:", "Reference answer", "Sample answer:", "A:", "Odpowiedź:", "Odp.:".
fn answer_marker(t: &str) -> Option<&str> {
    let f = fold(t);
    for (label, colon_required) in [
        ("reference answer", false),
        ("sample answer", false),
        ("model answer", false),
        ("suggested answer", false),
        ("example answer", false),
        ("answer", false),
        ("odpowiedz", false),
        ("odp", true),
        ("a", true),
        ("r", false),
    ] {
        if !f.starts_with(label) {
            continue;
        }
        // `label` is ASCII after folding, and folding keeps one char per char, so the char
        // count locates the end of the label in the original text.
        let n = label.chars().count();
        let byte = t.char_indices().nth(n).map_or(t.len(), |(b, _)| b);
        let after = &t[byte..];
        let after_t = after.trim_start_matches('.').trim_start();
        if label == "r" {
            continue;
        }
        if let Some(rest) = after_t
            .strip_prefix(':')
            .or_else(|| after_t.strip_prefix(" -"))
        {
            return Some(rest.trim());
        }
        if !colon_required && after.trim().is_empty() {
            return Some("");
        }
    }
    None
}

/// Bullets ("-", "*", "•", "–", …) and numbers ("1.", "2)", "a)").
fn list_marker(t: &str) -> Option<(Option<u32>, &str)> {
    let first = t.chars().next()?;
    if matches!(
        first,
        '-' | '*'
            | '•'
            | '·'
            | '–'
            | '▪'
            | '◦'
            | '○'
            | '●'
            | '■'
            | '□'
            | '➢'
            | '►'
            | '✓'
            | '✔'
    ) {
        let rest = &t[first.len_utf8()..];
        if rest.starts_with(' ') && !rest.trim().is_empty() {
            return Some((None, rest.trim()));
        }
        return None;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = &t[digits..];
        if (after.starts_with(". ") || after.starts_with(") ")) && after.len() > 2 {
            return Some((t[..digits].parse().ok(), after[2..].trim()));
        }
    }
    let mut cs = t.chars();
    if let (Some(c), Some(p), Some(' ')) = (cs.next(), cs.next(), cs.next())
        && c.is_ascii_lowercase()
        && p == ')'
    {
        return Some((None, t[3..].trim()));
    }
    None
}

/// Removes leading symbols and mis-decoded emoji from a heading, and a trailing colon.
pub fn clean_heading(h: &str) -> String {
    let latin = |c: char| c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x250);
    let start = h
        .split_whitespace()
        .find(|t| t.chars().any(latin) && t.chars().all(|c| latin(c) || "-'.,:&/()#+".contains(c)))
        .and_then(|t| h.find(t))
        .unwrap_or(h.len());
    h[start..].trim().trim_end_matches(':').trim().to_string()
}

/// A short standalone line without sentence punctuation, after a blank line: a heading.
fn looks_like_heading(text: &str, gap: u32, first_line: bool, next: Option<&String>) -> bool {
    let t = text.trim();
    let words = t.split_whitespace().count();
    if !(1..=10).contains(&words) || t.chars().count() > 80 {
        return false;
    }
    if t.ends_with(['.', ',', ';', '?', '!', ')', '"'])
        || (words >= 3 && starts_with_interrogative(t))
    {
        return false;
    }
    if !t.chars().any(char::is_alphabetic) {
        return false;
    }
    let starts_upper = clean_heading(t)
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let next_blank = next.is_none_or(|n| n.trim().is_empty());
    starts_upper && (gap > 0 || first_line || next_blank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_documents_number_past_ten_thousand() {
        assert_eq!(lone_number("10000"), Some(10_000));
        assert_eq!(lone_number("123456."), Some(123_456));
        assert_eq!(lone_number("1234567"), None);
    }

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        text_blocks(text)
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    #[test]
    fn lines_are_classified() {
        assert_eq!(
            classify_line("Question 3: What is CAP?"),
            (Kind::QMarker, "What is CAP?")
        );
        assert_eq!(
            classify_line("Q3. What is CAP?"),
            (Kind::QMarker, "What is CAP?")
        );
        assert_eq!(
            classify_line("Q: What is CAP?"),
            (Kind::QMarker, "What is CAP?")
        );
        assert_eq!(
            classify_line("Answer: Consistency"),
            (Kind::AnswerMarker, "Consistency")
        );
        assert_eq!(classify_line("Reference answer"), (Kind::AnswerMarker, ""));
        assert_eq!(classify_line("Odpowiedź: tak"), (Kind::AnswerMarker, "tak"));
        assert_eq!(
            classify_line("A load balancer spreads load."),
            (Kind::Paragraph, "A load balancer spreads load.")
        );
        assert_eq!(
            classify_line("Quorum is a majority."),
            (Kind::Paragraph, "Quorum is a majority.")
        );
        assert_eq!(
            classify_line("12. Jak działa indeks?"),
            (
                Kind::Item {
                    depth: 0,
                    ordinal: Some(12)
                },
                "Jak działa indeks?"
            )
        );
        assert_eq!(
            classify_line("• What is DDD?"),
            (
                Kind::Item {
                    depth: 0,
                    ordinal: None
                },
                "What is DDD?"
            )
        );
        assert_eq!(
            classify_line("## Databases"),
            (Kind::Heading(2), "Databases")
        );
    }

    #[test]
    fn a_lone_number_labels_the_next_line() {
        let b = kinds("1\nWhat is X?\nReference answer\nX is Y.\n");
        assert_eq!(
            b[0],
            (
                Kind::Item {
                    depth: 0,
                    ordinal: Some(1)
                },
                "What is X?".into()
            )
        );
        assert_eq!(b[1].0, Kind::AnswerMarker);
        assert_eq!(b[2], (Kind::Paragraph, "X is Y.".into()));
    }

    #[test]
    fn nested_bullets_get_depths() {
        let b = kinds("  • What is DDD?\n\n    • What is an aggregate?\n\n  • Next?");
        assert_eq!(
            b[0].0,
            Kind::Item {
                depth: 0,
                ordinal: None
            }
        );
        assert_eq!(
            b[1].0,
            Kind::Item {
                depth: 1,
                ordinal: None
            }
        );
        assert_eq!(
            b[2].0,
            Kind::Item {
                depth: 0,
                ordinal: None
            }
        );
    }

    #[test]
    fn wrapped_and_hyphenated_lines_are_joined() {
        let b = kinds("How does a distri-\nbuted lock work in\npractice?\n");
        assert_eq!(
            b,
            vec![(
                Kind::Paragraph,
                "How does a distributed lock work in practice?".into()
            )]
        );
    }

    #[test]
    fn short_standalone_lines_are_headings() {
        let b = kinds("Intro text here.\n\nDesign Patterns\n\n• Why patterns?");
        assert_eq!(b[1], (Kind::Heading(2), "Design Patterns".into()));
    }
}
