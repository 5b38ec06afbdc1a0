//! Request parsing that answers in the API's error body: query strings, JSON from bytes, ids.

use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use parley_domain::QuestionId;
use serde::de::DeserializeOwned;

/// `Query<T>` whose rejection is a 400 in the API's error body.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// The raw body, with a body over the limit answered by 413 in the API's error body.
pub struct ApiBytes(pub Bytes);

impl FromRequest<AppState> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(ApiBytes)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge {
                        limit: state.settings.max_body_bytes,
                    }
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })
    }
}

/// A question id from a path: one that does not parse is as unknown as one that is missing.
pub fn parse_id(s: &str) -> Result<QuestionId, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}

/// JSON from a body already read (handlers that also fingerprint the body), with the same
/// answers as `ApiJson`.
pub fn json_from_bytes<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ApiJson<T>, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false);
    if !is_json {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let v = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::BadRequest(format!("broken JSON: {inner}"))
        } else {
            ApiError::Invalid(format!("{}: {inner}", e.path()))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("broken JSON: {e}")))?;
    Ok(ApiJson(v))
}

/// Any id from a path: one that does not parse is as unknown as one that is missing.
pub fn path_id<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}
