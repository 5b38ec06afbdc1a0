//! Roles, candidates, kits and interviews through the JSON API of the real server, on SQLite
//! and PostgreSQL: a kit planned from a role and a CV, edited, exported, scheduled, run through
//! its lifecycle, with notes saved safely; and a returning candidate never asked twice.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{Db, TestApp, assert_error, send};

on_both_backends!(
    a_kit_is_planned_edited_scheduled_and_run,
    a_returning_candidate_gets_new_questions
);

async fn bank(app: &TestApp, token: &str) {
    let mut n = 0;
    for (section, topic) in [
        ("Messaging and queues", "message brokers"),
        ("Databases", "indexes"),
        ("Security", "sessions"),
    ] {
        for k in 0..6 {
            n += 1;
            let body = json!({
                "text": format!("Question {n}: what do you know about {topic}, case {k}?"),
                "section": section,
                "reference_answer": "A reference answer. It has two sentences.",
                "key_points": ["first point", "second point", "third point"],
            });
            let (s, _, q) = send(
                app.as_(token, Method::POST, "/api/v1/questions")
                    .json(&body),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{q}");
        }
    }
    let body = json!({"text": "How would you handle poison messages in RabbitMQ?", "section": "Messaging and queues"});
    let (s, _, _) = send(
        app.as_(token, Method::POST, "/api/v1/questions")
            .json(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
}

fn role_body() -> Value {
    json!({
        "title": "Backend developer",
        "description": "Order platform team",
        "competencies": [
            {"name": "Messaging and queues", "weight": 3, "level": "senior", "required": true},
            {"name": "bazy danych", "weight": 3, "level": "mid", "required": true},
            {"name": "security", "weight": 2, "level": "mid"}
        ],
        "technologies": ["RabbitMQ", "PostgreSQL"]
    })
}

fn minutes(kit: &Value) -> u64 {
    kit["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["minutes"].as_u64().unwrap())
        .sum()
}

fn block<'a>(kit: &'a Value, key: &str) -> &'a Value {
    kit["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["key"] == key)
        .unwrap_or_else(|| panic!("no block {key} in {kit}"))
}

async fn a_kit_is_planned_edited_scheduled_and_run(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let other = app.org("other").await;
    let (admin_user, admin) = app.member(&acme, Role::Admin).await;
    let (ann_user, ann) = app.member(&acme, Role::Interviewer).await;
    let (_, outsider) = app.member(&acme, Role::Interviewer).await;
    let (_, candidate_account) = app.member(&acme, Role::Candidate).await;
    let (_, stranger) = app.member(&other, Role::Owner).await;
    bank(&app, &ann).await;

    // Roles: admins manage them, interviewers read them, candidates neither.
    let (s, _, e) = send(
        app.as_(&ann, Method::POST, "/api/v1/roles")
            .json(&role_body()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, h, role) = send(
        app.as_(&admin, Method::POST, "/api/v1/roles")
            .json(&role_body()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{role}");
    let role_id = role["id"].as_str().unwrap().to_string();
    assert_eq!(h[header::LOCATION], format!("/api/v1/roles/{role_id}"));
    assert_eq!(
        role["competencies"][1]["key"], "databases",
        "named in Polish"
    );
    let (s, _, _) = send(app.as_(&candidate_account, Method::GET, "/api/v1/roles")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, list) = send(app.as_(&ann, Method::GET, "/api/v1/roles")).await;
    assert_eq!((s, list.as_array().unwrap().len()), (StatusCode::OK, 1));
    let mut bad = role_body();
    bad["competencies"] = json!([]);
    let (s, _, e) = send(app.as_(&admin, Method::POST, "/api/v1/roles").json(&bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _, e) =
        send(app.as_(&stranger, Method::GET, &format!("/api/v1/roles/{role_id}"))).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");

    // A candidate: technologies found in the CV, then corrected by the interviewer.
    let cv = "Six years building an order platform.\nI ran RabbitMQ clusters for order events and tuned PostgreSQL indexes.\nSome Docker.";
    let body = json!({"name": "Ada Lovelace", "email": "ada@example.com", "experience": cv, "role_id": role_id});
    let (s, _, cand) = send(
        app.as_(&ann, Method::POST, "/api/v1/candidates")
            .json(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{cand}");
    let cand_id = cand["id"].as_str().unwrap().to_string();
    assert_eq!(
        cand["technologies"],
        json!(["RabbitMQ", "PostgreSQL", "Docker"])
    );
    assert_eq!(cand["found"][0]["section"], "messaging");
    assert!(
        cand["found"][0]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("I ran RabbitMQ")
    );
    let mut fix = body.clone();
    fix["technologies"] = json!(["RabbitMQ", "PostgreSQL"]);
    fix["revision"] = json!(1);
    let (s, _, cand) = send(
        app.as_(&ann, Method::PUT, &format!("/api/v1/candidates/{cand_id}"))
            .json(&fix),
    )
    .await;
    assert_eq!(
        (s, cand["revision"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{cand}"
    );
    let (s, _, e) = send(
        app.as_(&ann, Method::PUT, &format!("/api/v1/candidates/{cand_id}"))
            .json(&fix),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "a stale revision: {e}");

    // The kit: planned for 45 minutes, anchored in the CV.
    let body = json!({"candidate_id": cand_id, "length_minutes": 45, "interviewers": [ann_user.id.to_string(), admin_user.id.to_string()]});
    let (s, _, iv) = send(
        app.as_(&ann, Method::POST, "/api/v1/interviews")
            .json(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    let iv_id = iv["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/interviews/{iv_id}{rest}");
    assert_eq!(iv["state"], "draft");
    assert_eq!(iv["next"], json!(["scheduled", "cancelled"]));
    let kit = &iv["kit"];
    assert_eq!(minutes(kit), 45);
    let opener = &block(kit, "experience")["items"][0];
    assert!(
        opener["text"].as_str().unwrap().contains("RabbitMQ"),
        "{opener}"
    );
    assert!(
        opener["anchor"]
            .as_str()
            .unwrap()
            .contains("I ran RabbitMQ clusters")
    );
    for key in ["messaging", "databases"] {
        assert_eq!(block(kit, key)["required"], true);
        assert!(block(kit, key)["items"][0]["question_id"].is_string());
    }
    let mut bad = body.clone();
    bad["length_minutes"] = json!(50);
    let (s, _, e) = send(app.as_(&ann, Method::POST, "/api/v1/interviews").json(&bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("30, 45, 60 or 90")
    );

    // Edits: pin, swap from the alternatives, move, remove, stale revision, rebuild.
    let db_items = block(kit, "databases")["items"].as_array().unwrap().clone();
    let first = db_items[0]["id"].as_u64().unwrap();
    let edit = |body: Value| app.as_(&ann, Method::POST, &path("/kit")).json(&body);
    let (s, _, iv) = send(edit(json!({"op": "pin", "item": first, "revision": 1}))).await;
    assert_eq!(
        (s, iv["kit"]["revision"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{iv}"
    );
    let (s, _, e) = send(edit(json!({"op": "remove", "item": first}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "pinned: {e}");
    let (s, _, e) = send(edit(json!({"op": "unpin", "item": first, "revision": 1}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "stale: {e}");
    let (s, _, alts) = send(app.as_(
        &ann,
        Method::GET,
        &path("/kit/alternatives?block=databases"),
    ))
    .await;
    assert_eq!(s, StatusCode::OK, "{alts}");
    let alt = alts[0]["question_id"].as_str().unwrap().to_string();
    let in_kit: Vec<&Value> = db_items.iter().map(|i| &i["question_id"]).collect();
    assert!(
        !in_kit.contains(&&json!(alt)),
        "an alternative is not already in the kit"
    );
    let second = db_items.get(1).map(|i| i["id"].as_u64().unwrap());
    if let Some(second) = second {
        let (s, _, iv) = send(edit(
            json!({"op": "swap", "item": second, "question_id": alt}),
        ))
        .await;
        assert_eq!(s, StatusCode::OK, "{iv}");
        let items = block(&iv["kit"], "databases")["items"]
            .as_array()
            .unwrap()
            .clone();
        assert!(items.iter().any(|i| i["question_id"] == json!(alt)));
        assert!(items.iter().all(|i| i["id"].as_u64() != Some(second)));
        let moved = items.last().unwrap()["id"].as_u64().unwrap();
        let (s, _, iv) = send(edit(json!({"op": "move", "item": moved, "delta": -10}))).await;
        assert_eq!(
            block(&iv["kit"], "databases")["items"][0]["id"].as_u64(),
            Some(moved),
            "{s}"
        );
    }
    let (s, _, iv) = send(edit(json!({"op": "rebuild", "length_minutes": 60}))).await;
    assert_eq!(s, StatusCode::OK, "{iv}");
    assert_eq!(minutes(&iv["kit"]), 60);
    assert_eq!(iv["length_minutes"], 60);
    let kept = block(&iv["kit"], "databases")["items"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        kept.iter()
            .any(|i| i["id"].as_u64() == Some(first) && i["pinned"] == true),
        "the pinned item stays"
    );
    let (s, _, e) = send(edit(json!({"op": "swap", "item": first}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // Markdown and the calendar file.
    let resp = app
        .as_(&ann, Method::GET, &path("/kit.md"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    let md = resp.text().await.unwrap();
    assert!(
        md.starts_with("# Interview: Ada Lovelace, Backend developer"),
        "{md}"
    );
    assert!(md.contains("## Messaging and queues ("));
    let (s, _, e) = send(app.as_(&ann, Method::GET, &path("/calendar.ics"))).await;
    assert_eq!(s, StatusCode::CONFLICT, "no time yet: {e}");

    // The lifecycle: refused moves say why; each move is recorded.
    let go = |to: &str| {
        app.as_(&ann, Method::POST, &path("/transitions"))
            .json(&json!({"to": to}))
    };
    let (s, _, e) = send(go("in_progress")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_error(&e, "conflict");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("scheduled first"),
        "{e}"
    );
    let (s, _, e) = send(go("scheduled")).await;
    assert_eq!(s, StatusCode::CONFLICT, "no date: {e}");
    let far = json!({"scheduled_at": i64::MAX, "interviewers": []});
    let (s, _, e) = send(app.as_(&ann, Method::PUT, &path("/plan")).json(&far)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let at = 1_800_000_000_000_i64;
    let plan = json!({"scheduled_at": at, "interviewers": [ann_user.id.to_string(), admin_user.id.to_string()]});
    let (s, _, iv) = send(app.as_(&ann, Method::PUT, &path("/plan")).json(&plan)).await;
    assert_eq!(
        (s, iv["scheduled_at"].as_i64()),
        (StatusCode::OK, Some(at)),
        "{iv}"
    );
    let (s, _, iv) = send(go("scheduled")).await;
    assert_eq!(
        (s, &iv["state"]),
        (StatusCode::OK, &json!("scheduled")),
        "{iv}"
    );
    let resp = app
        .as_(&ann, Method::GET, &path("/calendar.ics"))
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = resp.text().await.unwrap().replace("\r\n ", "");
    assert!(ics.contains("DTSTART:20270115T080000Z"), "{ics}");
    assert!(ics.contains("DTEND:20270115T090000Z"), "60 minutes: {ics}");
    assert!(ics.contains("mailto:ada@example.com"));
    assert!(ics.contains(&format!("UID:{iv_id}@parley")));

    // Notes before the start are refused; then saved, repeated, and never undone by a late save.
    let note = |token: &str, item: u64, body: Value| {
        app.as_(token, Method::PUT, &path(&format!("/entries/{item}")))
            .json(&body)
    };
    let (s, _, e) = send(note(
        &ann,
        first,
        json!({"notes": "early", "client_rev": 1}),
    ))
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, _, iv) = send(go("in_progress")).await;
    assert_eq!((s, iv["started_at"].is_i64()), (StatusCode::OK, true));
    let (s, _, e) = send(edit(json!({"op": "unpin", "item": first}))).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "the kit is fixed once started: {e}"
    );
    let entry =
        json!({"notes": "Knows covering indexes", "rating": 3, "checked": [0, 2], "client_rev": 7});
    let (s, _, saved) = send(note(&ann, first, entry.clone())).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(
        (saved["notes"].as_str(), saved["checked"].clone()),
        (Some("Knows covering indexes"), json!([0, 2]))
    );
    let (_, _, again) = send(note(&ann, first, entry.clone())).await;
    assert_eq!(again["client_rev"], 7);
    let (_, _, late) = send(note(
        &ann,
        first,
        json!({"notes": "older text", "client_rev": 6}),
    ))
    .await;
    assert_eq!(
        late["notes"], "Knows covering indexes",
        "a late, older save changes nothing"
    );
    let (s, _, mine) = send(app.as_(&ann, Method::GET, &path("/entries"))).await;
    assert_eq!((s, mine.as_array().unwrap().len()), (StatusCode::OK, 1));
    let (_, _, theirs) = send(app.as_(&admin, Method::GET, &path("/entries"))).await;
    assert_eq!(theirs, json!([]), "each member sees their own notes");
    let (s, _, e) = send(note(
        &outsider,
        first,
        json!({"notes": "x", "client_rev": 1}),
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not on the panel: {e}");
    let (s, _, e) = send(note(
        &ann,
        first,
        json!({"notes": "a\u{0}b", "client_rev": 8}),
    ))
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a NUL is refused, not a 500: {e}"
    );
    let (s, _, e) = send(note(&ann, first, json!({"rating": 9, "client_rev": 8}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "off the scale: {e}");
    let (s, _, e) = send(note(&ann, first, json!({"checked": [5], "client_rev": 8}))).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no such key point: {e}"
    );
    let (s, _, _) = send(note(&candidate_account, first, json!({"client_rev": 1}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, _, e) = send(go("cancelled")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, _, _) = send(go("completed")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, history) = send(app.as_(&admin, Method::GET, &path("/transitions"))).await;
    assert_eq!(s, StatusCode::OK);
    let moves: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from"].as_str().unwrap().into(),
                t["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("draft", "scheduled"),
            ("scheduled", "in_progress"),
            ("in_progress", "completed")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(history[0]["by"], ann_user.id.to_string());

    // Someone else's interview is as unknown as a missing one.
    for p in ["", "/kit.md", "/transitions", "/entries", "/calendar.ics"] {
        let (s, _, e) = send(app.as_(&stranger, Method::GET, &path(p))).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{p}: {e}");
    }
    app.stop().await;
}

async fn a_returning_candidate_gets_new_questions(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (admin_user, admin) = app.member(&acme, Role::Admin).await;
    bank(&app, &admin).await;
    let (_, _, role) = send(
        app.as_(&admin, Method::POST, "/api/v1/roles")
            .json(&role_body()),
    )
    .await;
    let body = json!({"name": "Grace", "experience": "Kafka and MySQL.", "role_id": role["id"]});
    let (_, _, cand) = send(
        app.as_(&admin, Method::POST, "/api/v1/candidates")
            .json(&body),
    )
    .await;
    let new = json!({"candidate_id": cand["id"], "length_minutes": 30, "interviewers": [admin_user.id.to_string()], "scheduled_at": 1_800_000_000_000_i64});
    let (s, _, first) = send(
        app.as_(&admin, Method::POST, "/api/v1/interviews")
            .json(&new),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let id = first["id"].as_str().unwrap();
    for to in ["scheduled", "in_progress", "completed"] {
        let (s, _, e) = send(
            app.as_(
                &admin,
                Method::POST,
                &format!("/api/v1/interviews/{id}/transitions"),
            )
            .json(&json!({"to": to})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{e}");
    }
    let asked = |iv: &Value| -> Vec<String> {
        iv["kit"]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["items"].as_array().unwrap().iter())
            .filter_map(|i| i["question_id"].as_str().map(String::from))
            .collect()
    };
    let before = asked(&first);
    assert!(!before.is_empty());
    let (s, _, second) = send(
        app.as_(&admin, Method::POST, "/api/v1/interviews")
            .json(&new),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    let after = asked(&second);
    assert!(!after.is_empty());
    for q in &after {
        assert!(!before.contains(q), "{q} asked again");
    }
    let (s, _, list) = send(app.as_(
        &admin,
        Method::GET,
        &format!(
            "/api/v1/interviews?candidate={}",
            cand["id"].as_str().unwrap()
        ),
    ))
    .await;
    assert_eq!((s, list.as_array().unwrap().len()), (StatusCode::OK, 2));
    app.stop().await;
}
