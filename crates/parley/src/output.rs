//! Human-readable rendering of questions for the terminal.

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

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC` (days to civil date after
/// Howard Hinnant's algorithm, to avoid a date crate for one line of output).
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_print_as_utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_795_644_971_129), "2026-11-25 22:16 UTC");
    }
}
