//! Practice in real Chromium: the owner's first-run setup loads the starter bank; a candidate
//! signs up through the organisation's sign-up link (absent until the organisation opens it),
//! confirming the address with the link mailed to a real SMTP server (an existing address gets
//! the same page and a reminder instead),
//! chooses what to practise, answer three questions
//! one at a time (a good answer, an unrelated one, the reference itself), see each graded with
//! the key points covered and missed and rate it; the progress page with its chart and the
//! most-missed key points; then a mock interview through to its report.

mod support;

use fantoccini::{Client, Locator};
use parley_domain::{OrgId, Role};
use support::TestApp;
use support::chromium::{browser, click, fill, text, wait_h1, wait_text};
use support::mail::{MailApp, read_back};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_practises_checks_progress_and_takes_a_mock_interview() {
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

/// The bank question whose text is on the page.
async fn question_on_page(app: &TestApp, org: OrgId, c: &Client) -> parley_domain::Question {
    let shown = text(c, "#question-text").await;
    app.store
        .all_questions(org)
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.draft.text == shown)
        .unwrap_or_else(|| panic!("no question {shown:?}"))
}

async fn story(
    app: &TestApp,
    c: &Client,
    python: &std::path::Path,
    maildir: &std::path::Path,
) -> Result<(), String> {
    // First-run setup with the starter bank (the box is checked by default), then sign out.
    goto(c, app.setup_link.as_ref().unwrap()).await;
    fill(c, "input[name=org_name]", "Acme Hiring").await;
    fill(c, "input[name=name]", "Ann Owner").await;
    fill(c, "input[name=email]", "ann@acme.test").await;
    fill(c, "input[name=password]", "a long owner password").await;
    assert!(
        c.find(Locator::Css("input[name=starter]:checked"))
            .await
            .is_ok(),
        "the starter bank is offered"
    );
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "All questions").await;
    let org = app.store.org_by_slug("default").await.unwrap().unwrap();
    let bank = app.store.all_questions(org).await.unwrap();
    assert!(
        bank.len() >= 150,
        "the starter bank was loaded: {}",
        bank.len()
    );
    click(c, ".signout button").await;
    wait_h1(c, "Sign in").await;

    // A closed sign-up link does not exist; once the organisation opens it, a candidate signs up
    // and lands on the practice page.
    goto(c, &format!("{}/signup/default", app.base)).await;
    wait_h1(c, "Not Found").await;
    let mut settings = app.store.org_settings(org).await.unwrap();
    settings.candidate_signup = true;
    app.store.save_org_settings(org, &settings).await.unwrap();
    goto(c, &format!("{}/signup/default", app.base)).await;
    wait_h1(c, "Practise with Acme Hiring").await;
    fill(c, "input[name=email]", "cat@example.com").await;
    click(c, "main form button[type=submit]").await;
    wait_text(c, "#sent", |t| t.contains("cat@example.com")).await;
    // The same request for the owner's address answers the same, and mails a reminder instead.
    goto(c, &format!("{}/signup/default", app.base)).await;
    fill(c, "input[name=email]", "ann@acme.test").await;
    click(c, "main form button[type=submit]").await;
    wait_text(c, "#sent", |t| t.contains("ann@acme.test")).await;
    let mut mails = Vec::new();
    for _ in 0..50 {
        mails = read_back(python, maildir);
        if mails.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), 2, "{mails:?}");
    let to_ann = mails
        .iter()
        .find(|m| m["to"].as_str().unwrap().contains("ann@"))
        .unwrap();
    assert!(
        to_ann["text"]
            .as_str()
            .unwrap()
            .contains("already has an account")
    );
    assert!(!to_ann["text"].as_str().unwrap().contains("/join/"));
    let to_cat = mails
        .iter()
        .find(|m| m["to"].as_str().unwrap().contains("cat@"))
        .unwrap();
    let body = to_cat["text"].as_str().unwrap();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/join/"))
        .unwrap_or_else(|| panic!("no link in {body}"));
    goto(c, link).await;
    fill(c, "input[name=name]", "Cat").await;
    fill(c, "input[name=password]", "a long enough password").await;
    click(c, "main form button[type=submit]").await;
    wait_h1(c, "Practice").await;
    let (cat, _) = app
        .store
        .users_by_email(&parley_domain::Email::parse("cat@example.com").unwrap())
        .await
        .unwrap()
        .remove(0);
    assert_eq!((cat.org, cat.role), (org, Role::Candidate));

    // What to practise: Databases, in English, three new questions a day.
    click(c, "input[name=section][value=databases]").await;
    c.find(Locator::Css("select[name=language] option[value=en]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(c, "input[name=new_per_day]", "3").await;
    click(c, "form[action='/practice/settings'] button[type=submit]").await;
    wait_text(c, "#queue", |t| t.contains("3 new left today")).await;

    // Question 1: an answer made of two of its key points.
    click(c, "a[href='/practice/next']").await;
    wait_text(c, "#question-text", |t| !t.is_empty()).await;
    let q1 = question_on_page(app, org, c).await;
    assert_eq!(q1.draft.section.as_deref(), Some("databases"));
    let answer = format!("{}. {}.", q1.draft.key_points[0], q1.draft.key_points[1]);
    fill(c, "#answer", &answer).await;
    click(c, "#grade").await;
    wait_text(c, "#score", |t| t.starts_with("Score:")).await;
    let covered = text(c, "#covered").await;
    assert!(covered.contains(&q1.draft.key_points[0]), "{covered}");
    let missed = text(c, "#missed").await;
    assert!(!missed.is_empty());
    assert!(text(c, "#reference").await.len() > 100);
    // Take the suggested rating.
    click(c, "#rate button.suggested").await;

    // Question 2: unrelated words; nothing covered, rated "again".
    wait_text(c, "#question-text", |t| t != q1.draft.text).await;
    let q2 = question_on_page(app, org, c).await;
    fill(
        c,
        "#answer",
        "My favourite football team won the cup last season.",
    )
    .await;
    click(c, "#grade").await;
    wait_text(c, "#score", |t| t.starts_with("Score:")).await;
    assert!(
        c.find(Locator::Css("#covered")).await.is_err(),
        "nothing covered"
    );
    let missed = text(c, "#missed").await;
    assert!(missed.contains(&q2.draft.key_points[0]), "{missed}");
    let suggested = text(c, "#rate button.suggested").await;
    assert!(suggested.starts_with("again"), "{suggested}");
    click(c, "#rate button[value=again]").await;

    // Question 3: the reference answer itself scores high.
    wait_text(c, "#question-text", |t| {
        t != q2.draft.text && t != q1.draft.text
    })
    .await;
    let q3 = question_on_page(app, org, c).await;
    fill(c, "#answer", q3.draft.reference_answer.as_deref().unwrap()).await;
    click(c, "#grade").await;
    let score = wait_text(c, "#score", |t| t.starts_with("Score:")).await;
    let value: f64 = score
        .trim_start_matches("Score:")
        .trim()
        .split('/')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(value >= 3.5, "{score}");
    click(c, "#rate button[value=good]").await;
    // The day's three new questions are done and the lapsed one is not due for ten minutes.
    wait_h1(c, "Nothing to practise now").await;

    // Progress: the chart and the table of sections, the key points missed most.
    goto(c, &format!("{}/practice/progress", app.base)).await;
    wait_h1(c, "Progress").await;
    assert!(
        c.find(Locator::Css("#chart svg polyline, #chart svg circle"))
            .await
            .is_ok()
    );
    let sections = text(c, "#sections").await;
    assert!(sections.contains("Databases"), "{sections}");
    let most = text(c, "#most-missed").await;
    assert!(most.contains(&q2.draft.key_points[0]), "{most}");

    // A mock interview of 30 minutes: answer one question, finish, read the report.
    goto(c, &format!("{}/practice/mocks", app.base)).await;
    wait_h1(c, "Mock interviews").await;
    c.find(Locator::Css("select[name=length] option[value='30']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(c, "#start-mock").await;
    wait_text(c, "main h1", |t| t.starts_with("Mock interview: ")).await;
    assert!(text(c, "#time-left").await.contains("left"));
    let first = c.find(Locator::Css("#mock-form textarea")).await.unwrap();
    let name = first.attr("name").await.unwrap().unwrap();
    let qid = name.trim_start_matches("answer:");
    let q = app
        .store
        .get_question(org, qid.parse().unwrap())
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("details")).await.is_err(),
        "no reference before the end"
    );
    first
        .send_keys(q.draft.reference_answer.as_deref().unwrap())
        .await
        .unwrap();
    click(c, "#finish-mock").await;
    let overall = wait_text(c, "#overall", |t| t.starts_with("Overall:")).await;
    assert!(
        overall.contains("unanswered") || overall.contains("/ 5"),
        "{overall}"
    );
    let report = text(c, "#report").await;
    assert!(report.contains("Databases"), "{report}");
    assert!(
        c.find(Locator::Css("details")).await.is_ok(),
        "reference answers after the end"
    );
    Ok(())
}
