//! Picks questions out of blocks: which blocks are questions, which text answers them, which
//! nested items are follow-ups or interviewer notes, and what is page noise.

use super::blocks::{Block, Kind, question_like, starts_with_question_word};
use super::guidance::is_interviewer_note;
use super::noise;
use std::collections::HashMap;

/// A question as found, before language, section and kind are settled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub text: String,
    pub answer: Option<String>,
    /// The document gives an answer section for it (even one holding only guidance).
    pub answered: bool,
    pub notes: Vec<String>,
    /// The document's headings above the question, outermost first.
    pub headings: Vec<String>,
    /// Questions between two lost headings (two blank lines) share a group.
    pub group: u32,
    pub parent: Option<usize>,
    pub line: u32,
}

#[derive(Debug, Default)]
pub struct Extracted {
    pub questions: Vec<Found>,
    pub noise_removed: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Carrier {
    Item { depth: u8, numbered: bool },
    Heading(u8),
    Marker,
    Details,
    Paragraph,
}

/// Whether a block is noise through and through: an answer that merely starts with a glued-on
/// promotion is kept (the promotion is cut off when the answer is finished).
fn is_noise_throughout(text: &str) -> bool {
    if !noise::is_noise(text) {
        return false;
    }
    let (rest, removed) = noise::strip_promo_prefix(text);
    removed == 0 || rest.trim().is_empty() || noise::is_noise(&rest)
}

/// Marks noise blocks: promotional or chrome text, the short title of an ad block, the lines
/// of an ad block after its first noisy line, and footers repeated on every page.
fn mark_noise(blocks: &[Block]) -> Vec<bool> {
    let mut noise: Vec<bool> = blocks
        .iter()
        .map(|b| match &b.kind {
            Kind::Paragraph | Kind::Heading(_) | Kind::Item { .. } => is_noise_throughout(&b.text),
            _ => false,
        })
        .collect();
    // Running headers and footers repeat with only their page number changing.
    let shape = |t: &str| -> String {
        t.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut counts: HashMap<String, u32> = HashMap::new();
    for b in blocks {
        if matches!(b.kind, Kind::Paragraph | Kind::Heading(_)) {
            *counts.entry(shape(&b.text)).or_default() += 1;
        }
    }
    for (i, b) in blocks.iter().enumerate() {
        let short = b.text.split_whitespace().count() <= 12;
        if matches!(b.kind, Kind::Paragraph | Kind::Heading(_))
            && short
            && counts[&shape(&b.text)] >= 3
            && !question_like(&b.text)
        {
            noise[i] = true;
        }
    }
    // An ad's title sits right before it; the rest of an ad block follows its first noisy line
    // until the next question marker or heading.
    for i in 0..blocks.len() {
        if !noise[i] {
            continue;
        }
        let mut k = i;
        while k > 0 && is_ad_fragment(&blocks[k - 1]) && !noise[k - 1] && blocks[k].gap <= 1 {
            noise[k - 1] = true;
            k -= 1;
        }
        let mut j = i + 1;
        // Forward, only plain lines: a heading after an ad starts the next section.
        while j < blocks.len()
            && blocks[j].kind == Kind::Paragraph
            && is_ad_fragment(&blocks[j])
            && !noise[j]
        {
            noise[j] = true;
            j += 1;
        }
    }
    noise
}

/// A short line that is neither a question nor sentence-like prose: the kind of fragment that
/// surrounds an advertisement ("Career Acceleration", "2 2 Weeks of Practice").
fn is_ad_fragment(b: &Block) -> bool {
    matches!(b.kind, Kind::Paragraph | Kind::Heading(_))
        && b.text.split_whitespace().count() <= 8
        && !question_like(&b.text)
        && !b.text.trim_end().ends_with(['.', ':', ';'])
}

/// Speaker labels of an example dialogue ("Q: …", "R: …").
fn speaker(text: &str) -> Option<&str> {
    let (label, _) = text.split_once(':')?;
    let l = label.trim();
    matches!(
        l,
        "Q" | "A" | "R" | "I" | "C" | "Interviewer" | "Candidate" | "Rekruter" | "Kandydat"
    )
    .then_some(l)
}

/// Splits "question? answer" written on one line; `None` when the rest is itself a question or a
/// parenthetical remark.
pub fn split_inline_answer(text: &str) -> Option<(String, String)> {
    let pos = text.find("? ")?;
    let (q, rest) = (&text[..=pos], text[pos + 1..].trim());
    const PROMPTS: &[&str] = &[
        "explain", "describe", "tell", "give", "compare", "discuss", "mention", "list", "name",
        "define", "walk", "opisz", "wyjasnij", "wymien", "porownaj", "opowiedz", "podaj", "omow",
    ];
    let first = rest
        .split_whitespace()
        .next()
        .map(parley_domain::text::fold)
        .unwrap_or_default();
    let asks = rest.contains('?') || PROMPTS.contains(&first.as_str());
    if rest.is_empty() || rest.starts_with('(') || asks || q.split_whitespace().count() < 2 {
        return None;
    }
    Some((q.trim().to_string(), rest.to_string()))
}

pub fn extract(blocks: &[Block]) -> Extracted {
    let noise = mark_noise(blocks);
    let live: Vec<usize> = (0..blocks.len()).filter(|&i| !noise[i]).collect();
    let mut out = Extracted {
        noise_removed: noise.iter().filter(|&&n| n).count() as u32,
        ..Default::default()
    };

    // Example dialogues: a run of speaker-labelled items with a reply label that is not "A".
    let mut dialogue = vec![false; blocks.len()];
    let mut run: Vec<usize> = Vec::new();
    let close_run = |run: &mut Vec<usize>, dialogue: &mut Vec<bool>| {
        if run
            .iter()
            .any(|&i| matches!(speaker(&blocks[i].text), Some(l) if l != "Q" && l != "A"))
        {
            for &i in run.iter() {
                dialogue[i] = true;
            }
        }
        run.clear();
    };
    for &i in &live {
        if matches!(blocks[i].kind, Kind::Item { .. }) && speaker(&blocks[i].text).is_some() {
            run.push(i);
        } else {
            close_run(&mut run, &mut dialogue);
        }
    }
    close_run(&mut run, &mut dialogue);

    // Which top-level items are questions: those that read as questions or are answered, and in
    // a list made mostly of questions, every substantial item (tasks phrased as statements).
    let next_live = |pos: usize| live.get(pos + 1).map(|&j| &blocks[j]);
    let mut item_question = vec![false; blocks.len()];
    let mut span: Vec<usize> = Vec::new();
    let settle = |span: &mut Vec<usize>, item_question: &mut Vec<bool>| {
        let likes = span.iter().filter(|&&i| item_question[i]).count();
        if likes * 2 >= span.len() && likes > 0 {
            for &i in span.iter() {
                if blocks[i].text.split_whitespace().count() >= 4 {
                    item_question[i] = true;
                }
            }
        }
        span.clear();
    };
    for (pos, &i) in live.iter().enumerate() {
        match blocks[i].kind {
            Kind::Heading(_) => settle(&mut span, &mut item_question),
            Kind::Item { depth: 0, .. } if !dialogue[i] => {
                let answered = next_live(pos).is_some_and(|n| n.kind == Kind::AnswerMarker);
                item_question[i] = question_like(&blocks[i].text) || answered;
                span.push(i);
            }
            _ => {}
        }
    }
    settle(&mut span, &mut item_question);

    // Headings are questions when they read as questions and the document writes them so.
    let headings: Vec<&Block> = live
        .iter()
        .map(|&i| &blocks[i])
        .filter(|b| matches!(b.kind, Kind::Heading(_)))
        .collect();
    let heading_is_question = |b: &Block| -> bool {
        let Kind::Heading(level) = b.kind else {
            return false;
        };
        let t = b.text.trim();
        if t.ends_with('?') {
            return true;
        }
        let same: Vec<_> = headings
            .iter()
            .filter(|h| h.kind == Kind::Heading(level))
            .collect();
        let q = same
            .iter()
            .filter(|h| h.text.trim().ends_with('?') || starts_with_question_word(&h.text))
            .count();
        starts_with_question_word(t) && q * 2 >= same.len() && same.len() >= 2
    };

    let has_carriers = live.iter().any(|&i| {
        let b = &blocks[i];
        item_question[i]
            || matches!(b.kind, Kind::QMarker | Kind::Details { .. })
            || heading_is_question(b)
    });
    let para_question = |b: &Block| -> bool {
        !has_carriers
            && b.kind == Kind::Paragraph
            && question_like(&b.text)
            && (b.text.trim_end().ends_with('?') || b.text.split_whitespace().count() <= 40)
            && b.text.chars().count() <= 600
    };

    // One-line "question? answer" is a document's style, not an accident of one line.
    let candidates: Vec<&Block> = live
        .iter()
        .filter(|&&i| item_question[i] || para_question(&blocks[i]))
        .map(|&i| &blocks[i])
        .collect();
    let inline = candidates
        .iter()
        .filter(|b| split_inline_answer(&b.text).is_some())
        .count();
    let inline_mode = inline >= 3 && inline * 2 >= candidates.len();

    let mut w = Walker {
        out: &mut out,
        cur: None,
        carrier: Carrier::Paragraph,
        in_answer: false,
        parts: Vec::new(),
        stack: Vec::new(),
        headings: Vec::new(),
        group: 0,
        pending_text: false,
    };
    for (pos, &i) in live.iter().enumerate() {
        let b = &blocks[i];
        if b.gap >= 2 {
            w.group += 1;
        }
        match &b.kind {
            Kind::Heading(level) => {
                if heading_is_question(b) {
                    w.start(b, Carrier::Heading(*level), &b.text, false);
                } else if matches!(w.carrier, Carrier::Heading(ql) if *level > ql)
                    && w.cur.is_some()
                {
                    w.parts.push(b.text.clone());
                } else {
                    w.close();
                    w.headings.retain(|(l, _)| l < level);
                    w.headings.push((*level, b.text.clone()));
                    w.group += 1;
                }
            }
            Kind::QMarker => {
                w.start(b, Carrier::Marker, &b.text, false);
                w.pending_text = b.text.trim().is_empty();
            }
            Kind::AnswerMarker => {
                if let Some(q) = w.cur {
                    w.in_answer = true;
                    w.out.questions[q].answered = true;
                    if !b.text.trim().is_empty() {
                        w.parts.push(b.text.clone());
                    }
                }
            }
            Kind::Details { body } => {
                w.start(b, Carrier::Details, &b.text, false);
                if !body.trim().is_empty() {
                    w.parts.push(body.clone());
                }
                w.close();
            }
            Kind::TocEntry => {}
            Kind::Item { depth, ordinal } => {
                if dialogue[i] {
                    w.close();
                    continue;
                }
                let numbered = ordinal.is_some();
                let text = b.text.clone();
                match w.carrier {
                    _ if w.cur.is_none() => {
                        if item_question[i] {
                            w.start(
                                b,
                                Carrier::Item {
                                    depth: *depth,
                                    numbered,
                                },
                                &text,
                                inline_mode,
                            );
                        }
                    }
                    Carrier::Item {
                        depth: qd,
                        numbered: qn,
                    } => {
                        let same_style = *depth == qd && numbered == qn;
                        let answered_next =
                            next_live(pos).is_some_and(|n| n.kind == Kind::AnswerMarker);
                        // Inside an explicit answer, only an item that asks or is answered itself
                        // starts the next question: answers have numbered lists of their own.
                        if w.in_answer && !(same_style && (question_like(&text) || answered_next)) {
                            w.parts.push(format!("- {text}"));
                        } else if *depth > qd && !w.in_answer {
                            w.nested(b, *depth, numbered);
                        } else if item_question[i] {
                            w.start(
                                b,
                                Carrier::Item {
                                    depth: *depth,
                                    numbered,
                                },
                                &text,
                                inline_mode,
                            );
                        } else {
                            w.close();
                        }
                    }
                    _ => w.parts.push(format!("- {text}")),
                }
            }
            Kind::Paragraph => {
                if w.pending_text {
                    if let Some(q) = w.cur {
                        w.out.questions[q].text = b.text.clone();
                    }
                    w.pending_text = false;
                } else if w.cur.is_some() && !para_question(b) {
                    w.parts.push(b.text.clone());
                } else if para_question(b) {
                    w.start(b, Carrier::Paragraph, &b.text, inline_mode);
                }
            }
        }
    }
    w.close();
    out.questions.retain(|q| !q.text.trim().is_empty());
    out
}

struct Walker<'a> {
    out: &'a mut Extracted,
    cur: Option<usize>,
    carrier: Carrier,
    in_answer: bool,
    parts: Vec<String>,
    /// Item questions by depth, for attaching nested items to the right parent.
    stack: Vec<(u8, usize)>,
    headings: Vec<(u8, String)>,
    group: u32,
    pending_text: bool,
}

impl Walker<'_> {
    fn start(&mut self, b: &Block, carrier: Carrier, text: &str, inline_mode: bool) {
        self.close();
        let (text, answer) = match inline_mode.then(|| split_inline_answer(text)).flatten() {
            Some((q, a)) => (q, Some(a)),
            None => (text.trim().to_string(), None),
        };
        let idx = self.out.questions.len();
        self.out.questions.push(Found {
            text,
            answered: answer.is_some(),
            headings: self.headings.iter().map(|(_, h)| h.clone()).collect(),
            group: self.group,
            line: b.line,
            ..Default::default()
        });
        if let Some(a) = answer {
            self.parts.push(a);
        }
        self.cur = Some(idx);
        self.carrier = carrier;
        self.stack = match carrier {
            Carrier::Item { depth, .. } => vec![(depth, idx)],
            _ => Vec::new(),
        };
    }

    /// An item nested under an item question: a follow-up question, an interviewer note, or
    /// part of the answer.
    fn nested(&mut self, b: &Block, depth: u8, numbered: bool) {
        while self.stack.last().is_some_and(|&(d, _)| d >= depth) {
            self.stack.pop();
        }
        let Some(&(_, parent)) = self.stack.last() else {
            return;
        };
        let text = b.text.trim();
        if is_interviewer_note(text) {
            self.flush_answer();
            self.out.questions[parent].notes.push(text.to_string());
            self.cur = Some(parent);
        } else if question_like(text) {
            self.flush_answer();
            let idx = self.out.questions.len();
            let headings = self.out.questions[parent].headings.clone();
            self.out.questions.push(Found {
                text: text.to_string(),
                headings,
                group: self.group,
                parent: Some(parent),
                line: b.line,
                ..Default::default()
            });
            self.stack.push((depth, idx));
            self.cur = Some(idx);
            let _ = numbered;
        } else {
            if self.cur != Some(parent) {
                self.flush_answer();
                self.cur = Some(parent);
            }
            self.parts.push(format!("- {text}"));
        }
    }

    fn flush_answer(&mut self) {
        if let Some(q) = self.cur {
            let parts: Vec<String> = std::mem::take(&mut self.parts)
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .collect();
            if !parts.is_empty() {
                let found = &mut self.out.questions[q];
                let joined = parts.join("\n\n");
                found.answer = Some(match found.answer.take() {
                    Some(prev) => format!("{prev}\n\n{joined}"),
                    None => joined,
                });
                found.answered = true;
            }
        }
        self.parts.clear();
    }

    fn close(&mut self) {
        self.flush_answer();
        self.cur = None;
        self.in_answer = false;
        self.pending_text = false;
        self.stack.clear();
        self.carrier = Carrier::Paragraph;
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::text_blocks;
    use super::*;

    fn texts(doc: &str) -> Vec<(String, Option<String>, Option<usize>)> {
        extract(&text_blocks(doc))
            .questions
            .into_iter()
            .map(|q| (q.text, q.answer, q.parent))
            .collect()
    }

    #[test]
    fn numbered_questions_with_reference_answers() {
        let doc = "Intro\n\n1\nWhat is X?\nReference answer\nX is Y.\nCareer Growth\n\nEarn a certification to make your resume stand out.\n\n1 100% Pass Rate\n2\nExplain Z\nReference answer\n- Z is W.\n";
        let q = texts(doc);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("X is Y."));
        assert_eq!(q[1].1.as_deref(), Some("- Z is W."));
    }

    #[test]
    fn nested_bullets_are_follow_ups_or_notes() {
        let doc = "Design\n\n  • Do you know DDD?\n\n    • What are bounded contexts?\n\n  • Open task about uploading photos at scale.\n\n    • This question checks how the applicant thinks.\n";
        let ex = extract(&text_blocks(doc));
        assert_eq!(ex.questions.len(), 3);
        assert_eq!(ex.questions[1].parent, Some(0));
        assert_eq!(ex.questions[2].notes.len(), 1);
    }

    #[test]
    fn example_dialogues_are_not_questions() {
        let doc = "  • Q: Can you tell me about queues?\n\n  • R: Sure, I used RabbitMQ.\n\n  • Q: Cool.\n\nHeading\n\n  • What is a queue?\n";
        assert_eq!(texts(doc).len(), 1);
    }

    #[test]
    fn one_line_answers_split_when_that_is_the_documents_style() {
        let doc = "- how to scale? add machines\n- what is idempotent ? same result twice\n- when to cache? for expensive reads\n";
        let q = texts(doc);
        assert_eq!(q[1].0, "what is idempotent ?");
        assert_eq!(q[1].1.as_deref(), Some("same result twice"));
    }

    #[test]
    fn a_single_remark_after_a_question_is_not_an_answer() {
        let doc = "- Do you know any consensus algorithm? The most popular Raft and Paxos.\n- What is CAP?\n- Do you use Git? (preferred)\n";
        assert!(texts(doc).iter().all(|q| q.1.is_none()));
    }

    #[test]
    fn plain_text_questions_with_following_answers() {
        let doc = "Some title\n\nWhat is a deadlock?\nTwo threads wait on each other.\n\nHow do you avoid it?\nOrder your locks.\n";
        let q = texts(doc);
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].1.as_deref(), Some("Order your locks."));
    }
}
