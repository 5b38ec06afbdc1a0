//! A candidate's data rights through the API: the export holds everything about them; after
//! erasure no table holds their name, address or CV text — on SQLite checked by searching the
//! raw database files, on PostgreSQL every row of every table — while the ratings,
//! recommendations and decision still add up; and the retention rule erases on its own.

mod support;

use parley_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Db, TestApp, send};

on_both_backends!(an_erased_candidate_leaves_no_trace_but_the_numbers);

const NAME: &str = "Quentin Zephyrwood";
const EMAIL: &str = "quentin.zephyrwood@example.org";
const CV: &str = "I built the Xylophonic order pipeline on RabbitMQ at Brambleworks.";
const SECRETS: [&str; 4] = ["Zephyrwood", "zephyrwood", "Xylophonic", "Brambleworks"];

async fn stats(app: &TestApp, token: &str, id: &str) -> Value {
    let (_, _, a) = send(app.as_(
        token,
        Method::GET,
        &format!("/api/v1/interviews/{id}/assessment"),
    ))
    .await;
    let (_, _, entries) = send(app.as_(
        token,
        Method::GET,
        &format!("/api/v1/interviews/{id}/entries"),
    ))
    .await;
    json!({
        "ratings": entries.as_array().unwrap().iter().map(|e| e["rating"].clone()).collect::<Vec<_>>(),
        "ticks": entries.as_array().unwrap().iter().map(|e| e["checked"].clone()).collect::<Vec<_>>(),
        "recommendations": a["scorecards"].as_array().unwrap().iter().map(|c| c["recommendation"].clone()).collect::<Vec<_>>(),
        "decision": a["decision"]["decision"],
        "overall": a["overall"],
    })
}

async fn an_erased_candidate_leaves_no_trace_but_the_numbers(db: Db) {
    let Some(app) = TestApp::spawn(db, |_| {}).await else {
        return;
    };
    let acme = app.org("acme").await;
    let (me, token) = app.member(&acme, Role::Owner).await;
    let (_, interviewer) = app.member(&acme, Role::Interviewer).await;
    let q = json!({"text": "How do you handle poison messages in RabbitMQ?", "section": "Messaging and queues",
        "key_points": ["dead-letter queue", "retry limit"]});
    send(app.as_(&token, Method::POST, "/api/v1/questions").json(&q)).await;
    let role = json!({"title": "Backend developer", "competencies": [{"name": "messaging", "weight": 3, "level": "mid", "required": true}]});
    let (_, _, role) = send(app.as_(&token, Method::POST, "/api/v1/roles").json(&role)).await;
    let body = json!({"name": NAME, "email": EMAIL, "contact": "+48 600 000 000", "experience": CV, "role_id": role["id"]});
    let (s, _, cand) = send(
        app.as_(&token, Method::POST, "/api/v1/candidates")
            .header("Idempotency-Key", "c-1")
            .json(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{cand}");
    let cid = cand["id"].as_str().unwrap().to_string();
    let new = json!({"candidate_id": cid, "length_minutes": 30, "scheduled_at": 1_800_000_000_000_i64, "interviewers": [me.id.to_string()]});
    let (s, _, iv) = send(
        app.as_(&token, Method::POST, "/api/v1/interviews")
            .header("Idempotency-Key", "i-1")
            .json(&new),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    let id = iv["id"].as_str().unwrap().to_string();
    let path = |rest: &str| format!("/api/v1/interviews/{id}{rest}");
    assert!(
        iv.to_string().contains("Xylophonic"),
        "the opener quotes the CV"
    );
    for to in ["scheduled", "in_progress"] {
        send(
            app.as_(&token, Method::POST, &path("/transitions"))
                .json(&json!({"to": to})),
        )
        .await;
    }
    let items: Vec<u64> = iv["kit"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| {
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_u64().unwrap())
        })
        .collect();
    for (k, item) in items.iter().enumerate() {
        let entry = json!({"notes": format!("Zephyrwood answered point {k} calmly"), "rating": 3, "checked": [], "client_rev": 1});
        let (s, _, e) = send(
            app.as_(&token, Method::PUT, &path(&format!("/entries/{item}")))
                .json(&entry),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{e}");
    }
    send(
        app.as_(&token, Method::POST, &path("/transitions"))
            .json(&json!({"to": "completed"})),
    )
    .await;
    let v = json!({"recommendation": "yes", "rationale": "Zephyrwood knows Brambleworks' stack."});
    assert_eq!(
        send(app.as_(&token, Method::POST, &path("/scorecard")).json(&v))
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(app.as_(&token, Method::POST, &path("/decision")).json(&v))
            .await
            .0,
        StatusCode::CREATED
    );
    let (_, _, note) = send(app.as_(&token, Method::GET, &path("/note"))).await;
    let (s, _, _) = send(
        app.as_(&token, Method::PUT, &path("/note"))
            .json(&json!({"body": note["body"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, link) = send(
        app.as_(&token, Method::POST, &path("/note/share"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let before = stats(&app, &token, &id).await;

    // The export holds everything, and only managers may take it.
    let (s, _, _) = send(app.as_(
        &interviewer,
        Method::GET,
        &format!("/api/v1/candidates/{cid}/export"),
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, export) = send(app.as_(
        &token,
        Method::GET,
        &format!("/api/v1/candidates/{cid}/export"),
    ))
    .await;
    assert_eq!(s, StatusCode::OK);
    let text = export.to_string();
    for needle in [
        NAME,
        EMAIL,
        "Xylophonic",
        "calmly",
        "Brambleworks' stack",
        "Hello Quentin",
    ] {
        assert!(text.contains(needle), "the export lacks {needle}");
    }
    assert_eq!(export["interviews"].as_array().unwrap().len(), 1);

    // Erase.
    let (s, _, _) = send(app.as_(
        &interviewer,
        Method::POST,
        &format!("/api/v1/candidates/{cid}/erase"),
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, e) = send(app.as_(
        &token,
        Method::POST,
        &format!("/api/v1/candidates/{cid}/erase"),
    ))
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (_, _, after_export) = send(app.as_(
        &token,
        Method::GET,
        &format!("/api/v1/candidates/{cid}/export"),
    ))
    .await;
    assert!(after_export["erased_at"].is_i64());
    assert_eq!(after_export["candidate"]["name"], "Erased candidate");
    let text = after_export.to_string();
    for needle in SECRETS.iter().chain([&"quentin", &"Quentin", &"600 000"]) {
        assert!(
            !text.contains(needle),
            "{needle} survived in the export: {text}"
        );
    }
    // The numbers still add up.
    assert_eq!(stats(&app, &token, &id).await, before);
    // Nothing more is recorded about them, and erasing again changes nothing.
    let (s, _, e) = send(
        app.as_(&token, Method::PUT, &format!("/api/v1/candidates/{cid}"))
            .json(&json!({"name": NAME})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, _, e) = send(
        app.as_(&token, Method::POST, "/api/v1/interviews")
            .json(&new),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (_, _, kit_before) = send(app.as_(&token, Method::GET, &path(""))).await;
    assert_eq!(
        send(app.as_(
            &token,
            Method::POST,
            &format!("/api/v1/candidates/{cid}/erase")
        ))
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, _, kit_after) = send(app.as_(&token, Method::GET, &path(""))).await;
    assert_eq!(
        kit_before["kit"], kit_after["kit"],
        "a second erasure changes nothing"
    );
    let intro = kit_after["kit"]["blocks"][0]["items"][0]["text"]
        .as_str()
        .unwrap();
    assert!(
        intro.contains("removed with the candidate's data"),
        "{intro}"
    );
    // The shared note is gone with the rest.
    let url = link["link"].as_str().unwrap();
    let at = url.find("/notes/").unwrap();
    assert_eq!(
        app.req(Method::GET, &url[at..])
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    match db {
        Db::Sqlite => {
            let file = app.url.trim_start_matches("sqlite://").to_string();
            let dir = std::path::Path::new(&file).parent().unwrap().to_path_buf();
            let mut scanned = 0;
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                scanned += bytes.len();
                for needle in SECRETS.iter().chain([&EMAIL, &"Quentin"]) {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                        "{needle} is still in {} ({} bytes)",
                        path.display(),
                        bytes.len()
                    );
                }
            }
            assert!(
                scanned > 10_000,
                "the database files were read ({scanned} bytes)"
            );
        }
        Db::Postgres => {
            let pool = sqlx::PgPool::connect(&app.url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert!(tables.len() > 10);
            for t in tables {
                for needle in SECRETS.iter().chain([&EMAIL, &"Quentin"]) {
                    let sql = format!(
                        "SELECT COUNT(*) FROM \"{t}\" x WHERE to_jsonb(x)::text ILIKE '%' || $1 || '%'"
                    );
                    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(*needle)
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                    assert_eq!(n, 0, "{needle} is still in table {t}");
                }
            }
            pool.close().await;
        }
    }

    // The retention rule: a candidate idle past it is erased by the sweep, a fresh one is not.
    let body = json!({"name": "Rowena Quillfeather", "role_id": role["id"]});
    let (_, _, old) = send(
        app.as_(&token, Method::POST, "/api/v1/candidates")
            .json(&body),
    )
    .await;
    let settings = json!({"company": "Acme", "opening_script": "Hi", "closing_script": "Bye",
        "scale": ["No", "Yes"], "retention_months": 6});
    let (s, _, e) = send(
        app.as_(&token, Method::PUT, "/api/v1/settings/interviews")
            .json(&settings),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let state_now = parley_server::auth::now_ms();
    let swept = parley_server::api::privacy::sweep_retention_on(&app.store, state_now)
        .await
        .unwrap();
    assert_eq!(swept, 0, "nobody is six months idle yet");
    let later = state_now + 7 * 30 * 86_400_000;
    let swept = parley_server::api::privacy::sweep_retention_on(&app.store, later)
        .await
        .unwrap();
    assert_eq!(swept, 1, "Rowena (the erased one is not erased twice)");
    let (_, _, old) = send(app.as_(
        &token,
        Method::GET,
        &format!("/api/v1/candidates/{}", old["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(old["name"], "Erased candidate");
    app.stop().await;
}
