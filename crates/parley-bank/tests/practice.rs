//! Practice on both backends, through the service the CLI and the server share: the starter
//! bank loads once; the queue offers new questions section by section up to the daily limit;
//! an answer is graded, stored and rated once; the card moves; due cards come back first;
//! nobody reads or rates another member's answers; a mock interview is drawn like a kit,
//! answered, refused after it ends and reported once.

use parley_bank::practice::{Practice, StoredGrade};
use parley_bank::starter;
use parley_domain::{Email, Role};
use parley_grade::Grader;
use parley_practice::queue::Reason;
use parley_practice::{DAY_MS, Rating, Settings};
use parley_store::{NewUser, Store, StoreError};
use parley_testdb::{TempPg, sqlite_url};

#[tokio::test]
async fn practice_holds_on_sqlite() {
    let (_dir, url) = sqlite_url();
    story(&url).await;
}

#[tokio::test]
async fn practice_holds_on_postgres() {
    if let Some(pg) = TempPg::create().await {
        story(&pg.url).await;
    }
}

fn refused(e: parley_bank::BankError) -> String {
    match e {
        parley_bank::BankError::Store(StoreError::Refused(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn story(url: &str) {
    let store = Store::open(url).await.unwrap();
    let acme = store.create_org("acme", "Acme").await.unwrap();
    let first = starter::load(&store, acme.id, "test").await.unwrap();
    assert!(first.report.added >= 150);
    let again = starter::load(&store, acme.id, "test").await.unwrap();
    assert_eq!(again.report.added, 0, "loading twice adds nothing");
    let user = |email: &str| NewUser {
        email: Email::parse(email).unwrap(),
        name: email.into(),
        role: Role::Candidate,
        password_hash: "h".into(),
    };
    let cat = store
        .create_user(acme.id, &user("cat@acme.test"))
        .await
        .unwrap();
    let dan = store
        .create_user(acme.id, &user("dan@acme.test"))
        .await
        .unwrap();
    let cat_p = Practice {
        store: &store,
        org: acme.id,
        user: cat.id,
    };
    let dan_p = Practice {
        store: &store,
        org: acme.id,
        user: dan.id,
    };
    let grader = Grader::new(None);

    // Settings are kept per member and validated (Polish section names become ids).
    let settings = Settings {
        sections: vec!["Bazy danych".into(), "messaging".into()],
        new_per_day: 3,
        language: Some("en".parse().unwrap()),
        ..Settings::default()
    }
    .validated()
    .unwrap();
    assert_eq!(settings.sections, ["databases", "messaging"]);
    store
        .save_practice_settings(acme.id, cat.id, &settings)
        .await
        .unwrap();
    assert_eq!(cat_p.settings().await.unwrap(), settings);
    assert_eq!(dan_p.settings().await.unwrap(), Settings::default());

    // New questions alternate between the chosen sections, up to the daily limit.
    let t0 = parley_bank::practice::day_start(1_790_000_000_000) + 9 * 3_600_000;
    let mut seen_sections = Vec::new();
    let mut attempts = Vec::new();
    for i in 0..3 {
        let offer = cat_p.next(&settings, t0 + i).await.unwrap();
        let (q, reason) = offer.question.expect("a question");
        assert_eq!(reason, Reason::New);
        assert_eq!(offer.counts.new_left_today, 3 - i as u32);
        assert!(q.follow_up_of.is_none() && q.draft.reference_answer.is_some());
        seen_sections.push(q.draft.section.clone().unwrap());
        let answer = q.draft.key_points.join(". ");
        let (attempt, grade, _) = cat_p.answer(&grader, q.id, &answer, t0 + i).await.unwrap();
        assert!(
            grade.score > 2.0,
            "an answer made of the key points: {}",
            grade.score
        );
        assert!(attempt.first_time && attempt.rating.is_none());
        let stored = StoredGrade::parse(attempt.grade.as_deref().unwrap()).unwrap();
        assert_eq!(stored.score, grade.score);
        attempts.push(attempt);
    }
    assert_eq!(seen_sections, ["databases", "messaging", "databases"]);
    // The limit is reached: nothing more today, though unseen questions are left.
    let offer = cat_p.next(&settings, t0 + 10).await.unwrap();
    assert!(offer.question.is_none());
    assert!(offer.counts.unseen > 0 && offer.counts.new_left_today == 0);

    // Dan cannot read or rate Cat's answers.
    let theirs = attempts[0].id;
    assert!(matches!(
        store.practice_attempt(acme.id, dan.id, theirs).await,
        Err(StoreError::Missing(_))
    ));
    assert!(
        dan_p
            .rate(&settings, theirs, Rating::Good, t0)
            .await
            .is_err()
    );

    // Rating moves the card once; a second rating is refused.
    let (rated, card) = cat_p
        .rate(&settings, attempts[0].id, Rating::Again, t0 + 20)
        .await
        .unwrap();
    assert_eq!(rated.rating, Some(Rating::Again));
    assert_eq!(card.reps, 1);
    let msg = refused(
        cat_p
            .rate(&settings, attempts[0].id, Rating::Easy, t0 + 30)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("rated already"), "{msg}");
    for a in &attempts[1..] {
        cat_p
            .rate(&settings, a.id, Rating::Good, t0 + 40)
            .await
            .unwrap();
    }
    // Fifteen minutes on, the lapsed card is due and comes back before anything else.
    let offer = cat_p.next(&settings, t0 + 15 * 60_000).await.unwrap();
    let (q, reason) = offer.question.unwrap();
    assert_eq!((q.id, reason), (attempts[0].question, Reason::Due));
    assert_eq!(offer.counts.due, 1);
    // The next day three new questions are allowed again.
    let offer = cat_p.next(&settings, t0 + DAY_MS).await.unwrap();
    assert_eq!(offer.counts.new_left_today, 3);
    assert_eq!(
        store
            .practice_attempts(acme.id, cat.id, true)
            .await
            .unwrap()
            .len(),
        3
    );

    // A mock interview for the chosen sections: drawn from practisable questions, answered,
    // reported once.
    let mock = cat_p.start_mock(&settings, 30, t0).await.unwrap();
    assert!(!mock.plan.questions.is_empty() && mock.plan.minutes > 0);
    assert_eq!(mock.deadline_at, t0 + i64::from(mock.plan.minutes) * 60_000);
    let q0 = mock.plan.questions[0].clone();
    let full = store.get_question(acme.id, q0.question).await.unwrap();
    let good_answer = full.draft.reference_answer.clone().unwrap();
    let m = cat_p
        .answer_mock(&grader, mock.id, q0.question, "I am not sure.", t0 + 1000)
        .await
        .unwrap();
    assert_eq!(m.answers.len(), 1);
    // Rewriting replaces the answer.
    let m = cat_p
        .answer_mock(&grader, mock.id, q0.question, &good_answer, t0 + 2000)
        .await
        .unwrap();
    assert_eq!(m.answers.len(), 1);
    assert!(m.answers[0].score.unwrap() >= 3.0);
    assert!(
        dan_p
            .answer_mock(&grader, mock.id, q0.question, "x", t0 + 3000)
            .await
            .is_err()
    );
    let done = cat_p
        .finish_mock(&settings, mock.id, t0 + 60_000)
        .await
        .unwrap();
    let report = done.report.clone().expect("a report");
    assert_eq!(report.unanswered, mock.plan.questions.len() - 1);
    assert!(!report.competencies.is_empty());
    assert_eq!(done.answers[0].rating, done.answers[0].suggested);
    let again = cat_p
        .finish_mock(&settings, mock.id, t0 + 90_000)
        .await
        .unwrap();
    assert_eq!(
        again.finished_at, done.finished_at,
        "finishing twice changes nothing"
    );
    let msg = refused(
        cat_p
            .answer_mock(&grader, mock.id, q0.question, "late", t0 + 4000)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("finished"), "{msg}");
    // The mock's answer moved the card of its question.
    let cards = store.practice_cards(acme.id, cat.id).await.unwrap();
    assert!(cards.contains_key(&q0.question));

    // An answer left unrated hides its question only while its page waits for the rating.
    let plain = Settings::default();
    let (q, _) = dan_p.next(&plain, t0).await.unwrap().question.unwrap();
    dan_p.answer(&grader, q.id, "Something.", t0).await.unwrap();
    let (soon, _) = dan_p
        .next(&plain, t0 + 60_000)
        .await
        .unwrap()
        .question
        .unwrap();
    assert_ne!(soon.id, q.id);
    let (later, _) = dan_p
        .next(&plain, t0 + parley_bank::practice::PENDING_MS + 1)
        .await
        .unwrap()
        .question
        .unwrap();
    assert_eq!(
        later.id, q.id,
        "an abandoned answer does not hide its question for ever"
    );
    // Mock answers do not use up the day's new questions.
    assert_eq!(
        store
            .practice_new_since(acme.id, cat.id, t0 - 1)
            .await
            .unwrap(),
        3
    );

    // Removing the member removes their practice.
    store.remove_user(acme.id, dan.id).await.unwrap();
    store.remove_user(acme.id, cat.id).await.unwrap();
    assert!(
        store
            .practice_cards(acme.id, cat.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .practice_attempts(acme.id, cat.id, false)
            .await
            .unwrap()
            .is_empty()
    );
}
