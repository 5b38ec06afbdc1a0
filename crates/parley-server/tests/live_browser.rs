//! The interview path in real Chromium: a candidate added with a CV, a kit built from it and
//! edited, the interview scheduled and started, notes taken on the live screen; then the
//! network cut while typing goes on, restored, the page reloaded and the tab closed while
//! offline — and the notes on the server are exactly what was typed, once.

mod support;

use fantoccini::{Client, Locator};
use parley_domain::hiring::{Competency, JobRoleDraft, Level};
use parley_domain::{QuestionDraft, Role};
use std::time::Duration;
use support::chromium::{browser, click, fill, js, set_offline, text, wait_h1, wait_text};
use support::{Db, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_survive_a_cut_network_a_reload_and_a_closed_tab() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(Db::Sqlite, |_| {}).await.unwrap();
    let result = story(&app, &c).await;
    c.close().await.ok();
    app.stop().await;
    result.unwrap();
}

async fn goto(c: &Client, url: &str) {
    c.goto(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
}

/// The notes the server holds for the first (only) panel member, by item.
async fn server_notes(
    app: &TestApp,
    org: parley_domain::OrgId,
) -> Vec<(u32, String, Option<u8>, Vec<u32>)> {
    let ivs = app.store.interviews_of(org, None).await.unwrap();
    let entries = app.store.entries_of(org, ivs[0].id, None).await.unwrap();
    entries
        .into_iter()
        .map(|e| (e.item, e.entry.notes, e.entry.rating, e.entry.checked))
        .collect()
}

async fn value(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn story(app: &TestApp, c: &Client) -> Result<(), String> {
    let org = app.org("acme").await;
    let (me, _) = app.member(&org, Role::Owner).await;
    for (n, section, text) in [
        (
            1,
            "Messaging and queues",
            "What is a dead-letter queue for?",
        ),
        (
            2,
            "Messaging and queues",
            "How do you make a consumer idempotent?",
        ),
        (
            3,
            "Messaging and queues",
            "What does at-least-once delivery mean?",
        ),
        (4, "Databases", "What does an index cost on writes?"),
        (5, "Databases", "When would you denormalise a table?"),
        (
            6,
            "Databases",
            "How does MVCC let readers and writers not block each other?",
        ),
        (7, "Databases", "What is a covering index?"),
        (
            8,
            "Databases",
            "How would you find the slowest queries of a service?",
        ),
        (
            9,
            "Databases",
            "What isolation level would you pick for a money transfer?",
        ),
    ] {
        let mut d = QuestionDraft::new(text);
        d.section = Some(section.into());
        d.reference_answer = Some(format!("Reference answer number {n}."));
        d.key_points = vec![format!("point A{n}"), format!("point B{n}")];
        app.store.create_question(org.id, d, "seed").await.unwrap();
    }
    app.store
        .create_role(
            org.id,
            JobRoleDraft {
                title: "Backend developer".into(),
                description: String::new(),
                competencies: vec![
                    Competency::named("messaging", 3, Level::Senior, true),
                    Competency::named("databases", 2, Level::Mid, true),
                ],
                technologies: vec!["RabbitMQ".into()],
            },
        )
        .await
        .unwrap();

    // Sign in.
    goto(c, &format!("{}/login", app.base)).await;
    fill(c, "input[name=email]", me.email.as_str()).await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "All questions").await;

    // A candidate from a pasted CV: the technologies are found for the interviewer to check.
    goto(c, &format!("{}/candidates", app.base)).await;
    fill(c, "input[name=name]", "Ada Lovelace").await;
    fill(
        c,
        "textarea[name=experience]",
        "Built an order platform. I ran RabbitMQ clusters for the order events.",
    )
    .await;
    c.find(Locator::Css("select[name=role_id]"))
        .await
        .unwrap()
        .select_by_index(1)
        .await
        .unwrap();
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "Ada Lovelace Backend developer").await;
    let found = text(c, "ul.found").await;
    assert!(
        found.contains("RabbitMQ") && found.contains("I ran RabbitMQ clusters"),
        "{found}"
    );

    // Build a 45-minute kit; its opener is about RabbitMQ.
    c.find(Locator::Css("#plan select[name=length]"))
        .await
        .unwrap()
        .select_by_value("45")
        .await
        .unwrap();
    click(c, "#plan button[type=submit]").await;
    wait_h1(c, "Interview: Ada Lovelace, Backend developer").await;
    let opener = text(c, "#block-experience .item .q").await;
    assert!(opener.contains("RabbitMQ"), "{opener}");

    // Swap a question from the suggestions.
    let before = text(c, "#block-databases .item .q").await;
    click(c, "#block-databases .item a[href*='/swap/']").await;
    wait_text(c, "main h1", |t| t.starts_with("Swap a question")).await;
    click(c, "main form button[value=swap]").await;
    wait_h1(c, "Interview: Ada Lovelace, Backend developer").await;
    let after = text(c, "#block-databases .items").await;
    assert!(
        !after.contains(&before),
        "{before} was swapped out: {after}"
    );

    // Schedule and start: the start opens the live screen.
    js(
        c,
        "const f = document.querySelector('form[action$=\"/plan\"]'); \
         f.querySelector('input[name=scheduled_at]').value = '2027-01-15T08:00'; f.requestSubmit(); return 1",
    )
    .await;
    wait_text(c, "main .meta", |t| t.contains("2027-01-15 08:00 UTC")).await;
    click(c, "button[value=scheduled]").await;
    wait_text(c, "#state", |t| t == "Scheduled").await;
    click(c, "button[value=in_progress]").await;
    wait_text(c, "#sync", |t| t == "All notes saved").await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().ends_with("/live"), "{url}");
    let pace = text(c, "#pace").await;
    assert!(
        pace.contains("Messaging and queues") && pace.contains("not covered yet"),
        "{pace}"
    );

    // One block at a time; n moves on. Notes on the first messaging question.
    let visible = js(
        c,
        "return [...document.querySelectorAll('.live-block')].filter(b => !b.hidden).length",
    )
    .await;
    assert_eq!(visible, 1);
    js(c, "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', bubbles: true})); return 1").await;
    js(c, "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', bubbles: true})); return 1").await;
    let block = js(
        c,
        "return document.querySelector('.live-block:not([hidden])').dataset.title",
    )
    .await;
    assert_eq!(block, "Messaging and queues");
    let card = "section.live-block:not([hidden]) form.card";
    let notes = format!("{card} textarea[name=notes]");
    fill(c, &notes, "Knows DLQs").await;
    click(c, &format!("{card} input[name=checked][value='0']")).await;
    click(c, &format!("{card} input[name=rating][value='3']")).await;
    wait_text(c, "#sync", |t| t == "All notes saved").await;
    let saved = server_notes(app, org.id).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(
        (saved[0].1.as_str(), saved[0].2, saved[0].3.clone()),
        ("Knows DLQs", Some(3), vec![0])
    );
    let item = saved[0].0;
    let pace = text(c, "#pace").await;
    assert!(
        !pace.contains("Messaging and queues"),
        "covered now: {pace}"
    );

    // The network drops; typing goes on and is kept on the device.
    set_offline(c, true).await;
    c.find(Locator::Css(&notes))
        .await
        .unwrap()
        .send_keys(" and retries")
        .await
        .unwrap();
    click(c, &format!("{card} input[name=checked][value='1']")).await;
    wait_text(c, "#sync", |t| t.starts_with("Offline")).await;
    assert_eq!(
        server_notes(app, org.id).await[0].1,
        "Knows DLQs",
        "nothing reached the server"
    );
    c.find(Locator::Css(&notes))
        .await
        .unwrap()
        .send_keys(", backoff")
        .await
        .unwrap();

    // Back online: everything arrives, once.
    set_offline(c, false).await;
    js(c, "window.dispatchEvent(new Event('online')); return 1").await;
    wait_text(c, "#sync", |t| t == "All notes saved").await;
    let saved = server_notes(app, org.id).await;
    assert_eq!(
        saved,
        vec![(
            item,
            "Knows DLQs and retries, backoff".to_string(),
            Some(3),
            vec![0, 1]
        )]
    );

    // A reload shows exactly that.
    c.refresh().await.unwrap();
    wait_text(c, "#sync", |t| t == "All notes saved").await;
    let sel = format!("#item-{item} textarea[name=notes]");
    assert_eq!(value(c, &sel).await, "Knows DLQs and retries, backoff");
    let ticked = js(c, &format!("return [...document.querySelectorAll('#item-{item} input[name=checked]:checked')].map(x => x.value).join(',')")).await;
    assert_eq!(ticked, "0,1");

    // Offline again, a last line, and the tab is closed before anything could be sent.
    set_offline(c, true).await;
    c.find(Locator::Css(&sel))
        .await
        .unwrap()
        .send_keys(". Strong.")
        .await
        .unwrap();
    wait_text(c, "#sync", |t| t.starts_with("Offline")).await;
    let other_tab = c.new_window(true).await.unwrap().handle;
    c.close_window().await.unwrap();
    c.switch_to_window(other_tab).await.unwrap();
    set_offline(c, false).await;
    assert_eq!(
        server_notes(app, org.id).await[0].1,
        "Knows DLQs and retries, backoff",
        "the closed tab sent nothing"
    );
    // Opening the screen again sends what this device kept.
    goto(c, url.as_ref()).await;
    wait_text(c, "#sync", |t| t == "All notes saved").await;
    let saved = server_notes(app, org.id).await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].1, "Knows DLQs and retries, backoff. Strong.");
    assert_eq!(
        value(c, &sel).await,
        "Knows DLQs and retries, backoff. Strong."
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(())
}
