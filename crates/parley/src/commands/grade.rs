//! `parley grade`: one answer against given texts or a bank question, or a CSV batch.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use parley_grade::{Encode, Exercise, Grade, Grader};
use parley_store::Store;
use serde::Serialize;

use crate::cli::GradeArgs;
use crate::commands::questions::resolve;
use crate::error::UsageError;
use parley_bank::Model;

/// Answers per grading call in a batch: enough to embed efficiently, few enough for a lively
/// progress bar.
const CHUNK: usize = 64;
/// The most an answer read from standard input may weigh; the grader looks at far less.
const MAX_STDIN: u64 = 16 * 1024 * 1024;
const COLUMNS: [&str; 3] = ["question", "reference_answer", "student_answer"];

pub async fn run(store: Option<&Store>, org_slug: &str, args: &GradeArgs) -> anyhow::Result<()> {
    let exercise = match (&args.id, &args.question, &args.batch) {
        (Some(id), _, _) => {
            let store = store.ok_or_else(|| UsageError("--id needs the bank".into()))?;
            Some(bank_exercise(store, org_slug, id).await?)
        }
        (None, Some(q), _) => Some(Exercise {
            question: q.clone(),
            references: args.reference.clone(),
            key_points: args.key_points.clone(),
            red_flags: args.red_flags.clone(),
        }),
        (None, None, Some(_)) => None,
        (None, None, None) => {
            return Err(UsageError(
                "give --question with --reference (or --key-point), --id, or --batch FILE.csv"
                    .into(),
            )
            .into());
        }
    };
    let answer = match (&exercise, &args.answer) {
        (Some(_), None) => return Err(UsageError("--answer is required".into()).into()),
        (Some(_), Some(a)) if a == "-" => Some(read_stdin()?),
        (_, a) => a.clone(),
    };
    let model = Model::locate();
    model.warn_if_missing("grading on words only: every grade says \"method\": \"lexical\"");
    let grader = Grader::new(model.shared().map(|e| e as Arc<dyn Encode>));
    tokio::task::block_in_place(|| match (exercise, answer, &args.batch) {
        (Some(exercise), Some(answer), _) => {
            let grade = grader
                .grade(&exercise, &answer)
                .map_err(|e| UsageError(e.to_string()))?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&grade)?);
            } else {
                print!("{}", page(&grade));
            }
            Ok(())
        }
        (_, _, Some(path)) => batch(&grader, path, args),
        _ => Err(UsageError("--answer is required".into()).into()),
    })
}

async fn bank_exercise(store: &Store, org_slug: &str, id: &str) -> anyhow::Result<Exercise> {
    let org = store.ensure_org(org_slug).await?;
    let id = resolve(store, org, id).await?;
    let q = store.get_question(org, id).await?;
    let d = q.draft;
    if d.reference_answer.is_none() && d.key_points.is_empty() {
        return Err(UsageError(format!(
            "question {id} has no reference answer and no key points to grade against"
        ))
        .into());
    }
    Ok(Exercise {
        question: d.text,
        references: d.reference_answer.into_iter().collect(),
        key_points: d.key_points,
        red_flags: d.red_flags,
    })
}

/// Standard input as text; bytes that are not UTF-8 become U+FFFD, which the grader flags as
/// not text when there are many.
fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_STDIN + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_STDIN {
        return Err(UsageError(format!(
            "the answer on standard input is over {} MiB",
            MAX_STDIN >> 20
        ))
        .into());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[derive(Serialize)]
struct RowGrade<'a> {
    row: usize,
    #[serde(flatten)]
    grade: &'a Grade,
}

#[derive(Serialize)]
struct RowError {
    row: usize,
    error: String,
}

fn batch(grader: &Grader, path: &Path, args: &GradeArgs) -> anyhow::Result<()> {
    let rows = read_batch(path, args.max_size)?;
    let bar = (std::io::stderr().is_terminal() && rows.len() > CHUNK).then(|| {
        let bar = ProgressBar::new(rows.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} answers {eta}") {
            bar.set_style(style);
        }
        bar
    });
    let mut out: Vec<serde_json::Value> = Vec::with_capacity(rows.len());
    let mut lines = Vec::new();
    for (c, chunk) in rows.chunks(CHUNK).enumerate() {
        let items: Vec<(&Exercise, &str)> = chunk
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|(e, a)| (e, a.as_str()))
            .collect();
        let mut grades = grader.grade_many(&items).into_iter();
        for (i, input) in chunk.iter().enumerate() {
            let row = c * CHUNK + i;
            let result = match input {
                Ok(_) => grades
                    .next()
                    .expect("one grade per gradable row")
                    .map_err(|e| e.to_string()),
                Err(why) => Err(why.clone()),
            };
            let value = match &result {
                Ok(grade) => {
                    lines.push(format!(
                        "{row}\t{:.1}\t{:.2}\t{}\t{}",
                        grade.score,
                        grade.confidence,
                        flag_names(grade),
                        grade.explanation
                    ));
                    serde_json::to_value(RowGrade { row, grade })?
                }
                Err(e) => {
                    lines.push(format!("{row}\t-\t-\t-\t{e}"));
                    serde_json::to_value(RowError {
                        row,
                        error: e.to_string(),
                    })?
                }
            };
            out.push(value);
        }
        if let Some(b) = &bar {
            b.inc(chunk.len() as u64);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if args.json {
        println!("{}", serde_json::to_string(&out)?);
    } else {
        println!("row\tscore\tconfidence\tflags\texplanation");
        for l in lines {
            println!("{l}");
        }
    }
    Ok(())
}

/// One row of a batch: an exercise and an answer, or why the row cannot be graded.
type BatchRow = Result<(Exercise, String), String>;

/// The rows of a batch file in file order. A row whose field count differs from the header's
/// (an unquoted comma shifts the columns) is an error row, not graded against the wrong text.
fn read_batch(path: &Path, max: u64) -> anyhow::Result<Vec<BatchRow>> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| UsageError(format!("{shown}: {e}")))?
        .len();
    if size > max {
        return Err(UsageError(format!(
            "{shown} is {size} bytes, over the limit of {max} (raise --max-size)"
        ))
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| UsageError(format!("{shown}: {e}")))?;
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return Err(UsageError(format!("{shown} is binary data, not a CSV file")).into());
    }
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(UsageError(format!(
            "{shown} is not UTF-8 (byte {}); save it as UTF-8 CSV",
            e.valid_up_to()
        ))
        .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| UsageError(format!("{shown}: {e}")))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    let mut at = [0usize; 3];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        *slot = header.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "{shown}: the header needs the columns {} (found: {})",
                COLUMNS.join(", "),
                header.join(", ")
            ))
        })?;
    }
    let mut rows = Vec::new();
    for (i, record) in reader.byte_records().enumerate() {
        let record = record.map_err(|e| UsageError(format!("{shown}: row {i}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            rows.push(Err(format!(
                "line {line}: {} fields where the header has {}",
                record.len(),
                header.len()
            )));
            continue;
        }
        let field = |k: usize| String::from_utf8_lossy(record.get(at[k]).unwrap_or_default());
        rows.push(Ok((
            Exercise::new(&field(0), &field(1)),
            field(2).into_owned(),
        )));
    }
    Ok(rows)
}

fn flag_names(g: &Grade) -> String {
    let names: Vec<String> = g
        .flags
        .iter()
        .filter_map(|f| serde_json::to_value(f).ok())
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(",")
    }
}

/// A grade for reading in a terminal.
fn page(g: &Grade) -> String {
    let mut s = format!(
        "Score {:.1} / 5   confidence {:.2}   ({:?}, {})\n",
        g.score, g.confidence, g.method, g.calibration
    )
    .replace("Semantic", "semantic")
    .replace("Lexical", "words only");
    if !g.covered.is_empty() {
        s.push_str("Covered:\n");
        for c in &g.covered {
            s.push_str(&format!("  + {}\n      \"{}\"\n", c.key_point, c.evidence));
        }
    }
    if !g.missed.is_empty() {
        s.push_str("Missed:\n");
        for m in &g.missed {
            s.push_str(&format!("  - {m}\n"));
        }
    }
    if !g.flags.is_empty() {
        s.push_str(&format!("Flags: {}\n", flag_names(g)));
    }
    s.push('\n');
    s.push_str(&g.explanation);
    s.push('\n');
    s
}
