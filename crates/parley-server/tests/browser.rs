//! The web UI in real Chromium (Debian's chromium and chromium-driver, which `.ci/run`
//! installs): first-run setup, upload-import with its preview, search, markup shown as text,
//! an edit refused on conflict with the editor's text kept, login and logout, keyboard use, and
//! the layout at laptop and phone widths.

mod support;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use parley_domain::QuestionDraft;
use support::chromium::{browser, click, fill, js, text, wait_h1, wait_text};
use support::{Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_owner_sets_up_imports_searches_and_edits_in_chromium() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(Db::Sqlite, |_| {}).await.unwrap();
    let result = story(&app, &c).await;
    c.close().await.ok();
    app.stop().await;
    result.unwrap();
}

async fn story(app: &TestApp, c: &Client) -> Result<(), String> {
    // First-run setup, with the link the server printed.
    c.goto(app.setup_link.as_ref().unwrap())
        .await
        .map_err(|e| e.to_string())?;
    fill(c, "input[name=org_name]", "Acme Hiring").await;
    fill(c, "input[name=name]", "Ann Owner").await;
    fill(c, "input[name=email]", "ann@acme.test").await;
    fill(c, "input[name=password]", "a long owner password").await;
    // This story starts from an empty bank (the practice story takes the starter bank).
    click(c, "input[name=starter]").await;
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "All questions").await;
    assert!(text(c, ".who").await.contains("Ann Owner"));

    // Upload-import: a preview first, then the confirmed import.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backend-notes.md");
    std::fs::write(
        &file,
        "# Messaging\n\n1. What is a dead-letter queue?\n   A queue where messages that cannot be processed are parked for inspection.\n\n\
         2. Why would a consumer read the same message twice?\n   Delivery is at least once; an acknowledgement can be lost after processing.\n\n\
         # Databases\n\n3. What does an index cost on writes?\n   Every insert and update must also update the index.\n",
    )
    .unwrap();
    c.goto(&format!("{}/import", app.base))
        .await
        .map_err(|e| e.to_string())?;
    c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "Preview").await;
    let summary = text(c, ".summary").await;
    assert!(summary.contains("Would add 3"), "{summary}");
    assert!(
        app.store
            .all_questions(app.store.org_by_slug("default").await.unwrap().unwrap())
            .await
            .unwrap()
            .is_empty(),
        "a preview writes nothing"
    );
    click(c, "form[action$='/confirm'] button").await;
    wait_h1(c, "Imported").await;

    // Search, with the matched word marked.
    c.goto(&format!("{}/questions", app.base))
        .await
        .map_err(|e| e.to_string())?;
    let active = js(c, "document.dispatchEvent(new KeyboardEvent('keydown', {key: '/'})); return document.activeElement.id").await;
    assert_eq!(active, "q", "/ focuses the search box");
    fill(c, "#q", "dead letter").await;
    click(c, "form.search button[type=submit]").await;
    wait_text(c, "main h1", |t| t.contains("results for “dead letter”")).await;
    let first = c.find(Locator::Css("ol.list li a.q")).await.unwrap();
    assert_eq!(first.text().await.unwrap(), "What is a dead-letter queue?");
    assert!(first.html(true).await.unwrap().contains("<mark>"));

    // A question written in the browser; markup in it is text: shown, never run.
    click(c, "nav a[href='/questions/new']").await;
    wait_h1(c, "New question").await;
    fill(
        c,
        "textarea[name=text]",
        "How does <script>window.pwned = 1</script> get into a page?",
    )
    .await;
    fill(
        c,
        "textarea[name=reference_answer]",
        "Through output that is not escaped. <b>Escape</b> on output.",
    )
    .await;
    click(c, ".editor form button[type=submit]").await;
    wait_text(c, "main h1", |t| {
        t.contains("<script>window.pwned = 1</script>")
    })
    .await;
    assert!(text(c, ".prose").await.contains("<b>Escape</b>"));
    assert_eq!(js(c, "return typeof window.pwned").await, "undefined");

    // Edit with a conflict: someone saves while this editor has the form open.
    c.goto(&format!(
        "{}/questions?q=index%20writes&mode=lexical",
        app.base
    ))
    .await
    .map_err(|e| e.to_string())?;
    wait_text(c, "main h1", |t| t.contains("results for")).await;
    click(c, "ol.list li a.q").await;
    wait_text(c, "main h1", |t| t.contains("index cost")).await;
    click(c, "a[href$='/edit']").await;
    wait_h1(c, "Edit question").await;
    fill(
        c,
        "textarea[name=reference_answer]",
        "My answer: each index is one more structure to update.",
    )
    .await;
    let org = app.store.org_by_slug("default").await.unwrap().unwrap();
    let q = app
        .store
        .all_questions(org)
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.draft.text.contains("index cost"))
        .unwrap();
    let mut theirs: QuestionDraft = q.draft.clone();
    theirs.reference_answer = Some("Their answer, saved first.".into());
    app.store
        .update_question(
            org,
            q.id,
            Some(q.revision),
            theirs,
            "bob@acme.test",
            "edited",
        )
        .await
        .unwrap();
    click(c, ".editor form button[type=submit]").await;
    let error = wait_text(c, "#edit-error", |_| true).await;
    assert!(
        error.contains("bob@acme.test") && error.contains("Nothing of yours was lost"),
        "{error}"
    );
    let kept = js(
        c,
        "return document.querySelector('textarea[name=reference_answer]').value",
    )
    .await;
    assert_eq!(
        kept, "My answer: each index is one more structure to update.",
        "the editor's text is kept"
    );
    assert!(
        text(c, ".theirs")
            .await
            .contains("Their answer, saved first.")
    );
    assert_eq!(
        app.store
            .get_question(org, q.id)
            .await
            .unwrap()
            .draft
            .reference_answer
            .as_deref(),
        Some("Their answer, saved first."),
        "nothing was overwritten"
    );
    click(c, ".editor form button[type=submit]").await;
    wait_text(c, ".prose", |t| t.contains("My answer")).await;

    // Sign out and in again; a wrong password is told plainly.
    click(c, ".signout button").await;
    wait_h1(c, "Sign in").await;
    fill(c, "input[name=email]", "ann@acme.test").await;
    fill(c, "input[name=password]", "not my password").await;
    click(c, "main form button[type=submit]").await;
    wait_text(c, ".error", |t| {
        t.contains("wrong e-mail address or password")
    })
    .await;
    fill(c, "input[name=password]", "a long owner password").await;
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "All questions").await;

    // By keyboard: the first Tab lands on the skip link, which leads to the content; Tab then
    // walks the navigation in order.
    c.goto(&format!("{}/questions", app.base))
        .await
        .map_err(|e| e.to_string())?;
    let tab = |n: usize| {
        let mut keys = KeyActions::new("keyboard".into());
        for _ in 0..n {
            keys = keys
                .then(KeyAction::Down { value: '\u{E004}' })
                .then(KeyAction::Up { value: '\u{E004}' });
        }
        keys
    };
    c.perform_actions(tab(1)).await.map_err(|e| e.to_string())?;
    assert_eq!(
        js(c, "return document.activeElement.className").await,
        "skip"
    );
    c.perform_actions(tab(2)).await.map_err(|e| e.to_string())?;
    assert_eq!(
        js(c, "return document.activeElement.getAttribute('href')").await,
        "/questions",
        "after the brand, the Bank link"
    );

    // Laptop and phone widths: nothing overflows sideways.
    for (w, h) in [(1366, 768), (375, 812)] {
        c.set_window_size(w, h).await.map_err(|e| e.to_string())?;
        for path in [
            "/questions",
            &format!("/questions/{}", q.id),
            &format!("/questions/{}/edit", q.id),
            "/account",
            "/import",
        ] {
            c.goto(&format!("{}{path}", app.base))
                .await
                .map_err(|e| e.to_string())?;
            let fits = js(
                c,
                "return document.documentElement.scrollWidth <= window.innerWidth + 1",
            )
            .await;
            assert_eq!(fits, true, "{path} overflows at {w}x{h}");
        }
    }
    Ok(())
}
