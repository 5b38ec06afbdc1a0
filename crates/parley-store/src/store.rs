//! Opening a store from a database URL, its migrations, and organisations.

use crate::db::{Inner, Tx, now_ms, on};
use crate::{Backend, StoreError};
use parley_domain::OrgId;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Longest organisation slug we accept; slugs appear in URLs and command lines.
pub const MAX_SLUG_CHARS: usize = 100;

/// The question bank's storage on SQLite or PostgreSQL. Cloning is cheap and shares the pool.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) inner: Inner,
}

/// Where a URL points, with the options to connect there.
enum Target {
    Sqlite {
        options: SqliteConnectOptions,
        in_memory: bool,
    },
    Postgres(PgConnectOptions),
}

impl Store {
    /// Opens (creating, for SQLite, if missing) the database at `url` and brings its schema up
    /// to date.
    ///
    /// Accepted URLs: `sqlite://PATH`, `sqlite:PATH`, a bare path ending in `.db`,
    /// `sqlite::memory:` (a private in-memory database, for tests), and
    /// `postgres://...` or `postgresql://...`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let inner = match parse_url(url)? {
            Target::Sqlite { options, in_memory } => {
                let options = options
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    .synchronous(SqliteSynchronous::Normal)
                    // Deleted and overwritten content is zeroed on disk, so erasing a
                    // candidate leaves nothing of them in the file's free space.
                    .pragma("secure_delete", "ON");
                let pool = if in_memory {
                    // An in-memory database lives only as long as a connection to it, so the
                    // pool keeps exactly one open for its whole life.
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .connect_with(options)
                        .await
                } else {
                    // WAL lets readers run beside the single writer, so a few connections help;
                    // more would only queue on SQLite's one write lock.
                    SqlitePoolOptions::new()
                        .max_connections(4)
                        .connect_with(options.journal_mode(SqliteJournalMode::Wal))
                        .await
                };
                Inner::Sqlite(pool.map_err(StoreError::Open)?)
            }
            Target::Postgres(options) => Inner::Postgres(
                PgPoolOptions::new()
                    .max_connections(5)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.application_name("parley"))
                    .await
                    .map_err(StoreError::Open)?,
            ),
        };
        let store = Store { inner };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations the database lacks; running it again changes nothing.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.inner {
            Inner::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Inner::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Whether the database answers: a trivial query on a pooled connection.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_read().await?;
        let _: i64 =
            on!(&mut tx, c => sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(c).await)?;
        tx.commit().await
    }

    /// Waits for running operations to finish and closes every connection.
    pub async fn close(&self) {
        self.inner.close().await;
    }

    pub(crate) async fn begin_write(&self) -> Result<Tx, StoreError> {
        self.inner.begin_write().await
    }

    pub(crate) async fn begin_read(&self) -> Result<Tx, StoreError> {
        self.inner.begin_read().await
    }

    /// The id of the organisation with this slug, created (named after its slug) if missing.
    pub async fn ensure_org(&self, slug: &str) -> Result<OrgId, StoreError> {
        check_slug(slug)?;
        let mut tx = self.begin_write().await?;
        // ON CONFLICT DO NOTHING rather than read-then-insert: two processes ensuring the same
        // organisation at once on PostgreSQL would otherwise both try to insert it.
        let sql = "INSERT INTO orgs (id, slug, name, created_at) VALUES ($1, $2, $2, $3) \
                   ON CONFLICT (slug) DO NOTHING";
        let new_id = OrgId::new().to_string();
        on!(&mut tx, c => sqlx::query(sql)
            .bind(&new_id)
            .bind(slug)
            .bind(now_ms())
            .execute(c)
            .await
            .map(|_| ()))?;
        let id = org_id_by_slug(&mut tx, slug).await?;
        tx.commit().await?;
        id.ok_or_else(|| StoreError::Corrupt(format!("organisation {slug:?} vanished on insert")))
    }

    /// The id of the organisation with this slug, if there is one.
    pub async fn org_by_slug(&self, slug: &str) -> Result<Option<OrgId>, StoreError> {
        let mut tx = self.begin_read().await?;
        let id = org_id_by_slug(&mut tx, slug).await?;
        tx.commit().await?;
        Ok(id)
    }
}

pub(crate) async fn org_id_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<OrgId>, StoreError> {
    let sql = "SELECT id FROM orgs WHERE slug = $1";
    let id: Option<String> =
        on!(tx, c => sqlx::query_scalar(sql).bind(slug).fetch_optional(c).await)?;
    id.map(|s| {
        s.parse::<OrgId>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    })
    .transpose()
}

pub(crate) fn check_slug(slug: &str) -> Result<(), StoreError> {
    let ok = !slug.is_empty()
        && slug.chars().count() <= MAX_SLUG_CHARS
        && !slug.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadSlug(slug.to_string()))
    }
}

fn parse_url(url: &str) -> Result<Target, StoreError> {
    let bad = || StoreError::BadUrl(redact(url));
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return PgConnectOptions::from_str(url)
            .map(Target::Postgres)
            .map_err(|_| bad());
    }
    let options = if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() || path.starts_with('?') {
            return Err(bad());
        }
        SqliteConnectOptions::from_str(url).map_err(|_| bad())?
    } else if url.ends_with(".db") && !url.contains("://") {
        SqliteConnectOptions::new().filename(url)
    } else {
        return Err(bad());
    };
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    Ok(Target::Sqlite { options, in_memory })
}

/// `url` with any password replaced, so an error message can be shown and logged.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_string();
    };
    format!(
        "{}{}:***{}",
        &url[..scheme_end],
        &authority[..colon],
        &url[scheme_end + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_sqlite_url_form_parses() {
        for url in [
            "sqlite://bank.db",
            "sqlite:bank.db",
            "sqlite:///tmp/bank.db",
            "bank.db",
        ] {
            assert!(
                matches!(
                    parse_url(url),
                    Ok(Target::Sqlite {
                        in_memory: false,
                        ..
                    })
                ),
                "{url}"
            );
        }
        assert!(matches!(
            parse_url("sqlite::memory:"),
            Ok(Target::Sqlite {
                in_memory: true,
                ..
            })
        ));
        assert!(matches!(
            parse_url("postgresql://u@h/db"),
            Ok(Target::Postgres(_))
        ));
    }

    #[test]
    fn unsupported_urls_are_refused() {
        for url in [
            "mysql://h/db",
            "sqlite://",
            "bank.sqlite",
            "http://x.db",
            "",
        ] {
            assert!(
                matches!(parse_url(url), Err(StoreError::BadUrl(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn passwords_never_reach_error_messages() {
        assert_eq!(redact("mysql://u:secret@h:5/db"), "mysql://u:***@h:5/db");
        assert_eq!(redact("mysql://u@h/db"), "mysql://u@h/db");
        assert_eq!(redact("nothing"), "nothing");
    }

    #[tokio::test]
    async fn sqlite_files_open_with_wal_foreign_keys_and_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("new.db").display());
        let store = Store::open(&url).await.unwrap();
        let Inner::Sqlite(pool) = &store.inner else {
            panic!("not SQLite")
        };
        let pragma = async |name: &str| -> String {
            // The table-valued pragma names its column after the pragma, except this one.
            let column = if name == "busy_timeout" {
                "timeout"
            } else {
                name
            };
            let sql = format!("SELECT CAST({column} AS TEXT) FROM pragma_{name}()");
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await
                .unwrap()
        };
        assert_eq!(pragma("journal_mode").await, "wal");
        assert_eq!(pragma("foreign_keys").await, "1");
        assert_eq!(pragma("synchronous").await, "1", "NORMAL");
        assert_eq!(pragma("busy_timeout").await, "5000");
        store.close().await;
    }

    #[test]
    fn slugs_need_visible_characters() {
        assert!(check_slug("acme-corp").is_ok());
        assert!(check_slug("").is_err());
        assert!(check_slug("acme corp").is_err());
        assert!(check_slug(&"a".repeat(MAX_SLUG_CHARS + 1)).is_err());
    }
}
