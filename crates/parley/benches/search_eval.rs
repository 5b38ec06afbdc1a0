//! Search quality on the seed bank: recall@10 and nDCG@10 per mode over our own query set
//! (`crates/parley-search/eval/queries.json`), and precision / recall of near-duplicate
//! suggestions against our labelled pairs (`eval/duplicate_pairs.json`). Questions are named by
//! `FILE:LINE` of a source, so the labels hold no text of the seeds.
//!
//! Drives the real binary on a fresh SQLite bank. Needs the embedding model (`./dev setup`);
//! without it the semantic and hybrid rows show the lexical fallback and say so.
//!
//! Run: `cargo bench -p parley --bench search_eval`

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parley(db: &str, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("parley runs");
    assert!(
        out.status.success(),
        "parley {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("eval file")).expect("eval JSON")
}

/// Every `FILE:LINE` a question is known by, keyed by id.
fn refs_by_id(db: &str) -> HashMap<String, Vec<String>> {
    let bank = parley(db, &["export", "--format", "json"]);
    bank["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let refs = q["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("{}:{}", s["file"].as_str().unwrap(), s["line"]))
                .collect();
            (q["id"].as_str().unwrap().to_string(), refs)
        })
        .collect()
}

fn ndcg_at_10(found: &[bool], relevant: usize) -> f64 {
    let dcg: f64 = found
        .iter()
        .enumerate()
        .filter(|(_, hit)| **hit)
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant.min(10))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    if ideal == 0.0 { 0.0 } else { dcg / ideal }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bank.db").display());
    let seeds = manifest().join("../../../shared/seeds");
    let mut files: Vec<String> = std::fs::read_dir(&seeds)
        .expect("../shared/seeds")
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let mut import = vec!["import", "--json"];
    import.extend(files.iter().map(String::as_str));
    let report = parley(&db, &import);
    let refs = refs_by_id(&db);

    let eval = manifest().join("../parley-search/eval");
    let queries = load(&eval.join("queries.json"));
    let queries = queries["queries"].as_array().unwrap();
    println!(
        "search quality over {} queries (recall@10 / nDCG@10)",
        queries.len()
    );
    println!(
        "{:<16} {:>6} {:>15} {:>15} {:>15}",
        "kind", "n", "lexical", "semantic", "hybrid"
    );
    // kind -> mode -> (recall sum, ndcg sum, n)
    let mut table: BTreeMap<String, [(f64, f64, usize); 3]> = BTreeMap::new();
    for q in queries {
        let text = q["query"].as_str().unwrap();
        let kind = q["kind"].as_str().unwrap().to_string();
        let relevant: HashSet<&str> = q["relevant"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for (m, mode) in ["lexical", "semantic", "hybrid"].iter().enumerate() {
            let out = parley(
                &db,
                &["search", text, "--limit", "10", "--mode", mode, "--json"],
            );
            let found: Vec<bool> = out["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    refs[h["id"].as_str().unwrap()]
                        .iter()
                        .any(|r| relevant.contains(r.as_str()))
                })
                .collect();
            let hits = found.iter().filter(|f| **f).count();
            let recall = hits as f64 / relevant.len().max(1) as f64;
            let ndcg = ndcg_at_10(&found, relevant.len());
            for k in [kind.clone(), "all".to_string()] {
                let row = table.entry(k).or_default();
                row[m].0 += recall;
                row[m].1 += ndcg;
                row[m].2 += 1;
            }
        }
    }
    for (kind, row) in &table {
        let cell =
            |(r, n, c): (f64, f64, usize)| format!("{:.3} / {:.3}", r / c as f64, n / c as f64);
        println!(
            "{:<16} {:>6} {:>15} {:>15} {:>15}",
            kind,
            row[0].2,
            cell(row[0]),
            cell(row[1]),
            cell(row[2])
        );
    }

    // Near-duplicates: the import suggested them; compare with the labels.
    let pairs = load(&eval.join("duplicate_pairs.json"));
    let mut labelled: HashMap<(String, String), bool> = HashMap::new();
    for p in pairs["pairs"].as_array().unwrap() {
        if p["translation"].as_bool() == Some(true) {
            continue;
        }
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        let key = if a < b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        };
        labelled.insert(key, p["duplicate"].as_bool().unwrap());
    }
    let positives = labelled.values().filter(|d| **d).count();
    let suggested = report["near_duplicates"].as_array().unwrap();
    let (mut tp, mut fp, mut unlabelled) = (0, 0, 0);
    for s in suggested {
        let ra = &refs[s["question"].as_str().unwrap()];
        let rb = &refs[s["similar_to"].as_str().unwrap()];
        let verdict = ra
            .iter()
            .flat_map(|a| rb.iter().map(move |b| (a, b)))
            .find_map(|(a, b)| {
                let key = if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                labelled.get(&key).copied()
            });
        match verdict {
            Some(true) => tp += 1,
            Some(false) => fp += 1,
            None => unlabelled += 1,
        }
    }
    println!(
        "\nnear-duplicates on import: {} suggested; on labelled pairs precision {:.3} ({tp} of {}), recall {:.3} ({tp} of {positives}); {unlabelled} suggestions on unlabelled pairs",
        suggested.len(),
        tp as f64 / (tp + fp).max(1) as f64,
        tp + fp,
        tp as f64 / positives.max(1) as f64,
    );
}
