//! Black-box tests of `parley search` on the seeds, on SQLite and PostgreSQL: the contract's
//! JSON shape, filters, and an index that follows edits and deletions at once.

mod support;

use support::{json, parley_in, seeds, with_postgres};

fn search_story(db: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let index = scratch.path();
    let run = |args: &[&str]| parley_in(db, index, args);
    let seeds = seeds();
    let files: Vec<String> = ["mock-interview-200.txt", "pl-backend-questions.txt"]
        .iter()
        .map(|f| seeds.join(f).display().to_string())
        .collect();
    let mut import = vec!["import", "--json"];
    import.extend(files.iter().map(String::as_str));
    json(&run(&import));

    let results = |args: &[&str]| {
        let mut a = vec!["search", "--mode", "lexical", "--json"];
        a.extend_from_slice(args);
        json(&run(&a))["results"].as_array().unwrap().clone()
    };
    // The contract: id, text, section, score, best first.
    let hits = results(&["sql nosql", "--limit", "5"]);
    assert_eq!(hits.len(), 5);
    for h in &hits {
        assert!(h["id"].is_string() && h["text"].is_string() && h["score"].is_number());
        assert!(h.get("section").is_some());
    }
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let top = hits[0]["text"].as_str().unwrap().to_lowercase();
    assert!(top.contains("sql") && top.contains("nosql"), "{top}");

    // Folded Polish, with a language filter.
    let pl = results(&["zrodla wiedzy", "--lang", "pl"]);
    assert!(!pl.is_empty());
    assert!(
        pl[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>źródła</mark>")
    );

    // A section filter given in Polish names the stored English section.
    for h in results(&["index", "--section", "bazy danych", "--limit", "50"]) {
        assert_eq!(h["section"], "Databases");
    }

    // An edit is searchable at once, and the old words no longer find the question.
    let id = hits[0]["id"].as_str().unwrap().to_string();
    let out = run(&[
        "questions",
        "edit",
        &id,
        "--text",
        "Compare relational stores with wide-column ones.",
        "--answer",
        "Tables and joins against partition keys and denormalised rows.",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = results(&["wide-column"]);
    assert_eq!(after[0]["id"], id.as_str());
    assert!(
        results(&["sql nosql", "--limit", "50"])
            .iter()
            .all(|h| h["id"] != id.as_str())
    );

    // So is a deletion.
    let out = run(&["questions", "delete", &id]);
    assert!(out.status.success());
    assert!(
        results(&["wide-column"])
            .iter()
            .all(|h| h["id"] != id.as_str())
    );

    // Semantic modes say plainly what they fall back to when no model is there.
    let out = run(&["search", "--json", "queue"]);
    assert!(out.status.success());
}

#[test]
fn search_follows_the_bank_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    search_story(&format!(
        "sqlite://{}",
        dir.path().join("bank.db").display()
    ));
}

#[test]
fn search_follows_the_bank_on_postgres() {
    with_postgres("search", search_story);
}

#[test]
fn an_index_deleted_behind_our_back_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    let index = dir.path().join("index");
    let pl = seeds()
        .join("pl-backend-questions.txt")
        .display()
        .to_string();
    json(&parley_in(&db, &index, &["import", "--json", &pl]));
    let search = || {
        json(&parley_in(
            &db,
            &index,
            &["search", "--mode", "lexical", "--json", "backend"],
        ))
    };
    let before = search();
    std::fs::remove_dir_all(&index).unwrap();
    assert_eq!(search(), before);
}
