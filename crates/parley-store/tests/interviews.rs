//! Roles, candidates and interviews on both backends: kits edited only before the start,
//! every state change checked and recorded, notes saved per panel member without doubling or
//! going back in time, questions remembered per candidate, and nothing across organisations.

use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::interview::{Entry, InterviewState};
use parley_domain::kit::{KitError, PoolQuestion};
use parley_domain::plan::{KitRequest, Scripts, plan};
use parley_domain::{Email, QuestionId, QuestionKind, Role};
use parley_store::{NewInterview, NewUser, Store, StoreError};
use parley_testdb::{TempPg, sqlite_url};
use std::collections::HashSet;

#[tokio::test]
async fn interviews_hold_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn interviews_hold_on_postgres() {
    if let Some(pg) = TempPg::create().await {
        story(&pg.url).await;
    }
}

fn role() -> JobRoleDraft {
    JobRoleDraft {
        title: "Backend developer".into(),
        description: "Payments team".into(),
        competencies: vec![
            Competency::named("databases", 3, Level::Senior, true),
            Competency::named("security", 2, Level::Mid, true),
        ],
        technologies: vec!["PostgreSQL".into()],
    }
}

fn pool() -> Vec<PoolQuestion> {
    (1..=6)
        .map(|n| PoolQuestion {
            id: QuestionId::from_u128(n),
            text: format!("Question {n}?"),
            section: Some(if n % 2 == 0 { "Databases" } else { "Security" }.into()),
            tags: vec![],
            kind: QuestionKind::Technical,
            language: None,
            minutes: 4,
            reference_answer: None,
            key_points: vec!["one".into(), "two".into()],
            look_for: vec![],
            red_flags: vec![],
            follow_ups: vec![],
        })
        .collect()
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let acme = store.create_org("acme", "Acme").await.unwrap();
    let globex = store.create_org("globex", "Globex").await.unwrap();
    let user = |email: &str, role| NewUser {
        email: Email::parse(email).unwrap(),
        name: email.split('@').next().unwrap().to_string(),
        role,
        password_hash: "h".into(),
    };
    let ann = store
        .create_user(acme.id, &user("ann@acme.test", Role::Interviewer))
        .await
        .unwrap();
    let bob = store
        .create_user(acme.id, &user("bob@acme.test", Role::Admin))
        .await
        .unwrap();
    let cand_user = store
        .create_user(acme.id, &user("c@acme.test", Role::Candidate))
        .await
        .unwrap();
    let stranger = store
        .create_user(globex.id, &user("x@globex.test", Role::Owner))
        .await
        .unwrap();

    // Settings default until saved, then come back as saved.
    let mut settings = store.org_settings(acme.id).await.unwrap();
    assert_eq!(settings.scale.0.len(), 4);
    settings.company = "Acme Payments".into();
    store.save_org_settings(acme.id, &settings).await.unwrap();
    assert_eq!(
        store.org_settings(acme.id).await.unwrap().company,
        "Acme Payments"
    );
    assert_eq!(
        store.org_settings(globex.id).await.unwrap().company,
        "our company"
    );

    // Roles and candidates, with revisions and isolation.
    let r = store.create_role(acme.id, role()).await.unwrap();
    assert!(matches!(
        store.role(globex.id, r.id).await,
        Err(StoreError::Missing("role"))
    ));
    let mut changed = role();
    changed.title = "Senior backend developer".into();
    let r2 = store
        .update_role(acme.id, r.id, Some(1), changed.clone())
        .await
        .unwrap();
    assert_eq!(r2.revision, 2);
    assert!(matches!(
        store.update_role(acme.id, r.id, Some(1), changed).await,
        Err(StoreError::Stale {
            what: "role",
            expected: 1,
            current: 2
        })
    ));
    let mut bad = role();
    bad.competencies.clear();
    assert!(matches!(
        store.create_role(acme.id, bad).await,
        Err(StoreError::Hiring(_))
    ));

    let draft = CandidateDraft {
        name: "Ada".into(),
        email: Some(Email::parse("ada@example.com").unwrap()),
        contact: String::new(),
        experience: "Ran PostgreSQL at scale.".into(),
        technologies: vec!["PostgreSQL".into()],
    };
    let c = store
        .create_candidate(acme.id, Some(r.id), draft.clone())
        .await
        .unwrap();
    assert_eq!(store.candidate(acme.id, c.id).await.unwrap().draft, draft);
    assert!(
        store
            .create_candidate(globex.id, Some(r.id), draft.clone())
            .await
            .is_err(),
        "a foreign role"
    );
    assert!(store.candidates_of(globex.id).await.unwrap().is_empty());

    // An interview with its kit.
    let kit = |asked: &HashSet<QuestionId>| {
        let role = role().validated().unwrap();
        let pool = pool();
        plan(&KitRequest {
            role: &role,
            candidate: &draft,
            mentions: &[],
            length: 45,
            interviewers: &[],
            pool: &pool,
            asked,
            scripts: &Scripts::default(),
            language: None,
            pinned: vec![],
            next_item: 1,
        })
        .unwrap()
    };
    let new = |panel: Vec<_>| NewInterview {
        role: r.id,
        candidate: c.id,
        kit: kit(&HashSet::new()),
        panel,
        scheduled_at: None,
        created_by: ann.id,
    };
    assert!(matches!(
        store
            .create_interview(acme.id, new(vec![stranger.id]))
            .await,
        Err(StoreError::Missing("panel member"))
    ));
    assert!(matches!(
        store
            .create_interview(acme.id, new(vec![cand_user.id]))
            .await,
        Err(StoreError::Refused(_))
    ));
    let iv = store.create_interview(acme.id, new(vec![])).await.unwrap();
    assert_eq!(
        (iv.state, iv.kit_revision, iv.sequence),
        (InterviewState::Draft, 1, 1)
    );
    assert!(matches!(
        store.interview(globex.id, iv.id).await,
        Err(StoreError::Missing(_))
    ));
    assert!(
        store.delete_role(acme.id, r.id).await.is_err(),
        "the role is in use"
    );

    // Scheduling needs a time and a panel; the state machine says why not.
    let err = store
        .transition_interview(acme.id, iv.id, InterviewState::Scheduled, ann.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Transition(ref t) if t.reason.contains("date")),
        "{err}"
    );
    let iv = store
        .plan_interview(
            acme.id,
            iv.id,
            Some(1_800_000_000_000),
            &[ann.id, bob.id, ann.id],
        )
        .await
        .unwrap();
    assert_eq!(iv.panel.len(), 2);
    assert_eq!(iv.sequence, 2, "a new time bumps the calendar sequence");

    // Kit edits before the start, checked against the revision.
    let first_db = iv
        .kit
        .blocks
        .iter()
        .find(|b| b.key == "databases")
        .unwrap()
        .items[0]
        .id;
    let (iv, ()) = store
        .edit_kit(acme.id, iv.id, Some(1), |k| k.set_pinned(first_db, true))
        .await
        .unwrap();
    assert_eq!(iv.kit_revision, 2);
    assert!(iv.kit.item(first_db).unwrap().pinned);
    assert!(matches!(
        store
            .edit_kit(acme.id, iv.id, Some(1), |k| k.set_pinned(first_db, false))
            .await,
        Err(StoreError::Stale { what: "kit", .. })
    ));
    assert!(matches!(
        store
            .edit_kit(acme.id, iv.id, None, |k| k.remove(first_db))
            .await,
        Err(StoreError::Kit(KitError::Pinned(_)))
    ));

    for to in [InterviewState::Scheduled, InterviewState::InProgress] {
        store
            .transition_interview(acme.id, iv.id, to, bob.id)
            .await
            .unwrap();
    }
    let iv = store.interview(acme.id, iv.id).await.unwrap();
    assert!(iv.started_at.is_some());
    assert!(matches!(
        store
            .edit_kit(acme.id, iv.id, None, |k| k.set_pinned(first_db, false))
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store
            .transition_interview(acme.id, iv.id, InterviewState::Cancelled, bob.id)
            .await,
        Err(StoreError::Transition(_))
    ));

    // Notes: per member, newest save wins, a late older save changes nothing.
    let entry = |notes: &str, rating, checked: Vec<u32>| Entry {
        notes: notes.into(),
        rating,
        checked,
    };
    let saved = store
        .save_entry(
            acme.id,
            iv.id,
            ann.id,
            first_db,
            entry("first", Some(3), vec![1]),
            5,
        )
        .await
        .unwrap();
    assert_eq!((saved.entry.notes.as_str(), saved.client_rev), ("first", 5));
    let again = store
        .save_entry(
            acme.id,
            iv.id,
            ann.id,
            first_db,
            entry("first", Some(3), vec![1]),
            5,
        )
        .await
        .unwrap();
    assert_eq!(again, saved, "a retried save is the same save");
    let late = store
        .save_entry(
            acme.id,
            iv.id,
            ann.id,
            first_db,
            entry("older", None, vec![]),
            4,
        )
        .await
        .unwrap();
    assert_eq!(
        late.entry.notes, "first",
        "an older save never overwrites a newer one"
    );
    store
        .save_entry(
            acme.id,
            iv.id,
            bob.id,
            first_db,
            entry("bob's", Some(1), vec![]),
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .entries_of(acme.id, iv.id, Some(ann.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.entries_of(acme.id, iv.id, None).await.unwrap().len(),
        2
    );
    assert!(matches!(
        store
            .save_entry(
                acme.id,
                iv.id,
                ann.id,
                first_db,
                entry("x", Some(9), vec![]),
                9
            )
            .await,
        Err(StoreError::Entry(_))
    ));
    assert!(matches!(
        store
            .save_entry(acme.id, iv.id, ann.id, 999, entry("x", None, vec![]), 9)
            .await,
        Err(StoreError::Kit(KitError::NoItem(999)))
    ));
    assert!(matches!(
        store
            .save_entry(
                acme.id,
                iv.id,
                cand_user.id,
                first_db,
                entry("x", None, vec![]),
                9
            )
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(store.entries_of(globex.id, iv.id, None).await.is_err());
    // Removing a member keeps the notes they took (the evidence of the assessment).
    store.remove_user(acme.id, bob.id).await.unwrap();
    let kept = store
        .entries_of(acme.id, iv.id, Some(bob.id))
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].entry.notes, "bob's");

    // History of the transitions, with who and when.
    store
        .transition_interview(acme.id, iv.id, InterviewState::Completed, ann.id)
        .await
        .unwrap();
    let history = store.transitions_of(acme.id, iv.id).await.unwrap();
    let moves: Vec<_> = history.iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(
        moves,
        [
            (InterviewState::Draft, InterviewState::Scheduled),
            (InterviewState::Scheduled, InterviewState::InProgress),
            (InterviewState::InProgress, InterviewState::Completed)
        ]
    );
    assert_eq!(history[2].by, ann.id);

    // The questions asked are remembered for the next interview with this candidate.
    let asked = store.asked_questions(acme.id, c.id, None).await.unwrap();
    assert_eq!(asked, iv.kit.question_ids().into_iter().collect());
    assert!(
        store
            .asked_questions(acme.id, c.id, Some(iv.id))
            .await
            .unwrap()
            .is_empty()
    );
    let next = kit(&asked);
    assert!(next.question_ids().iter().all(|q| !asked.contains(q)));
    assert_eq!(
        store
            .interviews_of(acme.id, Some(c.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .interviews_of(globex.id, None)
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
}
