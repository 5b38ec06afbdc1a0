//! Semantic search and near-duplicates through the real binary, with the real model. Without
//! the model these tests say so and pass, unless `PARLEY_REQUIRE_MODEL=1` (which `./dev test`
//! sets after installing it) makes its absence a failure.

mod support;

use support::{json, parley_in, seeds, with_postgres};

fn model_present() -> bool {
    let present = parley_embed::Embedder::locate().is_ok();
    if !present {
        assert!(
            std::env::var("PARLEY_REQUIRE_MODEL").as_deref() != Ok("1"),
            "PARLEY_REQUIRE_MODEL=1 but the embedding model is missing; run ./dev setup"
        );
        eprintln!("embedding model missing: skipping (run ./dev setup)");
    }
    present
}

fn story(db: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| parley_in(db, scratch.path(), args);
    let mock = seeds().join("mock-interview-200.txt").display().to_string();
    let pl = seeds()
        .join("pl-backend-questions.txt")
        .display()
        .to_string();
    let report = json(&run(&["import", "--json", &mock, &pl]));

    // Near-duplicates of the import: the reworded SQL/NoSQL questions are among them, and
    // each suggestion has the contract's fields.
    let near = report["near_duplicates"].as_array().unwrap();
    assert!(near.len() >= 10, "{near:?}");
    for s in near {
        assert!(s["question"].is_string() && s["similar_to"].is_string());
        assert!(s["score"].as_f64().unwrap() >= 0.9);
    }
    let mentions = |s: &serde_json::Value, w: &str| {
        s["question_text"].as_str().unwrap().contains(w)
            && s["similar_to_text"].as_str().unwrap().contains(w)
    };
    assert!(near.iter().any(|s| mentions(s, "NoSQL")));
    // Look-alikes stay apart: no pair of an API question with the API gateway question.
    assert!(!near.iter().any(|s| {
        let (a, b) = (
            s["question_text"].as_str().unwrap(),
            s["similar_to_text"].as_str().unwrap(),
        );
        a.contains("Gateway") != b.contains("Gateway") && a.contains("API") && b.contains("API")
    }));

    // dedup lists the same open suggestions; dismissing one removes it for good.
    let listed = json(&run(&["dedup", "--json"]))["near_duplicates"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(listed.len(), near.len());
    let (a, b) = (
        listed[0]["question"].as_str().unwrap(),
        listed[0]["similar_to"].as_str().unwrap(),
    );
    assert!(run(&["dedup", "dismiss", a, b]).status.success());
    let after = json(&run(&["dedup", "scan", "--json"]))["near_duplicates"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        after.len(),
        listed.len() - 1,
        "a dismissed pair is not suggested again"
    );

    // Merging: the other question is gone, its source is on the kept one.
    let (keep, other) = (
        after[0]["question"].as_str().unwrap(),
        after[0]["similar_to"].as_str().unwrap(),
    );
    assert!(run(&["dedup", "merge", keep, other]).status.success());
    let shown = json(&run(&["questions", "show", keep, "--json"]));
    assert!(shown["sources"].as_array().unwrap().len() >= 2);
    assert!(!run(&["questions", "show", other]).status.success());

    // A query sharing no word with its question still finds it, and a Polish query finds
    // English questions.
    let top = |q: &str, mode: &str| {
        json(&run(&[
            "search", q, "--mode", mode, "--limit", "5", "--json",
        ]))["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let found = top("throttling clients that send too many calls", "semantic");
    assert!(
        found
            .iter()
            .any(|t| t.to_lowercase().contains("rate limit")),
        "{found:?}"
    );
    let found = top("jak ograniczyć liczbę zapytań do API", "hybrid");
    assert!(
        found
            .iter()
            .any(|t| t.to_lowercase().contains("rate limit")),
        "{found:?}"
    );
}

#[test]
fn semantic_search_and_dedup_on_sqlite() {
    if !model_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    story(&format!(
        "sqlite://{}",
        dir.path().join("bank.db").display()
    ));
}

#[test]
fn semantic_search_and_dedup_on_postgres() {
    if !model_present() {
        return;
    }
    with_postgres("semantic", story);
}
