//! Scorecards, decisions, notes, share links and deliveries on both backends: a scorecard is
//! submitted once and closes its author's notes; the decision moves the interview to assessed;
//! the note keeps revisions; a share link opens only until it expires; a delivery is claimed
//! once per revision and address.

use parley_domain::assessment::{Recommendation, Verdict};
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::interview::{Entry, InterviewState};
use parley_domain::plan::{KitRequest, Scripts, plan};
use parley_domain::{Email, Role};
use parley_store::{DeliveryStart, NewInterview, NewUser, Store, StoreError};
use parley_testdb::{TempPg, sqlite_url};
use std::collections::HashSet;

#[tokio::test]
async fn assessments_hold_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn assessments_hold_on_postgres() {
    if let Some(pg) = TempPg::create().await {
        story(&pg.url).await;
    }
}

fn verdict(r: Recommendation, why: &str) -> Verdict {
    Verdict {
        recommendation: r,
        rationale: why.into(),
    }
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let acme = store.create_org("acme", "Acme").await.unwrap();
    let globex = store.create_org("globex", "Globex").await.unwrap();
    let user = |email: &str| NewUser {
        email: Email::parse(email).unwrap(),
        name: email.into(),
        role: Role::Interviewer,
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
    let role = store
        .create_role(
            acme.id,
            JobRoleDraft {
                title: "Backend".into(),
                description: String::new(),
                competencies: vec![Competency::named("databases", 3, Level::Mid, true)],
                technologies: vec![],
            },
        )
        .await
        .unwrap();
    let draft = CandidateDraft {
        name: "Ada".into(),
        email: None,
        contact: String::new(),
        experience: String::new(),
        technologies: vec![],
    };
    let cand = store
        .create_candidate(acme.id, Some(role.id), draft.clone())
        .await
        .unwrap();
    let kit = plan(&KitRequest {
        role: &role.draft,
        candidate: &draft,
        mentions: &[],
        length: 30,
        interviewers: &[],
        pool: &[],
        asked: &HashSet::new(),
        scripts: &Scripts::default(),
        language: None,
        pinned: vec![],
        next_item: 1,
    })
    .unwrap();
    let iv = store
        .create_interview(
            acme.id,
            NewInterview {
                role: role.id,
                candidate: cand.id,
                kit,
                panel: vec![ann.id, bob.id],
                scheduled_at: Some(1_800_000_000_000),
                created_by: ann.id,
            },
        )
        .await
        .unwrap();
    for to in [InterviewState::Scheduled, InterviewState::InProgress] {
        store
            .transition_interview(acme.id, iv.id, to, ann.id)
            .await
            .unwrap();
    }
    let yes = verdict(Recommendation::Yes, "Knows indexes.");
    assert!(
        matches!(
            store
                .submit_scorecard(acme.id, iv.id, ann.id, yes.clone())
                .await,
            Err(StoreError::Refused(_))
        ),
        "not before the interview is completed"
    );
    let entry = Entry {
        notes: "good".into(),
        rating: Some(3),
        checked: vec![],
    };
    store
        .save_entry(acme.id, iv.id, ann.id, 1, entry.clone(), 1)
        .await
        .unwrap();
    // Skipping the decision is refused by the state machine.
    store
        .transition_interview(acme.id, iv.id, InterviewState::Completed, ann.id)
        .await
        .unwrap();
    let err = store
        .transition_interview(acme.id, iv.id, InterviewState::Assessed, ann.id)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("decision"), "{err}");
    assert!(
        matches!(
            store.decide(acme.id, iv.id, ann.id, yes.clone()).await,
            Err(StoreError::Refused(_))
        ),
        "no scorecard yet"
    );

    // Ann submits once; her notes are then final; a rationale is required.
    assert!(matches!(
        store
            .submit_scorecard(acme.id, iv.id, ann.id, verdict(Recommendation::Yes, " "))
            .await,
        Err(StoreError::Assessment(_))
    ));
    store
        .submit_scorecard(acme.id, iv.id, ann.id, yes.clone())
        .await
        .unwrap();
    assert!(matches!(
        store
            .submit_scorecard(acme.id, iv.id, ann.id, yes.clone())
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store
            .save_entry(acme.id, iv.id, ann.id, 1, entry.clone(), 2)
            .await,
        Err(StoreError::Refused(_))
    ));
    store
        .save_entry(acme.id, iv.id, bob.id, 1, entry, 1)
        .await
        .unwrap();
    store
        .submit_scorecard(
            acme.id,
            iv.id,
            bob.id,
            verdict(Recommendation::No, "Shaky on MVCC."),
        )
        .await
        .unwrap();
    let cards = store.scorecards_of(acme.id, iv.id).await.unwrap();
    assert_eq!(cards.len(), 2);
    assert!(store.scorecards_of(globex.id, iv.id).await.is_err());

    // The decision moves the interview to assessed, in the same transaction.
    let d = store
        .decide(acme.id, iv.id, ann.id, yes.clone())
        .await
        .unwrap();
    assert_eq!(d.verdict, yes);
    assert_eq!(
        store.interview(acme.id, iv.id).await.unwrap().state,
        InterviewState::Assessed
    );
    assert_eq!(store.decision_of(acme.id, iv.id).await.unwrap(), Some(d));

    // The note: revisions, a stale save refused, nothing to share before it is saved.
    assert!(store.note_of(acme.id, iv.id).await.unwrap().is_none());
    let n1 = store
        .save_note(acme.id, iv.id, ann.id, "Hello Ada", Some(0))
        .await
        .unwrap();
    assert_eq!(n1.revision, 1);
    let n2 = store
        .save_note(acme.id, iv.id, bob.id, "Hello Ada, thanks", Some(1))
        .await
        .unwrap();
    assert_eq!((n2.revision, n2.body.as_str()), (2, "Hello Ada, thanks"));
    assert!(matches!(
        store.save_note(acme.id, iv.id, ann.id, "x", Some(1)).await,
        Err(StoreError::Stale { what: "note", .. })
    ));

    // Feedback is given once the note is delivered or shared.
    assert!(
        store
            .transition_interview(acme.id, iv.id, InterviewState::FeedbackSent, ann.id)
            .await
            .is_err()
    );
    assert_eq!(
        store
            .begin_delivery(acme.id, iv.id, 2, "ada@example.com")
            .await
            .unwrap(),
        DeliveryStart::Send
    );
    assert!(
        matches!(
            store
                .begin_delivery(acme.id, iv.id, 2, "ada@example.com")
                .await
                .unwrap(),
            DeliveryStart::Done(_)
        ),
        "claimed once"
    );
    store
        .finish_delivery(
            acme.id,
            iv.id,
            2,
            "ada@example.com",
            false,
            "connection refused",
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .begin_delivery(acme.id, iv.id, 2, "ada@example.com")
            .await
            .unwrap(),
        DeliveryStart::Send,
        "a failed delivery may be tried again"
    );
    store
        .finish_delivery(acme.id, iv.id, 2, "ada@example.com", true, "250 OK")
        .await
        .unwrap();
    let sent = store.deliveries_of(acme.id, iv.id).await.unwrap();
    assert_eq!((sent.len(), sent[0].status.as_str()), (1, "sent"));
    store
        .transition_interview(acme.id, iv.id, InterviewState::FeedbackSent, ann.id)
        .await
        .unwrap();

    // A share link opens the note until it expires, and only with the right code.
    store
        .share_note(acme.id, iv.id, "hash-of-code", 2_000)
        .await
        .unwrap();
    let (org, id, note) = store
        .note_by_share("hash-of-code", 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (org, id, note.body.as_str()),
        (acme.id, iv.id, "Hello Ada, thanks")
    );
    assert!(
        store
            .note_by_share("hash-of-code", 2_000)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(store.note_by_share("other", 1_000).await.unwrap().is_none());
    store.close().await;
}
