//! The storage error type: what callers can act on, with the database's cause kept for logs.

use parley_domain::DomainError;
use parley_domain::assessment::AssessmentError;
use parley_domain::hiring::HiringError;
use parley_domain::interview::{EntryError, TransitionRefused};
use parley_domain::kit::KitError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    #[error("not a valid organisation slug: {0:?} (use 1 to 100 characters without spaces)")]
    BadSlug(String),
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("no such question")]
    NotFound,
    /// Some other record (a user, an invitation, a session) does not exist, or is not the
    /// caller's to see.
    #[error("no such {0}")]
    Missing(&'static str),
    #[error(
        "the question was changed by someone else (now at revision {current}, you edited revision {expected})"
    )]
    Conflict { expected: u32, current: u32 },
    #[error("another question already has this text: {0}")]
    DuplicateText(String),
    #[error("invalid question: {0}")]
    Invalid(#[from] DomainError),
    #[error("{0}")]
    Refused(String),
    #[error("invalid role or candidate: {0}")]
    Hiring(#[from] HiringError),
    #[error("{0}")]
    Kit(#[from] KitError),
    #[error("{0}")]
    Transition(#[from] TransitionRefused),
    #[error("invalid notes: {0}")]
    Entry(#[from] EntryError),
    #[error("{0}")]
    Assessment(#[from] AssessmentError),
    #[error("{0}")]
    Practice(#[from] parley_practice::PracticeError),
    /// A record other than a question changed since the caller read it.
    #[error(
        "the {what} was changed by someone else (now at revision {current}, you edited revision {expected})"
    )]
    Stale {
        what: &'static str,
        expected: u32,
        current: u32,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
