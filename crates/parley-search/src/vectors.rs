//! Semantic ranking: every question's sentence embedding lives in the tantivy document (a bytes
//! fast field, little-endian f32), so it is added, replaced and deleted with the question and
//! shares its watermark. For ranking, each segment's vectors are decoded once into 8-bit form
//! and cached by segment id; a commit only decodes the segments it created.
//!
//! Ranking is exact (every live vector is scored), so there is no recall to lose: 100,000
//! questions of 384 dimensions are 38 MB of 8-bit vectors, scanned in a few milliseconds.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{DocAddress, Searcher, SegmentReader};

use crate::SearchError;

/// One segment's vectors, 8-bit with a scale per vector (cosine needs no more precision to
/// rank: the error is far below the gaps between neighbours).
pub(crate) struct SegmentVectors {
    dim: usize,
    /// Per document: where its vector starts in `data`, or `None` without one.
    slot: Vec<Option<u32>>,
    data: Vec<i8>,
    scale: Vec<f32>,
}

impl SegmentVectors {
    fn load(reader: &SegmentReader, field: &str) -> Result<SegmentVectors, SearchError> {
        let max_doc = reader.max_doc() as usize;
        let mut out = SegmentVectors {
            dim: 0,
            slot: vec![None; max_doc],
            data: Vec::new(),
            scale: Vec::new(),
        };
        let Some(column) = reader.fast_fields().bytes(field)? else {
            return Ok(out);
        };
        let mut bytes = Vec::new();
        for doc in 0..max_doc as u32 {
            let Some(ord) = column.term_ords(doc).next() else {
                continue;
            };
            bytes.clear();
            column
                .ord_to_bytes(ord, &mut bytes)
                .map_err(|e| SearchError::Io("vector column".into(), e))?;
            let v: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            if v.is_empty() || (out.dim != 0 && v.len() != out.dim) {
                continue;
            }
            out.dim = v.len();
            out.slot[doc as usize] = Some(out.scale.len() as u32);
            let (q, s) = quantise(&v);
            out.data.extend_from_slice(&q);
            out.scale.push(s);
        }
        Ok(out)
    }

    /// The cosine of the vector in `slot` with a query quantised the same way. Integer sums
    /// are associative, so the compiler vectorises this loop; a float sum it may not reorder.
    fn score(&self, slot: u32, query: &[i8], query_scale: f32) -> f32 {
        let at = slot as usize * self.dim;
        let v = &self.data[at..at + self.dim];
        // Sixteen independent lanes: no single sum has to be reordered, so the compiler keeps
        // them in vector registers (a plain `sum()` of products it may not vectorise).
        let mut lanes = [0i32; 16];
        let mut a = v.chunks_exact(16);
        let mut b = query.chunks_exact(16);
        for (x, y) in (&mut a).zip(&mut b) {
            for k in 0..16 {
                lanes[k] += i32::from(i16::from(x[k]) * i16::from(y[k]));
            }
        }
        let mut dot: i32 = lanes.iter().sum();
        for (x, y) in a.remainder().iter().zip(b.remainder()) {
            dot += i32::from(*x) * i32::from(*y);
        }
        dot as f32 * self.scale[slot as usize] * query_scale
    }
}

/// Symmetric 8-bit quantisation of a unit vector, with its scale.
fn quantise(v: &[f32]) -> (Vec<i8>, f32) {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return (vec![0; v.len()], 0.0);
    }
    let scale = max / 127.0;
    let q = v
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (q, scale)
}

/// Below this many documents one thread scans faster than two can be started.
const PARALLEL_FROM: usize = 20_000;

/// Decoded segments, kept across searches and commits.
#[derive(Default)]
pub(crate) struct VectorCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentVectors>>>,
}

/// A document and its cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub addr: DocAddress,
    pub score: f32,
}

impl Eq for Scored {}

impl Ord for Scored {
    // Reversed, so that a `BinaryHeap` keeps the worst of the best on top; ties go by
    // address so equal scores always rank the same way.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.addr.cmp(&other.addr))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl VectorCache {
    fn segment(
        &self,
        reader: &SegmentReader,
        field: &str,
    ) -> Result<Arc<SegmentVectors>, SearchError> {
        let id = reader.segment_id();
        if let Some(s) = self.lock().get(&id) {
            return Ok(s.clone());
        }
        let loaded = Arc::new(SegmentVectors::load(reader, field)?);
        self.lock().insert(id, loaded.clone());
        Ok(loaded)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentVectors>>> {
        // A panic while holding the lock leaves a map that is still valid to read.
        self.segments.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets segments that merges or deletions have retired.
    fn retain(&self, live: &HashSet<SegmentId>) {
        self.lock().retain(|id, _| live.contains(id));
    }

    /// The `limit` live documents most similar to `query` (a unit vector), best first,
    /// among `allowed` when given.
    pub(crate) fn nearest(
        &self,
        searcher: &Searcher,
        field: &str,
        query: &[f32],
        limit: usize,
        allowed: Option<&HashSet<DocAddress>>,
    ) -> Result<Vec<Scored>, SearchError> {
        let (query, query_scale) = quantise(query);
        let mut live = HashSet::new();
        let mut work = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            live.insert(reader.segment_id());
            let seg = self.segment(reader, field)?;
            if seg.dim == query.len() {
                work.push((ord as u32, reader, seg));
            }
        }
        self.retain(&live);
        // Each thread scans a contiguous share of every segment into its own heap.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        let total: usize = work.iter().map(|(_, _, s)| s.slot.len()).sum();
        let threads = if total < PARALLEL_FROM { 1 } else { threads };
        let scan = |part: usize| {
            let mut heap: BinaryHeap<Scored> = BinaryHeap::with_capacity(limit + 1);
            for (ord, reader, seg) in &work {
                let share = seg.slot.len().div_ceil(threads);
                let from = (part * share).min(seg.slot.len());
                let to = ((part + 1) * share).min(seg.slot.len());
                for (doc, slot) in seg.slot[from..to].iter().enumerate() {
                    let Some(slot) = *slot else { continue };
                    let doc = (from + doc) as u32;
                    if reader.is_deleted(doc) {
                        continue;
                    }
                    let addr = DocAddress::new(*ord, doc);
                    if allowed.is_some_and(|a| !a.contains(&addr)) {
                        continue;
                    }
                    let s = Scored {
                        addr,
                        score: seg.score(slot, &query, query_scale),
                    };
                    if heap.len() < limit {
                        heap.push(s);
                    } else if heap.peek().is_some_and(|worst| s < *worst) {
                        heap.pop();
                        heap.push(s);
                    }
                }
            }
            heap
        };
        let mut heap = if threads == 1 {
            scan(0)
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads).map(|p| scope.spawn(move || scan(p))).collect();
                let mut all = BinaryHeap::new();
                for h in handles {
                    // A panicking scan is a bug; surface it rather than return partial results.
                    all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
                }
                all
            })
        };
        while heap.len() > limit {
            heap.pop();
        }
        Ok(heap.into_sorted_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantised_dot_products_stay_close_to_exact_ones() {
        let a: Vec<f32> = (0..384).map(|i| ((i * 7919) % 97) as f32 - 48.0).collect();
        let b: Vec<f32> = (0..384)
            .map(|i| ((i * 104_729) % 89) as f32 - 44.0)
            .collect();
        let norm = |v: &[f32]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        let (a, b) = (norm(&a), norm(&b));
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let (q, s) = quantise(&b);
        let approx: f32 = q
            .iter()
            .zip(&a)
            .map(|(&x, y)| f32::from(x) * y)
            .sum::<f32>()
            * s;
        assert!((exact - approx).abs() < 0.01, "{exact} vs {approx}");
    }

    #[test]
    fn a_zero_or_broken_vector_scores_nothing() {
        assert_eq!(quantise(&[0.0, 0.0]).1, 0.0);
        assert_eq!(quantise(&[f32::INFINITY, 1.0]).1, 0.0);
    }
}
