//! Human-readable rendering of questions for the terminal.

pub use parley_domain::time::utc;
use parley_domain::{Question, Revision};
use std::fmt::Write;

pub fn question_line(q: &Question) -> String {
    format!(
        "{}  {:<24} {:<3} {}",
        q.id,
        q.draft.section.as_deref().unwrap_or("-"),
        q.language(),
        q.draft
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    )
}

pub fn question_page(q: &Question, history: &[Revision], follow_ups: &[Question]) -> String {
    let d = &q.draft;
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", d.text);
    let _ = writeln!(s, "id:        {}", q.id);
    let _ = writeln!(s, "section:   {}", d.section.as_deref().unwrap_or("-"));
    let _ = writeln!(
        s,
        "kind:      {}   language: {}   minutes: {}",
        d.kind,
        q.language(),
        d.minutes()
    );
    if !d.tags.is_empty() {
        let _ = writeln!(s, "tags:      {}", d.tags.join(", "));
    }
    if let Some(p) = q.follow_up_of {
        let _ = writeln!(s, "follow-up of: {p}");
    }
    if let Some(a) = &d.reference_answer {
        let _ = writeln!(s, "\nReference answer:\n{a}");
    }
    for (label, items) in [
        ("Key points", &d.key_points),
        ("Look for", &d.look_for),
        ("Red flags", &d.red_flags),
    ] {
        if !items.is_empty() {
            let _ = writeln!(s, "\n{label}:");
            for i in items {
                let _ = writeln!(s, "  - {i}");
            }
        }
    }
    if !follow_ups.is_empty() {
        let _ = writeln!(s, "\nFollow-ups:");
        for f in follow_ups {
            let _ = writeln!(s, "  - {} ({})", f.draft.text, f.id);
        }
    }
    let _ = writeln!(s, "\nSources:");
    for src in &q.sources {
        let _ = writeln!(
            s,
            "  {}:{}{}",
            src.file,
            src.line,
            src.heading
                .as_deref()
                .map(|h| format!("  ({h})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(s, "\nHistory:");
    for r in history {
        let _ = writeln!(
            s,
            "  r{}  {}  {}  {}",
            r.revision,
            utc(r.created_at),
            r.author,
            r.note
        );
    }
    s
}
