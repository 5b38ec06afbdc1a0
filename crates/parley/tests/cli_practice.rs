//! `parley practice` driven through a pseudo-terminal, as a person would use it: the starter
//! bank loaded with `parley bank starter`, two questions answered (one rated by number, one
//! taking the suggested rating with Enter), and the answers, grades and cards found in the
//! database afterwards. Then the Anki export of the same bank.

mod support;

use parley_domain::Email;
use parley_store::Store;
use rexpect::session::spawn_command;
use std::io::Write;
use std::process::{Command, Stdio};

fn parley(db: &str, dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .current_dir(dir)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "parley {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn practising_two_questions_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let loaded = parley(&db, dir.path(), &["bank", "starter"], b"");
    assert!(loaded.contains("added 2"), "{loaded}");
    parley(
        &db,
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "cat@acme.test",
            "--role",
            "candidate",
        ],
        b"a long enough password\n",
    );

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parley"));
    cmd.current_dir(dir.path()).args([
        "--db",
        &db,
        "practice",
        "--email",
        "cat@acme.test",
        "--section",
        "databases",
        "--limit",
        "2",
    ]);
    let mut p = spawn_command(cmd, Some(60_000)).unwrap();
    // First question: a partial answer, rated "again" by number.
    p.exp_string("[new | 0 due | 10 new left today] databases")
        .unwrap();
    p.exp_string("Your answer (an empty line ends it; q alone quits):")
        .unwrap();
    p.send_line("An index lets the database find rows without scanning the whole table.")
        .unwrap();
    p.send_line("It costs extra work on every write.").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Score: ").unwrap();
    p.exp_string("Reference answer:").unwrap();
    p.exp_string("Rate your recall: 1 again (10 min), 2 hard")
        .unwrap();
    p.exp_string("[Enter = ").unwrap();
    p.send_line("1").unwrap();
    p.exp_string("Rated again: back in 10 min.").unwrap();
    // Second question: an unrelated answer; Enter takes the suggested rating.
    p.exp_string("[new | 0 due | 9 new left today] databases")
        .unwrap();
    p.exp_string("Your answer").unwrap();
    p.send_line("I would rather talk about football.").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Score: ").unwrap();
    p.exp_string("[Enter = again]: ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Rated again").unwrap();
    p.exp_string("Practised 2 question(s).").unwrap();
    p.exp_eof().unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&db).await.unwrap();
        let org = store.org_by_slug("default").await.unwrap().unwrap();
        let email = Email::parse("cat@acme.test").unwrap();
        let (user, _) = store.users_by_email(&email).await.unwrap().remove(0);
        let attempts = store.practice_attempts(org, user.id, true).await.unwrap();
        assert_eq!(attempts.len(), 2);
        assert!(attempts[0].answer.contains("extra work on every write"));
        assert!(
            attempts
                .iter()
                .all(|a| a.grade.is_some() && a.card.is_some())
        );
        assert!(
            attempts
                .iter()
                .all(|a| a.section.as_deref() == Some("databases"))
        );
        let cards = store.practice_cards(org, user.id).await.unwrap();
        assert_eq!(cards.len(), 2);
        store.close().await;
    });
}

/// The Python of the project's tools venv when it has Anki's own library (`./dev test`
/// installs it); `None` (the test skips) otherwise, unless PARLEY_REQUIRE_ANKI=1.
fn anki_python() -> Option<std::path::PathBuf> {
    let venv = std::env::var("PARLEY_TOOLS_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools-venv")
        });
    let python = venv.join("bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import anki.collection"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("PARLEY_REQUIRE_ANKI").as_deref() != Ok("1"),
            "PARLEY_REQUIRE_ANKI=1 but the anki package is not installed in {}",
            venv.display()
        );
        eprintln!("skipped: the anki package is not installed (./dev test installs it)");
        return None;
    }
    Some(python)
}

#[test]
fn the_starter_bank_exports_complete_and_anki_imports_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    parley(&db, dir.path(), &["bank", "starter"], b"");
    let export: serde_json::Value = serde_json::from_str(&parley(
        &db,
        dir.path(),
        &["export", "--format", "json"],
        b"",
    ))
    .unwrap();
    let qs = export["questions"].as_array().unwrap();
    let by_id: std::collections::HashMap<&str, &serde_json::Value> =
        qs.iter().map(|q| (q["id"].as_str().unwrap(), q)).collect();
    let main: Vec<&serde_json::Value> = qs
        .iter()
        .filter(|q| q["follow_up_of"].is_null() && q["translation_of"].is_null())
        .collect();
    assert!(main.len() >= 120, "{} questions", main.len());
    let sections: std::collections::HashSet<&str> = main
        .iter()
        .map(|q| q["section"].as_str().unwrap())
        .collect();
    assert!(sections.len() >= 12, "{sections:?}");
    for q in &main {
        assert!(
            q["reference_answer"]
                .as_str()
                .is_some_and(|a| a.len() > 100),
            "{q}"
        );
        assert!(q["key_points"].as_array().unwrap().len() >= 3, "{q}");
        assert!(!q["look_for"].as_array().unwrap().is_empty(), "{q}");
        assert!(!q["red_flags"].as_array().unwrap().is_empty(), "{q}");
        assert!(
            q["sources"][0]["file"]
                .as_str()
                .unwrap()
                .starts_with("parley-starter/")
        );
        let id = q["id"].as_str().unwrap();
        assert!(
            qs.iter().any(|f| f["follow_up_of"] == id),
            "{id} has no follow-up"
        );
    }
    let polish: Vec<&serde_json::Value> = qs
        .iter()
        .filter(|q| q["language"] == "pl" && !q["translation_of"].is_null())
        .collect();
    assert!(polish.len() >= 30, "{} Polish", polish.len());
    for p in &polish {
        let original = by_id[p["translation_of"].as_str().unwrap()];
        assert_eq!(original["language"], "en");
        assert_eq!(original["section"], p["section"]);
    }

    // The same bank as an Anki deck, read by Anki's own importer when it is installed.
    let deck = parley(&db, dir.path(), &["export", "--format", "anki"], b"");
    assert!(deck.starts_with("#separator:tab\n#html:true\n"));
    let notes = deck
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .count();
    assert_eq!(
        notes,
        main.len() + polish.len(),
        "one note per question, follow-ups on the backs"
    );
    let Some(python) = anki_python() else {
        return;
    };
    let file = dir.path().join("deck.txt");
    std::fs::write(&file, &deck).unwrap();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/anki_import.py");
    let out = Command::new(python)
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let anki: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(anki["new"], notes);
    assert_eq!(anki["cards"], notes);
    assert!(anki["decks"].as_array().unwrap().contains(&"Parley".into()));
    let fronts: Vec<&str> = anki["fronts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fronts.contains(&main[0]["text"].as_str().unwrap()),
        "{:?}",
        &fronts[..3]
    );
    assert!(
        anki["backs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b.as_str().unwrap().contains("<b>Key points</b>"))
    );
    let tags = anki["tags"].as_array().unwrap();
    assert!(
        tags.iter()
            .all(|t| t.as_array().unwrap().contains(&"parley".into()))
    );
    assert!(
        tags.iter()
            .any(|t| t.as_array().unwrap().contains(&"parley::lang::pl".into()))
    );
    assert_eq!(anki["second_new"], 0, "a second import adds no note");
    assert_eq!(anki["notes_after_second"], notes);
}
