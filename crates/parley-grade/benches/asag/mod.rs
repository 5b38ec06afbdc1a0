//! Reading the human-graded sets in `../shared/asag/` (never copied into the repository).

use std::path::PathBuf;

use parley_grade::Exercise;

/// One graded answer.
pub struct Row {
    /// `dataset:question_id`, so that folds never split a question.
    pub question_key: String,
    pub dataset: String,
    pub exercise: Exercise,
    pub answer: String,
    /// Mohler: the 0–5 average; SemEval: 1 correct, 0 incorrect.
    pub gold: f64,
}

pub fn dir() -> PathBuf {
    std::env::var_os("PARLEY_ASAG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/asag"))
}

/// A CSV file's rows as maps from column name to value.
fn read(name: &str) -> Vec<std::collections::HashMap<String, String>> {
    let path = dir().join(name);
    let mut reader = csv::ReaderBuilder::new()
        .from_path(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set PARLEY_ASAG_DIR)", path.display()));
    let headers: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

pub fn mohler() -> Vec<Row> {
    read("mohler-dev.csv")
        .into_iter()
        .map(|r| Row {
            question_key: format!("mohler:{}", r["question_id"]),
            dataset: "mohler".into(),
            exercise: Exercise::new(&r["question"], &r["reference_answer"]),
            answer: r["student_answer"].clone(),
            gold: r["score_avg"].parse().expect("a numeric score"),
        })
        .collect()
}

pub fn semeval() -> Vec<Row> {
    read("semeval2013-2way-train.csv")
        .into_iter()
        .map(|r| {
            let references = r["all_reference_answers"]
                .split(" ||| ")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            Row {
                question_key: format!("{}:{}", r["dataset"], r["question_id"]),
                dataset: r["dataset"].clone(),
                exercise: Exercise {
                    question: r["question"].clone(),
                    references,
                    ..Exercise::default()
                },
                answer: r["student_answer"].clone(),
                gold: if r["label"] == "correct" { 1.0 } else { 0.0 },
            }
        })
        .collect()
}
