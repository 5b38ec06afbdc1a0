//! `parley dedup`: the open near-duplicate suggestions, and what the user decides about them.

use crate::cli::{DedupAction, DedupArgs};
use crate::commands::questions::resolve;
use parley_bank::Model;
use parley_bank::index as bank_index;
use parley_bank::near_dups::{self, Suggestion};
use parley_domain::{Language, QuestionId};
use parley_store::Store;

pub async fn run(store: &Store, url: &str, org_slug: &str, args: DedupArgs) -> anyhow::Result<()> {
    let org = store.ensure_org(org_slug).await?;
    match args.action {
        None => {}
        Some(DedupAction::Merge {
            keep,
            other,
            author,
        }) => {
            let (keep, other) = (
                resolve(store, org, &keep).await?,
                resolve(store, org, &other).await?,
            );
            let kept = store.merge_questions(org, keep, other, &author).await?;
            eprintln!(
                "merged {other} into {keep} (now revision {})",
                kept.revision
            );
        }
        Some(DedupAction::Dismiss { a, b, author }) => {
            let (a, b) = (
                resolve(store, org, &a).await?,
                resolve(store, org, &b).await?,
            );
            store.mark_not_duplicate(org, a, b, &author).await?;
            eprintln!("{a} and {b} will not be suggested again");
        }
        Some(DedupAction::Scan) => {
            let model = Model::locate();
            model.warn_if_missing("near-duplicates cannot be looked for");
            if let Some(embedder) = model.embedder() {
                let index = bank_index::open_current(store, url, org, Some(embedder)).await?;
                let all: Vec<(QuestionId, String, String)> = store
                    .all_questions(org)
                    .await?
                    .into_iter()
                    .map(|q| {
                        let lang = q
                            .draft
                            .language
                            .clone()
                            .unwrap_or_else(Language::undetermined);
                        (q.id, q.draft.text, lang.as_str().to_string())
                    })
                    .collect();
                let found = near_dups::detect(store, org, &index, &all).await?;
                eprintln!("{} near-duplicate pairs found", found.len());
            }
        }
    }
    let open = store.open_duplicates(org).await?;
    let described = near_dups::describe(store, org, &open).await?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "near_duplicates": described }))?
        );
    } else {
        print_suggestions(&described);
    }
    Ok(())
}

fn print_suggestions(s: &[Suggestion]) {
    if s.is_empty() {
        println!("no open near-duplicate suggestions");
        return;
    }
    for x in s {
        println!("{:.3}  {}  {}", x.score, x.question, x.question_text);
        println!("       {}  {}", x.similar_to, x.similar_to_text);
    }
    println!(
        "\nmerge with `parley dedup merge KEEP OTHER`, or dismiss with `parley dedup dismiss A B`"
    );
}
