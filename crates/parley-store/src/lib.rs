//! Storage for the question bank on SQLite (the default) or PostgreSQL, chosen from the URL.
//!
//! Every SQL statement of Parley lives in this crate. Both backends run the same operations with
//! their own embedded, versioned migrations; one storage test story runs against both.

mod accounts;
mod assessments;
mod browse;
mod bulk;
mod changes;
mod db;
mod duplicates;
mod embeddings;
mod error;
mod hiring;
mod import;
mod interviews;
mod mocks;
mod model;
mod practice;
mod privacy;
mod questions;
mod rows;
mod sessions;
mod statements;
mod store;

pub use accounts::{Invitation, NewUser, Org, User};
pub use assessments::{CandidateNote, Decision, Delivery, DeliveryStart, Scorecard};
pub use browse::UPLOAD_LIFETIME_MS;
pub use changes::Changes;
pub use duplicates::{DuplicatePair, NOTE_MERGED_DUPLICATE};
pub use embeddings::StoredEmbedding;
pub use error::StoreError;
pub use hiring::{Candidate, JobRole, OrgSettings};
pub use import::{NOTE_IMPORTED, NOTE_MERGED};
pub use interviews::{Interview, NewInterview, StoredEntry, Transition};
pub use mocks::{Finished, MOCK_GRACE_MS, Mock};
pub use model::{
    Backend, ImportItem, ImportOptions, ImportOutcome, ItemOutcome, Link, ListFilter, Page,
};
pub use practice::{NewAttempt, PracticeCandidate, StoredAttempt};
pub use privacy::ERASED_NAME;
pub use questions::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_PREFIX_MATCHES, NOTE_CREATED};
pub use sessions::{ApiToken, Session, StoredReply};
pub use store::{MAX_SLUG_CHARS, Store};
