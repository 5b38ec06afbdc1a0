//! Storage under concurrent writers, on both backends: imports of the same text merge instead
//! of clashing, and racing edits of one revision let exactly one through.

mod support;

use parley_domain::QuestionDraft;
use parley_store::{Store, StoreError};
use support::{TempPg, item, opts, sqlite_url};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_imports_of_the_same_text_merge_on_sqlite() {
    let (_dir, url) = sqlite_url();
    concurrent_imports_merge(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_imports_of_the_same_text_merge_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    concurrent_imports_merge(&db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_of_one_revision_let_exactly_one_win_on_sqlite() {
    let (_dir, url) = sqlite_url();
    concurrent_edits_conflict(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_of_one_revision_let_exactly_one_win_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    concurrent_edits_conflict(&db.url).await;
}

/// Four writers at once, each importing its own questions and one they share: nothing fails
/// with a busy database or a unique-key clash, and the shared question exists once.
async fn concurrent_imports_merge(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let writers: Vec<_> = (0..4_u32)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..5 {
                    let own = item(&format!("Question {w}-{i}?"), "own.md", i);
                    let shared = item("Which question does everyone ask?", "shared.md", w);
                    store.import(org, &[own, shared], &opts()).await.unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    assert_eq!(store.count_questions(org).await.unwrap(), 21);
    let all = store.all_questions(org).await.unwrap();
    let shared = all
        .iter()
        .find(|q| q.draft.text.starts_with("Which"))
        .unwrap();
    assert_eq!(shared.sources.len(), 4);
    store.close().await;
}

/// Editors who all read revision 1 save at once: one edit lands, the others get `Conflict`,
/// and the history holds exactly two revisions.
async fn concurrent_edits_conflict(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    for round in 0..5 {
        let text = format!("What is round {round} about?");
        let out = store
            .import(org, &[item(&text, "r.md", round)], &opts())
            .await
            .unwrap();
        let id = out.items[0].id();
        let editors: Vec<_> = (0..4)
            .map(|e| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut draft = QuestionDraft::new(format!("Round {round}, edit {e}?"));
                    draft.tags = vec![format!("editor-{e}")];
                    store
                        .update_question(org, id, Some(1), draft, "ed", "race")
                        .await
                })
            })
            .collect();
        let mut wins = 0;
        for e in editors {
            match e.await.unwrap() {
                Ok(q) => {
                    assert_eq!(q.revision, 2);
                    wins += 1;
                }
                Err(StoreError::Conflict {
                    expected: 1,
                    current: 2,
                }) => {}
                Err(other) => panic!("an editor failed with {other:?}"),
            }
        }
        assert_eq!(wins, 1);
        assert_eq!(store.revisions(org, id).await.unwrap().len(), 2);
    }
    store.close().await;
}
