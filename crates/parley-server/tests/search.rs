//! Search through the API: by words at once after an edit, through a second node on the same
//! database, by meaning with the model, and markup in questions shown as text.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{Db, TestApp, assert_error, send};

on_both_backends!(
    an_edit_is_found_at_once_on_this_node_and_the_other,
    a_query_sharing_no_word_finds_its_question_by_meaning
);

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (s, _, body) = send(app.as_(
        token,
        Method::GET,
        &format!("/api/v1/search?q={query}&mode=lexical"),
    ))
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

async fn an_edit_is_found_at_once_on_this_node_and_the_other(db: Db) {
    let Some(one) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let two = one.second_node().await;
    let acme = one.org("acme").await;
    let (_, token) = one.member(&acme, Role::Interviewer).await;
    let question = json!({"text": "How does a <script> tag reach a page?", "reference_answer": "Through unescaped output."});
    let (_, _, body) = send(
        one.as_(&token, Method::POST, "/api/v1/questions")
            .json(&question),
    )
    .await;
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(ids(&one, &token, "script").await, vec![id.clone()]);
    assert_eq!(
        ids(&two, &token, "script").await,
        vec![id.clone()],
        "the other node sees the new question"
    );
    let (_, _, hits) = send(two.as_(&token, Method::GET, "/api/v1/search?q=script")).await;
    assert_eq!(
        hits["results"][0]["snippet"], "How does a &lt;<mark>script</mark>&gt; tag reach a page?",
        "markup is text"
    );

    let (s, _, _) = send(
        one.as_(&token, Method::PATCH, &format!("/api/v1/questions/{id}"))
            .header(header::IF_MATCH, "*")
            .json(&json!({"text": "How does an injected iframe reach a page?"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        ids(&two, &token, "script").await.is_empty(),
        "the old words are gone on the other node"
    );
    assert_eq!(ids(&two, &token, "iframe").await, vec![id.clone()]);
    assert_eq!(
        ids(&one, &token, "ifrmae").await,
        vec![id.clone()],
        "a typo still finds it"
    );

    let (s, _, e) = send(one.as_(&token, Method::GET, "/api/v1/search?q=x&mode=psychic")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&e, "invalid");
    let (s, _, _) = send(one.as_(
        &token,
        Method::GET,
        &format!("/api/v1/search?q={}", "a".repeat(600)),
    ))
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) = send(one.as_(&token, Method::DELETE, &format!("/api/v1/questions/{id}"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    two.stop().await;
    one.stop().await;
}

async fn a_query_sharing_no_word_finds_its_question_by_meaning(db: Db) {
    let model = match parley_embed::Embedder::locate() {
        Ok(m) => std::sync::Arc::new(m),
        Err(e) if std::env::var("PARLEY_REQUIRE_MODEL").is_ok_and(|v| v == "1") => panic!("{e}"),
        Err(e) => return eprintln!("skipped: {e}"),
    };
    let Some(app) = TestApp::spawn_with(db, Some(model), |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, token) = app.member(&acme, Role::Interviewer).await;
    let texts = [
        "How do you keep two services consistent without a distributed transaction?",
        "What is a B-tree index?",
        "How do you size a thread pool?",
    ];
    let mut created = Vec::new();
    for t in texts {
        let (_, _, q) = send(
            app.as_(&token, Method::POST, "/api/v1/questions")
                .json(&json!({"text": t})),
        )
        .await;
        created.push(q["id"].as_str().unwrap().to_string());
    }
    let (s, _, body) = send(app.as_(&token, Method::GET, "/api/v1/search?q=saga%20outbox%20eventual%20agreement%20between%20microservices&mode=semantic&limit=1")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["mode"], "semantic");
    assert_eq!(
        body["results"][0]["id"],
        Value::String(created[0].clone()),
        "{body}"
    );
    let (s, _, body) = send(app.as_(
        &token,
        Method::GET,
        &format!("/api/v1/questions/{}/similar", created[1]),
    ))
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != Value::String(created[1].clone())),
        "not itself"
    );
    app.stop().await;
}
