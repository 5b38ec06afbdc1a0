//! Markdown export: sections as headings, each question with its answer and guidance, readable
//! by people and by Parley's Markdown importer.

use parley_domain::Question;
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn render(questions: &[Question]) -> String {
    let mut by_section: BTreeMap<String, Vec<&Question>> = BTreeMap::new();
    for q in questions {
        by_section
            .entry(q.draft.section.clone().unwrap_or_else(|| "Unsorted".into()))
            .or_default()
            .push(q);
    }
    let mut out = String::from("# Question bank\n");
    for (section, qs) in by_section {
        let _ = write!(out, "\n## {section}\n");
        for q in qs {
            let d = &q.draft;
            let _ = write!(out, "\n### {}\n\n", one_line(&d.text));
            let mut meta = vec![
                format!("kind: {}", d.kind),
                format!("language: {}", q.language()),
            ];
            if !d.tags.is_empty() {
                meta.push(format!("tags: {}", d.tags.join(", ")));
            }
            let _ = writeln!(out, "_{}_", meta.join(" · "));
            if let Some(a) = &d.reference_answer {
                let _ = write!(out, "\nAnswer: {a}\n");
            }
            for (label, items) in [
                ("Key points", &d.key_points),
                ("Look for", &d.look_for),
                ("Red flags", &d.red_flags),
            ] {
                if !items.is_empty() {
                    let _ = write!(out, "\n{label}:\n");
                    for i in items {
                        let _ = writeln!(out, "- {}", one_line(i));
                    }
                }
            }
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
