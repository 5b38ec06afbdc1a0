//! `parley org`, `parley user`, `parley token`: accounts from the command line, for the first
//! owner of a server without a browser, scripts and tests.

use crate::cli::{OrgCommand, TokenCommand, UserCommand};
use crate::error::UsageError;
use anyhow::Context;
use parley_domain::account::parse_name;
use parley_domain::{Email, NewPassword, Role};
use parley_server::secrets::{hash_password, hash_secret, new_token};
use parley_store::{NewUser, Store};
use std::io::{BufRead, IsTerminal};

pub async fn org(store: &Store, cmd: OrgCommand) -> anyhow::Result<()> {
    match cmd {
        OrgCommand::Create { slug, name } => {
            let name = parse_name(name.as_deref().unwrap_or(&slug))
                .map_err(|e| UsageError(e.to_string()))?;
            let org = store.create_org(&slug, &name).await?;
            println!("created organisation {} ({})", org.slug, org.id);
            Ok(())
        }
    }
}

pub async fn user(store: &Store, org_slug: &str, cmd: UserCommand) -> anyhow::Result<()> {
    let org = store.org_by_slug(org_slug).await?.ok_or_else(|| {
        UsageError(format!(
            "no organisation {org_slug:?}: create it with `parley org create {org_slug}`"
        ))
    })?;
    match cmd {
        UserCommand::Add { email, role, name } => {
            let email = Email::parse(&email).map_err(|e| UsageError(e.to_string()))?;
            let role: Role = role
                .parse()
                .map_err(|e: parley_domain::AccountError| UsageError(e.to_string()))?;
            let name =
                name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
            let name = parse_name(&name).map_err(|e| UsageError(e.to_string()))?;
            let password = read_password()?;
            let password_hash =
                tokio::task::spawn_blocking(move || hash_password(password.expose())).await?;
            let user = store
                .create_user(
                    org,
                    &NewUser {
                        email,
                        name,
                        role,
                        password_hash,
                    },
                )
                .await?;
            println!(
                "added {} as {} of {org_slug} ({})",
                user.email, user.role, user.id
            );
            Ok(())
        }
        UserCommand::List { json } => {
            let users = store.users_of(org).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in users {
                    println!("{}  {:<12} {}  {}", u.id, u.role, u.email, u.name);
                }
            }
            Ok(())
        }
    }
}

pub async fn token(store: &Store, org_slug: Option<&str>, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { email, name } => {
            let email = Email::parse(&email).map_err(|e| UsageError(e.to_string()))?;
            let mut users = store.users_by_email(&email).await?;
            if let Some(slug) = org_slug {
                let org = store.org_by_slug(slug).await?;
                users.retain(|(u, _)| Some(u.org) == org);
            }
            let user = match users.len() {
                0 => return Err(UsageError(format!("no member {email}")).into()),
                1 => users.remove(0).0,
                _ => {
                    return Err(UsageError(format!(
                        "{email} belongs to several organisations: name one with --org"
                    ))
                    .into());
                }
            };
            let name = parse_name(&name).map_err(|e| UsageError(e.to_string()))?;
            let secret = new_token();
            store
                .create_token(user.id, &name, &hash_secret(&secret))
                .await?;
            eprintln!("API token for {email} (shown once; send it as Authorization: Bearer …):");
            println!("{secret}");
            Ok(())
        }
    }
}

/// The new password: one line from standard input, asked for without echo on a terminal.
fn read_password() -> anyhow::Result<NewPassword> {
    let line = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("password: ").context("reading the password")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line
    };
    let line = line.trim_end_matches(['\r', '\n']);
    NewPassword::parse(line).map_err(|e| UsageError(e.to_string()).into())
}
