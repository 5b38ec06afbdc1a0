//! Every route of the server, in one place.

use crate::api::{
    account, assessments, bank, charts, grade, hiring, interviews, kits, members, notes, openapi,
    practice, privacy, questions, search,
};
use crate::error::ApiError;
use crate::ops;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/questions", get(questions::list).post(questions::create))
        .route(
            "/questions/{id}",
            get(questions::get)
                .patch(questions::update)
                .delete(questions::delete),
        )
        .route("/questions/{id}/revisions", get(questions::revisions))
        .route("/questions/{id}/similar", get(search::similar))
        .route("/search", get(search::search))
        .route("/grade", post(grade::grade))
        .route("/sections", get(bank::sections))
        .route("/tags", get(bank::tags))
        .route("/imports", post(bank::import))
        .route("/duplicates", get(bank::duplicates))
        .route("/duplicates/merge", post(bank::merge))
        .route("/duplicates/dismiss", post(bank::dismiss))
        .route("/session", post(account::login).delete(account::logout))
        .route("/me", get(account::me))
        .route("/me/password", put(account::change_password))
        .route("/tokens", get(account::tokens).post(account::create_token))
        .route("/tokens/{id}", axum::routing::delete(account::revoke_token))
        .route("/members", get(members::members))
        .route(
            "/members/{id}",
            axum::routing::patch(members::set_role).delete(members::remove_member),
        )
        .route(
            "/invitations",
            get(members::invitations).post(members::invite),
        )
        .route("/invitations/accept", post(members::accept))
        .route(
            "/invitations/{id}",
            axum::routing::delete(members::revoke_invitation),
        )
        .route("/roles", get(hiring::roles).post(hiring::create_role))
        .route(
            "/roles/{id}",
            get(hiring::role)
                .put(hiring::update_role)
                .delete(hiring::delete_role),
        )
        .route(
            "/candidates",
            get(hiring::candidates).post(hiring::create_candidate),
        )
        .route(
            "/candidates/{id}",
            get(hiring::candidate).put(hiring::update_candidate),
        )
        .route("/candidates/{id}/export", get(privacy::export))
        .route("/candidates/{id}/erase", post(privacy::erase))
        .route(
            "/settings/interviews",
            get(hiring::settings).put(hiring::save_settings),
        )
        .route(
            "/interviews",
            get(interviews::list).post(interviews::create),
        )
        .route("/interviews/{id}", get(interviews::get))
        .route("/interviews/{id}/plan", put(interviews::set_plan))
        .route("/interviews/{id}/kit", post(kits::edit_kit))
        .route("/interviews/{id}/kit/alternatives", get(kits::alternatives))
        .route("/interviews/{id}/kit.md", get(kits::kit_markdown))
        .route(
            "/interviews/{id}/transitions",
            get(interviews::transitions).post(interviews::transition),
        )
        .route("/interviews/{id}/calendar.ics", get(interviews::calendar))
        .route("/interviews/{id}/entries", get(interviews::entries))
        .route(
            "/interviews/{id}/entries/{item}",
            put(interviews::save_entry),
        )
        .route(
            "/interviews/{id}/assessment",
            get(assessments::get_assessment),
        )
        .route("/interviews/{id}/scorecard", post(assessments::submit))
        .route("/interviews/{id}/decision", post(assessments::decide))
        .route(
            "/interviews/{id}/note",
            get(notes::get_note).put(notes::save_note),
        )
        .route("/interviews/{id}/note.md", get(notes::note_markdown))
        .route("/interviews/{id}/note/share", post(notes::share))
        .route("/interviews/{id}/note/send", post(notes::send))
        .route("/interviews/{id}/note.html", get(notes::note_html))
        .route("/interviews/{id}/note.pdf", get(notes::note_pdf))
        .route("/interviews/{id}/profile.svg", get(charts::profile))
        .route("/roles/{id}/comparison.svg", get(charts::comparison))
        .route(
            "/practice/settings",
            get(practice::get_settings).put(practice::put_settings),
        )
        .route("/practice/next", get(practice::next))
        .route("/practice/answers", post(practice::answer))
        .route("/practice/answers/{id}", get(practice::get_answer))
        .route("/practice/answers/{id}/rating", post(practice::rate))
        .route("/practice/progress", get(practice::progress))
        .route("/practice/progress.svg", get(practice::progress_svg))
        .route("/practice/deck.txt", get(practice::deck))
        .route(
            "/practice/mocks",
            get(practice::mocks).post(practice::start_mock),
        )
        .route("/practice/mocks/{id}", get(practice::mock))
        .route(
            "/practice/mocks/{id}/answers/{question_id}",
            put(practice::answer_mock),
        )
        .route("/practice/mocks/{id}/finish", post(practice::finish_mock))
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed);

    let timeout = Duration::from_secs(u64::from(state.settings.request_timeout_seconds.max(1)));
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .merge(crate::web::routes())
        .fallback(crate::web::not_found)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), ops::observe))
        .layer(middleware::from_fn(ops::security_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        // Outside the timeout, so it sees the timeout's empty 503.
        .layer(middleware::from_fn(timeout_body))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        .with_state(state)
}

async fn api_not_found() -> Response {
    ApiError::NotFound.into_response()
}

async fn api_method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

/// The timeout layer answers with an empty 503; give it the API's error body.
async fn timeout_body(req: axum::extract::Request, next: middleware::Next) -> Response {
    let resp = next.run(req).await;
    let empty = axum::body::HttpBody::size_hint(resp.body()).exact() == Some(0);
    if resp.status() == StatusCode::SERVICE_UNAVAILABLE && empty {
        return ApiError::TimedOut.into_response();
    }
    resp
}
