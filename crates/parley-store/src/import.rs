//! Importing a batch of questions in one transaction: new questions are added, exact duplicates
//! (by normalised text) are merged into the question already there, and links are resolved.

use crate::bulk::{NewQuestion, insert_new};
use crate::db::{Tx, now_ms};
use crate::statements::{
    LinkKind, add_sources, exists, insert_revision, keys_of_org, lock_org_writes, question_row,
    record_change, set_link_if_unset, write_content,
};
use crate::{ImportItem, ImportOptions, ImportOutcome, ItemOutcome, Link, Store, StoreError};
use parley_domain::question::merge_into;
use parley_domain::text::duplicate_key;
use parley_domain::{DomainError, OrgId, QuestionId};

/// The revision note of a question created by an import.
pub const NOTE_IMPORTED: &str = "imported";
/// The revision note of a question whose gaps an imported duplicate filled.
pub const NOTE_MERGED: &str = "merged on import";

impl Store {
    /// Imports `items` into `org` as one transaction: if any item fails, nothing is written.
    ///
    /// Items are handled in order, so an item whose text repeats an earlier item of the same
    /// batch merges into it. Importing the same batch again adds nothing: every item merges
    /// into its own earlier copy, whose sources and content already hold everything.
    /// With `opts.dry_run` the transaction is rolled back and the outcome tells what would
    /// have happened.
    pub async fn import(
        &self,
        org: OrgId,
        items: &[ImportItem],
        opts: &ImportOptions,
    ) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        // An error returns early and drops `tx`, which rolls the whole batch back.
        let outcome = import_in(&mut tx, org, items, opts).await?;
        if opts.dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }
}

async fn import_in(
    tx: &mut Tx,
    org: OrgId,
    items: &[ImportItem],
    opts: &ImportOptions,
) -> Result<ImportOutcome, StoreError> {
    lock_org_writes(tx, org).await?;
    let now = now_ms();
    // The organisation's keys are read once rather than looked up per item. Inside a large
    // import PostgreSQL plans with statistics from before the import (an empty table, the
    // first time) and picked an index that scans the whole organisation for every lookup:
    // 100,000 items took quadratic time. A map in memory cannot be misplanned.
    let mut known = keys_of_org(tx, org).await?;
    let mut outcome = ImportOutcome {
        items: Vec::with_capacity(items.len()),
    };
    let mut pending: Vec<NewQuestion> = Vec::new();
    for item in items {
        let draft = item.draft.clone().validated()?;
        let key = duplicate_key(&draft.text);
        if key.is_empty() {
            return Err(DomainError::EmptyText.into());
        }
        let result = match known.get(&key).copied() {
            Some(id) => {
                // The question merged into may still be waiting to be written.
                flush(tx, org, &mut pending, opts, now).await?;
                let row = question_row(tx, org, id).await?.ok_or_else(|| {
                    StoreError::Corrupt(format!("question {id} vanished during an import"))
                })?;
                let mut merged = row.draft()?;
                if merge_into(&mut merged, &draft) {
                    let previous = row.revision()?;
                    if !write_content(tx, id, &key, &merged, previous, now).await? {
                        // An editor saved the question between our read and write; the
                        // caller can run the import again, which will merge into their edit.
                        let now_at = question_row(tx, org, id)
                            .await?
                            .ok_or(StoreError::NotFound)?;
                        let current = now_at.revision()?;
                        return Err(StoreError::Conflict {
                            expected: previous,
                            current,
                        });
                    }
                    let revision = previous + 1;
                    insert_revision(tx, id, revision, &merged, &opts.author, NOTE_MERGED, now)
                        .await?;
                    record_change(tx, org, id, now).await?;
                }
                ItemOutcome::MergedExact(id)
            }
            None => {
                let id = QuestionId::new();
                known.insert(key.clone(), id);
                pending.push(NewQuestion {
                    id,
                    key,
                    draft,
                    sources: item.sources.clone(),
                });
                if pending.len() >= PENDING {
                    flush(tx, org, &mut pending, opts, now).await?;
                }
                outcome.items.push(ItemOutcome::Added(id));
                continue;
            }
        };
        add_sources(tx, result.id(), &item.sources).await?;
        outcome.items.push(result);
    }
    flush(tx, org, &mut pending, opts, now).await?;
    // Links go last so that an item may point at any item of the batch, earlier or later.
    for (item, result) in items.iter().zip(&outcome.items) {
        for (kind, link) in [
            (LinkKind::FollowUp, item.follow_up_of),
            (LinkKind::Translation, item.translation_of),
        ] {
            let Some(link) = link else { continue };
            if let Some(target) = resolve_link(tx, org, link, &outcome.items).await?
                && target != result.id()
            {
                set_link_if_unset(tx, kind, result.id(), target, now).await?;
            }
        }
    }
    Ok(outcome)
}

/// New questions written per batch of statements.
const PENDING: usize = 2000;

/// Writes the new questions waiting in `pending`.
async fn flush(
    tx: &mut Tx,
    org: OrgId,
    pending: &mut Vec<NewQuestion>,
    opts: &ImportOptions,
    now: i64,
) -> Result<(), StoreError> {
    if !pending.is_empty() {
        insert_new(tx, org, pending, &opts.author, NOTE_IMPORTED, now).await?;
        pending.clear();
    }
    Ok(())
}

/// The question a link points at, or `None` when it points nowhere usable: past the end of
/// the batch, or at a question that is not in `org`. Importers link on a best-effort basis,
/// so a dangling link is dropped rather than failing the batch.
async fn resolve_link(
    tx: &mut Tx,
    org: OrgId,
    link: Link,
    outcomes: &[ItemOutcome],
) -> Result<Option<QuestionId>, StoreError> {
    Ok(match link {
        Link::Item(i) => outcomes.get(i).map(|o| o.id()),
        Link::Existing(id) => exists(tx, org, id).await?.then_some(id),
    })
}
