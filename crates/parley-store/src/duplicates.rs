//! Near-duplicate suggestions, the user's decisions on them, and merging two questions into one.

use std::collections::HashSet;

use crate::db::{Tx, now_ms, on};
use crate::questions::load_question;
use crate::rows::{RevisionRow, parse_question_id, to_json};
use crate::statements::{
    add_sources, insert_revision, lock_org_writes, record_change, write_content,
};
use crate::{Store, StoreError};
use parley_domain::question::merge_near_duplicate;
use parley_domain::text::duplicate_key;
use parley_domain::{OrgId, Question, QuestionId};

/// Two questions that look like the same question in other words.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatePair {
    pub question: QuestionId,
    pub similar_to: QuestionId,
    /// The detector's confidence, 0 to 1.
    pub score: f64,
}

/// The revision note of a question another was merged into.
pub const NOTE_MERGED_DUPLICATE: &str = "merged a near-duplicate";

/// A pair in its stored order (smaller id text first), so each pair has one row.
fn ordered(a: QuestionId, b: QuestionId) -> (String, String) {
    let (a, b) = (a.to_string(), b.to_string());
    if a <= b { (a, b) } else { (b, a) }
}

impl Store {
    /// Records `pairs` as open suggestions. A pair already decided stays decided; an open one
    /// takes the new score. Pairs naming a question outside `org` are skipped. Returns how
    /// many are open after the call among those given.
    pub async fn suggest_duplicates(
        &self,
        org: OrgId,
        pairs: &[DuplicatePair],
    ) -> Result<u64, StoreError> {
        let sql = "INSERT INTO duplicate_pairs \
                   (org_id, question_a, question_b, score, status, created_at) \
                   SELECT $1, $2, $3, $4, 'open', $5 \
                   WHERE (SELECT COUNT(*) FROM questions WHERE org_id = $1 AND id IN ($2, $3)) = 2 \
                   ON CONFLICT (org_id, question_a, question_b) DO UPDATE SET score = excluded.score \
                   WHERE duplicate_pairs.status = 'open'";
        let org_s = org.to_string();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for p in pairs.iter().filter(|p| p.question != p.similar_to) {
            let (a, b) = ordered(p.question, p.similar_to);
            n += on!(&mut tx, c => sqlx::query(sql)
                .bind(&org_s)
                .bind(&a)
                .bind(&b)
                .bind(p.score)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// The open suggestions of `org` whose questions both still exist, most likely first.
    pub async fn open_duplicates(&self, org: OrgId) -> Result<Vec<DuplicatePair>, StoreError> {
        let sql = "SELECT d.question_a, d.question_b, d.score FROM duplicate_pairs d \
                   JOIN questions a ON a.id = d.question_a \
                   JOIN questions b ON b.id = d.question_b \
                   WHERE d.org_id = $1 AND d.status = 'open' \
                   ORDER BY d.score DESC, d.question_a, d.question_b";
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String, f64)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(a, b, score)| {
                Ok(DuplicatePair {
                    question: parse_question_id(&a)?,
                    similar_to: parse_question_id(&b)?,
                    score,
                })
            })
            .collect()
    }

    /// The pairs of `org` a user has decided on (merged or not duplicates), in stored order.
    pub async fn decided_pairs(
        &self,
        org: OrgId,
    ) -> Result<HashSet<(QuestionId, QuestionId)>, StoreError> {
        let sql = "SELECT question_a, question_b FROM duplicate_pairs \
                   WHERE org_id = $1 AND status <> 'open'";
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(a, b)| Ok((parse_question_id(&a)?, parse_question_id(&b)?)))
            .collect()
    }

    /// Remembers that `a` and `b` are different questions, so they are not suggested again.
    pub async fn mark_not_duplicate(
        &self,
        org: OrgId,
        a: QuestionId,
        b: QuestionId,
        by: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_org_writes(&mut tx, org).await?;
        load_question(&mut tx, org, a).await?;
        load_question(&mut tx, org, b).await?;
        decide(&mut tx, org, a, b, "not_duplicate", by).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges question `gone` into `keep`, in one transaction: `keep` gains `gone`'s sources,
    /// tags, guidance and key points, and its answer when it differs (a new revision of
    /// `keep`); questions linked to `gone` are linked to `keep`; `gone`'s last content and
    /// whole history are kept under `keep` (see `merged_history`); then `gone` is deleted.
    pub async fn merge_questions(
        &self,
        org: OrgId,
        keep: QuestionId,
        gone: QuestionId,
        by: &str,
    ) -> Result<Question, StoreError> {
        if keep == gone {
            return Err(StoreError::Refused(
                "a question cannot be merged into itself".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        lock_org_writes(&mut tx, org).await?;
        let mut kept = load_question(&mut tx, org, keep).await?;
        let merged = load_question(&mut tx, org, gone).await?;
        let now = now_ms();

        let history = revisions_in(&mut tx, gone).await?;
        let sql = "INSERT INTO merged_questions \
                   (question_id, merged_id, content, revisions, merged_at, merged_by) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        let (keep_s, gone_s) = (keep.to_string(), gone.to_string());
        let content = to_json(&merged)?;
        on!(&mut tx, c => sqlx::query(sql)
            .bind(&keep_s)
            .bind(&gone_s)
            .bind(&content)
            .bind(&history)
            .bind(now)
            .bind(by)
            .execute(c)
            .await
            .map(|_| ()))?;

        for column in ["follow_up_of", "translation_of"] {
            // Column names come from the fixed list above, never from input.
            let sql = format!(
                "UPDATE questions SET {column} = CASE WHEN id = $1 THEN NULL ELSE $1 END \
                 WHERE org_id = $3 AND {column} = $2"
            );
            let org_s = org.to_string();
            on!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&keep_s)
                .bind(&gone_s)
                .bind(&org_s)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
        add_sources(&mut tx, keep, &merged.sources).await?;
        // Questions merged into `gone` earlier stay in the history, now under `keep`; deleting
        // `gone` would otherwise cascade to them.
        let adopt = "UPDATE merged_questions SET question_id = $1 WHERE question_id = $2";
        on!(&mut tx, c => sqlx::query(adopt).bind(&keep_s).bind(&gone_s).execute(c).await.map(|_| ()))?;
        let delete = "DELETE FROM questions WHERE org_id = $1 AND id = $2";
        let org_s = org.to_string();
        on!(&mut tx, c => sqlx::query(delete).bind(&org_s).bind(&gone_s).execute(c).await.map(|_| ()))?;
        record_change(&mut tx, org, gone, now).await?;

        let mut draft = kept.draft.clone();
        if merge_near_duplicate(&mut draft, &merged.draft) {
            let key = duplicate_key(&draft.text);
            if !write_content(&mut tx, keep, &key, &draft, kept.revision, now).await? {
                return Err(StoreError::Conflict {
                    expected: kept.revision,
                    current: kept.revision + 1,
                });
            }
            kept.revision += 1;
            let note = format!("{NOTE_MERGED_DUPLICATE} ({gone}: {})", merged.draft.text);
            insert_revision(&mut tx, keep, kept.revision, &draft, by, &note, now).await?;
            kept.draft = draft;
        }
        record_change(&mut tx, org, keep, now).await?;
        decide(&mut tx, org, keep, gone, "merged", by).await?;
        let result = load_question(&mut tx, org, keep).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// The questions merged into `id`: each one's last content and revision history as JSON.
    pub async fn merged_history(
        &self,
        org: OrgId,
        id: QuestionId,
    ) -> Result<Vec<(QuestionId, String, String)>, StoreError> {
        let sql = "SELECT m.merged_id, m.content, m.revisions FROM merged_questions m \
                   JOIN questions q ON q.id = m.question_id \
                   WHERE q.org_id = $1 AND m.question_id = $2 ORDER BY m.merged_at";
        let (org_s, id_s) = (org.to_string(), id.to_string());
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String, String)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).bind(&id_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(m, c, r)| Ok((parse_question_id(&m)?, c, r)))
            .collect()
    }
}

/// Records the decision on a pair, whether or not it was suggested before.
async fn decide(
    tx: &mut Tx,
    org: OrgId,
    a: QuestionId,
    b: QuestionId,
    status: &str,
    by: &str,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO duplicate_pairs \
               (org_id, question_a, question_b, score, status, created_at, decided_at, decided_by) \
               VALUES ($1, $2, $3, 0, $4, $5, $5, $6) \
               ON CONFLICT (org_id, question_a, question_b) DO UPDATE SET \
               status = excluded.status, decided_at = excluded.decided_at, \
               decided_by = excluded.decided_by";
    let (qa, qb) = ordered(a, b);
    let org_s = org.to_string();
    let now = now_ms();
    on!(tx, c => sqlx::query(sql)
        .bind(&org_s)
        .bind(&qa)
        .bind(&qb)
        .bind(status)
        .bind(now)
        .bind(by)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The revision history of `id` as a JSON array.
async fn revisions_in(tx: &mut Tx, id: QuestionId) -> Result<String, StoreError> {
    let sql = "SELECT revision, content, author, note, created_at FROM question_revisions \
               WHERE question_id = $1 ORDER BY revision";
    let id_s = id.to_string();
    let rows: Vec<RevisionRow> = on!(tx, c => sqlx::query_as(sql).bind(&id_s).fetch_all(c).await)?;
    let revisions = rows
        .into_iter()
        .map(RevisionRow::into_revision)
        .collect::<Result<Vec<_>, _>>()?;
    to_json(&revisions)
}
