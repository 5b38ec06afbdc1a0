//! Keeping a search index in step with the bank: the index records the change-log watermark it
//! reflects, and catching up applies every change after it. The CLI keeps its index in a cache
//! directory between runs; a server keeps one in memory and polls.

use std::path::{Path, PathBuf};

use parley_domain::{OrgId, Question};
use parley_embed::Embedder;
use parley_search::SearchIndex;
use parley_store::{Store, StoredEmbedding};

use crate::BankError;

/// Changes read from the log per round trip.
const CHANGES_PER_BATCH: u32 = 2000;

/// Where the index of `org` in the database at `url` is kept between runs, unless
/// `PARLEY_INDEX_DIR` says otherwise: beside a SQLite file, or in the user's cache directory
/// for a server database. `None` for an in-memory database, whose index cannot outlive it.
///
/// The directory is named by the organisation's id, not its slug: a database deleted and
/// created again gets new ids, so a stale index is never mistaken for the new bank's.
pub fn index_dir(url: &str, org: OrgId) -> Option<PathBuf> {
    let base = if let Some(dir) = std::env::var_os("PARLEY_INDEX_DIR") {
        PathBuf::from(dir)
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path.starts_with(':') {
            return None;
        }
        PathBuf::from(format!("{path}.index"))
    } else if url.starts_with("sqlite:") {
        return None;
    } else {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
        cache
            .join("parley")
            .join("index")
            .join(format!("{:016x}", fnv1a(url)))
    };
    Some(base.join(org.to_string()))
}

/// Sentences embedded per call: the engine pads a batch to its longest sentence, and
/// questions are short, so this trades little padding for fewer calls.
const EMBED_BATCH: usize = 32;

/// Opens the index of `org` (on disk when it has a place, else in memory) and catches it up,
/// with vectors by `embedder` when there is one.
pub async fn open_current(
    store: &Store,
    url: &str,
    org: OrgId,
    embedder: Option<&Embedder>,
) -> Result<SearchIndex, BankError> {
    let model = embedder.map(Embedder::model_id);
    let mut index = match index_dir(url, org) {
        Some(dir) => SearchIndex::open_dir(&dir, model).map_err(|source| BankError::IndexDir {
            dir: dir.display().to_string(),
            source,
        })?,
        None => SearchIndex::in_memory(model)?,
    };
    catch_up(store, org, &mut index, embedder).await?;
    Ok(index)
}

/// Applies every change to `org`'s bank after the index's watermark. Returns how many
/// questions were re-indexed or removed.
pub async fn catch_up(
    store: &Store,
    org: OrgId,
    index: &mut SearchIndex,
    embedder: Option<&Embedder>,
) -> Result<u64, BankError> {
    let newest = store.change_watermark(org).await?;
    if newest < index.watermark() {
        // The log went backwards: the database was restored from an older copy. Start over.
        index.clear()?;
    }
    let mut applied = 0u64;
    let mut watermark = index.watermark();
    loop {
        let changes = store
            .changes_since(org, watermark, CHANGES_PER_BATCH)
            .await?;
        let vectors = match embedder {
            Some(e) => vectors_for(store, org, e, &changes.upserted).await?,
            None => vec![None; changes.upserted.len()],
        };
        for (q, v) in changes.upserted.iter().zip(&vectors) {
            index.upsert(q, v.as_deref())?;
        }
        for id in &changes.removed {
            index.remove(*id);
        }
        applied += (changes.upserted.len() + changes.removed.len()) as u64;
        watermark = changes.watermark;
        if !changes.more {
            break;
        }
    }
    index.commit(watermark)?;
    Ok(applied)
}

/// The embedding of each question's current revision: stored ones are reused, missing or
/// stale ones computed now and stored for next time.
async fn vectors_for(
    store: &Store,
    org: OrgId,
    embedder: &Embedder,
    questions: &[Question],
) -> Result<Vec<Option<Vec<f32>>>, BankError> {
    let model = embedder.model_id();
    let ids: Vec<_> = questions.iter().map(|q| q.id).collect();
    let mut stored = store.embeddings_of(org, model, &ids).await?;
    let mut out: Vec<Option<Vec<f32>>> = questions
        .iter()
        .map(|q| {
            stored
                .remove(&q.id)
                .filter(|e| e.revision == q.revision)
                .map(|e| e.vector)
        })
        .collect();
    let missing: Vec<usize> = (0..questions.len()).filter(|&i| out[i].is_none()).collect();
    for chunk in missing.chunks(EMBED_BATCH) {
        let texts: Vec<&str> = chunk
            .iter()
            .map(|&i| questions[i].draft.text.as_str())
            .collect();
        // Questions are embedded as queries: e5's prefix for short texts compared with each
        // other, which also suits duplicate detection (a question against a question).
        let vectors = tokio::task::block_in_place(|| embedder.embed_queries(&texts));
        let fresh: Vec<StoredEmbedding> = chunk
            .iter()
            .zip(vectors)
            .map(|(&i, vector)| StoredEmbedding {
                question: questions[i].id,
                revision: questions[i].revision,
                vector,
            })
            .collect();
        store.save_embeddings(org, model, &fresh).await?;
        for (&i, e) in chunk.iter().zip(fresh) {
            out[i] = Some(e.vector);
        }
    }
    Ok(out)
}

/// FNV-1a: a stable name for a database URL (std's hasher may change between releases).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lives_beside_a_sqlite_file_and_nowhere_for_memory() {
        let org = OrgId::new();
        let dir = index_dir("sqlite:///tmp/x/bank.db?mode=rwc", org).unwrap();
        assert_eq!(dir, Path::new("/tmp/x/bank.db.index").join(org.to_string()));
        assert!(index_dir("sqlite::memory:", org).is_none());
        assert!(index_dir("sqlite://:memory:", org).is_none());
    }
}
