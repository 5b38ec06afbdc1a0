//! `parley serve`: the web app and the API on the store the command line opened.

use crate::cli::ServeArgs;
use anyhow::Context;
use parley_server::{AppState, Settings};
use parley_store::Store;

pub async fn run(store: Store, org_slug: &str, args: ServeArgs) -> anyhow::Result<()> {
    let mut settings = Settings::load(args.config.as_deref())?;
    if let Some(addr) = args.addr {
        settings.addr = addr;
    }
    parley_server::init_logging(settings.log_format);
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {}", settings.addr))?;
    let model = parley_bank::Model::locate();
    model.warn_if_missing("search ranks by words only");
    let mut state = AppState::new(store, settings).with_model(model.shared());
    state.setup_org = org_slug.to_string();
    if let Some(link) = parley_server::prepare(&state).await? {
        println!(
            "Nobody has an account yet. Open this link once to create the organisation and its owner:\n  {link}"
        );
    }
    println!("Parley is listening on {}", state.settings.base_url());
    parley_server::serve(state, listener, parley_server::shutdown_signal()).await
}
