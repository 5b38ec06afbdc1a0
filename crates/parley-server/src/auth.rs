//! Who is asking: the `Auth` extractor (an API token or a session cookie), cross-site request
//! refusal, logging in and out, and the login rate limit.

use crate::error::ApiError;
use crate::secrets::{decoy_hash, hash_secret, random_code, verify_password};
use crate::state::AppState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use parley_domain::{Action, Email, OrgId, Role};
use parley_store::User;
use std::time::{SystemTime, UNIX_EPOCH};

/// The session cookie's name. With TLS it takes the `__Host-` prefix, which browsers only
/// accept from a secure origin, for the whole host, and never from a sibling subdomain.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-parley_session"
    } else {
        "parley_session"
    }
}

/// The header a script sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in member and how they proved it.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub via: Via,
}

#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session; `csrf` is the token its forms and scripts must echo.
    Session { id_hash: String, csrf: String },
    /// A personal API token: no ambient credential, so no cross-site risk.
    Token,
}

impl Auth {
    pub fn org(&self) -> OrgId {
        self.user.org
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// `Ok` if the member's role allows `action`; `what` completes "your role may not …".
    pub fn require(&self, action: Action, what: &'static str) -> Result<(), ApiError> {
        if self.user.role.may(action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(what))
        }
    }

    /// The session's CSRF token, when signed in by cookie.
    pub fn csrf(&self) -> Option<&str> {
        match &self.via {
            Via::Session { csrf, .. } => Some(csrf),
            Via::Token => None,
        }
    }

    /// Refuses a state-changing form post whose CSRF token is not the session's.
    pub fn check_form_csrf(&self, sent: &str) -> Result<(), ApiError> {
        match &self.via {
            Via::Session { csrf, .. } if !constant_time_eq(csrf.as_bytes(), sent.as_bytes()) => {
                Err(ApiError::CrossSite)
            }
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.extensions.get::<Auth>() {
            return Ok(auth.clone());
        }
        let auth = authenticate(parts, state)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        state
            .limiter
            .check(&auth.user.id.to_string())
            .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
        parts.extensions.insert(auth.clone());
        Ok(auth)
    }
}

/// The member behind the request's credentials, if any. A malformed or unknown credential is
/// refused rather than ignored, so a client learns its token is wrong.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Auth>, ApiError> {
    if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
        let token = h
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or(ApiError::Unauthenticated)?;
        let user = state
            .store
            .user_by_token(&hash_secret(token))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        return Ok(Some(Auth {
            user,
            via: Via::Token,
        }));
    }
    let Some(id) = session_cookie(&parts.headers, state.settings.secure_cookies()) else {
        return Ok(None);
    };
    let id_hash = hash_secret(&id);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Ok(None);
    };
    if !is_safe(&parts.method) {
        refuse_cross_site(&parts.headers, &state.settings.base_url())?;
        // Scripts calling the API with a session cookie echo the CSRF token in a header; web
        // forms carry it in a field their handler checks (`Auth::check_form_csrf`).
        // Inside the nested API router the path has lost its /api/v1 prefix; the original
        // URI keeps it.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(parts.uri.path(), |u| u.0.path());
        if path.starts_with("/api/") {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default();
            if !constant_time_eq(sent, session.csrf_token.as_bytes()) {
                return Err(ApiError::CrossSite);
            }
        }
    }
    Ok(Some(Auth {
        user: session.user,
        via: Via::Session {
            id_hash,
            csrf: session.csrf_token,
        },
    }))
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request a browser marks as coming from another site (Fetch metadata), or whose
/// `Origin` is not ours. Requests without either header come from non-browser clients, which
/// carry no ambient cookie of ours by accident.
pub fn refuse_cross_site(headers: &HeaderMap, base_url: &str) -> Result<(), ApiError> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            _ => Err(ApiError::CrossSite),
        };
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let ours = origin == base_url
            || origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host);
        if !ours {
            return Err(ApiError::CrossSite);
        }
    }
    Ok(())
}

/// The session id from the request's cookies.
pub fn session_cookie(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Set-Cookie` for a new session (or, with `None`, one that clears it).
pub fn session_set_cookie(id: Option<&str>, max_age_secs: u64, secure: bool) -> HeaderValue {
    let name = cookie_name(secure);
    let secure_attr = if secure { "; Secure" } else { "" };
    let v = match id {
        Some(id) => format!(
            "{name}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure_attr}"
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure_attr}"),
    };
    HeaderValue::from_str(&v).expect("cookie values are hex and ASCII attributes")
}

/// A successful login: the member, the session id for the cookie and its CSRF token.
pub struct LoggedIn {
    pub user: User,
    pub session_id: String,
    pub csrf: String,
}

/// Checks an address and password and opens a session. Failed attempts are counted per
/// address in the database, so the limit holds across nodes; an unknown address costs as
/// much time as a wrong password and fails the same way.
pub async fn login(state: &AppState, email: &str, password: &str) -> Result<LoggedIn, ApiError> {
    let key = email.trim().to_lowercase();
    // Counted before the check, so attempts sent at once cannot all pass the limit.
    begin_attempt(state, &key).await?;
    let candidates = match Email::parse(email) {
        Ok(e) => state.store.users_by_email(&e).await?,
        Err(_) => Vec::new(),
    };
    let password = password.to_string();
    let _slot = state
        .hash_slots
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let matched = tokio::task::spawn_blocking(move || {
        if candidates.is_empty() {
            verify_password(&password, decoy_hash());
            return None;
        }
        candidates
            .into_iter()
            .find(|(_, h)| verify_password(&password, h))
            .map(|(u, _)| u)
    })
    .await?;
    // The attempt was counted before the check; a success forgets the failures.
    let Some(user) = matched else {
        return Err(ApiError::BadCredentials);
    };
    state.store.clear_login_failures(&key).await?;
    open_session(state, user).await
}

/// Counts an attempt to prove the password of `key` (an address, lower-cased) against the
/// limit, before the password is checked: 429 with `Retry-After` when the limit is reached.
pub async fn begin_attempt(state: &AppState, key: &str) -> Result<(), ApiError> {
    let s = &state.settings;
    let now = now_ms();
    let window = i64::from(s.login_window_seconds) * 1000;
    let max = s.login_failures.max(1);
    match state
        .store
        .begin_password_attempt(key, now - window, max)
        .await?
    {
        Ok(()) => Ok(()),
        Err(recent) => {
            let oldest = recent[recent.len() - max as usize];
            let retry_after = u64::try_from((oldest + window - now).max(1000) / 1000).unwrap_or(1);
            Err(ApiError::TooManyRequests { retry_after })
        }
    }
}

/// The argon2id hash of `password`, computed off the async workers and at most
/// `HASH_SLOTS` at once per process.
pub async fn hash_bounded(
    state: &AppState,
    password: parley_domain::NewPassword,
) -> Result<String, ApiError> {
    let _slot = state
        .hash_slots
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(
        tokio::task::spawn_blocking(move || crate::secrets::hash_password(password.expose()))
            .await?,
    )
}

/// A new session for `user` (after a login, a setup or accepting an invitation).
pub async fn open_session(state: &AppState, user: User) -> Result<LoggedIn, ApiError> {
    let now = now_ms();
    let s = &state.settings;
    let (session_id, csrf) = (random_code(), random_code());
    let expires = now + i64::from(s.session_hours) * 3_600_000;
    state
        .store
        .create_session(&hash_secret(&session_id), user.id, &csrf, expires)
        .await?;
    Ok(LoggedIn {
        user,
        session_id,
        csrf,
    })
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cross_site_requests_are_refused_same_origin_ones_pass() {
        let base = "http://127.0.0.1:8080";
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "same-origin")]), base).is_ok());
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "cross-site")]), base).is_err());
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "same-site")]), base).is_err());
        assert!(
            refuse_cross_site(
                &headers(&[
                    ("origin", "https://evil.example"),
                    ("host", "127.0.0.1:8080")
                ]),
                base
            )
            .is_err()
        );
        assert!(
            refuse_cross_site(
                &headers(&[
                    ("origin", "http://127.0.0.1:8080"),
                    ("host", "127.0.0.1:8080")
                ]),
                base
            )
            .is_ok()
        );
        assert!(refuse_cross_site(&headers(&[]), base).is_ok());
    }

    #[test]
    fn session_cookie_is_found_among_others_and_must_look_like_one() {
        let id = "a".repeat(64);
        let h = headers(&[("cookie", &format!("theme=dark; parley_session={id}; x=1"))]);
        assert_eq!(session_cookie(&h, false), Some(id.clone()));
        assert_eq!(session_cookie(&h, true), None, "the secure name differs");
        let h = headers(&[("cookie", "parley_session=../../etc")]);
        assert_eq!(session_cookie(&h, false), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_behind_tls() {
        let c = session_set_cookie(Some("ab"), 60, true);
        let c = c.to_str().unwrap();
        assert!(
            c.starts_with("__Host-parley_session=ab;")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Lax")
                && c.contains("Secure")
        );
    }
}
