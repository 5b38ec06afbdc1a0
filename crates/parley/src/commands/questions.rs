//! `parley questions list|show`.

use crate::cli::{EditArgs, QuestionsCommand};
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
                let follow_ups = store.follow_ups_of(org, id).await?;
                print!("{}", output::question_page(&q, &history, &follow_ups));
            }
        }
        QuestionsCommand::Edit(args) => edit(store, org, args).await?,
        QuestionsCommand::Delete { id } => {
            let id = resolve(store, org, &id).await?;
            store.delete_question(org, id).await?;
            println!("deleted {id}");
        }
    }
    Ok(())
}

async fn edit(store: &Store, org: parley_domain::OrgId, args: EditArgs) -> anyhow::Result<()> {
    let id = resolve(store, org, &args.id).await?;
    let current = store.get_question(org, id).await?;
    let mut draft = current.draft.clone();
    let usage = |e: &dyn std::fmt::Display| UsageError(e.to_string());
    if let Some(t) = args.text {
        draft.text = t;
    }
    if let Some(s) = args.section {
        let s = s.trim().to_string();
        draft.section =
            (!s.is_empty()).then(|| Taxonomy::builtin().lookup(&s).map_or(s, |t| t.name.clone()));
    }
    if let Some(t) = args.tags {
        draft.tags = t
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
    }
    if let Some(a) = args.answer {
        draft.reference_answer = (!a.trim().is_empty()).then_some(a);
    }
    if let Some(k) = args.kind {
        draft.kind = k.parse::<QuestionKind>().map_err(|e| usage(&e))?;
    }
    if let Some(l) = args.lang {
        draft.language = Some(l.parse::<Language>().map_err(|e| usage(&e))?);
    }
    if !args.key_points.is_empty() {
        draft.key_points = args.key_points;
        draft.key_points_extracted = false;
    }
    if args.extract_key_points {
        draft.key_points.clear();
    }
    parley_grade::fill_key_points(&mut draft);
    let saved = store
        .update_question(
            org,
            id,
            args.expect_revision,
            draft,
            &args.author,
            &args.note,
        )
        .await?;
    if saved.revision == current.revision {
        println!("{id} unchanged (revision {})", saved.revision);
    } else {
        println!("{id} saved as revision {}", saved.revision);
    }
    Ok(())
}

pub async fn resolve(
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
