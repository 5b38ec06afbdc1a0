//! The summary note for the candidate, drafted from the panel's assessment: what went well and
//! the areas to improve, with concrete pointers — the key points they missed, the topics to
//! study, questions to practise. It quotes no interviewer's private notes and no rating: only
//! what the candidate can act on. The interviewer edits the draft before it is sent.

use crate::assessment::{CompetencyResult, Observed};
use std::fmt::Write as _;

/// Longest note an interviewer may send.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// Everything the draft reads.
#[derive(Debug, Clone)]
pub struct NoteInput<'a> {
    pub candidate: &'a str,
    pub role: &'a str,
    pub company: &'a str,
    /// The pooled panel's results per competency, in the role's order.
    pub results: &'a [CompetencyResult],
    /// Questions to practise per competency key (texts), best first.
    pub practice: &'a [(String, Vec<String>)],
}

/// The draft in Markdown.
pub fn draft_note(input: &NoteInput<'_>) -> String {
    let mut md = String::new();
    let first = input
        .candidate
        .split_whitespace()
        .next()
        .unwrap_or(input.candidate);
    let _ = write!(
        md,
        "Hello {first},\n\nthank you for interviewing with {} for the {} role. Here is a short summary of \
         what we saw, and where we think you can grow from here.\n",
        input.company, input.role
    );
    let well: Vec<&CompetencyResult> = input
        .results
        .iter()
        .filter(|r| r.observed == Observed::Met)
        .collect();
    let grow: Vec<&CompetencyResult> = input
        .results
        .iter()
        .filter(|r| matches!(r.observed, Observed::Partly | Observed::NotMet))
        .collect();
    md.push_str("\n## What went well\n\n");
    if well.is_empty() {
        md.push_str(
            "- No area fully met the bar the role sets this time; the points below are the best \
             place to start.\n",
        );
    }
    for r in &well {
        let _ = write!(md, "- **{}**", r.name);
        if r.evidence.ticked.is_empty() {
            md.push_str(": your answers here met what the role needs.\n");
        } else {
            let _ = writeln!(md, ": you covered {}.", list(&r.evidence.ticked, 4));
        }
    }
    md.push_str("\n## Areas to improve\n\n");
    if grow.is_empty() {
        md.push_str("- Nothing stood out as missing; keep deepening what you already know.\n");
    }
    for r in &grow {
        let _ = write!(md, "- **{}**", r.name);
        if r.evidence.missed.is_empty() {
            let _ = writeln!(md, ": worth going deeper than the basics.");
        } else {
            let _ = writeln!(
                md,
                ": points worth studying — {}.",
                list(&r.evidence.missed, 5)
            );
        }
        if let Some((_, qs)) = input.practice.iter().find(|(k, _)| *k == r.key)
            && !qs.is_empty()
        {
            md.push_str("  Questions to practise:\n");
            for q in qs.iter().take(3) {
                let _ = writeln!(
                    md,
                    "  - {}",
                    q.split_whitespace().collect::<Vec<_>>().join(" ")
                );
            }
        }
    }
    let _ = write!(
        md,
        "\nEvery point above is something you can practise; we hope it helps, whatever comes next.\n\n\
         Best regards,\n{}\n",
        input.company
    );
    md
}

/// "a, b and c", at most `max` entries ("and 2 more" beyond).
fn list(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    let mut s = match shown.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if more > 0 {
        let _ = write!(s, " (and {more} more)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::Evidence;
    use crate::hiring::Level;

    fn result(
        name: &str,
        observed: Observed,
        ticked: &[&str],
        missed: &[&str],
    ) -> CompetencyResult {
        CompetencyResult {
            key: name.to_lowercase(),
            name: name.into(),
            required: true,
            weight: 3,
            expected: Level::Mid,
            score: None,
            observed,
            evidence: Evidence {
                questions: vec![],
                ticked: ticked.iter().map(|s| s.to_string()).collect(),
                missed: missed.iter().map(|s| s.to_string()).collect(),
                notes: vec!["private: seemed nervous".into()],
            },
            flags: vec![],
        }
    }

    #[test]
    fn the_draft_names_strengths_gaps_and_what_to_practise_and_nothing_private() {
        let results = vec![
            result(
                "Databases",
                Observed::Met,
                &["covering indexes", "write cost"],
                &[],
            ),
            result(
                "Security",
                Observed::Partly,
                &[],
                &["same-site cookies", "CSRF tokens"],
            ),
            result("Testing", Observed::NotAssessed, &[], &[]),
        ];
        let practice = vec![(
            "security".to_string(),
            vec!["How does CSRF work?".to_string()],
        )];
        let md = draft_note(&NoteInput {
            candidate: "Ada Lovelace",
            role: "Backend developer",
            company: "Acme",
            results: &results,
            practice: &practice,
        });
        assert!(md.starts_with("Hello Ada,"));
        assert!(md.contains("- **Databases**: you covered covering indexes and write cost."));
        assert!(md.contains(
            "- **Security**: points worth studying — same-site cookies and CSRF tokens."
        ));
        assert!(md.contains("  - How does CSRF work?"));
        assert!(!md.contains("Testing"), "not assessed is not a gap");
        assert!(!md.contains("nervous"), "interviewers' notes stay private");
    }

    #[test]
    fn lists_read_naturally() {
        let v: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(list(&v, 5), "a, b and c");
        assert_eq!(list(&v, 2), "a and b (and 1 more)");
    }
}
