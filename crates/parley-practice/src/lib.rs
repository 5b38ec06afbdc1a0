//! Practice mode as plain types and functions, no IO: the FSRS scheduler with its
//! interview-date mode ([`schedule`]), what to practise next ([`queue`]), readiness over time and
//! the most-missed key points ([`progress`]), and the mock interview drawn like a real kit with
//! its report ([`mock`]). Storage, HTTP and the terminal are adapters around it.

pub mod mock;
pub mod progress;
pub mod queue;
pub mod schedule;
pub mod settings;

pub use schedule::{Card, PracticeError, Rating, Scheduler};
pub use settings::{Settings, SettingsError};

/// Milliseconds in a day: every time here is milliseconds since the Unix epoch, as stored.
pub const DAY_MS: i64 = 86_400_000;
