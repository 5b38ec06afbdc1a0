//! What the black-box tests share: running the real binary and throwaway databases.

#![allow(dead_code)] // each test file uses its own part of this module

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

pub fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

/// Runs `parley --db DB ARGS...` with the index kept under `index_dir`.
pub fn parley_in(db: &str, index_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("PARLEY_INDEX_DIR", index_dir)
        .output()
        .unwrap()
}

/// The JSON a successful run printed.
pub fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "parley failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `story` against a fresh PostgreSQL database, dropped afterwards even if the story
/// panics. `PARLEY_SKIP_PG=1` skips it (and says so).
pub fn with_postgres(tag: &str, story: impl FnOnce(&str) + std::panic::UnwindSafe) {
    if std::env::var("PARLEY_SKIP_PG").is_ok_and(|v| v == "1") {
        eprintln!("PARLEY_SKIP_PG=1: skipping the PostgreSQL run");
        return;
    }
    let name = format!("parley_{tag}_{}", std::process::id());
    admin(&format!("DROP DATABASE IF EXISTS {name}"));
    admin(&format!("CREATE DATABASE {name}"));
    let db = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let result = std::panic::catch_unwind(|| story(&db));
    admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn admin(sql: &str) {
    let out = Command::new("psql")
        .args(["-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"])
        .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
