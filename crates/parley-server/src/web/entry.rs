//! The ways in: the home redirect, first-run setup, login and logout, and joining by invitation.

use super::{CsrfForm, Member, WebError, WebForm, WebResult, page, see_other};
use crate::api::members::accept_invitation;
use crate::auth::{self, Via, authenticate, session_set_cookie};
use crate::error::ApiError;
use crate::secrets::hash_secret;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use parley_domain::account::parse_name;
use parley_domain::{Email, NewPassword, Role};
use parley_store::NewUser;
use serde::Deserialize;

pub async fn home(State(state): State<AppState>, parts: Parts) -> WebResult {
    Ok(match authenticate(&parts, &state).await {
        Ok(Some(a)) if a.role() == Role::Candidate => see_other("/practice"),
        Ok(Some(_)) => see_other("/questions"),
        _ => see_other("/login"),
    })
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    code: String,
    error: Option<String>,
    org_name: String,
    name: String,
    email: String,
}

#[derive(Deserialize)]
pub struct SetupForm {
    org_name: String,
    name: String,
    email: String,
    password: String,
    /// "on" when the starter bank should be loaded.
    #[serde(default)]
    starter: Option<String>,
}

fn setup_code_ok(state: &AppState, code: &str) -> bool {
    let held = state
        .setup_code_hash
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    held.as_deref() == Some(hash_secret(code).as_str())
}

pub async fn setup_form(State(state): State<AppState>, Path(code): Path<String>) -> WebResult {
    if !setup_code_ok(&state, &code) {
        return Err(ApiError::NotFound.into());
    }
    Ok(page(
        StatusCode::OK,
        &SetupPage {
            code,
            error: None,
            org_name: String::new(),
            name: String::new(),
            email: String::new(),
        },
    ))
}

pub async fn setup(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    WebForm(f): WebForm<SetupForm>,
) -> WebResult {
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    if !setup_code_ok(&state, &code) {
        return Err(ApiError::NotFound.into());
    }
    let again = |error: String| {
        page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                code: code.clone(),
                error: Some(error),
                org_name: f.org_name.clone(),
                name: f.name.clone(),
                email: f.email.clone(),
            },
        )
    };
    let checked = (|| {
        Ok::<_, parley_domain::AccountError>((
            parse_name(&f.org_name)?,
            parse_name(&f.name)?,
            Email::parse(&f.email)?,
            NewPassword::parse(&f.password)?,
        ))
    })();
    let (org_name, name, email, password) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(again(e.to_string())),
    };
    let password_hash = auth::hash_bounded(&state, password).await?;
    let owner = NewUser {
        email: email.clone(),
        name,
        role: Role::Owner,
        password_hash,
    };
    let (_, user) = state
        .store
        .set_up_instance(&state.setup_org, &org_name, &owner)
        .await?;
    *state
        .setup_code_hash
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
    tracing::info!(org = %org_name, "instance set up");
    if f.starter.is_some() {
        let loaded = parley_bank::starter::load(&state.store, user.org, "setup")
            .await
            .map_err(ApiError::from)?;
        tracing::info!(added = loaded.report.added, "starter bank loaded");
    }
    let done = auth::open_session(&state, user).await?;
    Ok(signed_in(&state, &done.session_id, "/questions"))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    email: String,
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

pub async fn login_form() -> Response {
    page(
        StatusCode::OK,
        &LoginPage {
            error: None,
            email: String::new(),
        },
    )
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebForm(f): WebForm<LoginForm>,
) -> WebResult {
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    match auth::login(&state, &f.email, &f.password).await {
        Ok(done) => {
            let to = if done.user.role == Role::Candidate {
                "/practice"
            } else {
                "/questions"
            };
            Ok(signed_in(&state, &done.session_id, to))
        }
        Err(e @ (ApiError::BadCredentials | ApiError::TooManyRequests { .. })) => {
            let mut r = page(
                e.status(),
                &LoginPage {
                    error: Some(e.to_string()),
                    email: f.email,
                },
            );
            if let ApiError::TooManyRequests { retry_after } = e {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, retry_after.into());
            }
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

fn signed_in(state: &AppState, session_id: &str, to: &str) -> Response {
    let max_age = u64::from(state.settings.session_hours) * 3600;
    let mut r = see_other(to);
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_set_cookie(Some(session_id), max_age, state.settings.secure_cookies()),
    );
    r
}

pub async fn logout(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<CsrfForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    if let Via::Session { id_hash, .. } = &auth.via {
        state.store.delete_session(id_hash).await?;
    }
    let mut r = see_other("/login");
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_set_cookie(None, 0, state.settings.secure_cookies()),
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    code: String,
    org_name: String,
    role: String,
    email: String,
    email_fixed: bool,
    name: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct JoinForm {
    email: String,
    name: String,
    password: String,
}

async fn join_page(state: &AppState, code: &str) -> Result<JoinPage, WebError> {
    let inv = state.store.open_invitation(&hash_secret(code)).await?;
    let org = state.store.org(inv.org).await?;
    Ok(JoinPage {
        code: code.to_string(),
        org_name: org.name,
        role: inv.role.to_string(),
        email_fixed: inv.email.is_some(),
        email: inv.email.map(|e| e.to_string()).unwrap_or_default(),
        name: String::new(),
        error: None,
    })
}

pub async fn join_form(State(state): State<AppState>, Path(code): Path<String>) -> WebResult {
    Ok(page(StatusCode::OK, &join_page(&state, &code).await?))
}

pub async fn join(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    WebForm(f): WebForm<JoinForm>,
) -> WebResult {
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    match accept_invitation(&state, &code, &f.email, &f.name, &f.password).await {
        Ok(user) => {
            // The account just made, even when the same address and password open an older
            // one in another organisation.
            let done = auth::open_session(&state, user.clone()).await?;
            let to = if user.role == Role::Candidate {
                "/practice"
            } else {
                "/questions"
            };
            Ok(signed_in(&state, &done.session_id, to))
        }
        Err(e @ (ApiError::Invalid(_) | ApiError::Conflict(_))) => {
            let mut p = join_page(&state, &code).await?;
            p.error = Some(e.to_string());
            p.name = f.name;
            if !p.email_fixed {
                p.email = f.email;
            }
            Ok(page(e.status(), &p))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    slug: String,
    org_name: String,
    email: String,
    /// After a request: the address the link went to.
    sent_to: Option<String>,
    error: Option<String>,
}

/// How long a sign-up link works.
const SIGNUP_LINK_MS: i64 = 86_400_000;

/// The organisation whose sign-up link this is, when it lets candidates sign up (and e-mail is
/// set up to confirm their addresses); otherwise the link does not exist.
async fn signup_org(state: &AppState, slug: &str) -> Result<parley_store::Org, WebError> {
    let id = state
        .store
        .org_by_slug(slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !state.store.org_settings(id).await?.candidate_signup || state.settings.smtp_url.is_none() {
        return Err(ApiError::NotFound.into());
    }
    Ok(state.store.org(id).await?)
}

pub async fn signup_form(State(state): State<AppState>, Path(slug): Path<String>) -> WebResult {
    let org = signup_org(&state, &slug).await?;
    Ok(page(
        StatusCode::OK,
        &SignupPage {
            slug: org.slug,
            org_name: org.name,
            email: String::new(),
            sent_to: None,
            error: None,
        },
    ))
}

#[derive(Deserialize)]
pub struct SignupForm {
    email: String,
}

/// Sends the address a link to finish signing up (an invitation for it alone, as a candidate,
/// for a day), or — when it already has an account here — a reminder to sign in. The page says
/// the same either way, so it tells nobody which addresses have accounts; requests are counted
/// per address like logins.
pub async fn signup(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    WebForm(f): WebForm<SignupForm>,
) -> WebResult {
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    let org = signup_org(&state, &slug).await?;
    let shown = |sent_to: Option<String>, error: Option<String>, status: StatusCode| {
        page(
            status,
            &SignupPage {
                slug: org.slug.clone(),
                org_name: org.name.clone(),
                email: f.email.clone(),
                sent_to,
                error,
            },
        )
    };
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => {
            return Ok(shown(
                None,
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    auth::begin_attempt(&state, &format!("signup {} {}", org.id, email.as_str())).await?;
    let members = state.store.users_of(org.id).await?;
    let base = state.settings.base_url();
    let (subject, text) = if members.iter().any(|u| u.email == email) {
        (
            format!("Your account at {}", org.name),
            format!(
                "Someone (you, we hope) asked to sign up to {} with this address, which already has an account.\n\nSign in at {base}/login (or ask for a new password if you forgot it).\n",
                org.name
            ),
        )
    } else {
        // The invitation's author is an owner: invitations live as long as their author may
        // invite.
        let owner = members
            .iter()
            .find(|u| u.role == Role::Owner)
            .ok_or(ApiError::NotFound)?;
        let code = crate::secrets::random_code();
        state
            .store
            .create_invitation(
                org.id,
                &hash_secret(&code),
                Some(&email),
                Role::Candidate,
                owner.id,
                auth::now_ms() + SIGNUP_LINK_MS,
            )
            .await?;
        (
            format!("Finish signing up to {}", org.name),
            format!(
                "To practise interview questions with {}, open this link within a day and choose your name and password:\n\n{base}/join/{code}\n\nIf you did not ask for this, ignore this message.\n",
                org.name
            ),
        )
    };
    let html =
        crate::mail::html_document(&subject, &format!("<pre>{}</pre>", askama_escape(&text)));
    crate::mail::send(
        &state.settings,
        &crate::mail::Outgoing {
            to: email.as_str(),
            to_name: "",
            subject: &subject,
            text: &text,
            html: &html,
        },
    )
    .await
    .map_err(ApiError::from)?;
    tracing::info!(org = %org.slug, "sign-up link sent");
    Ok(shown(Some(email.to_string()), None, StatusCode::OK))
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
