//! The practice queue against a real SQLite bank of 1,000 and 10,000 questions: reading what
//! the queue needs (`practice_candidates`, the light query `Practice::next` uses) beside
//! reading every question whole (`all_questions`, what it used before) as the baseline of the
//! same run, and one whole `Practice::next` for a member with no cards. Medians.
//!
//! Run: `cargo bench -p parley-bank --bench practice_next`.

use parley_bank::import::import_documents;
use parley_bank::practice::Practice;
use parley_docs::{ReadOptions, parse_document};
use parley_domain::{Email, Role};
use parley_practice::Settings;
use parley_store::{NewUser, Store};
use std::time::{Duration, Instant};

fn bank(n: usize) -> String {
    let sections = [
        "databases",
        "security",
        "messaging",
        "apis",
        "testing",
        "devops",
    ];
    let questions: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "text": format!("Question {i}: how would you handle case {i} in a payment service?"),
                "language": "en",
                "section": sections[i % sections.len()],
                "tags": ["payments", "bench"],
                "reference_answer": format!("A reference answer for case {i}. It covers retries, idempotency keys and a unique index. It also names the trade-offs."),
                "key_points": ["retries are safe with an idempotency key", "a unique index stops duplicates", "the trade-offs are named"],
                "look_for": ["concrete steps"],
                "red_flags": ["no idea of retries"],
            })
        })
        .collect();
    serde_json::json!({"format": "parley/1", "questions": questions}).to_string()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn time<F, Fut>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        v.push(t.elapsed());
    }
    median(v)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        println!("{:<52} {:>10} {:>8}", "case", "median", "ratio");
        for n in [1_000, 10_000] {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("b.db").display());
            let store = Store::open(&url).await.unwrap();
            let org = store.ensure_org("bench").await.unwrap();
            let doc = parse_document(
                bank(n).as_bytes(),
                &ReadOptions {
                    file_name: "bench.json".into(),
                },
            )
            .unwrap();
            import_documents(&store, org, &[("bench.json".into(), doc)], false, "bench")
                .await
                .unwrap();
            let user = store
                .create_user(
                    org,
                    &NewUser {
                        email: Email::parse("b@bench.test").unwrap(),
                        name: "b".into(),
                        role: Role::Candidate,
                        password_hash: "x".into(),
                    },
                )
                .await
                .unwrap();
            let runs = if n >= 10_000 { 11 } else { 31 };
            let whole = time(runs, || async {
                std::hint::black_box(store.all_questions(org).await.unwrap());
            })
            .await;
            let light = time(runs, || async {
                std::hint::black_box(store.practice_candidates(org).await.unwrap());
            })
            .await;
            let p = Practice {
                store: &store,
                org,
                user: user.id,
            };
            let settings = Settings::default();
            let next = time(runs, || async {
                std::hint::black_box(p.next(&settings, 1_790_000_000_000).await.unwrap());
            })
            .await;
            for (name, d) in [
                ("all_questions (baseline)", whole),
                ("practice_candidates", light),
                ("Practice::next (whole)", next),
            ] {
                println!(
                    "{:<52} {:>7.2} ms {:>7.2}x",
                    format!("{name}, {n} questions"),
                    d.as_secs_f64() * 1e3,
                    d.as_secs_f64() / whole.as_secs_f64()
                );
            }
            store.close().await;
        }
    });
}
