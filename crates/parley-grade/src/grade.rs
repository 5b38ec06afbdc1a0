//! The grader: an answer and its exercise (question, reference answers, key points, red flags)
//! in, a calibrated score with its evidence, flags, confidence and explanation out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::calibration::Calibration;
use crate::explain::{self, Verdict};
use crate::features::{Embedded, Features, Parts, PointEvidence, Reference, Vectors, analyse};
use crate::flags::{
    CONTRADICTION_LEXICAL, answer_flags, is_non_answer, looks_like_text, matched_red_flags,
};
pub use crate::flags::{Flag, finalise};
use crate::lang::{self, Lang};
use crate::text::{content_stems, key_points, tokens};

/// Answers longer than this are graded on their beginning and flagged `too_long`: a written
/// interview answer is a few paragraphs, and embedding a megabyte would take minutes.
pub const MAX_ANSWER_CHARS: usize = 10_000;
/// Question, reference and key-point vectors kept between calls; the map is emptied when full.
const MAX_CACHED: usize = 20_000;
/// Standing in for the semantic/lexical disagreement in the confidence when there is no model:
/// about the largest disagreement seen on development data, so lexical grades are never sure.
const LEXICAL_DISAGREEMENT: f64 = 2.0;
/// The most a words-only grade gives an off-topic answer that covers no key point.
const LEXICAL_OFF_TOPIC_MAX: f64 = 1.0;
/// Words alone miss paraphrases: a grade without the model is never more than this sure.
const LEXICAL_MAX_CONFIDENCE: f64 = 0.5;
/// Share of its own words a key point needs in the answer to count as covered without the model.
const LEXICAL_COVERAGE: f64 = 0.5;

/// Turns texts into unit vectors. `parley_embed::Embedder` is the real one.
pub trait Encode: Send + Sync {
    fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>>;

    /// Texts given as their sentences: the vector of each whole text (sentences joined by
    /// spaces) and of each sentence (`None` when it could not be embedded). By default each is
    /// embedded alone; the real encoder reads the sentences in the pass of the whole.
    #[allow(clippy::type_complexity)]
    fn encode_pieces(&self, texts: &[&[&str]]) -> Vec<(Vec<f32>, Vec<Option<Vec<f32>>>)> {
        let joined: Vec<String> = texts.iter().map(|t| t.join(" ")).collect();
        let wholes = self.encode(&joined.iter().map(String::as_str).collect::<Vec<_>>());
        texts
            .iter()
            .zip(wholes)
            .map(|(t, whole)| (whole, self.encode(t).into_iter().map(Some).collect()))
            .collect()
    }
}

impl Encode for parley_embed::Embedder {
    fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        // The calibration was fitted on e5 "query: " vectors for every kind of text.
        self.embed_queries(texts)
    }

    fn encode_pieces(&self, texts: &[&[&str]]) -> Vec<(Vec<f32>, Vec<Option<Vec<f32>>>)> {
        self.embed_query_pieces(texts)
            .into_iter()
            .map(|p| (p.whole, p.pieces))
            .collect()
    }
}

/// What an answer is graded against.
#[derive(Debug, Clone, Default)]
pub struct Exercise {
    pub question: String,
    /// The reference answer, or several acceptable ones.
    pub references: Vec<String>,
    /// The author's key points; when empty they are extracted from each reference.
    pub key_points: Vec<String>,
    /// Things a good answer must not say, when the author listed them.
    pub red_flags: Vec<String>,
}

impl Exercise {
    pub fn new(question: &str, reference: &str) -> Exercise {
        Exercise {
            question: question.to_string(),
            references: vec![reference.to_string()],
            ..Exercise::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("nothing to grade against: the question has no reference answer and no key points")]
    NoReference,
}

/// How the grade was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Embeddings and words: the calibrated model.
    Semantic,
    /// Words only, because the embedding model is not installed.
    Lexical,
}

/// A key point the answer covers, with the sentence that covers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Covered {
    pub key_point: String,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    /// 0–5, one decimal.
    pub score: f64,
    pub covered: Vec<Covered>,
    pub missed: Vec<String>,
    pub flags: Vec<Flag>,
    /// 0–1: how far the score is to be trusted.
    pub confidence: f64,
    pub explanation: String,
    /// The language of the explanation.
    pub language: &'static str,
    pub method: Method,
    pub calibration: &'static str,
    /// The unrounded score, for evaluation.
    #[serde(skip)]
    pub raw_score: f64,
    #[serde(skip)]
    pub features: Features,
    /// Per key point of the reference graded against, what was measured.
    #[serde(skip)]
    pub evidence: Vec<PointEvidence>,
}

/// Grades answers; keeps the vectors of questions and references it has seen, so grading many
/// answers to one question embeds that question once.
pub struct Grader {
    encoder: Option<Arc<dyn Encode>>,
    calibration: &'static Calibration,
    cache: Mutex<HashMap<String, Vec<f32>>>,
}

/// Where a text embedded alone goes.
#[derive(Clone, Copy)]
enum Slot {
    Exercise,
    Answer,
    Sentence,
}

/// An answer checked and cut to size, ready for features.
struct Prepared {
    parts: Option<Parts>,
    flags: Vec<Flag>,
    red_flags: Vec<String>,
}

impl Grader {
    /// `None` grades on words alone (every grade then says `method: lexical`).
    pub fn new(encoder: Option<Arc<dyn Encode>>) -> Grader {
        Grader {
            encoder,
            calibration: Calibration::builtin(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn method(&self) -> Method {
        if self.encoder.is_some() {
            Method::Semantic
        } else {
            Method::Lexical
        }
    }

    pub fn grade(&self, exercise: &Exercise, answer: &str) -> Result<Grade, GradeError> {
        self.grade_many(&[(exercise, answer)])
            .pop()
            .expect("one grade per answer")
    }

    /// Grades in one go, embedding every text the batch needs in one call. The result of each
    /// answer does not depend on the others.
    pub fn grade_many(&self, items: &[(&Exercise, &str)]) -> Vec<Result<Grade, GradeError>> {
        let prepared: Vec<Result<Prepared, GradeError>> =
            items.iter().map(|(e, a)| prepare(e, a)).collect();
        let vectors = self.vectors(prepared.iter().filter_map(|p| p.as_ref().ok()));
        prepared
            .into_iter()
            .map(|p| p.map(|p| self.finish(p, vectors.as_ref())))
            .collect()
    }

    fn vectors<'a>(&self, prepared: impl Iterator<Item = &'a Prepared>) -> Option<Embedded> {
        let encoder = self.encoder.as_ref()?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Embedded::default();
        // Texts embedded alone: the exercise's (kept in the cache), answers, and the sentences
        // of answers that cannot be read in one pass. Answers that can are embedded once with
        // their sentences pooled from that pass.
        let mut alone: Vec<(&str, Slot)> = Vec::new();
        let mut pieced: Vec<&Parts> = Vec::new();
        let mut wanted = std::collections::HashSet::new();
        let mut answers = std::collections::HashSet::new();
        for p in prepared {
            let Some(parts) = &p.parts else { continue };
            let exercise = parts
                .exercise_texts()
                .chain(p.red_flags.iter().map(String::as_str));
            for text in exercise {
                if !wanted.insert(text) {
                    continue;
                }
                match cache.get(text) {
                    Some(v) => {
                        out.texts.insert(text.to_string(), v.clone());
                    }
                    None => alone.push((text, Slot::Exercise)),
                }
            }
            if !answers.insert(parts.answer.as_str()) {
                continue;
            }
            if Embedded::one_pass(parts) {
                pieced.push(parts);
                continue;
            }
            alone.push((&parts.answer, Slot::Answer));
            for sentence in &parts.units[..parts.units.len() - 1] {
                if wanted.insert(sentence) {
                    alone.push((sentence, Slot::Sentence));
                }
            }
        }
        if !alone.is_empty() {
            let texts: Vec<&str> = alone.iter().map(|(t, _)| *t).collect();
            let vecs = encoder.encode(&texts);
            if cache.len() + alone.len() > MAX_CACHED {
                cache.clear();
            }
            for ((text, slot), v) in alone.into_iter().zip(vecs) {
                match slot {
                    Slot::Exercise => {
                        cache.insert(text.to_string(), v.clone());
                        out.texts.insert(text.to_string(), v);
                    }
                    Slot::Sentence => {
                        out.texts.insert(text.to_string(), v);
                    }
                    Slot::Answer => {
                        out.answers.insert(text.to_string(), v);
                    }
                }
            }
        }
        if !pieced.is_empty() {
            let sentences: Vec<Vec<&str>> = pieced
                .iter()
                .map(|p| {
                    p.units[..p.units.len() - 1]
                        .iter()
                        .map(String::as_str)
                        .collect()
                })
                .collect();
            let texts: Vec<&[&str]> = sentences.iter().map(Vec::as_slice).collect();
            for (parts, (whole, pieces)) in pieced.iter().zip(encoder.encode_pieces(&texts)) {
                out.answers.insert(parts.answer.clone(), whole);
                out.sentences.insert(parts.answer.clone(), pieces);
            }
        }
        Some(out)
    }

    fn finish(&self, p: Prepared, vectors: Vectors) -> Grade {
        let c = self.calibration;
        let method = if vectors.is_some() {
            Method::Semantic
        } else {
            Method::Lexical
        };
        let Some(parts) = p.parts else {
            // Empty or not text: nothing to weigh, and no doubt about it.
            let lang = Lang::En;
            return Grade {
                score: 0.0,
                covered: Vec::new(),
                missed: Vec::new(),
                explanation: explain::explain(lang, &Verdict::unreadable(&p.flags)),
                flags: p.flags,
                confidence: 1.0,
                language: lang.code(),
                method,
                calibration: &c.version,
                raw_score: 0.0,
                features: Features::default(),
                evidence: Vec::new(),
            };
        };
        let model = match method {
            Method::Semantic => &c.model,
            Method::Lexical => &c.confidence.lexical_submodel,
        };
        let analysis = analyse(&parts, vectors, |f| model.z(f));
        let f = analysis.features;
        let mut flags = p.flags;
        let reference = &parts.references[analysis.reference];
        flags.extend(answer_flags(c, &parts, &analysis, &reference.text, method));

        let negations = |t: &str| {
            tokens(t)
                .iter()
                .filter(|w| c.negations.contains(w) || w.ends_with("n't"))
                .count()
                % 2
        };
        let mut covered = Vec::new();
        let mut missed = Vec::new();
        let mut contradicted = Vec::new();
        for point in &analysis.points {
            let evidence = best_sentence(&parts, point.best_unit, &point.key_point);
            let is_covered = match point.best_cosine {
                Some(cos) => c.key_point_coverage.covered(cos, point.lexical_recall),
                None => point.lexical_recall >= LEXICAL_COVERAGE,
            };
            // Polarity is read from the covering sentence, not the whole answer: one "not"
            // elsewhere in a long answer says nothing about this point.
            let opposite = point
                .best_cosine
                .is_some_and(|cos| cos >= c.flags.contradict_min_cos)
                && point.lexical_recall >= CONTRADICTION_LEXICAL
                && negations(&evidence) != negations(&point.key_point);
            if opposite {
                contradicted.push(point.key_point.clone());
                missed.push(point.key_point.clone());
            } else if is_covered {
                covered.push(Covered {
                    key_point: point.key_point.clone(),
                    evidence,
                });
            } else {
                missed.push(point.key_point.clone());
            }
        }
        if !contradicted.is_empty() {
            flags.push(Flag::ContradictsKeyPoint);
        }
        let red_flags = matched_red_flags(&parts, &p.red_flags, vectors, c, &negations);
        if !red_flags.is_empty() {
            flags.push(Flag::MatchesRedFlag);
        }

        let model_score = model.score(&f);
        let mut raw = finalise(model_score, &flags);
        // Without the model, an answer that shares no words with the reference or question and
        // covers no key point has no evidence of being right: the calibrated intercept alone
        // (fitted on data where most answers are good) would otherwise give it about 3 of 5.
        // The semantic model sees paraphrases, so this applies to words-only grades alone.
        if method == Method::Lexical && covered.is_empty() && flags.contains(&Flag::OffTopic) {
            raw = raw.min(LEXICAL_OFF_TOPIC_MAX);
        }
        let disagreement = match method {
            Method::Semantic => (c.confidence.semantic_submodel.score(&f)
                - c.confidence.lexical_submodel.score(&f))
            .abs(),
            Method::Lexical => LEXICAL_DISAGREEMENT,
        };
        let e = &c.confidence.expected_abs_error;
        let expected_error = e.intercept
            + e.w_abs_sem_minus_lex * disagreement
            + e.w_5_minus_score * (5.0 - model_score);
        let mut confidence = (1.0 - expected_error / 2.5).clamp(0.0, 1.0);
        if method == Method::Lexical {
            confidence = confidence.min(LEXICAL_MAX_CONFIDENCE);
        }
        let score = (raw * 10.0).round() / 10.0;
        let lang = explanation_language(&parts, &reference.text);
        let explanation = explain::explain(
            lang,
            &Verdict {
                score,
                covered: &covered,
                missed: &missed,
                contradicted: &contradicted,
                red_flags: &red_flags,
                flags: &flags,
                lexical_only: method == Method::Lexical,
            },
        );
        Grade {
            score,
            covered,
            missed,
            flags,
            confidence: (confidence * 100.0).round() / 100.0,
            explanation,
            language: lang.code(),
            method,
            calibration: &c.version,
            raw_score: raw,
            features: f,
            evidence: analysis.points,
        }
    }
}

/// Checks the answer and builds what features need; the empty and the unreadable stop here.
fn prepare(exercise: &Exercise, answer: &str) -> Result<Prepared, GradeError> {
    let authored: Vec<String> = exercise
        .key_points
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect();
    let references: Vec<&str> = exercise
        .references
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    let references: Vec<Reference> = if references.is_empty() {
        if authored.is_empty() {
            return Err(GradeError::NoReference);
        }
        vec![Reference {
            text: authored.join(". "),
            key_points: authored,
        }]
    } else {
        references
            .into_iter()
            .map(|r| Reference {
                text: r.to_string(),
                key_points: if authored.is_empty() {
                    key_points(r)
                } else {
                    authored.clone()
                },
            })
            .collect()
    };
    let mut flags = Vec::new();
    let red_flags = exercise.red_flags.clone();
    if !looks_like_text(answer) {
        flags.push(Flag::NotText);
        return Ok(Prepared {
            parts: None,
            flags,
            red_flags,
        });
    }
    let answer = match answer.char_indices().nth(MAX_ANSWER_CHARS) {
        Some((cut, _)) => {
            flags.push(Flag::TooLong);
            &answer[..cut]
        }
        None => answer,
    };
    let answer = answer.trim();
    if !answer.chars().any(char::is_alphanumeric) || is_non_answer(answer) {
        flags.push(Flag::Empty);
        return Ok(Prepared {
            parts: None,
            flags,
            red_flags,
        });
    }
    Ok(Prepared {
        parts: Some(Parts::new(&exercise.question, answer, references)),
        flags,
        red_flags,
    })
}

/// The sentence to show as evidence: the closest unit, or when that is the whole of a
/// several-sentence answer, the sentence sharing most words with the key point.
fn best_sentence(parts: &Parts, unit: usize, key_point: &str) -> String {
    let whole = parts.units.len() - 1;
    if unit != whole || whole == 0 {
        return parts.units[unit].clone();
    }
    let own = content_stems(key_point);
    let mut best: Option<(usize, &String)> = None;
    for s in &parts.units[..whole] {
        let words = content_stems(s);
        let shared = own.iter().filter(|w| words.contains(w)).count();
        // The first of equals; a sentence sharing nothing is no better than the whole answer.
        if shared > 0 && best.is_none_or(|(b, _)| shared > b) {
            best = Some((shared, s));
        }
    }
    best.map_or_else(|| parts.units[whole].clone(), |(_, s)| s.clone())
}

/// Explanations are written in the answer's language when it is one we write (English or
/// Polish); a short answer takes the reference's, or the question's.
fn explanation_language(parts: &Parts, reference: &str) -> Lang {
    let detected = lang::detect(&parts.answer)
        .or_else(|| lang::detect(reference))
        .or_else(|| lang::detect(&parts.question));
    match detected {
        Some(Lang::Pl) => Lang::Pl,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise() -> Exercise {
        Exercise {
            question: "Why do payment APIs need idempotency?".into(),
            references: vec![
                "The client sends an idempotency key with each request. The server stores the \
                 result under the key and returns it on a retry."
                    .into(),
            ],
            ..Exercise::default()
        }
    }

    #[test]
    fn empty_binary_and_huge_answers_are_flagged_not_crashed() {
        let g = Grader::new(None);
        let e = exercise();
        let empty = g.grade(&e, "  \n ").unwrap();
        assert_eq!(
            (empty.score, empty.flags.as_slice()),
            (0.0, &[Flag::Empty][..])
        );
        let binary: String = (0u8..=255).cycle().take(4096).map(char::from).collect();
        let b = g.grade(&e, &binary).unwrap();
        assert_eq!(b.flags, [Flag::NotText]);
        assert_eq!(b.score, 0.0);
        let garbage =
            String::from_utf8_lossy(&[0xff, 0xfe, 0x41, 0x80, 0x81, 0x82][..]).repeat(500);
        assert_eq!(g.grade(&e, &garbage).unwrap().flags, [Flag::NotText]);
        let huge = "The server stores the result under the key. ".repeat(25_000);
        assert!(huge.len() > 1_000_000);
        let h = g.grade(&e, &huge).unwrap();
        assert!(h.flags.contains(&Flag::TooLong));
        assert!(h.explanation.contains("10000"));
    }

    #[test]
    fn nothing_to_grade_against_is_an_error() {
        let g = Grader::new(None);
        let e = Exercise {
            question: "Anything?".into(),
            ..Exercise::default()
        };
        assert_eq!(g.grade(&e, "yes"), Err(GradeError::NoReference));
    }

    #[test]
    fn words_only_grading_names_covered_and_missed_points() {
        let g = Grader::new(None);
        let a = "On a retry the server returns the result it stored.";
        let grade = g.grade(&exercise(), a).unwrap();
        assert_eq!(grade.method, Method::Lexical);
        assert_eq!(
            grade.missed,
            ["The client sends an idempotency key with each request"]
        );
        assert_eq!(grade.covered.len(), 1);
        assert_eq!(grade.covered[0].evidence, a);
        assert!(
            grade
                .explanation
                .contains("You missed \u{201c}The client sends")
        );
        assert!(grade.explanation.contains("words only"));
        assert!((0.0..=5.0).contains(&grade.score));
        assert!(grade.confidence <= 0.5, "{}", grade.confidence);
    }

    #[test]
    fn flags_follow_the_answer() {
        let g = Grader::new(None);
        let e = exercise();
        let restated = g.grade(&e, "Payment APIs need idempotency.").unwrap();
        assert!(restated.flags.contains(&Flag::RestatesQuestion));
        let off = g.grade(&e, "Kubernetes scales pods horizontally.").unwrap();
        assert!(off.flags.contains(&Flag::OffTopic));
        assert!(off.covered.is_empty() && off.score <= 1.0, "{}", off.score);
        let terse = g.grade(&e, "Kubernetes.").unwrap();
        assert!(!terse.flags.contains(&Flag::OffTopic));
        assert!(terse.flags.contains(&Flag::FarTooShort));
        assert_eq!(g.grade(&e, "No answer").unwrap().flags, [Flag::Empty]);
        // Words without content words, or another script, are answers, not empty ones.
        assert!(!g.grade(&e, "No.").unwrap().flags.contains(&Flag::Empty));
        let cyrillic = g.grade(&e, "Сервер хранит результат по ключу.").unwrap();
        assert!(!cyrillic.flags.contains(&Flag::Empty));
        assert!(cyrillic.flags.contains(&Flag::DifferentLanguage));
        let polish = g
            .grade(
                &e,
                "Serwer zapisuje wynik i zwraca go, gdy klient ponowi to samo żądanie.",
            )
            .unwrap();
        assert!(polish.flags.contains(&Flag::DifferentLanguage));
        assert_eq!(polish.language, "pl");
        assert!(polish.explanation.starts_with("Wynik"));
    }

    /// Records what it is asked to embed; every vector is the same unit vector.
    #[derive(Default)]
    struct Recorder {
        alone: Mutex<Vec<String>>,
        pieced: Mutex<Vec<Vec<String>>>,
    }

    impl Encode for Recorder {
        fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>> {
            let mut alone = self.alone.lock().unwrap();
            alone.extend(texts.iter().map(|t| t.to_string()));
            texts.iter().map(|_| vec![1.0, 0.0]).collect()
        }

        fn encode_pieces(&self, texts: &[&[&str]]) -> Vec<(Vec<f32>, Vec<Option<Vec<f32>>>)> {
            let mut pieced = self.pieced.lock().unwrap();
            pieced.extend(
                texts
                    .iter()
                    .map(|t| t.iter().map(|s| s.to_string()).collect()),
            );
            texts
                .iter()
                .map(|t| (vec![1.0, 0.0], vec![Some(vec![1.0, 0.0]); t.len()]))
                .collect()
        }
    }

    #[test]
    fn an_answer_is_read_in_one_pass_only_when_its_sentences_hold_all_of_it() {
        let recorder = Arc::new(Recorder::default());
        let g = Grader::new(Some(recorder.clone()));
        let whole = "The client sends a key.\nThe server stores the result.";
        let mixed = "The server stores the result. Сервер хранит результат.";
        g.grade_many(&[(&exercise(), whole), (&exercise(), mixed)]);
        assert_eq!(
            *recorder.pieced.lock().unwrap(),
            [["The client sends a key.", "The server stores the result."]]
        );
        // The sentence splitter drops the Cyrillic sentence: the answer is embedded as written,
        // its sentence apart.
        let alone = recorder.alone.lock().unwrap();
        assert!(alone.iter().any(|t| t == mixed));
        assert!(alone.iter().any(|t| t == "The server stores the result."));
        assert!(!alone.iter().any(|t| t == whole));
    }

    #[test]
    fn the_same_answer_grades_the_same_alone_and_in_a_batch() {
        let g = Grader::new(None);
        let e = exercise();
        let a = "The server keeps the result for the key.";
        let alone = g.grade(&e, a).unwrap();
        let batch = g.grade_many(&[(&e, "something else"), (&e, a)]);
        assert_eq!(batch[1].as_ref().unwrap(), &alone);
        assert_eq!(g.grade(&e, a).unwrap(), alone);
    }
}
