//! Embeds the lines of a file (one text per line) in batches of 64, `RUNS` times, at f32 and
//! at int8 (when the CPU has it), printing texts and tokens per second and how close the int8
//! vectors come to the f32 ones: a steady load to run under `perf record`.
//!
//! Run: `cargo run --release -p parley-embed --example profile -- FILE [RUNS] [f32|int8]`

use std::time::Instant;

use parley_embed::{Embedder, Precision, cosine};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: profile FILE [RUNS] [f32|int8]");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let only = args.next();
    let text = std::fs::read_to_string(&path).expect("readable file");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut results = Vec::new();
    for (name, precision) in [("f32", Precision::F32), ("int8", Precision::Int8)] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let embedder = Embedder::locate_with(precision).expect("the model (./dev setup)");
        let tokens: usize = lines
            .iter()
            .map(|l| embedder.token_ids(&format!("passage: {l}")).len())
            .sum();
        let mut vectors = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            vectors.clear();
            for chunk in lines.chunks(64) {
                vectors.extend(embedder.embed_passages(chunk));
            }
            let s = t.elapsed().as_secs_f64();
            println!(
                "{name} ({:?}): {} texts, {} tokens: {:.1} texts/s, {:.0} tokens/s",
                embedder.precision(),
                lines.len(),
                tokens,
                lines.len() as f64 / s,
                tokens as f64 / s
            );
        }
        results.push(vectors);
    }
    if let [a, b] = &results[..] {
        let mut cos: Vec<f32> = a.iter().zip(b).map(|(x, y)| cosine(x, y)).collect();
        cos.sort_by(f32::total_cmp);
        let mean = cos.iter().sum::<f32>() / cos.len() as f32;
        println!(
            "cosine int8 vs f32: min {:.4}, p5 {:.4}, median {:.4}, mean {:.4}",
            cos[0],
            cos[cos.len() / 20],
            cos[cos.len() / 2],
            mean
        );
    }
}
