//! Mock interviews' records: the plan, the deadline, the answers (practice attempts tied to
//! the mock) and the report. Finishing writes the report and every answer's rating and card in
//! one transaction, once.

use crate::db::{Tx, on};
use crate::hiring::corrupt;
use crate::practice::{
    ATTEMPTS_OF_MOCK, AttemptRow, NewAttempt, StoredAttempt, card_in, cards_in, insert_attempt,
    lock_member, put_card, rate_in,
};
use crate::{Store, StoreError};
use parley_domain::{AttemptId, MockId, OrgId, QuestionId, UserId};
use parley_practice::mock::{MockPlan, MockReport};
use parley_practice::{Card, PracticeError, Rating};
use std::collections::HashMap;

/// Mock answers arriving this long after the deadline are still taken (a slow network).
pub const MOCK_GRACE_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Mock {
    pub id: MockId,
    pub plan: MockPlan,
    pub started_at: i64,
    pub deadline_at: i64,
    pub finished_at: Option<i64>,
    pub report: Option<MockReport>,
    pub answers: Vec<StoredAttempt>,
}

impl Mock {
    /// Whether answers are still taken at `now`.
    pub fn open_at(&self, now: i64) -> bool {
        self.finished_at.is_none() && now <= self.deadline_at + MOCK_GRACE_MS
    }
}

/// What finishing a mock writes: its report and, per answered question, the rating given and
/// the card after it.
pub struct Finished {
    pub report: MockReport,
    pub reviews: Vec<(AttemptId, QuestionId, Rating, Card)>,
}

#[derive(sqlx::FromRow)]
struct MockRow {
    id: String,
    plan: String,
    started_at: i64,
    deadline_at: i64,
    finished_at: Option<i64>,
    report: Option<String>,
}

async fn mock_in(tx: &mut Tx, org: OrgId, user: UserId, id: MockId) -> Result<Mock, StoreError> {
    let sql = "SELECT id, plan, started_at, deadline_at, finished_at, report FROM practice_mocks \
               WHERE id = $1 AND org_id = $2 AND user_id = $3";
    let (id_s, org_s, user_s) = (id.to_string(), org.to_string(), user.to_string());
    let row: Option<MockRow> = on!(tx, c => sqlx::query_as(sql).bind(&id_s).bind(&org_s)
        .bind(&user_s).fetch_optional(c).await)?;
    let row = row.ok_or(StoreError::Missing("mock interview"))?;
    let rows: Vec<AttemptRow> =
        on!(tx, c => sqlx::query_as(ATTEMPTS_OF_MOCK).bind(&id_s).fetch_all(c).await)?;
    Ok(Mock {
        id: row.id.parse().map_err(corrupt)?,
        plan: serde_json::from_str(&row.plan).map_err(corrupt)?,
        started_at: row.started_at,
        deadline_at: row.deadline_at,
        finished_at: row.finished_at,
        report: row
            .report
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(corrupt)?,
        answers: rows
            .into_iter()
            .map(AttemptRow::into_attempt)
            .collect::<Result<_, _>>()?,
    })
}

impl Store {
    pub async fn create_mock(
        &self,
        org: OrgId,
        user: UserId,
        plan: &MockPlan,
        started_at: i64,
    ) -> Result<Mock, StoreError> {
        let id = MockId::new();
        let deadline = started_at + i64::from(plan.minutes) * 60_000;
        let sql = "INSERT INTO practice_mocks (id, user_id, org_id, plan, started_at, deadline_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        let (id_s, user_s, org_s) = (id.to_string(), user.to_string(), org.to_string());
        let body = serde_json::to_string(plan).map_err(corrupt)?;
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(&id_s).bind(&user_s).bind(&org_s).bind(&body)
            .bind(started_at).bind(deadline).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(Mock {
            id,
            plan: plan.clone(),
            started_at,
            deadline_at: deadline,
            finished_at: None,
            report: None,
            answers: Vec::new(),
        })
    }

    pub async fn mock(&self, org: OrgId, user: UserId, id: MockId) -> Result<Mock, StoreError> {
        let mut tx = self.begin_read().await?;
        let m = mock_in(&mut tx, org, user, id).await;
        tx.commit().await?;
        m
    }

    /// The member's mock interviews, newest first.
    pub async fn mocks_of(&self, org: OrgId, user: UserId) -> Result<Vec<Mock>, StoreError> {
        let sql = "SELECT id FROM practice_mocks WHERE org_id = $1 AND user_id = $2 \
                   ORDER BY started_at DESC, id DESC";
        let (org_s, user_s) = (org.to_string(), user.to_string());
        let mut tx = self.begin_read().await?;
        let ids: Vec<String> = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&org_s)
            .bind(&user_s).fetch_all(c).await)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(mock_in(&mut tx, org, user, id.parse().map_err(corrupt)?).await?);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Stores (or replaces) the answer to one question of an open mock.
    pub async fn save_mock_answer(
        &self,
        org: OrgId,
        user: UserId,
        id: MockId,
        attempt: &NewAttempt<'_>,
    ) -> Result<Mock, StoreError> {
        let now = attempt.at;
        let mut tx = self.begin_write().await?;
        lock_member(&mut tx, user).await?;
        let mock = mock_in(&mut tx, org, user, id).await?;
        if !mock.open_at(now) {
            return Err(StoreError::Refused(if mock.finished_at.is_some() {
                "this mock interview is finished".into()
            } else {
                "time is up for this mock interview: finish it to see the report".into()
            }));
        }
        if !mock
            .plan
            .questions
            .iter()
            .any(|q| q.question == attempt.question)
        {
            return Err(StoreError::Missing("question in this mock interview"));
        }
        let (id_s, q_s) = (id.to_string(), attempt.question.to_string());
        on!(&mut tx, c => sqlx::query(
            "DELETE FROM practice_attempts WHERE mock_id = $1 AND question_id = $2")
            .bind(&id_s).bind(&q_s).execute(c).await.map(|_| ()))?;
        let first = card_in(&mut tx, org, user, attempt.question)
            .await?
            .is_none();
        insert_attempt(&mut tx, org, user, Some(id), attempt, first, now).await?;
        let mock = mock_in(&mut tx, org, user, id).await?;
        tx.commit().await?;
        Ok(mock)
    }

    /// Finishes a mock once: `finish` gets the mock and the member's cards and returns the
    /// report and the reviews to record. Finishing a finished mock returns it unchanged.
    pub async fn finish_mock(
        &self,
        org: OrgId,
        user: UserId,
        id: MockId,
        now: i64,
        finish: impl FnOnce(&Mock, &HashMap<QuestionId, Card>) -> Result<Finished, PracticeError>,
    ) -> Result<Mock, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_member(&mut tx, user).await?;
        let mock = mock_in(&mut tx, org, user, id).await?;
        if mock.finished_at.is_some() {
            tx.commit().await?;
            return Ok(mock);
        }
        let cards = cards_in(&mut tx, org, user).await?;
        let done = finish(&mock, &cards)?;
        for (attempt, question, rating, card) in &done.reviews {
            put_card(&mut tx, org, user, *question, card).await?;
            rate_in(&mut tx, *attempt, *rating, card, now).await?;
        }
        let sql = "UPDATE practice_mocks SET finished_at = $1, report = $2 WHERE id = $3";
        let (report, id_s) = (
            serde_json::to_string(&done.report).map_err(corrupt)?,
            id.to_string(),
        );
        on!(&mut tx, c => sqlx::query(sql).bind(now).bind(&report).bind(&id_s)
            .execute(c).await.map(|_| ()))?;
        let mock = mock_in(&mut tx, org, user, id).await?;
        tx.commit().await?;
        Ok(mock)
    }
}
