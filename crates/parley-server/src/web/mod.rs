//! The web UI: server-rendered pages (askama templates, escaped by default) with plain forms,
//! so every action works without script and by keyboard. Pages share the API's store calls,
//! permission checks and errors; failures render as HTML pages here.

mod account;
mod assessment;
mod bank;
mod entry;
mod hiring;
mod import;
mod interviews;
mod practice;
mod review;

use crate::auth::{Auth, Via};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use parley_domain::Action;
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(entry::home))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .route("/assets/live.js", get(live_script))
        .route("/setup/{code}", get(entry::setup_form).post(entry::setup))
        .route("/login", get(entry::login_form).post(entry::login))
        .route("/logout", post(entry::logout))
        .route("/join/{code}", get(entry::join_form).post(entry::join))
        .route(
            "/signup/{slug}",
            get(entry::signup_form).post(entry::signup),
        )
        .route("/questions", get(bank::index))
        .route("/questions/new", get(bank::new_form).post(bank::create))
        .route("/questions/{id}", get(bank::show))
        .route(
            "/questions/{id}/edit",
            get(bank::edit_form).post(bank::save),
        )
        .route("/questions/{id}/delete", post(bank::delete))
        .route("/import", get(import::form).post(import::preview))
        .route("/import/{upload}/confirm", post(import::confirm))
        .route("/duplicates", get(review::list))
        .route("/duplicates/decide", post(review::decide))
        .route("/account", get(account::show))
        .route("/account/password", post(account::password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/invitations", post(account::invite))
        .route(
            "/account/invitations/{id}/withdraw",
            post(account::withdraw),
        )
        .route("/account/members/{id}/role", post(account::role))
        .route("/account/members/{id}/remove", post(account::remove))
        .route("/roles", get(hiring::roles).post(hiring::save_role))
        .route("/roles/{id}/edit", get(hiring::edit_role))
        .route("/settings/interviews", post(hiring::save_settings))
        .route(
            "/candidates",
            get(hiring::candidates).post(hiring::create_candidate),
        )
        .route(
            "/candidates/{id}",
            get(hiring::candidate).post(hiring::save_candidate),
        )
        .route("/candidates/{id}/interviews", post(hiring::plan_interview))
        .route("/candidates/{id}/erase", post(hiring::erase_candidate))
        .route("/interviews", get(interviews::list))
        .route("/interviews/{id}", get(interviews::show))
        .route("/interviews/{id}/kit", post(interviews::edit))
        .route("/interviews/{id}/swap/{item}", get(interviews::swap_form))
        .route("/interviews/{id}/transition", post(interviews::transition))
        .route("/interviews/{id}/plan", post(interviews::plan))
        .route("/interviews/{id}/live", get(interviews::live))
        .route(
            "/interviews/{id}/entries/{item}",
            post(interviews::save_entry),
        )
        .route(
            "/interviews/{id}/assessment",
            get(assessment::show).post(assessment::post),
        )
        .route(
            "/interviews/{id}/note",
            get(assessment::note).post(assessment::note_post),
        )
        .route("/notes/{code}", get(assessment::public))
        .route("/practice", get(practice::home))
        .route("/practice/settings", post(practice::save_settings))
        .route("/practice/next", get(practice::question))
        .route("/practice/answers", post(practice::submit))
        .route("/practice/answers/{id}", get(practice::answer))
        .route("/practice/answers/{id}/rate", post(practice::rate))
        .route("/practice/progress", get(practice::progress))
        .route(
            "/practice/mocks",
            get(practice::mocks).post(practice::start_mock),
        )
        .route(
            "/practice/mocks/{id}",
            get(practice::mock).post(practice::save_mock),
        )
}

async fn style() -> Response {
    asset(
        include_str!("../../assets/style.css"),
        "text/css; charset=utf-8",
    )
}

async fn live_script() -> Response {
    asset(
        include_str!("../../assets/live.js"),
        "text/javascript; charset=utf-8",
    )
}

async fn script() -> Response {
    asset(
        include_str!("../../assets/app.js"),
        "text/javascript; charset=utf-8",
    )
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// What every signed-in page shows in its frame.
pub struct Frame {
    pub name: String,
    pub email: String,
    pub role: String,
    pub csrf: String,
    pub can_edit: bool,
    pub can_import: bool,
    pub can_manage: bool,
    pub can_interview: bool,
    pub can_read_bank: bool,
    /// A one-line notice (after a save, say).
    pub notice: Option<String>,
}

impl Frame {
    pub fn of(auth: &Auth) -> Frame {
        let role = auth.role();
        Frame {
            name: auth.user.name.clone(),
            email: auth.user.email.to_string(),
            role: role.to_string(),
            csrf: match &auth.via {
                Via::Session { csrf, .. } => csrf.clone(),
                Via::Token => String::new(),
            },
            can_edit: role.may(Action::EditBank),
            can_import: role.may(Action::ImportBank),
            can_manage: role.may(Action::ManageMembers),
            can_interview: role.may(Action::RunInterviews),
            can_read_bank: role.may(Action::ReadBank),
            notice: None,
        }
    }

    pub fn with_notice(mut self, n: impl Into<String>) -> Frame {
        self.notice = Some(n.into());
        self
    }
}

/// Renders a template as a page with `status`.
pub fn page<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => WebError(ApiError::Internal(e.into())).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
}

/// An error on a page: a page explaining it, or the login page for someone not signed in.
pub struct WebError(pub ApiError);

impl<E: Into<ApiError>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError(e.into())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let ApiError::Unauthenticated = self.0 {
            return Redirect::to("/login").into_response();
        }
        if let ApiError::Internal(e) = &self.0 {
            tracing::error!(error = format!("{e:#}"), "page failed");
        }
        let status = self.0.status();
        let title = status.canonical_reason().unwrap_or("Error").to_string();
        let mut resp = page(
            status,
            &ErrorPage {
                title,
                message: self.0.to_string(),
            },
        );
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let ApiError::TooManyRequests { retry_after } = self.0 {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        resp
    }
}

pub type WebResult = Result<Response, WebError>;

/// Any address nothing answers: a page saying so.
pub async fn not_found() -> Response {
    WebError(ApiError::NotFound).into_response()
}

/// The signed-in member on a page: without credentials the rejection sends the browser to
/// the login page instead of answering the API's 401.
pub struct Member(pub Auth);

impl axum::extract::FromRequestParts<AppState> for Member {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, WebError> {
        Auth::from_request_parts(parts, state)
            .await
            .map(Member)
            .map_err(WebError)
    }
}

/// A posted form (urlencoded) whose rejection is an error page.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| WebForm(v))
            .map_err(|e| {
                WebError(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge {
                        limit: state.settings.max_body_bytes,
                    }
                } else if e.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
                    ApiError::UnsupportedMediaType {
                        expected: "application/x-www-form-urlencoded",
                    }
                } else {
                    ApiError::BadRequest(e.body_text())
                })
            })
    }
}

/// A form that posts nothing but its CSRF token (delete, confirm, sign out, revoke…).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// A redirect after a successful post (303, so a reload does not post again).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A posted form as its fields in order (names may repeat: checkboxes, competency rows).
pub type Fields = Vec<(String, String)>;

/// The first value of field `name` ("" when absent).
pub fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Splits a textarea into list entries, one per line.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

pub use parley_domain::time::utc as when;

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(super::when(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::when(1_764_115_200_000), "2025-11-26 00:00 UTC");
        assert_eq!(
            super::when(951_782_400_000 + 61_000),
            "2000-02-29 00:01 UTC"
        );
    }

    #[test]
    fn textarea_lines_become_entries() {
        assert_eq!(super::lines(" a \n\n b\r\n"), vec!["a", "b"]);
    }
}
