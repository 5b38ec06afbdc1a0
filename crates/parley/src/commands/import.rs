//! `parley import`: read every file, refuse the whole run if any fails, then store the
//! questions in one transaction and report per file.

use crate::cli::ImportArgs;
use crate::error::ImportRefused;
use indicatif::{ProgressBar, ProgressStyle};
use parley_bank::Model;
use parley_bank::import::{FileError, Report, import_documents, near_duplicates_of};
use parley_bank::index;
use parley_docs::{ParsedDocument, ReadOptions, parse_document};
use parley_store::Store;
use std::io::{IsTerminal, Read};
use std::path::Path;

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("is a directory, not a document".into());
    }
    if meta.len() > max {
        return Err(format!(
            "file is {} bytes; the limit is {max} bytes (--max-size)",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The size can change between the check and the read; never read past the limit.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "file is larger than the limit of {max} bytes (--max-size)"
        ));
    }
    Ok(bytes)
}

pub async fn run(store: &Store, url: &str, org_slug: &str, args: ImportArgs) -> anyhow::Result<()> {
    let bar = progress(args.files.len());
    let mut docs: Vec<(String, ParsedDocument)> = Vec::new();
    let mut errors = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        if let Some(b) = &bar {
            b.set_message(shown.clone());
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        let parsed = read_file(path, args.max_size).and_then(|bytes| {
            let p = parse_document(
                &bytes,
                &ReadOptions {
                    file_name: name.clone(),
                },
            )
            .map_err(|e| e.to_string())?;
            Ok(p)
        });
        match parsed {
            Ok(doc) => docs.push((shown, doc)),
            Err(message) => errors.push(FileError {
                path: shown,
                message,
            }),
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if !errors.is_empty() {
        let report = Report::refused(&docs, errors, args.dry_run);
        print_report(&report, args.json)?;
        for e in &report.errors {
            eprintln!("parley: {}: {}", e.path, e.message);
        }
        return Err(ImportRefused {
            failed: report.errors.len(),
            total: args.files.len(),
        }
        .into());
    }

    let org = store.ensure_org(org_slug).await?;
    let imported = import_documents(store, org, &docs, args.dry_run, "import").await?;
    let mut report = imported.report;
    if !args.dry_run && !args.no_semantic {
        let model = Model::locate();
        model.warn_if_missing("near-duplicates are not looked for");
        if let Some(embedder) = model.embedder() {
            // Bringing the index up to date embeds the run's new questions.
            let index = index::open_current(store, url, org, Some(embedder)).await?;
            report.near_duplicates =
                near_duplicates_of(store, org, &index, &imported.added).await?;
        }
    }
    print_report(&report, args.json)
}

fn print_report(r: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
        return Ok(());
    }
    for f in &r.files {
        println!(
            "{}: {} questions ({} answered, {} follow-ups), {}, {}, {} noise removed",
            f.path, f.questions, f.with_answer, f.follow_ups, f.format, f.language, f.noise_removed
        );
        if !f.sections.is_empty() {
            println!("  sections: {}", f.sections.join(", "));
        }
    }
    if r.errors.is_empty() {
        let verb = if r.dry_run { "would add" } else { "added" };
        println!(
            "{verb} {} questions, {} exact duplicates merged{}",
            r.added,
            r.merged_exact,
            if r.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
    }
    if !r.near_duplicates.is_empty() {
        println!(
            "{} possible near-duplicates (review with `parley dedup`):",
            r.near_duplicates.len()
        );
        for s in &r.near_duplicates {
            println!(
                "  {:.3}  {}\n         ~ {}",
                s.score, s.question_text, s.similar_to_text
            );
        }
    }
    Ok(())
}

fn progress(files: usize) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || files < 2 {
        return None;
    }
    let bar = ProgressBar::new(files as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    Some(bar)
}
