//! Semantic and hybrid ranking, and a question's nearest neighbours.
//!
//! Hybrid fuses the lexical and the semantic lists by reciprocal rank (each list contributes
//! `1 / (K + rank)`): it needs no calibration between BM25 scores and cosines, which live on
//! unrelated scales, and a question found by both ranks above one found by either alone.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use crate::SearchError;
use crate::index::{SearchIndex, VECTOR_FIELD};
use crate::query::{Filters, Hit, QueryWords};

/// The usual constant of reciprocal rank fusion: large enough that the first few ranks of one
/// list do not drown the other.
const RRF_K: f32 = 60.0;

/// A document's fused score, with its BM25 score and cosine when each list found it.
type Fused = (f32, Option<f32>, Option<f32>);

/// The lexical list's weight in the fusion (the semantic list's is 1). Matching any query
/// word, BM25's list has a long tail of questions sharing one common word; at equal weight
/// that tail outranked semantic hits on paraphrased queries.
const LEXICAL_WEIGHT: f32 = 0.5;

/// How many candidates each list contributes to a fusion, per result asked for.
const CANDIDATES_PER_RESULT: usize = 4;

impl SearchIndex {
    /// The best `limit` questions by cosine similarity of their embeddings to `vector` (the
    /// query's, by this index's model). `query` only marks matching words in the snippets.
    pub fn search_semantic(
        &self,
        query: &str,
        vector: &[f32],
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(crate::MAX_RESULTS);
        let searcher = self.reader.searcher();
        let terms = QueryWords::new(query).terms();
        self.semantic_top(&searcher, vector, filters, limit)?
            .into_iter()
            .map(|(similarity, addr)| {
                let mut h = self.hit(&searcher, addr, similarity, &terms)?;
                h.similarity = Some(similarity);
                Ok(h)
            })
            .collect()
    }

    /// Lexical and semantic lists fused by reciprocal rank.
    pub fn search_hybrid(
        &self,
        query: &str,
        vector: &[f32],
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(crate::MAX_RESULTS);
        let searcher = self.reader.searcher();
        let words = QueryWords::new(query);
        let depth = limit.max(10) * CANDIDATES_PER_RESULT;
        let lexical = self.lexical_top(&searcher, &words, filters, depth)?;
        let semantic = self.semantic_top(&searcher, vector, filters, depth)?;
        let mut fused: HashMap<DocAddress, Fused> = HashMap::new();
        for (rank, (score, addr)) in lexical.iter().enumerate() {
            let e = fused.entry(*addr).or_default();
            e.0 += LEXICAL_WEIGHT / (RRF_K + rank as f32 + 1.0);
            e.1 = Some(*score);
        }
        for (rank, (similarity, addr)) in semantic.iter().enumerate() {
            let e = fused.entry(*addr).or_default();
            e.0 += 1.0 / (RRF_K + rank as f32 + 1.0);
            e.2 = Some(*similarity);
        }
        let mut ranked: Vec<(DocAddress, Fused)> = fused.into_iter().collect();
        ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        let terms = words.terms();
        ranked
            .into_iter()
            .map(|(addr, (score, lexical, similarity))| {
                let mut h = self.hit(&searcher, addr, score, &terms)?;
                h.lexical = lexical;
                h.similarity = similarity;
                Ok(h)
            })
            .collect()
    }

    /// The stored embedding of question `id`, if the index has one.
    pub fn vector_of(&self, id: &str) -> Result<Option<Vec<f32>>, SearchError> {
        let searcher = self.reader.searcher();
        let Some(addr) = self.address_of(&searcher, id)? else {
            return Ok(None);
        };
        let reader = searcher.segment_reader(addr.segment_ord);
        let Some(column) = reader.fast_fields().bytes(VECTOR_FIELD)? else {
            return Ok(None);
        };
        let Some(ord) = column.term_ords(addr.doc_id).next() else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        column
            .ord_to_bytes(ord, &mut bytes)
            .map_err(|e| SearchError::Io("vector column".into(), e))?;
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ))
    }

    /// The `limit` questions most similar to question `id` (itself excluded), or nothing when
    /// it has no embedding.
    pub fn similar_to(
        &self,
        id: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let Some(vector) = self.vector_of(id)? else {
            return Ok(Vec::new());
        };
        let limit = limit.min(crate::MAX_RESULTS);
        let mut hits = self.search_semantic("", &vector, filters, limit + 1)?;
        hits.retain(|h| h.id != id);
        hits.truncate(limit);
        Ok(hits)
    }

    fn address_of(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        Ok(searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())?
            .first()
            .map(|(_, a)| *a))
    }

    fn semantic_top(
        &self,
        searcher: &Searcher,
        vector: &[f32],
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        if limit == 0 || vector.is_empty() {
            return Ok(Vec::new());
        }
        let allowed: Option<HashSet<DocAddress>> = match self.filter_query(filters) {
            Some(q) => Some(searcher.search(&q, &DocSetCollector)?),
            None => None,
        };
        Ok(self
            .vectors
            .nearest(searcher, VECTOR_FIELD, vector, limit, allowed.as_ref())?
            .into_iter()
            .map(|s| (s.score, s.addr))
            .collect())
    }
}
