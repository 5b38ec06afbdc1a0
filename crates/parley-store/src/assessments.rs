//! After the interview: scorecards submitted by panel members, the panel's decision, the
//! summary note for the candidate (with its share link) and the note's deliveries.

use crate::db::{Tx, now_ms, on};
use crate::hiring::corrupt;
use crate::interviews::{interview_in, record_transition};
use crate::{Store, StoreError};
use parley_domain::assessment::{Recommendation, Verdict};
use parley_domain::feedback::MAX_NOTE_CHARS;
use parley_domain::interview::InterviewState;
use parley_domain::{InterviewId, OrgId, UserId};
use serde::Serialize;

/// A panel member's submitted scorecard: their call and why (the notes behind it are the
/// member's entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub user: UserId,
    pub verdict: Verdict,
    pub submitted_at: i64,
}

/// The panel's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub by: UserId,
    pub at: i64,
}

/// The summary note for the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateNote {
    pub body: String,
    pub revision: u32,
    pub updated_by: UserId,
    pub updated_at: i64,
    /// When the share link stops working; `None` without a link.
    pub share_expires_at: Option<i64>,
}

/// One attempt to e-mail a revision of the note to an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub revision: u32,
    pub address: String,
    /// `sending`, `sent` or `failed`.
    pub status: String,
    pub detail: String,
    pub attempted_at: i64,
}

/// What `begin_delivery` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStart {
    /// Nothing was sent for this revision and address yet: send it, then `finish_delivery`.
    Send,
    /// Sent (or being sent) before: the earlier attempt stands.
    Done(Delivery),
}

type NoteRow = (String, i64, String, i64, Option<i64>);
/// A shared note's organisation and interview, then its `NoteRow` columns.
type SharedRow = (String, String, String, i64, String, i64, Option<i64>);

fn note_from(row: NoteRow) -> Result<CandidateNote, StoreError> {
    let (body, revision, by, at, expires) = row;
    Ok(CandidateNote {
        body,
        revision: u32::try_from(revision).map_err(corrupt)?,
        updated_by: by.parse().map_err(corrupt)?,
        updated_at: at,
        share_expires_at: expires,
    })
}

impl Store {
    /// Submits `user`'s scorecard on a completed interview. A scorecard is submitted once: it
    /// is what the others may then see, and the member's notes are closed with it.
    pub async fn submit_scorecard(
        &self,
        org: OrgId,
        id: InterviewId,
        user: UserId,
        verdict: Verdict,
    ) -> Result<Scorecard, StoreError> {
        let verdict = verdict.validated()?;
        let mut tx = self.begin_write().await?;
        let iv = interview_in(&mut tx, org, id, true).await??;
        if !iv.panel.contains(&user) {
            return Err(StoreError::Refused(
                "only the interview's panel submits scorecards".into(),
            ));
        }
        if iv.state != InterviewState::Completed {
            return Err(StoreError::Refused(format!(
                "scorecards are submitted once the interview is completed and before it is assessed; it is {}",
                iv.state.label().to_lowercase()
            )));
        }
        let (id_s, user_s, now) = (id.to_string(), user.to_string(), now_ms());
        let done = on!(&mut tx, c => sqlx::query(
            "INSERT INTO scorecards (interview_id, user_id, recommendation, rationale, submitted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (interview_id, user_id) DO NOTHING")
            .bind(&id_s).bind(&user_s).bind(verdict.recommendation.as_str())
            .bind(&verdict.rationale).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::Refused(
                "you have submitted your scorecard already".into(),
            ));
        }
        tx.commit().await?;
        Ok(Scorecard {
            user,
            verdict,
            submitted_at: now,
        })
    }

    /// The submitted scorecards of an interview.
    pub async fn scorecards_of(
        &self,
        org: OrgId,
        id: InterviewId,
    ) -> Result<Vec<Scorecard>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let out = scorecards_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Records the panel's decision and moves the interview to `assessed`, in one transaction.
    pub async fn decide(
        &self,
        org: OrgId,
        id: InterviewId,
        by: UserId,
        verdict: Verdict,
    ) -> Result<Decision, StoreError> {
        let verdict = verdict.validated()?;
        let mut tx = self.begin_write().await?;
        let iv = interview_in(&mut tx, org, id, true).await??;
        if iv.state != InterviewState::Completed {
            return Err(StoreError::Refused(format!(
                "a decision is taken on a completed interview; it is {}",
                iv.state.label().to_lowercase()
            )));
        }
        if scorecards_in(&mut tx, id).await?.is_empty() {
            return Err(StoreError::Refused(
                "no scorecard is submitted yet; decide after the panel has scored".into(),
            ));
        }
        let (id_s, by_s, now) = (id.to_string(), by.to_string(), now_ms());
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO decisions (interview_id, decision, reasons, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5)")
            .bind(&id_s).bind(verdict.recommendation.as_str()).bind(&verdict.rationale)
            .bind(&by_s).bind(now).execute(c).await.map(|_| ()))?;
        record_transition(&mut tx, org, &iv, InterviewState::Assessed, by, now).await?;
        tx.commit().await?;
        Ok(Decision {
            verdict,
            by,
            at: now,
        })
    }

    pub async fn decision_of(
        &self,
        org: OrgId,
        id: InterviewId,
    ) -> Result<Option<Decision>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let id_s = id.to_string();
        let row: Option<(String, String, String, i64)> = on!(&mut tx, c => sqlx::query_as(
            "SELECT decision, reasons, decided_by, decided_at FROM decisions WHERE interview_id = $1")
            .bind(&id_s).fetch_optional(c).await)?;
        tx.commit().await?;
        row.map(|(d, reasons, by, at)| {
            Ok(Decision {
                verdict: Verdict {
                    recommendation: d.parse().map_err(corrupt)?,
                    rationale: reasons,
                },
                by: by.parse().map_err(corrupt)?,
                at,
            })
        })
        .transpose()
    }

    /// Saves the note (a new revision); with `expected`, refused as `Stale` when someone saved
    /// since. Only an assessed interview has a note.
    pub async fn save_note(
        &self,
        org: OrgId,
        id: InterviewId,
        by: UserId,
        body: &str,
        expected: Option<u32>,
    ) -> Result<CandidateNote, StoreError> {
        if body.chars().count() > MAX_NOTE_CHARS {
            return Err(StoreError::Refused(format!(
                "a note has at most {MAX_NOTE_CHARS} characters"
            )));
        }
        if body.contains('\0') {
            return Err(StoreError::Refused("the note holds a NUL character".into()));
        }
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Refused("the note is empty".into()));
        }
        let mut tx = self.begin_write().await?;
        let iv = interview_in(&mut tx, org, id, true).await??;
        crate::privacy::refuse_if_erased(&mut tx, &iv.candidate.to_string()).await?;
        if !matches!(
            iv.state,
            InterviewState::Assessed | InterviewState::FeedbackSent
        ) {
            return Err(StoreError::Refused(
                "the note is written once the interview is assessed".into(),
            ));
        }
        let current = note_in(&mut tx, id).await?;
        let revision = current.as_ref().map_or(0, |n| n.revision);
        if let Some(e) = expected.filter(|&e| e != revision) {
            return Err(StoreError::Stale {
                what: "note",
                expected: e,
                current: revision,
            });
        }
        let (id_s, by_s, now) = (id.to_string(), by.to_string(), now_ms());
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO candidate_notes (interview_id, body, revision, updated_by, updated_at) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (interview_id) DO UPDATE SET \
             body = excluded.body, revision = candidate_notes.revision + 1, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at")
            .bind(&id_s).bind(body).bind(&by_s).bind(now).execute(c).await.map(|_| ()))?;
        let note = note_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a saved note vanished".into()))?;
        tx.commit().await?;
        Ok(note)
    }

    pub async fn note_of(
        &self,
        org: OrgId,
        id: InterviewId,
    ) -> Result<Option<CandidateNote>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let n = note_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Gives the note a share link (its code's hash) valid until `expires_at`, replacing any
    /// earlier link.
    pub async fn share_note(
        &self,
        org: OrgId,
        id: InterviewId,
        code_hash: &str,
        expires_at: i64,
    ) -> Result<CandidateNote, StoreError> {
        let mut tx = self.begin_write().await?;
        interview_in(&mut tx, org, id, true).await??;
        note_in(&mut tx, id)
            .await?
            .ok_or(StoreError::Missing("note"))?;
        let id_s = id.to_string();
        on!(&mut tx, c => sqlx::query(
            "UPDATE candidate_notes SET share_hash = $1, share_expires_at = $2 WHERE interview_id = $3")
            .bind(code_hash).bind(expires_at).bind(&id_s).execute(c).await.map(|_| ()))?;
        let note = note_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a shared note vanished".into()))?;
        tx.commit().await?;
        Ok(note)
    }

    /// The note behind a share link that has not expired at `now`, with its interview's
    /// organisation; `None` for an unknown or expired link.
    pub async fn note_by_share(
        &self,
        code_hash: &str,
        now: i64,
    ) -> Result<Option<(OrgId, InterviewId, CandidateNote)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let row: Option<SharedRow> = on!(&mut tx, c => sqlx::query_as(
            "SELECT i.org_id, n.interview_id, n.body, n.revision, n.updated_by, n.updated_at, \
             n.share_expires_at FROM candidate_notes n JOIN interviews i ON i.id = n.interview_id \
             WHERE n.share_hash = $1 AND n.share_expires_at > $2")
            .bind(code_hash).bind(now).fetch_optional(c).await)?;
        tx.commit().await?;
        row.map(|(org, iv, body, rev, by, at, exp)| {
            Ok((
                org.parse().map_err(corrupt)?,
                iv.parse().map_err(corrupt)?,
                note_from((body, rev, by, at, exp))?,
            ))
        })
        .transpose()
    }

    /// Claims the sending of note revision `revision` to `address`: `Send` the first time,
    /// the earlier attempt afterwards (a failed one may be tried again).
    pub async fn begin_delivery(
        &self,
        org: OrgId,
        id: InterviewId,
        revision: u32,
        address: &str,
    ) -> Result<DeliveryStart, StoreError> {
        let mut tx = self.begin_write().await?;
        interview_in(&mut tx, org, id, true).await??;
        let (id_s, now) = (id.to_string(), now_ms());
        let earlier = deliveries_in(&mut tx, id)
            .await?
            .into_iter()
            .find(|d| d.revision == revision && d.address == address);
        // A "sending" older than this was cut off (a restart, say) and may be tried again.
        const STALE_SENDING_MS: i64 = 5 * 60_000;
        if let Some(d) = earlier
            && (d.status == "sent"
                || (d.status == "sending" && now - d.attempted_at < STALE_SENDING_MS))
        {
            return Ok(DeliveryStart::Done(d));
        }
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO note_deliveries (interview_id, revision, address, status, detail, attempted_at) \
             VALUES ($1, $2, $3, 'sending', '', $4) ON CONFLICT (interview_id, revision, address) \
             DO UPDATE SET status = 'sending', detail = '', attempted_at = excluded.attempted_at")
            .bind(&id_s).bind(i64::from(revision)).bind(address).bind(now)
            .execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(DeliveryStart::Send)
    }

    /// Records how a delivery ended (`sent` or `failed`, with the server's words).
    pub async fn finish_delivery(
        &self,
        org: OrgId,
        id: InterviewId,
        revision: u32,
        address: &str,
        sent: bool,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        interview_in(&mut tx, org, id, false).await??;
        let id_s = id.to_string();
        let status = if sent { "sent" } else { "failed" };
        let detail: String = detail.chars().take(500).collect();
        on!(&mut tx, c => sqlx::query(
            "UPDATE note_deliveries SET status = $1, detail = $2 \
             WHERE interview_id = $3 AND revision = $4 AND address = $5")
            .bind(status).bind(&detail).bind(&id_s).bind(i64::from(revision)).bind(address)
            .execute(c).await.map(|_| ()))?;
        tx.commit().await
    }

    pub async fn deliveries_of(
        &self,
        org: OrgId,
        id: InterviewId,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let out = deliveries_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }
}

pub(crate) async fn scorecards_in(
    tx: &mut Tx,
    id: InterviewId,
) -> Result<Vec<Scorecard>, StoreError> {
    let id_s = id.to_string();
    let rows: Vec<(String, String, String, i64)> = on!(tx, c => sqlx::query_as(
        "SELECT user_id, recommendation, rationale, submitted_at FROM scorecards \
         WHERE interview_id = $1 ORDER BY submitted_at, user_id")
        .bind(&id_s).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(u, r, rationale, at)| {
            Ok(Scorecard {
                user: u.parse().map_err(corrupt)?,
                verdict: Verdict {
                    recommendation: r.parse::<Recommendation>().map_err(corrupt)?,
                    rationale,
                },
                submitted_at: at,
            })
        })
        .collect()
}

pub(crate) async fn note_in(
    tx: &mut Tx,
    id: InterviewId,
) -> Result<Option<CandidateNote>, StoreError> {
    let id_s = id.to_string();
    let row: Option<NoteRow> = on!(tx, c => sqlx::query_as(
        "SELECT body, revision, updated_by, updated_at, share_expires_at FROM candidate_notes \
         WHERE interview_id = $1")
        .bind(&id_s).fetch_optional(c).await)?;
    row.map(note_from).transpose()
}

pub(crate) async fn deliveries_in(
    tx: &mut Tx,
    id: InterviewId,
) -> Result<Vec<Delivery>, StoreError> {
    let id_s = id.to_string();
    let rows: Vec<(i64, String, String, String, i64)> = on!(tx, c => sqlx::query_as(
        "SELECT revision, address, status, detail, attempted_at FROM note_deliveries \
         WHERE interview_id = $1 ORDER BY attempted_at, address")
        .bind(&id_s).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(rev, address, status, detail, at)| {
            Ok(Delivery {
                revision: u32::try_from(rev).map_err(corrupt)?,
                address,
                status,
                detail,
                attempted_at: at,
            })
        })
        .collect()
}
