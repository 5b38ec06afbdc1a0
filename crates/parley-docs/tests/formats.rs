//! One fixture per format, written for Parley (not taken from anywhere): what each reader must
//! find, checked through one helper.

use parley_docs::{Format, ParsedDocument, ReadOptions, parse_document};
use std::path::PathBuf;

fn read(name: &str) -> ParsedDocument {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    parse_document(
        &std::fs::read(path).unwrap(),
        &ReadOptions {
            file_name: name.into(),
        },
    )
    .unwrap()
}

/// What a fixture must yield: format, language, and per question (text, section, answer start).
fn check(
    name: &str,
    format: Format,
    lang: &str,
    expected: &[(&str, &str, Option<&str>)],
) -> ParsedDocument {
    let d = read(name);
    assert_eq!(d.format, format, "{name}: format");
    assert_eq!(d.language.as_str(), lang, "{name}: language");
    let got: Vec<(String, String, Option<String>)> = d
        .questions
        .iter()
        .map(|q| {
            (
                q.draft.text.clone(),
                q.draft.section.clone().unwrap_or_default(),
                q.draft.reference_answer.clone(),
            )
        })
        .collect();
    assert_eq!(got.len(), expected.len(), "{name}: {got:#?}");
    for ((text, section, answer), (want_text, want_section, want_answer)) in
        got.iter().zip(expected)
    {
        assert_eq!(text, want_text, "{name}");
        assert_eq!(section, want_section, "{name}: section of {text:?}");
        match (answer, want_answer) {
            (Some(a), Some(w)) => assert!(a.starts_with(w), "{name}: answer of {text:?} is {a:?}"),
            (None, None) => {}
            _ => panic!("{name}: answer of {text:?} is {answer:?}, expected {want_answer:?}"),
        }
    }
    d
}

#[test]
fn qa_article_with_question_and_answer_headings_and_an_ad() {
    let d = check(
        "qa-article.txt",
        Format::QaArticle,
        "en",
        &[
            (
                "What is a cache stampede?",
                "Caching",
                Some("Many requests miss"),
            ),
            (
                "How do you pick a TTL for cached data?",
                "Caching",
                Some("Start from how stale"),
            ),
            (
                "What does at-least-once delivery mean for a consumer?",
                "Messaging and queues",
                Some("The consumer may"),
            ),
            (
                "Why would you use a dead-letter queue?",
                "Messaging and queues",
                Some("To park messages"),
            ),
        ],
    );
    assert!(d.noise_removed >= 2);
    let answers: String = d
        .questions
        .iter()
        .filter_map(|q| q.draft.reference_answer.clone())
        .collect();
    assert!(!answers.contains("newsletter") && !answers.contains("Share this"));
}

#[test]
fn generic_markdown_with_toc_heading_questions_numbered_items_and_details() {
    let d = check(
        "generic.md",
        Format::Markdown,
        "en",
        &[
            (
                "What is a database index?",
                "Databases",
                Some("A separate structure"),
            ),
            (
                "When does an index hurt?",
                "Databases",
                Some("On write-heavy tables"),
            ),
            (
                "What is the N+1 problem?",
                "Databases",
                Some("Loading a list"),
            ),
            (
                "How do you store passwords?",
                "Security",
                Some("With a slow salted hash"),
            ),
            ("What is CSRF and how do you prevent it?", "Security", None),
            (
                "What does the SameSite cookie attribute do?",
                "Security",
                Some("It tells the browser"),
            ),
            (
                "Tell me about a time you disagreed with a design decision.",
                "Behavioural",
                None,
            ),
            (
                "Describe a production incident you handled.",
                "Behavioural",
                None,
            ),
        ],
    );
    let index = &d.questions[0].draft.reference_answer.as_deref().unwrap();
    assert!(
        index.contains("- Speeds up reads"),
        "answer bullets stay in the answer: {index}"
    );
    assert_eq!(
        d.questions[6].draft.kind,
        parley_domain::QuestionKind::Behavioural
    );
}

#[test]
fn csv_with_polish_headers_in_any_order() {
    let d = check(
        "questions.csv",
        Format::Csv,
        "pl",
        &[
            (
                "Czym jest indeks w bazie danych?",
                "Databases",
                Some("Indeks to osobna"),
            ),
            (
                "Jak zapobiec SQL injection?",
                "Security",
                Some("Parametryzowane zapytania; nigdy"),
            ),
            (
                "Co oznacza dostarczanie at-least-once?",
                "Messaging and queues",
                Some("Wiadomość może"),
            ),
        ],
    );
    assert_eq!(d.questions[0].draft.tags, vec!["sql", "wydajność"]);
}

#[test]
fn tab_separated_values_with_english_headers() {
    check(
        "english.tsv",
        Format::Csv,
        "en",
        &[
            (
                "What is a deadlock?",
                "Concurrency",
                Some("Two or more threads"),
            ),
            (
                "What makes a REST endpoint idempotent?",
                "APIs",
                Some("Repeating the same request"),
            ),
        ],
    );
}

#[test]
fn pdf_dump_with_wrapped_lines_hyphenation_and_page_footers() {
    let d = check(
        "pdf-dump.txt",
        Format::PlainText,
        "en",
        &[
            (
                "What is the difference between horizontal and vertical scaling?",
                "Scalability",
                Some("Vertical scaling buys a bigger machine; horizontal scaling adds"),
            ),
            (
                "Why is a distributed lock hard to get right?",
                "Scalability",
                Some("Clocks drift"),
            ),
            (
                "How would you make a payment request safe to retry?",
                "Scalability",
                Some("Send an idempotency key"),
            ),
            (
                "What does the CAP theorem say?",
                "Scalability",
                Some("During a network partition"),
            ),
        ],
    );
    assert_eq!(d.noise_removed, 3, "three page footers");
    assert!(d.questions.iter().all(|q| {
        !q.draft
            .reference_answer
            .as_deref()
            .unwrap()
            .contains("Handbook")
    }));
}

#[test]
fn numbered_questions_with_answer_labels_and_guidance() {
    let d = check(
        "numbered-answers.txt",
        Format::NumberedAnswers,
        "en",
        &[
            (
                "What is a race condition?",
                "Concurrency",
                Some("Two threads read and write"),
            ),
            (
                "How does a mutex differ from a semaphore?",
                "Concurrency",
                Some("A mutex lets one holder"),
            ),
            (
                "Explain optimistic locking.",
                "Concurrency",
                Some("Read a version number"),
            ),
        ],
    );
    assert!(
        d.questions[0]
            .draft
            .reference_answer
            .as_deref()
            .unwrap()
            .contains("Show a counter")
    );
    assert_eq!(
        d.questions[1].draft.red_flags,
        vec!["Says they are the same thing."]
    );
}

#[test]
fn polish_list_in_windows_1250_with_restarting_numbers() {
    let d = check(
        "pl-cp1250.txt",
        Format::NumberedList,
        "pl",
        &[
            (
                "Czym różni się indeks klastrowy od nieklastrowego?",
                "Databases",
                None,
            ),
            (
                "Jak działa izolacja transakcji w PostgreSQL?",
                "Databases",
                None,
            ),
            ("Kiedy warto zdenormalizować schemat?", "Databases", None),
            ("Jak przechowywać hasła użytkowników?", "Security", None),
            (
                "Czym jest atak XSS i jak się przed nim chronić?",
                "Security",
                None,
            ),
        ],
    );
    assert!(
        d.encoding.contains("1250") || d.encoding.contains("8859-2"),
        "{}",
        d.encoding
    );
}
