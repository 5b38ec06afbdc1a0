//! A candidate's right to be forgotten: erasure of everything personal about them (their
//! details, the CV, what interviewers wrote about them, the note, the addresses it went to),
//! keeping the anonymous numbers — ratings, ticked key points, recommendations, decisions — so
//! the statistics still add up. And the candidates the retention rule has made due.

use crate::db::{Inner, Tx, now_ms, on};
use crate::hiring::{candidate_in, corrupt};
use crate::{Store, StoreError};
use parley_domain::kit::{BlockKind, Kit};
use parley_domain::{CandidateId, OrgId};

/// The name an erased candidate goes by.
pub const ERASED_NAME: &str = "Erased candidate";

impl Store {
    /// Erases candidate `id` of `org` in one transaction, then has the database drop the old
    /// content from its files (SQLite: the write-ahead log is checkpointed and truncated, and
    /// `secure_delete` has zeroed the freed space; PostgreSQL: the touched tables are
    /// vacuumed). Erasing twice changes nothing.
    pub async fn erase_candidate(&self, org: OrgId, id: CandidateId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let cand = candidate_in(&mut tx, org, id).await??;
        let (id_s, org_s, now) = (id.to_string(), org.to_string(), now_ms());
        if is_erased(&mut tx, &id_s).await? {
            tx.rollback().await?;
            return Ok(());
        }
        let name = cand.draft.name.clone();
        on!(&mut tx, c => sqlx::query(
            "UPDATE candidates SET name = $1, email = NULL, contact = '', experience = '', \
             technologies = '[]', revision = revision + 1, updated_at = $2 \
             WHERE id = $3 AND org_id = $4")
            .bind(ERASED_NAME).bind(now).bind(&id_s).bind(&org_s)
            .execute(c).await.map(|_| ()))?;
        let kits: Vec<(String, String)> = on!(&mut tx, c => sqlx::query_as(
            "SELECT id, kit FROM interviews WHERE candidate_id = $1 AND org_id = $2")
            .bind(&id_s).bind(&org_s).fetch_all(c).await)?;
        for (iv, kit) in kits {
            let mut kit: Kit = serde_json::from_str(&kit).map_err(corrupt)?;
            scrub_kit(&mut kit, &name);
            let kit = serde_json::to_string(&kit).map_err(corrupt)?;
            on!(&mut tx, c => sqlx::query("UPDATE interviews SET kit = $1, updated_at = $2 WHERE id = $3")
                .bind(&kit).bind(now).bind(&iv).execute(c).await.map(|_| ()))?;
            for sql in [
                "UPDATE interview_entries SET notes = '' WHERE interview_id = $1",
                "UPDATE scorecards SET rationale = '' WHERE interview_id = $1",
                "UPDATE decisions SET reasons = '' WHERE interview_id = $1",
                "DELETE FROM candidate_notes WHERE interview_id = $1",
                "DELETE FROM note_deliveries WHERE interview_id = $1",
                // Kept replies of requests about this interview hold its kit.
                "DELETE FROM idempotent_replies WHERE body LIKE '%' || $1 || '%'",
            ] {
                on!(&mut tx, c => sqlx::query(sql).bind(&iv).execute(c).await.map(|_| ()))?;
            }
        }
        // The reply to the request that added the candidate holds everything they sent.
        on!(&mut tx, c => sqlx::query("DELETE FROM idempotent_replies WHERE body LIKE '%' || $1 || '%'")
            .bind(&id_s).execute(c).await.map(|_| ()))?;
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO candidate_erasures (candidate_id, org_id, erased_at) VALUES ($1, $2, $3) \
             ON CONFLICT (candidate_id) DO NOTHING")
            .bind(&id_s).bind(&org_s).bind(now).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        self.forget_old_content().await
    }

    /// When candidate `id` was erased, if it was.
    pub async fn erased_at(&self, org: OrgId, id: CandidateId) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_read().await?;
        let (id_s, org_s) = (id.to_string(), org.to_string());
        let at: Option<i64> = on!(&mut tx, c => sqlx::query_scalar(
            "SELECT erased_at FROM candidate_erasures WHERE candidate_id = $1 AND org_id = $2")
            .bind(&id_s).bind(&org_s).fetch_optional(c).await)?;
        tx.commit().await?;
        Ok(at)
    }

    /// Candidates of `org`, not yet erased, with nothing of theirs changed since `before`
    /// (milliseconds): the ones a retention rule makes due.
    pub async fn candidates_idle_since(
        &self,
        org: OrgId,
        before: i64,
    ) -> Result<Vec<CandidateId>, StoreError> {
        let mut tx = self.begin_read().await?;
        let org_s = org.to_string();
        let ids: Vec<String> = on!(&mut tx, c => sqlx::query_scalar(
            "SELECT c.id FROM candidates c WHERE c.org_id = $1 AND c.updated_at < $2 \
             AND NOT EXISTS (SELECT 1 FROM candidate_erasures e WHERE e.candidate_id = c.id) \
             AND NOT EXISTS (SELECT 1 FROM interviews i WHERE i.candidate_id = c.id AND i.updated_at >= $2) \
             ORDER BY c.id")
            .bind(&org_s).bind(before).fetch_all(c).await)?;
        tx.commit().await?;
        ids.iter().map(|s| s.parse().map_err(corrupt)).collect()
    }

    /// Every organisation with its retention rule, in months, when it has one.
    pub async fn retention_rules(&self) -> Result<Vec<(OrgId, u32)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String)> = on!(&mut tx, c => sqlx::query_as(
            "SELECT org_id, body FROM org_settings").fetch_all(c).await)?;
        tx.commit().await?;
        let mut out = Vec::new();
        for (org, body) in rows {
            let s: crate::OrgSettings = serde_json::from_str(&body).map_err(corrupt)?;
            if let Some(m) = s.retention_months {
                out.push((org.parse().map_err(corrupt)?, m));
            }
        }
        Ok(out)
    }

    async fn forget_old_content(&self) -> Result<(), StoreError> {
        match &self.inner {
            Inner::Sqlite(pool) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(pool)
                    .await?;
            }
            Inner::Postgres(pool) => {
                sqlx::query(
                    "VACUUM candidates, interviews, interview_entries, scorecards, decisions, \
                     candidate_notes, note_deliveries, idempotent_replies",
                )
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }
}

/// Whether candidate `id` (text) was erased: nothing may be written about them any more.
pub(crate) async fn is_erased(tx: &mut Tx, id: &str) -> Result<bool, StoreError> {
    let n: i64 = on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM candidate_erasures WHERE candidate_id = $1")
        .bind(id).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Refuses a write about an erased candidate.
pub(crate) async fn refuse_if_erased(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    if is_erased(tx, id).await? {
        return Err(StoreError::Refused(
            "this candidate was erased; nothing more is recorded about them".into(),
        ));
    }
    Ok(())
}

/// `text` with every whole-word `word` replaced ("Al" in "Also" stays).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let whole =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        out.push_str(if whole { with } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Takes the candidate out of a kit: no CV sentences as anchors, their name nowhere.
fn scrub_kit(kit: &mut Kit, name: &str) {
    let parts: Vec<&str> = std::iter::once(name.trim())
        .chain(name.split_whitespace())
        .filter(|p| p.chars().count() >= 2)
        .collect();
    for block in &mut kit.blocks {
        // The openers were written from their CV, the introduction addresses them by name.
        let personal = matches!(block.kind, BlockKind::Experience | BlockKind::Introduction);
        for item in &mut block.items {
            item.anchor = None;
            if personal {
                item.text = format!("({} removed with the candidate's data.)", block.title);
                item.follow_ups.clear();
                continue;
            }
            for p in &parts {
                item.text = replace_word(&item.text, p, "the candidate");
            }
            for f in &mut item.follow_ups {
                for p in &parts {
                    *f = replace_word(f, p, "the candidate");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_replaced_as_whole_words_only() {
        assert_eq!(
            super::replace_word("Hello Al, also Al.", "Al", "the candidate"),
            "Hello the candidate, also the candidate."
        );
        assert_eq!(super::replace_word("Alan", "Al", "x"), "Alan");
    }
}
