//! The encoder of multilingual-e5-small, a 12-layer BERT (post-norm, exact GELU) over XLM-R's
//! vocabulary: weights dequantised to f32 at load, except the 96M-weight word table, which stays
//! 4-bit and is dequantised row by row on lookup.
//!
//! A batch runs as one `[tokens, hidden]` matrix holding every text's tokens back to back, so no
//! work is spent on padding; attention alone is computed per text.

use std::ops::Range;

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

use crate::format::{BLOCK, BLOCK_BYTES, Config, ModelFile, dequantise};
use crate::int8::{self, QRows, QWeight};
use crate::ops::{attend, gelu_in_place, layer_norm_rows};
use crate::{EmbedError, Precision};

/// A dense `outputs × inputs` weight matrix, row-major as stored in the file, in f32 or, for
/// [`Precision::Int8`], only in bytes.
struct Weight {
    data: Vec<f32>,
    q: Option<QWeight>,
    outputs: usize,
    inputs: usize,
}

impl Weight {
    /// The matrix as `inputs × outputs`, so that `y = x · w`.
    fn view(&self) -> MatRef<'_, f32> {
        MatRef::from_row_major_slice(&self.data, self.outputs, self.inputs).transpose()
    }
}

struct Layer {
    /// Query, key and value projections stacked, `3 × hidden` outputs.
    qkv_w: Weight,
    qkv_b: Vec<f32>,
    attn_out_w: Weight,
    attn_out_b: Vec<f32>,
    attn_ln: (Vec<f32>, Vec<f32>),
    ffn_in_w: Weight,
    ffn_in_b: Vec<f32>,
    ffn_out_w: Weight,
    ffn_out_b: Vec<f32>,
    ffn_ln: (Vec<f32>, Vec<f32>),
}

pub(crate) struct Encoder {
    pub config: Config,
    word_q4: Vec<u8>,
    /// BERT positions: token `p` of a text uses row `p` (no XLM-R padding offset).
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embed_ln: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
}

/// Q4_0 matrices of `outputs × inputs` each, stacked on their rows, as one f32 weight.
fn dense(
    file: &ModelFile,
    names: &[String],
    outputs: usize,
    inputs: usize,
    precision: Precision,
) -> Result<Weight, EmbedError> {
    let mut data = vec![0f32; names.len() * outputs * inputs];
    for (name, out) in names.iter().zip(data.chunks_exact_mut(outputs * inputs)) {
        dequantise(file.q4(name, outputs, inputs)?, out);
    }
    let outputs = names.len() * outputs;
    let q = match precision {
        Precision::Int8 => QWeight::new(&data, outputs, inputs),
        Precision::F32 => None,
    };
    if q.is_some() {
        data = Vec::new();
    }
    Ok(Weight {
        data,
        q,
        outputs,
        inputs,
    })
}

impl Encoder {
    /// `precision` must be [`Precision::F32`] unless `int8::available()`.
    pub fn from_file(file: &ModelFile, precision: Precision) -> Result<Encoder, EmbedError> {
        let c = file.config;
        let (h, ff) = (c.hidden, c.ffn);
        let ln = |name: &str| -> Result<(Vec<f32>, Vec<f32>), EmbedError> {
            Ok((
                file.f32s(&format!("{name}.w"), h)?,
                file.f32s(&format!("{name}.b"), h)?,
            ))
        };
        let layers = (0..c.layers)
            .map(|l| {
                let name = |part: &str| format!("l{l}.{part}");
                let qkv_w = dense(
                    file,
                    &[name("q.w"), name("k.w"), name("v.w")],
                    h,
                    h,
                    precision,
                )?;
                let mut qkv_b = file.f32s(&name("q.b"), h)?;
                qkv_b.extend(file.f32s(&name("k.b"), h)?);
                qkv_b.extend(file.f32s(&name("v.b"), h)?);
                Ok(Layer {
                    qkv_w,
                    qkv_b,
                    attn_out_w: dense(file, &[name("ao.w")], h, h, precision)?,
                    attn_out_b: file.f32s(&name("ao.b"), h)?,
                    attn_ln: ln(&name("aln"))?,
                    ffn_in_w: dense(file, &[name("fi.w")], ff, h, precision)?,
                    ffn_in_b: file.f32s(&name("fi.b"), ff)?,
                    ffn_out_w: dense(file, &[name("fo.w")], h, ff, precision)?,
                    ffn_out_b: file.f32s(&name("fo.b"), h)?,
                    ffn_ln: ln(&name("oln"))?,
                })
            })
            .collect::<Result<Vec<_>, EmbedError>>()?;
        Ok(Encoder {
            config: c,
            word_q4: file.q4("emb.word", c.vocab_rows, h)?.to_vec(),
            positions: file.f32s("emb.pos", c.max_positions * h)?,
            // Only token type 0 is ever used; the table's first row is all we keep.
            token_type: file.f32s("emb.type", c.token_types * h)?[..h].to_vec(),
            embed_ln: ln("emb.ln")?,
            layers,
        })
    }

    /// For each text, given as its full id sequence (with `<s>` and `</s>`, at most
    /// `max_positions` long, ids below the vocabulary size), the mean-pooled, L2-normalised
    /// last-layer states over each of its token ranges (all zeros for an empty range).
    pub fn embed(&self, texts: &[Vec<u32>], spans: &[Vec<Range<usize>>]) -> Vec<Vec<Vec<f32>>> {
        assert_eq!(texts.len(), spans.len(), "one list of spans per text");
        let h = self.config.hidden;
        let mut bounds = Vec::with_capacity(texts.len() + 1);
        bounds.push(0);
        for t in texts {
            bounds.push(bounds.last().copied().unwrap_or(0) + t.len());
        }
        let tokens = bounds.last().copied().unwrap_or(0);
        let mut x = vec![0f32; tokens * h];
        self.embed_tokens(texts, &mut x);
        // Buffers shared by all layers: fresh multi-megabyte allocations every layer come back
        // from the allocator as new pages, and faulting those in cost as much as the arithmetic.
        let mut scratch = Scratch {
            qkv: vec![0f32; tokens * 3 * h],
            ctx: vec![0f32; tokens * h],
            sub: vec![0f32; tokens * h],
            mid: vec![0f32; tokens * self.config.ffn],
        };
        for layer in &self.layers {
            self.layer(layer, &bounds, &mut x, &mut scratch);
        }
        bounds
            .windows(2)
            .zip(spans)
            .map(|(w, spans)| {
                let rows = &x[w[0] * h..w[1] * h];
                spans
                    .iter()
                    .map(|r| mean_pool(&rows[r.start * h..r.end * h], h))
                    .collect()
            })
            .collect()
    }

    fn embed_tokens(&self, texts: &[Vec<u32>], x: &mut [f32]) {
        let h = self.config.hidden;
        let row_bytes = h / BLOCK * BLOCK_BYTES;
        let ids = texts.iter().flat_map(|t| t.iter().enumerate());
        for ((pos, &id), row) in ids.zip(x.chunks_exact_mut(h)) {
            let at = id as usize * row_bytes;
            dequantise(&self.word_q4[at..at + row_bytes], row);
            let p = &self.positions[pos * h..(pos + 1) * h];
            for ((r, p), t) in row.iter_mut().zip(p).zip(&self.token_type) {
                *r += p + t;
            }
        }
        rows_layer_norm(x, h, &self.embed_ln, self.config.eps);
    }

    fn layer(&self, l: &Layer, bounds: &[usize], x: &mut [f32], s: &mut Scratch) {
        let (h, ff) = (self.config.hidden, self.config.ffn);
        linear(x, &l.qkv_w, &l.qkv_b, &mut s.qkv);
        self.attention(&s.qkv, bounds, &mut s.ctx);
        linear(&s.ctx, &l.attn_out_w, &l.attn_out_b, &mut s.sub);
        add_rows(x, &s.sub);
        rows_layer_norm(x, h, &l.attn_ln, self.config.eps);
        linear(x, &l.ffn_in_w, &l.ffn_in_b, &mut s.mid);
        for_row_groups(&mut s.mid, ff, gelu_in_place);
        linear(&s.mid, &l.ffn_out_w, &l.ffn_out_b, &mut s.sub);
        add_rows(x, &s.sub);
        rows_layer_norm(x, h, &l.ffn_ln, self.config.eps);
    }

    /// Attention of every text with itself, written into `ctx`: one task per block of up to
    /// `ATTENTION_ROWS` query rows of a text, so a single long text still uses every thread.
    fn attention(&self, qkv: &[f32], bounds: &[usize], ctx: &mut [f32]) {
        let (h, heads) = (self.config.hidden, self.config.heads);
        let mut tasks = Vec::with_capacity(bounds.len());
        let mut rest = ctx;
        for w in bounds.windows(2) {
            let text = &qkv[w[0] * 3 * h..w[1] * 3 * h];
            let mut first = 0;
            while first < w[1] - w[0] {
                let rows = ATTENTION_ROWS.min(w[1] - w[0] - first);
                let (block, tail) = rest.split_at_mut(rows * h);
                tasks.push((text, first, block));
                rest = tail;
                first += rows;
            }
        }
        tasks
            .into_par_iter()
            .for_each(|(qkv, first, ctx)| attend(qkv, h, heads, first, ctx));
    }
}

/// Activation buffers for one forward pass, reused by every layer.
struct Scratch {
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    /// The attention output, then the feed-forward output, before each is added to `x`.
    sub: Vec<f32>,
    mid: Vec<f32>,
}

/// The mean of `rows` (each `h` wide), L2-normalised; zeros when there are no rows.
fn mean_pool(rows: &[f32], h: usize) -> Vec<f32> {
    let mut v = vec![0f32; h];
    for row in rows.chunks_exact(h) {
        v.iter_mut().zip(row).for_each(|(a, b)| *a += b);
    }
    let n = (rows.len() / h).max(1) as f32;
    v.iter_mut().for_each(|a| *a /= n);
    let norm = v.iter().map(|a| a * a).sum::<f32>().max(1e-12).sqrt();
    v.iter_mut().for_each(|a| *a /= norm);
    v
}

fn add_rows(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}

fn rows_layer_norm(x: &mut [f32], h: usize, (w, b): &(Vec<f32>, Vec<f32>), eps: f32) {
    debug_assert_eq!(w.len(), h);
    for_row_groups(x, h, |rows| layer_norm_rows(rows, w, b, eps));
}

/// Runs `f` over groups of `ROWS_PER_TASK` rows, in parallel only when there are several.
fn for_row_groups(x: &mut [f32], width: usize, f: impl Fn(&mut [f32]) + Sync + Send) {
    let group = width * ROWS_PER_TASK;
    if x.len() <= group {
        f(x);
    } else {
        x.par_chunks_mut(group).for_each(f);
    }
}

/// Query rows per attention task: a sentence is one task, a long text several.
const ATTENTION_ROWS: usize = 64;

/// Rows of element-wise work per rayon task. A single sentence's rows stay on one thread, where
/// waking another would cost more than the work.
const ROWS_PER_TASK: usize = 64;

/// Below this many multiply-adds a second thread costs more than it saves.
const PARALLEL_MACS: usize = 1 << 21;

/// `y = x · w + bias`, row by row. The output columns are shared out between the pool's
/// threads, each running its own gemm on whole columns: no sums are split between threads, so
/// a given input always gives the same bits.
fn linear(x: &[f32], w: &Weight, bias: &[f32], y: &mut [f32]) {
    let rows = x.len() / w.inputs;
    for row in y.chunks_exact_mut(w.outputs) {
        row.copy_from_slice(bias);
    }
    let parts = if rows * w.inputs * w.outputs >= PARALLEL_MACS {
        rayon::current_num_threads()
    } else {
        1
    };
    if let Some(q) = &w.q {
        let qx = QRows::new(x, w.inputs);
        // Whole micro-tiles of rows per thread; integer sums make the split invisible.
        let chunk = rows.div_ceil(parts.max(1)).div_ceil(6).max(1) * 6;
        if parts <= 1 || chunk >= rows {
            int8::gemm_add(qx.view(0, rows), q, y);
        } else {
            y.par_chunks_mut(chunk * w.outputs)
                .enumerate()
                .for_each(|(i, part)| {
                    let from = i * chunk;
                    int8::gemm_add(qx.view(from, from + part.len() / w.outputs), q, part);
                });
        }
        return;
    }
    let xv = MatRef::from_row_major_slice(x, rows, w.inputs);
    let yv = MatMut::from_row_major_slice_mut(y, rows, w.outputs);
    gemm_split(xv, w.view(), yv, parts);
}

fn gemm_split(x: MatRef<'_, f32>, w: MatRef<'_, f32>, y: MatMut<'_, f32>, parts: usize) {
    let n = w.ncols();
    // Split on multiples of 16 columns so every part keeps whole gemm micro-tiles.
    let mid = (n / parts.max(1)).div_ceil(16) * 16;
    if parts <= 1 || mid == 0 || mid >= n {
        matmul(y, Accum::Add, x, w, 1.0, Par::Seq);
        return;
    }
    let (w1, w2) = w.split_at_col(mid);
    let (y1, y2) = y.split_at_col_mut(mid);
    rayon::join(
        || gemm_split(x, w1, y1, 1),
        || gemm_split(x, w2, y2, parts - 1),
    );
}
