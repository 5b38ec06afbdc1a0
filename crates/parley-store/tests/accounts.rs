//! The accounts story on both backends: organisations, members, setup once, sessions, tokens,
//! invitations, failed logins and idempotent replies, with tenant isolation throughout.

use parley_domain::{Email, Role};
use parley_store::{NewUser, Store, StoreError, StoredReply};
use parley_testdb::{TempPg, sqlite_url};

#[tokio::test]
async fn accounts_story_holds_on_sqlite() {
    let (_dir, url) = sqlite_url();
    accounts_story(&url).await;
}

#[tokio::test]
async fn accounts_story_holds_on_postgres() {
    if let Some(pg) = TempPg::create().await {
        accounts_story(&pg.url).await;
    }
}

fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        name: "Ann".into(),
        role,
        password_hash: "$argon2id$fake".into(),
    }
}

async fn accounts_story(url: &str) {
    let store = Store::open(url).await.unwrap();
    assert!(!store.has_users().await.unwrap());

    // Setup adopts the organisation the command line made, and happens once.
    let default = store.ensure_org("default").await.unwrap();
    let (org, owner) = store
        .set_up_instance("default", "Acme", &new_user("owner@acme.test", Role::Owner))
        .await
        .unwrap();
    assert_eq!((org.id, org.name.as_str()), (default, "Acme"));
    assert!(store.has_users().await.unwrap());
    let again = store
        .set_up_instance("other", "Other", &new_user("x@y.test", Role::Owner))
        .await;
    assert!(matches!(again, Err(StoreError::Refused(_))), "{again:?}");
    assert!(
        store.org_by_slug("other").await.unwrap().is_none(),
        "the refused setup wrote nothing"
    );

    // Organisations and members; an address is one account per organisation.
    let globex = store.create_org("globex", "Globex").await.unwrap();
    assert!(matches!(
        store.create_org("globex", "Again").await,
        Err(StoreError::Refused(_))
    ));
    let ann_g = store
        .create_user(globex.id, &new_user("owner@acme.test", Role::Interviewer))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_user(org.id, &new_user("OWNER@acme.test", Role::Admin))
            .await,
        Err(StoreError::Refused(_))
    ));
    assert_eq!(store.users_by_email(&owner.email).await.unwrap().len(), 2);
    assert_eq!(store.users_of(org.id).await.unwrap(), vec![owner.clone()]);
    assert!(
        matches!(
            store.user(globex.id, owner.id).await,
            Err(StoreError::Missing(_))
        ),
        "foreign member"
    );

    // Sessions: found while alive, gone after logout or expiry; a password change ends the
    // others but keeps the one that made it.
    let far = i64::MAX / 2;
    store
        .create_session("s1", owner.id, "csrf1", far)
        .await
        .unwrap();
    store
        .create_session("s2", owner.id, "csrf2", far)
        .await
        .unwrap();
    store
        .create_session("old", owner.id, "csrf3", 1)
        .await
        .unwrap();
    let s = store.session("s1").await.unwrap().unwrap();
    assert_eq!((s.user.id, s.csrf_token.as_str()), (owner.id, "csrf1"));
    assert!(store.session("old").await.unwrap().is_none(), "expired");
    store
        .set_password(org.id, owner.id, "$argon2id$new", Some("s1"))
        .await
        .unwrap();
    assert!(store.session("s1").await.unwrap().is_some());
    assert!(store.session("s2").await.unwrap().is_none());
    assert_eq!(
        store.password_hash(org.id, owner.id).await.unwrap(),
        "$argon2id$new"
    );
    assert!(matches!(
        store.set_password(globex.id, owner.id, "h", None).await,
        Err(StoreError::Missing(_))
    ));
    store.delete_session("s1").await.unwrap();
    assert!(store.session("s1").await.unwrap().is_none());

    // Tokens: found by hash, listed without secrets, revoked only by their owner.
    let t = store.create_token(owner.id, "ci", "hash-t").await.unwrap();
    assert_eq!(
        store.user_by_token("hash-t").await.unwrap().unwrap().id,
        owner.id
    );
    assert!(store.user_by_token("nope").await.unwrap().is_none());
    let listed = store.tokens_of(owner.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "use is noted");
    assert!(matches!(
        store.revoke_token(ann_g.id, t.id).await,
        Err(StoreError::Missing(_))
    ));
    store.revoke_token(owner.id, t.id).await.unwrap();
    assert!(store.user_by_token("hash-t").await.unwrap().is_none());

    // Invitations: an open code makes one account, with the invited role, once.
    let inv = store
        .create_invitation(org.id, "code-1", None, Role::Interviewer, owner.id, far)
        .await
        .unwrap();
    assert_eq!(store.open_invitation("code-1").await.unwrap().id, inv.id);
    let bob = store
        .accept_invitation("code-1", &new_user("bob@acme.test", Role::Owner))
        .await
        .unwrap();
    assert_eq!(
        (bob.org, bob.role),
        (org.id, Role::Interviewer),
        "the invitation's role, not the caller's"
    );
    assert!(matches!(
        store
            .accept_invitation("code-1", &new_user("eve@acme.test", Role::Candidate))
            .await,
        Err(StoreError::Missing(_))
    ));
    store
        .create_invitation(
            org.id,
            "code-2",
            Some(&Email::parse("carol@acme.test").unwrap()),
            Role::Candidate,
            owner.id,
            far,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .accept_invitation("code-2", &new_user("eve@acme.test", Role::Candidate))
            .await,
        Err(StoreError::Refused(_))
    ));
    store
        .create_invitation(org.id, "code-3", None, Role::Candidate, owner.id, 1)
        .await
        .unwrap();
    assert!(
        matches!(
            store.open_invitation("code-3").await,
            Err(StoreError::Missing(_))
        ),
        "expired"
    );
    assert_eq!(store.invitations_of(org.id).await.unwrap().len(), 3);
    assert!(store.invitations_of(globex.id).await.unwrap().is_empty());

    // Roles change; the last owner stays one and cannot be removed.
    assert!(matches!(
        store.set_role(org.id, owner.id, Role::Admin).await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.remove_user(org.id, owner.id).await,
        Err(StoreError::Refused(_))
    ));
    assert_eq!(
        store
            .set_role(org.id, bob.id, Role::Owner)
            .await
            .unwrap()
            .role,
        Role::Owner
    );
    assert_eq!(
        store
            .set_role(org.id, owner.id, Role::Admin)
            .await
            .unwrap()
            .role,
        Role::Admin,
        "another owner exists now"
    );
    assert!(
        matches!(
            store.set_role(globex.id, bob.id, Role::Candidate).await,
            Err(StoreError::Missing(_))
        ),
        "foreign member"
    );
    store.create_token(bob.id, "t", "hash-bob").await.unwrap();
    store.set_role(org.id, owner.id, Role::Owner).await.unwrap();
    store.remove_user(org.id, bob.id).await.unwrap();
    assert!(
        store.user_by_token("hash-bob").await.unwrap().is_none(),
        "a removed member's tokens die with them"
    );
    assert!(matches!(
        store.remove_user(org.id, bob.id).await,
        Err(StoreError::Missing(_))
    ));

    // Failed logins are counted per address and cleared.
    store.record_login_failure("a@x.test").await.unwrap();
    store.record_login_failure("a@x.test").await.unwrap();
    assert_eq!(store.login_failures("a@x.test", 0).await.unwrap().len(), 2);
    assert!(
        store
            .login_failures("b@x.test", 0)
            .await
            .unwrap()
            .is_empty()
    );
    store.clear_login_failures("a@x.test").await.unwrap();
    assert!(
        store
            .login_failures("a@x.test", 0)
            .await
            .unwrap()
            .is_empty()
    );

    // Idempotent replies: the first stored wins.
    let first = StoredReply {
        request_hash: "h1".into(),
        status: 201,
        body: "{}".into(),
    };
    let second = StoredReply {
        request_hash: "h1".into(),
        status: 409,
        body: "{\"x\":1}".into(),
    };
    assert_eq!(
        store.store_reply(owner.id, "k", &first).await.unwrap(),
        first
    );
    assert_eq!(
        store.store_reply(owner.id, "k", &second).await.unwrap(),
        first
    );
    assert!(
        store.stored_reply(bob.id, "k").await.unwrap().is_none(),
        "keys are per member"
    );
    store
        .create_session("old2", owner.id, "c", 1)
        .await
        .unwrap();
    assert_eq!(
        store.prune(0, 0).await.unwrap(),
        1,
        "only the expired session goes"
    );
    store.ping().await.unwrap();
    store.close().await;
}
