//! `parley questions list|show`.

use crate::cli::QuestionsCommand;
use crate::error::UsageError;
use crate::output;
use parley_docs::export::ExportQuestion;
use parley_domain::{Language, QuestionId, QuestionKind, Taxonomy};
use parley_store::{ListFilter, Store};

pub async fn run(store: &Store, org_slug: &str, cmd: QuestionsCommand) -> anyhow::Result<()> {
    let org = store.ensure_org(org_slug).await?;
    match cmd {
        QuestionsCommand::List {
            json,
            section,
            lang,
            kind,
            tag,
            limit,
        } => {
            let language = lang
                .map(|l| l.parse::<Language>())
                .transpose()
                .map_err(|e| UsageError(e.to_string()))?;
            let kind = kind
                .map(|k| k.parse::<QuestionKind>())
                .transpose()
                .map_err(|e| UsageError(e.to_string()))?;
            let section =
                section.map(|s| Taxonomy::builtin().lookup(&s).map_or(s, |t| t.name.clone()));
            let page = store
                .list_questions(
                    org,
                    &ListFilter {
                        section,
                        language,
                        kind,
                        tag,
                        after: None,
                        limit: Some(limit),
                    },
                )
                .await?;
            if json {
                let items: Vec<ExportQuestion> = page
                    .items
                    .iter()
                    .map(ExportQuestion::from_question)
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "questions": items }))?
                );
            } else {
                for q in &page.items {
                    println!("{}", output::question_line(q));
                }
                if page.next.is_some() {
                    eprintln!("(more questions: raise --limit)");
                }
            }
        }
        QuestionsCommand::Show { id, json } => {
            let id = resolve(store, org, &id).await?;
            let q = store.get_question(org, id).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&ExportQuestion::from_question(&q))?
                );
            } else {
                let history = store.revisions(org, id).await?;
                let follow_ups: Vec<_> = store
                    .all_questions(org)
                    .await?
                    .into_iter()
                    .filter(|f| f.follow_up_of == Some(id))
                    .collect();
                print!("{}", output::question_page(&q, &history, &follow_ups));
            }
        }
    }
    Ok(())
}

async fn resolve(
    store: &Store,
    org: parley_domain::OrgId,
    given: &str,
) -> anyhow::Result<QuestionId> {
    if let Ok(id) = given.parse::<QuestionId>() {
        return Ok(id);
    }
    let found = store.resolve_prefix(org, given.trim()).await?;
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(UsageError(format!("no question with id {given:?}")).into()),
        _ => Err(UsageError(format!(
            "{given:?} matches {} questions; give more of the id",
            found.len()
        ))
        .into()),
    }
}
