//! An Anki deck as a text file Anki's importer reads (File › Import, Anki 2.1.55 or later):
//! tab-separated notes of the Basic note type with file headers naming the separator, the
//! deck, the tag column and a GUID column, so importing a later export updates the same notes
//! instead of duplicating them.
//!
//! Front: the question. Back: the reference answer, the key points, what to look for and the
//! follow-ups, as HTML (escaped: a question's text is never markup). Tags: `parley`, the
//! section (`parley::section::<id>`), the question's own tags and its language.

use parley_domain::Question;
use std::collections::HashMap;

/// Renders `questions` (follow-ups go on their parent's back, not on cards of their own;
/// questions with neither a reference answer nor key points are left out: there is nothing to
/// recall). `red_flags`: whether the backs list the red flags (interviewers' guidance).
pub fn render(questions: &[Question], deck: &str, red_flags: bool) -> String {
    let mut follow_ups: HashMap<_, Vec<&str>> = HashMap::new();
    for q in questions {
        if let Some(parent) = q.follow_up_of {
            follow_ups
                .entry(parent)
                .or_default()
                .push(q.draft.text.as_str());
        }
    }
    let mut out = String::new();
    out.push_str("#separator:tab\n#html:true\n#notetype:Basic\n");
    out.push_str(&format!("#deck:{}\n", one_line(deck)));
    out.push_str("#guid column:1\n#tags column:4\n#columns:GUID\tFront\tBack\tTags\n");
    for q in questions {
        let d = &q.draft;
        if q.follow_up_of.is_some() || (d.reference_answer.is_none() && d.key_points.is_empty()) {
            continue;
        }
        let mut back = String::new();
        if let Some(a) = &d.reference_answer {
            back.push_str(&paragraphs(a));
        }
        list(
            &mut back,
            "Key points",
            d.key_points.iter().map(String::as_str),
        );
        list(&mut back, "Look for", d.look_for.iter().map(String::as_str));
        if red_flags {
            list(
                &mut back,
                "Red flags",
                d.red_flags.iter().map(String::as_str),
            );
        }
        if let Some(f) = follow_ups.get(&q.id) {
            list(&mut back, "Follow-ups", f.iter().copied());
        }
        out.push_str(&format!(
            "parley-{}\t{}\t{}\t{}\n",
            q.id,
            html(&d.text),
            back,
            tags(q)
        ));
    }
    out
}

fn tags(q: &Question) -> String {
    let mut t = vec!["parley".to_string()];
    if let Some(s) = &q.draft.section {
        t.push(format!("parley::section::{}", tag_word(s)));
    }
    if let Some(l) = &q.draft.language {
        t.push(format!("parley::lang::{l}"));
    }
    t.extend(q.draft.tags.iter().map(|x| tag_word(x)));
    t.retain(|x| !x.is_empty());
    t.dedup();
    t.join(" ")
}

/// Anki separates tags by spaces; a tag keeps its words joined by underscores.
fn tag_word(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect()
}

fn list<'a>(out: &mut String, title: &str, items: impl Iterator<Item = &'a str>) {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("<p><b>{title}</b></p><ul>"));
    for i in items {
        out.push_str(&format!("<li>{}</li>", html(i)));
    }
    out.push_str("</ul>");
}

fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", html(p.trim()).replace('\n', "<br>")))
        .collect()
}

/// Escaped for HTML, on one line, with no tab (the separator).
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_domain::{OrgId, QuestionDraft};

    fn q(text: &str, answer: Option<&str>) -> Question {
        let mut d = QuestionDraft::new(text);
        d.reference_answer = answer.map(str::to_string);
        d.section = Some("databases".into());
        d.tags = vec!["sql tuning".into()];
        d.key_points = vec!["an index <speeds> reads".into()];
        Question::new(OrgId::new(), d)
    }

    #[test]
    fn notes_are_one_line_each_with_escaped_html_and_tags() {
        let a = q("What\tdoes an index cost?", Some("Writes.\n\nAnd <space>."));
        let mut f = q("And on a bulk load?", None);
        f.follow_up_of = Some(a.id);
        let none = Question::new(OrgId::new(), QuestionDraft::new("No answer here?"));
        let text = render(&[a.clone(), f, none], "Parley\ttest", true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[3], "#deck:Parleytest");
        let notes: Vec<&&str> = lines.iter().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(notes.len(), 1, "{text}");
        let cols: Vec<&str> = notes[0].split('\t').collect();
        assert_eq!(cols.len(), 4);
        assert_eq!(cols[0], format!("parley-{}", a.id));
        assert_eq!(cols[1], "What does an index cost?");
        assert!(cols[2].contains("<p>And &lt;space&gt;.</p>"));
        assert!(cols[2].contains("<li>an index &lt;speeds&gt; reads</li>"));
        assert!(
            cols[2].contains("<li>And on a bulk load?</li>"),
            "follow-up on the back"
        );
        assert_eq!(cols[3], "parley parley::section::databases sql_tuning");
    }
}
