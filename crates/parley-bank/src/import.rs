//! Importing parsed documents: one batch for the store (links resolved, key points extracted),
//! the per-file report, and the near-duplicates of what the run added.

use crate::BankError;
use crate::near_dups::{self, Suggestion};
use parley_docs::{ParsedDocument, Ref};
use parley_domain::{Language, OrgId, QuestionId, Source};
use parley_search::SearchIndex;
use parley_store::{ImportItem, ImportOptions, ImportOutcome, ItemOutcome, Link, Store};
use serde::Serialize;
use std::collections::HashMap;

/// What one file gave.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: &'static str,
    pub encoding: &'static str,
    pub language: String,
    pub questions: usize,
    pub with_answer: usize,
    pub follow_ups: usize,
    pub sections: Vec<String>,
    pub noise_removed: u32,
    /// Questions of this file that were already in the bank or earlier in the run.
    pub merged_exact: usize,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// The report of an import run (`parley import --json`, the web's preview and result).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub added: usize,
    pub merged_exact: usize,
    pub errors: Vec<FileError>,
    pub dry_run: bool,
    /// Questions of this run that look like another question in other words (empty on a dry
    /// run, or without the embedding model).
    pub near_duplicates: Vec<Suggestion>,
}

impl Report {
    /// The report of a run refused because some files failed: nothing was written.
    pub fn refused(
        docs: &[(String, ParsedDocument)],
        errors: Vec<FileError>,
        dry_run: bool,
    ) -> Report {
        Report {
            files: docs.iter().map(|(p, d)| file_report(p, d, 0)).collect(),
            added: 0,
            merged_exact: 0,
            errors,
            dry_run,
            near_duplicates: Vec::new(),
        }
    }
}

/// A finished import: its report and the questions it added (id, text, language), whose
/// near-duplicates the caller may look for with its own index.
pub struct Imported {
    pub report: Report,
    pub added: Vec<(QuestionId, String, String)>,
}

/// Stores every question of `docs` into `org` in one transaction (rolled back on a dry run).
pub async fn import_documents(
    store: &Store,
    org: OrgId,
    docs: &[(String, ParsedDocument)],
    dry_run: bool,
    author: &str,
) -> Result<Imported, BankError> {
    let (items, spans) = batch(docs);
    let outcome = store
        .import(
            org,
            &items,
            &ImportOptions {
                dry_run,
                author: author.to_string(),
            },
        )
        .await?;
    let files = docs
        .iter()
        .zip(&spans)
        .map(|((p, d), (start, end))| {
            let merged = outcome.items[*start..*end]
                .iter()
                .filter(|o| matches!(o, ItemOutcome::MergedExact(_)))
                .count();
            file_report(p, d, merged)
        })
        .collect();
    Ok(Imported {
        report: Report {
            files,
            added: outcome.added(),
            merged_exact: outcome.merged_exact(),
            errors: Vec::new(),
            dry_run,
            near_duplicates: Vec::new(),
        },
        added: added_questions(&items, &outcome),
    })
}

fn added_questions(
    items: &[ImportItem],
    outcome: &ImportOutcome,
) -> Vec<(QuestionId, String, String)> {
    items
        .iter()
        .zip(&outcome.items)
        .filter_map(|(item, o)| match o {
            ItemOutcome::Added(id) => Some((
                *id,
                item.draft.text.clone(),
                item.draft
                    .language
                    .clone()
                    .unwrap_or_else(Language::undetermined)
                    .as_str()
                    .to_string(),
            )),
            ItemOutcome::MergedExact(_) => None,
        })
        .collect()
}

/// The near-duplicates of the questions an import added, found in `index` (which must have
/// caught up with the import, with vectors), recorded as open suggestions and described.
pub async fn near_duplicates_of(
    store: &Store,
    org: OrgId,
    index: &SearchIndex,
    added: &[(QuestionId, String, String)],
) -> Result<Vec<Suggestion>, BankError> {
    let pairs = near_dups::detect(store, org, index, added).await?;
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
