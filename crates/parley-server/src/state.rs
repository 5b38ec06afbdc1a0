//! What every handler shares: the store, the settings, the limiter, the metrics and the
//! one-time setup code.

use crate::limit::Limiter;
use crate::metrics::Metrics;
use crate::settings::Settings;
use parley_store::Store;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub limiter: Arc<Limiter>,
    pub metrics: Arc<Metrics>,
    /// The hash of the setup code printed at start while nobody has an account; `None` once
    /// the instance is set up (or when it already was).
    pub setup_code_hash: Arc<Mutex<Option<String>>>,
    /// The organisation slug first-run setup creates (or adopts, with the bank the command
    /// line imported into it).
    pub setup_org: String,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        AppState {
            store,
            limiter: Arc::new(Limiter::new(settings.rate_per_second, settings.rate_burst)),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            setup_code_hash: Arc::new(Mutex::new(None)),
            setup_org: "default".to_string(),
        }
    }
}
