//! A real mail server for the tests: aiosmtpd (from PyPI, installed by `./dev test` into the
//! tools environment) writing what it receives into a Maildir, and Python's own mail parser to
//! read it back.

use serde_json::Value;

/// The Python of the tools environment `./dev test` prepares (aiosmtpd is installed there).
pub fn tools_python() -> Option<std::path::PathBuf> {
    let venv = std::env::var("PARLEY_TOOLS_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools-venv")
        });
    let python = venv.join("bin/python");
    let ok = std::process::Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("PARLEY_REQUIRE_SMTP").as_deref() != Ok("1"),
            "PARLEY_REQUIRE_SMTP=1 but aiosmtpd is not installed in {}",
            venv.display()
        );
        eprintln!("skipped: aiosmtpd is not installed (./dev test installs it)");
        return None;
    }
    Some(python)
}

/// A real SMTP server (aiosmtpd) writing what it receives into a Maildir; killed on drop.
pub struct Smtp {
    child: std::process::Child,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn smtp(python: &std::path::Path, port: u16, maildir: &std::path::Path) -> Smtp {
    // Owned by `Smtp` at once, so every way out of here kills and reaps it.
    let server = Smtp {
        child: std::process::Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting aiosmtpd"),
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not listen on {port}");
}

/// The messages in the Maildir, read back by Python's own mail parser: recipient, subject and
/// the decoded plain-text part.
pub fn read_back(python: &std::path::Path, maildir: &std::path::Path) -> Vec<Value> {
    let script = r#"
import json, mailbox, sys
out = []
for m in mailbox.Maildir(sys.argv[1], create=False):
    parts = list(m.walk())
    text = [p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
            for p in parts if p.get_content_type() == "text/plain"]
    html = [p for p in parts if p.get_content_type() == "text/html"]
    out.append({"to": m["To"], "subject": str(m["Subject"]), "text": text[0] if text else None,
                "html": len(html)})
print(json.dumps(out))
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(maildir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A free port on the loopback interface (for a mail server started later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A test server on SQLite whose e-mail goes to a real SMTP server (aiosmtpd) writing into a
/// Maildir, which `read_back` reads.
pub struct MailApp {
    pub app: crate::support::TestApp,
    pub python: std::path::PathBuf,
    pub maildir: std::path::PathBuf,
    _smtp: Smtp,
    _dir: tempfile::TempDir,
}

impl MailApp {
    /// `None` (the test skips) when aiosmtpd is not installed and not required.
    pub async fn spawn() -> Option<MailApp> {
        let python = tools_python()?;
        let port = free_port();
        let app = crate::support::TestApp::spawn(crate::support::Db::Sqlite, |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("box");
        let smtp = smtp(&python, port, &maildir).await;
        Some(MailApp {
            app,
            python,
            maildir,
            _smtp: smtp,
            _dir: dir,
        })
    }

    pub fn read_back(&self) -> Vec<Value> {
        read_back(&self.python, &self.maildir)
    }
}
