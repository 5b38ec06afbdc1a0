//! An interview's lifecycle as an explicit state machine, the interviewer's notes and ratings
//! per kit item, the rating scale, and the calendar invitation.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

/// Longest notes on one question.
pub const MAX_NOTES_CHARS: usize = 20_000;

/// Where an interview is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewState {
    Draft,
    Scheduled,
    InProgress,
    Completed,
    Assessed,
    FeedbackSent,
    Cancelled,
    NoShow,
}

impl InterviewState {
    pub const ALL: [InterviewState; 8] = [
        Self::Draft,
        Self::Scheduled,
        Self::InProgress,
        Self::Completed,
        Self::Assessed,
        Self::FeedbackSent,
        Self::Cancelled,
        Self::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Assessed => "assessed",
            Self::FeedbackSent => "feedback_sent",
            Self::Cancelled => "cancelled",
            Self::NoShow => "no_show",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Scheduled => "Scheduled",
            Self::InProgress => "In progress",
            Self::Completed => "Completed",
            Self::Assessed => "Assessed",
            Self::FeedbackSent => "Feedback sent",
            Self::Cancelled => "Cancelled",
            Self::NoShow => "No-show",
        }
    }

    /// Nothing follows these.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::FeedbackSent | Self::Cancelled | Self::NoShow)
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [InterviewState] {
        use InterviewState::*;
        match self {
            Draft => &[Scheduled, Cancelled],
            Scheduled => &[InProgress, Cancelled, NoShow],
            InProgress => &[Completed],
            Completed => &[Assessed],
            Assessed => &[FeedbackSent],
            FeedbackSent | Cancelled | NoShow => &[],
        }
    }

    /// Whether notes and ratings may still be written: from the start of the interview until
    /// it is assessed.
    pub fn takes_notes(self) -> bool {
        matches!(self, Self::InProgress | Self::Completed)
    }
}

impl fmt::Display for InterviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown interview state {0:?}")]
pub struct BadState(pub String);

impl FromStr for InterviewState {
    type Err = BadState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s.trim())
            .ok_or_else(|| BadState(s.chars().take(40).collect()))
    }
}

/// What the checks of a transition need to know about the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub scheduled_at: Option<i64>,
    pub panel: usize,
    /// The panel's decision is recorded.
    pub decided: bool,
    /// The summary note was e-mailed or shared with the candidate.
    pub feedback_given: bool,
}

/// A refused transition and why, in words an interviewer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move the interview from {from} to {to}: {reason}")]
pub struct TransitionRefused {
    pub from: InterviewState,
    pub to: InterviewState,
    pub reason: String,
}

/// Checks the move `from` → `to`.
pub fn check_transition(
    from: InterviewState,
    to: InterviewState,
    facts: Facts,
) -> Result<(), TransitionRefused> {
    use InterviewState::*;
    let refuse = |reason: String| Err(TransitionRefused { from, to, reason });
    if from.next().contains(&to) {
        return match to {
            Scheduled if facts.scheduled_at.is_none() => {
                refuse("give it a date and time first".into())
            }
            Scheduled | InProgress if facts.panel == 0 => {
                refuse("add at least one interviewer to the panel first".into())
            }
            Assessed if !facts.decided => refuse("record the panel's decision first".into()),
            FeedbackSent if !facts.feedback_given => {
                refuse("send or share the summary note with the candidate first".into())
            }
            _ => Ok(()),
        };
    }
    let reason = if from == to {
        format!("it is already {}", from.label().to_lowercase())
    } else if from.is_closed() {
        format!(
            "a {} interview is closed; nothing follows it",
            from.label().to_lowercase()
        )
    } else if to == Draft {
        "an interview never goes back to draft".to_string()
    } else if from == InProgress && matches!(to, Cancelled | NoShow) {
        "it has started; complete it and say in the notes why it ended early".to_string()
    } else if matches!(to, Cancelled | NoShow) {
        "it has already taken place".to_string()
    } else {
        let before = InterviewState::ALL
            .into_iter()
            .find(|s| s.next().contains(&to))
            .map_or("", |s| s.label());
        format!(
            "it must be {} first, and it is {}",
            before.to_lowercase(),
            from.label().to_lowercase()
        )
    };
    refuse(reason)
}

/// The rating scale of an organisation: labels from the lowest to the highest; a rating is
/// the label's position, from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale(pub Vec<String>);

impl Default for Scale {
    fn default() -> Self {
        Scale(
            ["Strong no", "No", "Yes", "Strong yes"]
                .map(String::from)
                .to_vec(),
        )
    }
}

impl Scale {
    /// A scale of 2 to 7 distinct, non-empty labels.
    pub fn new(labels: Vec<String>) -> Result<Scale, EntryError> {
        let labels: Vec<String> = labels.into_iter().map(|l| l.trim().to_string()).collect();
        let distinct: std::collections::HashSet<_> = labels.iter().collect();
        if !(2..=7).contains(&labels.len())
            || distinct.len() != labels.len()
            || labels
                .iter()
                .any(|l| l.is_empty() || l.chars().count() > 40 || l.chars().any(char::is_control))
        {
            return Err(EntryError::BadScale);
        }
        Ok(Scale(labels))
    }

    pub fn label(&self, rating: u8) -> Option<&str> {
        self.0
            .get(usize::from(rating).checked_sub(1)?)
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("a rating scale has 2 to 7 distinct labels of at most 40 characters")]
    BadScale,
    #[error("rating {0} is not on the scale (1 to {1})")]
    BadRating(u8, usize),
    #[error("notes are longer than {MAX_NOTES_CHARS} characters")]
    NotesTooLong,
    #[error("key point {0} does not exist on this question")]
    BadKeyPoint(u32),
    #[error("notes may not hold a NUL character")]
    Nul,
}

/// One interviewer's notes on one kit item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub notes: String,
    /// Position on the organisation's scale, from 1; `None` until rated.
    pub rating: Option<u8>,
    /// Positions (from 0) of the item's key points the candidate covered.
    pub checked: Vec<u32>,
}

impl Entry {
    /// Checks an entry against the scale and the item's number of key points; sorts and
    /// de-duplicates the ticks.
    pub fn validated(mut self, scale: &Scale, key_points: usize) -> Result<Entry, EntryError> {
        if self.notes.chars().count() > MAX_NOTES_CHARS {
            return Err(EntryError::NotesTooLong);
        }
        if self.notes.contains('\0') {
            return Err(EntryError::Nul);
        }
        if let Some(r) = self.rating
            && (r == 0 || usize::from(r) > scale.0.len())
        {
            return Err(EntryError::BadRating(r, scale.0.len()));
        }
        self.checked.sort_unstable();
        self.checked.dedup();
        if let Some(&k) = self.checked.iter().find(|&&k| k as usize >= key_points) {
            return Err(EntryError::BadKeyPoint(k));
        }
        Ok(self)
    }
}

/// A calendar invitation for one interview.
#[derive(Debug, Clone)]
pub struct CalendarEvent<'a> {
    /// Unique and stable: the same interview updates the same calendar entry.
    pub uid: &'a str,
    /// Bumped on every change of the time, so calendars take the newest.
    pub sequence: u32,
    pub start_ms: i64,
    pub minutes: u32,
    pub summary: &'a str,
    pub description: &'a str,
    pub organizer: Option<(&'a str, &'a str)>,
    /// Name and e-mail address of each person invited.
    pub attendees: &'a [(String, String)],
    pub now_ms: i64,
    pub cancelled: bool,
}

impl CalendarEvent<'_> {
    /// The event as an iCalendar (RFC 5545) file: CRLF lines folded at 75 octets, text escaped.
    pub fn to_ics(&self) -> String {
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_string(),
            "VERSION:2.0".to_string(),
            "PRODID:-//Parley//Interviews//EN".to_string(),
            "CALSCALE:GREGORIAN".to_string(),
            "METHOD:PUBLISH".to_string(),
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", escape(self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", crate::time::ical(self.now_ms)),
            format!("DTSTART:{}", crate::time::ical(self.start_ms)),
            format!(
                "DTEND:{}",
                crate::time::ical(self.start_ms + i64::from(self.minutes) * 60_000)
            ),
            format!("SUMMARY:{}", escape(self.summary)),
            format!("DESCRIPTION:{}", escape(self.description)),
            format!(
                "STATUS:{}",
                if self.cancelled {
                    "CANCELLED"
                } else {
                    "CONFIRMED"
                }
            ),
        ];
        if let Some((name, email)) = self.organizer {
            lines.push(format!("ORGANIZER;CN={}:mailto:{}", param(name), email));
        }
        for (name, email) in self.attendees {
            lines.push(format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:mailto:{}",
                param(name),
                email
            ));
        }
        lines.push("END:VEVENT".to_string());
        lines.push("END:VCALENDAR".to_string());
        let mut out = String::new();
        for l in lines {
            fold(&l, &mut out);
        }
        out
    }
}

/// TEXT escaping of RFC 5545 §3.3.11.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value: quoted, with the characters a quoted value cannot hold removed.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// Appends `line` folded at 75 octets (never inside a character) and ended by CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::InterviewState::*;
    use super::*;

    const READY: Facts = Facts {
        scheduled_at: Some(1),
        panel: 2,
        decided: true,
        feedback_given: true,
    };

    #[test]
    fn every_allowed_transition_passes_and_every_other_is_refused_with_a_reason() {
        let allowed = [
            (Draft, Scheduled),
            (Draft, Cancelled),
            (Scheduled, InProgress),
            (Scheduled, Cancelled),
            (Scheduled, NoShow),
            (InProgress, Completed),
            (Completed, Assessed),
            (Assessed, FeedbackSent),
        ];
        let mut refused = 0;
        for from in InterviewState::ALL {
            for to in InterviewState::ALL {
                let result = check_transition(from, to, READY);
                if allowed.contains(&(from, to)) {
                    assert_eq!(result, Ok(()), "{from} -> {to}");
                } else {
                    let err = result.expect_err(&format!("{from} -> {to} must be refused"));
                    assert!(err.reason.len() > 10, "{from} -> {to}: {}", err.reason);
                    refused += 1;
                }
            }
        }
        assert_eq!(refused, 64 - allowed.len());
    }

    #[test]
    fn refusals_say_why() {
        let reason = |from, to| check_transition(from, to, READY).unwrap_err().reason;
        assert_eq!(reason(Scheduled, Scheduled), "it is already scheduled");
        assert!(reason(Cancelled, Scheduled).contains("closed"));
        assert!(reason(Completed, Draft).contains("never goes back"));
        assert!(reason(InProgress, Cancelled).contains("has started"));
        assert_eq!(
            reason(Draft, Completed),
            "it must be in progress first, and it is draft"
        );
        assert!(reason(Completed, NoShow).contains("already taken place"));
    }

    #[test]
    fn scheduling_needs_a_time_and_a_panel() {
        let no_time = Facts {
            scheduled_at: None,
            ..READY
        };
        assert!(
            check_transition(Draft, Scheduled, no_time)
                .unwrap_err()
                .reason
                .contains("date")
        );
        let no_panel = Facts { panel: 0, ..READY };
        assert!(
            check_transition(Draft, Scheduled, no_panel)
                .unwrap_err()
                .reason
                .contains("interviewer")
        );
        assert!(check_transition(Scheduled, InProgress, no_panel).is_err());
        let undecided = Facts {
            decided: false,
            ..READY
        };
        assert!(
            check_transition(Completed, Assessed, undecided)
                .unwrap_err()
                .reason
                .contains("decision")
        );
        let silent = Facts {
            feedback_given: false,
            ..READY
        };
        assert!(
            check_transition(Assessed, FeedbackSent, silent)
                .unwrap_err()
                .reason
                .contains("note")
        );
    }

    #[test]
    fn entries_are_checked_against_the_scale_and_the_key_points() {
        let scale = Scale::default();
        let e = Entry {
            notes: "ok".into(),
            rating: Some(4),
            checked: vec![2, 0, 2],
        };
        assert_eq!(e.clone().validated(&scale, 3).unwrap().checked, [0, 2]);
        assert_eq!(
            e.clone().validated(&scale, 2),
            Err(EntryError::BadKeyPoint(2))
        );
        let bad = Entry {
            rating: Some(5),
            ..e
        };
        assert_eq!(bad.validated(&scale, 3), Err(EntryError::BadRating(5, 4)));
        assert_eq!(scale.label(1), Some("Strong no"));
        assert_eq!(scale.label(0), None);
        assert!(Scale::new(vec!["a".into()]).is_err());
        assert!(Scale::new(vec!["a".into(), "a".into()]).is_err());
    }

    #[test]
    fn the_calendar_file_is_folded_and_escaped() {
        let attendees = vec![(
            "Grace \"G\" Hopper".to_string(),
            "grace@example.com".to_string(),
        )];
        let ev = CalendarEvent {
            uid: "42@parley",
            sequence: 1,
            start_ms: 1_795_644_000_000,
            minutes: 45,
            summary: "Interview: Zoë Łukasiewicz; Backend, senior",
            description: &"Line one\nline two ".repeat(10),
            organizer: Some(("Ada", "ada@example.com")),
            attendees: &attendees,
            now_ms: 1_795_600_000_000,
            cancelled: false,
        };
        let ics = ev.to_ics();
        let unfolded = ics.replace("\r\n ", "");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20261125T220000Z\r\n"));
        assert!(ics.contains("DTEND:20261125T224500Z\r\n"));
        assert!(unfolded.contains("SUMMARY:Interview: Zoë Łukasiewicz\\; Backend\\, senior"));
        assert!(unfolded.contains(
            "ATTENDEE;CN=\"Grace G Hopper\";ROLE=REQ-PARTICIPANT:mailto:grace@example.com"
        ));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }
}
