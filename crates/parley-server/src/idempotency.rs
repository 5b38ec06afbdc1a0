//! `Idempotency-Key` on POST: the first reply to a key is kept (per member) and replayed for a
//! repeat of the same request; the same key with a different request is refused.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::secrets::fingerprint;
use crate::state::AppState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_store::StoredReply;
use serde::{Deserialize, Serialize};

/// Longest key accepted; keys are client-chosen (usually UUIDs).
const MAX_KEY_LEN: usize = 200;

/// The `Idempotency-Key` header as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKey {
    /// Repeat-safe key: a repeat of the same request with the same key gets the first reply.
    /// An empty key is no key.
    #[param(rename = "Idempotency-Key", max_length = 200)]
    idempotency_key: Option<String>,
}

/// A handler's reply in a form that can be stored and replayed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Reply {
    pub fn json(status: StatusCode, body: impl Serialize) -> Result<Reply, ApiError> {
        Ok(Reply {
            status: status.as_u16(),
            headers: Vec::new(),
            body: serde_json::to_value(body).map_err(|e| ApiError::Internal(e.into()))?,
        })
    }

    pub fn header(mut self, name: HeaderName, value: String) -> Reply {
        self.headers.push((name.as_str().to_string(), value));
        self
    }

    fn from_error(e: &ApiError) -> Reply {
        Reply {
            status: e.status().as_u16(),
            headers: Vec::new(),
            body: serde_json::to_value(e.body()).unwrap_or_default(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.body)).into_response();
        for (k, v) in self.headers {
            if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
                resp.headers_mut().insert(k, v);
            }
        }
        resp
    }
}

/// Runs `op` once per (member, key): with no key it simply runs. `request` identifies the
/// request (method, path and body), so a key reused for another request is refused (422).
/// Server errors are not kept, so a retry after one runs the operation again. The body fields
/// named in `secrets` are answered once and stored as null: a copy of the database holds no
/// secret, and a replay says the secret was already shown.
pub async fn once<F>(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    request: &[u8],
    secrets: &[&str],
    op: F,
) -> Result<Response, ApiError>
where
    F: Future<Output = Result<Reply, ApiError>>,
{
    let Some(key) = headers.get("idempotency-key") else {
        return Ok(op.await?.into_response());
    };
    // Any bytes make a key; an empty one is no key at all.
    let key = String::from_utf8_lossy(key.as_bytes()).into_owned();
    if key.is_empty() {
        return Ok(op.await?.into_response());
    }
    if key.len() > MAX_KEY_LEN {
        return Err(ApiError::BadRequest(format!(
            "Idempotency-Key may have at most {MAX_KEY_LEN} bytes"
        )));
    }
    let key = key.as_str();
    let hash = fingerprint(request);
    if let Some(stored) = state.store.stored_reply(auth.user.id, key).await? {
        return replay(stored, &hash);
    }
    let reply = match op.await {
        Ok(r) => r,
        Err(e) if e.status().is_server_error() || e.status() == StatusCode::TOO_MANY_REQUESTS => {
            return Err(e);
        }
        Err(e) => Reply::from_error(&e),
    };
    let mut kept_form = Reply {
        status: reply.status,
        headers: reply.headers.clone(),
        body: reply.body.clone(),
    };
    if let Some(fields) = kept_form.body.as_object_mut() {
        for f in secrets {
            if let Some(v) = fields.get_mut(*f) {
                *v = serde_json::Value::Null;
            }
        }
    }
    let stored = StoredReply {
        request_hash: hash.clone(),
        status: reply.status,
        body: serde_json::to_string(&kept_form).map_err(|e| ApiError::Internal(e.into()))?,
    };
    // A racing twin may have stored its reply first; then this caller gets that one.
    let kept = state.store.store_reply(auth.user.id, key, &stored).await?;
    if kept == stored {
        return Ok(reply.into_response());
    }
    replay(kept, &hash)
}

fn replay(stored: StoredReply, hash: &str) -> Result<Response, ApiError> {
    if stored.request_hash != hash {
        return Err(ApiError::IdempotencyMismatch);
    }
    let reply: Reply =
        serde_json::from_str(&stored.body).map_err(|e| ApiError::Internal(e.into()))?;
    let mut resp = reply.into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
