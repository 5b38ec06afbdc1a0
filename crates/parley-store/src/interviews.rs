//! Interviews: each with its kit, its panel, its recorded state changes and each panel
//! member's notes and ratings per kit item.

use crate::db::{Tx, now_ms, on, placeholder_list};
use crate::hiring::{candidate_in, corrupt, role_in, settings_in};
use crate::{Store, StoreError};
use parley_domain::interview::{Entry, Facts, InterviewState, check_transition};
use parley_domain::kit::Kit;
use parley_domain::{CandidateId, InterviewId, JobRoleId, OrgId, QuestionId, Role, UserId};
use serde::Serialize;
use std::collections::HashSet;

/// A stored interview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interview {
    pub id: InterviewId,
    pub org: OrgId,
    pub role: JobRoleId,
    pub candidate: CandidateId,
    pub state: InterviewState,
    pub length_minutes: u32,
    pub kit: Kit,
    /// Increases with every edit of the kit.
    pub kit_revision: u32,
    pub scheduled_at: Option<i64>,
    /// Increases whenever the time changes (the calendar file's SEQUENCE).
    pub sequence: u32,
    pub started_at: Option<i64>,
    pub created_by: UserId,
    pub created_at: i64,
    pub updated_at: i64,
    pub panel: Vec<UserId>,
}

/// What creating an interview needs.
#[derive(Debug, Clone)]
pub struct NewInterview {
    pub role: JobRoleId,
    pub candidate: CandidateId,
    pub kit: Kit,
    pub panel: Vec<UserId>,
    pub scheduled_at: Option<i64>,
    pub created_by: UserId,
}

/// One recorded state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: InterviewState,
    pub to: InterviewState,
    pub by: UserId,
    pub at: i64,
}

/// A panel member's notes on one kit item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEntry {
    pub item: u32,
    pub user: UserId,
    #[serde(flatten)]
    pub entry: Entry,
    pub client_rev: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct InterviewRow {
    id: String,
    org_id: String,
    role_id: String,
    candidate_id: String,
    state: String,
    length_minutes: i64,
    kit: String,
    kit_revision: i64,
    scheduled_at: Option<i64>,
    sequence: i64,
    started_at: Option<i64>,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

macro_rules! columns {
    () => {
        "id, org_id, role_id, candidate_id, state, length_minutes, kit, kit_revision, \
         scheduled_at, sequence, started_at, created_by, created_at, updated_at"
    };
}

impl InterviewRow {
    fn into_interview(self, panel: Vec<UserId>) -> Result<Interview, StoreError> {
        let num = |v: i64| u32::try_from(v).map_err(corrupt);
        Ok(Interview {
            id: self.id.parse().map_err(corrupt)?,
            org: self.org_id.parse().map_err(corrupt)?,
            role: self.role_id.parse().map_err(corrupt)?,
            candidate: self.candidate_id.parse().map_err(corrupt)?,
            state: self.state.parse().map_err(corrupt)?,
            length_minutes: num(self.length_minutes)?,
            kit: serde_json::from_str(&self.kit).map_err(corrupt)?,
            kit_revision: num(self.kit_revision)?,
            scheduled_at: self.scheduled_at,
            sequence: num(self.sequence)?,
            started_at: self.started_at,
            created_by: self.created_by.parse().map_err(corrupt)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            panel,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    item_id: i64,
    user_id: String,
    notes: String,
    rating: Option<i64>,
    checked: String,
    client_rev: i64,
    updated_at: i64,
}

impl EntryRow {
    fn into_entry(self) -> Result<StoredEntry, StoreError> {
        Ok(StoredEntry {
            item: u32::try_from(self.item_id).map_err(corrupt)?,
            user: self.user_id.parse().map_err(corrupt)?,
            entry: Entry {
                notes: self.notes,
                rating: self.rating.map(u8::try_from).transpose().map_err(corrupt)?,
                checked: serde_json::from_str(&self.checked).map_err(corrupt)?,
            },
            client_rev: self.client_rev,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Creates an interview in `draft` with its kit (and its time, when known).
    /// Every panel member must be a member of the organisation who may run interviews.
    pub async fn create_interview(
        &self,
        org: OrgId,
        new: NewInterview,
    ) -> Result<Interview, StoreError> {
        let mut tx = self.begin_write().await?;
        role_in(&mut tx, org, new.role).await??;
        candidate_in(&mut tx, org, new.candidate).await??;
        crate::privacy::refuse_if_erased(&mut tx, &new.candidate.to_string()).await?;
        let panel = check_panel(&mut tx, org, &new.panel).await?;
        let (id, now) = (InterviewId::new(), now_ms());
        let sql = concat!(
            "INSERT INTO interviews (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, 'draft', $5, $6, 1, $7, 1, NULL, $8, $9, $9)"
        );
        let s = |v: &dyn ToString| v.to_string();
        let (id_s, org_s, role_s, cand_s, by_s) = (
            s(&id),
            s(&org),
            s(&new.role),
            s(&new.candidate),
            s(&new.created_by),
        );
        let kit = serde_json::to_string(&new.kit).map_err(corrupt)?;
        let length = i64::from(new.kit.length_minutes);
        on!(&mut tx, c => sqlx::query(sql).bind(&id_s).bind(&org_s).bind(&role_s)
            .bind(&cand_s).bind(length).bind(&kit).bind(new.scheduled_at).bind(&by_s).bind(now)
            .execute(c).await.map(|_| ()))?;
        write_panel(&mut tx, id, &panel).await?;
        tx.commit().await?;
        self.interview(org, id).await
    }

    pub async fn interview(&self, org: OrgId, id: InterviewId) -> Result<Interview, StoreError> {
        let mut tx = self.begin_read().await?;
        let i = interview_in(&mut tx, org, id, false).await?;
        tx.commit().await?;
        i
    }

    /// The organisation's interviews, newest first; only one candidate's when given.
    pub async fn interviews_of(
        &self,
        org: OrgId,
        candidate: Option<CandidateId>,
    ) -> Result<Vec<Interview>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM interviews WHERE org_id = $1 AND ($2 IS NULL OR candidate_id = $2) \
             ORDER BY created_at DESC, id DESC"
        );
        let (org_s, cand_s) = (org.to_string(), candidate.map(|c| c.to_string()));
        let mut tx = self.begin_read().await?;
        let rows: Vec<InterviewRow> = on!(&mut tx, c => sqlx::query_as(sql)
            .bind(&org_s).bind(&cand_s).fetch_all(c).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let panel = panel_of(&mut tx, &row.id).await?;
            out.push(row.into_interview(panel)?);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Applies `edit` to the interview's kit while the interview has not started; with
    /// `expected`, refused as `Stale` when the kit changed since the caller read it.
    pub async fn edit_kit<T>(
        &self,
        org: OrgId,
        id: InterviewId,
        expected: Option<u32>,
        edit: impl FnOnce(&mut Kit) -> Result<T, parley_domain::kit::KitError>,
    ) -> Result<(Interview, T), StoreError> {
        let mut tx = self.begin_write().await?;
        let mut iv = interview_in(&mut tx, org, id, true).await??;
        if !matches!(iv.state, InterviewState::Draft | InterviewState::Scheduled) {
            return Err(StoreError::Refused(
                "the kit is fixed once the interview has started".into(),
            ));
        }
        if let Some(e) = expected.filter(|&e| e != iv.kit_revision) {
            return Err(StoreError::Stale {
                what: "kit",
                expected: e,
                current: iv.kit_revision,
            });
        }
        let out = edit(&mut iv.kit)?;
        let now = now_ms();
        let kit = serde_json::to_string(&iv.kit).map_err(corrupt)?;
        let (id_s, org_s) = (id.to_string(), org.to_string());
        on!(&mut tx, c => sqlx::query(
            "UPDATE interviews SET kit = $1, length_minutes = $2, kit_revision = kit_revision + 1, \
             updated_at = $3 WHERE id = $4 AND org_id = $5")
            .bind(&kit).bind(i64::from(iv.kit.length_minutes)).bind(now).bind(&id_s).bind(&org_s)
            .execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        iv.kit_revision += 1;
        iv.length_minutes = iv.kit.length_minutes;
        iv.updated_at = now;
        Ok((iv, out))
    }

    /// Sets the time and the panel of an interview that has not started. A new time bumps
    /// the calendar sequence.
    pub async fn plan_interview(
        &self,
        org: OrgId,
        id: InterviewId,
        scheduled_at: Option<i64>,
        panel: &[UserId],
    ) -> Result<Interview, StoreError> {
        let mut tx = self.begin_write().await?;
        let iv = interview_in(&mut tx, org, id, true).await??;
        if !matches!(iv.state, InterviewState::Draft | InterviewState::Scheduled) {
            return Err(StoreError::Refused(
                "the time and the panel are fixed once the interview has started".into(),
            ));
        }
        if iv.state == InterviewState::Scheduled && (scheduled_at.is_none() || panel.is_empty()) {
            return Err(StoreError::Refused(
                "a scheduled interview keeps a time and at least one interviewer".into(),
            ));
        }
        let panel = check_panel(&mut tx, org, panel).await?;
        let bump = i64::from(scheduled_at != iv.scheduled_at);
        let (id_s, org_s) = (id.to_string(), org.to_string());
        on!(&mut tx, c => sqlx::query(
            "UPDATE interviews SET scheduled_at = $1, sequence = sequence + $2, updated_at = $3 \
             WHERE id = $4 AND org_id = $5")
            .bind(scheduled_at).bind(bump).bind(now_ms()).bind(&id_s).bind(&org_s)
            .execute(c).await.map(|_| ()))?;
        on!(&mut tx, c => sqlx::query("DELETE FROM interview_panel WHERE interview_id = $1")
            .bind(&id_s).execute(c).await.map(|_| ()))?;
        write_panel(&mut tx, id, &panel).await?;
        tx.commit().await?;
        self.interview(org, id).await
    }

    /// Moves the interview to `to` if the state machine allows it, and records who did.
    pub async fn transition_interview(
        &self,
        org: OrgId,
        id: InterviewId,
        to: InterviewState,
        by: UserId,
    ) -> Result<Interview, StoreError> {
        let mut tx = self.begin_write().await?;
        let iv = interview_in(&mut tx, org, id, true).await??;
        record_transition(&mut tx, org, &iv, to, by, now_ms()).await?;
        tx.commit().await?;
        self.interview(org, id).await
    }

    /// The interview's state changes, oldest first.
    pub async fn transitions_of(
        &self,
        org: OrgId,
        id: InterviewId,
    ) -> Result<Vec<Transition>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let id_s = id.to_string();
        let rows: Vec<(String, String, String, i64)> = on!(&mut tx, c => sqlx::query_as(
            "SELECT from_state, to_state, by_user, at FROM interview_transitions \
             WHERE interview_id = $1 ORDER BY seq")
            .bind(&id_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(f, t, by, at)| {
                Ok(Transition {
                    from: f.parse().map_err(corrupt)?,
                    to: t.parse().map_err(corrupt)?,
                    by: by.parse().map_err(corrupt)?,
                    at,
                })
            })
            .collect()
    }

    /// Saves `user`'s notes on kit item `item`, replacing what was there unless the stored
    /// save is newer (`client_rev` at least as high): a retried or late save never doubles
    /// or undoes anything. Returns what is stored afterwards.
    pub async fn save_entry(
        &self,
        org: OrgId,
        id: InterviewId,
        user: UserId,
        item: u32,
        entry: Entry,
        client_rev: i64,
    ) -> Result<StoredEntry, StoreError> {
        let mut tx = self.begin_write().await?;
        // Locked like a submission or a decision, so no note slips in after either.
        let iv = interview_in(&mut tx, org, id, true).await??;
        if !iv.panel.contains(&user) {
            return Err(StoreError::Refused(
                "only the interview's panel takes notes on it".into(),
            ));
        }
        crate::privacy::refuse_if_erased(&mut tx, &iv.candidate.to_string()).await?;
        let submitted: i64 = on!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM scorecards WHERE interview_id = $1 AND user_id = $2")
            .bind(id.to_string()).bind(user.to_string()).fetch_one(c).await)?;
        if submitted > 0 {
            return Err(StoreError::Refused(
                "your scorecard is submitted; its notes are final".into(),
            ));
        }
        if !iv.state.takes_notes() {
            return Err(StoreError::Refused(format!(
                "notes are taken from the start of the interview until it is assessed; it is {}",
                iv.state.label().to_lowercase()
            )));
        }
        let key_points = iv
            .kit
            .item(item)
            .ok_or(parley_domain::kit::KitError::NoItem(item))?
            .key_points
            .len();
        let scale = settings_in(&mut tx, org).await?.scale;
        let entry = entry.validated(&scale, key_points)?;
        let checked = serde_json::to_string(&entry.checked).map_err(corrupt)?;
        let (id_s, user_s) = (id.to_string(), user.to_string());
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO interview_entries \
             (interview_id, user_id, item_id, notes, rating, checked, client_rev, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (interview_id, user_id, item_id) DO UPDATE SET notes = excluded.notes, \
             rating = excluded.rating, checked = excluded.checked, \
             client_rev = excluded.client_rev, updated_at = excluded.updated_at \
             WHERE interview_entries.client_rev < excluded.client_rev")
            .bind(&id_s).bind(&user_s).bind(i64::from(item)).bind(&entry.notes)
            .bind(entry.rating.map(i64::from)).bind(&checked).bind(client_rev).bind(now_ms())
            .execute(c).await.map(|_| ()))?;
        let stored = entries_in(&mut tx, id, Some(user), Some(item)).await?;
        tx.commit().await?;
        stored
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("a saved entry vanished".into()))
    }

    /// The notes of one panel member (or of all, with `None`) on an interview.
    pub async fn entries_of(
        &self,
        org: OrgId,
        id: InterviewId,
        user: Option<UserId>,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let mut tx = self.begin_read().await?;
        interview_in(&mut tx, org, id, false).await??;
        let out = entries_in(&mut tx, id, user, None).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The bank questions this candidate was asked in interviews that took place (other than
    /// `except`).
    pub async fn asked_questions(
        &self,
        org: OrgId,
        candidate: CandidateId,
        except: Option<InterviewId>,
    ) -> Result<HashSet<QuestionId>, StoreError> {
        // The states in which an interview counts as having asked its questions.
        let sql = "SELECT kit FROM interviews WHERE org_id = $1 AND candidate_id = $2 \
                   AND id <> $3 AND state IN ('in_progress', 'completed', 'assessed', 'feedback_sent')";
        let (org_s, cand_s) = (org.to_string(), candidate.to_string());
        let except_s = except.map_or_else(String::new, |e| e.to_string());
        let mut tx = self.begin_read().await?;
        let kits: Vec<String> = on!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(&org_s).bind(&cand_s).bind(&except_s).fetch_all(c).await)?;
        tx.commit().await?;
        let mut out = HashSet::new();
        for k in kits {
            let kit: Kit = serde_json::from_str(&k).map_err(corrupt)?;
            out.extend(kit.question_ids());
        }
        Ok(out)
    }
}

/// Checks the move of `iv` to `to` against the state machine (with what the interview has:
/// a time, a panel, a decision, a note delivered or shared) and records it.
pub(crate) async fn record_transition(
    tx: &mut Tx,
    org: OrgId,
    iv: &Interview,
    to: InterviewState,
    by: UserId,
    now: i64,
) -> Result<(), StoreError> {
    let id_s = iv.id.to_string();
    let (decided, delivered): (i64, i64) = on!(tx, c => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM decisions WHERE interview_id = $1), \
                (SELECT COUNT(*) FROM note_deliveries WHERE interview_id = $1 AND status = 'sent') \
              + (SELECT COUNT(*) FROM candidate_notes WHERE interview_id = $1 AND share_hash IS NOT NULL)")
        .bind(&id_s).fetch_one(c).await)?;
    let facts = Facts {
        scheduled_at: iv.scheduled_at,
        panel: iv.panel.len(),
        decided: decided > 0,
        feedback_given: delivered > 0,
    };
    check_transition(iv.state, to, facts)?;
    let started = (to == InterviewState::InProgress).then_some(now);
    let (org_s, by_s) = (org.to_string(), by.to_string());
    on!(tx, c => sqlx::query(
        "UPDATE interviews SET state = $1, started_at = COALESCE($2, started_at), \
         updated_at = $3 WHERE id = $4 AND org_id = $5")
        .bind(to.as_str()).bind(started).bind(now).bind(&id_s).bind(&org_s)
        .execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query(
        "INSERT INTO interview_transitions (interview_id, seq, from_state, to_state, by_user, at) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM interview_transitions \
                      WHERE interview_id = $1), $2, $3, $4, $5)")
        .bind(&id_s).bind(iv.state.as_str()).bind(to.as_str()).bind(&by_s).bind(now)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The interview (locked for the rest of the transaction on PostgreSQL when `lock`), or
/// `Missing`.
pub(crate) async fn interview_in(
    tx: &mut Tx,
    org: OrgId,
    id: InterviewId,
    lock: bool,
) -> Result<Result<Interview, StoreError>, StoreError> {
    let sql = if lock && matches!(tx, Tx::Postgres(_)) {
        concat!(
            "SELECT ",
            columns!(),
            " FROM interviews WHERE id = $1 AND org_id = $2 FOR UPDATE"
        )
    } else {
        concat!(
            "SELECT ",
            columns!(),
            " FROM interviews WHERE id = $1 AND org_id = $2"
        )
    };
    let (id_s, org_s) = (id.to_string(), org.to_string());
    let row: Option<InterviewRow> =
        on!(tx, c => sqlx::query_as(sql).bind(&id_s).bind(&org_s).fetch_optional(c).await)?;
    let Some(row) = row else {
        return Ok(Err(StoreError::Missing("interview")));
    };
    let panel = panel_of(tx, &row.id).await?;
    Ok(row.into_interview(panel))
}

async fn panel_of(tx: &mut Tx, id: &str) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<String> = on!(tx, c => sqlx::query_scalar(
        "SELECT user_id FROM interview_panel WHERE interview_id = $1 ORDER BY user_id")
        .bind(id).fetch_all(c).await)?;
    ids.iter().map(|s| s.parse().map_err(corrupt)).collect()
}

/// The panel without repeats, after checking each member belongs to `org` and may interview.
async fn check_panel(tx: &mut Tx, org: OrgId, panel: &[UserId]) -> Result<Vec<UserId>, StoreError> {
    let mut ids: Vec<UserId> = panel.to_vec();
    ids.sort();
    ids.dedup();
    if ids.len() > 12 {
        return Err(StoreError::Refused(
            "a panel has at most 12 interviewers".into(),
        ));
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let sql = format!(
        "SELECT id, role FROM users WHERE org_id = $1 AND id IN ({})",
        placeholder_list(2, ids.len())
    );
    let org_s = org.to_string();
    let strs: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = on!(tx, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(&org_s);
        for s in &strs {
            q = q.bind(s);
        }
        q.fetch_all(c).await
    })?;
    if rows.len() != ids.len() {
        return Err(StoreError::Missing("panel member"));
    }
    if rows
        .iter()
        .any(|(_, r)| r.parse::<Role>().ok() == Some(Role::Candidate))
    {
        return Err(StoreError::Refused(
            "a candidate account cannot sit on a panel".into(),
        ));
    }
    Ok(ids)
}

async fn write_panel(tx: &mut Tx, id: InterviewId, panel: &[UserId]) -> Result<(), StoreError> {
    let id_s = id.to_string();
    for u in panel {
        let u = u.to_string();
        on!(tx, c => sqlx::query("INSERT INTO interview_panel (interview_id, user_id) VALUES ($1, $2)")
            .bind(&id_s).bind(&u).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

async fn entries_in(
    tx: &mut Tx,
    id: InterviewId,
    user: Option<UserId>,
    item: Option<u32>,
) -> Result<Vec<StoredEntry>, StoreError> {
    let (id_s, user_s) = (id.to_string(), user.map(|u| u.to_string()));
    let item = item.map(i64::from);
    let rows: Vec<EntryRow> = on!(tx, c => sqlx::query_as(
        "SELECT item_id, user_id, notes, rating, checked, client_rev, updated_at \
         FROM interview_entries WHERE interview_id = $1 \
         AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR item_id = $3) \
         ORDER BY user_id, item_id")
        .bind(&id_s).bind(&user_s).bind(item).fetch_all(c).await)?;
    rows.into_iter().map(EntryRow::into_entry).collect()
}
