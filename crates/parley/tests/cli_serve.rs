//! `parley serve` as real processes: the setup link on a fresh database, and two servers on one
//! PostgreSQL behaving as one service — a session made on one is valid on the other, an edit
//! through one is found by search through the other within a second — and a clean exit on
//! SIGTERM.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::with_postgres;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `parley serve`, killed on drop if still running.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str) -> Server {
    let port = free_port();
    // Owned by `Server` from the start, so a failure below still stops the process.
    let server = Server {
        child: Command::new(env!("CARGO_BIN_EXE_parley"))
            .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("PARLEY_LOG_FORMAT", "json")
            .env("PARLEY_MODEL_DIR", "/nonexistent")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::blocking::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("{}/healthz", server.base))
            .send()
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("parley serve did not come up on {}", server.base);
}

fn parley(db: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "parley {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_fresh_database_prints_a_setup_link_that_opens_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let mut server = serve(&db);
    assert!(server.base.starts_with("http://127.0.0.1:"));
    let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let link = lines
        .by_ref()
        .take(5)
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("")
                .filter(|l| l.contains("/setup/"))
                .map(str::to_string)
        })
        .expect("a setup link");
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(http.get(&link).send().unwrap().status(), 200);
    let form = [
        ("org_name", "Acme"),
        ("name", "Ann"),
        ("email", "ann@acme.test"),
        ("password", "a long owner password"),
    ];
    let done = http.post(&link).form(&form).send().unwrap();
    assert_eq!(done.status(), 303, "set up, signed in, sent to the bank");
    assert!(
        done.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    assert_eq!(
        http.get(&link).send().unwrap().status(),
        404,
        "the link works once"
    );
    assert_eq!(http.post(&link).form(&form).send().unwrap().status(), 404);
}

#[test]
fn two_servers_on_one_postgres_are_one_service() {
    with_postgres("serve", |db| {
        parley(db, &["org", "create", "acme"], None);
        parley(
            db,
            &[
                "--org",
                "acme",
                "user",
                "add",
                "--email",
                "ann@acme.test",
                "--role",
                "interviewer",
            ],
            Some("a long test password\n"),
        );
        let token = parley(db, &["token", "create", "--email", "ann@acme.test"], None)
            .trim()
            .to_string();
        let one = serve(db);
        let two = serve(db);
        let http = reqwest::blocking::Client::new();

        // A session made on one node is valid on the other.
        let login = http
            .post(format!("{}/api/v1/session", one.base))
            .json(
                &serde_json::json!({"email": "ann@acme.test", "password": "a long test password"}),
            )
            .send()
            .unwrap();
        assert_eq!(login.status(), 200);
        let cookie = login.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let me = http
            .get(format!("{}/api/v1/me", two.base))
            .header("cookie", &cookie)
            .send()
            .unwrap();
        assert_eq!(me.status(), 200);

        // An edit through one is found through the other within a second.
        let found_within = |base: &str, word: &str| -> Option<Duration> {
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(1) {
                let r: serde_json::Value = http
                    .get(format!("{base}/api/v1/search?q={word}&mode=lexical"))
                    .bearer_auth(&token)
                    .send()
                    .unwrap()
                    .json()
                    .unwrap();
                if !r["results"].as_array().unwrap().is_empty() {
                    return Some(start.elapsed());
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            None
        };
        let created: serde_json::Value = http
            .post(format!("{}/api/v1/questions", one.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"text": "What does a write-ahead log protect against?"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let took = found_within(&two.base, "write-ahead")
            .expect("the other node finds the new question within a second");
        eprintln!("found through the other node after {took:?}");
        let id = created["id"].as_str().unwrap();
        let edit = http
            .patch(format!("{}/api/v1/questions/{id}", two.base))
            .bearer_auth(&token)
            .header("if-match", "\"1\"")
            .json(&serde_json::json!({"text": "What does a journal protect against?"}))
            .send()
            .unwrap();
        assert_eq!(edit.status(), 200);
        found_within(&one.base, "journal").expect("the first node finds the edit within a second");

        // SIGTERM: a clean, graceful exit.
        let mut one = one;
        let status = Command::new("kill")
            .args(["-TERM", &one.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        let exit = loop {
            if let Some(s) = one.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "still running 10 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{exit:?}");
        drop(two);
    });
}
