//! Kit planner benchmark: planning a 60-minute kit for a five-competency role from banks of
//! 1,000, 10,000 and 100,000 questions (medians of repeated runs), and reading the technologies
//! out of a 50,000-character CV. The 1,000-question plan is the baseline every row is also
//! given as a ratio of, measured in the same run.
//!
//! Run: `cargo bench -p parley-domain --bench plan`.

use parley_domain::experience::technologies_in;
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::kit::PoolQuestion;
use parley_domain::plan::{KitRequest, Scripts, plan};
use parley_domain::{QuestionId, QuestionKind, Taxonomy};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const TECH: &[&str] = &[
    "RabbitMQ",
    "PostgreSQL",
    "Kafka",
    "Redis",
    "Docker",
    "OAuth",
];

fn pool(n: usize) -> Vec<PoolQuestion> {
    let sections: Vec<String> = Taxonomy::builtin()
        .sections()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    (0..n)
        .map(|i| PoolQuestion {
            id: QuestionId::from_u128(i as u128 + 1),
            text: format!(
                "How would you use {} for case {i} in a payment service?",
                TECH[i % TECH.len()]
            ),
            section: Some(sections[i % sections.len()].clone()),
            tags: vec![],
            kind: if i % 9 == 0 {
                QuestionKind::SystemDesign
            } else {
                QuestionKind::Technical
            },
            language: None,
            minutes: 3 + (i % 4) as u32,
            reference_answer: (i % 3 != 0).then(|| "An answer.".to_string()),
            key_points: vec!["one".into(), "two".into()],
            look_for: vec![],
            red_flags: vec![],
            follow_ups: vec![],
        })
        .collect()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let role = JobRoleDraft {
        title: "Backend developer".into(),
        description: String::new(),
        competencies: ["databases", "messaging", "security", "apis", "testing"]
            .iter()
            .enumerate()
            .map(|(k, s)| Competency::named(s, 5 - k as u8, Level::Senior, k < 3))
            .collect(),
        technologies: vec!["PostgreSQL".into(), "Kafka".into()],
    }
    .validated()
    .unwrap();
    let cv = "I ran RabbitMQ and Kafka clusters, tuned PostgreSQL, cached with Redis. "
        .repeat(50_000 / 72);
    let mentions = technologies_in(&cv);
    let candidate = CandidateDraft {
        name: "Ada".into(),
        email: None,
        contact: String::new(),
        experience: cv.clone(),
        technologies: mentions.iter().map(|m| m.technology.clone()).collect(),
    };
    let asked: HashSet<QuestionId> = (1..=50).map(QuestionId::from_u128).collect();
    let scripts = Scripts::default();
    let mut baseline = None;
    println!("kit planner, 60-minute kit, 5 competencies (median)");
    for (n, runs) in [(1_000, 51), (10_000, 21), (100_000, 7)] {
        let p = pool(n);
        let times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let kit = plan(&KitRequest {
                    role: &role,
                    candidate: &candidate,
                    mentions: &mentions,
                    length: 60,
                    interviewers: &["Grace".into()],
                    pool: &p,
                    asked: &asked,
                    scripts: &scripts,
                    language: None,
                    pinned: vec![],
                    next_item: 1,
                })
                .unwrap();
                let d = t.elapsed();
                assert_eq!(kit.planned_minutes(), 60);
                d
            })
            .collect();
        let m = median(times);
        let base = *baseline.get_or_insert(m);
        println!(
            "  {n:>7} questions: {:>9.3} ms  ({:.1}x the 1,000-question plan)",
            m.as_secs_f64() * 1e3,
            m.as_secs_f64() / base.as_secs_f64()
        );
    }
    let times: Vec<Duration> = (0..21)
        .map(|_| {
            let t = Instant::now();
            let found = technologies_in(&cv);
            let d = t.elapsed();
            assert!(found.len() >= 4);
            d
        })
        .collect();
    let m = median(times);
    println!(
        "technologies in a {}-character CV: {:.3} ms ({:.1}x the 1,000-question plan)",
        cv.chars().count(),
        m.as_secs_f64() * 1e3,
        m.as_secs_f64() / baseline.unwrap().as_secs_f64()
    );
}
