//! Parley's HTTP server: the JSON API under `/api/v1` (described by OpenAPI), the web UI,
//! accounts, sessions and the operations endpoints. An adapter: it parses requests, asks the
//! domain's permission matrix, and calls the store.

pub mod api;
mod assess;
pub mod auth;
mod charts;
pub mod error;
mod idempotency;
mod kits;
pub mod limit;
mod mail;
pub mod metrics;
mod mocks;
mod notes;
mod ops;
mod pdf;
mod practice;
mod routes;
pub mod secrets;
pub mod settings;
pub mod state;
mod web;

pub use routes::router;
pub use settings::{LogFormat, Settings};
pub use state::AppState;

use std::io::IsTerminal;
use std::time::Duration;
use tokio::net::TcpListener;

/// Sets up logging: JSON lines when standard error is not a terminal (or when asked), readable
/// text otherwise. `RUST_LOG` narrows or widens what is logged (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests starting several servers) keeps the first.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Prepares a server on `listener`: when nobody has an account yet, a one-time setup code is
/// made and its link returned for the caller to print.
pub async fn prepare(state: &AppState) -> anyhow::Result<Option<String>> {
    if state.store.has_users().await? {
        return Ok(None);
    }
    let code = secrets::random_code();
    *state
        .setup_code_hash
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(secrets::hash_secret(&code));
    Ok(Some(format!("{}/setup/{code}", state.settings.base_url())))
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let pruner = tokio::spawn(prune_forever(state.clone()));
    let follower = tokio::spawn(follow_changes(state.clone()));
    let app = router(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    pruner.abort();
    follower.abort();
    Ok(result?)
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Keeps the search indexes this process holds in step with the database (edits made through
/// other nodes included) between searches; a search also catches up before it answers.
async fn follow_changes(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = state.indexes.catch_up_all().await {
            tracing::warn!(error = %e, "search index catch-up failed");
        }
    }
}

/// Removes expired sessions, old failed-login records and day-old idempotent replies, hourly.
async fn prune_forever(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = auth::now_ms();
        let window = i64::from(state.settings.login_window_seconds) * 1000;
        match state.store.prune(now - window, now - 86_400_000).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "pruned expired sign-in records"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
        // Candidates past their organisation's retention rule are erased on the same beat.
        match api::privacy::sweep_retention_on(&state.store, now).await {
            Ok(n) if n > 0 => tracing::info!(candidates = n, "erased by the retention rule"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the retention sweep failed"),
        }
    }
}
