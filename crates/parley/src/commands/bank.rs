//! `parley bank starter`: the starter bank written for Parley.

use crate::cli::BankCommand;
use parley_bank::starter;
use parley_store::Store;

pub async fn run(store: &Store, org_slug: &str, cmd: BankCommand) -> anyhow::Result<()> {
    match cmd {
        BankCommand::Starter { json } => {
            let org = store.ensure_org(org_slug).await?;
            let imported = starter::load(store, org, "starter").await?;
            let r = &imported.report;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"added": r.added, "already_there": r.merged_exact})
                );
            } else {
                println!(
                    "starter bank: added {} questions ({} were already there)",
                    r.added, r.merged_exact
                );
            }
            Ok(())
        }
    }
}
