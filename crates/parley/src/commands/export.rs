//! `parley export --format json|markdown|csv|anki`.

use crate::cli::{ExportArgs, ExportFormat};
use parley_docs::export;
use parley_store::Store;

pub async fn run(store: &Store, org_slug: &str, args: ExportArgs) -> anyhow::Result<()> {
    let org = store.ensure_org(org_slug).await?;
    let questions = store.all_questions(org).await?;
    let text = match args.format {
        ExportFormat::Json => export::json::render(&questions),
        ExportFormat::Markdown => export::markdown::render(&questions),
        ExportFormat::Csv => export::csv::render(&questions),
        ExportFormat::Anki => export::anki::render(&questions, "Parley", true),
    };
    match args.output {
        Some(path) => std::fs::write(&path, text)?,
        None => println!("{text}"),
    }
    Ok(())
}
