//! Reading, editing and deleting questions, and their revision history.

use crate::bulk::{NewQuestion, insert_new};
use crate::db::{Tx, is_unique_violation, now_ms, on};
use crate::rows::{QuestionRow, RevisionRow, parse_question_id, question_columns};
use crate::statements::{
    exists, insert_revision, lock_org_writes, question_row, question_row_by_key, record_change,
    sources_of, sources_of_many, sources_of_org, write_content,
};
use crate::{ListFilter, Page, Store, StoreError};
use parley_domain::text::duplicate_key;
use parley_domain::{DomainError, OrgId, Question, QuestionDraft, QuestionId, Revision};

/// The revision note of a question written through the API or the web, not imported.
pub const NOTE_CREATED: &str = "created";
/// Page size when a filter names none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Most ids `resolve_prefix` returns: enough to show that a prefix is ambiguous.
pub const MAX_PREFIX_MATCHES: u32 = 10;

/// The listing statement, with the tag test that differs per backend spliced in. Every filter
/// is written as `($n IS NULL OR ...)` so one statement text serves every combination.
macro_rules! list_sql {
    ($tag_test:literal) => {
        concat!(
            "SELECT ",
            question_columns!(),
            " FROM questions q WHERE q.org_id = $1 AND q.seq > $2",
            " AND ($3 IS NULL OR q.section = $3)",
            // A question without a language lists as undetermined, as Question::language says.
            " AND ($4 IS NULL OR COALESCE(q.language, 'und') = $4)",
            " AND ($5 IS NULL OR q.kind = $5)",
            " AND ($6 IS NULL OR ",
            $tag_test,
            ") ORDER BY q.seq LIMIT $7"
        )
    };
}

impl Store {
    /// The question `id` of `org`; `NotFound` if it is missing or belongs to another
    /// organisation.
    pub async fn get_question(&self, org: OrgId, id: QuestionId) -> Result<Question, StoreError> {
        let mut tx = self.begin_read().await?;
        let q = load_question(&mut tx, org, id).await?;
        tx.commit().await?;
        Ok(q)
    }

    /// The follow-up questions of question `id` of `org`, oldest first, with their sources.
    pub async fn follow_ups_of(
        &self,
        org: OrgId,
        id: QuestionId,
    ) -> Result<Vec<Question>, StoreError> {
        let sql = concat!(
            "SELECT ",
            question_columns!(),
            " FROM questions q WHERE q.org_id = $1 AND q.follow_up_of = $2 ORDER BY q.seq"
        );
        let (org_s, id_s) = (org.to_string(), id.to_string());
        let mut tx = self.begin_read().await?;
        let rows: Vec<QuestionRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).bind(&id_s).fetch_all(c).await)?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut sources = sources_of_many(&mut tx, &ids).await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|r| {
                let s = sources.remove(&r.id).unwrap_or_default();
                r.into_question(s)
            })
            .collect()
    }

    /// A page of `org`'s questions in creation order, narrowed by `filter`.
    ///
    /// A cursor (`filter.after`) naming a question that is not in `org` gives `NotFound`.
    pub async fn list_questions(
        &self,
        org: OrgId,
        filter: &ListFilter,
    ) -> Result<Page<Question>, StoreError> {
        let limit = filter
            .limit
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE);
        let mut tx = self.begin_read().await?;
        let after_seq = match filter.after {
            None => 0,
            Some(id) => seq_of(&mut tx, org, id)
                .await?
                .ok_or(StoreError::NotFound)?,
        };
        let org_s = org.to_string();
        let language = filter.language.as_ref().map(|l| l.as_str().to_string());
        let kind = filter.kind.map(|k| k.as_str());
        // Stored tags are trimmed and lower-cased by validation; the filter is matched the same way.
        let tag = filter.tag.as_ref().map(|t| t.trim().to_lowercase());
        let sql = match tx {
            Tx::Sqlite(_) => {
                list_sql!("EXISTS (SELECT 1 FROM json_each(q.tags) t WHERE t.value = $6)")
            }
            Tx::Postgres(_) => list_sql!("q.tags::jsonb @> jsonb_build_array($6::text)"),
        };
        // One row more than the page shows whether another page follows.
        let mut rows: Vec<QuestionRow> = on!(&mut tx, c => sqlx::query_as(sql)
            .bind(&org_s)
            .bind(after_seq)
            .bind(&filter.section)
            .bind(&language)
            .bind(kind)
            .bind(&tag)
            .bind(i64::from(limit) + 1)
            .fetch_all(c)
            .await)?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut sources = sources_of_many(&mut tx, &ids).await?;
        tx.commit().await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let s = sources.remove(&r.id).unwrap_or_default();
                r.into_question(s)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let next = if more {
            items.last().map(|q| q.id)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Every question of `org` with its sources, in creation order: two queries, whatever the
    /// size of the bank.
    pub async fn all_questions(&self, org: OrgId) -> Result<Vec<Question>, StoreError> {
        let sql = concat!(
            "SELECT ",
            question_columns!(),
            " FROM questions q WHERE q.org_id = $1 ORDER BY q.seq"
        );
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<QuestionRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        let mut sources = sources_of_org(&mut tx, org).await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|r| {
                let s = sources.remove(&r.id).unwrap_or_default();
                r.into_question(s)
            })
            .collect()
    }

    /// The ids in `org` whose text form starts with `prefix` (case does not matter), oldest
    /// first, at most [`MAX_PREFIX_MATCHES`]. A prefix that cannot start an id matches nothing.
    pub async fn resolve_prefix(
        &self,
        org: OrgId,
        prefix: &str,
    ) -> Result<Vec<QuestionId>, StoreError> {
        let prefix = prefix.trim().to_ascii_lowercase();
        // Only hex digits and hyphens occur in ids; refusing anything else also means the
        // pattern can hold no LIKE wildcard.
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(Vec::new());
        }
        let sql = "SELECT id FROM questions WHERE org_id = $1 AND id LIKE $2 ORDER BY seq LIMIT $3";
        let (org_s, pattern) = (org.to_string(), format!("{prefix}%"));
        let mut tx = self.begin_read().await?;
        let ids: Vec<String> = on!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(&org_s)
            .bind(&pattern)
            .bind(i64::from(MAX_PREFIX_MATCHES))
            .fetch_all(c)
            .await)?;
        tx.commit().await?;
        ids.iter().map(|s| parse_question_id(s)).collect()
    }

    /// Adds one question written by `author` (not imported): a text the bank already holds
    /// is refused with `DuplicateText` naming the question that has it.
    pub async fn create_question(
        &self,
        org: OrgId,
        draft: QuestionDraft,
        author: &str,
    ) -> Result<Question, StoreError> {
        let draft = draft.validated()?;
        let key = duplicate_key(&draft.text);
        if key.is_empty() {
            return Err(DomainError::EmptyText.into());
        }
        let mut tx = self.begin_write().await?;
        lock_org_writes(&mut tx, org).await?;
        if let Some(other) = question_row_by_key(&mut tx, org, &key).await? {
            return Err(StoreError::DuplicateText(other.id));
        }
        let id = QuestionId::new();
        let new = NewQuestion {
            id,
            key,
            draft,
            sources: Vec::new(),
        };
        insert_new(
            &mut tx,
            org,
            std::slice::from_ref(&new),
            author,
            NOTE_CREATED,
            now_ms(),
        )
        .await?;
        let q = load_question(&mut tx, org, id).await?;
        tx.commit().await?;
        Ok(q)
    }

    /// Replaces question `id`'s content with `draft` as a new revision.
    ///
    /// With `expected_revision`, the edit is refused with `Conflict` when someone else saved a
    /// revision since the caller read it. An edit that changes nothing writes nothing and
    /// returns the question as it is.
    pub async fn update_question(
        &self,
        org: OrgId,
        id: QuestionId,
        expected_revision: Option<u32>,
        draft: QuestionDraft,
        author: &str,
        note: &str,
    ) -> Result<Question, StoreError> {
        let draft = draft.validated()?;
        let key = duplicate_key(&draft.text);
        if key.is_empty() {
            return Err(DomainError::EmptyText.into());
        }
        let mut tx = self.begin_write().await?;
        lock_org_writes(&mut tx, org).await?;
        let row = question_row(&mut tx, org, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let current = row.revision()?;
        if let Some(expected) = expected_revision.filter(|&e| e != current) {
            return Err(StoreError::Conflict { expected, current });
        }
        let sources = sources_of(&mut tx, id).await?;
        let mut question = row.into_question(sources)?;
        if question.draft == draft {
            tx.rollback().await?;
            return Ok(question);
        }
        if let Some(other) = question_row_by_key(&mut tx, org, &key).await?
            && other.id != question.id.to_string()
        {
            return Err(StoreError::DuplicateText(other.id));
        }
        let now = now_ms();
        let revision = current + 1;
        match write_content(&mut tx, id, &key, &draft, current, now).await {
            Ok(true) => {}
            // Writers take turns, so no other edit can land between our read and this write;
            // the revision check in the statement still keeps an edit from being overwritten
            // by a future writer that forgets the lock.
            Ok(false) => {
                let now_at = question_row(&mut tx, org, id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let expected = expected_revision.unwrap_or(current);
                return Err(StoreError::Conflict {
                    expected,
                    current: now_at.revision()?,
                });
            }
            // Likewise for the text: the unique index backs up the duplicate check above.
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                // The failed statement ended the transaction on PostgreSQL, so the holder of
                // the text is looked up in a fresh one.
                drop(tx);
                let mut tx = self.begin_read().await?;
                let holder = question_row_by_key(&mut tx, org, &key).await?;
                return Err(StoreError::DuplicateText(holder.map_or(key, |r| r.id)));
            }
            Err(e) => return Err(e),
        }
        insert_revision(&mut tx, id, revision, &draft, author, note, now).await?;
        record_change(&mut tx, org, id, now).await?;
        tx.commit().await?;
        question.draft = draft;
        question.revision = revision;
        question.updated_at = now;
        Ok(question)
    }

    /// The history of question `id`, oldest revision first.
    pub async fn revisions(&self, org: OrgId, id: QuestionId) -> Result<Vec<Revision>, StoreError> {
        let sql = "SELECT revision, content, author, note, created_at FROM question_revisions \
                   WHERE question_id = $1 ORDER BY revision";
        let id_s = id.to_string();
        let mut tx = self.begin_read().await?;
        if !exists(&mut tx, org, id).await? {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<RevisionRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&id_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }

    /// Deletes question `id` with its sources and history; links from other questions to it
    /// are cleared.
    pub async fn delete_question(&self, org: OrgId, id: QuestionId) -> Result<(), StoreError> {
        let sql = "DELETE FROM questions WHERE org_id = $1 AND id = $2";
        let (org_s, id_s) = (org.to_string(), id.to_string());
        let mut tx = self.begin_write().await?;
        // An import running beside us may already have chosen this question to merge into.
        lock_org_writes(&mut tx, org).await?;
        let n = on!(&mut tx, c => sqlx::query(sql)
            .bind(&org_s)
            .bind(&id_s)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        record_change(&mut tx, org, id, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many questions `org` has.
    pub async fn count_questions(&self, org: OrgId) -> Result<u64, StoreError> {
        let sql = "SELECT COUNT(*) FROM questions WHERE org_id = $1";
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let n: i64 = on!(&mut tx, c => sqlx::query_scalar(sql).bind(&org_s).fetch_one(c).await)?;
        tx.commit().await?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative count {n}")))
    }
}

/// The question `id` of `org` with its sources, or `NotFound`.
pub(crate) async fn load_question(
    tx: &mut Tx,
    org: OrgId,
    id: QuestionId,
) -> Result<Question, StoreError> {
    let row = question_row(tx, org, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let sources = sources_of(tx, id).await?;
    row.into_question(sources)
}

async fn seq_of(tx: &mut Tx, org: OrgId, id: QuestionId) -> Result<Option<i64>, StoreError> {
    let sql = "SELECT seq FROM questions WHERE org_id = $1 AND id = $2";
    let (org_s, id_s) = (org.to_string(), id.to_string());
    Ok(on!(tx, c => sqlx::query_scalar(sql).bind(&org_s).bind(&id_s).fetch_optional(c).await)?)
}
