//! After the interview through the API of the real server, on SQLite and PostgreSQL: two
//! interviewers score blind to each other until each submits, the panel's view shows their
//! disagreement and agreement, the decision assesses the interview, the note is drafted from
//! it, edited, shared, and the link opens the note alone — until it is replaced.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::mail::{read_back, smtp, tools_python};
use support::{Db, TestApp, send};

on_both_backends!(
    two_interviewers_score_blind_then_debrief_decide_and_share_a_note,
    a_note_is_emailed_once_and_read_back_from_a_real_smtp_server
);

/// The note's PDF is a PDF, and its first page, rasterised by poppler's `pdftoppm`, is not
/// blank. Skipped without Chromium and poppler unless the run requires the browser.
async fn pdf_renders(app: &TestApp, token: &str, path: &str) {
    let have = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("/usr/bin/pdftoppm").exists();
    if !have {
        assert!(
            std::env::var("PARLEY_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "PARLEY_REQUIRE_BROWSER=1 but chromium or pdftoppm is missing"
        );
        eprintln!("skipped: no chromium or pdftoppm for the PDF check");
        return;
    }
    let resp = app.as_(token, Method::GET, path).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.pdf"), &pdf).unwrap();
    // PPM (P6) at 40 dpi: a header and raw RGB bytes, easy to read here.
    let status = std::process::Command::new("/usr/bin/pdftoppm")
        .args(["-r", "40", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.path().join("n.pdf"))
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let ppm = std::fs::read(dir.path().join("page.ppm")).unwrap();
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&ppm[start..at]).to_string());
    }
    assert_eq!(fields[0], "P6");
    let pixels = &ppm[at + 1..];
    let dark = pixels
        .chunks(3)
        .filter(|p| p.iter().map(|&c| u32::from(c)).sum::<u32>() < 600)
        .count();
    let share = dark as f64 / (pixels.len() / 3) as f64;
    assert!(
        share > 0.002,
        "the page is blank ({share:.5} of pixels drawn)"
    );
}

async fn a_note_is_emailed_once_and_read_back_from_a_real_smtp_server(db: Db) {
    let Some(python) = tools_python() else {
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(app) = TestApp::spawn(db, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))
    })
    .await
    else {
        return;
    };
    let acme = app.org("acme").await;
    let (me, token) = app.member(&acme, Role::Owner).await;
    let role = json!({"title": "Backend developer", "competencies": [{"name": "databases", "weight": 3, "level": "mid", "required": true}]});
    let (_, _, role) = send(app.as_(&token, Method::POST, "/api/v1/roles").json(&role)).await;
    let cand =
        json!({"name": "Zoë Łukasiewicz", "email": "zoe@example.com", "role_id": role["id"]});
    let (_, _, cand) = send(
        app.as_(&token, Method::POST, "/api/v1/candidates")
            .json(&cand),
    )
    .await;
    let new = json!({"candidate_id": cand["id"], "length_minutes": 30, "scheduled_at": 1_800_000_000_000_i64, "interviewers": [me.id.to_string()]});
    let (_, _, iv) = send(
        app.as_(&token, Method::POST, "/api/v1/interviews")
            .json(&new),
    )
    .await;
    let id = iv["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/interviews/{id}{rest}");
    for to in ["scheduled", "in_progress", "completed"] {
        let (s, _, e) = send(
            app.as_(&token, Method::POST, &path("/transitions"))
                .json(&json!({"to": to})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{e}");
    }
    let verdict = json!({"recommendation": "yes", "rationale": "Good grasp of indexes."});
    assert_eq!(
        send(
            app.as_(&token, Method::POST, &path("/scorecard"))
                .json(&verdict)
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(
            app.as_(&token, Method::POST, &path("/decision"))
                .json(&verdict)
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (s, _, e) = send(
        app.as_(&token, Method::POST, &path("/note/send"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing saved to send yet: {e}");
    let body = "Hello Zoë,\n\nthank you — here is what went well.\n";
    let (s, _, _) = send(
        app.as_(&token, Method::PUT, &path("/note"))
            .json(&json!({"body": body})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // The mail server is down: the failure is recorded and said, nothing is marked sent.
    let (s, _, e) = send(
        app.as_(&token, Method::POST, &path("/note/send"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_GATEWAY, "{e}");
    assert_eq!(e["error"]["code"], "mail_failed");
    let (_, _, n) = send(app.as_(&token, Method::GET, &path("/note"))).await;
    assert_eq!(n["deliveries"][0]["status"], "failed");
    let (_, _, iv) = send(app.as_(&token, Method::GET, &path(""))).await;
    assert_eq!(iv["state"], "assessed");

    // Up again: sent once, however often it is asked for.
    let dir = tempfile::tempdir().unwrap();
    // A path that does not exist yet: the Maildir is created with its cur/new/tmp.
    let maildir = dir.path().join("box");
    let _smtp = smtp(&python, port, &maildir).await;
    let (s, _, first) = send(
        app.as_(&token, Method::POST, &path("/note/send"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(
        (s, first["status"].as_str()),
        (StatusCode::OK, Some("sent")),
        "{first}"
    );
    let (s, _, again) = send(
        app.as_(&token, Method::POST, &path("/note/send"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again, first, "the same delivery, not a second message");
    let (_, _, iv) = send(app.as_(&token, Method::GET, &path(""))).await;
    assert_eq!(iv["state"], "feedback_sent");
    let mut got = Vec::new();
    for _ in 0..50 {
        got = read_back(&python, &maildir);
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    let m = &got[0];
    assert!(m["to"].as_str().unwrap().contains("zoe@example.com"), "{m}");
    assert_eq!(m["subject"], "Your interview with our company: a summary");
    assert_eq!(
        m["text"].as_str().unwrap().replace("\r\n", "\n").trim(),
        body.trim()
    );
    assert_eq!(m["html"], 1, "an HTML alternative too");
    app.stop().await;
}

async fn two_interviewers_score_blind_then_debrief_decide_and_share_a_note(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (ann_user, ann) = app.member(&acme, Role::Interviewer).await;
    let (bob_user, bob) = app.member(&acme, Role::Admin).await;
    let (_, outsider) = app.member(&acme, Role::Interviewer).await;
    for (n, section) in [
        (1, "Databases"),
        (2, "Databases"),
        (3, "Security"),
        (4, "Security"),
    ] {
        let body = json!({"text": format!("Question {n} on {section}?"), "section": section,
            "reference_answer": "An answer.", "key_points": ["first idea", "second idea"]});
        let (s, _, _) = send(app.as_(&bob, Method::POST, "/api/v1/questions").json(&body)).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let role = json!({"title": "Backend developer", "competencies": [
        {"name": "databases", "weight": 3, "level": "mid", "required": true},
        {"name": "security", "weight": 2, "level": "mid", "required": true}]});
    let (_, _, role) = send(app.as_(&bob, Method::POST, "/api/v1/roles").json(&role)).await;
    let cand = json!({"name": "Ada Lovelace", "email": "ada@example.com", "role_id": role["id"]});
    let (_, _, cand) = send(
        app.as_(&ann, Method::POST, "/api/v1/candidates")
            .json(&cand),
    )
    .await;
    let new = json!({"candidate_id": cand["id"], "length_minutes": 30, "scheduled_at": 1_800_000_000_000_i64,
        "interviewers": [ann_user.id.to_string(), bob_user.id.to_string()]});
    let (s, _, iv) = send(app.as_(&ann, Method::POST, "/api/v1/interviews").json(&new)).await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    let id = iv["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/interviews/{id}{rest}");
    let go = |to: &str| {
        app.as_(&ann, Method::POST, &path("/transitions"))
            .json(&json!({"to": to}))
    };
    for to in ["scheduled", "in_progress"] {
        assert_eq!(send(go(to)).await.0, StatusCode::OK);
    }
    let block = |key: &str| -> Vec<u64> {
        iv["kit"]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == key)
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .collect()
    };
    let (db_item, sec_item) = (block("databases")[0], block("security")[0]);
    let note = |token: &str, item: u64, body: Value| {
        app.as_(token, Method::PUT, &path(&format!("/entries/{item}")))
            .json(&body)
    };
    // Ann: strong on databases, a bare strong yes on security. Bob: weak on databases.
    for (token, item, body) in [
        (
            &ann,
            db_item,
            json!({"notes": "Explained covering indexes", "rating": 4, "checked": [0, 1], "client_rev": 1}),
        ),
        (&ann, sec_item, json!({"rating": 4, "client_rev": 1})),
        (
            &bob,
            db_item,
            json!({"notes": "Unsure about write costs", "rating": 1, "checked": [], "client_rev": 1}),
        ),
        (
            &bob,
            sec_item,
            json!({"notes": "Fine", "rating": 3, "checked": [0], "client_rev": 1}),
        ),
    ] {
        let (s, _, e) = send(note(token, item, body)).await;
        assert_eq!(s, StatusCode::OK, "{e}");
    }
    let submit = |token: &str, rec: &str, why: &str| {
        app.as_(token, Method::POST, &path("/scorecard"))
            .json(&json!({"recommendation": rec, "rationale": why}))
    };
    let (s, _, e) = send(submit(&ann, "yes", "Solid")).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "not before the interview is completed: {e}"
    );
    assert_eq!(send(go("completed")).await.0, StatusCode::OK);

    // Blind: before submitting, Ann sees only her own card; Bob's content is hidden.
    let (s, _, a) = send(app.as_(&ann, Method::GET, &path("/assessment"))).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["sees_all"], false);
    assert_eq!(a["competencies"], json!([]));
    let cards = a["scorecards"].as_array().unwrap();
    let mine = cards
        .iter()
        .find(|c| c["user_id"] == ann_user.id.to_string())
        .unwrap();
    let theirs = cards
        .iter()
        .find(|c| c["user_id"] == bob_user.id.to_string())
        .unwrap();
    assert_eq!(
        (mine["visible"].clone(), theirs["visible"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(theirs["competencies"], json!([]));
    assert_eq!(mine["competencies"][0]["observed"], "met");
    assert_eq!(
        mine["competencies"][1]["flags"],
        json!(["Strong yes on Security, no key point ticked, no note"])
    );
    let (s, _, e) = send(submit(&ann, "yes", "  ")).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rationale is required: {e}"
    );
    let (s, _, e) = send(submit(&outsider, "yes", "I was not there")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, _, _) = send(submit(
        &ann,
        "yes",
        "Solid on databases; security needs a follow-up.",
    ))
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, e) = send(submit(&ann, "no", "changed my mind")).await;
    assert_eq!(s, StatusCode::CONFLICT, "submitted once: {e}");
    let (s, _, e) = send(note(
        &ann,
        db_item,
        json!({"notes": "edited after", "client_rev": 9}),
    ))
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "notes are final after submitting: {e}"
    );

    // Bob has not submitted: he still cannot see Ann's card (hidden until you submit).
    let (_, _, a) = send(app.as_(&bob, Method::GET, &path("/assessment"))).await;
    assert_eq!(a["sees_all"], false);
    let anns = a["scorecards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["user_id"] == ann_user.id.to_string())
        .unwrap()
        .clone();
    assert_eq!(
        (anns["submitted"].clone(), anns["recommendation"].clone()),
        (json!(true), Value::Null)
    );
    let (s, _, _) = send(submit(&bob, "no", "Could not explain write amplification.")).await;
    assert_eq!(s, StatusCode::CREATED);

    // The debrief: both cards side by side, the disagreement on databases, the agreement.
    let (_, _, a) = send(app.as_(&bob, Method::GET, &path("/assessment"))).await;
    assert_eq!(a["sees_all"], true, "{a}");
    assert_eq!(a["disagreements"], json!(["databases"]));
    assert!(a["agreement"].as_f64().unwrap() < 0.5, "{a}");
    let db = &a["competencies"][0];
    assert_eq!(db["key"], "databases");
    assert_eq!(
        db["observed"], "partly",
        "pooled: 4 and 1 on a 4-point scale"
    );
    assert!(db["evidence"]["ticked"].as_array().unwrap().len() == 2);
    let recs: Vec<&str> = a["scorecards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["recommendation"].as_str().unwrap())
        .collect();
    assert_eq!(recs.len(), 2);

    // The decision: owners and admins, with reasons; it assesses the interview.
    let decide = |token: &str, why: &str| {
        app.as_(token, Method::POST, &path("/decision"))
            .json(&json!({"decision": "no", "recommendation": "no", "rationale": why}))
    };
    let (s, _, e) = send(decide(&bob, "x")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unknown field: {e}");
    let decide = |token: &str, why: &str| {
        app.as_(token, Method::POST, &path("/decision"))
            .json(&json!({"recommendation": "no", "rationale": why}))
    };
    let (s, _, _) = send(decide(&ann, "Not an admin")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, d) = send(decide(&bob, "Databases below the bar for this role.")).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (_, _, iv2) = send(app.as_(&bob, Method::GET, &path(""))).await;
    assert_eq!(iv2["state"], "assessed");
    // Charts: the profile against the role, and the role's candidates compared.
    let profile = app
        .as_(&bob, Method::GET, &path("/profile.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        profile.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let profile = profile.text().await.unwrap();
    assert!(
        profile.starts_with("<svg") && profile.contains("Databases: 50%"),
        "{profile}"
    );
    let compare = format!(
        "/api/v1/roles/{}/comparison.svg",
        role["id"].as_str().unwrap()
    );
    let compare = app
        .as_(&bob, Method::GET, &compare)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(compare.contains("Ada Lovelace: Databases 50%"), "{compare}");

    // The note: drafted from the assessment, edited, saved, shared.
    let (s, _, n) = send(app.as_(&bob, Method::GET, &path("/note"))).await;
    assert_eq!(s, StatusCode::OK, "{n}");
    assert_eq!(
        (n["saved"].clone(), n["revision"].clone()),
        (json!(false), json!(0))
    );
    let draft = n["body"].as_str().unwrap();
    assert!(draft.starts_with("Hello Ada,"), "{draft}");
    assert!(draft.contains("## Areas to improve"));
    assert!(
        !draft.contains("Unsure about write costs"),
        "interviewers' notes stay private"
    );
    let edited = format!("{draft}\nP.S. <script>alert(1)</script>");
    let (s, _, saved) = send(
        app.as_(&bob, Method::PUT, &path("/note"))
            .json(&json!({"body": edited, "revision": 0})),
    )
    .await;
    assert_eq!(
        (s, saved["revision"].clone()),
        (StatusCode::OK, json!(1)),
        "{saved}"
    );
    let (s, _, _) = send(
        app.as_(&bob, Method::PUT, &path("/note"))
            .json(&json!({"body": "stale", "revision": 0})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let md = app
        .as_(&bob, Method::GET, &path("/note.md"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(md.trim(), edited.trim());
    let html = app
        .as_(&bob, Method::GET, &path("/note.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h2>Areas to improve</h2>") && html.contains("&lt;script&gt;"));
    pdf_renders(&app, &bob, &path("/note.pdf")).await;
    let (s, _, link) = send(
        app.as_(&bob, Method::POST, &path("/note/share"))
            .json(&json!({"days": 3})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{link}");
    let url = link["link"].as_str().unwrap().to_string();
    let (_, _, iv3) = send(app.as_(&bob, Method::GET, &path(""))).await;
    assert_eq!(
        iv3["state"], "feedback_sent",
        "sharing the note gives the feedback"
    );

    // Opened as the candidate (no credentials): the note alone, markup shown as text.
    let at = url.find("/notes/").unwrap();
    let page = app.req(Method::GET, &url[at..]).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Hello Ada,"));
    assert!(html.contains("&lt;script&gt;"), "no live markup");
    assert!(!html.contains("Unsure about write costs") && !html.contains("Sign out"));
    // A new link replaces the old one.
    let (_, _, _) = send(
        app.as_(&bob, Method::POST, &path("/note/share"))
            .json(&json!({})),
    )
    .await;
    let old = app.req(Method::GET, &url[at..]).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
