//! Search benchmark at 1,000, 10,000 and 100,000 questions: index build time, query latency
//! (p50 / p95) per mode, and the memory the index adds. The lexical query latency at 1,000
//! questions is the baseline every row is also given as a ratio of, measured in the same run.
//!
//! Questions are generated from templates over backend topics, so the vocabulary is realistic
//! and BM25 has real posting lists. Vectors: the first 1,000 questions are embedded by the real
//! model when it is installed (`./dev setup`); the rest reuse those vectors with a little noise
//! (the scan costs the same whatever the values), so the build time measures the index, not
//! the model. Query latencies include embedding the query with the real model.
//!
//! Run: `cargo bench -p parley-search --bench search` (`PARLEY_BENCH_SIZES=1000,10000` to pick).

use std::time::{Duration, Instant};

use parley_domain::{OrgId, Question, QuestionDraft};
use parley_embed::Embedder;
use parley_search::{Filters, SearchIndex};

const TOPICS: &[&str] = &[
    "database indexes",
    "message queues",
    "race conditions",
    "horizontal scaling",
    "API gateways",
    "circuit breakers",
    "CSRF protection",
    "B-trees",
    "eventual consistency",
    "dead-letter queues",
    "rate limiting",
    "idempotency keys",
    "connection pooling",
    "schema migrations",
    "distributed tracing",
    "cache invalidation",
    "JWT expiry",
    "Kafka consumer groups",
    "optimistic locking",
    "blue-green deployments",
];
const FRAMES: &[&str] = &[
    "What problem do {} solve?",
    "How would you test {} in a payment service?",
    "When would you avoid {}?",
    "Explain {} to a junior developer.",
    "What goes wrong with {} under heavy load?",
    "How do {} interact with retries?",
    "Compare two ways of implementing {}.",
    "Jak działają {} w systemie rozproszonym?",
];
const QUERIES: &[&str] = &[
    "throttling clients that call too often",
    "kafka consumer rebalancing",
    "jak uniknąć wyścigu przy zapisie",
    "retry safe payment request",
    "cache stale data after update",
    "rolling out a release without downtime",
    "indexes slow writes",
    "idempotncy key",
];

fn question(i: usize) -> Question {
    let topic = TOPICS[i % TOPICS.len()];
    let frame = FRAMES[(i / TOPICS.len()) % FRAMES.len()];
    let mut draft = QuestionDraft::new(format!("{} (variant {i})", frame.replace("{}", topic)));
    draft.reference_answer = Some(format!(
        "Discuss {topic}: the trade-offs, a failure seen in production, and how to monitor it."
    ));
    draft.section = Some(["Databases", "Architecture", "APIs", "Testing"][i % 4].into());
    draft.language = Some(
        if frame.starts_with("Jak") { "pl" } else { "en" }
            .parse()
            .unwrap(),
    );
    Question::new(OrgId::new(), draft)
}

/// Deterministic noise in [-0.02, 0.02), so vectors of one template stay near each other.
fn jitter(v: &[f32], seed: usize) -> Vec<f32> {
    let mut x = seed as u64 | 1;
    let mut out: Vec<f32> = v
        .iter()
        .map(|a| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a + ((x % 1000) as f32 / 1000.0 - 0.5) * 0.04
        })
        .collect();
    let n = out.iter().map(|a| a * a).sum::<f32>().sqrt();
    out.iter_mut().for_each(|a| *a /= n);
    out
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1e3
}

fn main() {
    let sizes: Vec<usize> = std::env::var("PARLEY_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let embedder = match Embedder::locate() {
        Ok(e) => Some(e),
        Err(e) => {
            println!("no embedding model ({e}); semantic and hybrid rows are skipped");
            None
        }
    };
    let model = embedder.as_ref().map(|e| e.model_id().to_string());
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let questions: Vec<Question> = (0..largest).map(question).collect();
    let base: Vec<Vec<f32>> = match &embedder {
        Some(e) => {
            let texts: Vec<&str> = questions
                .iter()
                .take(1000)
                .map(|q| q.draft.text.as_str())
                .collect();
            texts.chunks(32).flat_map(|c| e.embed_queries(c)).collect()
        }
        None => Vec::new(),
    };
    let query_vectors: Vec<Vec<f32>> = embedder
        .as_ref()
        .map(|e| {
            QUERIES
                .iter()
                .map(|q| e.embed_queries(&[q]).remove(0))
                .collect()
        })
        .unwrap_or_default();

    println!(
        "{:>8} {:>10} {:>9}   {:>22} {:>22} {:>22} {:>22}",
        "size",
        "build s",
        "+MiB",
        "lexical p50/p95 ms",
        "vector scan p50/p95",
        "semantic p50/p95 ms",
        "hybrid p50/p95 ms"
    );
    let mut baseline = None;
    for &n in &sizes {
        let before = resident_kib();
        let start = Instant::now();
        let mut index = SearchIndex::in_memory(model.as_deref()).unwrap();
        for (i, q) in questions.iter().take(n).enumerate() {
            let v = (!base.is_empty()).then(|| jitter(&base[i % base.len()], i));
            index.upsert(q, v.as_deref()).unwrap();
        }
        index.commit(1).unwrap();
        // The first semantic query decodes the vectors; that is part of making it searchable.
        if let Some(v) = query_vectors.first() {
            index
                .search_semantic("", v, &Filters::default(), 10)
                .unwrap();
        }
        let build = start.elapsed();
        let added_mib = resident_kib().saturating_sub(before) as f64 / 1024.0;

        let rounds = 25;
        let mut lexical = Vec::new();
        let mut semantic = Vec::new();
        let mut hybrid = Vec::new();
        let mut scan = Vec::new();
        for _ in 0..rounds {
            for q in QUERIES {
                let t = Instant::now();
                index.search_lexical(q, &Filters::default(), 10).unwrap();
                lexical.push(t.elapsed());
                if let Some(v) = query_vectors.first() {
                    let t = Instant::now();
                    index
                        .search_semantic("", v, &Filters::default(), 10)
                        .unwrap();
                    scan.push(t.elapsed());
                }
                if let Some(e) = &embedder {
                    // Embedding the query is part of every semantic search; time it each round.
                    let t = Instant::now();
                    let v = e.embed_queries(&[q]).remove(0);
                    index
                        .search_semantic(q, &v, &Filters::default(), 10)
                        .unwrap();
                    semantic.push(t.elapsed());
                    let t = Instant::now();
                    let v = e.embed_queries(&[q]).remove(0);
                    index.search_hybrid(q, &v, &Filters::default(), 10).unwrap();
                    hybrid.push(t.elapsed());
                }
            }
        }
        let lex = (percentile(lexical.clone(), 0.5), percentile(lexical, 0.95));
        let base_ms = *baseline.get_or_insert(lex.0);
        let cell = |v: Vec<Duration>| {
            if v.is_empty() {
                "-".to_string()
            } else {
                let (p50, p95) = (percentile(v.clone(), 0.5), percentile(v, 0.95));
                format!("{p50:.2}/{p95:.2} ({:.1}x)", p50 / base_ms)
            }
        };
        println!(
            "{:>8} {:>10.2} {:>9.1}   {:>22} {:>22} {:>22} {:>22}",
            n,
            build.as_secs_f64(),
            added_mib,
            format!("{:.2}/{:.2} ({:.1}x)", lex.0, lex.1, lex.0 / base_ms),
            cell(scan),
            cell(semantic),
            cell(hybrid)
        );
        drop(index);
    }
    println!("ratios: p50 against the lexical p50 at the first size, same run");
}
