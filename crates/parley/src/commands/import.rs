//! `parley import`: read every file, refuse the whole run if any fails, then store the
//! questions in one transaction and report per file.

use crate::bank_index;
use crate::cli::ImportArgs;
use crate::error::ImportRefused;
use crate::near_dups::{self, Suggestion};
use crate::semantic::Model;
use indicatif::{ProgressBar, ProgressStyle};
use parley_docs::{ParsedDocument, ReadOptions, Ref, parse_document};
use parley_domain::{QuestionId, Source};
use parley_store::{ImportItem, ImportOptions, Link, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::Path;

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    format: &'static str,
    encoding: &'static str,
    language: String,
    questions: usize,
    with_answer: usize,
    follow_ups: usize,
    sections: Vec<String>,
    noise_removed: u32,
    /// Questions of this file that were already in the bank or earlier in the run.
    merged_exact: usize,
}

#[derive(Debug, Serialize)]
struct FileError {
    path: String,
    message: String,
}

#[derive(Debug, Serialize)]
struct Report {
    files: Vec<FileReport>,
    added: usize,
    merged_exact: usize,
    errors: Vec<FileError>,
    dry_run: bool,
    /// Questions of this run that look like another question in other words (empty on a dry
    /// run, or without the embedding model).
    near_duplicates: Vec<Suggestion>,
}

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
        let report = Report {
            files: docs.iter().map(|(p, d)| file_report(p, d, 0)).collect(),
            added: 0,
            merged_exact: 0,
            errors,
            dry_run: args.dry_run,
            near_duplicates: Vec::new(),
        };
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
    let (items, spans) = batch(&docs);
    let outcome = store
        .import(
            org,
            &items,
            &ImportOptions {
                dry_run: args.dry_run,
                author: "import".into(),
            },
        )
        .await?;
    let files = docs
        .iter()
        .zip(&spans)
        .map(|((p, d), (start, end))| {
            let merged = outcome.items[*start..*end]
                .iter()
                .filter(|o| matches!(o, parley_store::ItemOutcome::MergedExact(_)))
                .count();
            file_report(p, d, merged)
        })
        .collect();
    let near_duplicates = if args.dry_run || args.no_semantic {
        Vec::new()
    } else {
        near_duplicates_of(store, url, org, &items, &outcome).await?
    };
    let report = Report {
        files,
        added: outcome.added(),
        merged_exact: outcome.merged_exact(),
        errors: Vec::new(),
        dry_run: args.dry_run,
        near_duplicates,
    };
    print_report(&report, args.json)
}

/// Brings the search index up to date with the run (embedding its new questions) and finds
/// near-duplicates of the questions it added.
async fn near_duplicates_of(
    store: &Store,
    url: &str,
    org: parley_domain::OrgId,
    items: &[ImportItem],
    outcome: &parley_store::ImportOutcome,
) -> anyhow::Result<Vec<Suggestion>> {
    let model = Model::locate();
    model.warn_if_missing("near-duplicates are not looked for");
    let Some(embedder) = model.embedder() else {
        return Ok(Vec::new());
    };
    let index = bank_index::open_current(store, url, org, Some(embedder)).await?;
    let added: Vec<(QuestionId, String, String)> = items
        .iter()
        .zip(&outcome.items)
        .filter_map(|(item, o)| match o {
            parley_store::ItemOutcome::Added(id) => Some((
                *id,
                item.draft.text.clone(),
                item.draft
                    .language
                    .clone()
                    .unwrap_or_else(parley_domain::Language::undetermined)
                    .as_str()
                    .to_string(),
            )),
            _ => None,
        })
        .collect();
    let pairs = near_dups::detect(store, org, &index, &added).await?;
    near_dups::describe(store, org, &pairs).await
}

/// Turns every document's questions into one batch, resolving links within a document and ids
/// from a Parley export. Returns the batch and each document's range in it.
fn batch(docs: &[(String, ParsedDocument)]) -> (Vec<ImportItem>, Vec<(usize, usize)>) {
    let mut items = Vec::new();
    let mut spans = Vec::new();
    for (path, doc) in docs {
        let start = items.len();
        let by_external: HashMap<&str, usize> = doc
            .questions
            .iter()
            .enumerate()
            .filter_map(|(i, q)| q.external_id.as_deref().map(|e| (e, start + i)))
            .collect();
        let link = |r: &Option<Ref>| -> Option<Link> {
            match r.as_ref()? {
                Ref::Index(i) => Some(Link::Item(start + i)),
                Ref::External(e) => match by_external.get(e.as_str()) {
                    Some(&i) => Some(Link::Item(i)),
                    None => e.parse::<QuestionId>().ok().map(Link::Existing),
                },
            }
        };
        for q in &doc.questions {
            let sources = if q.sources.is_empty() {
                vec![Source {
                    file: path.clone(),
                    line: 1,
                    heading: None,
                }]
            } else {
                q.sources.clone()
            };
            let mut draft = q.draft.clone();
            parley_grade::fill_imported_key_points(&mut draft);
            items.push(ImportItem {
                draft,
                sources,
                follow_up_of: link(&q.follow_up_of),
                translation_of: link(&q.translation_of),
            });
        }
        spans.push((start, items.len()));
    }
    (items, spans)
}

fn file_report(path: &str, d: &ParsedDocument, merged_exact: usize) -> FileReport {
    FileReport {
        path: path.to_string(),
        format: d.format.as_str(),
        encoding: d.encoding,
        language: d.language.to_string(),
        questions: d.questions.len(),
        with_answer: d.questions.iter().filter(|q| q.answered).count(),
        follow_ups: d
            .questions
            .iter()
            .filter(|q| q.follow_up_of.is_some())
            .count(),
        sections: d.sections.clone(),
        noise_removed: d.noise_removed,
        merged_exact,
    }
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
