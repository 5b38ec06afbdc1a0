//! Parley's search over a question bank.
//!
//! The index is derived from the database and never the other way round: it can be deleted at
//! any time and is rebuilt from the questions. It knows nothing about storage; the caller feeds
//! it questions and tells it the change watermark they reflect.

mod analysis;
pub mod dedup;
mod index;
mod query;
mod rank;
mod snippet;
mod vectors;

pub use analysis::Analysis;
pub use index::SearchIndex;
pub use query::{Filters, Hit};
pub use snippet::{Snippet, Terms};

/// The most results one search returns; larger limits are cut to it, so no caller can make
/// the index allocate for a billion results.
pub const MAX_RESULTS: usize = 1000;

/// Why the index could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index file {0}: {1}")]
    Io(String, #[source] std::io::Error),
}
