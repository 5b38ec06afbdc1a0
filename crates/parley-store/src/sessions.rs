//! Sign-in state: browser sessions, personal API tokens, failed-login counts and the replies
//! kept for `Idempotency-Key`. Every secret is looked up by its SHA-256 hash.

use crate::accounts::{User, UserRow, user_columns};
use crate::db::{now_ms, on};
use crate::{Store, StoreError};
use parley_domain::{TokenId, UserId};
use serde::Serialize;

/// A live browser session and the member it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A personal API token as its owner sees it later: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A reply recorded for an idempotency key: replayed when the same request comes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// How long a token's `last_used_at` may lag: writing it on every request would turn every
/// read into a write.
const LAST_USED_GRANULARITY_MS: i64 = 60_000;

impl Store {
    /// Opens a session for `user` until `expires_at`.
    pub async fn create_session(
        &self,
        id_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(id_hash).bind(user.to_string()).bind(csrf_token)
            .bind(now_ms()).bind(expires_at).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }

    /// The unexpired session with this id hash, with its member.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let sql = concat!(
            "SELECT ",
            user_columns!(),
            ", s.csrf_token, s.expires_at FROM sessions s ",
            "JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            csrf_token: String,
            expires_at: i64,
        }
        let mut tx = self.begin_read().await?;
        let row: Option<Row> = on!(&mut tx, c => sqlx::query_as(sql).bind(id_hash).bind(now_ms()).fetch_optional(c).await)?;
        tx.commit().await?;
        row.map(|r| {
            Ok(Session {
                user: r.user.into_user()?.0,
                csrf_token: r.csrf_token,
                expires_at: r.expires_at,
            })
        })
        .transpose()
    }

    /// Ends a session (logout). Ending one that is gone is not an error.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes expired sessions, failed-login records older than `failures_before` and
    /// idempotent replies older than `replies_before`; returns how many rows went.
    pub async fn prune(
        &self,
        failures_before: i64,
        replies_before: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        n += on!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms()).execute(c).await.map(|r| r.rows_affected()))?;
        n += on!(&mut tx, c => sqlx::query("DELETE FROM login_failures WHERE failed_at < $1").bind(failures_before).execute(c).await.map(|r| r.rows_affected()))?;
        n += on!(&mut tx, c => sqlx::query("DELETE FROM idempotent_replies WHERE created_at < $1").bind(replies_before).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(n)
    }

    /// Records a personal API token for `user`; the caller shows the secret once.
    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken, StoreError> {
        let token = ApiToken {
            id: TokenId::new(),
            name: name.to_string(),
            created_at: now_ms(),
            last_used_at: None,
        };
        let sql = "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)";
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(token.id.to_string()).bind(user.to_string()).bind(name)
            .bind(token_hash).bind(token.created_at).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(token)
    }

    /// The member whose token hashes to `token_hash`, noting the use.
    pub async fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let sql = concat!(
            "SELECT ",
            user_columns!(),
            ", t.id AS token_id, t.last_used_at FROM api_tokens t ",
            "JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            token_id: String,
            last_used_at: Option<i64>,
        }
        let mut tx = self.begin_read().await?;
        let row: Option<Row> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(token_hash).fetch_optional(c).await)?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let now = now_ms();
        if row
            .last_used_at
            .is_none_or(|t| now - t > LAST_USED_GRANULARITY_MS)
        {
            let mut tx = self.begin_write().await?;
            on!(&mut tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(&row.token_id).bind(now).execute(c).await.map(|_| ()))?;
            tx.commit().await?;
        }
        Ok(Some(row.user.into_user()?.0))
    }

    /// The tokens of `user`, newest first.
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let sql = "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id";
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String, i64, Option<i64>)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(user.to_string()).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(id, name, created_at, last_used_at)| {
                Ok(ApiToken {
                    id: id.parse().map_err(|e: parley_domain::ids::IdParseError| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                    name,
                    created_at,
                    last_used_at,
                })
            })
            .collect()
    }

    /// Revokes token `id` of `user`; someone else's token is `Missing`.
    pub async fn revoke_token(&self, user: UserId, id: TokenId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = on!(&mut tx, c => sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id.to_string()).bind(user.to_string()).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        if n == 0 {
            return Err(StoreError::Missing("token"));
        }
        Ok(())
    }

    /// Counts an attempt to prove a password for `key` before it is checked, atomically: with
    /// `max` attempts already since `since`, nothing is noted and the times of those attempts
    /// are returned (`Err`) so the caller can say when to retry. Attempts run in parallel cannot
    /// all slip under the limit. A successful attempt is forgotten with
    /// `clear_login_failures`.
    pub async fn begin_password_attempt(
        &self,
        key: &str,
        since: i64,
        max: u32,
    ) -> Result<Result<(), Vec<i64>>, StoreError> {
        let mut tx = self.begin_write().await?;
        if let crate::db::Tx::Postgres(c) = &mut tx {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("parley login {key}"))
                .execute(&mut **c)
                .await?;
        }
        let sql = "SELECT failed_at FROM login_failures WHERE login_key = $1 AND failed_at >= $2 ORDER BY failed_at";
        let recent: Vec<i64> =
            on!(&mut tx, c => sqlx::query_scalar(sql).bind(key).bind(since).fetch_all(c).await)?;
        if recent.len() >= max.max(1) as usize {
            tx.rollback().await?;
            return Ok(Err(recent));
        }
        on!(&mut tx, c => sqlx::query("INSERT INTO login_failures (login_key, failed_at) VALUES ($1, $2)")
            .bind(key).bind(now_ms()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Notes a failed login for `key` (the address tried).
    pub async fn record_login_failure(&self, key: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query("INSERT INTO login_failures (login_key, failed_at) VALUES ($1, $2)")
            .bind(key).bind(now_ms()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }

    /// The times of the failed logins for `key` since `since`, oldest first: shared by every
    /// node, so the limit holds behind a load balancer.
    pub async fn login_failures(&self, key: &str, since: i64) -> Result<Vec<i64>, StoreError> {
        let sql = "SELECT failed_at FROM login_failures WHERE login_key = $1 AND failed_at >= $2 ORDER BY failed_at";
        let mut tx = self.begin_read().await?;
        let rows: Vec<i64> =
            on!(&mut tx, c => sqlx::query_scalar(sql).bind(key).bind(since).fetch_all(c).await)?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Forgets the failed logins of `key` (after a successful one).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query("DELETE FROM login_failures WHERE login_key = $1").bind(key).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }

    /// The reply stored for `user`'s idempotency key, if any.
    pub async fn stored_reply(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<StoredReply>, StoreError> {
        let sql = "SELECT request_hash, status, body FROM idempotent_replies WHERE user_id = $1 AND idem_key = $2";
        let mut tx = self.begin_read().await?;
        let row: Option<(String, i64, String)> = on!(&mut tx, c => sqlx::query_as(sql).bind(user.to_string()).bind(key).fetch_optional(c).await)?;
        tx.commit().await?;
        Ok(row.map(|(request_hash, status, body)| StoredReply {
            request_hash,
            status: u16::try_from(status).unwrap_or(500),
            body,
        }))
    }

    /// Keeps `reply` for `user`'s idempotency key. When two requests with the same key raced,
    /// the first stored reply stays and is returned, so both callers report the same outcome.
    pub async fn store_reply(
        &self,
        user: UserId,
        key: &str,
        reply: &StoredReply,
    ) -> Result<StoredReply, StoreError> {
        let sql = "INSERT INTO idempotent_replies (user_id, idem_key, request_hash, status, body, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, idem_key) DO NOTHING";
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(user.to_string()).bind(key).bind(&reply.request_hash)
            .bind(i64::from(reply.status)).bind(&reply.body).bind(now_ms()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(self
            .stored_reply(user, key)
            .await?
            .unwrap_or_else(|| reply.clone()))
    }
}
