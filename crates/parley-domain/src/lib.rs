//! Parley's domain: the question bank's types and the pure rules around them.
//!
//! Nothing here does IO or knows about databases, HTTP or files; storage, import and the CLI are
//! adapters around these types.

pub mod account;
pub mod assessment;
pub mod experience;
pub mod feedback;
pub mod hiring;
pub mod ids;
pub mod interview;
pub mod kind;
pub mod kit;
pub mod lang;
pub mod plan;
pub mod question;
pub mod taxonomy;
pub mod text;
pub mod time;

pub use account::{AccountError, Action, Email, NewPassword, Role};
pub use ids::{
    AttemptId, CandidateId, InterviewId, InvitationId, JobRoleId, KitId, MockId, OrgId, QuestionId,
    TokenId, UserId,
};
pub use kind::QuestionKind;
pub use lang::Language;
pub use question::{DomainError, Question, QuestionDraft, Revision, Source};
pub use taxonomy::{Section, Taxonomy};
