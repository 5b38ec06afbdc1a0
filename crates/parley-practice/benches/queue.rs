//! Practice queue benchmark: choosing the next question (and the queue's counts) for a member
//! with 1,000 / 10,000 / 100,000 eligible questions of which a tenth have cards (half of those
//! due), with and without an interview date; and one FSRS review. Medians of repeated runs; the
//! 1,000-question choice is the baseline every row is also given as a ratio of, measured in the
//! same run.
//!
//! Run: `cargo bench -p parley-practice --bench queue`.

use parley_domain::QuestionId;
use parley_practice::queue::{Eligible, QueueInput, counts, next};
use parley_practice::{Card, DAY_MS, Rating, Scheduler};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

const NOW: i64 = 1_790_000_000_000;

fn setup(n: usize) -> (Vec<Eligible>, HashMap<QuestionId, Card>) {
    let s = Scheduler::new(0.9).unwrap();
    let pool: Vec<Eligible> = (0..n)
        .map(|i| Eligible {
            id: QuestionId::from_u128(i as u128 + 1),
            section: Some(format!("section-{}", i % 15)),
        })
        .collect();
    let mut cards = HashMap::new();
    for (k, q) in pool.iter().enumerate().filter(|(k, _)| k % 10 == 0) {
        let first = s
            .review(None, Rating::Good, Some(4.0), NOW - 40 * DAY_MS, None)
            .unwrap();
        let at = if k % 20 == 0 {
            first.due_ms
        } else {
            NOW - DAY_MS
        };
        let card = s
            .review(Some(&first), Rating::Hard, Some(2.5), at, None)
            .unwrap();
        cards.insert(q.id, card);
    }
    (pool, cards)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let s = Scheduler::new(0.9).unwrap();
    let skip = HashSet::new();
    let mut baseline = None;
    println!("{:<46} {:>12} {:>10}", "case", "median", "ratio");
    for n in [1_000, 10_000, 100_000] {
        let (pool, cards) = setup(n);
        for interview in [None, Some(NOW + 10 * DAY_MS)] {
            let input = QueueInput {
                now_ms: NOW,
                pool: &pool,
                cards: &cards,
                new_today: 0,
                new_per_day: 10,
                interview_ms: interview,
                skip: &skip,
            };
            let runs = if n >= 100_000 { 15 } else { 51 };
            let d = time(runs, || {
                std::hint::black_box(next(&input, &s));
                std::hint::black_box(counts(&input, &s));
            });
            let base = *baseline.get_or_insert(d);
            println!(
                "{:<46} {:>9.3} ms {:>9.1}x",
                format!(
                    "next + counts, {n} questions{}",
                    if interview.is_some() {
                        ", interview date"
                    } else {
                        ""
                    }
                ),
                d.as_secs_f64() * 1e3,
                d.as_secs_f64() / base.as_secs_f64()
            );
        }
    }
    let card = s.review(None, Rating::Good, None, NOW, None).unwrap();
    let d = time(10_001, || {
        std::hint::black_box(
            s.review(Some(&card), Rating::Good, Some(4.0), NOW + 3 * DAY_MS, None)
                .unwrap(),
        );
    });
    println!(
        "{:<46} {:>9.3} µs",
        "one FSRS review",
        d.as_secs_f64() * 1e6
    );
}
