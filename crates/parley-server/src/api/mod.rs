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

/// A file to download: its content type, the name a browser saves it under, and its body.
pub fn attachment(
    content_type: &'static str,
    filename: &str,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
