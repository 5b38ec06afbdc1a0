//! The web UI: server-rendered pages for people in a browser.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
