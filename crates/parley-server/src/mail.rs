//! E-mail out: the summary note to a candidate over SMTP, as a plain-text and HTML message.

use crate::error::ApiError;
use crate::settings::Settings;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A message to send.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// Why a message did not go.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("e-mail is not set up on this server (PARLEY_SMTP_URL)")]
    NotConfigured,
    #[error("not a usable address: {0}")]
    BadAddress(String),
    #[error("the mail server settings are wrong: {0}")]
    BadSettings(String),
    #[error("the mail server did not take the message: {0}")]
    Refused(String),
}

impl From<MailError> for ApiError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::NotConfigured | MailError::BadAddress(_) => {
                ApiError::Conflict(e.to_string())
            }
            MailError::BadSettings(_) | MailError::Refused(_) => {
                ApiError::MailFailed(e.to_string())
            }
        }
    }
}

/// Host, port and credentials from `smtp://[user:password@]host[:port]`.
fn parse_url(url: &str) -> Result<(String, u16, Option<Credentials>), MailError> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| MailError::BadSettings("PARLEY_SMTP_URL must start with smtp://".into()))?;
    let rest = rest.trim_end_matches('/');
    let (auth, hostport) = match rest.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse()
                .map_err(|_| MailError::BadSettings(format!("bad port {p:?}")))?,
        ),
        None => (hostport, 25),
    };
    if host.is_empty() {
        return Err(MailError::BadSettings("no host".into()));
    }
    let creds = auth.map(|a| {
        let (u, p) = a.split_once(':').unwrap_or((a, ""));
        Credentials::new(u.to_string(), p.to_string())
    });
    Ok((host.to_string(), port, creds))
}

/// Sends `m`; the server's reply (e.g. `250 OK`) on success.
pub async fn send(settings: &Settings, m: &Outgoing<'_>) -> Result<String, MailError> {
    let url = settings
        .smtp_url
        .as_deref()
        .ok_or(MailError::NotConfigured)?;
    let (host, port, creds) = parse_url(url)?;
    let from: Mailbox = settings
        .smtp_from
        .parse()
        .map_err(|e| MailError::BadSettings(format!("PARLEY_SMTP_FROM: {e}")))?;
    let to: Mailbox = format!("{} <{}>", m.to_name.replace(['<', '>', '"'], ""), m.to)
        .parse()
        .or_else(|_| m.to.parse())
        .map_err(|e| MailError::BadAddress(format!("{}: {e}", m.to)))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject)
        .multipart(MultiPart::alternative_plain_html(
            m.text.to_string(),
            m.html.to_string(),
        ))
        .map_err(|e| MailError::BadAddress(e.to_string()))?;
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(15)));
    if let Some(c) = creds {
        transport = transport.credentials(c);
    }
    let reply = transport
        .build()
        .send(message)
        .await
        .map_err(|e| MailError::Refused(e.to_string()))?;
    let words: Vec<String> = reply.message().map(str::to_string).collect();
    Ok(format!("{} {}", reply.code(), words.join(" ")))
}

/// The HTML body of a note e-mail: the rendered note in a minimal document.
pub fn html_document(title: &str, body_html: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
         <title>{title}</title>\
         <style>@page {{ margin: 2cm; }} body {{ font-family: sans-serif; line-height: 1.5; max-width: 40rem; color: #1d2330; }}</style></head>\
         <body>{body_html}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn smtp_urls_give_host_port_and_credentials() {
        let (h, p, c) = parse_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((h.as_str(), p, c.is_some()), ("127.0.0.1", 2525, false));
        let (h, p, c) = parse_url("smtp://me:secret@mail.example.com").unwrap();
        assert_eq!((h.as_str(), p, c.is_some()), ("mail.example.com", 25, true));
        assert!(parse_url("http://x").is_err());
        assert!(parse_url("smtp://host:port").is_err());
    }
}
