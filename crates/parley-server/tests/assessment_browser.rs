//! After the interview in real Chromium: two interviewers score, each blind to the other until
//! they submit; the debrief shows both side by side with the disagreement; the decision; the
//! note drafted, edited, sent to a real SMTP server and read back from it; the share link
//! opened as the candidate, signed out.

mod support;

use fantoccini::{Client, Locator};
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::interview::{Entry, InterviewState};
use parley_domain::{Email, QuestionDraft, Role};
use parley_store::User;
use support::chromium::{browser, click, fill, text, wait_h1, wait_text};
use support::mail::{MailApp, read_back};
use support::{PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_interviewers_score_blind_debrief_decide_and_send_the_note() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let Some(mail) = MailApp::spawn().await else {
        return;
    };
    let result = story(&mail.app, &c, &mail.python, &mail.maildir).await;
    c.close().await.ok();
    mail.app.stop().await;
    result.unwrap();
}

async fn goto(c: &Client, url: &str) {
    c.goto(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
}

async fn sign_in(app: &TestApp, c: &Client, who: &User) {
    goto(c, &format!("{}/login", app.base)).await;
    fill(c, "input[name=email]", who.email.as_str()).await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "All questions").await;
}

async fn sign_out(c: &Client) {
    click(c, ".signout button").await;
    wait_h1(c, "Sign in").await;
}

async fn story(
    app: &TestApp,
    c: &Client,
    python: &std::path::Path,
    maildir: &std::path::Path,
) -> Result<(), String> {
    let org = app.org("acme").await;
    let (ann, _) = app.member(&org, Role::Interviewer).await;
    let (bob, _) = app.member(&org, Role::Admin).await;
    let mut pool = Vec::new();
    for (n, section) in [(1, "Databases"), (2, "Security")] {
        let mut d = QuestionDraft::new(format!("Question {n} about {section}?"));
        d.section = Some(section.into());
        d.key_points = vec![format!("point one of {n}"), format!("point two of {n}")];
        let q = app.store.create_question(org.id, d, "seed").await.unwrap();
        pool.push(parley_domain::kit::PoolQuestion {
            id: q.id,
            text: q.draft.text.clone(),
            section: q.draft.section.clone(),
            tags: vec![],
            kind: q.draft.kind,
            language: None,
            minutes: 4,
            reference_answer: None,
            key_points: q.draft.key_points.clone(),
            look_for: vec![],
            red_flags: vec![],
            follow_ups: vec![],
        });
    }
    let role = app
        .store
        .create_role(
            org.id,
            JobRoleDraft {
                title: "Backend developer".into(),
                description: String::new(),
                competencies: vec![
                    Competency::named("databases", 3, Level::Mid, true),
                    Competency::named("security", 2, Level::Mid, true),
                ],
                technologies: vec![],
            },
        )
        .await
        .unwrap();
    let draft = CandidateDraft {
        name: "Ada Lovelace".into(),
        email: Some(Email::parse("ada@example.com").unwrap()),
        contact: String::new(),
        experience: String::new(),
        technologies: vec![],
    };
    let cand = app
        .store
        .create_candidate(org.id, Some(role.id), draft.clone())
        .await
        .unwrap();
    let kit = parley_domain::plan::plan(&parley_domain::plan::KitRequest {
        role: &role.draft,
        candidate: &draft,
        mentions: &[],
        length: 30,
        interviewers: &[],
        pool: &pool,
        asked: &Default::default(),
        scripts: &Default::default(),
        language: None,
        pinned: vec![],
        next_item: 1,
    })
    .unwrap();
    let item = |key: &str| kit.blocks.iter().find(|b| b.key == key).unwrap().items[0].id;
    let (db, sec) = (item("databases"), item("security"));
    let iv = app
        .store
        .create_interview(
            org.id,
            parley_store::NewInterview {
                role: role.id,
                candidate: cand.id,
                kit: kit.clone(),
                panel: vec![ann.id, bob.id],
                scheduled_at: Some(1_800_000_000_000),
                created_by: ann.id,
            },
        )
        .await
        .unwrap();
    for to in [InterviewState::Scheduled, InterviewState::InProgress] {
        app.store
            .transition_interview(org.id, iv.id, to, ann.id)
            .await
            .unwrap();
    }
    let entry = |notes: &str, rating, checked: Vec<u32>| Entry {
        notes: notes.into(),
        rating: Some(rating),
        checked,
    };
    for (who, item, e) in [
        (
            ann.id,
            db,
            entry("Explained covering indexes well", 4, vec![0, 1]),
        ),
        (ann.id, sec, entry("Knew CSRF", 3, vec![0])),
        (bob.id, db, entry("Unsure about write costs", 1, vec![])),
        (bob.id, sec, entry("Fine", 3, vec![0])),
    ] {
        app.store
            .save_entry(org.id, iv.id, who, item, e, 1)
            .await
            .unwrap();
    }
    app.store
        .transition_interview(org.id, iv.id, InterviewState::Completed, ann.id)
        .await
        .unwrap();
    let page = format!("{}/interviews/{}/assessment", app.base, iv.id);

    // Ann scores first: she sees her own reading, not Bob's, then submits.
    sign_in(app, c, &ann).await;
    goto(c, &page).await;
    let blind = text(c, "#blind").await;
    assert!(blind.contains("hidden until you submit"), "{blind}");
    assert!(
        text(c, "#mine")
            .await
            .contains("Explained covering indexes well")
    );
    let body = text(c, "main").await;
    assert!(
        !body.contains("Unsure about write costs"),
        "Bob's notes are hidden from Ann"
    );
    click(c, "#scorecard input[value=yes]").await;
    fill(
        c,
        "#scorecard textarea[name=rationale]",
        "Strong on databases, CSRF fine.",
    )
    .await;
    click(c, "#scorecard button[type=submit]").await;
    wait_text(c, "#panel caption", |t| t.contains("Each member")).await;
    sign_out(c).await;

    // Bob has not submitted: Ann's call and rationale stay hidden from him.
    sign_in(app, c, &bob).await;
    goto(c, &page).await;
    assert!(text(c, "#blind").await.contains("has submitted"));
    let body = text(c, "main").await;
    assert!(
        !body.contains("Strong on databases"),
        "Ann's rationale is hidden from Bob"
    );
    assert!(
        !body.contains("Explained covering indexes"),
        "and her notes"
    );
    click(c, "#scorecard input[value=no]").await;
    fill(
        c,
        "#scorecard textarea[name=rationale]",
        "Could not explain write costs.",
    )
    .await;
    click(c, "#scorecard button[type=submit]").await;

    // The debrief: both side by side, the disagreement marked, the agreement shown.
    let panel = wait_text(c, "#panel", |t| t.contains("disagreement")).await;
    assert!(
        panel.contains("Databases") && panel.contains("disagreement"),
        "{panel}"
    );
    let body = text(c, "main").await;
    assert!(
        body.contains("Strong on databases, CSRF fine.")
            && body.contains("Could not explain write costs.")
    );
    let alpha = text(c, "#alpha").await;
    assert!(
        alpha.parse::<f64>().is_ok() || alpha.starts_with("not enough"),
        "{alpha}"
    );
    click(c, "#decide input[value=no]").await;
    fill(
        c,
        "#decide textarea[name=rationale]",
        "Databases below the bar for this role.",
    )
    .await;
    click(c, "#decide button[type=submit]").await;
    wait_text(c, "#decision", |t| t.contains("Databases below the bar")).await;

    // The note: drafted, edited, saved, sent, read back from the mail server.
    click(c, "main p.meta a[href$='/note']").await;
    wait_text(c, "main h1", |t| t.starts_with("Note for the candidate")).await;
    let draft = c
        .find(Locator::Css("textarea[name=body]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        draft.starts_with("Hello Ada,") && draft.contains("Areas to improve"),
        "{draft}"
    );
    c.find(Locator::Css("textarea[name=body]"))
        .await
        .unwrap()
        .send_keys("\nP.S. We enjoyed the conversation.")
        .await
        .unwrap();
    click(c, "#note-form button[value=save]").await;
    wait_text(c, ".notice", |t| t == "Saved the note.").await;
    assert!(
        text(c, ".note-preview")
            .await
            .contains("We enjoyed the conversation.")
    );
    click(c, "button[value=send]").await;
    wait_text(c, ".notice", |t| t == "Sent.").await;
    let mut got = Vec::new();
    for _ in 0..50 {
        got = read_back(python, maildir);
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0]["to"].as_str().unwrap().contains("ada@example.com"));
    let mailed = got[0]["text"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        mailed.starts_with("Hello Ada,") && mailed.contains("We enjoyed the conversation."),
        "{mailed}"
    );
    assert!(
        !mailed.contains("Unsure about write costs"),
        "interviewers' notes never go out"
    );

    // A share link, opened as the candidate: signed out, the note alone.
    click(c, "button[value=share]").await;
    let link = wait_text(c, "#share-link", |t| t.contains("/notes/")).await;
    sign_out(c).await;
    goto(c, &link).await;
    let shown = text(c, "article.note-public").await;
    assert!(
        shown.starts_with("Hello Ada,") && shown.contains("We enjoyed the conversation."),
        "{shown}"
    );
    assert!(
        c.find(Locator::Css(".signout")).await.is_err(),
        "nothing of the app around it"
    );
    assert_eq!(
        app.store.interview(org.id, iv.id).await.unwrap().state,
        InterviewState::FeedbackSent
    );
    Ok(())
}
