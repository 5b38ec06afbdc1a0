//! The statements that several operations share: reading a question row, writing its content,
//! its revisions, its sources and its links. Each runs inside the caller's transaction.

use crate::StoreError;
use crate::db::{IDS_PER_STATEMENT, Tx, on, placeholder_list};
use crate::rows::{
    DraftColumns, QuestionRow, SourceRow, parse_question_id, question_columns, to_json,
};
use parley_domain::{OrgId, QuestionDraft, QuestionId, Source};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// Makes writers of `org`'s questions take turns until this transaction ends.
///
/// Imports and edits read first (which texts exist, which revision is current) and write
/// after. Without a lock, two PostgreSQL transactions importing the same new text would both
/// find it missing and the later would fail on the unique index instead of merging, and an
/// edit could change a text an import had already looked up. SQLite needs nothing:
/// `BEGIN IMMEDIATE` already lets one writer in at a time.
pub(crate) async fn lock_org_writes(tx: &mut Tx, org: OrgId) -> Result<(), StoreError> {
    if let Tx::Postgres(c) = tx {
        let key = format!("parley writes {org}");
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(&key)
            .execute(&mut **c)
            .await?;
    }
    Ok(())
}

/// The question `id` of `org`, if it exists there.
pub(crate) async fn question_row(
    tx: &mut Tx,
    org: OrgId,
    id: QuestionId,
) -> Result<Option<QuestionRow>, StoreError> {
    let sql = concat!(
        "SELECT ",
        question_columns!(),
        " FROM questions q WHERE q.org_id = $1 AND q.id = $2"
    );
    let (org, id) = (org.to_string(), id.to_string());
    Ok(on!(tx, c => sqlx::query_as(sql).bind(&org).bind(&id).fetch_optional(c).await)?)
}

/// The question of `org` whose text has the duplicate key `key`, if any.
pub(crate) async fn question_row_by_key(
    tx: &mut Tx,
    org: OrgId,
    key: &str,
) -> Result<Option<QuestionRow>, StoreError> {
    let sql = concat!(
        "SELECT ",
        question_columns!(),
        " FROM questions q WHERE q.org_id = $1 AND q.dup_key = $2"
    );
    let org = org.to_string();
    Ok(on!(tx, c => sqlx::query_as(sql).bind(&org).bind(key).fetch_optional(c).await)?)
}

/// The duplicate key and id of every question of `org`.
pub(crate) async fn keys_of_org(
    tx: &mut Tx,
    org: OrgId,
) -> Result<HashMap<String, QuestionId>, StoreError> {
    let sql = "SELECT dup_key, id FROM questions WHERE org_id = $1";
    let org = org.to_string();
    let rows: Vec<(String, String)> =
        on!(tx, c => sqlx::query_as(sql).bind(&org).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(key, id)| Ok((key, parse_question_id(&id)?)))
        .collect()
}

/// Whether question `id` exists in `org`.
pub(crate) async fn exists(tx: &mut Tx, org: OrgId, id: QuestionId) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM questions WHERE org_id = $1 AND id = $2";
    let (org, id) = (org.to_string(), id.to_string());
    let n: i64 = on!(tx, c => sqlx::query_scalar(sql).bind(&org).bind(&id).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Replaces the content of question `id` with `draft` as revision `previous + 1`, provided the
/// question is still at revision `previous`. Returns whether it was: `false` means another
/// transaction saved a revision after the caller read the question (possible on PostgreSQL,
/// whose writers do not queue the way SQLite's `BEGIN IMMEDIATE` makes them).
pub(crate) async fn write_content(
    tx: &mut Tx,
    id: QuestionId,
    key: &str,
    draft: &QuestionDraft,
    previous: u32,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE questions SET dup_key = $2, text = $3, language = $4, section = $5, \
               tags = $6, kind = $7, reference_answer = $8, key_points = $9, look_for = $10, \
               red_flags = $11, estimated_minutes = $12, revision = $13 + 1, updated_at = $14, \
               key_points_extracted = $15 WHERE id = $1 AND revision = $13";
    let d = DraftColumns::new(draft)?;
    let id = id.to_string();
    let n = on!(tx, c => sqlx::query(sql)
        .bind(&id)
        .bind(key)
        .bind(&d.text)
        .bind(&d.language)
        .bind(&d.section)
        .bind(&d.tags)
        .bind(d.kind)
        .bind(&d.reference_answer)
        .bind(&d.key_points)
        .bind(&d.look_for)
        .bind(&d.red_flags)
        .bind(d.estimated_minutes)
        .bind(i64::from(previous))
        .bind(now)
        .bind(d.key_points_extracted)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records `draft` as revision `revision` of question `id`.
pub(crate) async fn insert_revision(
    tx: &mut Tx,
    id: QuestionId,
    revision: u32,
    draft: &QuestionDraft,
    author: &str,
    note: &str,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO question_revisions (question_id, revision, content, author, note, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6)";
    let (id, content) = (id.to_string(), to_json(draft)?);
    on!(tx, c => sqlx::query(sql)
        .bind(&id)
        .bind(i64::from(revision))
        .bind(&content)
        .bind(author)
        .bind(note)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Appends the sources the question does not have yet (by file and line), keeping their order
/// after the existing ones. Returns how many were added.
pub(crate) async fn add_sources(
    tx: &mut Tx,
    id: QuestionId,
    sources: &[Source],
) -> Result<u64, StoreError> {
    let sql = "INSERT INTO question_sources (question_id, file, line, heading, position) \
               VALUES ($1, $2, $3, $4, \
                 COALESCE((SELECT MAX(position) FROM question_sources WHERE question_id = $1), -1) \
                 + 1) \
               ON CONFLICT (question_id, file, line) DO NOTHING";
    let id = id.to_string();
    let mut added = 0;
    for s in sources {
        added += on!(tx, c => sqlx::query(sql)
            .bind(&id)
            .bind(&s.file)
            .bind(i64::from(s.line))
            .bind(&s.heading)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(added)
}

/// The sources of question `id`, in the order they were added.
pub(crate) async fn sources_of(tx: &mut Tx, id: QuestionId) -> Result<Vec<Source>, StoreError> {
    let mut by_id = sources_of_many(tx, &[id.to_string()]).await?;
    Ok(by_id.remove(&id.to_string()).unwrap_or_default())
}

/// The sources of each question in `ids`, keyed by question id; questions without sources
/// have no entry.
pub(crate) async fn sources_of_many(
    tx: &mut Tx,
    ids: &[String],
) -> Result<HashMap<String, Vec<Source>>, StoreError> {
    let mut out: HashMap<String, Vec<Source>> = HashMap::new();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT question_id, file, line, heading FROM question_sources \
             WHERE question_id IN ({}) ORDER BY question_id, position",
            placeholder_list(1, chunk.len())
        );
        let rows: Vec<SourceRow> = on!(tx, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        group_sources(rows, &mut out)?;
    }
    Ok(out)
}

/// The sources of every question of `org`, keyed by question id, in one query.
pub(crate) async fn sources_of_org(
    tx: &mut Tx,
    org: OrgId,
) -> Result<HashMap<String, Vec<Source>>, StoreError> {
    let sql = "SELECT s.question_id, s.file, s.line, s.heading FROM question_sources s \
               JOIN questions q ON q.id = s.question_id \
               WHERE q.org_id = $1 ORDER BY s.question_id, s.position";
    let org = org.to_string();
    let rows: Vec<SourceRow> = on!(tx, c => sqlx::query_as(sql).bind(&org).fetch_all(c).await)?;
    let mut out = HashMap::new();
    group_sources(rows, &mut out)?;
    Ok(out)
}

fn group_sources(
    rows: Vec<SourceRow>,
    out: &mut HashMap<String, Vec<Source>>,
) -> Result<(), StoreError> {
    for row in rows {
        let qid = row.question_id.clone();
        out.entry(qid).or_default().push(row.into_source()?);
    }
    Ok(())
}

/// Which of a question's links to set.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LinkKind {
    FollowUp,
    Translation,
}

/// Points question `id`'s link at `target`, unless the link is already set. Returns whether it
/// changed anything.
pub(crate) async fn set_link_if_unset(
    tx: &mut Tx,
    kind: LinkKind,
    id: QuestionId,
    target: QuestionId,
    now: i64,
) -> Result<bool, StoreError> {
    // A self-link is refused here as well as by callers so no path can store one.
    let sql = match kind {
        LinkKind::FollowUp => {
            "UPDATE questions SET follow_up_of = $2, updated_at = $3 \
             WHERE id = $1 AND follow_up_of IS NULL AND id <> $2"
        }
        LinkKind::Translation => {
            "UPDATE questions SET translation_of = $2, updated_at = $3 \
             WHERE id = $1 AND translation_of IS NULL AND id <> $2"
        }
    };
    let (id, target) = (id.to_string(), target.to_string());
    let n = on!(tx, c => sqlx::query(sql)
        .bind(&id)
        .bind(&target)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Notes in the change log that question `id` of `org` changed (added, edited or deleted).
/// Callers hold `lock_org_writes`, which is what keeps the log in commit order.
pub(crate) async fn record_change(
    tx: &mut Tx,
    org: OrgId,
    id: QuestionId,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO question_changes (org_id, question_id, changed_at) VALUES ($1, $2, $3)";
    let (org, id) = (org.to_string(), id.to_string());
    on!(tx, c => sqlx::query(sql)
        .bind(&org)
        .bind(&id)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}
