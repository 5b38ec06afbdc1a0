//! The seed documents our first users gave us, read from `../shared/seeds/` (never copied into
//! the repository), with the counts made by hand in the bank issue.

use parley_docs::{ParsedDocument, ReadOptions, parse_document};
use std::path::PathBuf;

fn seeds_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    assert!(
        dir.is_dir(),
        "the seed documents are expected at {}",
        dir.display()
    );
    dir
}

fn read_seed(name: &str) -> ParsedDocument {
    let bytes = std::fs::read(seeds_dir().join(name)).unwrap();
    parse_document(
        &bytes,
        &ReadOptions {
            file_name: name.into(),
        },
    )
    .unwrap()
}

fn answered(d: &ParsedDocument) -> usize {
    d.questions.iter().filter(|q| q.answered).count()
}

fn follow_ups(d: &ParsedDocument) -> usize {
    d.questions
        .iter()
        .filter(|q| q.follow_up_of.is_some())
        .count()
}

#[test]
fn polish_list_with_restarting_numbers_has_15_unanswered_polish_questions() {
    let d = read_seed("pl-backend-questions.txt");
    assert_eq!(d.questions.len(), 15);
    assert_eq!(answered(&d), 0);
    assert_eq!(d.language.as_str(), "pl");
    assert!(
        d.questions
            .iter()
            .all(|q| q.draft.language.as_ref().unwrap().as_str() == "pl")
    );
    assert!(
        d.questions.iter().all(|q| q.draft.section.is_some()),
        "every question gets a topic"
    );
}

#[test]
fn interviewer_guide_has_84_questions_6_follow_ups_and_5_with_notes() {
    let d = read_seed("interviewer-guide-article.txt");
    for q in &d.questions {
        eprintln!(
            "{:>4} {:<22} {:<12} {}",
            q.sources[0].line,
            q.draft.section.as_deref().unwrap_or("-"),
            q.draft.kind,
            q.draft.text
        );
    }
    assert_eq!(d.questions.len(), 84);
    assert_eq!(follow_ups(&d), 6);
    assert_eq!(answered(&d), 0);
    assert!(
        d.questions
            .iter()
            .all(|q| q.draft.reference_answer.is_none())
    );
    assert_eq!(
        d.questions
            .iter()
            .filter(|q| !q.draft.look_for.is_empty())
            .count(),
        5
    );
    let texts: Vec<&str> = d.questions.iter().map(|q| q.draft.text.as_str()).collect();
    assert!(
        !texts
            .iter()
            .any(|t| t.starts_with("Q:") || t.starts_with("R:")),
        "the example dialogue is not questions"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("conversation, not a confession")),
        "concluding bullets are not questions"
    );
    assert!(d.questions.iter().all(|q| q.draft.section.is_some()));
}

#[test]
fn hiring_note_has_27_answered_questions_with_front_matter_tags() {
    let d = read_seed("hiring-questions-note.md");
    assert_eq!(d.questions.len(), 27);
    assert_eq!(answered(&d), 27);
    assert!(
        d.questions
            .iter()
            .all(|q| q.draft.tags.contains(&"async".to_string()))
    );
    assert!(
        d.questions
            .iter()
            .all(|q| q.draft.reference_answer.is_some())
    );
}

#[test]
fn mock_interview_has_200_answered_questions_and_no_page_noise() {
    let d = read_seed("mock-interview-200.txt");
    assert_eq!(d.questions.len(), 200);
    assert_eq!(answered(&d), 200);
    assert!(d.noise_removed > 0);
    for q in &d.questions {
        let a = q.draft.reference_answer.as_deref().unwrap_or_default();
        for bad in [
            "Career Acceleration",
            "certification",
            "Pass Rate",
            "Browse Jobs",
            "4-day week",
            "Look for:",
            "Red flag:",
            "What to Expect:",
        ] {
            assert!(
                !a.contains(bad),
                "answer to {:?} contains {bad:?}: {a}",
                q.draft.text
            );
        }
    }
    let with_guidance = d
        .questions
        .iter()
        .filter(|q| !q.draft.look_for.is_empty())
        .count();
    assert!(with_guidance >= 10, "{with_guidance}");
    // Every question keeps an answer or guidance; an answer that merely starts with a glued-on
    // promotion keeps its substance; "Red flag:" inside a guidance paragraph is split off.
    for q in &d.questions {
        let a = &q.draft;
        assert!(
            a.reference_answer.is_some() || !a.look_for.is_empty(),
            "{:?} lost its answer",
            a.text
        );
        for l in &a.look_for {
            assert!(!l.to_lowercase().contains("red flag"), "{l}");
        }
    }
    // The page title above every question is not a section: each question gets a topic.
    let tax = parley_domain::Taxonomy::builtin();
    let topics: std::collections::HashSet<_> = d
        .questions
        .iter()
        .filter_map(|q| q.draft.section.clone())
        .collect();
    assert!(topics.len() >= 10, "{topics:?}");
    for t in &topics {
        assert!(tax.lookup(t).is_some(), "{t:?} is not a taxonomy topic");
    }
}
