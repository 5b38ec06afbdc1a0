//! Identifier newtypes: one macro so every id parses, prints and serialises the same way.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The error for a string that is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind} id: {value:?}")]
pub struct IdParseError {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! id_type {
    ($name:ident, $kind:literal) => {
        #[doc = concat!("Identifier of a ", $kind, " (a UUIDv7, so ids sort by creation time).")]
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The identifier with this number (fixtures and tests want fixed ids).
            pub fn from_u128(n: u128) -> Self {
                Self(Uuid::from_u128(n))
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| IdParseError {
                        kind: $kind,
                        value: s.to_string(),
                    })
            }
        }
    };
}

id_type!(QuestionId, "question");
id_type!(OrgId, "organisation");
id_type!(UserId, "user");
id_type!(InvitationId, "invitation");
id_type!(TokenId, "API token");
id_type!(JobRoleId, "role");
id_type!(CandidateId, "candidate");
id_type!(KitId, "kit");
id_type!(InterviewId, "interview");
id_type!(AttemptId, "practice answer");
id_type!(MockId, "mock interview");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings() {
        let id = QuestionId::new();
        assert_eq!(id.to_string().parse::<QuestionId>().unwrap(), id);
    }

    #[test]
    fn garbage_is_not_an_id() {
        let err = "nope".parse::<OrgId>().unwrap_err();
        assert_eq!(err.kind, "organisation");
    }
}
