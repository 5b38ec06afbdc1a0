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

    // The same bank as an Anki deck: headers, one note per practisable question.
    let deck = parley(&db, dir.path(), &["export", "--format", "anki"], b"");
    assert!(deck.starts_with("#separator:tab\n#html:true\n"));
    let notes: Vec<&str> = deck
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| !l.is_empty())
        .collect();
    assert!(notes.len() >= 150, "{} notes", notes.len());
    assert!(notes.iter().all(|n| n.split('\t').count() == 4));
    assert!(notes.iter().any(|n| n.contains("parley::lang::pl")));
}
