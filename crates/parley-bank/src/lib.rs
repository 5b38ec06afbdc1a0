//! The bank's services, shared by the `parley` CLI and the server: importing parsed documents
//! (`import`), keeping a search index in step with the database (`index`), finding
//! near-duplicates (`near_dups`) and the embedding model when it is installed (`model`).
//! Orchestration only: the rules live in the domain, docs, search and grade crates, and the
//! SQL in the store.

pub mod import;
pub mod index;
pub mod live;
pub mod model;
pub mod near_dups;
pub mod practice;
pub mod starter;

pub use model::Model;

/// What a bank service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error(transparent)]
    Store(#[from] parley_store::StoreError),
    #[error("search index: {0}")]
    Search(#[from] parley_search::SearchError),
    #[error("search index in {dir}: {source}")]
    IndexDir {
        dir: String,
        source: parley_search::SearchError,
    },
    #[error("a worker thread failed: {0}")]
    Worker(String),
    #[error("the starter bank is broken: {0}")]
    Starter(String),
    #[error("the search index holds an invalid id: {0}")]
    BadId(#[from] parley_domain::ids::IdParseError),
}
