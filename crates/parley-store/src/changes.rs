//! Reading the change log, for derived data that follows the bank (the search index).

use std::collections::{HashMap, HashSet};

use crate::db::{IDS_PER_STATEMENT, on, placeholder_list};
use crate::rows::{QuestionRow, parse_question_id, question_columns};
use crate::statements::sources_of_many;
use crate::{Store, StoreError};
use parley_domain::{OrgId, Question, QuestionId};
use sqlx::AssertSqlSafe;

/// What changed in an organisation's bank after a watermark.
#[derive(Debug, Default)]
pub struct Changes {
    /// The changed questions as they are now.
    pub upserted: Vec<Question>,
    /// The changed questions that no longer exist.
    pub removed: Vec<QuestionId>,
    /// The watermark these changes bring the follower to.
    pub watermark: i64,
    /// Whether more changes wait after `watermark`.
    pub more: bool,
}

impl Store {
    /// The newest entry of `org`'s change log (0 when it has none).
    pub async fn change_watermark(&self, org: OrgId) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(seq), 0) FROM question_changes WHERE org_id = $1";
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let w: i64 = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&org_s).fetch_one(c).await)?;
        tx.commit().await?;
        Ok(w)
    }

    /// The first `limit` entries of `org`'s change log after `after`, resolved to the
    /// questions as they are now. A question changed several times comes once. Applying the
    /// same changes twice is harmless, so a follower may re-read from an older watermark.
    pub async fn changes_since(
        &self,
        org: OrgId,
        after: i64,
        limit: u32,
    ) -> Result<Changes, StoreError> {
        let sql = "SELECT seq, question_id FROM question_changes \
                   WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        let org_s = org.to_string();
        let limit = limit.max(1);
        let mut tx = self.begin_read().await?;
        let log: Vec<(i64, String)> = on!(&mut tx, c => sqlx::query_as(sql)
            .bind(&org_s)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(c)
            .await)?;
        let Some(&(watermark, _)) = log.last() else {
            tx.commit().await?;
            return Ok(Changes {
                watermark: after,
                ..Changes::default()
            });
        };
        let more = log.len() as u64 >= u64::from(limit);
        let mut seen = HashSet::new();
        let ids: Vec<String> = log
            .into_iter()
            .map(|(_, id)| id)
            .filter(|id| seen.insert(id.clone()))
            .collect();
        let mut rows: HashMap<String, QuestionRow> = HashMap::new();
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "SELECT {} FROM questions q WHERE q.org_id = $1 AND q.id IN ({})",
                question_columns!(),
                placeholder_list(2, chunk.len())
            );
            let found: Vec<QuestionRow> = on!(&mut tx, c => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(&org_s);
                for id in chunk {
                    q = q.bind(id);
                }
                q.fetch_all(c).await
            })?;
            rows.extend(found.into_iter().map(|r| (r.id.clone(), r)));
        }
        let present: Vec<String> = ids
            .iter()
            .filter(|i| rows.contains_key(*i))
            .cloned()
            .collect();
        let mut sources = sources_of_many(&mut tx, &present).await?;
        tx.commit().await?;
        let mut changes = Changes {
            watermark,
            more,
            ..Changes::default()
        };
        for id in ids {
            match rows.remove(&id) {
                Some(row) => {
                    let s = sources.remove(&id).unwrap_or_default();
                    changes.upserted.push(row.into_question(s)?);
                }
                None => changes.removed.push(parse_question_id(&id)?),
            }
        }
        Ok(changes)
    }
}
