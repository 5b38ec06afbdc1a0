//! Near-duplicate suggestions, decisions and merges, on SQLite and PostgreSQL.

mod support;

use parley_domain::{QuestionDraft, Source};
use parley_store::{DuplicatePair, ImportItem, Store, StoreError};
use support::{TempPg, item, opts, sqlite_url};

#[tokio::test]
async fn duplicates_story_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn duplicates_story_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    story(&db.url).await;
}

fn answered(text: &str, answer: &str, file: &str, line: u32) -> ImportItem {
    let mut draft = QuestionDraft::new(text);
    draft.reference_answer = Some(answer.into());
    draft.tags = vec![file.trim_end_matches(".md").into()];
    ImportItem {
        draft,
        sources: vec![Source {
            file: file.into(),
            line,
            heading: None,
        }],
        follow_up_of: None,
        translation_of: None,
    }
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let other = store.ensure_org("other").await.unwrap();
    let mut batch = vec![
        answered(
            "SQL or NoSQL: how do you choose?",
            "Relations and joins.",
            "a.md",
            1,
        ),
        answered(
            "Relational versus document databases?",
            "Flexible schemas.",
            "b.md",
            7,
        ),
        item("What is a queue?", "a.md", 3),
        item("What is a dead-letter queue?", "a.md", 4),
    ];
    // A follow-up of the question that will be merged away.
    let mut follow = item("And when would you mix them?", "b.md", 8);
    follow.follow_up_of = Some(parley_store::Link::Item(1));
    batch.push(follow);
    let ids: Vec<_> = store
        .import(org, &batch, &opts())
        .await
        .unwrap()
        .items
        .iter()
        .map(|o| o.id())
        .collect();
    let foreign = store
        .import(other, &[item("Foreign?", "x.md", 1)], &opts())
        .await
        .unwrap()
        .items[0]
        .id();

    let pairs = [
        DuplicatePair {
            question: ids[1],
            similar_to: ids[0],
            score: 0.93,
        },
        DuplicatePair {
            question: ids[2],
            similar_to: ids[3],
            score: 0.81,
        },
        // Another organisation's question never pairs with ours.
        DuplicatePair {
            question: ids[2],
            similar_to: foreign,
            score: 0.99,
        },
    ];
    assert_eq!(store.suggest_duplicates(org, &pairs).await.unwrap(), 2);
    let open = store.open_duplicates(org).await.unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].score, 0.93, "most likely first");

    // "Not a duplicate" is remembered: suggesting the pair again does not reopen it.
    store
        .mark_not_duplicate(org, ids[3], ids[2], "ann")
        .await
        .unwrap();
    store.suggest_duplicates(org, &pairs[1..2]).await.unwrap();
    assert_eq!(store.open_duplicates(org).await.unwrap().len(), 1);
    assert!(store.decided_pairs(org).await.unwrap().len() == 1);
    assert!(matches!(
        store.mark_not_duplicate(org, ids[2], foreign, "ann").await,
        Err(StoreError::NotFound)
    ));

    // Merging keeps both answers, all sources and tags, relinks the follow-up, keeps the
    // merged question's history, and closes the suggestion.
    let kept = store
        .merge_questions(org, ids[0], ids[1], "ann")
        .await
        .unwrap();
    let answer = kept.draft.reference_answer.as_deref().unwrap();
    assert!(answer.contains("Relations and joins.") && answer.contains("Flexible schemas."));
    let files: Vec<_> = kept
        .sources
        .iter()
        .map(|s| (s.file.as_str(), s.line))
        .collect();
    assert_eq!(files, [("a.md", 1), ("b.md", 7)]);
    assert_eq!(kept.draft.tags, ["a", "b"]);
    assert_eq!(kept.revision, 2);
    assert!(matches!(
        store.get_question(org, ids[1]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.get_question(org, ids[4]).await.unwrap().follow_up_of,
        Some(ids[0])
    );
    let history = store.merged_history(org, ids[0]).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].0, ids[1]);
    assert!(
        history[0]
            .1
            .contains("Relational versus document databases?")
    );
    assert!(history[0].2.contains("imported"));
    assert!(store.open_duplicates(org).await.unwrap().is_empty());
    let revisions = store.revisions(org, ids[0]).await.unwrap();
    assert!(revisions[1].note.contains("merged a near-duplicate"));

    // The change log tells followers about both questions.
    let changes = store.changes_since(org, 0, 100).await.unwrap();
    assert!(changes.removed.contains(&ids[1]));
    assert!(changes.upserted.iter().any(|q| q.id == ids[0]));

    // Nonsense merges are refused and change nothing.
    assert!(matches!(
        store.merge_questions(org, ids[0], ids[0], "ann").await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.merge_questions(org, ids[0], foreign, "ann").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_question(org, ids[0]).await.unwrap().revision, 2);

    // Merging the merged question on: the first merge's history moves with it.
    let chain = store
        .merge_questions(org, ids[2], ids[0], "ann")
        .await
        .unwrap();
    let mut merged: Vec<_> = store
        .merged_history(org, chain.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    merged.sort();
    let mut expected = [ids[1], ids[0]];
    expected.sort();
    assert_eq!(merged, expected);
}
