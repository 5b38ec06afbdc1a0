//! A real server for each test: the real router and store on a fresh database (SQLite file
//! or PostgreSQL database of its own), listening on a free port, and a small typed client.

#![allow(dead_code)]

pub mod chromium;
pub mod mail;

use parley_domain::{Email, Role};
use parley_server::secrets::{hash_password, hash_secret, new_token};
use parley_server::{AppState, Settings};
use parley_store::{NewUser, Org, Store, User};
use parley_testdb::{TempPg, sqlite_url};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::OnceLock;
use tokio::sync::oneshot;

/// Which database a test server runs on.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    /// The first-run setup link, while nobody has an account.
    pub setup_link: Option<String>,
    pub url: String,
    pub store: Store,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _sqlite: Option<tempfile::TempDir>,
    _pg: Option<TempPg>,
}

/// One argon2 hash shared by every test member: hashing is deliberately slow.
pub const PASSWORD: &str = "a long test password";
fn password_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password(PASSWORD)).clone()
}

impl TestApp {
    /// A server on `db` with default settings changed by `tweak`; `None` when PostgreSQL is
    /// skipped (`PARLEY_SKIP_PG=1`).
    pub async fn spawn(db: Db, tweak: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        Self::spawn_with(db, None, tweak).await
    }

    /// A server with the embedding model when it is installed (`None` model otherwise).
    pub async fn spawn_with(
        db: Db,
        model: Option<std::sync::Arc<parley_embed::Embedder>>,
        tweak: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let (url, sqlite, pg) = match db {
            Db::Sqlite => {
                let (dir, url) = sqlite_url();
                (url, Some(dir), None)
            }
            Db::Postgres => {
                let pg = TempPg::create().await?;
                (pg.url.clone(), None, Some(pg))
            }
        };
        let mut app = Self::on_url(&url, model, tweak).await;
        app._sqlite = sqlite;
        app._pg = pg;
        Some(app)
    }

    /// Another server on this one's database, as a second node behind a load balancer.
    pub async fn second_node(&self) -> TestApp {
        Self::on_url(&self.url, None, |_| {}).await
    }

    async fn on_url(
        url: &str,
        model: Option<std::sync::Arc<parley_embed::Embedder>>,
        tweak: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let store = Store::open(url).await.expect("opening the test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut settings = Settings {
            addr,
            ..Settings::default()
        };
        tweak(&mut settings);
        let state = AppState::new(store.clone(), settings).with_model(model);
        let setup_link = parley_server::prepare(&state)
            .await
            .expect("preparing the server");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            parley_server::serve(state, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("the server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            setup_link,
            url: url.to_string(),
            store,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A fresh connection per request: the server closes one after refusing an
                // oversized body, and a pooled client could reuse it and fail.
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            stop: Some(tx),
            server: Some(server),
            _sqlite: None,
            _pg: None,
        }
    }

    /// Stops the server gracefully and closes the store (PostgreSQL databases can then be
    /// dropped).
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        self.store.close().await;
    }

    pub async fn org(&self, slug: &str) -> Org {
        self.store.create_org(slug, slug).await.unwrap()
    }

    /// A member of `org` with `role` and a personal API token.
    pub async fn member(&self, org: &Org, role: Role) -> (User, String) {
        let email = format!(
            "{}.{}@{}.test",
            role,
            parley_domain::UserId::new().as_uuid().simple(),
            org.slug
        );
        let user = self
            .store
            .create_user(
                org.id,
                &NewUser {
                    email: Email::parse(&email).unwrap(),
                    name: "Test".into(),
                    role,
                    password_hash: password_hash(),
                },
            )
            .await
            .unwrap();
        let token = new_token();
        self.store
            .create_token(user.id, "test", &hash_secret(&token))
            .await
            .unwrap();
        (user, token)
    }

    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{}", self.base, path))
    }

    /// A request with `token` as bearer.
    pub fn as_(&self, token: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.req(method, path).bearer_auth(token)
    }
}

/// Sends and returns the status, headers and JSON body (`Value::Null` when there is none).
pub async fn send(rb: reqwest::RequestBuilder) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let resp = rb.send().await.expect("the request reaches the server");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, headers, body)
}

/// Asserts an error reply has the API's error body with `code`.
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "error body {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error body {body}"
    );
}

/// Runs `$story` (an async fn taking `Db`) as one test per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() {
                super::$story(super::support::Db::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() {
                super::$story(super::support::Db::Postgres).await;
            })*
        }
    };
}
