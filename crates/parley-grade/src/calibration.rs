//! The calibration artifact: the fitted weights that turn features into a 0–5 score, a
//! key-point verdict and a confidence, and the flag thresholds. It is versioned JSON in
//! `calibration/`, fitted by `research/grader/proto.py` on development data and compiled in, so
//! a grade never depends on a file found at run time.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::features::Features;

const BUILTIN: &str = include_str!("../calibration/asag-calib-0.2.json");

static CALIBRATION: LazyLock<Calibration> = LazyLock::new(|| {
    let c: Calibration = serde_json::from_str(BUILTIN).expect("the built-in calibration parses");
    c.check().expect("the built-in calibration is complete");
    c
});

/// A logistic model over named features: `sigmoid(intercept + Σ wᵢ·fᵢ)`.
#[derive(Debug, Clone, Deserialize)]
pub struct Logistic {
    pub intercept: f64,
    pub weights: BTreeMap<String, f64>,
}

impl Logistic {
    /// The linear part, before the sigmoid.
    pub fn z(&self, f: &Features) -> f64 {
        self.intercept
            + self
                .weights
                .iter()
                .map(|(name, w)| w * f.get(name).unwrap_or(0.0))
                .sum::<f64>()
    }

    /// A 0–5 score.
    pub fn score(&self, f: &Features) -> f64 {
        5.0 * sigmoid(self.z(f))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorModel {
    pub intercept: f64,
    pub w_abs_sem_minus_lex: f64,
    pub w_5_minus_score: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConfidenceModel {
    pub semantic_submodel: Logistic,
    pub lexical_submodel: Logistic,
    pub expected_abs_error: ErrorModel,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyPointModel {
    pub intercept: f64,
    pub w_sem: f64,
    pub w_lex: f64,
}

impl KeyPointModel {
    /// Whether a key point counts as covered, from the best answer unit's cosine to it and the
    /// share of its own words (those not in the question) the answer uses.
    pub fn covered(&self, best_cosine: f64, lexical_recall: f64) -> bool {
        self.intercept + self.w_sem * best_cosine + self.w_lex * lexical_recall > 0.0
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct FlagThresholds {
    pub offtopic_max_cos: f64,
    pub offtopic_max_overlap: usize,
    pub restate_max_novelty: f64,
    pub restate_min_q_margin: f64,
    pub short_max_words: usize,
    pub short_max_ratio: f64,
    pub contradict_min_cos: f64,
}

/// The whole artifact.
#[derive(Debug, Clone, Deserialize)]
pub struct Calibration {
    pub version: String,
    pub model: Logistic,
    pub confidence: ConfidenceModel,
    pub key_point_coverage: KeyPointModel,
    pub flags: FlagThresholds,
    pub negations: Vec<String>,
}

impl Calibration {
    /// The artifact compiled into this build.
    pub fn builtin() -> &'static Calibration {
        &CALIBRATION
    }

    /// Every weight must name a feature the grader computes: a typo would silently weigh zero.
    fn check(&self) -> Result<(), String> {
        let models = [
            &self.model,
            &self.confidence.semantic_submodel,
            &self.confidence.lexical_submodel,
        ];
        for m in models {
            for name in m.weights.keys() {
                if !Features::NAMES.contains(&name.as_str()) {
                    return Err(format!("unknown feature {name:?}"));
                }
            }
        }
        Ok(())
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_artifact_loads_and_scores_in_range() {
        let c = Calibration::builtin();
        assert_eq!(c.version, "asag-calib-0.2");
        let mut f = Features::default();
        assert!(c.model.score(&f) < 1.0);
        f.sem_kp = 0.95;
        f.lex_kp = 1.0;
        f.lex_prec = 1.0;
        f.sem_q = 0.85;
        assert!(c.model.score(&f) > 4.0);
    }
}
