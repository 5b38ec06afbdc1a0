//! PDF from HTML through headless Chromium (`--print-to-pdf`): the page's own print styles,
//! real fonts with every script Parley's users write (Polish included), and no PDF library to
//! build. The browser gets a fresh profile, no network and a time limit.

use crate::error::ApiError;
use std::path::PathBuf;
use std::time::Duration;

/// Where Chromium is: `PARLEY_CHROMIUM`, else Debian's `/usr/bin/chromium`.
fn chromium() -> Option<PathBuf> {
    std::env::var_os("PARLEY_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|p| p.exists())
}

/// Prints `html` (a whole document) to PDF bytes.
pub async fn render(html: &str) -> Result<Vec<u8>, ApiError> {
    let browser = chromium().ok_or_else(|| {
        ApiError::Conflict(
            "PDF export needs Chromium on the server (apt-get install chromium, or set PARLEY_CHROMIUM)"
                .into(),
        )
    })?;
    // A browser is heavy: at most two print at once; the others wait their turn.
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _slot = SLOTS
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let dir = tempfile::tempdir().map_err(|e| ApiError::Internal(e.into()))?;
    let input = dir.path().join("note.html");
    let output = dir.path().join("note.pdf");
    tokio::fs::write(&input, html)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut cmd = tokio::process::Command::new(browser);
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-pdf-header-footer",
        // Nothing but the local file: no request leaves the machine.
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ])
    .arg(format!(
        "--user-data-dir={}",
        dir.path().join("profile").display()
    ))
    .arg(format!("--print-to-pdf={}", output.display()))
    .arg(format!("file://{}", input.display()))
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .kill_on_drop(true);
    let status = tokio::time::timeout(Duration::from_secs(60), cmd.status())
        .await
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("Chromium took over a minute to print")))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let pdf = tokio::fs::read(&output).await.map_err(|e| {
        ApiError::Internal(anyhow::anyhow!("Chromium ({status}) wrote no PDF: {e}"))
    })?;
    if !pdf.starts_with(b"%PDF") {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "Chromium wrote something that is not a PDF"
        )));
    }
    Ok(pdf)
}
