//! Black-box tests of `parley import` and `parley export`: the real binary on a real SQLite file
//! and a real PostgreSQL database, fed the seed documents from `../shared/seeds/`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

use support::{json, seeds};

fn seed_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn parley(db: &str, args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("--db")
        .arg(db)
        .args(args)
        .args(files)
        .output()
        .unwrap()
}

fn count(db: &str) -> usize {
    json(&parley(db, &["export", "--format", "json"], &[]))["questions"]
        .as_array()
        .unwrap()
        .len()
}

/// The story every backend must tell the same way.
fn import_story(db: &str, scratch: &Path) {
    let dry = json(&parley(
        db,
        &["import", "--dry-run", "--json"],
        &seed_files(),
    ));
    assert_eq!(dry["added"], 324);
    assert_eq!(count(db), 0, "a dry run writes nothing");

    let report = json(&parley(db, &["import", "--json"], &seed_files()));
    assert_eq!(report["added"], 324);
    assert_eq!(report["merged_exact"], 2);
    let mock = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .ends_with("mock-interview-200.txt")
        })
        .unwrap();
    assert_eq!(
        (mock["questions"].as_u64(), mock["with_answer"].as_u64()),
        (Some(200), Some(200))
    );
    assert_eq!(count(db), 324);

    let again = json(&parley(db, &["import", "--json"], &seed_files()));
    assert_eq!(again["added"], 0, "re-importing adds nothing");
    assert_eq!(count(db), 324);

    // A run with one bad file writes nothing at all and names the file.
    let bin = scratch.join("photo.txt");
    std::fs::write(&bin, [0x89, b'P', b'N', b'G', 0, 0, 1, 2, 3]).unwrap();
    let new_doc = scratch.join("new.md");
    std::fs::write(&new_doc, "# Caching\n\n- What is cache stampede?\n").unwrap();
    let out = parley(db, &["import", "--json"], &[new_doc.clone(), bin.clone()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("photo.txt"));
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        refused["errors"][0]["path"].as_str().unwrap(),
        bin.display().to_string()
    );
    assert_eq!(count(db), 324);

    // The export imports into an empty bank as the same questions.
    let export = scratch.join("export.json");
    let out = parley(
        db,
        &[
            "export",
            "--format",
            "json",
            "--output",
            export.to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success());
    let db2 = format!("sqlite://{}", scratch.join("second.db").display());
    json(&parley(
        &db2,
        &["import", "--json"],
        std::slice::from_ref(&export),
    ));
    let key = |db: &str| {
        let v = json(&parley(db, &["export", "--format", "json"], &[]));
        let mut k: Vec<(String, String, String, usize, bool)> = v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["text"].as_str().unwrap().to_string(),
                    q["reference_answer"].as_str().unwrap_or("").to_string(),
                    q["section"].as_str().unwrap_or("").to_string(),
                    q["sources"].as_array().unwrap().len(),
                    q["follow_up_of"].is_string(),
                )
            })
            .collect();
        k.sort();
        k
    };
    assert_eq!(key(db), key(&db2));
}

#[test]
fn importing_the_seeds_into_sqlite_counts_merges_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    import_story(&db, dir.path());
}

#[test]
fn importing_the_seeds_into_postgres_counts_merges_and_round_trips() {
    support::with_postgres("cli", |db| {
        let dir = tempfile::tempdir().unwrap();
        import_story(db, dir.path());
    });
}

#[test]
fn an_oversized_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "What is a queue?\n".repeat(100)).unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    let out = parley(&db, &["import", "--max-size", "100"], &[big]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("big.txt") && err.contains("limit"), "{err}");
}

#[test]
fn a_missing_file_fails_the_run_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    let out = parley(&db, &["import"], &[dir.path().join("nope.md")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.md"));
}

#[test]
fn questions_show_accepts_an_id_prefix_and_prints_guidance_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    let doc = dir.path().join("q.txt");
    std::fs::write(&doc, "1\nWhat is a load balancer?\nReference answer\nIt spreads traffic. Look for: health checks. Red flag: single point of failure.\n2\nWhat is DNS?\nAnswer:\nNames to addresses.\n").unwrap();
    json(&parley(&db, &["import", "--json"], &[doc]));
    let list = json(&parley(&db, &["questions", "list", "--json"], &[]));
    let id = list["questions"][0]["id"].as_str().unwrap().to_string();
    let out = parley(&db, &["questions", "show", &id[..30]], &[]);
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "What is a load balancer?",
        "It spreads traffic.",
        "health checks.",
        "single point of failure.",
        "q.txt:2",
        "r1",
    ] {
        assert!(page.contains(want), "missing {want:?} in\n{page}");
    }
    let unknown = parley(&db, &["questions", "show", "ffffffff"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
}
