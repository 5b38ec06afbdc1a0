//! Black-box tests of `parley grade`: the contract's JSON for one answer and for a CSV batch,
//! bad input refused with a clear message, answers from standard input, and grading against a
//! bank question whose key points were extracted at import (SQLite and PostgreSQL). They pass
//! with or without the embedding model (without it grades say `"method": "lexical"`).

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{json, parley_in, with_postgres};

const QUESTION: &str = "Why do payment APIs need idempotency?";
const REFERENCE: &str = "The client sends an idempotency key with each request. The server \
                         stores the result under the key and returns it on a retry.";

fn parley_at(dir: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .current_dir(dir)
        .args(args)
        .env_remove("PARLEY_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn refused(out: &Output, says: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(says), "{err}");
}

fn assert_grade_shape(g: &Value) {
    for k in [
        "score",
        "covered",
        "missed",
        "flags",
        "confidence",
        "explanation",
    ] {
        assert!(g.get(k).is_some(), "{k} missing in {g}");
    }
    let score = g["score"].as_f64().unwrap();
    assert!((0.0..=5.0).contains(&score));
    let confidence = g["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
}

/// The arguments grading `answer` to the idempotency question.
fn one(answer: &str, json: bool) -> Vec<&str> {
    let mut args = vec!["grade", "--question", QUESTION, "--reference", REFERENCE];
    args.extend(["--answer", answer]);
    if json {
        args.push("--json");
    }
    args
}

#[test]
fn one_answer_prints_the_contract_and_touches_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let answer = "On a retry the server returns the result it stored for the key.";
    let g = json(&parley_at(dir.path(), &one(answer, true), None));
    assert_grade_shape(&g);
    let covered = g["covered"].as_array().unwrap();
    assert!(covered.iter().any(|c| c["evidence"] == answer), "{g}");
    assert!(
        g["missed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("idempotency key"))
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no file may appear"
    );

    // The same input gives the same output.
    let again = json(&parley_at(dir.path(), &one(answer, true), None));
    assert_eq!(g, again);

    // Human output names the score and the missed point.
    let text = parley_at(dir.path(), &one(answer, false), None);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("Score ") && text.contains("Missed:"),
        "{text}"
    );
}

#[test]
fn answers_from_standard_input_empty_or_garbage_get_flags() {
    let dir = tempfile::tempdir().unwrap();
    let args = one("-", true);
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 151 % 256) as u8).collect();
    let g = json(&parley_at(dir.path(), &args, Some(&garbage)));
    assert_eq!(g["flags"], serde_json::json!(["not_text"]));
    assert_eq!(g["score"], 0.0);
    let g = json(&parley_at(dir.path(), &args, Some(b"   ")));
    assert_eq!(g["flags"], serde_json::json!(["empty"]));
    let mut huge = b"The server stores the result. ".repeat(40_000);
    huge.extend_from_slice(&[0xff, 0xfe]);
    let g = json(&parley_at(dir.path(), &args, Some(&huge)));
    assert!(
        g["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("too_long")),
        "{g}"
    );
}

#[test]
fn a_batch_is_graded_in_input_order_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("answers.csv");
    let mut w = csv::Writer::from_path(&csv).unwrap();
    w.write_record([
        "id",
        "student_answer",
        "Question",
        "reference_answer",
        "score",
    ])
    .unwrap();
    w.write_record([
        "a",
        "The server returns the stored result on a retry.",
        QUESTION,
        REFERENCE,
        "4",
    ])
    .unwrap();
    w.write_record(["b", "Kubernetes, mostly.", QUESTION, REFERENCE, "0"])
        .unwrap();
    w.write_record(["c", "Something", "A question with no reference?", "", "0"])
        .unwrap();
    w.write_record(["d", "", QUESTION, REFERENCE, "0"]).unwrap();
    w.flush().unwrap();
    drop(w);
    // An unquoted comma shifts the columns: that row is an error, not a grade of the wrong text.
    let mut f = std::fs::OpenOptions::new().append(true).open(&csv).unwrap();
    f.write_all(b"e,Retries, then a key,Q?,R,0\n").unwrap();
    let path = csv.display().to_string();
    let rows = json(&parley_at(
        dir.path(),
        &["grade", "--batch", &path, "--json"],
        None,
    ));
    let rows = rows.as_array().unwrap();
    let order: Vec<u64> = rows.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(order, [0, 1, 2, 3, 4]);
    assert_grade_shape(&rows[0]);
    assert!(rows[0]["score"].as_f64() > rows[1]["score"].as_f64());
    assert!(
        rows[2]["error"]
            .as_str()
            .unwrap()
            .contains("no reference answer")
    );
    assert_eq!(rows[3]["flags"], serde_json::json!(["empty"]));
    assert!(
        rows[4]["error"].as_str().unwrap().contains("6 fields"),
        "{}",
        rows[4]
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "question,answer\nq,a\n").unwrap();
    let out = parley_at(
        dir.path(),
        &["grade", "--batch", &bad.display().to_string()],
        None,
    );
    refused(&out, "reference_answer");
    let binary = dir.path().join("binary.csv");
    std::fs::write(&binary, [0u8, 1, 2, 3, 0, 255]).unwrap();
    let out = parley_at(
        dir.path(),
        &["grade", "--batch", &binary.display().to_string()],
        None,
    );
    refused(&out, "binary");
    let cp1250 = dir.path().join("cp1250.csv");
    std::fs::write(
        &cp1250,
        b"question,reference_answer,student_answer\nq,r,\xbfr\xf3d\xb3o\n",
    )
    .unwrap();
    let out = parley_at(
        dir.path(),
        &["grade", "--batch", &cp1250.display().to_string()],
        None,
    );
    refused(&out, "not UTF-8");
    let out = parley_at(dir.path(), &["grade", "--batch", "missing.csv"], None);
    refused(&out, "missing.csv");
    let out = parley_at(
        dir.path(),
        &["grade", "--batch", &path, "--max-size", "10"],
        None,
    );
    refused(&out, "over the limit");
    let out = parley_at(
        dir.path(),
        &["grade", "--question", QUESTION, "--reference", "x"],
        None,
    );
    refused(&out, "--answer is required");
}

fn bank_story(db: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| parley_in(db, scratch.path(), args);
    let doc = scratch.path().join("bank.json");
    let bank = serde_json::json!({
        "format": "parley/1",
        "questions": [
            {"text": QUESTION, "reference_answer": REFERENCE},
            {"text": "What is a dead-letter queue?", "reference_answer": "A queue for messages \
              that failed too often.", "key_points": ["Failed messages go to a separate queue"]},
            {"text": "Tell me about yourself."}
        ]
    });
    std::fs::write(&doc, bank.to_string()).unwrap();
    json(&run(&[
        "import",
        "--json",
        "--no-semantic",
        &doc.display().to_string(),
    ]));
    let list = json(&run(&["questions", "list", "--json"]));
    let find = |text: &str| -> Value {
        list["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["text"] == text)
            .unwrap()
            .clone()
    };
    // Extracted at import and marked so; an author's own are kept as written.
    let q = find(QUESTION);
    assert_eq!(q["key_points_extracted"], true);
    assert_eq!(
        q["key_points"],
        serde_json::json!([
            "The client sends an idempotency key with each request",
            "The server stores the result under the key and returns it on a retry"
        ])
    );
    let dlq = find("What is a dead-letter queue?");
    assert!(dlq.get("key_points_extracted").is_none());
    assert_eq!(
        dlq["key_points"],
        serde_json::json!(["Failed messages go to a separate queue"])
    );

    let id = q["id"].as_str().unwrap();
    let g = json(&run(&[
        "grade",
        "--id",
        id,
        "--answer",
        "The server returns the stored result on a retry.",
        "--json",
    ]));
    assert_grade_shape(&g);
    assert!(g["missed"].as_array().unwrap().contains(&Value::from(
        "The client sends an idempotency key with each request"
    )));

    // The author takes the key points over; editing the answer then leaves them alone.
    let out = run(&[
        "questions",
        "edit",
        id,
        "--key-point",
        "Keys make retries safe",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "questions",
        "edit",
        id,
        "--answer",
        "Retries must not charge twice.",
    ]);
    assert!(out.status.success());
    let shown = json(&run(&["questions", "show", id, "--json"]));
    assert_eq!(
        shown["key_points"],
        serde_json::json!(["Keys make retries safe"])
    );
    assert!(shown.get("key_points_extracted").is_none());
    // Back to extraction, from the new answer.
    let out = run(&["questions", "edit", id, "--extract-key-points"]);
    assert!(out.status.success());
    let shown = json(&run(&["questions", "show", id, "--json"]));
    assert_eq!(
        shown["key_points"],
        serde_json::json!(["Retries must not charge twice"])
    );
    assert_eq!(shown["key_points_extracted"], true);

    // Nothing to grade against, and an unknown id: clear refusals.
    let bare = find("Tell me about yourself.");
    let out = run(&[
        "grade",
        "--id",
        bare["id"].as_str().unwrap(),
        "--answer",
        "x",
    ]);
    refused(&out, "no reference answer");
    let out = run(&["grade", "--id", "0000", "--answer", "x"]);
    refused(&out, "no question");
}

#[test]
fn grading_a_bank_question_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    bank_story(&format!(
        "sqlite://{}",
        dir.path().join("bank.db").display()
    ));
}

#[test]
fn grading_a_bank_question_on_postgres() {
    with_postgres("grade", bank_story);
}
