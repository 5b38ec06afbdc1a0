//! The one error type of the HTTP layer and the one place that turns each case into a status
//! and the body `{"error":{"code":…, "message":…}}`.

use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_domain::AccountError;
use parley_domain::kit::KitError;
use parley_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first: send a session cookie or an Authorization: Bearer token")]
    Unauthenticated,
    #[error("wrong e-mail address or password")]
    BadCredentials,
    #[error("your role may not {0}")]
    Forbidden(&'static str),
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "the question changed since you read it (ETag {current}); read it again and reapply your edit"
    )]
    PreconditionFailed { current: String },
    #[error("send If-Match with the ETag you read, so that nobody's edit is overwritten unseen")]
    PreconditionRequired,
    #[error("too many requests; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("send the body as {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    #[error("the database is unavailable")]
    Unavailable,
    /// The mail server could not be reached or refused the message.
    #[error("{0}")]
    MailFailed(String),
    #[error("the request took too long and was stopped")]
    TimedOut,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The error body every failure of the API shares.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `not_found`, `conflict`, `rate_limited`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::IdempotencyMismatch => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable | ApiError::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::MailFailed(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::CrossSite => "cross_site",
            ApiError::NotFound => "not_found",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Invalid(_) => "invalid",
            ApiError::Conflict(_) => "conflict",
            ApiError::PreconditionFailed { .. } => "precondition_failed",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::IdempotencyMismatch => "idempotency_mismatch",
            ApiError::Unavailable => "unavailable",
            ApiError::MailFailed(_) => "mail_failed",
            ApiError::TimedOut => "timed_out",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            // The person sees an opaque message; the log gets the whole cause chain.
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        let mut resp = (self.status(), Json(self.body())).into_response();
        if let ApiError::TooManyRequests { retry_after } = self {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        if let ApiError::Unauthenticated = self {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"parley\""),
            );
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound | StoreError::Missing(_) => ApiError::NotFound,
            StoreError::Invalid(d) => ApiError::Invalid(d.to_string()),
            StoreError::BadSlug(_) => ApiError::Invalid(e.to_string()),
            StoreError::Refused(m) => ApiError::Conflict(m),
            StoreError::DuplicateText(id) => {
                ApiError::Conflict(format!("another question already has this text: {id}"))
            }
            StoreError::Conflict { current, .. } => ApiError::PreconditionFailed {
                current: etag(current),
            },
            StoreError::Hiring(h) => ApiError::Invalid(h.to_string()),
            StoreError::Entry(en) => ApiError::Invalid(en.to_string()),
            StoreError::Assessment(a) => ApiError::Invalid(a.to_string()),
            StoreError::Kit(k) => kit_error(k),
            StoreError::Transition(t) => ApiError::Conflict(t.to_string()),
            StoreError::Stale { .. } => ApiError::Conflict(e.to_string()),
            StoreError::Practice(p) => practice_error(p),
            StoreError::Open(_) => ApiError::Unavailable,
            StoreError::Database(sqlx_err) if is_unavailable(&sqlx_err) => ApiError::Unavailable,
            other => ApiError::Internal(other.into()),
        }
    }
}

/// A choice that can never work is invalid; a bank that cannot serve it (no question for a
/// mock) is a conflict with the bank as it is.
pub fn practice_error(p: parley_practice::PracticeError) -> ApiError {
    use parley_practice::PracticeError as P;
    match p {
        P::BadRetention(_) | P::BadRating(_) | P::BadLength(_) => ApiError::Invalid(p.to_string()),
        P::NothingToAsk(_) => ApiError::Conflict(p.to_string()),
        P::Fsrs(m) => ApiError::Internal(anyhow::anyhow!("scheduler: {m}")),
    }
}

impl From<parley_practice::PracticeError> for ApiError {
    fn from(p: parley_practice::PracticeError) -> Self {
        practice_error(p)
    }
}

impl From<parley_practice::SettingsError> for ApiError {
    fn from(e: parley_practice::SettingsError) -> Self {
        match e {
            parley_practice::SettingsError::Practice(p) => practice_error(p),
            other => ApiError::Invalid(other.to_string()),
        }
    }
}

impl From<parley_bank::BankError> for ApiError {
    fn from(e: parley_bank::BankError) -> Self {
        match e {
            parley_bank::BankError::Store(s) => s.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// A kit edit the rules refuse is a conflict with the kit as it is; a request that could
/// never work (a length we do not offer, an item that does not exist) is invalid.
pub fn kit_error(k: KitError) -> ApiError {
    match k {
        KitError::Pinned(_) | KitError::LastOfRequired(_) | KitError::AlreadyInKit => {
            ApiError::Conflict(k.to_string())
        }
        KitError::BadLength(_)
        | KitError::TooShort { .. }
        | KitError::NoItem(_)
        | KitError::NoBlock(_)
        | KitError::NotACompetency => ApiError::Invalid(k.to_string()),
    }
}

impl From<KitError> for ApiError {
    fn from(k: KitError) -> Self {
        kit_error(k)
    }
}

impl From<parley_domain::hiring::HiringError> for ApiError {
    fn from(h: parley_domain::hiring::HiringError) -> Self {
        ApiError::Invalid(h.to_string())
    }
}

fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        ApiError::Invalid(e.to_string())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(e.into())
    }
}

/// The entity tag of a question revision.
pub fn etag(revision: u32) -> String {
    format!("\"{revision}\"")
}

/// `Json<T>` whose rejections speak the API's error body: 415 without a JSON content type,
/// 413 over the body limit, 400 for broken JSON, 422 for JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T> FromRequest<AppState> for ApiJson<T>
where
    Json<T>: FromRequest<AppState, Rejection = JsonRejection>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.settings.max_body_bytes;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            }),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(format!(
                "broken JSON: {}",
                e.body_text()
            ))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::Invalid(e.body_text())),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::TooLarge { limit })
            }
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}
