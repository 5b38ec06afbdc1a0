//! Linear layers in 8-bit integers on CPUs with AVX-512 VNNI: each weight row is scaled to
//! −127..=127 once at load, each activation row when it arrives, and `vpdpbusd` multiplies and
//! adds four byte pairs per 32-bit lane, four times the multiply-adds per instruction of f32.
//! Sums are exact integers, so the result does not depend on how the work is split.
//!
//! `vpdpbusd` takes unsigned bytes on one side: activations are stored shifted by +128 and the
//! shift is taken back with a per-output correction (`128 · Σ w`), computed at load.

// This module alone holds unsafe code: raw SIMD loads and calls of functions compiled for
// AVX-512, each made only after `available()` checked the CPU.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Outputs per packed panel: four 16-lane registers.
const PANEL: usize = 64;
/// Activation rows per micro-tile: 6 × 4 accumulators leave registers for the weights.
const ROWS: usize = 6;

/// True when this CPU runs the integer kernels (AVX-512 F, BW and VNNI).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// An `outputs × inputs` weight matrix in bytes, packed for the kernel.
pub(crate) struct QWeight {
    /// Panels of 64 outputs; in each, for every group of 4 inputs, 64 × 4 bytes.
    packed: Vec<i8>,
    /// Per output: the factor back to the weight's units.
    scale: Vec<f32>,
    /// Per output: `128 · Σ_i q[o][i]`, the shift of the activations to take back.
    shift: Vec<i32>,
    pub outputs: usize,
    pub inputs: usize,
}

impl QWeight {
    /// Quantises a row-major `outputs × inputs` matrix; `None` when its shape does not fit the
    /// kernel (outputs a multiple of 64, inputs of 4).
    pub fn new(w: &[f32], outputs: usize, inputs: usize) -> Option<QWeight> {
        // 255 · 127 · inputs must fit the 32-bit sums.
        if !outputs.is_multiple_of(PANEL)
            || !inputs.is_multiple_of(4)
            || inputs > 65_536
            || w.len() != outputs * inputs
        {
            return None;
        }
        let mut q = vec![0i8; outputs * inputs];
        let mut scale = vec![0f32; outputs];
        let mut shift = vec![0i32; outputs];
        for (o, row) in w.chunks_exact(inputs).enumerate() {
            let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            let out = &mut q[o * inputs..(o + 1) * inputs];
            for (d, v) in out.iter_mut().zip(row) {
                *d = (v / s).round().clamp(-127.0, 127.0) as i8;
            }
            scale[o] = s;
            shift[o] = 128 * out.iter().map(|&v| v as i32).sum::<i32>();
        }
        let groups = inputs / 4;
        let mut packed = vec![0i8; outputs * inputs];
        for panel in 0..outputs / PANEL {
            for g in 0..groups {
                for lane in 0..PANEL {
                    let o = panel * PANEL + lane;
                    let at = ((panel * groups + g) * PANEL + lane) * 4;
                    packed[at..at + 4]
                        .copy_from_slice(&q[o * inputs + 4 * g..o * inputs + 4 * g + 4]);
                }
            }
        }
        Some(QWeight {
            packed,
            scale,
            shift,
            outputs,
            inputs,
        })
    }
}

/// Activation rows in bytes: `data` holds each row shifted to 1..=255, `scale` its factor.
pub(crate) struct QRows {
    data: Vec<u8>,
    scale: Vec<f32>,
    width: usize,
}

impl QRows {
    /// Quantises the rows of `x` (each `width` long), each by its own largest magnitude.
    pub fn new(x: &[f32], width: usize) -> QRows {
        let rows = x.len() / width.max(1);
        let mut q = QRows {
            data: vec![0u8; rows * width],
            scale: vec![0f32; rows],
            width,
        };
        quantise_rows(x, width, &mut q.data, &mut q.scale);
        q
    }

    /// Rows `from..to`.
    pub fn view(&self, from: usize, to: usize) -> QRowsRef<'_> {
        QRowsRef {
            data: &self.data[from * self.width..to * self.width],
            scale: &self.scale[from..to],
            width: self.width,
        }
    }
}

/// Some consecutive rows of a [`QRows`].
#[derive(Clone, Copy)]
pub(crate) struct QRowsRef<'a> {
    data: &'a [u8],
    scale: &'a [f32],
    width: usize,
}

impl QRowsRef<'_> {
    fn rows(&self) -> usize {
        self.scale.len()
    }
}

/// Rows per task when quantising in parallel.
const QUANTISE_ROWS: usize = 64;

fn quantise_rows(x: &[f32], width: usize, data: &mut [u8], scale: &mut [f32]) {
    use rayon::prelude::*;
    let tasks = x
        .par_chunks(width * QUANTISE_ROWS)
        .zip(data.par_chunks_mut(width * QUANTISE_ROWS))
        .zip(scale.par_chunks_mut(QUANTISE_ROWS));
    tasks.for_each(|((x, data), scale)| {
        if available() {
            // SAFETY: `available()` checked the features `quantise_avx512` is compiled for.
            #[cfg(target_arch = "x86_64")]
            unsafe {
                return quantise_avx512(x, width, data, scale);
            }
        }
        quantise_plain(x, width, data, scale)
    });
}

/// [`quantise_plain`] sixteen lanes at a time (`cvtps` rounds half to even, as the plain loop).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
fn quantise_avx512(x: &[f32], width: usize, data: &mut [u8], scale: &mut [f32]) {
    if !width.is_multiple_of(16) {
        return quantise_plain(x, width, data, scale);
    }
    for ((row, out), s) in x
        .chunks_exact(width)
        .zip(data.chunks_exact_mut(width))
        .zip(scale.iter_mut())
    {
        // SAFETY: every load and store covers 16 lanes at an offset below `width`, a multiple
        // of 16, inside `row` (f32) and `out` (bytes).
        unsafe {
            let mut max = _mm512_setzero_ps();
            for i in (0..width).step_by(16) {
                max = _mm512_max_ps(max, _mm512_abs_ps(_mm512_loadu_ps(row.as_ptr().add(i))));
            }
            let m = _mm512_reduce_max_ps(max);
            *s = if m > 0.0 { m / 127.0 } else { 1.0 };
            let inv = _mm512_set1_ps(1.0 / *s);
            let shift = _mm512_set1_epi32(128);
            for i in (0..width).step_by(16) {
                let v = _mm512_mul_ps(_mm512_loadu_ps(row.as_ptr().add(i)), inv);
                // Clamped as floats, as the plain loop does, so that no value converts out of
                // range (1/s overflows for a row of denormals).
                let v = _mm512_min_ps(
                    _mm512_max_ps(v, _mm512_set1_ps(-127.0)),
                    _mm512_set1_ps(127.0),
                );
                let q = _mm512_add_epi32(_mm512_cvtps_epi32(v), shift);
                let q = _mm512_min_epi32(
                    _mm512_max_epi32(q, _mm512_set1_epi32(1)),
                    _mm512_set1_epi32(255),
                );
                _mm_storeu_si128(
                    out.as_mut_ptr().add(i) as *mut __m128i,
                    _mm512_cvtepi32_epi8(q),
                );
            }
        }
    }
}

#[inline(always)]
fn quantise_plain(x: &[f32], width: usize, data: &mut [u8], scale: &mut [f32]) {
    for ((row, out), s) in x
        .chunks_exact(width)
        .zip(data.chunks_exact_mut(width))
        .zip(scale.iter_mut())
    {
        let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        *s = if max > 0.0 { max / 127.0 } else { 1.0 };
        let inv = 1.0 / *s;
        for (d, v) in out.iter_mut().zip(row) {
            *d = ((v * inv).round_ties_even().clamp(-127.0, 127.0) + 128.0) as u8;
        }
    }
}

/// `y[r][o] += x[r] · w[o]` for every row of `x`; `y` is row-major with `w.outputs` columns.
pub(crate) fn gemm_add(x: QRowsRef<'_>, w: &QWeight, y: &mut [f32]) {
    assert_eq!(x.width, w.inputs);
    assert_eq!(y.len(), x.rows() * w.outputs);
    assert!(
        available(),
        "int8 kernels called on a CPU without AVX-512 VNNI"
    );
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU features were checked above; the shapes (rows × inputs bytes, y of
    // rows × outputs) by the asserts, and `QWeight::new` packed whole 64-output panels.
    unsafe {
        gemm_avx512(x, w, y)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn gemm_avx512(x: QRowsRef<'_>, w: &QWeight, y: &mut [f32]) {
    let k = w.inputs;
    let groups = k / 4;
    let rows = x.rows();
    let mut acc = [0i32; ROWS * PANEL];
    for panel in 0..w.outputs / PANEL {
        let wp = &w.packed[panel * groups * PANEL * 4..(panel + 1) * groups * PANEL * 4];
        let o0 = panel * PANEL;
        let mut r0 = 0;
        while r0 < rows {
            let n = (rows - r0).min(ROWS);
            let xs = &x.data[r0 * k..(r0 + n) * k];
            // SAFETY (all arms): `xs` holds `n` rows of `k` bytes and `wp` `groups` steps of
            // 256 bytes, which is all the tile reads.
            unsafe {
                match n {
                    6 => tile::<6>(xs, k, wp, &mut acc),
                    5 => tile::<5>(xs, k, wp, &mut acc),
                    4 => tile::<4>(xs, k, wp, &mut acc),
                    3 => tile::<3>(xs, k, wp, &mut acc),
                    2 => tile::<2>(xs, k, wp, &mut acc),
                    _ => tile::<1>(xs, k, wp, &mut acc),
                }
            }
            for r in 0..n {
                let sx = x.scale[r0 + r];
                let out = &mut y[(r0 + r) * w.outputs + o0..(r0 + r) * w.outputs + o0 + PANEL];
                let sums = &acc[r * PANEL..(r + 1) * PANEL];
                for (((v, &s), &sw), &sh) in out
                    .iter_mut()
                    .zip(sums)
                    .zip(&w.scale[o0..o0 + PANEL])
                    .zip(&w.shift[o0..o0 + PANEL])
                {
                    *v += (s - sh) as f32 * (sx * sw);
                }
            }
            r0 += n;
        }
    }
}

/// Sums of `N` activation rows against one 64-output panel, written to `acc[r * 64 + lane]`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
#[inline]
unsafe fn tile<const N: usize>(xs: &[u8], k: usize, wp: &[i8], acc: &mut [i32; ROWS * PANEL]) {
    debug_assert!(xs.len() >= N * k && wp.len() >= k / 4 * PANEL * 4);
    let mut sums = [[_mm512_setzero_si512(); 4]; N];
    let xp = xs.as_ptr();
    let mut w = wp.as_ptr();
    for g in 0..k / 4 {
        // SAFETY: `w` steps through `wp` 256 bytes per group and `xp + r·k + 4g` stays inside
        // row `r` of `xs` (see the caller).
        unsafe {
            let w0 = _mm512_loadu_si512(w as *const __m512i);
            let w1 = _mm512_loadu_si512(w.add(64) as *const __m512i);
            let w2 = _mm512_loadu_si512(w.add(128) as *const __m512i);
            let w3 = _mm512_loadu_si512(w.add(192) as *const __m512i);
            for (r, s) in sums.iter_mut().enumerate() {
                let x = _mm512_set1_epi32((xp.add(r * k + 4 * g) as *const i32).read_unaligned());
                s[0] = _mm512_dpbusd_epi32(s[0], x, w0);
                s[1] = _mm512_dpbusd_epi32(s[1], x, w1);
                s[2] = _mm512_dpbusd_epi32(s[2], x, w2);
                s[3] = _mm512_dpbusd_epi32(s[3], x, w3);
            }
            w = w.add(256);
        }
    }
    for (r, s) in sums.iter().enumerate() {
        for (j, v) in s.iter().enumerate() {
            // SAFETY: row `r`, lanes `16j..16j+16` lie inside `acc` (r < N ≤ 6, j < 4).
            unsafe {
                _mm512_storeu_si512(acc.as_mut_ptr().add(r * PANEL + 16 * j) as *mut __m512i, *v)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer kernel against a plain f32 product of the same matrices.
    #[test]
    fn matches_f32_within_quantisation_error() {
        if !available() {
            eprintln!("skipped: no AVX-512 VNNI on this CPU");
            return;
        }
        let (rows, inputs, outputs) = (13, 40, 128);
        // A fixed pseudo-random fill (LCG), so the test is the same every run.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        };
        let x: Vec<f32> = (0..rows * inputs).map(|_| next()).collect();
        let w: Vec<f32> = (0..outputs * inputs).map(|_| next()).collect();
        let q = QWeight::new(&w, outputs, inputs).expect("shape fits");
        let qx = QRows::new(&x, inputs);
        let mut y = vec![0.5f32; rows * outputs];
        gemm_add(qx.view(0, rows), &q, &mut y);
        for r in 0..rows {
            for o in 0..outputs {
                let want: f32 = 0.5
                    + (0..inputs)
                        .map(|i| x[r * inputs + i] * w[o * inputs + i])
                        .sum::<f32>();
                let got = y[r * outputs + o];
                // Two 1/254 rounding steps over 40 products of magnitude ≤ 1.
                assert!(
                    (got - want).abs() < 0.1,
                    "row {r} output {o}: {got} vs {want}"
                );
            }
        }
        // The rows split in two: the same bits.
        let mut y2 = vec![0.5f32; rows * outputs];
        let (a, b) = y2.split_at_mut(5 * outputs);
        gemm_add(qx.view(0, 5), &q, a);
        gemm_add(qx.view(5, rows), &q, b);
        assert_eq!(y, y2);
    }

    #[test]
    fn shapes_the_kernel_cannot_take_are_refused() {
        assert!(QWeight::new(&[0.0; 60 * 4], 60, 4).is_none());
        assert!(QWeight::new(&[0.0; 64 * 6], 64, 6).is_none());
    }
}
