//! The server's settings, layered: built-in defaults, then an optional TOML file, then
//! `PARLEY_…` environment variables, then command-line flags (applied by the caller).

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

/// Everything `parley serve` can be told. Passed explicitly, never read from a global, so a
/// test can run two servers with different settings in one process.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The address people reach the server at, for links printed or shown (setup,
    /// invitations). Defaults to `http://{addr}`. An `https://` URL makes cookies `Secure`.
    pub public_url: Option<String>,
    /// How long a browser session lasts without signing in again.
    pub session_hours: u32,
    /// Largest request body accepted (uploads included); larger ones get 413.
    pub max_body_bytes: usize,
    /// Requests per second each signed-in member may make, sustained (0 turns the limit off).
    pub rate_per_second: u32,
    /// Requests a member may make in a burst above the sustained rate.
    pub rate_burst: u32,
    /// Failed logins allowed per address within `login_window_seconds` before 429.
    pub login_failures: u32,
    pub login_window_seconds: u32,
    /// How long an invitation link stays valid.
    pub invitation_days: u32,
    /// `json`, `text`, or `auto` (JSON unless standard error is a terminal).
    pub log_format: LogFormat,
    /// Longest a request may take before 503; in-flight requests get this long at shutdown.
    pub request_timeout_seconds: u32,
    /// The mail server notes to candidates go through: `smtp://[user:password@]host[:port]`
    /// (plain SMTP, for a relay on the host or the local network). Unset: no e-mail; notes are
    /// shared by link.
    pub smtp_url: Option<String>,
    /// The sender of those messages.
    pub smtp_from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Text,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            session_hours: 24 * 14,
            max_body_bytes: 32 * 1024 * 1024,
            rate_per_second: 50,
            rate_burst: 200,
            login_failures: 5,
            login_window_seconds: 15 * 60,
            invitation_days: 7,
            log_format: LogFormat::Auto,
            request_timeout_seconds: 30,
            smtp_url: None,
            smtp_from: "Parley <parley@localhost>".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("settings file {path}: {message}")]
    Parse { path: String, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
}

impl Settings {
    /// Defaults, overlaid with `file` when given (a missing file named explicitly is an
    /// error; `parley.toml` in the working directory is read when it exists), then with the
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let mut s = match file {
            Some(path) => Settings::from_file(path)?,
            None if Path::new("parley.toml").is_file() => {
                Settings::from_file(Path::new("parley.toml"))?
            }
            None => Settings::default(),
        };
        s.apply_env(|name| std::env::var(name).ok())?;
        Ok(s)
    }

    fn from_file(path: &Path) -> Result<Settings, SettingsError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: p.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| SettingsError::Parse {
            path: p,
            message: e.message().to_string(),
        })
    }

    /// Overlays `PARLEY_ADDR`, `PARLEY_PUBLIC_URL`, `PARLEY_SESSION_HOURS`,
    /// `PARLEY_MAX_BODY_BYTES`, `PARLEY_RATE_PER_SECOND`, `PARLEY_RATE_BURST`,
    /// `PARLEY_LOGIN_FAILURES`, `PARLEY_LOGIN_WINDOW_SECONDS`, `PARLEY_INVITATION_DAYS`,
    /// `PARLEY_LOG_FORMAT`, `PARLEY_REQUEST_TIMEOUT_SECONDS`, `PARLEY_SMTP_URL`,
    /// `PARLEY_SMTP_FROM`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), SettingsError> {
        fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, SettingsError>
        where
            T::Err: std::fmt::Display,
        {
            v.trim().parse().map_err(|e: T::Err| SettingsError::Env {
                name: name.to_string(),
                message: e.to_string(),
            })
        }
        macro_rules! overlay {
            ($($name:literal => $field:ident),* $(,)?) => {
                $(if let Some(v) = var($name) { self.$field = parse($name, &v)?; })*
            };
        }
        overlay!(
            "PARLEY_ADDR" => addr,
            "PARLEY_SESSION_HOURS" => session_hours,
            "PARLEY_MAX_BODY_BYTES" => max_body_bytes,
            "PARLEY_RATE_PER_SECOND" => rate_per_second,
            "PARLEY_RATE_BURST" => rate_burst,
            "PARLEY_LOGIN_FAILURES" => login_failures,
            "PARLEY_LOGIN_WINDOW_SECONDS" => login_window_seconds,
            "PARLEY_INVITATION_DAYS" => invitation_days,
            "PARLEY_REQUEST_TIMEOUT_SECONDS" => request_timeout_seconds,
        );
        if let Some(v) = var("PARLEY_SMTP_URL") {
            self.smtp_url = Some(v).filter(|v| !v.trim().is_empty());
        }
        if let Some(v) = var("PARLEY_SMTP_FROM") {
            self.smtp_from = v;
        }
        if let Some(v) = var("PARLEY_PUBLIC_URL") {
            self.public_url = Some(v).filter(|v| !v.trim().is_empty());
        }
        if let Some(v) = var("PARLEY_LOG_FORMAT") {
            self.log_format = match v.trim() {
                "auto" => LogFormat::Auto,
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                other => {
                    return Err(SettingsError::Env {
                        name: "PARLEY_LOG_FORMAT".into(),
                        message: format!("{other:?} is not auto, json or text"),
                    });
                }
            };
        }
        Ok(())
    }

    /// The base of links the server prints and shows, without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// Whether cookies must be marked `Secure`: when people reach us over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file_and_defaults() {
        let mut s: Settings = toml::from_str("rate_burst = 7\nsession_hours = 1").unwrap();
        assert_eq!(s.rate_burst, 7);
        assert_eq!(s.rate_per_second, Settings::default().rate_per_second);
        s.apply_env(|n| (n == "PARLEY_SESSION_HOURS").then(|| "3".to_string()))
            .unwrap();
        assert_eq!(s.session_hours, 3);
    }

    #[test]
    fn bad_values_name_their_source() {
        let mut s = Settings::default();
        let e = s
            .apply_env(|n| (n == "PARLEY_ADDR").then(|| "nowhere".to_string()))
            .unwrap_err();
        assert!(e.to_string().contains("PARLEY_ADDR"), "{e}");
        assert!(toml::from_str::<Settings>("no_such_setting = 1").is_err());
    }

    #[test]
    fn https_public_urls_make_cookies_secure() {
        let s = Settings {
            public_url: Some("https://parley.example/".into()),
            ..Settings::default()
        };
        assert!(s.secure_cookies());
        assert_eq!(s.base_url(), "https://parley.example");
        assert!(!Settings::default().secure_cookies());
    }
}
