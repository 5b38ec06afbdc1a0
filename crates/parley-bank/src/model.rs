//! The embedding model, when it is installed. Every semantic feature degrades to its lexical
//! form without it, and says so once, plainly.

use std::sync::Arc;

use parley_embed::Embedder;

/// The model, or why there is none.
pub enum Model {
    Ready(Arc<Embedder>),
    Missing(String),
}

impl Model {
    /// Looks for the model where `./dev setup` puts it (see `parley_embed::model_dirs`).
    pub fn locate() -> Model {
        match Embedder::locate() {
            Ok(e) => Model::Ready(Arc::new(e)),
            Err(e) => Model::Missing(e.to_string()),
        }
    }

    pub fn embedder(&self) -> Option<&Embedder> {
        match self {
            Model::Ready(e) => Some(e),
            Model::Missing(_) => None,
        }
    }

    /// The model for the grader, which keeps it beyond one call.
    pub fn shared(&self) -> Option<Arc<Embedder>> {
        match self {
            Model::Ready(e) => Some(e.clone()),
            Model::Missing(_) => None,
        }
    }

    /// Prints, on standard error, what is missing and what the command does instead.
    pub fn warn_if_missing(&self, instead: &str) {
        if let Model::Missing(why) = self {
            eprintln!("semantic features are off: {why}");
            eprintln!("{instead}");
        }
    }
}
