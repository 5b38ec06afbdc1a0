//! Loads the model once per test binary, or explains why the model tests are skipped.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use parley_embed::{Embedder, MODEL_DIR_ENV, MODEL_DIR_NAME};

/// `$PARLEY_MODEL_DIR`, else the workspace's `.models/` (tests run in the crate's directory, so
/// the current-directory rule of `Embedder::locate` would miss it).
pub fn model_dir() -> PathBuf {
    match std::env::var_os(MODEL_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../.models")
            .join(MODEL_DIR_NAME),
    }
}

/// The shared model, or `None` (with a message) when it is missing and not required.
/// `./dev test` sets `PARLEY_REQUIRE_MODEL=1`, which turns a missing model into a failure.
pub fn model() -> Option<&'static Embedder> {
    static MODEL: OnceLock<Result<Embedder, String>> = OnceLock::new();
    let loaded = MODEL.get_or_init(|| {
        let loaded = Embedder::load(&model_dir()).map_err(|e| e.to_string());
        if let Err(e) = &loaded {
            // Straight to stderr, once per test binary: the test harness swallows `eprintln!`
            // of passing tests, and a skip must be seen.
            let _ = writeln!(std::io::stderr(), "skipping the embedding model tests: {e}");
        }
        loaded
    });
    match loaded {
        Ok(m) => Some(m),
        Err(e) if std::env::var("PARLEY_REQUIRE_MODEL").as_deref() == Ok("1") => {
            panic!("PARLEY_REQUIRE_MODEL=1 but the model did not load: {e}")
        }
        Err(_) => None,
    }
}
