//! The JSON API under `/api/v1`: handlers grouped by resource, their request parsing, and the
//! OpenAPI document describing them.

pub mod account;
pub mod assessments;
pub mod bank;
pub mod charts;
pub mod extract;
pub mod grade;
pub mod hiring;
pub mod interviews;
pub mod kits;
pub mod members;
pub mod notes;
pub mod openapi;
pub mod practice;
pub mod privacy;
pub mod questions;
pub mod search;
