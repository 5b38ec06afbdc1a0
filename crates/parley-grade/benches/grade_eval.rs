//! Agreement of the grader with human grades, cross-validated by question: the model is fitted
//! on some questions' answers and measured on the others', so no number here comes from a
//! question the fit has seen. Beside it, in the same run, the plain embedding-cosine baseline
//! (cos(answer, reference) with a linear fit or a threshold, fitted the same way).
//!
//! Mohler dev (0–5): Pearson r, Spearman, RMSE and quadratic weighted kappa, leave-one-question
//! -out and 7 folds. SemEval-2013 2-way: accuracy and macro-F1, 5 folds by question, per set.
//! Also: the shipped calibration scored in-sample, and a refit on all of Mohler compared with the
//! artifact's weights (the port reproduces the prototype's fit).
//!
//! Data: `../shared/asag/` (or `PARLEY_ASAG_DIR`). Needs the embedding model (`./dev setup`).
//! Run: `cargo bench -p parley-grade --bench grade_eval`

mod asag;

use std::sync::Arc;
use std::time::Instant;

use asag::Row;
use parley_embed::Embedder;
use parley_grade::calibration::Calibration;
use parley_grade::features::Features;
use parley_grade::fit::{
    LogisticFit, accuracy_f1, best_threshold, folds_by_key, linear, pearson, qwk, rmse, spearman,
};
use parley_grade::{Grade, Grader, finalise};

/// Fits on the training rows given, and returns the score of any row.
type Scorer<'a> = dyn Fn(&[usize]) -> Box<dyn Fn(usize) -> f64> + 'a;

const MODEL: &[&str] = &["sem_kp", "lex_kp", "lex_prec", "sem_q", "len_ratio"];
const LAMBDA: f64 = 1.0;

/// The features fitted: `MODEL`, or for exploring, `PARLEY_GRADE_MODEL=a,b,c` (any of
/// `Features::NAMES`; the comparison with the artifact then means nothing).
fn model() -> &'static [&'static str] {
    static CHOSEN: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    CHOSEN.get_or_init(|| match std::env::var("PARLEY_GRADE_MODEL") {
        Ok(list) => list
            .split(',')
            .map(|n| {
                *Features::NAMES
                    .iter()
                    .find(|k| **k == n.trim())
                    .unwrap_or_else(|| panic!("unknown feature {n}"))
            })
            .collect(),
        Err(_) => MODEL.to_vec(),
    })
}

fn row_of(f: &Features) -> Vec<f64> {
    model()
        .iter()
        .map(|n| f.get(n).expect("a feature"))
        .collect()
}

fn grade_all(grader: &Grader, rows: &[Row]) -> Vec<Grade> {
    let started = Instant::now();
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(64) {
        let items: Vec<_> = chunk
            .iter()
            .map(|r| (&r.exercise, r.answer.as_str()))
            .collect();
        out.extend(
            grader
                .grade_many(&items)
                .into_iter()
                .map(|g| g.expect("gradable")),
        );
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "  graded {} answers in {secs:.1} s ({:.0}/s, cold cache)",
        rows.len(),
        rows.len() as f64 / secs
    );
    out
}

/// Predictions for every row from models fitted on the other folds.
fn cross_predict(
    folds: &[usize],
    fit_predict: impl Fn(&[usize], &[usize]) -> Vec<f64>,
) -> Vec<f64> {
    let mut pred = vec![0.0; folds.len()];
    let last = folds.iter().copied().max().unwrap_or(0);
    for f in 0..=last {
        let test: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] == f).collect();
        if test.is_empty() {
            continue;
        }
        let train: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] != f).collect();
        for (i, p) in test.iter().zip(fit_predict(&train, &test)) {
            pred[*i] = p;
        }
    }
    pred
}

fn report(name: &str, pred: &[f64], gold: &[f64]) {
    println!(
        "  {name:<44} r={:.3}  rho={:.3}  RMSE={:.3}  QWK={:.3}",
        pearson(pred, gold),
        spearman(pred, gold),
        rmse(pred, gold),
        qwk(pred, gold)
    );
}

fn mohler(grader: &Grader) {
    let rows = asag::mohler();
    println!(
        "Mohler dev ({} answers), cross-validated by question",
        rows.len()
    );
    let grades = grade_all(grader, &rows);
    let x: Vec<Vec<f64>> = grades.iter().map(|g| row_of(&g.features)).collect();
    let cos: Vec<f64> = grades.iter().map(|g| g.features.sem_ref).collect();
    let gold: Vec<f64> = rows.iter().map(|r| r.gold).collect();
    let mut flags: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for (g, y) in grades.iter().zip(&gold) {
        for f in &g.flags {
            let e = flags.entry(format!("{f:?}")).or_default();
            e.0 += 1;
            e.1 += y;
        }
    }
    if std::env::var_os("PARLEY_EVAL_DEBUG").is_some() {
        for ((g, y), r) in grades.iter().zip(&gold).zip(&rows) {
            if !g.flags.is_empty() {
                let f = &g.features;
                eprintln!(
                    "{:?} gold {y} pred {:.2} maxcos {:.3} | {}",
                    g.flags,
                    g.raw_score,
                    f.sem_ref.max(f.sem_q),
                    r.answer.chars().take(90).collect::<String>()
                );
            }
        }
    }
    for (f, (n, sum)) in &flags {
        println!(
            "  flag {f}: {n} answers, mean human grade {:.2}",
            sum / *n as f64
        );
    }
    let keys: Vec<String> = rows.iter().map(|r| r.question_key.clone()).collect();
    for (label, k) in [("leave one question out", None), ("7 folds", Some(7))] {
        let folds = folds_by_key(&keys, k);
        println!(" [{label}]");
        let base = cross_predict(&folds, |train, test| {
            let xs: Vec<f64> = train.iter().map(|&i| cos[i]).collect();
            let ys: Vec<f64> = train.iter().map(|&i| gold[i]).collect();
            let (b, w) = linear(&xs, &ys);
            test.iter()
                .map(|&i| (b + w * cos[i]).clamp(0.0, 5.0))
                .collect()
        });
        report("baseline: cos(answer, reference), linear", &base, &gold);
        let model = cross_predict(&folds, |train, test| {
            let xs: Vec<Vec<f64>> = train.iter().map(|&i| x[i].clone()).collect();
            let ys: Vec<f64> = train.iter().map(|&i| gold[i]).collect();
            let m = LogisticFit::fit(&xs, &ys, 5.0, LAMBDA);
            test.iter().map(|&i| m.predict(&x[i])).collect()
        });
        report("grader model, refitted per fold", &model, &gold);
        let flagged: Vec<f64> = model
            .iter()
            .zip(&grades)
            .map(|(p, g)| finalise(*p, &g.flags))
            .collect();
        report(
            "  ...after flags (what parley grade prints)",
            &flagged,
            &gold,
        );
    }
    let shipped: Vec<f64> = grades.iter().map(|g| g.raw_score).collect();
    report(
        "shipped calibration (in-sample: fitted here)",
        &shipped,
        &gold,
    );
    // The artifact was fitted on every answer's features; empty ones now skip the features.
    let graded: Vec<usize> = (0..grades.len())
        .filter(|&i| !grades[i].flags.contains(&parley_grade::Flag::Empty))
        .collect();
    let all = LogisticFit::fit(
        &graded.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(),
        &graded.iter().map(|&i| gold[i]).collect::<Vec<_>>(),
        5.0,
        LAMBDA,
    );
    let (b, w) = all.export(model());
    let artifact = &Calibration::builtin().model;
    let mut worst = (b - artifact.intercept).abs();
    for (name, v) in &w {
        match artifact.weights.get(name) {
            Some(a) => worst = worst.max((v - a).abs()),
            None => worst = f64::INFINITY,
        }
    }
    println!(
        "  refit on all non-empty answers vs the artifact: largest weight difference {worst:.3}"
    );
    println!("    refit: intercept {b:.6}, weights {w:?}");
}

fn semeval(grader: &Grader) {
    let rows = asag::semeval();
    println!("SemEval-2013 2-way, training sets, 5 folds by question (accuracy / macro-F1)");
    let grades = grade_all(grader, &rows);
    for set in ["sciEntsBank", "beetle"] {
        let idx: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].dataset == set)
            .collect();
        let x: Vec<Vec<f64>> = idx.iter().map(|&i| row_of(&grades[i].features)).collect();
        let cos: Vec<f64> = idx.iter().map(|&i| grades[i].features.sem_ref).collect();
        let shipped: Vec<f64> = idx.iter().map(|&i| grades[i].raw_score).collect();
        let gold: Vec<bool> = idx.iter().map(|&i| rows[i].gold > 0.5).collect();
        let keys: Vec<String> = idx.iter().map(|&i| rows[i].question_key.clone()).collect();
        let folds = folds_by_key(&keys, Some(5));
        let thresholded = |score: &Scorer| {
            let p = cross_predict(&folds, |train, test| {
                let s = score(train);
                let ys: Vec<bool> = train.iter().map(|&i| gold[i]).collect();
                let t = best_threshold(&train.iter().map(|&i| s(i)).collect::<Vec<_>>(), &ys);
                test.iter()
                    .map(|&i| if s(i) > t { 1.0 } else { 0.0 })
                    .collect()
            });
            let p: Vec<bool> = p.iter().map(|v| *v > 0.5).collect();
            accuracy_f1(&p, &gold)
        };
        let show = |label: &str, (acc, f1): (f64, f64)| {
            println!("  {set:<12} {label:<44} {acc:.3} / {f1:.3}")
        };
        show(
            "baseline: cos(answer, reference) + threshold",
            thresholded(&|_| {
                let cos = cos.clone();
                Box::new(move |i| cos[i])
            }),
        );
        show(
            "grader features, logistic refitted per fold",
            thresholded(&|train| {
                let xs: Vec<Vec<f64>> = train.iter().map(|&i| x[i].clone()).collect();
                let ys: Vec<f64> = train
                    .iter()
                    .map(|&i| if gold[i] { 1.0 } else { 0.0 })
                    .collect();
                let m = LogisticFit::fit(&xs, &ys, 1.0, LAMBDA);
                let x = x.clone();
                Box::new(move |i| m.z(&x[i]))
            }),
        );
        show(
            "shipped 0-5 calibration (Mohler) + threshold",
            thresholded(&|_| {
                let s = shipped.clone();
                Box::new(move |i| s[i])
            }),
        );
    }
}

/// Key-point coverage, from two kinds of evidence: SemEval questions with a single reference
/// answer taken as one key point (a correct answer covers it), and Mohler questions whose
/// reference is one key point (covered: human grade ≥ 4). Rules are fitted on both, 5 folds by
/// question, and accuracy is reported per set; the shipped rule is shown beside them.
fn coverage(grader: &Grader) {
    println!("Key-point coverage (accuracy), 5 folds by question over both sets");
    let mut rows: Vec<Row> = asag::semeval()
        .into_iter()
        .filter(|r| r.exercise.references.len() == 1)
        .map(|mut r| {
            r.exercise.key_points = r.exercise.references.clone();
            r
        })
        .collect();
    rows.extend(
        asag::mohler()
            .into_iter()
            .filter(|r| parley_grade::text::key_points(&r.exercise.references[0]).len() == 1)
            .map(|mut r| {
                r.gold = if r.gold >= 4.0 { 1.0 } else { 0.0 };
                r
            }),
    );
    let grades = grade_all(grader, &rows);
    let x: Vec<Vec<f64>> = grades
        .iter()
        .map(|g| {
            let p = g.evidence.first();
            vec![
                p.and_then(|p| p.best_cosine).unwrap_or(0.0),
                p.map_or(0.0, |p| p.lexical_recall),
                p.and_then(|p| p.question_cosine).unwrap_or(0.0),
            ]
        })
        .collect();
    let gold: Vec<bool> = rows.iter().map(|r| r.gold > 0.5).collect();
    let keys: Vec<String> = rows.iter().map(|r| r.question_key.clone()).collect();
    let folds = folds_by_key(&keys, Some(5));
    let by_set = |pred: &[bool]| -> String {
        ["mohler", "sciEntsBank", "beetle"]
            .iter()
            .map(|set| {
                let idx: Vec<usize> = (0..rows.len())
                    .filter(|&i| rows[i].dataset == *set)
                    .collect();
                let p: Vec<bool> = idx.iter().map(|&i| pred[i]).collect();
                let g: Vec<bool> = idx.iter().map(|&i| gold[i]).collect();
                format!("{set} {:.3}", accuracy_f1(&p, &g).0)
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let majority: Vec<bool> =
        vec![gold.iter().filter(|g| **g).count() * 2 > gold.len(); gold.len()];
    println!("  {:<48} {}", "majority class", by_set(&majority));
    let kp = &Calibration::builtin().key_point_coverage;
    let shipped: Vec<bool> = x.iter().map(|r| kp.covered(r[0], r[1])).collect();
    println!("  {:<48} {}", "shipped rule", by_set(&shipped));
    let pick = |r: &[f64], cols: &[usize]| -> Vec<f64> { cols.iter().map(|&c| r[c]).collect() };
    let sets: [(&str, &[usize]); 2] = [
        ("refit: cos, lexical recall", &[0, 1]),
        ("refit: + cos(question, point)", &[0, 1, 2]),
    ];
    for (label, cols) in sets {
        let p = cross_predict(&folds, |train, test| {
            let xs: Vec<Vec<f64>> = train.iter().map(|&i| pick(&x[i], cols)).collect();
            let ys: Vec<f64> = train
                .iter()
                .map(|&i| if gold[i] { 1.0 } else { 0.0 })
                .collect();
            let m = LogisticFit::fit(&xs, &ys, 1.0, LAMBDA);
            test.iter()
                .map(|&i| {
                    if m.z(&pick(&x[i], cols)) > 0.0 {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        });
        let p: Vec<bool> = p.iter().map(|v| *v > 0.5).collect();
        println!("  {label:<48} {}", by_set(&p));
        let xs: Vec<Vec<f64>> = x.iter().map(|r| pick(r, cols)).collect();
        let ys: Vec<f64> = gold.iter().map(|g| if *g { 1.0 } else { 0.0 }).collect();
        let (b, w) =
            LogisticFit::fit(&xs, &ys, 1.0, LAMBDA).export(&["cos", "lex", "qcos"][..cols.len()]);
        println!("    fitted on all: intercept {b:.4}, weights {w:.4?}");
    }
}

fn main() {
    let embedder = match Embedder::locate() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("grade_eval needs the embedding model (./dev setup): {e}");
            std::process::exit(1);
        }
    };
    let grader = Grader::new(Some(Arc::new(embedder)));
    // `-- mohler`, `-- semeval` or `-- coverage` runs one part.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    if run("mohler") {
        mohler(&grader);
    }
    if run("semeval") {
        semeval(&grader);
    }
    if run("coverage") {
        coverage(&grader);
    }
}
