//! Stored sentence embeddings: one vector per question and model, tagged with the revision it
//! was computed from, so they are computed once per revision rather than at every start.

use std::collections::HashMap;

use crate::db::{IDS_PER_STATEMENT, Tx, now_ms, on, placeholder_list};
use crate::rows::parse_question_id;
use crate::{Store, StoreError};
use parley_domain::{OrgId, QuestionId};
use sqlx::AssertSqlSafe;

/// An embedding as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEmbedding {
    pub question: QuestionId,
    /// The revision of the question the vector was computed from.
    pub revision: u32,
    pub vector: Vec<f32>,
}

impl Store {
    /// Saves `embeddings` made by `model`, replacing older ones of the same questions. A
    /// vector computed from a revision that is no longer current, or for a question that is
    /// gone or not in `org`, is skipped: it would only be recomputed. Returns how many were
    /// saved.
    pub async fn save_embeddings(
        &self,
        org: OrgId,
        model: &str,
        embeddings: &[StoredEmbedding],
    ) -> Result<u64, StoreError> {
        // The revision test makes the statement a no-op for stale or foreign vectors.
        let sql = "INSERT INTO question_embeddings \
                   (question_id, model, revision, dim, vector, created_at) \
                   SELECT q.id, $3, q.revision, $5, $6, $7 FROM questions q \
                   WHERE q.id = $1 AND q.org_id = $2 AND q.revision = $4 \
                   ON CONFLICT (question_id, model) DO UPDATE SET revision = excluded.revision, \
                   dim = excluded.dim, vector = excluded.vector, created_at = excluded.created_at";
        let org_s = org.to_string();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut saved = 0;
        for e in embeddings {
            let id = e.question.to_string();
            let bytes = to_bytes(&e.vector);
            let dim = i64::try_from(e.vector.len()).unwrap_or(i64::MAX);
            saved += on!(&mut tx, c => sqlx::query(sql)
                .bind(&id)
                .bind(&org_s)
                .bind(model)
                .bind(i64::from(e.revision))
                .bind(dim)
                .bind(&bytes)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(saved)
    }

    /// The stored embeddings by `model` of those of `ids` that have one, whatever their
    /// revision (the caller compares it with the question's).
    pub async fn embeddings_of(
        &self,
        org: OrgId,
        model: &str,
        ids: &[QuestionId],
    ) -> Result<HashMap<QuestionId, StoredEmbedding>, StoreError> {
        let mut tx = self.begin_read().await?;
        let out = embeddings_in(&mut tx, org, model, ids).await?;
        tx.commit().await?;
        Ok(out)
    }
}

async fn embeddings_in(
    tx: &mut Tx,
    org: OrgId,
    model: &str,
    ids: &[QuestionId],
) -> Result<HashMap<QuestionId, StoredEmbedding>, StoreError> {
    let org_s = org.to_string();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT e.question_id, e.revision, e.vector FROM question_embeddings e \
             JOIN questions q ON q.id = e.question_id \
             WHERE q.org_id = $1 AND e.model = $2 AND e.question_id IN ({})",
            placeholder_list(3, chunk.len())
        );
        let id_strings: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let rows: Vec<(String, i64, Vec<u8>)> = on!(tx, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(&org_s).bind(model);
            for id in &id_strings {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        for (id, revision, bytes) in rows {
            let question = parse_question_id(&id)?;
            let revision = u32::try_from(revision)
                .map_err(|_| StoreError::Corrupt(format!("embedding revision {revision}")))?;
            let vector = from_bytes(&bytes)?;
            out.insert(
                question,
                StoredEmbedding {
                    question,
                    revision,
                    vector,
                },
            );
        }
    }
    Ok(out)
}

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(b: &[u8]) -> Result<Vec<f32>, StoreError> {
    if !b.len().is_multiple_of(4) {
        return Err(StoreError::Corrupt(format!(
            "an embedding of {} bytes is not a list of f32",
            b.len()
        )));
    }
    Ok(b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}
