//! What the bank holds, for browsing: sections and tags with their question counts, and
//! uploads waiting between an import's preview and its confirmation.

use crate::db::{Tx, now_ms, on};
use crate::{Store, StoreError};
use parley_domain::{OrgId, UserId};

/// An upload held for confirmation longer than this is gone (a day).
pub const UPLOAD_LIFETIME_MS: i64 = 86_400_000;

impl Store {
    /// `org`'s sections with how many questions each holds, largest first, questions without a
    /// section (`None`) last among equals.
    pub async fn sections_of(&self, org: OrgId) -> Result<Vec<(Option<String>, u64)>, StoreError> {
        let sql = "SELECT section, COUNT(*) FROM questions WHERE org_id = $1 GROUP BY section ORDER BY COUNT(*) DESC, section IS NULL, section";
        let mut tx = self.begin_read().await?;
        let rows: Vec<(Option<String>, i64)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(org.to_string()).fetch_all(c).await)?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(s, n)| (s, n.max(0) as u64))
            .collect())
    }

    /// `org`'s tags with their question counts, most used first, at most `limit`.
    pub async fn tags_of(&self, org: OrgId, limit: u32) -> Result<Vec<(String, u64)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let sql = match tx {
            Tx::Sqlite(_) => {
                "SELECT t.value, COUNT(*) FROM questions q, json_each(q.tags) t WHERE q.org_id = $1 GROUP BY t.value ORDER BY COUNT(*) DESC, t.value LIMIT $2"
            }
            Tx::Postgres(_) => {
                "SELECT t, COUNT(*) FROM questions q, jsonb_array_elements_text(q.tags::jsonb) t WHERE q.org_id = $1 GROUP BY t ORDER BY COUNT(*) DESC, t LIMIT $2"
            }
        };
        let rows: Vec<(String, i64)> = on!(&mut tx, c => sqlx::query_as(sql).bind(org.to_string()).bind(i64::from(limit)).fetch_all(c).await)?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(s, n)| (s, n.max(0) as u64))
            .collect())
    }

    /// Keeps uploaded files (name, bytes) for `user` of `org`; returns the upload's id. Uploads
    /// older than a day are removed on the way.
    pub async fn save_upload(
        &self,
        org: OrgId,
        user: UserId,
        files: &[(String, Vec<u8>)],
    ) -> Result<String, StoreError> {
        let id = parley_domain::InvitationId::new().to_string();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query("DELETE FROM import_uploads WHERE created_at < $1").bind(now - UPLOAD_LIFETIME_MS).execute(c).await.map(|_| ()))?;
        on!(&mut tx, c => sqlx::query("INSERT INTO import_uploads (id, org_id, user_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id).bind(org.to_string()).bind(user.to_string()).bind(now).execute(c).await.map(|_| ()))?;
        for (i, (name, bytes)) in files.iter().enumerate() {
            on!(&mut tx, c => sqlx::query("INSERT INTO import_upload_files (upload_id, position, name, content) VALUES ($1, $2, $3, $4)")
                .bind(&id).bind(i as i64).bind(name).bind(bytes.as_slice()).execute(c).await.map(|_| ()))?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The files of upload `id`, if it is `user`'s in `org` and not expired.
    pub async fn upload(
        &self,
        org: OrgId,
        user: UserId,
        id: &str,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let sql = "SELECT f.name, f.content FROM import_upload_files f JOIN import_uploads u ON u.id = f.upload_id \
                   WHERE u.id = $1 AND u.org_id = $2 AND u.user_id = $3 AND u.created_at >= $4 ORDER BY f.position";
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, Vec<u8>)> = on!(&mut tx, c => sqlx::query_as(sql).bind(id).bind(org.to_string())
            .bind(user.to_string()).bind(now_ms() - UPLOAD_LIFETIME_MS).fetch_all(c).await)?;
        tx.commit().await?;
        if rows.is_empty() {
            return Err(StoreError::Missing("upload"));
        }
        Ok(rows)
    }

    /// Forgets upload `id` (after it was imported or abandoned).
    pub async fn delete_upload(&self, org: OrgId, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query("DELETE FROM import_uploads WHERE id = $1 AND org_id = $2").bind(id).bind(org.to_string()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }
}
