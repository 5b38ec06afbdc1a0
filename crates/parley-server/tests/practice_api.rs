//! Practice through the JSON API of the real server, on SQLite and PostgreSQL: a candidate
//! sets what to practise, answers, sees the grade and the reference, rates once, and finds the
//! lapsed question due again; progress, its chart and the Anki deck; a mock interview with no
//! hints until it is finished, then its report; nobody touches another member's practice.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{Db, TestApp, assert_error, send};

on_both_backends!(
    practice_through_the_api,
    mock_interview_through_the_api,
    sign_up_needs_mail
);

/// Candidate sign-up confirms addresses by e-mail, so it cannot be opened without a mail
/// server; its link does not exist while closed.
async fn sign_up_needs_mail(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let org = app.org("acme").await;
    let (_, owner) = app.member(&org, Role::Owner).await;
    let (s, _, mut settings) =
        send(app.as_(&owner, Method::GET, "/api/v1/settings/interviews")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(settings["candidate_signup"], false);
    settings["candidate_signup"] = json!(true);
    let (s, _, body) = send(
        app.as_(&owner, Method::PUT, "/api/v1/settings/interviews")
            .json(&settings),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("PARLEY_SMTP_URL")
    );
    let (s, _, _) = send(app.req(Method::GET, "/signup/acme")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.stop().await;
}

async fn app_with_starter(db: Db) -> Option<(TestApp, String, String)> {
    let app = TestApp::spawn(db, |_| {}).await?;
    let org = app.org("acme").await;
    parley_bank::starter::load(&app.store, org.id, "test")
        .await
        .unwrap();
    let (_, cat) = app.member(&org, Role::Candidate).await;
    let (_, dan) = app.member(&org, Role::Interviewer).await;
    Some((app, cat, dan))
}

async fn practice_through_the_api(db: Db) {
    let Some((app, cat, dan)) = app_with_starter(db).await else {
        return;
    };
    let (s, _, _) = send(app.req(Method::GET, "/api/v1/practice/next")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Settings: defaults, a bad choice refused, a good one kept.
    let (s, _, body) = send(app.as_(&cat, Method::GET, "/api/v1/practice/settings")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["settings"]["new_per_day"], 10);
    assert!(body["sections"].as_array().unwrap().len() >= 20);
    for bad in [
        json!({"sections": ["astrology"]}),
        json!({"retention": 0.5}),
        json!({"interview_date": "2026-02-30"}),
        json!({"new_per_day": 1000}),
        json!({"level": "guru"}),
    ] {
        let (s, _, body) = send(
            app.as_(&cat, Method::PUT, "/api/v1/practice/settings")
                .json(&bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_error(&body, "invalid");
    }
    let (s, _, body) = send(
        app.as_(&cat, Method::PUT, "/api/v1/practice/settings")
            .json(&json!({"sections": ["Bezpieczeństwo"], "language": "en", "new_per_day": 2, "interview_date": "2027-01-15"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["settings"]["sections"], json!(["security"]));

    // The first question: new, from Security.
    let (s, _, next) = send(app.as_(&cat, Method::GET, "/api/v1/practice/next")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(next["reason"], "new");
    assert_eq!(next["new_left_today"], 2);
    assert_eq!(next["question"]["section"], "security");
    let qid = next["question"]["id"].as_str().unwrap().to_string();

    // An answer that says little: graded, missed key points listed, the reference shown,
    // four choices with the suggested one marked.
    let (s, _, a) = send(app.as_(&cat, Method::POST, "/api/v1/practice/answers").json(
        &json!({"question_id": qid, "answer": "I would check the logs and ask a colleague."}),
    ))
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let grade = &a["grade"];
    assert!(grade["score"].as_f64().unwrap() < 3.0, "{grade}");
    assert!(!grade["missed"].as_array().unwrap().is_empty());
    assert!(a["reference_answer"].as_str().unwrap().len() > 100);
    assert!(!a["follow_ups"].as_array().unwrap().is_empty());
    let choices = a["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 4);
    assert_eq!(choices.iter().filter(|c| c["suggested"] == true).count(), 1);
    assert_eq!(choices[0]["interval"], "10 min");
    let aid = a["id"].as_str().unwrap().to_string();

    // Someone else cannot see or rate it; a bad rating is refused.
    let (s, _, _) = send(app.as_(
        &dan,
        Method::GET,
        &format!("/api/v1/practice/answers/{aid}"),
    ))
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = send(
        app.as_(
            &dan,
            Method::POST,
            &format!("/api/v1/practice/answers/{aid}/rating"),
        )
        .json(&json!({"rating": "good"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, body) = send(
        app.as_(
            &cat,
            Method::POST,
            &format!("/api/v1/practice/answers/{aid}/rating"),
        )
        .json(&json!({"rating": "perfect"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Rated "again": it comes back in ten minutes; a second rating is refused.
    let (s, _, rated) = send(
        app.as_(
            &cat,
            Method::POST,
            &format!("/api/v1/practice/answers/{aid}/rating"),
        )
        .json(&json!({"rating": "again"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rated}");
    assert_eq!(rated["rating"], "again");
    assert!(rated["choices"].as_array().unwrap().is_empty());
    let (s, _, body) = send(
        app.as_(
            &cat,
            Method::POST,
            &format!("/api/v1/practice/answers/{aid}/rating"),
        )
        .json(&json!({"rating": "easy"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_error(&body, "conflict");

    // The second new question; then the day's limit is reached.
    let (_, _, next) = send(app.as_(&cat, Method::GET, "/api/v1/practice/next")).await;
    assert_eq!(next["reason"], "new");
    assert_ne!(next["question"]["id"], qid);
    let q2 = next["question"]["id"].as_str().unwrap().to_string();
    let full = app
        .store
        .get_question(
            app.store.org_by_slug("acme").await.unwrap().unwrap(),
            q2.parse().unwrap(),
        )
        .await
        .unwrap();
    let good = full.draft.reference_answer.unwrap();
    let (s, _, a2) = send(
        app.as_(&cat, Method::POST, "/api/v1/practice/answers")
            .json(&json!({"question_id": q2, "answer": good})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(
        a2["grade"]["score"].as_f64().unwrap() >= 3.5,
        "{}",
        a2["grade"]
    );
    let (s, _, _) = send(
        app.as_(
            &cat,
            Method::POST,
            &format!(
                "/api/v1/practice/answers/{}/rating",
                a2["id"].as_str().unwrap()
            ),
        )
        .json(&json!({"rating": "good"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, _, next) = send(app.as_(&cat, Method::GET, "/api/v1/practice/next")).await;
    assert!(next["question"].is_null(), "{next}");
    assert_eq!(next["new_left_today"], 0);
    assert!(next["next_due_at"].as_i64().is_some());

    // Progress: Security practised twice, the missed key points counted; the chart and deck.
    let (s, _, p) = send(app.as_(&cat, Method::GET, "/api/v1/practice/progress")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["answers"], 2);
    let sec = &p["sections"][0];
    assert_eq!(sec["section"], "security");
    assert_eq!(sec["practised"], 2);
    assert!(!sec["series"].as_array().unwrap().is_empty());
    assert!(!p["most_missed"].as_array().unwrap().is_empty());
    let resp = app
        .as_(&cat, Method::GET, "/api/v1/practice/progress.svg")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let svg = resp.text().await.unwrap();
    assert!(svg.contains("<polyline") || svg.contains("<circle"));
    assert!(svg.contains("Security"));
    let resp = app
        .as_(&cat, Method::GET, "/api/v1/practice/deck.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let deck = resp.text().await.unwrap();
    let notes: Vec<&str> = deck.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(notes.len(), 8, "the eight English Security questions");
    assert!(
        notes
            .iter()
            .all(|n| n.contains("parley::section::security"))
    );

    // Dan's practice is his own: nothing rated.
    let (_, _, p) = send(app.as_(&dan, Method::GET, "/api/v1/practice/progress")).await;
    assert_eq!(p["answers"], 0);
    app.stop().await;
}

async fn mock_interview_through_the_api(db: Db) {
    let Some((app, cat, dan)) = app_with_starter(db).await else {
        return;
    };
    let (s, _, _) = send(
        app.as_(&cat, Method::PUT, "/api/v1/practice/settings")
            .json(&json!({"sections": ["databases", "apis"], "language": "en"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, body) = send(
        app.as_(&cat, Method::POST, "/api/v1/practice/mocks")
            .json(&json!({"length": 42})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _, m) = send(
        app.as_(&cat, Method::POST, "/api/v1/practice/mocks")
            .json(&json!({"length": 30})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_string();
    let qs = m["questions"].as_array().unwrap().clone();
    assert!(qs.len() >= 2, "{m}");
    let comps: std::collections::HashSet<&str> = qs
        .iter()
        .map(|q| q["competency"].as_str().unwrap())
        .collect();
    assert!(
        comps.contains("databases") && comps.contains("apis"),
        "{comps:?}"
    );
    assert!(m["open"] == true && m["report"].is_null());
    assert!(
        qs.iter()
            .all(|q| q["reference_answer"].is_null() && q["grade"].is_null())
    );

    // Answer the first question well; the mock shows no grade while open.
    let first = qs[0]["question_id"].as_str().unwrap();
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let good = app
        .store
        .get_question(org, first.parse().unwrap())
        .await
        .unwrap()
        .draft
        .reference_answer
        .unwrap();
    let path = format!("/api/v1/practice/mocks/{id}/answers/{first}");
    let (s, _, m) = send(
        app.as_(&cat, Method::PUT, &path)
            .json(&json!({"answer": good})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["questions"][0]["answer"], good);
    assert!(m["questions"][0]["grade"].is_null());
    let (s, _, _) = send(
        app.as_(&dan, Method::PUT, &path)
            .json(&json!({"answer": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = send(app.as_(&dan, Method::GET, &format!("/api/v1/practice/mocks/{id}"))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Finish: the report per competency, areas to improve for the unanswered ones.
    let (s, _, done) = send(app.as_(
        &cat,
        Method::POST,
        &format!("/api/v1/practice/mocks/{id}/finish"),
    ))
    .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let report = &done["report"];
    assert_eq!(report["unanswered"], qs.len() - 1);
    let competencies = report["competencies"].as_array().unwrap();
    assert_eq!(competencies.len(), comps.len());
    assert!(!report["improve"].as_array().unwrap().is_empty());
    assert!(done["questions"][0]["grade"]["score"].as_f64().unwrap() >= 3.0);
    assert!(done["questions"][0]["reference_answer"].is_string());
    // Finishing again gives the same report; answers are no longer taken.
    let (_, _, again) = send(app.as_(
        &cat,
        Method::POST,
        &format!("/api/v1/practice/mocks/{id}/finish"),
    ))
    .await;
    assert_eq!(again["report"], done["report"]);
    let (s, _, body) = send(
        app.as_(&cat, Method::PUT, &path)
            .json(&json!({"answer": "late"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (_, _, list) = send(app.as_(&cat, Method::GET, "/api/v1/practice/mocks")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The answered question now has a card: it shows up in progress.
    let (_, _, p) = send(app.as_(&cat, Method::GET, "/api/v1/practice/progress")).await;
    assert_eq!(p["answers"], 1, "{p}");
    let _: Value = p;
    app.stop().await;
}
