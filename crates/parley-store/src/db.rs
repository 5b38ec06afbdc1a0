//! The two backends behind one shape: the pool, the transaction and the `on!` macro that runs
//! one SQL text on whichever backend a store was opened with.
//!
//! Both backends accept `$1`-style numbered parameters (sqlx's SQLite driver maps `$N` to the
//! N-th bound value), so most statements are written once. `on!` expands its body once per
//! backend, so each copy is type-checked against that backend's own types; the body must
//! produce the same type on both, which keeps backend types from leaking out of this crate.

use crate::StoreError;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::time::{SystemTime, UNIX_EPOCH};

/// The connection pool of an open store, on one backend or the other.
#[derive(Debug, Clone)]
pub(crate) enum Inner {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either backend. Dropping it without `commit` rolls it back, so an
/// early return through `?` undoes everything the operation wrote.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$c` bound to the backend's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`) inside the transaction `$tx` (a `&mut Tx`).
macro_rules! on {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite($c) => {
                let $c = &mut **$c;
                $body
            }
            $crate::db::Tx::Postgres($c) => {
                let $c = &mut **$c;
                $body
            }
        }
    };
}
pub(crate) use on;

impl Inner {
    /// Starts a transaction that will write.
    ///
    /// On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction
    /// that reads first and writes later fails at once with SQLITE_BUSY when another writer got
    /// in between, and busy_timeout cannot help it, while an immediate one simply waits.
    pub(crate) async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Inner::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Inner::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Starts a transaction that only reads. PostgreSQL's default isolation gives each
    /// statement its own snapshot, so a question and its sources could be read from two
    /// different moments; repeatable read gives the whole operation one snapshot, as SQLite's
    /// read transactions do anyway.
    pub(crate) async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Inner::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Inner::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Inner::Sqlite(p) => p.close().await,
            Inner::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Whether `err` is the database refusing a row that breaks a UNIQUE constraint.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// The current time in milliseconds since the Unix epoch, the unit of every stored timestamp.
pub(crate) fn now_ms() -> i64 {
    // A clock before 1970 is a broken machine; storing 0 beats failing the write.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Ids per `IN (...)` list: well under the parameter limits of both engines (32,766 on SQLite,
/// 65,535 on PostgreSQL), and few distinct statement texts for the prepared-statement cache.
pub(crate) const IDS_PER_STATEMENT: usize = 500;

/// `$first, $first+1, …` — `n` numbered placeholders for an `IN (...)` list. Only placeholders
/// are ever spliced into SQL text, never values.
pub(crate) fn placeholder_list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    #[tokio::test]
    async fn sqlite_binds_dollar_numbered_parameters_by_number_not_position() {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let row: (i64, String, i64) = sqlx::query_as("SELECT $2, $1, $2 + 1")
            .bind("one")
            .bind(2_i64)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row, (2, "one".to_string(), 3));
    }
}
