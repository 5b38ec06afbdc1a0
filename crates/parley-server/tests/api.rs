//! The JSON API against the real server on a free port, on SQLite and on PostgreSQL.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::json;
use support::{Db, PASSWORD, TestApp, assert_error, send};

on_both_backends!(
    questions_are_created_read_edited_listed_and_deleted,
    bad_requests_get_a_clear_error_and_change_nothing,
    a_session_signs_in_refuses_cross_site_writes_and_signs_out,
    failed_logins_are_limited_per_address,
    busy_members_get_429_with_retry_after,
    a_password_change_ends_the_other_sessions,
    an_invitation_makes_one_account_with_its_role,
    answers_are_graded_against_given_texts_or_a_bank_question,
    uploads_import_all_or_nothing_and_duplicates_are_reviewed,
    password_guesses_sent_at_once_are_still_limited,
    secrets_are_answered_once_and_never_stored,
    invitations_can_be_withdrawn_and_die_with_their_authors_right,
);

async fn questions_are_created_read_edited_listed_and_deleted(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, admin) = app.member(&acme, Role::Admin).await;
    let (_, interviewer) = app.member(&acme, Role::Interviewer).await;

    // Create, with a key that makes the retry safe.
    let body = json!({"text": "How does a write-ahead log make a crash safe?", "reference_answer": "Changes are appended to the log and flushed before the data pages. After a crash the log is replayed.", "tags": ["Storage"]});
    let create = || {
        app.as_(&interviewer, Method::POST, "/api/v1/questions")
            .header("Idempotency-Key", "k-1")
            .json(&body)
    };
    let (s, h, q) = send(create()).await;
    assert_eq!(s, StatusCode::CREATED, "{q}");
    let id = q["id"].as_str().unwrap().to_string();
    assert_eq!(h[header::LOCATION], format!("/api/v1/questions/{id}"));
    assert_eq!(h[header::ETAG], "\"1\"");
    assert_eq!(q["language"], "en", "detected");
    assert_eq!(q["tags"], json!(["storage"]));
    assert!(
        q["key_points"].as_array().is_some_and(|k| !k.is_empty())
            && q["key_points_extracted"] == true,
        "{q}"
    );
    let (s, _, again) = send(create()).await;
    assert_eq!(
        (s, again["id"].as_str()),
        (StatusCode::CREATED, Some(id.as_str())),
        "replayed, not created twice"
    );
    let (s, _, e) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/questions")
            .header("Idempotency-Key", "k-1")
            .json(&json!({"text": "Another"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&e, "idempotency_mismatch");
    let (s, _, e) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/questions")
            .json(&json!({"text": "how does a WRITE-AHEAD log make a crash safe"})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "the same text in other case and punctuation"
    );
    assert!(e["error"]["message"].as_str().unwrap().contains(&id));

    // Read and edit with the entity tag; nothing is overwritten unseen.
    let (s, h, _) = send(app.as_(
        &interviewer,
        Method::GET,
        &format!("/api/v1/questions/{id}"),
    ))
    .await;
    assert_eq!(
        (s, h[header::ETAG].to_str().unwrap()),
        (StatusCode::OK, "\"1\"")
    );
    let path = format!("/api/v1/questions/{id}");
    let (s, _, e) = send(
        app.as_(&interviewer, Method::PATCH, &path)
            .json(&json!({"section": "Databases"})),
    )
    .await;
    assert_eq!(s, StatusCode::PRECONDITION_REQUIRED);
    assert_error(&e, "precondition_required");
    let (s, h, q) = send(app.as_(&interviewer, Method::PATCH, &path).header(header::IF_MATCH, "\"1\"").json(&json!({"section": "Databases", "key_points": ["log before data", "replay on restart"]}))).await;
    assert_eq!(s, StatusCode::OK, "{q}");
    assert_eq!(
        (
            h[header::ETAG].to_str().unwrap(),
            &q["section"],
            &q["key_points_extracted"]
        ),
        ("\"2\"", &json!("Databases"), &json!(false))
    );
    let (s, _, e) = send(
        app.as_(&admin, Method::PATCH, &path)
            .header(header::IF_MATCH, "\"1\"")
            .json(&json!({"text": "Overwrite?"})),
    )
    .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "a stale tag");
    assert_error(&e, "precondition_failed");
    let (_, _, q) = send(app.as_(&admin, Method::GET, &path)).await;
    assert_eq!(
        q["text"], "How does a write-ahead log make a crash safe?",
        "the stale edit wrote nothing"
    );
    let (s, _, q) = send(
        app.as_(&admin, Method::PATCH, &path)
            .header(header::IF_MATCH, "*")
            .json(&json!({"section": null})),
    )
    .await;
    assert_eq!(
        (s, &q["section"]),
        (StatusCode::OK, &json!(null)),
        "null clears"
    );
    let (s, _, e) = send(
        app.as_(&admin, Method::PATCH, &path)
            .header(header::IF_MATCH, "*")
            .json(&json!({"kind": "riddle"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&e, "invalid");

    // History.
    let (s, _, revs) = send(app.as_(&interviewer, Method::GET, &format!("{path}/revisions"))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(revs.as_array().unwrap().len(), 3);

    // Pages follow the cursor to the end.
    for t in [
        "What is a mutex?",
        "What is a semaphore?",
        "What is a condition variable?",
    ] {
        send(
            app.as_(&admin, Method::POST, "/api/v1/questions")
                .json(&json!({"text": t})),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (s, _, page) = send(app.as_(
            &admin,
            Method::GET,
            &format!("/api/v1/questions?limit=2&cursor={cursor}"),
        ))
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["text"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[1], "What is a mutex?");
    let (s, _, page) = send(app.as_(
        &admin,
        Method::GET,
        "/api/v1/questions?section=Databases&lang=en",
    ))
    .await;
    assert_eq!(
        (s, page["items"].as_array().unwrap().len()),
        (StatusCode::OK, 0)
    );
    let (s, _, e) = send(app.as_(&admin, Method::GET, "/api/v1/questions?cursor=nonsense")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&e, "bad_request");

    // Deleting is for owners and admins.
    let (s, _, e) = send(app.as_(&interviewer, Method::DELETE, &path)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&e, "forbidden");
    let (s, _, _) = send(app.as_(&admin, Method::DELETE, &path)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, e) = send(app.as_(&admin, Method::GET, &path)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&e, "not_found");
    app.stop().await;
}

async fn bad_requests_get_a_clear_error_and_change_nothing(db: Db) {
    let Some(app) = TestApp::spawn(db, |s| s.max_body_bytes = 4096).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, admin) = app.member(&acme, Role::Admin).await;
    let post = || app.as_(&admin, Method::POST, "/api/v1/questions");
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            post()
                .header(header::CONTENT_TYPE, "application/json")
                .body("{\"text\": "),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            post()
                .header(header::CONTENT_TYPE, "application/json")
                .body(vec![b'{', 0xff, 0xfe, b'}']),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            post()
                .header(header::CONTENT_TYPE, "text/plain")
                .body("{\"text\":\"x\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post().body("{\"text\":\"x\"}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post().json(&json!({"text": "x", "colour": "red"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            post().json(&json!({"text": 5})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            post().json(&json!({"text": "   "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            post().json(&json!({"text": "x".repeat(5000)})),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            post()
                .header(header::CONTENT_TYPE, "application/json")
                .body(vec![b'a'; 64 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            app.req(Method::GET, "/api/v1/questions"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            app.req(Method::GET, "/api/v1/questions")
                .bearer_auth("parley_wrong"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            app.req(Method::GET, "/api/v1/questions")
                .header(header::AUTHORIZATION, "Basic eDp5"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            app.as_(&admin, Method::GET, "/api/v1/no-such-thing"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            app.as_(&admin, Method::GET, "/api/v1/questions/not-an-id"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            app.as_(&admin, Method::GET, "/api/v1/questions?limit=abc"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            app.as_(&admin, Method::POST, "/api/v1/questions")
                .header("Idempotency-Key", "k".repeat(201))
                .json(&json!({"text": "x"})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (i, (rb, status, code)) in cases.into_iter().enumerate() {
        let (s, _, body) = send(rb).await;
        assert_eq!(s, status, "case {i}: {body}");
        assert_error(&body, code);
    }
    let (s, _, body) = send(app.as_(&admin, Method::PUT, "/api/v1/questions")).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&body, "method_not_allowed");
    let (s, _, body) = send(app.req(Method::GET, "/no/such/page")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        body.as_str()
            .is_some_and(|b| b.contains("<h1>Not Found</h1>")),
        "an HTML page: {body}"
    );
    let (_, _, page) = send(app.as_(&admin, Method::GET, "/api/v1/questions")).await;
    assert_eq!(page["items"], json!([]), "nothing was written");
    app.stop().await;
}

async fn login(
    app: &TestApp,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>, serde_json::Value) {
    let (s, h, body) = send(
        app.req(Method::POST, "/api/v1/session")
            .json(&json!({"email": email, "password": password})),
    )
    .await;
    let cookie = h
        .get(header::SET_COOKIE)
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string());
    (s, cookie, body)
}

async fn a_session_signs_in_refuses_cross_site_writes_and_signs_out(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (ann, _) = app.member(&acme, Role::Interviewer).await;
    let (s, cookie, e) = login(&app, ann.email.as_str(), "not the password").await;
    assert_eq!((s, cookie), (StatusCode::UNAUTHORIZED, None));
    assert_error(&e, "bad_credentials");
    let (s, _, e) = login(&app, "nobody@acme.test", PASSWORD).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "an unknown address fails like a wrong password"
    );
    assert_error(&e, "bad_credentials");

    let (s, cookie, body) = login(&app, &ann.email.as_str().to_uppercase(), PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    let (s, h, _) = send(
        app.req(Method::POST, "/api/v1/session")
            .json(&json!({"email": ann.email.as_str(), "password": PASSWORD})),
    )
    .await;
    let set = h[header::SET_COOKIE].to_str().unwrap();
    assert!(
        s.is_success() && set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );

    let with = |m: Method, p: &str| app.req(m, p).header(header::COOKIE, &cookie);
    let (s, _, me) = send(with(Method::GET, "/api/v1/me")).await;
    assert_eq!(
        (s, me["user"]["email"].as_str()),
        (StatusCode::OK, Some(ann.email.as_str()))
    );
    assert_eq!(me["org"]["slug"], "acme");
    let q = json!({"text": "Why is a B-tree shallow?"});
    let (s, _, e) = send(with(Method::POST, "/api/v1/questions").json(&q)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no CSRF token");
    assert_error(&e, "cross_site");
    let (s, _, _) = send(
        with(Method::POST, "/api/v1/questions")
            .header("x-csrf-token", &csrf)
            .header("sec-fetch-site", "cross-site")
            .json(&q),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another site");
    let (s, _, _) = send(
        with(Method::POST, "/api/v1/questions")
            .header("x-csrf-token", &csrf)
            .header(header::ORIGIN, "https://evil.example")
            .json(&q),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another origin");
    let (s, _, _) = send(
        with(Method::POST, "/api/v1/questions")
            .header("x-csrf-token", &csrf)
            .header("sec-fetch-site", "same-origin")
            .json(&q),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = send(
        app.req(Method::POST, "/api/v1/session")
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"email": ann.email.as_str(), "password": PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "login from another site");

    let (s, h, _) =
        send(with(Method::DELETE, "/api/v1/session").header("x-csrf-token", &csrf)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        h[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (s, _, _) = send(with(Method::GET, "/api/v1/me")).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the session is gone from the database"
    );
    app.stop().await;
}

async fn failed_logins_are_limited_per_address(db: Db) {
    let Some(app) = TestApp::spawn(db, |s| s.login_failures = 3).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (ann, _) = app.member(&acme, Role::Candidate).await;
    let (bob, _) = app.member(&acme, Role::Candidate).await;
    for _ in 0..3 {
        assert_eq!(
            login(&app, ann.email.as_str(), "guess guess guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (s, h, e) = send(
        app.req(Method::POST, "/api/v1/session")
            .json(&json!({"email": ann.email.as_str(), "password": PASSWORD})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_error(&e, "rate_limited");
    let retry: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert_eq!(
        login(&app, bob.email.as_str(), PASSWORD).await.0,
        StatusCode::OK,
        "other addresses are not locked"
    );
    app.stop().await;
}

async fn busy_members_get_429_with_retry_after(db: Db) {
    let Some(app) = TestApp::spawn(db, |s| {
        s.rate_per_second = 1;
        s.rate_burst = 3;
    })
    .await
    else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, t1) = app.member(&acme, Role::Admin).await;
    let (_, t2) = app.member(&acme, Role::Admin).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(send(app.as_(&t1, Method::GET, "/api/v1/me")).await.0);
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    let (s, h, e) = send(app.as_(&t1, Method::GET, "/api/v1/me")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_error(&e, "rate_limited");
    assert!(
        h[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(
        send(app.as_(&t2, Method::GET, "/api/v1/me")).await.0,
        StatusCode::OK,
        "per member"
    );
    app.stop().await;
}

async fn a_password_change_ends_the_other_sessions(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (ann, _) = app.member(&acme, Role::Interviewer).await;
    let (_, c1, b1) = login(&app, ann.email.as_str(), PASSWORD).await;
    let (_, c2, _) = login(&app, ann.email.as_str(), PASSWORD).await;
    let (c1, c2) = (c1.unwrap(), c2.unwrap());
    let csrf = b1["csrf_token"].as_str().unwrap();
    let change = |current: &str, new: &str| {
        app.req(Method::PUT, "/api/v1/me/password")
            .header(header::COOKIE, &c1)
            .header("x-csrf-token", csrf)
            .json(&json!({"current_password": current, "new_password": new}))
    };
    let (s, _, e) = send(change("wrong wrong wrong", "a brand new password")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&e, "invalid");
    let (s, _, _) = send(change(PASSWORD, "short")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "too short");
    let (s, _, _) = send(change(PASSWORD, "a brand new password")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let me = |c: &str| {
        app.req(Method::GET, "/api/v1/me")
            .header(header::COOKIE, c.to_string())
    };
    assert_eq!(
        send(me(&c1)).await.0,
        StatusCode::OK,
        "the session that changed it stays"
    );
    assert_eq!(
        send(me(&c2)).await.0,
        StatusCode::UNAUTHORIZED,
        "the other one ended"
    );
    assert_eq!(
        login(&app, ann.email.as_str(), PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, ann.email.as_str(), "a brand new password")
            .await
            .0,
        StatusCode::OK
    );
    app.stop().await;
}

async fn an_invitation_makes_one_account_with_its_role(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, admin) = app.member(&acme, Role::Admin).await;
    let (_, interviewer) = app.member(&acme, Role::Interviewer).await;
    let (s, _, _) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/invitations")
            .json(&json!({"role": "candidate"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = send(
        app.as_(&admin, Method::POST, "/api/v1/invitations")
            .json(&json!({"role": "owner"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an admin cannot make owners");
    let (s, _, inv) = send(
        app.as_(&admin, Method::POST, "/api/v1/invitations")
            .json(&json!({"role": "candidate"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{inv}");
    let code = inv["code"].as_str().unwrap();
    assert!(
        inv["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/join/{code}"))
    );
    let accept = |email: &str, password: &str| {
        app.req(Method::POST, "/api/v1/invitations/accept")
            .json(&json!({"code": code, "email": email, "name": "Cleo", "password": password}))
    };
    let (s, _, _) = send(accept("cleo@x.test", "short")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, user) = send(accept("cleo@x.test", "cleo's long password")).await;
    assert_eq!(
        (s, user["role"].as_str()),
        (StatusCode::CREATED, Some("candidate"))
    );
    let (s, _, e) = send(accept("dan@x.test", "dan's long password")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a used code");
    assert_error(&e, "not_found");
    let (s, cookie, _) = login(&app, "cleo@x.test", "cleo's long password").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = send(
        app.req(Method::GET, "/api/v1/questions")
            .header(header::COOKIE, cookie.unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "candidates do not read the bank");
    let (_, _, list) = send(app.as_(&admin, Method::GET, "/api/v1/invitations")).await;
    assert!(list[0]["accepted_at"].is_i64());

    // Members: an admin promotes the candidate, cannot touch the owner, removes a member.
    let (owner, _) = app.member(&acme, Role::Owner).await;
    let cleo = user["id"].as_str().unwrap();
    let (s, _, u) = send(
        app.as_(&admin, Method::PATCH, &format!("/api/v1/members/{cleo}"))
            .json(&json!({"role": "interviewer"})),
    )
    .await;
    assert_eq!(
        (s, u["role"].as_str()),
        (StatusCode::OK, Some("interviewer"))
    );
    let (s, _, _) = send(
        app.as_(
            &admin,
            Method::PATCH,
            &format!("/api/v1/members/{}", owner.id),
        )
        .json(&json!({"role": "candidate"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an admin cannot demote an owner");
    let (s, _, _) = send(
        app.as_(&admin, Method::PATCH, &format!("/api/v1/members/{cleo}"))
            .json(&json!({"role": "owner"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an admin cannot make owners");
    let (s, _, _) = send(app.as_(&admin, Method::DELETE, &format!("/api/v1/members/{cleo}"))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        login(&app, "cleo@x.test", "cleo's long password").await.0,
        StatusCode::UNAUTHORIZED,
        "removed"
    );
    app.stop().await;
}

async fn answers_are_graded_against_given_texts_or_a_bank_question(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let (_, interviewer) = app.member(&acme, Role::Interviewer).await;
    let (_, candidate) = app.member(&acme, Role::Candidate).await;
    let (_, stranger) = app.member(&globex, Role::Admin).await;
    let texts = json!({
        "question": "How do you make a payment endpoint safe to retry?",
        "reference_answer": "The client sends an idempotency key. The server stores the key with the result under a unique index. A retry with the same key returns the stored result.",
        "answer": "The client sends an idempotency key and the server returns the stored result when the same key comes again."
    });
    let (s, _, g) = send(
        app.as_(&candidate, Method::POST, "/api/v1/grade")
            .json(&texts),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let score = g["score"].as_f64().unwrap();
    assert!((0.0..=5.0).contains(&score));
    assert_eq!(g["method"], "lexical", "no model in this server");
    let points = g["covered"].as_array().unwrap().len() + g["missed"].as_array().unwrap().len();
    assert_eq!(
        points, 3,
        "every key point is either covered or missed: {g}"
    );
    assert!(
        g["covered"][0]["evidence"]
            .as_str()
            .is_some_and(|e| e.contains("idempotency key")),
        "{g}"
    );
    assert!(g["explanation"].as_str().is_some_and(|e| !e.is_empty()));

    let mut huge = texts.clone();
    huge["answer"] = json!("idempotency ".repeat(90_000));
    let (s, _, g) = send(
        app.as_(&candidate, Method::POST, "/api/v1/grade")
            .json(&huge),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        g["flags"].as_array().unwrap().contains(&json!("too_long")),
        "{g}"
    );
    let mut garbage = texts.clone();
    garbage["answer"] = json!("\u{fffd}\u{0}\u{fffd}\u{1}\u{fffd}\u{fffd}\u{2}\u{fffd}");
    let (s, _, g) = send(
        app.as_(&candidate, Method::POST, "/api/v1/grade")
            .json(&garbage),
    )
    .await;
    assert_eq!((s, g["score"].as_f64()), (StatusCode::OK, Some(0.0)), "{g}");

    let q = app
        .store
        .create_question(
            acme.id,
            {
                let mut d =
                    parley_domain::QuestionDraft::new("What does a unique index guarantee?");
                d.reference_answer = Some("No two rows share the indexed value.".into());
                d
            },
            "t",
        )
        .await
        .unwrap();
    let by_id = json!({"question_id": q.id.to_string(), "answer": "No two rows can have the same value in the indexed column."});
    let (s, _, g) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/grade")
            .json(&by_id),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let (s, _, _) = send(
        app.as_(&candidate, Method::POST, "/api/v1/grade")
            .json(&by_id),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "candidates do not read the bank's answers"
    );
    let (s, _, _) = send(
        app.as_(&stranger, Method::POST, "/api/v1/grade")
            .json(&by_id),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another organisation's question");
    let (s, _, e) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/grade")
            .json(&json!({"answer": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&e, "invalid");
    let (s, _, e) = send(
        app.as_(&interviewer, Method::POST, "/api/v1/grade")
            .json(&json!({"question": "Why?", "answer": "x"})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing to grade against"
    );
    assert_error(&e, "invalid");

    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("parley_graded_answers_total 4"),
        "{metrics}"
    );
    assert!(metrics.contains("route=\"/api/v1/grade\",status=\"200\""));
    app.stop().await;
}

fn upload(files: &[(&str, Vec<u8>)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    form
}

async fn uploads_import_all_or_nothing_and_duplicates_are_reviewed(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, admin) = app.member(&acme, Role::Admin).await;
    let (_, candidate) = app.member(&acme, Role::Candidate).await;
    let notes = b"# Databases\n\n1. What is a covering index?\n   An index that holds every column a query reads.\n\n2. What does VACUUM do?\n   It reclaims space from dead rows.\n".to_vec();
    let count = |app: &TestApp| {
        let org = acme.id;
        let store = app.store.clone();
        async move { store.count_questions(org).await.unwrap() }
    };

    let (s, _, r) = send(
        app.as_(&admin, Method::POST, "/api/v1/imports?dry_run=true")
            .multipart(upload(&[("db.md", notes.clone())])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["added"].as_u64(), r["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(r["files"][0]["questions"], 2);
    assert_eq!(count(&app).await, 0, "a dry run writes nothing");

    let binary = vec![0u8, 159, 146, 150, 0, 0, 1, 2, 3];
    let (s, _, e) = send(
        app.as_(&admin, Method::POST, "/api/v1/imports")
            .multipart(upload(&[("db.md", notes.clone()), ("blob.bin", binary)])),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("blob.bin"),
        "{e}"
    );
    assert_eq!(count(&app).await, 0, "all files or none");
    let (s, _, e) = send(
        app.as_(&admin, Method::POST, "/api/v1/imports")
            .json(&json!({"files": []})),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(&e, "unsupported_media_type");
    let (s, _, _) = send(
        app.as_(&candidate, Method::POST, "/api/v1/imports")
            .multipart(upload(&[("db.md", notes.clone())])),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, _, r) = send(
        app.as_(&admin, Method::POST, "/api/v1/imports")
            .multipart(upload(&[("db.md", notes.clone())])),
    )
    .await;
    assert_eq!((s, r["added"].as_u64()), (StatusCode::OK, Some(2)), "{r}");
    let (_, _, r) = send(
        app.as_(&admin, Method::POST, "/api/v1/imports")
            .multipart(upload(&[("again.md", notes)])),
    )
    .await;
    assert_eq!(
        (r["added"].as_u64(), r["merged_exact"].as_u64()),
        (Some(0), Some(2)),
        "the same questions merge"
    );
    let (_, _, sections) = send(app.as_(&admin, Method::GET, "/api/v1/sections")).await;
    assert_eq!(sections, json!([{"name": "Databases", "questions": 2}]));

    // Review: dismiss one suggestion, merge another.
    let qs = app.store.all_questions(acme.id).await.unwrap();
    let third = app
        .store
        .create_question(
            acme.id,
            parley_domain::QuestionDraft::new("What is an index that covers a query?"),
            "t",
        )
        .await
        .unwrap();
    let pair =
        |a: parley_domain::QuestionId, b: parley_domain::QuestionId| parley_store::DuplicatePair {
            question: a,
            similar_to: b,
            score: 0.95,
        };
    app.store
        .suggest_duplicates(
            acme.id,
            &[pair(qs[0].id, third.id), pair(qs[0].id, qs[1].id)],
        )
        .await
        .unwrap();
    let (s, _, open) = send(app.as_(&admin, Method::GET, "/api/v1/duplicates")).await;
    assert_eq!(
        (s, open["items"].as_array().unwrap().len()),
        (StatusCode::OK, 2),
        "{open}"
    );
    let (s, _, _) = send(
        app.as_(&admin, Method::POST, "/api/v1/duplicates/dismiss")
            .json(&json!({"a": qs[0].id.to_string(), "b": qs[1].id.to_string()})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, merged) = send(
        app.as_(&admin, Method::POST, "/api/v1/duplicates/merge")
            .json(&json!({"keep": qs[0].id.to_string(), "other": third.id.to_string()})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(merged["id"], qs[0].id.to_string());
    let (s, _, _) = send(app.as_(
        &admin,
        Method::GET,
        &format!("/api/v1/questions/{}", third.id),
    ))
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the merged question is gone");
    let (_, _, open) = send(app.as_(&admin, Method::GET, "/api/v1/duplicates")).await;
    assert_eq!(open["items"], json!([]));
    let (s, _, _) = send(
        app.as_(&admin, Method::POST, "/api/v1/duplicates/dismiss")
            .json(&json!({"a": qs[0].id.to_string(), "b": qs[0].id.to_string()})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

async fn password_guesses_sent_at_once_are_still_limited(db: Db) {
    let Some(app) = TestApp::spawn(db, |s| s.login_failures = 3).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (ann, _) = app.member(&acme, Role::Interviewer).await;
    let guesses = (0..12).map(|i| {
        let rb = app
            .req(Method::POST, "/api/v1/session")
            .json(&json!({"email": ann.email.as_str(), "password": format!("guess number {i}")}));
        async move { send(rb).await.0 }
    });
    let statuses = futures_join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, limited), (3, 9), "{statuses:?}");
    app.stop().await;

    // A wrong current password counts too: a stolen session cannot guess its way in.
    let Some(app) = TestApp::spawn(db, |s| s.login_failures = 2).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (_, token) = app.member(&acme, Role::Interviewer).await;
    let change = || {
        app.as_(&token, Method::PUT, "/api/v1/me/password").json(
            &json!({"current_password": "a wrong guess", "new_password": "a brand new password"}),
        )
    };
    assert_eq!(send(change()).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(send(change()).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(send(change()).await.0, StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

/// Runs the futures at once and collects their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    fs: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn secrets_are_answered_once_and_never_stored(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (admin, token) = app.member(&acme, Role::Admin).await;
    let create = || {
        app.as_(&token, Method::POST, "/api/v1/tokens")
            .header("Idempotency-Key", "t-1")
            .json(&json!({"name": "ci"}))
    };
    let (s, _, first) = send(create()).await;
    assert_eq!(s, StatusCode::CREATED);
    let secret = first["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("parley_"));
    let (s, _, again) = send(create()).await;
    assert_eq!(
        (s, &again["id"], &again["token"]),
        (StatusCode::CREATED, &first["id"], &json!(null)),
        "the same token, its secret not shown twice"
    );
    let stored = app
        .store
        .stored_reply(admin.id, "t-1")
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.body.contains(&secret),
        "the secret is not kept in the database"
    );
    let (s, _, _) = send(app.as_(&secret, Method::GET, "/api/v1/me")).await;
    assert_eq!(s, StatusCode::OK, "the token works");

    let (_, _, inv) = send(
        app.as_(&token, Method::POST, "/api/v1/invitations")
            .header("Idempotency-Key", "i-1")
            .json(&json!({"role": "candidate"})),
    )
    .await;
    let code = inv["code"].as_str().unwrap().to_string();
    let stored = app
        .store
        .stored_reply(admin.id, "i-1")
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.body.contains(&code), "nor an invitation code");
    app.stop().await;
}

async fn invitations_can_be_withdrawn_and_die_with_their_authors_right(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let (_, owner) = app.member(&acme, Role::Owner).await;
    let (admin, admin_token) = app.member(&acme, Role::Admin).await;
    let (_, stranger) = app.member(&globex, Role::Admin).await;
    let invite = |t: &str| {
        app.as_(t, Method::POST, "/api/v1/invitations")
            .json(&json!({"role": "interviewer"}))
    };
    let accept = |code: &str| {
        app.req(Method::POST, "/api/v1/invitations/accept").json(&json!({"code": code, "email": format!("{}@x.test", &code[..8]), "name": "New", "password": "a long new password"}))
    };

    let (_, _, one) = send(invite(&admin_token)).await;
    let id = one["id"].as_str().unwrap();
    let (s, _, _) = send(app.as_(
        &stranger,
        Method::DELETE,
        &format!("/api/v1/invitations/{id}"),
    ))
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another organisation's invitation"
    );
    let (s, _, _) =
        send(app.as_(&owner, Method::DELETE, &format!("/api/v1/invitations/{id}"))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        send(accept(one["code"].as_str().unwrap())).await.0,
        StatusCode::NOT_FOUND,
        "withdrawn"
    );

    let (_, _, two) = send(invite(&admin_token)).await;
    let (s, _, _) = send(
        app.as_(
            &owner,
            Method::PATCH,
            &format!("/api/v1/members/{}", admin.id),
        )
        .json(&json!({"role": "interviewer"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        send(accept(two["code"].as_str().unwrap())).await.0,
        StatusCode::NOT_FOUND,
        "its author may no longer invite"
    );
    app.stop().await;
}
