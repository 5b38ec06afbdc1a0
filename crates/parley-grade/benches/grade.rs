//! Grading speed: answers per second graded in batches (64 answers per call) and the latency
//! of grading one answer, on the Mohler answers and a fixed sample of SemEval answers. The
//! question side (question, references, key points) is embedded once before timing, as it is in
//! the product, where questions repeat; every answer is embedded afresh in every run. Words-only
//! grading (no model) is timed beside it, and, when a Python with sentence-transformers is given
//! in `PARLEY_ST_PYTHON`, the same embedding work done by sentence-transformers on the same
//! texts (`st_grade.py`).
//!
//! Run: `cargo bench -p parley-grade --bench grade`

#[allow(dead_code)]
mod asag;

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use asag::Row;
use parley_embed::Embedder;
use parley_grade::Grader;

const RUNS: usize = 5;
const BATCH: usize = 64;
const SINGLES: usize = 200;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// (answers per second batched, p50 ms single, p95 ms single)
fn measure(grader: &Grader, rows: &[Row]) -> (f64, f64, f64) {
    let items: Vec<_> = rows
        .iter()
        .map(|r| (&r.exercise, r.answer.as_str()))
        .collect();
    // Warm the question-side cache.
    for chunk in items.chunks(BATCH) {
        grader.grade_many(chunk);
    }
    let rates = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            for chunk in items.chunks(BATCH) {
                std::hint::black_box(grader.grade_many(chunk));
            }
            items.len() as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    let singles: Vec<f64> = items
        .iter()
        .take(SINGLES)
        .map(|(e, a)| {
            let t = Instant::now();
            std::hint::black_box(grader.grade(e, a).ok());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    (
        median(rates),
        percentile(singles.clone(), 0.5),
        percentile(singles, 0.95),
    )
}

/// Each answer's sentences (one when it has one), as the grader embeds them: the whole answer
/// in one pass, its sentences pooled from that pass.
fn answer_sentences(rows: &[Row]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let mut units = parley_grade::features::Parts::new(
                &r.exercise.question,
                r.answer.trim(),
                Vec::new(),
            )
            .units;
            if units.len() > 1 {
                units.pop();
            }
            units
        })
        .collect()
}

/// The embedding work alone, on the texts the grader embeds per answer.
fn embed_only(embedder: &Embedder, rows: &[Row]) -> (f64, f64, f64) {
    let answers = answer_sentences(rows);
    let embed = |chunk: &[Vec<String>]| {
        let pieces: Vec<Vec<&str>> = chunk
            .iter()
            .map(|a| a.iter().map(String::as_str).collect())
            .collect();
        let texts: Vec<&[&str]> = pieces.iter().map(Vec::as_slice).collect();
        std::hint::black_box(embedder.embed_query_pieces(&texts));
    };
    let rates = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            answers.chunks(BATCH).for_each(embed);
            answers.len() as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    let singles: Vec<f64> = answers
        .chunks(1)
        .take(SINGLES)
        .map(|a| {
            let t = Instant::now();
            embed(a);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    (
        median(rates),
        percentile(singles.clone(), 0.5),
        percentile(singles, 0.95),
    )
}

fn line(label: &str, (rate, p50, p95): (f64, f64, f64)) {
    println!(
        "  {label:<34} {rate:>8.1} answers/s batched   single p50 {p50:>6.2} ms  p95 {p95:>6.2} ms"
    );
}

/// Each answer's sentences, one answer per line as a JSON array, for the Python side, which
/// embeds the joined sentences once and pools each sentence's tokens as the grader does.
fn answer_units(rows: &[Row]) -> String {
    answer_sentences(rows)
        .iter()
        .map(|a| serde_json::to_string(a).expect("JSON"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn sentence_transformers(rows: &[Row], label: &str) {
    let Ok(python) = std::env::var("PARLEY_ST_PYTHON") else {
        println!("  sentence-transformers: skipped (set PARLEY_ST_PYTHON to a Python that has it)");
        return;
    };
    let dir = parley_embed::model_dirs()
        .into_iter()
        .find(|d| d.join(parley_embed::MODEL_FILE).exists());
    let Some(dir) = dir else { return };
    let Ok(tmp) = tempfile::tempdir() else { return };
    let input = tmp.path().join("units.jsonl");
    if std::fs::write(&input, answer_units(rows)).is_err() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/st_grade.py");
    let out = Command::new(python)
        .arg(script)
        .arg(dir.join(parley_embed::MODEL_FILE))
        .arg(&input)
        .args([RUNS.to_string(), BATCH.to_string(), SINGLES.to_string()])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            if let [rate, p50, p95, ..] = v[..] {
                line(
                    &format!("sentence-transformers ({label})"),
                    (rate, p50, p95),
                );
            }
        }
        Ok(o) => println!(
            "  sentence-transformers: failed: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("  sentence-transformers: skipped: {e}"),
    }
}

fn main() {
    let embedder = match Embedder::locate() {
        Ok(e) => Arc::new(e),
        Err(e) => {
            eprintln!("the grade bench needs the embedding model (./dev setup): {e}");
            std::process::exit(1);
        }
    };
    let mohler = asag::mohler();
    // Every 9th SemEval answer: ~1000 answers over all its questions.
    let semeval: Vec<Row> = asag::semeval().into_iter().step_by(9).collect();
    println!(
        "{RUNS} runs, batches of {BATCH}, {SINGLES} single answers, {} threads; medians",
        rayon_threads()
    );
    for (name, rows) in [("Mohler", &mohler), ("SemEval sample", &semeval)] {
        println!("{name}: {} answers", rows.len());
        line(
            "parley grader (model)",
            measure(&Grader::new(Some(embedder.clone())), rows),
        );
        line(
            "parley grader (words only)",
            measure(&Grader::new(None), rows),
        );
        line("parley-embed (embedding only)", embed_only(&embedder, rows));
        sentence_transformers(rows, "embedding only");
    }
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
