//! Import benchmark: a generated document of 100,000 questions (set `PARLEY_BENCH_N` to change),
//! imported by the real `parley` binary into a fresh SQLite file and a fresh PostgreSQL database,
//! three runs each. Reports the median questions per second and peak memory (VmHWM of the child
//! process), with the in-process parse alone as the baseline measured in the same run.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// Makes the database URL for run number `r` (creating the database where needed).
type UrlFor<'a> = dyn Fn(usize) -> String + 'a;

const TOPICS: &[&str] = &[
    "a database index",
    "a message queue",
    "a race condition",
    "horizontal scaling",
    "an API gateway",
    "a circuit breaker",
    "CSRF protection",
    "a B-tree",
    "eventual consistency",
    "a dead-letter queue",
];

/// A numbered-answers document with an ad block every 50 questions and one exact duplicate in
/// every 100, so noise removal and merging are part of what is measured.
fn generate(n: usize) -> String {
    let mut s = String::from("Generated interview questions\n\n");
    for i in 1..=n {
        let topic = TOPICS[i % TOPICS.len()];
        let q = if i % 100 == 0 {
            format!("What is {topic} in case 1?")
        } else {
            format!("What is {topic} in case {i}?")
        };
        let _ = write!(
            s,
            "{i}\n{q}\nReference answer\nIn case {i}, {topic} matters because it changes how the system behaves under load. Look for: a concrete example. Red flag: no trade-offs.\n"
        );
        if i % 50 == 0 {
            s.push_str(
                "Career Acceleration\n\nEarn a certification to make your resume stand out.\n\n",
            );
        }
    }
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the command, sampling the child's peak resident memory until it exits.
fn run_measured(cmd: &mut Command) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("parley starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(st) = child.try_wait().expect("wait works") {
            assert!(st.success(), "parley import failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (start.elapsed(), peak_kib)
}

fn psql(sql: &str) {
    let ok = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-q",
            "-c",
            sql,
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "psql {sql}");
}

fn main() {
    let n: usize = std::env::var("PARLEY_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("generated.txt");
    std::fs::write(&doc, generate(n)).unwrap();
    let bytes = std::fs::read(&doc).unwrap();
    println!(
        "document: {n} questions, {:.1} MiB",
        bytes.len() as f64 / 1048576.0
    );

    let mut parse = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let d = parley_docs::parse_document(
            &bytes,
            &parley_docs::ReadOptions {
                file_name: "generated.txt".into(),
            },
        )
        .unwrap();
        assert_eq!(d.questions.len(), n);
        parse.push(n as f64 / t.elapsed().as_secs_f64());
    }
    let parse_qps = median(parse);
    println!("{:<28} {:>12.0} q/s", "parse only (baseline)", parse_qps);

    let bin = env!("CARGO_BIN_EXE_parley");
    let backends: Vec<(&str, Box<UrlFor<'_>>)> = vec![
        (
            "sqlite",
            Box::new(|r| {
                format!(
                    "sqlite://{}",
                    dir.path().join(format!("bench{r}.db")).display()
                )
            }),
        ),
        (
            "postgres",
            Box::new(|r| {
                let name = format!("parley_bench_{}_{r}", std::process::id());
                psql(&format!("DROP DATABASE IF EXISTS {name}"));
                psql(&format!("CREATE DATABASE {name}"));
                format!("postgres://postgres@127.0.0.1:5432/{name}")
            }),
        ),
    ];
    for (label, url_for) in &backends {
        let mut qps = Vec::new();
        let mut mem = Vec::new();
        for r in 0..RUNS {
            let url = url_for(r);
            let (took, peak) = run_measured(
                Command::new(bin)
                    .args(["--db", &url, "import", "--json", "--no-semantic"])
                    .arg(&doc),
            );
            qps.push(n as f64 / took.as_secs_f64());
            mem.push(peak as f64 / 1024.0);
            if url.starts_with("postgres") {
                psql(&format!(
                    "DROP DATABASE IF EXISTS {}",
                    url.rsplit('/').next().unwrap()
                ));
            }
        }
        let q = median(qps);
        println!(
            "{:<28} {:>12.0} q/s  peak {:>7.1} MiB  ({:.3}x of parse only)",
            format!("import into {label}"),
            q,
            median(mem),
            q / parse_qps
        );
    }
}
