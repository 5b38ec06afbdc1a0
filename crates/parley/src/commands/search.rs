//! `parley search`: lexical (BM25), semantic or hybrid search over the bank.

use std::io::IsTerminal;

use crate::cli::{SearchArgs, SearchMode};
use crate::error::UsageError;
use parley_bank::Model;
use parley_bank::index as bank_index;
use parley_domain::{Language, QuestionKind, Taxonomy};
use parley_search::{Filters, Hit};
use parley_store::Store;
use serde::Serialize;

#[derive(Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    text: &'a str,
    section: Option<&'a str>,
    score: f32,
    /// The question with matched words in `<mark>` … `</mark>`.
    snippet: String,
    /// The matching passage of the reference answer, marked the same way.
    answer_snippet: Option<String>,
}

pub async fn run(store: &Store, url: &str, org_slug: &str, args: SearchArgs) -> anyhow::Result<()> {
    let org = store.ensure_org(org_slug).await?;
    let filters = filters(&args)?;
    // Even a lexical search loads the model when it is installed: the index it catches up
    // keeps vectors, and an index caught up without them would have to be rebuilt.
    let model = Model::locate();
    let embedder = model.embedder();
    let index = bank_index::open_current(store, url, org, embedder).await?;
    let hits = match (args.mode, embedder) {
        (SearchMode::Lexical, _) => {
            index.search_lexical(&args.query, &filters, usize::from(args.limit))?
        }
        (mode, Some(e)) => {
            let vector = e.embed_queries(&[args.query.as_str()]).remove(0);
            if mode == SearchMode::Semantic {
                index.search_semantic(&args.query, &vector, &filters, usize::from(args.limit))?
            } else {
                index.search_hybrid(&args.query, &vector, &filters, usize::from(args.limit))?
            }
        }
        (_, None) => {
            model.warn_if_missing("showing lexical results only");
            index.search_lexical(&args.query, &filters, usize::from(args.limit))?
        }
    };
    if args.json {
        let results: Vec<JsonHit> = hits.iter().map(json_hit).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "results": results }))?
        );
    } else {
        print_hits(&hits);
    }
    Ok(())
}

fn filters(args: &SearchArgs) -> anyhow::Result<Filters> {
    let language = args
        .lang
        .as_deref()
        .map(str::parse::<Language>)
        .transpose()
        .map_err(|e| UsageError(e.to_string()))?;
    let kind = args
        .kind
        .as_deref()
        .map(str::parse::<QuestionKind>)
        .transpose()
        .map_err(|e| UsageError(e.to_string()))?;
    // "databases", "bazy danych" and "Databases" all name the stored section "Databases".
    let section = args
        .section
        .clone()
        .map(|s| Taxonomy::builtin().lookup(&s).map_or(s, |t| t.name.clone()));
    Ok(Filters {
        section,
        tags: args.tag.clone(),
        language: language.map(|l| l.as_str().to_string()),
        kind: kind.map(|k| k.as_str().to_string()),
        has_answer: args.has_answer.then_some(true),
    })
}

fn json_hit(h: &Hit) -> JsonHit<'_> {
    JsonHit {
        id: &h.id,
        text: &h.text,
        section: h.section.as_deref(),
        score: h.score,
        snippet: h.snippet.marked("<mark>", "</mark>"),
        answer_snippet: h
            .answer_snippet
            .as_ref()
            .map(|s| s.marked("<mark>", "</mark>")),
    }
}

fn print_hits(hits: &[Hit]) {
    if hits.is_empty() {
        eprintln!("no questions match");
        return;
    }
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for h in hits {
        let section = h.section.as_deref().unwrap_or("-");
        println!(
            "{}  {:>6.2}  {}  ({section})",
            h.id,
            h.score,
            h.snippet.marked(open, close)
        );
        if let Some(a) = &h.answer_snippet {
            println!("{:>46}{}", "", a.marked(open, close));
        }
    }
}
