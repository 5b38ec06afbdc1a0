//! Practice mode's records: each member's settings, their FSRS cards, every written answer
//! with its grade and rating, and mock interviews. Every query filters by organisation and
//! member: nobody reads or rates another person's practice.
//!
//! The scheduler is not called here: rating and finishing a mock take a closure that turns the
//! stored card into the next one, run inside the writing transaction so a card never moves
//! twice for one answer.

use crate::db::{Tx, now_ms, on};
use crate::hiring::corrupt;
use crate::{Store, StoreError};
use parley_domain::{AttemptId, MockId, OrgId, QuestionId, UserId};
use parley_practice::{Card, PracticeError, Rating, Settings};
use std::collections::HashMap;

/// An answer to store.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub question: QuestionId,
    pub section: Option<&'a str>,
    pub question_text: &'a str,
    pub answer: &'a str,
    /// The grade as the API shows it (JSON).
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub suggested: Option<Rating>,
    /// When it was written (the caller's clock, so the daily limit and the scheduler agree).
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredAttempt {
    pub id: AttemptId,
    pub question: QuestionId,
    pub mock: Option<MockId>,
    pub section: Option<String>,
    pub question_text: String,
    pub answer: String,
    pub grade: Option<String>,
    pub score: Option<f64>,
    pub suggested: Option<Rating>,
    pub rating: Option<Rating>,
    /// The card right after this answer was rated.
    pub card: Option<Card>,
    /// No card existed for the question when it was answered.
    pub first_time: bool,
    pub answered_at: i64,
    pub rated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AttemptRow {
    id: String,
    question_id: String,
    mock_id: Option<String>,
    section: Option<String>,
    question_text: String,
    answer: String,
    grade: Option<String>,
    score: Option<f64>,
    suggested: Option<String>,
    rating: Option<String>,
    card: Option<String>,
    first_time: i64,
    answered_at: i64,
    rated_at: Option<i64>,
}

macro_rules! attempt_columns {
    () => {
        "id, question_id, mock_id, section, question_text, answer, grade, score, suggested, \
         rating, card, first_time, answered_at, rated_at"
    };
}

/// A mock's answers, oldest first.
pub(crate) const ATTEMPTS_OF_MOCK: &str = concat!(
    "SELECT ",
    attempt_columns!(),
    " FROM practice_attempts WHERE mock_id = $1 ORDER BY answered_at, id"
);

fn rating(s: Option<String>) -> Result<Option<Rating>, StoreError> {
    s.map(|r| r.parse::<Rating>()).transpose().map_err(corrupt)
}

impl AttemptRow {
    pub(crate) fn into_attempt(self) -> Result<StoredAttempt, StoreError> {
        Ok(StoredAttempt {
            id: self.id.parse().map_err(corrupt)?,
            question: self.question_id.parse().map_err(corrupt)?,
            mock: self
                .mock_id
                .map(|m| m.parse())
                .transpose()
                .map_err(corrupt)?,
            section: self.section,
            question_text: self.question_text,
            answer: self.answer,
            grade: self.grade,
            score: self.score,
            suggested: rating(self.suggested)?,
            rating: rating(self.rating)?,
            card: self
                .card
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(corrupt)?,
            first_time: self.first_time != 0,
            answered_at: self.answered_at,
            rated_at: self.rated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CardRow {
    question_id: String,
    stability: f64,
    difficulty: f64,
    due_at: i64,
    last_review_at: i64,
    reps: i64,
    lapses: i64,
    last_rating: String,
    last_score: Option<f64>,
}

impl CardRow {
    fn into_card(self) -> Result<(QuestionId, Card), StoreError> {
        Ok((
            self.question_id.parse().map_err(corrupt)?,
            Card {
                stability: self.stability,
                difficulty: self.difficulty,
                due_ms: self.due_at,
                last_review_ms: self.last_review_at,
                reps: u32::try_from(self.reps).map_err(corrupt)?,
                lapses: u32::try_from(self.lapses).map_err(corrupt)?,
                last_rating: self.last_rating.parse().map_err(corrupt)?,
                last_score: self.last_score,
            },
        ))
    }
}

macro_rules! card_select {
    () => {
        "SELECT question_id, stability, difficulty, due_at, last_review_at, reps, lapses, \
         last_rating, last_score FROM practice_cards WHERE org_id = $1 AND user_id = $2"
    };
}

pub(crate) async fn cards_in(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
) -> Result<HashMap<QuestionId, Card>, StoreError> {
    let (org_s, user_s) = (org.to_string(), user.to_string());
    let rows: Vec<CardRow> =
        on!(tx, c => sqlx::query_as(card_select!()).bind(&org_s).bind(&user_s).fetch_all(c).await)?;
    rows.into_iter().map(CardRow::into_card).collect()
}

pub(crate) async fn card_in(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    question: QuestionId,
) -> Result<Option<Card>, StoreError> {
    let sql = concat!(card_select!(), " AND question_id = $3");
    let (org_s, user_s, q_s) = (org.to_string(), user.to_string(), question.to_string());
    let row: Option<CardRow> = on!(tx, c => sqlx::query_as(sql).bind(&org_s).bind(&user_s)
        .bind(&q_s).fetch_optional(c).await)?;
    row.map(|r| r.into_card().map(|(_, c)| c)).transpose()
}

pub(crate) async fn put_card(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    question: QuestionId,
    card: &Card,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO practice_cards (user_id, question_id, org_id, stability, difficulty, \
               due_at, last_review_at, reps, lapses, last_rating, last_score) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
               ON CONFLICT (user_id, question_id) DO UPDATE SET stability = excluded.stability, \
               difficulty = excluded.difficulty, due_at = excluded.due_at, \
               last_review_at = excluded.last_review_at, reps = excluded.reps, \
               lapses = excluded.lapses, last_rating = excluded.last_rating, \
               last_score = excluded.last_score";
    let (user_s, q_s, org_s) = (user.to_string(), question.to_string(), org.to_string());
    on!(tx, c => sqlx::query(sql).bind(&user_s).bind(&q_s).bind(&org_s).bind(card.stability)
        .bind(card.difficulty).bind(card.due_ms).bind(card.last_review_ms)
        .bind(i64::from(card.reps)).bind(i64::from(card.lapses))
        .bind(card.last_rating.as_str()).bind(card.last_score)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Serialises one member's practice writes on PostgreSQL (SQLite writers already take turns):
/// two ratings of answers to one question, or a rating beside a mock's finish, would otherwise
/// both read the same card and one update would be lost.
pub(crate) async fn lock_member(tx: &mut Tx, user: UserId) -> Result<(), StoreError> {
    if let Tx::Postgres(c) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("parley practice {user}"))
            .execute(&mut **c)
            .await?;
    }
    Ok(())
}

async fn attempt_in(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    id: AttemptId,
) -> Result<StoredAttempt, StoreError> {
    let sql = concat!(
        "SELECT ",
        attempt_columns!(),
        " FROM practice_attempts WHERE id = $1 AND org_id = $2 AND user_id = $3"
    );
    let (id_s, org_s, user_s) = (id.to_string(), org.to_string(), user.to_string());
    let row: Option<AttemptRow> = on!(tx, c => sqlx::query_as(sql).bind(&id_s).bind(&org_s)
        .bind(&user_s).fetch_optional(c).await)?;
    row.ok_or(StoreError::Missing("practice answer"))?
        .into_attempt()
}

pub(crate) async fn insert_attempt(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    mock: Option<MockId>,
    a: &NewAttempt<'_>,
    first_time: bool,
    now: i64,
) -> Result<AttemptId, StoreError> {
    let id = AttemptId::new();
    let sql = "INSERT INTO practice_attempts (id, user_id, org_id, question_id, mock_id, section, \
               question_text, answer, grade, score, suggested, first_time, answered_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    let (id_s, user_s, org_s, q_s) = (
        id.to_string(),
        user.to_string(),
        org.to_string(),
        a.question.to_string(),
    );
    let mock_s = mock.map(|m| m.to_string());
    on!(tx, c => sqlx::query(sql).bind(&id_s).bind(&user_s).bind(&org_s).bind(&q_s)
        .bind(&mock_s).bind(a.section).bind(a.question_text).bind(a.answer).bind(&a.grade)
        .bind(a.score).bind(a.suggested.map(Rating::as_str)).bind(i64::from(first_time))
        .bind(now).execute(c).await.map(|_| ()))?;
    Ok(id)
}

pub(crate) async fn rate_in(
    tx: &mut Tx,
    id: AttemptId,
    rating: Rating,
    card: &Card,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "UPDATE practice_attempts SET rating = $1, card = $2, rated_at = $3 WHERE id = $4";
    let card_s = serde_json::to_string(card).map_err(corrupt)?;
    let id_s = id.to_string();
    on!(tx, c => sqlx::query(sql).bind(rating.as_str()).bind(&card_s).bind(now).bind(&id_s)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

impl Store {
    pub async fn practice_settings(
        &self,
        org: OrgId,
        user: UserId,
    ) -> Result<Settings, StoreError> {
        let sql = "SELECT body FROM practice_settings WHERE user_id = $1 AND org_id = $2";
        let (user_s, org_s) = (user.to_string(), org.to_string());
        let mut tx = self.begin_read().await?;
        let body: Option<String> = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&user_s)
            .bind(&org_s).fetch_optional(c).await)?;
        tx.commit().await?;
        match body {
            Some(b) => serde_json::from_str(&b).map_err(corrupt),
            None => Ok(Settings::default()),
        }
    }

    pub async fn save_practice_settings(
        &self,
        org: OrgId,
        user: UserId,
        settings: &Settings,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO practice_settings (user_id, org_id, body, updated_at) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET \
                   body = excluded.body, updated_at = excluded.updated_at";
        let (user_s, org_s) = (user.to_string(), org.to_string());
        let body = serde_json::to_string(settings).map_err(corrupt)?;
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(&user_s).bind(&org_s).bind(&body)
            .bind(now_ms()).execute(c).await.map(|_| ()))?;
        tx.commit().await
    }

    /// Every card of the member, by question.
    pub async fn practice_cards(
        &self,
        org: OrgId,
        user: UserId,
    ) -> Result<HashMap<QuestionId, Card>, StoreError> {
        let mut tx = self.begin_read().await?;
        let cards = cards_in(&mut tx, org, user).await?;
        tx.commit().await?;
        Ok(cards)
    }

    /// How many questions the member started for the first time since `since_ms`.
    pub async fn practice_new_since(
        &self,
        org: OrgId,
        user: UserId,
        since_ms: i64,
    ) -> Result<u32, StoreError> {
        let sql = "SELECT COUNT(DISTINCT question_id) FROM practice_attempts WHERE org_id = $1 \
                   AND user_id = $2 AND first_time = 1 AND mock_id IS NULL AND answered_at >= $3";
        let (org_s, user_s) = (org.to_string(), user.to_string());
        let mut tx = self.begin_read().await?;
        let n: i64 = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&org_s).bind(&user_s)
            .bind(since_ms).fetch_one(c).await)?;
        tx.commit().await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Questions with a practice answer written since `since_ms` and not rated yet.
    pub async fn practice_pending(
        &self,
        org: OrgId,
        user: UserId,
        since_ms: i64,
    ) -> Result<Vec<QuestionId>, StoreError> {
        let sql = "SELECT DISTINCT question_id FROM practice_attempts WHERE org_id = $1 \
                   AND user_id = $2 AND mock_id IS NULL AND rating IS NULL AND answered_at >= $3";
        let (org_s, user_s) = (org.to_string(), user.to_string());
        let mut tx = self.begin_read().await?;
        let ids: Vec<String> = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&org_s)
            .bind(&user_s).bind(since_ms).fetch_all(c).await)?;
        tx.commit().await?;
        ids.into_iter()
            .map(|i| i.parse().map_err(corrupt))
            .collect()
    }

    /// Stores a practice answer (graded, not yet rated).
    pub async fn add_practice_attempt(
        &self,
        org: OrgId,
        user: UserId,
        attempt: &NewAttempt<'_>,
    ) -> Result<StoredAttempt, StoreError> {
        let mut tx = self.begin_write().await?;
        let first = card_in(&mut tx, org, user, attempt.question)
            .await?
            .is_none();
        let id = insert_attempt(&mut tx, org, user, None, attempt, first, attempt.at).await?;
        let stored = attempt_in(&mut tx, org, user, id).await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn practice_attempt(
        &self,
        org: OrgId,
        user: UserId,
        id: AttemptId,
    ) -> Result<StoredAttempt, StoreError> {
        let mut tx = self.begin_read().await?;
        let a = attempt_in(&mut tx, org, user, id).await;
        tx.commit().await?;
        a
    }

    /// The member's answers: practice answers only (`mocks` false) or all, rated or not, in
    /// the order they were written.
    pub async fn practice_attempts(
        &self,
        org: OrgId,
        user: UserId,
        rated_only: bool,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        let sql = if rated_only {
            concat!(
                "SELECT ",
                attempt_columns!(),
                " FROM practice_attempts WHERE org_id = $1 AND user_id = $2 \
                 AND rating IS NOT NULL ORDER BY answered_at, id"
            )
        } else {
            concat!(
                "SELECT ",
                attempt_columns!(),
                " FROM practice_attempts WHERE org_id = $1 AND user_id = $2 \
                 ORDER BY answered_at, id"
            )
        };
        let (org_s, user_s) = (org.to_string(), user.to_string());
        let mut tx = self.begin_read().await?;
        let rows: Vec<AttemptRow> = on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s)
            .bind(&user_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(AttemptRow::into_attempt).collect()
    }

    /// Rates a practice answer once: `review` turns the question's card (none the first time)
    /// into the next one, and both are written in one transaction.
    pub async fn rate_practice_attempt(
        &self,
        org: OrgId,
        user: UserId,
        id: AttemptId,
        rating: Rating,
        now: i64,
        review: impl FnOnce(Option<&Card>, &StoredAttempt) -> Result<Card, PracticeError>,
    ) -> Result<(StoredAttempt, Card), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_member(&mut tx, user).await?;
        let mut attempt = attempt_in(&mut tx, org, user, id).await?;
        if attempt.mock.is_some() {
            return Err(StoreError::Refused(
                "answers of a mock interview are rated when it is finished".into(),
            ));
        }
        if attempt.rating.is_some() {
            return Err(StoreError::Refused("this answer was rated already".into()));
        }
        let before = card_in(&mut tx, org, user, attempt.question).await?;
        let card = review(before.as_ref(), &attempt)?;
        put_card(&mut tx, org, user, attempt.question, &card).await?;
        rate_in(&mut tx, id, rating, &card, now).await?;
        tx.commit().await?;
        attempt.rating = Some(rating);
        attempt.card = Some(card.clone());
        attempt.rated_at = Some(now);
        Ok((attempt, card))
    }
}

/// What the practice queue needs to know of a question, without its texts: enough to choose
/// the next question from a large bank in one light query.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeCandidate {
    pub id: QuestionId,
    pub section: Option<String>,
    pub language: Option<parley_domain::Language>,
    pub kind: parley_domain::QuestionKind,
    pub follow_up_of: Option<QuestionId>,
    pub translation_of: Option<QuestionId>,
    /// It has a reference answer or key points to grade against.
    pub gradable: bool,
}

impl PracticeCandidate {
    pub fn of(q: &parley_domain::Question) -> PracticeCandidate {
        PracticeCandidate {
            id: q.id,
            section: q.draft.section.clone(),
            language: q.draft.language.clone(),
            kind: q.draft.kind,
            follow_up_of: q.follow_up_of,
            translation_of: q.translation_of,
            gradable: q.draft.reference_answer.is_some() || !q.draft.key_points.is_empty(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: String,
    section: Option<String>,
    language: Option<String>,
    kind: String,
    follow_up_of: Option<String>,
    translation_of: Option<String>,
    gradable: i32,
}

impl Store {
    /// Every question of `org` as the practice queue sees it, in bank order.
    pub async fn practice_candidates(
        &self,
        org: OrgId,
    ) -> Result<Vec<PracticeCandidate>, StoreError> {
        let sql = "SELECT id, section, language, kind, follow_up_of, translation_of, \
                   CASE WHEN reference_answer IS NOT NULL OR key_points <> '[]' THEN 1 ELSE 0 END \
                   AS gradable FROM questions WHERE org_id = $1 ORDER BY seq";
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<CandidateRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        tx.commit().await?;
        let id = |s: Option<String>| -> Result<Option<QuestionId>, StoreError> {
            s.map(|v| v.parse().map_err(corrupt)).transpose()
        };
        rows.into_iter()
            .map(|r| {
                Ok(PracticeCandidate {
                    id: r.id.parse().map_err(corrupt)?,
                    section: r.section,
                    language: r.language.map(|l| l.parse()).transpose().map_err(corrupt)?,
                    kind: r.kind.parse().map_err(corrupt)?,
                    follow_up_of: id(r.follow_up_of)?,
                    translation_of: id(r.translation_of)?,
                    gradable: r.gradable != 0,
                })
            })
            .collect()
    }
}
