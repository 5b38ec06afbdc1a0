//! The storage story: one walk through every storage operation, run unchanged on a temporary
//! SQLite file and on a fresh PostgreSQL database, so the two backends cannot drift apart.

mod support;

use parley_domain::{
    DomainError, Language, OrgId, QuestionDraft, QuestionId, QuestionKind, Source,
};
use parley_store::{
    Backend, ImportItem, ImportOptions, ImportOutcome, ItemOutcome, Link, ListFilter,
    NOTE_IMPORTED, NOTE_MERGED, Store, StoreError,
};
use support::{TempPg, item, opts, sqlite_url};

#[tokio::test]
async fn storage_story_holds_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url, Backend::Sqlite).await;
}

#[tokio::test]
async fn storage_story_holds_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    story(&db.url, Backend::Postgres).await;
}

#[tokio::test]
async fn a_failing_item_rolls_back_the_whole_import_on_sqlite() {
    let (_dir, url) = sqlite_url();
    failing_batch_writes_nothing(&url).await;
}

#[tokio::test]
async fn a_failing_item_rolls_back_the_whole_import_on_postgres() {
    let Some(db) = TempPg::create().await else {
        return;
    };
    failing_batch_writes_nothing(&db.url).await;
}

#[tokio::test]
async fn an_in_memory_sqlite_store_works_for_quick_tests() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    let out = store
        .import(org, &[item("What is a mutex?", "a.md", 1)], &opts())
        .await
        .unwrap();
    assert_eq!(out.added(), 1);
    assert_eq!(store.count_questions(org).await.unwrap(), 1);
}

fn src(file: &str, line: u32) -> Source {
    Source {
        file: file.into(),
        line,
        heading: None,
    }
}

fn ids(out: &ImportOutcome) -> Vec<QuestionId> {
    out.items.iter().map(|o| o.id()).collect()
}

/// The first batch: an exact duplicate pair (items 0 and 1), a follow-up of item 0, a Polish
/// question with its English translation, and a behavioural question with no language.
fn first_batch() -> Vec<ImportItem> {
    let mut mutex = item("What is a mutex?", "a.md", 1);
    mutex.draft.language = Some(Language::english());
    mutex.draft.section = Some("concurrency".into());
    mutex.draft.tags = vec!["Rust".into(), "sync".into()];

    let mut mutex_again = item("what is a MUTEX", "b.md", 5);
    mutex_again.draft.reference_answer = Some("A lock that one thread holds at a time.".into());
    mutex_again.draft.tags = vec!["locks".into(), "rust".into()];
    // The same place twice must be stored once.
    mutex_again.sources.push(src("b.md", 5));

    let mut deadlock = item("How would you avoid deadlocks?", "a.md", 3);
    deadlock.draft.language = Some(Language::english());
    deadlock.draft.section = Some("concurrency".into());
    deadlock.draft.tags = vec!["rust".into()];
    deadlock.follow_up_of = Some(Link::Item(0));

    let mut index_pl = item("Jak działa indeks w bazie danych?", "pl.md", 2);
    index_pl.draft.language = Some(Language::polish());
    index_pl.draft.section = Some("databases".into());

    let mut index_en = item("How does an index in a database work?", "en.md", 2);
    index_en.draft.language = Some(Language::english());
    index_en.draft.section = Some("databases".into());
    index_en.translation_of = Some(Link::Item(3));

    let mut conflict = item("Tell me about a conflict in your team.", "soft.md", 1);
    conflict.draft.kind = QuestionKind::Behavioural;

    vec![mutex, mutex_again, deadlock, index_pl, index_en, conflict]
}

async fn story(url: &str, backend: Backend) {
    // Opening runs the migrations; opening again and migrating again must change nothing.
    let store = Store::open(url).await.unwrap();
    assert_eq!(store.backend(), backend);
    store.migrate().await.unwrap();
    store.close().await;
    let store = Store::open(url).await.unwrap();
    store.migrate().await.unwrap();

    let acme = store.ensure_org("acme").await.unwrap();
    assert_eq!(store.ensure_org("acme").await.unwrap(), acme);
    assert_eq!(store.org_by_slug("acme").await.unwrap(), Some(acme));
    assert_eq!(store.org_by_slug("nobody").await.unwrap(), None);
    assert!(matches!(
        store.ensure_org("bad slug").await,
        Err(StoreError::BadSlug(_))
    ));
    let globex = store.ensure_org("globex").await.unwrap();
    assert_ne!(globex, acme);

    let [mutex, deadlock, index_pl, index_en, conflict] =
        first_import_merges_duplicates_and_links(&store, acme).await;
    reimport_and_dry_run_write_nothing(&store, acme, mutex).await;

    // Links to questions already in the bank: kept within the organisation, dropped across.
    let foreign = store
        .import(globex, &[item("What is a monad?", "g.md", 1)], &opts())
        .await;
    let foreign = foreign.unwrap().items[0].id();
    let mut poison = item("What does poisoning a mutex mean?", "a.md", 9);
    poison.draft.section = Some("concurrency".into());
    poison.follow_up_of = Some(Link::Existing(mutex));
    poison.translation_of = Some(Link::Existing(foreign));
    let poison = store.import(acme, &[poison], &opts()).await.unwrap().items[0].id();
    let q = store.get_question(acme, poison).await.unwrap();
    assert_eq!((q.follow_up_of, q.translation_of), (Some(mutex), None));

    let all = [mutex, deadlock, index_pl, index_en, conflict, poison];
    listing_filters_and_pages(&store, acme, &all).await;

    let everything = store.all_questions(acme).await.unwrap();
    assert_eq!(everything.iter().map(|q| q.id).collect::<Vec<_>>(), all);
    assert_eq!(everything[0].sources, vec![src("a.md", 1), src("b.md", 5)]);
    assert_eq!(
        everything[0],
        store.get_question(acme, mutex).await.unwrap()
    );

    // Prefixes: any case, never across organisations, nonsense matches nothing.
    let full = mutex.to_string();
    assert!(
        store
            .resolve_prefix(acme, &full[..8])
            .await
            .unwrap()
            .contains(&mutex)
    );
    assert_eq!(
        store.resolve_prefix(acme, &full).await.unwrap(),
        vec![mutex]
    );
    assert_eq!(
        store
            .resolve_prefix(acme, &full.to_uppercase())
            .await
            .unwrap(),
        vec![mutex]
    );
    assert_eq!(
        store
            .resolve_prefix(acme, &foreign.to_string())
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(store.resolve_prefix(acme, "%").await.unwrap(), vec![]);
    assert_eq!(store.resolve_prefix(acme, "").await.unwrap(), vec![]);

    editing_keeps_history_and_refuses_conflicts(&store, acme, mutex, deadlock).await;
    foreign_ids_behave_like_unknown_ones(&store, globex, acme, mutex, foreign).await;

    // Deleting takes the question's sources and history with it and clears links to it.
    store.delete_question(acme, mutex).await.unwrap();
    assert!(matches!(
        store.get_question(acme, mutex).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.revisions(acme, mutex).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_question(acme, mutex).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .get_question(acme, deadlock)
            .await
            .unwrap()
            .follow_up_of,
        None
    );
    assert_eq!(
        store.get_question(acme, poison).await.unwrap().follow_up_of,
        None
    );
    assert_eq!(store.count_questions(acme).await.unwrap(), 5);
    assert_eq!(store.count_questions(globex).await.unwrap(), 1);
    store.close().await;
}

async fn first_import_merges_duplicates_and_links(store: &Store, org: OrgId) -> [QuestionId; 5] {
    let out = store.import(org, &first_batch(), &opts()).await.unwrap();
    let [mutex, again, deadlock, index_pl, index_en, conflict] = ids(&out)[..] else {
        panic!("one outcome per item: {out:?}")
    };
    assert_eq!(again, mutex);
    assert_eq!(
        out.items,
        vec![
            ItemOutcome::Added(mutex),
            ItemOutcome::MergedExact(mutex),
            ItemOutcome::Added(deadlock),
            ItemOutcome::Added(index_pl),
            ItemOutcome::Added(index_en),
            ItemOutcome::Added(conflict),
        ]
    );
    assert_eq!((out.added(), out.merged_exact()), (5, 1));
    assert_eq!(store.count_questions(org).await.unwrap(), 5);

    // The duplicate filled the gaps of the first copy and added its source once.
    let q = store.get_question(org, mutex).await.unwrap();
    assert_eq!(q.draft.text, "What is a mutex?");
    assert_eq!(q.draft.tags, vec!["rust", "sync", "locks"]);
    assert!(q.draft.reference_answer.is_some());
    assert_eq!(q.sources, vec![src("a.md", 1), src("b.md", 5)]);
    assert_eq!(q.revision, 2);
    let history = store.revisions(org, mutex).await.unwrap();
    let notes: Vec<_> = history
        .iter()
        .map(|r| (r.revision, r.note.as_str()))
        .collect();
    assert_eq!(notes, vec![(1, NOTE_IMPORTED), (2, NOTE_MERGED)]);
    assert!(history.iter().all(|r| r.author == "importer"));
    assert_eq!(history[0].content.reference_answer, None);
    assert_eq!(history[1].content, q.draft);

    let d = store.get_question(org, deadlock).await.unwrap();
    assert_eq!((d.follow_up_of, d.revision), (Some(mutex), 1));
    let follow_ups = store.follow_ups_of(org, mutex).await.unwrap();
    assert_eq!(
        follow_ups.iter().map(|q| q.id).collect::<Vec<_>>(),
        [deadlock]
    );
    assert_eq!(follow_ups[0].sources, d.sources);
    assert!(store.follow_ups_of(org, deadlock).await.unwrap().is_empty());
    let en = store.get_question(org, index_en).await.unwrap();
    assert_eq!(en.translation_of, Some(index_pl));
    [mutex, deadlock, index_pl, index_en, conflict]
}

async fn reimport_and_dry_run_write_nothing(store: &Store, org: OrgId, mutex: QuestionId) {
    let before = store.all_questions(org).await.unwrap();
    let first_ids: Vec<_> = before.iter().map(|q| q.id).collect();

    let again = store.import(org, &first_batch(), &opts()).await.unwrap();
    assert_eq!(again.added(), 0);
    assert!(
        again
            .items
            .iter()
            .all(|o| matches!(o, ItemOutcome::MergedExact(_)))
    );
    let again_ids = ids(&again);
    assert_eq!(again_ids[0], mutex);
    assert_eq!(again_ids[2..], first_ids[1..]);
    assert_eq!(store.all_questions(org).await.unwrap(), before);
    assert_eq!(store.revisions(org, mutex).await.unwrap().len(), 2);

    // A dry run reports what would happen and leaves the bank exactly as it was.
    let mut gap_filler = item("What is a mutex", "z.md", 9);
    gap_filler.draft.key_points = vec!["mutual exclusion".into()];
    let batch = [item("What is a semaphore?", "z.md", 1), gap_filler];
    let dry = ImportOptions {
        dry_run: true,
        author: "importer".into(),
    };
    let out = store.import(org, &batch, &dry).await.unwrap();
    assert!(
        matches!(out.items[..], [ItemOutcome::Added(_), ItemOutcome::MergedExact(m)] if m == mutex)
    );
    assert_eq!(store.all_questions(org).await.unwrap(), before);
    assert_eq!(store.revisions(org, mutex).await.unwrap().len(), 2);
}

async fn listing_filters_and_pages(store: &Store, org: OrgId, all: &[QuestionId; 6]) {
    let [mutex, deadlock, index_pl, index_en, conflict, poison] = *all;
    let list = async |filter: ListFilter| -> Vec<QuestionId> {
        let page = store.list_questions(org, &filter).await.unwrap();
        page.items.iter().map(|q| q.id).collect()
    };
    assert_eq!(list(ListFilter::default()).await, all);
    let section = |s: &str| ListFilter {
        section: Some(s.into()),
        ..ListFilter::default()
    };
    assert_eq!(
        list(section("concurrency")).await,
        vec![mutex, deadlock, poison]
    );
    assert_eq!(list(section("databases")).await, vec![index_pl, index_en]);
    assert_eq!(list(section("nowhere")).await, vec![]);
    let lang = |l: Language| ListFilter {
        language: Some(l),
        ..ListFilter::default()
    };
    assert_eq!(list(lang(Language::polish())).await, vec![index_pl]);
    assert_eq!(
        list(lang(Language::english())).await,
        vec![mutex, deadlock, index_en]
    );
    // No language stored lists as undetermined, as Question::language reports it.
    assert_eq!(
        list(lang(Language::undetermined())).await,
        vec![conflict, poison]
    );
    let kind = ListFilter {
        kind: Some(QuestionKind::Behavioural),
        ..ListFilter::default()
    };
    assert_eq!(list(kind).await, vec![conflict]);
    let tag = |t: &str| ListFilter {
        tag: Some(t.into()),
        ..ListFilter::default()
    };
    assert_eq!(list(tag("rust")).await, vec![mutex, deadlock]);
    assert_eq!(list(tag(" RUST ")).await, vec![mutex, deadlock]);
    assert_eq!(list(tag("locks")).await, vec![mutex]);
    assert_eq!(
        list(tag("rus")).await,
        vec![],
        "a tag matches whole, never a part"
    );
    assert_eq!(
        list(tag("\"rust\"")).await,
        vec![],
        "JSON quoting is not part of a tag"
    );
    let both = ListFilter {
        section: Some("concurrency".into()),
        tag: Some("rust".into()),
        language: Some(Language::english()),
        kind: Some(QuestionKind::Technical),
        ..ListFilter::default()
    };
    assert_eq!(list(both).await, vec![mutex, deadlock]);

    // Pages of two walk the whole list; the last page has no cursor.
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let filter = ListFilter {
            after,
            limit: Some(2),
            ..ListFilter::default()
        };
        let page = store.list_questions(org, &filter).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|q| q.id));
        pages += 1;
        match page.next {
            Some(next) => {
                assert_eq!(Some(next), seen.last().copied());
                after = Some(next);
            }
            None => break,
        }
    }
    assert_eq!((seen.as_slice(), pages), (&all[..], 3));
    let tagged_after = ListFilter {
        tag: Some("rust".into()),
        after: Some(mutex),
        limit: Some(1),
        ..ListFilter::default()
    };
    let page = store.list_questions(org, &tagged_after).await.unwrap();
    assert_eq!(
        page.items.iter().map(|q| q.id).collect::<Vec<_>>(),
        vec![deadlock]
    );
    assert_eq!(page.next, None);
    let zero = ListFilter {
        limit: Some(0),
        ..ListFilter::default()
    };
    assert_eq!(
        list(zero).await,
        vec![mutex],
        "a zero limit still returns one"
    );
    let stale = ListFilter {
        after: Some(QuestionId::new()),
        ..ListFilter::default()
    };
    assert!(matches!(
        store.list_questions(org, &stale).await,
        Err(StoreError::NotFound)
    ));
    // Sources come with listed questions too.
    let page = store
        .list_questions(org, &ListFilter::default())
        .await
        .unwrap();
    assert_eq!(page.items[0].sources.len(), 2);
}

async fn editing_keeps_history_and_refuses_conflicts(
    store: &Store,
    org: OrgId,
    mutex: QuestionId,
    deadlock: QuestionId,
) {
    let q = store.get_question(org, deadlock).await.unwrap();
    assert_eq!(q.revision, 1);
    let mut edit = q.draft.clone();
    edit.text = "How do you avoid deadlocks in practice?".into();
    edit.red_flags = vec!["Never heard of lock ordering".into()];

    let stale = store
        .update_question(org, deadlock, Some(2), edit.clone(), "ann", "typo")
        .await;
    assert!(matches!(
        stale,
        Err(StoreError::Conflict {
            expected: 2,
            current: 1
        })
    ));

    let saved = store
        .update_question(org, deadlock, Some(1), edit.clone(), "ann", "clearer")
        .await;
    let saved = saved.unwrap();
    assert_eq!(
        (saved.revision, saved.draft.text.as_str()),
        (2, edit.text.as_str())
    );
    assert_eq!(
        saved.follow_up_of,
        Some(mutex),
        "an edit keeps the question's links"
    );
    assert_eq!(saved.sources, q.sources);
    assert_eq!(store.get_question(org, deadlock).await.unwrap(), saved);
    let history = store.revisions(org, deadlock).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[1].author.as_str(), history[1].note.as_str()),
        ("ann", "clearer")
    );
    assert_eq!(history[1].content, saved.draft);
    assert_eq!(history[0].content, q.draft);

    // Saving the same content again is not a new revision.
    let same = store
        .update_question(org, deadlock, None, edit.clone(), "bob", "again")
        .await;
    assert_eq!(same.unwrap().revision, 2);
    assert_eq!(store.revisions(org, deadlock).await.unwrap().len(), 2);

    // Text that normalises to another question's is refused; so is text with no words.
    let mut dup = edit.clone();
    dup.text = "WHAT is a mutex".into();
    let res = store
        .update_question(org, deadlock, None, dup, "ann", "")
        .await;
    assert!(
        matches!(res, Err(StoreError::DuplicateText(ref holder)) if *holder == mutex.to_string())
    );
    let mut empty = edit.clone();
    empty.text = " ?! ".into();
    let res = store
        .update_question(org, deadlock, None, empty, "ann", "")
        .await;
    assert!(matches!(
        res,
        Err(StoreError::Invalid(DomainError::EmptyText))
    ));
    let unknown = store
        .update_question(org, QuestionId::new(), None, edit, "ann", "")
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)));
    assert_eq!(store.get_question(org, deadlock).await.unwrap(), saved);
}

async fn foreign_ids_behave_like_unknown_ones(
    store: &Store,
    globex: OrgId,
    acme: OrgId,
    mutex: QuestionId,
    foreign: QuestionId,
) {
    let draft = QuestionDraft::new("Hijacked?");
    assert!(not_found(&store.get_question(globex, mutex).await));
    assert!(not_found(
        &store.get_question(acme, QuestionId::new()).await
    ));
    assert!(not_found(
        &store
            .update_question(globex, mutex, None, draft, "eve", "")
            .await
    ));
    assert!(not_found(&store.revisions(globex, mutex).await));
    assert!(not_found(&store.delete_question(globex, mutex).await));
    assert!(not_found(&store.get_question(acme, foreign).await));
    let theirs = store
        .list_questions(globex, &ListFilter::default())
        .await
        .unwrap();
    assert_eq!(
        theirs.items.iter().map(|q| q.id).collect::<Vec<_>>(),
        vec![foreign]
    );
    assert_eq!(
        store.get_question(acme, mutex).await.unwrap().draft.text,
        "What is a mutex?"
    );
}

fn not_found<T>(r: &Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

async fn failing_batch_writes_nothing(url: &str) {
    let store = Store::open(url).await.unwrap();
    let org = store.ensure_org("acme").await.unwrap();
    store
        .import(org, &[item("What is a mutex?", "a.md", 1)], &opts())
        .await
        .unwrap();
    let before = store.all_questions(org).await.unwrap();

    // The first item would merge a source and a tag into the stored question, the second would
    // add a question, and the third has no words: none of it may stay.
    let mut merge = item("what is a mutex", "b.md", 2);
    merge.draft.tags = vec!["locks".into()];
    let mut linked = item("What is a semaphore?", "a.md", 5);
    linked.follow_up_of = Some(Link::Item(0));
    for bad in ["?! --", "   "] {
        let batch = [merge.clone(), linked.clone(), item(bad, "a.md", 9)];
        let res = store.import(org, &batch, &opts()).await;
        assert!(
            matches!(res, Err(StoreError::Invalid(DomainError::EmptyText))),
            "{res:?}"
        );
        assert_eq!(store.all_questions(org).await.unwrap(), before);
        assert_eq!(store.revisions(org, before[0].id).await.unwrap().len(), 1);
    }
    // The store is still usable after the rollbacks.
    let out = store.import(org, &[merge, linked], &opts()).await.unwrap();
    assert_eq!((out.added(), out.merged_exact()), (1, 1));
    store.close().await;
}
