//! Grading a written answer against a question's reference answer.
//!
//! This crate is being built from the prototype in `research/grader/` (issue 4); so far it
//! holds the text processing the prototype's calibration was fitted with.

pub mod text;
