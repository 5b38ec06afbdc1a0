//! Lexical search on a small bank written for these tests: stems in both languages, folded
//! diacritics, typos, filters, snippets, and an index that survives a reopen.

use parley_domain::{Language, OrgId, Question, QuestionDraft, QuestionKind};
use parley_search::{Filters, SearchIndex};

fn question(text: &str, lang: &str, section: &str, answer: Option<&str>) -> Question {
    let mut draft = QuestionDraft::new(text);
    draft.language = Some(lang.parse::<Language>().unwrap());
    draft.section = Some(section.into());
    draft.reference_answer = answer.map(str::to_string);
    draft.kind = QuestionKind::Technical;
    Question::new(OrgId::new(), draft)
}

fn bank() -> Vec<Question> {
    let mut tagged = question(
        "How do consumer groups share the partitions of a topic?",
        "en",
        "Messaging and queues",
        Some("Each partition goes to one consumer of the group; a rebalance moves them."),
    );
    tagged.draft.tags = vec!["Kafka".into()];
    vec![
        question(
            "What is a dead-letter queue?",
            "en",
            "Messaging and queues",
            None,
        ),
        question(
            "How do you make a payment endpoint idempotent?",
            "en",
            "APIs",
            Some(
                "Clients send an idempotency key; the server stores it under a unique index and replays the first response for a retried request.",
            ),
        ),
        question(
            "Skąd bierzesz wiedzę o nowych technologiach i jakie źródła polecasz?",
            "pl",
            "Behavioural",
            None,
        ),
        question(
            "Jak działają indeksy w bazach danych?",
            "pl",
            "Databases",
            Some("Indeks to struktura (zwykle B-drzewo), która skraca wyszukiwanie."),
        ),
        question(
            "How does a B-tree index speed up a query?",
            "en",
            "Databases",
            None,
        ),
        tagged,
    ]
}

fn index_of(questions: &[Question]) -> SearchIndex {
    let mut index = SearchIndex::in_memory(None).unwrap();
    for q in questions {
        index.upsert(q, None).unwrap();
    }
    index.commit(1).unwrap();
    index
}

fn top(index: &SearchIndex, query: &str, filters: &Filters) -> Vec<String> {
    index
        .search_lexical(query, filters, 10)
        .unwrap()
        .into_iter()
        .map(|h| h.text)
        .collect()
}

#[test]
fn folded_polish_and_stemmed_english_words_find_their_questions() {
    let bank = bank();
    let index = index_of(&bank);
    let none = Filters::default();
    assert_eq!(top(&index, "zrodla", &none)[0], bank[2].draft.text);
    assert_eq!(
        top(&index, "indeks w bazie danych", &none)[0],
        bank[3].draft.text
    );
    assert_eq!(
        top(&index, "idempotence of payments", &none)[0],
        bank[1].draft.text
    );
    // The answer counts too, below the question's own words.
    assert_eq!(
        top(&index, "unique key for a retry", &none)[0],
        bank[1].draft.text
    );
}

#[test]
fn a_misspelt_word_still_finds_the_question() {
    let bank = bank();
    let index = index_of(&bank);
    let hits = index
        .search_lexical("dead-leter queeu", &Filters::default(), 5)
        .unwrap();
    assert_eq!(hits[0].text, bank[0].draft.text);
    assert_eq!(
        hits[0].snippet.marked("[", "]"),
        "What is a [dead]-[letter] [queue]?"
    );
}

#[test]
fn stop_words_alone_do_not_rank_everything() {
    let index = index_of(&bank());
    let hits = index
        .search_lexical("what is the b-tree", &Filters::default(), 10)
        .unwrap();
    assert!(hits[0].text.contains("B-tree"));
    assert!(
        hits.len() <= 3,
        "{:?}",
        hits.iter().map(|h| &h.text).collect::<Vec<_>>()
    );
}

#[test]
fn filters_narrow_without_changing_the_order() {
    let bank = bank();
    let index = index_of(&bank);
    let dbs = Filters {
        section: Some("databases".into()),
        ..Filters::default()
    };
    let got = top(&index, "index indeks", &dbs);
    assert_eq!(got.len(), 2, "{got:?}");
    let polish = Filters {
        language: Some("pl".into()),
        ..dbs.clone()
    };
    assert_eq!(
        top(&index, "index indeks", &polish),
        [bank[3].draft.text.clone()]
    );
    let answered = Filters {
        has_answer: Some(true),
        ..Filters::default()
    };
    assert!(!top(&index, "queue", &answered).contains(&bank[0].draft.text));
    let kafka = Filters {
        tags: vec!["kafka".into()],
        ..Filters::default()
    };
    assert_eq!(
        top(&index, "partitions", &kafka),
        [bank[5].draft.text.clone()]
    );
    assert!(top(&index, "database", &kafka).is_empty());
}

#[test]
fn answer_snippets_mark_the_matching_passage() {
    let index = index_of(&bank());
    let hit = &index
        .search_lexical("idempotency key", &Filters::default(), 1)
        .unwrap()[0];
    let answer = hit.answer_snippet.as_ref().expect("the answer matched");
    assert!(answer.marked("[", "]").contains("[idempotency] [key]"));
}

#[test]
fn edits_and_removals_show_after_commit_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut bank = bank();
    {
        let mut index = SearchIndex::open_dir(dir.path(), None).unwrap();
        assert_eq!(index.watermark(), 0);
        for q in &bank {
            index.upsert(q, None).unwrap();
        }
        index.commit(7).unwrap();
        bank[0].draft.text = "What is a poison message?".into();
        bank[0].revision = 2;
        index.upsert(&bank[0], None).unwrap();
        index.remove(bank[4].id);
        // Not yet committed: the old state is what searches see.
        assert_eq!(index.len(), 6);
        index.commit(9).unwrap();
        assert_eq!(index.len(), 5);
    }
    let index = SearchIndex::open_dir(dir.path(), None).unwrap();
    assert_eq!(index.watermark(), 9);
    assert_eq!(index.len(), 5);
    let hits = index
        .search_lexical("poison", &Filters::default(), 5)
        .unwrap();
    assert_eq!(
        (hits[0].id.clone(), hits[0].revision),
        (bank[0].id.to_string(), 2)
    );
    assert!(top(&index, "dead letter", &Filters::default()).is_empty());
    assert!(!top(&index, "b-tree", &Filters::default()).contains(&bank[4].draft.text));
}

#[test]
fn an_unreadable_index_directory_is_rebuilt_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("meta.json"), b"not an index").unwrap();
    let index = SearchIndex::open_dir(dir.path(), None).unwrap();
    assert_eq!((index.watermark(), index.len()), (0, 0));
}

#[test]
fn queries_of_punctuation_or_query_syntax_are_just_words() {
    let index = index_of(&bank());
    for q in ["", "   ", "?!", "title:\"queue", "AND OR NOT", "(((", "*"] {
        index.search_lexical(q, &Filters::default(), 5).unwrap();
    }
    assert!(!top(&index, "queue)", &Filters::default()).is_empty());
}
