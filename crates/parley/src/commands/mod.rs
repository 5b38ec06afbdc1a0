//! One module per subcommand; `run` opens the store and dispatches.

mod accounts;
mod bank;
mod dedup;
mod export;
mod grade;
mod import;
mod practice;
pub mod questions;
mod search;
mod serve;

use crate::cli::{Cli, Command};
use anyhow::Context;
use parley_store::Store;

/// The database used when neither `--db` nor `PARLEY_DB` names one: a file in the working
/// directory, created on first use.
pub const DEFAULT_DB: &str = "sqlite://parley.db";

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // Grading given texts needs no database: do not create one.
    if let Command::Grade(args) = &cli.command
        && args.id.is_none()
    {
        return grade::run(None, cli.org_slug(), args).await;
    }
    let url = cli.db.clone().unwrap_or_else(|| DEFAULT_DB.to_string());
    let store = Store::open(&url)
        .await
        .with_context(|| format!("opening database {}", redact(&url)))?;
    let org = cli.org_slug().to_string();
    let explicit_org = cli.org.is_some();
    let result = match cli.command {
        Command::Migrate => {
            store.migrate().await?;
            println!("database is up to date ({})", redact(&url));
            Ok(())
        }
        Command::Import(args) => import::run(&store, &url, &org, args).await,
        Command::Questions(cmd) => questions::run(&store, &org, cmd).await,
        Command::Export(args) => export::run(&store, &org, args).await,
        Command::Search(args) => search::run(&store, &url, &org, args).await,
        Command::Dedup(args) => dedup::run(&store, &url, &org, args).await,
        Command::Grade(args) => grade::run(Some(&store), &org, &args).await,
        Command::Serve(args) => serve::run(store.clone(), &org, args).await,
        Command::Bank(cmd) => bank::run(&store, &org, cmd).await,
        Command::Practice(args) => practice::run(&store, &org, args).await,
        Command::Org(cmd) => accounts::org(&store, cmd).await,
        Command::User(cmd) => accounts::user(&store, &org, cmd).await,
        Command::Token(cmd) => {
            accounts::token(&store, explicit_org.then_some(org.as_str()), cmd).await
        }
    };
    store.close().await;
    result
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
