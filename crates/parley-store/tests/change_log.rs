//! The change log that derived data follows: every add, merge that changes content, edit and
//! delete shows up after the follower's watermark, once per question, and only for its own
//! organisation. Run on SQLite and PostgreSQL.

mod support;

use parley_domain::QuestionDraft;
use parley_store::Store;
use support::{TempPg, item, opts, sqlite_url};

#[tokio::test]
async fn change_log_follows_writes_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn change_log_follows_writes_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    story(&db.url).await;
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let other = store.ensure_org("other").await.unwrap();
    assert_eq!(store.change_watermark(org).await.unwrap(), 0);

    let batch = [
        item("What is a mutex?", "a.md", 1),
        item("What is a semaphore?", "a.md", 2),
        item("What is a monitor?", "a.md", 3),
    ];
    let out = store.import(org, &batch, &opts()).await.unwrap();
    let ids: Vec<_> = out.items.iter().map(|o| o.id()).collect();
    store
        .import(other, &[item("Foreign question?", "b.md", 1)], &opts())
        .await
        .unwrap();

    // From nothing: all three, in the order they were written, and nothing of `other`.
    let all = store.changes_since(org, 0, 100).await.unwrap();
    let got: Vec<_> = all.upserted.iter().map(|q| q.id).collect();
    assert_eq!(got, ids);
    assert!(all.removed.is_empty() && !all.more);
    assert_eq!(all.watermark, store.change_watermark(org).await.unwrap());

    // In pages: a limit of two leaves one for the next call.
    let first = store.changes_since(org, 0, 2).await.unwrap();
    assert_eq!(first.upserted.len(), 2);
    assert!(first.more);
    let rest = store.changes_since(org, first.watermark, 2).await.unwrap();
    assert_eq!(rest.upserted.len(), 1);
    assert_eq!(rest.watermark, all.watermark);

    // Nothing new: the same watermark comes back.
    let none = store.changes_since(org, all.watermark, 100).await.unwrap();
    assert!(none.upserted.is_empty() && none.removed.is_empty());
    assert_eq!(none.watermark, all.watermark);

    // Re-importing the same batch changes nothing, so logs nothing.
    store.import(org, &batch, &opts()).await.unwrap();
    assert_eq!(store.change_watermark(org).await.unwrap(), all.watermark);

    // An edit and a delete: the edited question as it is now, the deleted one by id.
    let mut draft = QuestionDraft::new("What is a reentrant mutex?");
    draft.tags = vec!["concurrency".into()];
    store
        .update_question(org, ids[0], None, draft.clone(), "editor", "sharper")
        .await
        .unwrap();
    store.delete_question(org, ids[1]).await.unwrap();
    let later = store.changes_since(org, all.watermark, 100).await.unwrap();
    assert_eq!(later.upserted.len(), 1);
    assert_eq!(later.upserted[0].draft.text, draft.text);
    assert_eq!(later.upserted[0].revision, 2);
    assert_eq!(later.removed, vec![ids[1]]);

    // A question edited twice comes once.
    draft.text = "What is a recursive mutex?".into();
    store
        .update_question(org, ids[0], None, draft, "editor", "again")
        .await
        .unwrap();
    let twice = store.changes_since(org, all.watermark, 100).await.unwrap();
    assert_eq!(twice.upserted.len(), 1);
    assert_eq!(twice.upserted[0].revision, 3);
}

#[tokio::test]
async fn embeddings_are_kept_per_revision_on_sqlite() {
    let (_dir, url) = sqlite_url();
    embeddings_story(&url).await;
}

#[tokio::test]
async fn embeddings_are_kept_per_revision_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    embeddings_story(&db.url).await;
}

async fn embeddings_story(url: &str) {
    use parley_store::StoredEmbedding;
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let other = store.ensure_org("other").await.unwrap();
    let out = store
        .import(org, &[item("What is a mutex?", "a.md", 1)], &opts())
        .await
        .unwrap();
    let id = out.items[0].id();
    let v1 = StoredEmbedding {
        question: id,
        revision: 1,
        vector: vec![0.25, -1.5, 3.0],
    };
    assert_eq!(
        store
            .save_embeddings(org, "m", std::slice::from_ref(&v1))
            .await
            .unwrap(),
        1
    );
    // Another organisation cannot write or read it.
    assert_eq!(
        store
            .save_embeddings(other, "m", std::slice::from_ref(&v1))
            .await
            .unwrap(),
        0
    );
    assert!(
        store
            .embeddings_of(other, "m", &[id])
            .await
            .unwrap()
            .is_empty()
    );
    // Another model is another vector.
    assert!(
        store
            .embeddings_of(org, "m2", &[id])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.embeddings_of(org, "m", &[id]).await.unwrap()[&id], v1);

    // After an edit the stored vector is stale: it still reads back with its revision, a
    // vector for the old revision is refused, and one for the new replaces it.
    store
        .update_question(
            org,
            id,
            None,
            QuestionDraft::new("What is a futex?"),
            "e",
            "n",
        )
        .await
        .unwrap();
    assert_eq!(
        store.embeddings_of(org, "m", &[id]).await.unwrap()[&id].revision,
        1
    );
    assert_eq!(store.save_embeddings(org, "m", &[v1]).await.unwrap(), 0);
    let v2 = StoredEmbedding {
        question: id,
        revision: 2,
        vector: vec![1.0; 384],
    };
    assert_eq!(
        store
            .save_embeddings(org, "m", std::slice::from_ref(&v2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.embeddings_of(org, "m", &[id]).await.unwrap()[&id], v2);

    // Deleting the question deletes its vectors.
    store.delete_question(org, id).await.unwrap();
    assert!(
        store
            .embeddings_of(org, "m", &[id])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_large_import_is_written_whole_on_sqlite() {
    let (_dir, url) = sqlite_url();
    large_import(&url).await;
}

#[tokio::test]
async fn a_large_import_is_written_whole_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    large_import(&db.url).await;
}

/// Past the sizes at which new questions are written in chunks, with an exact duplicate of
/// an early item at the end and an item naming the same source twice.
async fn large_import(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let mut batch: Vec<_> = (0..2_345)
        .map(|i| item(&format!("Question number {i}?"), "big.md", i + 1))
        .collect();
    batch.push(item("question NUMBER 7", "other.md", 1));
    let twice = batch[10].sources[0].clone();
    batch[10].sources.push(twice);
    let out = store.import(org, &batch, &opts()).await.unwrap();
    assert_eq!((out.added(), out.merged_exact()), (2_345, 1));
    assert_eq!(store.count_questions(org).await.unwrap(), 2_345);
    let seven = store.get_question(org, out.items[7].id()).await.unwrap();
    let files: Vec<_> = seven.sources.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(files, ["big.md", "other.md"]);
    assert_eq!(
        store
            .get_question(org, out.items[10].id())
            .await
            .unwrap()
            .sources
            .len(),
        1
    );
    let all = store.changes_since(org, 0, 10_000).await.unwrap();
    assert_eq!(all.upserted.len(), 2_345);
    assert_eq!(
        store
            .revisions(org, out.items[2_000].id())
            .await
            .unwrap()
            .len(),
        1
    );
}
