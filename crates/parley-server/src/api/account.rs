//! Accounts over the API: signing in and out, the signed-in member, password change and
//! personal API tokens. Members and invitations are in `members.rs`.

use super::extract::ApiBytes;
use crate::auth::{self, Auth, Via, session_set_cookie};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::idempotency::{self, IdempotencyKey, Reply};
use crate::secrets::{hash_password, hash_secret, new_token, verify_password};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_domain::account::parse_name;
use parley_domain::{NewPassword, TokenId};
use parley_store::{ApiToken, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    /// owner, admin, interviewer or candidate
    pub role: String,
    pub created_at: i64,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id.to_string(),
            email: u.email.to_string(),
            name: u.name,
            role: u.role.to_string(),
            created_at: u.created_at,
        }
    }
}

/// A role's name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum RoleName {
    Owner,
    Admin,
    Interviewer,
    Candidate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgOut {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub org: OrgOut,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(max_length = 256)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub user: UserOut,
    /// Echo this in `X-CSRF-Token` on state-changing API calls made with the session cookie.
    pub csrf_token: String,
}

/// Sign in with e-mail and password: sets the session cookie. Five failures for one address
/// within fifteen minutes lock it for the rest of that window (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/session", tag = "account", request_body = LoginIn,
    responses((status = 200, body = SessionOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginIn>,
) -> Result<Response, ApiError> {
    // A login forced from another site would sign the victim into the attacker's account.
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    let done = auth::login(&state, &body.email, &body.password).await?;
    let max_age = u64::from(state.settings.session_hours) * 3600;
    let cookie = session_set_cookie(
        Some(&done.session_id),
        max_age,
        state.settings.secure_cookies(),
    );
    let mut resp = Json(SessionOut {
        user: done.user.into(),
        csrf_token: done.csrf,
    })
    .into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(resp)
}

/// Sign out: ends the session and clears its cookie (with a token, nothing to end).
#[utoipa::path(delete, path = "/api/v1/session", tag = "account",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    if let Via::Session { id_hash, .. } = &auth.via {
        state.store.delete_session(id_hash).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        session_set_cookie(None, 0, state.settings.secure_cookies()),
    );
    Ok(resp)
}

/// The signed-in member and their organisation.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> Result<Json<MeOut>, ApiError> {
    let org = state.store.org(auth.org()).await?;
    Ok(Json(MeOut {
        user: auth.user.into(),
        org: OrgOut {
            id: org.id.to_string(),
            slug: org.slug,
            name: org.name,
        },
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    #[schema(max_length = 256)]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 256)]
    pub new_password: String,
}

/// Change your password. Every other session of yours ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordIn,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PasswordIn>,
) -> Result<StatusCode, ApiError> {
    change_password_of(&state, &auth, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the current password and sets the new one (the web form uses this too).
pub async fn change_password_of(
    state: &AppState,
    auth: &Auth,
    current: &str,
    new: &str,
) -> Result<(), ApiError> {
    let new = NewPassword::parse(new)?;
    // A wrong current password counts like a failed login: a stolen session cannot guess its
    // way to the password.
    let key = auth.user.email.as_str().to_string();
    auth::begin_attempt(state, &key).await?;
    let stored = state.store.password_hash(auth.org(), auth.user.id).await?;
    let current = current.to_string();
    let _slot = state
        .hash_slots
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let hashed = tokio::task::spawn_blocking(move || {
        verify_password(&current, &stored).then(|| hash_password(new.expose()))
    })
    .await?
    .ok_or(ApiError::Invalid("the current password is wrong".into()))?;
    state.store.clear_login_failures(&key).await?;
    let keep = match &auth.via {
        Via::Session { id_hash, .. } => Some(id_hash.as_str()),
        Via::Token => None,
    };
    state
        .store
        .set_password(auth.org(), auth.user.id, &hashed, keep)
        .await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id.to_string(),
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenOut {
    /// The secret, shown this once: send it as `Authorization: Bearer …`. Null when an
    /// `Idempotency-Key` replay answers: the secret was already shown.
    pub token: Option<String>,
    #[serde(flatten)]
    pub info: TokenOut,
}

/// Your personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    Ok(Json(
        state
            .store
            .tokens_of(auth.user.id)
            .await?
            .into_iter()
            .map(TokenOut::from)
            .collect(),
    ))
}

/// Create a personal API token; its secret is in this reply only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenIn,
    params(IdempotencyKey),
    responses((status = 201, body = NewTokenOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let mut request = b"POST /api/v1/tokens\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = super::extract::json_from_bytes::<TokenIn>(&headers, &body)?;
        let name = parse_name(&input.name)?;
        let secret = new_token();
        let t = state
            .store
            .create_token(auth.user.id, &name, &hash_secret(&secret))
            .await?;
        Reply::json(
            StatusCode::CREATED,
            NewTokenOut {
                token: Some(secret),
                info: t.into(),
            },
        )
    };
    // The secret is shown once: a replay returns the token without it.
    idempotency::once(&state, &auth, &headers, &request, &["token"], op).await
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: TokenId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.store.revoke_token(auth.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
