//! The one place that decides each failure's exit code.

use parley_store::StoreError;

/// An import run refused because of its input; the report has already been printed.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {total} files could not be imported; nothing was written")]
pub struct ImportRefused {
    pub failed: usize,
    pub total: usize,
}

/// A user-facing error about arguments (an unknown id, a bad filter value).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Exit codes: 2 bad usage, 3 bad input documents, 4 storage, 1 anything else.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some() {
        2
    } else if e.downcast_ref::<ImportRefused>().is_some() {
        3
    } else if let Some(s) = e.downcast_ref::<StoreError>() {
        match s {
            StoreError::NotFound
            | StoreError::Missing(_)
            | StoreError::Invalid(_)
            | StoreError::BadUrl(_)
            | StoreError::BadSlug(_)
            | StoreError::Refused(_)
            | StoreError::DuplicateText(_)
            | StoreError::Conflict { .. } => 2,
            _ => 4,
        }
    } else {
        1
    }
}
