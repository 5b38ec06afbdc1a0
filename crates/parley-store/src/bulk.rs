//! Adding many new questions in few statements. An import of 100,000 questions made four
//! round trips per question (question, revision, change-log entry, sources); over a network
//! to PostgreSQL the round trips, not the work, were the cost. Here each table gets one
//! multi-row INSERT per chunk.

use crate::StoreError;
use crate::db::{Tx, on};
use crate::rows::{DraftColumns, to_json};
use parley_domain::{OrgId, QuestionDraft, QuestionId, Source};
use sqlx::AssertSqlSafe;

/// A question an import adds, not yet written.
pub(crate) struct NewQuestion {
    pub id: QuestionId,
    pub key: String,
    pub draft: QuestionDraft,
    pub sources: Vec<Source>,
}

/// Rows per statement: 500 rows of at most 17 parameters stay far below the parameter limits
/// of both engines (32,766 on SQLite, 65,535 on PostgreSQL).
const ROWS: usize = 500;

/// `($1, $2, …), (…)` for `rows` rows of `cols` parameters.
fn values(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// Writes `items` as new questions of `org` at revision 1, with their first revision, their
/// change-log entries and their sources, inside the caller's transaction.
pub(crate) async fn insert_new(
    tx: &mut Tx,
    org: OrgId,
    items: &[NewQuestion],
    author: &str,
    note: &str,
    now: i64,
) -> Result<(), StoreError> {
    let org_s = org.to_string();
    for chunk in items.chunks(ROWS) {
        let ids: Vec<String> = chunk.iter().map(|n| n.id.to_string()).collect();
        let columns = chunk
            .iter()
            .map(|n| DraftColumns::new(&n.draft))
            .collect::<Result<Vec<_>, _>>()?;
        let contents = chunk
            .iter()
            .map(|n| to_json(&n.draft))
            .collect::<Result<Vec<_>, _>>()?;

        // Only placeholders are spliced into these texts, never values.
        let sql = format!(
            "INSERT INTO questions (id, org_id, dup_key, text, language, section, tags, kind, \
             reference_answer, key_points, look_for, red_flags, estimated_minutes, revision, \
             created_at, updated_at, key_points_extracted) VALUES {}",
            values(chunk.len(), 17)
        );
        on!(tx, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((n, d), id) in chunk.iter().zip(&columns).zip(&ids) {
                q = q
                    .bind(id)
                    .bind(&org_s)
                    .bind(&n.key)
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
                    .bind(1i64)
                    .bind(now)
                    .bind(now)
                    .bind(d.key_points_extracted);
            }
            q.execute(c).await.map(|_| ())
        })?;

        let sql = format!(
            "INSERT INTO question_revisions (question_id, revision, content, author, note, \
             created_at) VALUES {}",
            values(chunk.len(), 6)
        );
        on!(tx, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (id, content) in ids.iter().zip(&contents) {
                q = q.bind(id).bind(1i64).bind(content).bind(author).bind(note).bind(now);
            }
            q.execute(c).await.map(|_| ())
        })?;

        // One transaction's entries are read together by a follower, so their order among
        // themselves does not matter.
        let sql = format!(
            "INSERT INTO question_changes (org_id, question_id, changed_at) VALUES {}",
            values(chunk.len(), 3)
        );
        on!(tx, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in &ids {
                q = q.bind(&org_s).bind(id).bind(now);
            }
            q.execute(c).await.map(|_| ())
        })?;

        let sources: Vec<(&String, usize, &Source)> = chunk
            .iter()
            .zip(&ids)
            .flat_map(|(n, id)| n.sources.iter().enumerate().map(move |(i, s)| (id, i, s)))
            .collect();
        for part in sources.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO question_sources (question_id, file, line, heading, position) \
                 VALUES {} ON CONFLICT (question_id, file, line) DO NOTHING",
                values(part.len(), 5)
            );
            on!(tx, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (id, position, s) in part {
                    q = q
                        .bind(*id)
                        .bind(&s.file)
                        .bind(i64::from(s.line))
                        .bind(&s.heading)
                        .bind(*position as i64);
                }
                q.execute(c).await.map(|_| ())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_in_order() {
        assert_eq!(super::values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values(1, 1), "($1)");
    }
}
