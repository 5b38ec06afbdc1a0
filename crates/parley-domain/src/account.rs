//! People and what they may do: roles, e-mail addresses, password rules and the permission
//! matrix every adapter (HTTP, CLI) asks before acting.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Shortest password we accept. Length beats composition rules (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password we accept: argon2 hashes any length, but a megabyte "password" is an attack.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest display or organisation name.
pub const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("not a valid e-mail address: {0:?}")]
    BadEmail(String),
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("a password may have at most {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    #[error("unknown role {0:?}: use owner, admin, interviewer or candidate")]
    BadRole(String),
    #[error("a name needs 1 to {MAX_NAME_CHARS} characters")]
    BadName,
}

/// What a member of an organisation is allowed to do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Created the organisation; everything an admin may do, and cannot be demoted by one.
    Owner,
    /// Manages members, invitations and the bank.
    Admin,
    /// Reads and edits the bank, imports, runs interviews.
    Interviewer,
    /// Practises; never sees the bank's reference answers outside practice.
    Candidate,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Interviewer, Role::Candidate];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Interviewer => "interviewer",
            Role::Candidate => "candidate",
        }
    }

    /// Whether this role may do `action`. The one permission matrix of Parley.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match action {
            ReadBank | EditBank | ImportBank | ReviewDuplicates | RunInterviews => {
                self != Role::Candidate
            }
            DeleteQuestion | ManageMembers | ManageRoles => {
                matches!(self, Role::Owner | Role::Admin)
            }
            ManageOwnAccount | Practise => true,
        }
    }

    /// Whether a member with this role may hand out `other` (by invitation or role change):
    /// nobody grants more than they hold, and only an owner makes owners.
    pub fn may_grant(self, other: Role) -> bool {
        self.may(Action::ManageMembers) && (self == Role::Owner || other != Role::Owner)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| AccountError::BadRole(s.to_string()))
    }
}

/// Everything the permission matrix distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ReadBank,
    EditBank,
    ImportBank,
    ReviewDuplicates,
    DeleteQuestion,
    ManageMembers,
    ManageOwnAccount,
    /// Roles we hire for and the organisation's interview settings (scripts, rating scale).
    ManageRoles,
    /// Candidates, kits, interviews and the notes taken in them.
    RunInterviews,
    /// Practice mode: answering bank questions, one's own progress, mock interviews.
    Practise,
}

/// An e-mail address, trimmed and lower-cased: the login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain` with a dot-free-or-dotted domain, no spaces and no control
    /// characters; deliverability is not our business, typos in the shape are.
    pub fn parse(s: &str) -> Result<Email, AccountError> {
        let e = s.trim().to_lowercase();
        let bad = || AccountError::BadEmail(s.chars().take(80).collect());
        if e.chars().count() > MAX_EMAIL_CHARS
            || e.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad());
        }
        let (local, domain) = e.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || domain.contains('@')
            || local.contains('@')
        {
            return Err(bad());
        }
        Ok(Email(e))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = AccountError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the rules. Its `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(s: &str) -> Result<NewPassword, AccountError> {
        let n = s.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooShort);
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooLong);
        }
        Ok(NewPassword(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A display name or organisation name: trimmed, 1 to `MAX_NAME_CHARS` characters, no control
/// characters.
pub fn parse_name(s: &str) -> Result<String, AccountError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || t.chars().any(char::is_control) {
        return Err(AccountError::BadName);
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_shaped() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "", "ann", "@x.y", "ann@", "a b@x.y", "ann@.x", "ann@x..y", "ann@x.", "a@b@c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_have_a_length_window_and_hide_in_debug() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err(),
            AccountError::PasswordTooShort
        );
        assert!(NewPassword::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn roles_parse_case_insensitively() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn the_permission_matrix() {
        use Action::*;
        let expect = [
            (Role::Owner, [true, true, true, true, true, true, true]),
            (Role::Admin, [true, true, true, true, true, true, true]),
            (
                Role::Interviewer,
                [true, true, true, true, false, false, true],
            ),
            (
                Role::Candidate,
                [false, false, false, false, false, false, true],
            ),
        ];
        let actions = [
            ReadBank,
            EditBank,
            ImportBank,
            ReviewDuplicates,
            DeleteQuestion,
            ManageMembers,
            ManageOwnAccount,
        ];
        for (role, row) in expect {
            for (a, want) in actions.iter().zip(row) {
                assert_eq!(role.may(*a), want, "{role} {a:?}");
            }
        }
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        assert!(Role::Owner.may_grant(Role::Owner));
        assert!(!Role::Admin.may_grant(Role::Owner));
        assert!(Role::Admin.may_grant(Role::Admin));
        assert!(!Role::Interviewer.may_grant(Role::Candidate));
    }
}
