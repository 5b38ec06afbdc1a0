//! Semantic and hybrid ranking with hand-made vectors (the embedding engine has tests of its
//! own): nearest by cosine, filters, fusion, neighbours, and vectors that follow edits.

use parley_domain::{OrgId, Question, QuestionDraft};
use parley_search::{Filters, SearchIndex};

fn question(text: &str, section: &str) -> Question {
    let mut draft = QuestionDraft::new(text);
    draft.section = Some(section.into());
    Question::new(OrgId::new(), draft)
}

fn unit(v: [f32; 4]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / n).collect()
}

/// Four questions pointing in four directions, plus one between the first two.
fn indexed() -> (SearchIndex, Vec<Question>) {
    let qs = vec![
        question("How do you keep two services consistent?", "Microservices"),
        question("What is an outbox table?", "Microservices"),
        question("How does a B-tree index work?", "Databases"),
        question("What is a dead-letter queue?", "Messaging and queues"),
        question("What is eventual consistency?", "Architecture"),
    ];
    let vs = [
        unit([1.0, 0.0, 0.0, 0.0]),
        unit([0.0, 1.0, 0.0, 0.0]),
        unit([0.0, 0.0, 1.0, 0.0]),
        unit([0.0, 0.0, 0.0, 1.0]),
        unit([1.0, 0.9, 0.0, 0.0]),
    ];
    let mut index = SearchIndex::in_memory(Some("test-model")).unwrap();
    for (q, v) in qs.iter().zip(&vs) {
        index.upsert(q, Some(v)).unwrap();
    }
    index.commit(1).unwrap();
    (index, qs)
}

#[test]
fn nearest_by_cosine_without_a_word_in_common() {
    let (index, qs) = indexed();
    let hits = index
        .search_semantic(
            "atomic handoff between systems",
            &unit([0.9, 0.1, 0.0, 0.0]),
            &Filters::default(),
            3,
        )
        .unwrap();
    let texts: Vec<_> = hits.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        texts,
        [&qs[0].draft.text, &qs[4].draft.text, &qs[1].draft.text]
    );
    assert!(hits[0].similarity.unwrap() > 0.98);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn semantic_ranking_obeys_filters() {
    let (index, qs) = indexed();
    let f = Filters {
        section: Some("databases".into()),
        ..Filters::default()
    };
    let hits = index
        .search_semantic("x", &unit([1.0, 0.0, 0.0, 0.0]), &f, 5)
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].text, qs[2].draft.text);
}

#[test]
fn hybrid_puts_what_both_lists_found_first() {
    let (index, qs) = indexed();
    // "consistency" matches two questions by words; the vector points at the first only.
    let hits = index
        .search_hybrid(
            "consistency",
            &unit([0.0, 0.2, 0.0, 1.0]),
            &Filters::default(),
            5,
        )
        .unwrap();
    assert_eq!(hits[0].text, qs[4].draft.text, "{hits:#?}");
    assert!(hits[0].lexical.is_some() && hits[0].similarity.is_some());
    assert!(
        hits.iter()
            .any(|h| h.text == qs[3].draft.text && h.lexical.is_none())
    );
}

#[test]
fn neighbours_exclude_the_question_itself_and_follow_edits() {
    let (mut index, mut qs) = indexed();
    let id = qs[0].id.to_string();
    let near = index.similar_to(&id, &Filters::default(), 2).unwrap();
    assert_eq!(near[0].text, qs[4].draft.text);
    assert!(near.iter().all(|h| h.id != id));

    // The outbox question is edited to mean something else: its vector moves with it.
    qs[1].draft.text = "What is a covering index?".into();
    qs[1].revision = 2;
    index
        .upsert(&qs[1], Some(&unit([0.0, 0.0, 1.0, 0.1])))
        .unwrap();
    index.commit(2).unwrap();
    let near = index
        .similar_to(&qs[2].id.to_string(), &Filters::default(), 1)
        .unwrap();
    assert_eq!(
        (near[0].text.as_str(), near[0].revision),
        ("What is a covering index?", 2)
    );
    assert!(
        index
            .similar_to("no-such-id", &Filters::default(), 3)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_index_made_for_another_model_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut index = SearchIndex::open_dir(dir.path(), Some("model-a")).unwrap();
        index
            .upsert(
                &question("What is a mutex?", "Concurrency"),
                Some(&unit([1.0, 0.0, 0.0, 0.0])),
            )
            .unwrap();
        index.commit(5).unwrap();
    }
    let same = SearchIndex::open_dir(dir.path(), Some("model-a")).unwrap();
    assert_eq!((same.watermark(), same.len()), (5, 1));
    drop(same);
    let other = SearchIndex::open_dir(dir.path(), Some("model-b")).unwrap();
    assert_eq!((other.watermark(), other.len()), (0, 0));
}

#[test]
fn a_large_bank_is_scanned_in_parallel_with_the_same_answer() {
    // Past the size where the scan splits across threads; the best match sits in the middle.
    let mut index = SearchIndex::in_memory(Some("test-model")).unwrap();
    let mut target = None;
    for i in 0..25_000u32 {
        let q = question(&format!("Question number {i}"), "Databases");
        let angle = i as f32 * 0.001;
        let v = if i == 12_345 {
            target = Some(q.id.to_string());
            unit([0.0, 0.0, 0.0, 1.0])
        } else {
            unit([angle.cos(), angle.sin(), 0.1, 0.0])
        };
        index.upsert(&q, Some(&v)).unwrap();
    }
    index.commit(1).unwrap();
    let hits = index
        .search_semantic("", &unit([0.0, 0.0, 0.05, 1.0]), &Filters::default(), 3)
        .unwrap();
    assert_eq!(Some(hits[0].id.clone()), target);
    assert_eq!(hits.len(), 3);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}
