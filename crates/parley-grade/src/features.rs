//! The evidence a grade is computed from: per key point, how close the answer's best sentence
//! comes to it in meaning and how many of its own words the answer uses; over the answer, how
//! much of it is new (not copied from the question) and found in the reference. Definitions
//! follow `research/grader/proto.py`, which the calibration was fitted with.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::text::{content_stems, split_sentences};

/// Answer sentences beyond this many are not looked at one by one (the whole answer still is).
pub const MAX_UNITS: usize = 48;

/// The features of one answer. Semantic ones are 0 when grading without the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Features {
    /// cos(answer, reference), the best over alternative references.
    pub sem_ref: f64,
    /// cos(answer, question): high for an answer that only restates the question.
    pub sem_q: f64,
    /// Mean over key points of the best answer unit's cosine to it.
    pub sem_kp: f64,
    /// Mean over key points of the share of their own words (not in the question) the answer uses.
    pub lex_kp: f64,
    /// Share of the answer's new words (not in the question) that the reference uses.
    pub lex_prec: f64,
    /// Share of the answer's content words not in the question.
    pub novelty: f64,
    /// ln((1 + answer content words) / (1 + reference content words)).
    pub len_ratio: f64,
}

impl Features {
    /// The names the calibration artifact may weigh.
    pub const NAMES: &[&str] = &[
        "sem_ref",
        "sem_q",
        "sem_kp",
        "lex_kp",
        "lex_prec",
        "novelty",
        "len_ratio",
    ];

    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "sem_ref" => self.sem_ref,
            "sem_q" => self.sem_q,
            "sem_kp" => self.sem_kp,
            "lex_kp" => self.lex_kp,
            "lex_prec" => self.lex_prec,
            "novelty" => self.novelty,
            "len_ratio" => self.len_ratio,
            _ => return None,
        })
    }
}

/// One reference answer with the key points it is judged by.
#[derive(Debug, Clone)]
pub struct Reference {
    pub text: String,
    pub key_points: Vec<String>,
}

/// The texts of one grading: everything that needs a vector is listed by `texts`.
#[derive(Debug, Clone)]
pub struct Parts {
    pub question: String,
    pub answer: String,
    /// The answer's sentences (when there are several) followed by the whole answer.
    pub units: Vec<String>,
    pub references: Vec<Reference>,
}

impl Parts {
    pub fn new(question: &str, answer: &str, references: Vec<Reference>) -> Parts {
        let mut units: Vec<String> = split_sentences(answer)
            .into_iter()
            .filter(|s| s != answer)
            .take(MAX_UNITS)
            .collect();
        units.push(answer.to_string());
        Parts {
            question: question.to_string(),
            answer: answer.to_string(),
            units,
            references,
        }
    }

    /// Texts that depend on the question only (worth caching across answers).
    pub fn exercise_texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.question.as_str()).chain(self.references.iter().flat_map(|r| {
            std::iter::once(r.text.as_str()).chain(r.key_points.iter().map(String::as_str))
        }))
    }
}

/// The vectors of one grading batch.
///
/// Answers are kept apart from the exercise's texts, and an answer's sentences apart from other
/// answers', so that no answer's vectors depend on what else is in the batch.
#[derive(Debug, Clone, Default)]
pub struct Embedded {
    /// Texts embedded on their own: questions, references, key points, red flags, and the
    /// sentences of answers not read in one pass.
    pub texts: HashMap<String, Vec<f32>>,
    /// By answer text: the answer's own vector.
    pub answers: HashMap<String, Vec<f32>>,
    /// By answer text: each sentence of an answer read in one pass with the whole answer
    /// (`None` past the model's window).
    pub sentences: HashMap<String, Vec<Option<Vec<f32>>>>,
}

impl Embedded {
    /// An exercise text's vector (or a sentence's, embedded alone).
    pub fn get(&self, text: &str) -> Option<&[f32]> {
        self.texts.get(text).map(Vec::as_slice)
    }

    pub fn answer(&self, answer: &str) -> Option<&[f32]> {
        self.answers.get(answer).map(Vec::as_slice)
    }

    /// The vector of each of `parts.units`: the sentences (from the answer's own pass when it
    /// had one), then the whole answer.
    pub fn units(&self, parts: &Parts) -> Vec<Option<&[f32]>> {
        let n = parts.units.len();
        let sentences: Vec<Option<&[f32]>> = match self.sentences.get(&parts.answer) {
            Some(own) if own.len() + 1 == n => own.iter().map(|v| v.as_deref()).collect(),
            Some(_) => vec![None; n - 1],
            None => parts.units[..n - 1].iter().map(|u| self.get(u)).collect(),
        };
        sentences
            .into_iter()
            .chain(std::iter::once(self.answer(&parts.answer)))
            .collect()
    }

    /// Whether the answer can be read as its sentences in one pass: they hold all of it (no
    /// fragment dropped, none past the sentence limit), so the pass is the answer's own.
    pub fn one_pass(parts: &Parts) -> bool {
        let n = parts.units.len();
        n > 1
            && parts.units[..n - 1].join(" ")
                == parts
                    .answer
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
    }
}

/// The batch's vectors; `None` grades on words alone.
pub type Vectors<'a> = Option<&'a Embedded>;

/// What was found about one key point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointEvidence {
    pub key_point: String,
    /// The best answer unit's cosine to the key point (semantic grading only).
    pub best_cosine: Option<f64>,
    /// Index into `Parts::units` of the unit closest to the key point.
    pub best_unit: usize,
    /// Share of the key point's own words the answer uses.
    pub lexical_recall: f64,
    /// cos(question, key point): how much of the key point the question already says.
    pub question_cosine: Option<f64>,
}

/// Features of an answer, with the per-key-point evidence of the reference that suits it best.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub features: Features,
    pub reference: usize,
    pub points: Vec<PointEvidence>,
    /// Content words the answer shares with the question or any reference.
    pub shared_words: usize,
    /// Content words of the answer, and of the longest reference.
    pub answer_words: usize,
    pub reference_words: usize,
}

fn stems(text: &str) -> HashSet<String> {
    content_stems(text).into_iter().collect()
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

struct PerReference {
    sem_ref: f64,
    sem_kp: f64,
    lex_kp: f64,
    lex_prec: f64,
    points: Vec<PointEvidence>,
}

/// Computes the features. With several references, each reference-dependent feature is the best
/// over them (alternatives are OR-ed) and the per-key-point evidence is that of the reference
/// scoring highest under `rank`.
pub fn analyse(parts: &Parts, vectors: Vectors, rank: impl Fn(&Features) -> f64) -> Analysis {
    let vec = |t: &str| vectors.and_then(|v| v.get(t));
    let cq = stems(&parts.question);
    let ca = stems(&parts.answer);
    let new_words: HashSet<&String> = ca.difference(&cq).collect();
    let e_answer = vectors.and_then(|v| v.answer(&parts.answer));
    let e_question = vec(&parts.question);
    let unit_vecs: Vec<Option<&[f32]>> = match vectors {
        Some(v) => v.units(parts),
        None => vec![None; parts.units.len()],
    };

    let mut vocabulary = cq.clone();
    let mut reference_words = 0;
    let per: Vec<PerReference> = parts
        .references
        .iter()
        .map(|r| {
            let cr = stems(&r.text);
            reference_words = reference_words.max(cr.len());
            vocabulary.extend(cr.iter().cloned());
            let given: HashSet<&String> = cr.difference(&cq).collect();
            let given = if given.is_empty() {
                cr.iter().collect()
            } else {
                given
            };
            let lex_rec = share(
                given.iter().filter(|w| ca.contains(**w)).count(),
                given.len(),
            );
            // Each point's evidence, and its own-word recall when it has words of its own.
            let (points, own_recalls): (Vec<PointEvidence>, Vec<Option<f64>>) = r
                .key_points
                .iter()
                .map(|k| {
                    let own: HashSet<String> = stems(k).difference(&cq).cloned().collect();
                    let lexical_recall = if own.is_empty() {
                        lex_rec
                    } else {
                        share(own.iter().filter(|w| ca.contains(*w)).count(), own.len())
                    };
                    let mut best: Option<(usize, f64)> = None;
                    if let Some(ek) = vec(k) {
                        for (i, eu) in unit_vecs.iter().enumerate() {
                            if let Some(eu) = eu {
                                let c = dot(eu, ek);
                                if best.is_none_or(|(_, b)| c > b) {
                                    best = Some((i, c));
                                }
                            }
                        }
                    }
                    let evidence = PointEvidence {
                        key_point: k.clone(),
                        question_cosine: e_question.zip(vec(k)).map(|(q, k)| dot(q, k)),
                        best_cosine: best.map(|(_, c)| c),
                        best_unit: best.map_or(parts.units.len() - 1, |(i, _)| i),
                        lexical_recall,
                    };
                    (evidence, (!own.is_empty()).then_some(lexical_recall))
                })
                .unzip();
            let with_own_words: Vec<f64> = own_recalls.into_iter().flatten().collect();
            let lex_kp = if with_own_words.is_empty() {
                lex_rec
            } else {
                with_own_words.iter().sum::<f64>() / with_own_words.len() as f64
            };
            let cosines: Vec<f64> = points.iter().filter_map(|p| p.best_cosine).collect();
            PerReference {
                sem_ref: match (e_answer, vec(&r.text)) {
                    (Some(a), Some(b)) => dot(a, b),
                    _ => 0.0,
                },
                sem_kp: if cosines.is_empty() {
                    0.0
                } else {
                    cosines.iter().sum::<f64>() / cosines.len() as f64
                },
                lex_kp,
                lex_prec: share(
                    new_words.iter().filter(|w| cr.contains(**w)).count(),
                    new_words.len(),
                ),
                points,
            }
        })
        .collect();

    let best_of = |f: fn(&PerReference) -> f64| per.iter().map(f).fold(0.0_f64, f64::max);
    let features = Features {
        sem_ref: best_of(|p| p.sem_ref),
        sem_q: match (e_answer, e_question) {
            (Some(a), Some(q)) => dot(a, q),
            _ => 0.0,
        },
        sem_kp: best_of(|p| p.sem_kp),
        lex_kp: best_of(|p| p.lex_kp),
        lex_prec: best_of(|p| p.lex_prec),
        novelty: share(new_words.len(), ca.len()),
        len_ratio: ((1 + ca.len()) as f64 / (1 + reference_words) as f64).ln(),
    };
    let reference = (0..per.len())
        .map(|i| {
            let p = &per[i];
            let own = Features {
                sem_ref: p.sem_ref,
                sem_kp: p.sem_kp,
                lex_kp: p.lex_kp,
                lex_prec: p.lex_prec,
                ..features
            };
            (i, rank(&own))
        })
        .fold(
            (0, f64::NEG_INFINITY),
            |best, x| {
                if x.1 > best.1 { x } else { best }
            },
        )
        .0;
    let shared_words = ca.intersection(&vocabulary).count();
    let points = per
        .into_iter()
        .nth(reference)
        .map(|p| p.points)
        .unwrap_or_default();
    Analysis {
        features,
        reference,
        points,
        shared_words,
        answer_words: ca.len(),
        reference_words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(q: &str, a: &str, r: &str, kps: &[&str]) -> Parts {
        Parts::new(
            q,
            a,
            vec![Reference {
                text: r.into(),
                key_points: kps.iter().map(|s| s.to_string()).collect(),
            }],
        )
    }

    #[test]
    fn lexical_features_discount_words_copied_from_the_question() {
        let p = parts(
            "What is an idempotency key?",
            "An idempotency key is a key. The server stores it with the result.",
            "A unique token the client sends; the server stores the result under it.",
            &[
                "A unique token the client sends",
                "the server stores the result under it",
            ],
        );
        assert_eq!(p.units.len(), 3);
        let a = analyse(&p, None, |f| f.lex_kp);
        // None of the first point's words; "idempotency" and "key" were the question's anyway.
        assert_eq!(a.points[0].lexical_recall, 0.0);
        // server, store, result (of server, store, result): all there.
        assert_eq!(a.points[1].lexical_recall, 1.0);
        assert_eq!(a.features.lex_kp, 0.5);
        // new words of the answer: server, store, result; all in the reference.
        assert_eq!(a.features.lex_prec, 1.0);
        assert_eq!(a.features.novelty, 0.6);
        assert_eq!(a.features.sem_kp, 0.0);
    }

    #[test]
    fn the_best_reference_gives_the_evidence() {
        let p = Parts::new(
            "Name a queue broker.",
            "RabbitMQ.",
            vec![
                Reference {
                    text: "Kafka".into(),
                    key_points: vec!["Kafka".into()],
                },
                Reference {
                    text: "RabbitMQ".into(),
                    key_points: vec!["RabbitMQ".into()],
                },
            ],
        );
        let a = analyse(&p, None, |f| f.lex_kp);
        assert_eq!(a.reference, 1);
        assert_eq!(a.features.lex_kp, 1.0);
    }
}
