//! Test databases for the storage and server tests: a temporary SQLite file, or a uniquely
//! named PostgreSQL database that is dropped when the test ends, whether it passed or panicked.

use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The PostgreSQL server the tests use unless `PARLEY_TEST_PG` names another (without a
/// database name: the tests create their own).
const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432";

/// A fresh SQLite database in a temporary directory, deleted with the returned guard.
pub fn sqlite_url() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bank.db").display());
    (dir, url)
}

/// A PostgreSQL database of its own for one test, dropped when this value is.
pub struct TempPg {
    server: String,
    name: String,
    pub url: String,
}

impl TempPg {
    /// Creates the database, or returns `None` when `PARLEY_SKIP_PG=1` says to skip
    /// PostgreSQL. An unreachable server fails the test: a silent skip would let CI pass
    /// without ever running the PostgreSQL half of the story.
    pub async fn create() -> Option<TempPg> {
        if std::env::var("PARLEY_SKIP_PG").is_ok_and(|v| v == "1") {
            eprintln!("PARLEY_SKIP_PG=1: skipping the PostgreSQL run");
            return None;
        }
        let server = std::env::var("PARLEY_TEST_PG").unwrap_or_else(|_| DEFAULT_PG.to_string());
        let server = server.trim_end_matches('/').to_string();
        let name = format!("parley_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL at {server} is unreachable ({e}); start it, point PARLEY_TEST_PG \
                     at another server, or set PARLEY_SKIP_PG=1 to skip these tests"
                )
            });
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        admin.close().await.ok();
        let url = format!("{server}/{name}");
        Some(TempPg { server, name, url })
    }
}

impl Drop for TempPg {
    fn drop(&mut self) {
        // Drop cannot await, and the test's own runtime may be unwinding, so the database is
        // dropped from a separate thread with a runtime of its own. FORCE ends connections a
        // panicking test left open.
        let admin_url = format!("{}/postgres", self.server);
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await?;
                admin.close().await
            })
            .map_err(|e| e.to_string())
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping test database {} panicked", self.name),
        }
    }
}

/// Both backends, for a story that runs on each: the SQLite URL always, the PostgreSQL one
/// unless skipped. Hold the guards until the story ends.
pub async fn backends() -> (
    tempfile::TempDir,
    Vec<(String, &'static str)>,
    Option<TempPg>,
) {
    let (dir, sqlite) = sqlite_url();
    let pg = TempPg::create().await;
    let mut urls = vec![(sqlite, "sqlite")];
    if let Some(p) = &pg {
        urls.push((p.url.clone(), "postgres"));
    }
    (dir, urls, pg)
}
