//! Grading a written answer against a question's reference answer: key points covered (with
//! the sentence covering each) and missed, flags, a calibrated 0–5 score, a confidence and an
//! explanation in the answer's language.
//!
//! The scoring model was chosen and fitted by the prototype in `research/grader/`; its weights
//! are the versioned artifact in `calibration/`. Embeddings come through [`Encode`], so the
//! same grader works on words alone when the model is not installed.

pub mod calibration;
mod explain;
pub mod features;
pub mod fit;
mod flags;
mod grade;
mod key_points;
pub mod lang;
pub mod text;

pub use grade::{
    Covered, Encode, Exercise, Flag, Grade, GradeError, Grader, MAX_ANSWER_CHARS, Method, finalise,
};
pub use key_points::{MAX_EXTRACTED, fill_imported_key_points, fill_key_points};
