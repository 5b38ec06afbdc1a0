//! What every handler shares: the store, the settings, the limiter, the metrics and the
//! one-time setup code.

use crate::limit::Limiter;
use crate::metrics::Metrics;
use crate::settings::Settings;
use parley_bank::live::LiveIndexes;
use parley_embed::Embedder;
use parley_grade::{Encode, Grader};
use parley_store::Store;
use std::sync::{Arc, Mutex};

/// Password hashes computed at once, per process.
const HASH_SLOTS: usize = 4;

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
    /// The search indexes, one per organisation, following the database.
    pub indexes: Arc<LiveIndexes>,
    /// The answer grader (semantic with the model, words only without).
    pub grader: Arc<Grader>,
    /// Password hashes computed at once: each takes 19 MiB and a core for ~30 ms, so a flood
    /// of logins waits here instead of exhausting memory.
    pub hash_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        AppState {
            indexes: Arc::new(LiveIndexes::new(store.clone(), None)),
            grader: Arc::new(Grader::new(None)),
            hash_slots: Arc::new(tokio::sync::Semaphore::new(HASH_SLOTS)),
            store,
            limiter: Arc::new(Limiter::new(settings.rate_per_second, settings.rate_burst)),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            setup_code_hash: Arc::new(Mutex::new(None)),
            setup_org: "default".to_string(),
        }
    }

    /// The same state with the embedding model for semantic search (`None`: words only).
    pub fn with_model(mut self, model: Option<Arc<Embedder>>) -> AppState {
        self.grader = Arc::new(Grader::new(model.clone().map(|m| m as Arc<dyn Encode>)));
        self.indexes = Arc::new(LiveIndexes::new(self.store.clone(), model));
        self
    }
}
