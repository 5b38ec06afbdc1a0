//! Browsing storage on both backends: sections and tags with counts, and uploads held between
//! an import's preview and its confirmation, each only for its own organisation and member.

use parley_domain::{Email, QuestionDraft, Role};
use parley_store::{NewUser, Store, StoreError};
use parley_testdb::{TempPg, sqlite_url};

#[tokio::test]
async fn browsing_holds_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn browsing_holds_on_postgres() {
    if let Some(pg) = TempPg::create().await {
        story(&pg.url).await;
    }
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let acme = store.create_org("acme", "Acme").await.unwrap();
    let globex = store.create_org("globex", "Globex").await.unwrap();
    for (text, section, tags) in [
        (
            "What is a mutex?",
            Some("Concurrency"),
            vec!["locks", "threads"],
        ),
        ("What is a semaphore?", Some("Concurrency"), vec!["locks"]),
        ("What is an index?", Some("Databases"), vec![]),
        ("Tell me about yourself.", None, vec![]),
    ] {
        let mut d = QuestionDraft::new(text);
        d.section = section.map(str::to_string);
        d.tags = tags.into_iter().map(str::to_string).collect();
        store.create_question(acme.id, d, "t").await.unwrap();
    }
    store
        .create_question(globex.id, QuestionDraft::new("Not theirs?"), "t")
        .await
        .unwrap();
    assert_eq!(
        store.sections_of(acme.id).await.unwrap(),
        vec![
            (Some("Concurrency".into()), 2),
            (Some("Databases".into()), 1),
            (None, 1)
        ]
    );
    assert_eq!(
        store.tags_of(acme.id, 10).await.unwrap(),
        vec![("locks".into(), 2), ("threads".into(), 1)]
    );
    assert_eq!(store.tags_of(acme.id, 1).await.unwrap().len(), 1);
    assert!(store.tags_of(globex.id, 10).await.unwrap().is_empty());

    let user = |email: &str| NewUser {
        email: Email::parse(email).unwrap(),
        name: "U".into(),
        role: Role::Admin,
        password_hash: "h".into(),
    };
    let ann = store
        .create_user(acme.id, &user("ann@acme.test"))
        .await
        .unwrap();
    let bob = store
        .create_user(acme.id, &user("bob@acme.test"))
        .await
        .unwrap();
    let files = vec![
        ("a.md".to_string(), b"# A\n1. Q?\n".to_vec()),
        ("b.bin".to_string(), vec![0, 159, 146, 150]),
    ];
    let id = store.save_upload(acme.id, ann.id, &files).await.unwrap();
    assert_eq!(
        store.upload(acme.id, ann.id, &id).await.unwrap(),
        files,
        "bytes come back exactly"
    );
    assert!(
        matches!(
            store.upload(acme.id, bob.id, &id).await,
            Err(StoreError::Missing(_))
        ),
        "another member's upload"
    );
    assert!(
        matches!(
            store.upload(globex.id, ann.id, &id).await,
            Err(StoreError::Missing(_))
        ),
        "another organisation"
    );
    store.delete_upload(acme.id, &id).await.unwrap();
    assert!(matches!(
        store.upload(acme.id, ann.id, &id).await,
        Err(StoreError::Missing(_))
    ));
    store.close().await;
}
