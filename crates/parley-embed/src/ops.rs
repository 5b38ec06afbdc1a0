//! Element-wise kernels of the encoder: layer norm, exact (erf) GELU and row softmax, written
//! as plain loops the compiler can vectorise on any x86-64 or ARM baseline. On x86-64 with
//! AVX-512 the same loops are compiled a second time for it and chosen at run time (the
//! baseline build only has SSE2, four lanes instead of sixteen).

/// Defines `$name` with `$body` compiled twice, for the baseline and for AVX-512, running the
/// AVX-512 copy when the CPU has it. Helpers the body calls are `#[inline(always)]` so that they
/// are compiled into each copy.
macro_rules! dispatch {
    ($name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        pub(crate) fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,fma")]
                fn wide($($arg: $ty),*) $body
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: every feature `wide` is compiled for was detected just above.
                    #[allow(unsafe_code)]
                    unsafe {
                        return wide($($arg),*);
                    }
                }
            }
            $body
        }
    };
}

/// `e^x` to about 2e-7 relative error, without a libm call so loops over it vectorise.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and removing 1.5 × 2^23 rounds to the nearest integer in the default rounding mode.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // n lies in -126..=127 after the clamp, so 2^n is a normal float built from its bits.
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// erf(x) by Abramowitz & Stegun 7.1.28 (absolute error below 3e-7): a polynomial, four
/// squarings and one division, with no exponential, so the GELU loop vectorises cheaply. Past
/// |x| ≈ 6 the power overflows to infinity and the result is exactly ±1.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let p = 1.0
        + a * (0.070_523_08
            + a * (0.042_282_01
                + a * (0.009_270_527
                    + a * (0.000_152_014_3 + a * (0.000_276_567_2 + a * 0.000_043_063_8)))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    let y = 1.0 - 1.0 / (p8 * p8);
    y.copysign(x)
}

// GELU as BERT defines it, `x · Φ(x)`, not the tanh approximation.
dispatch!(gelu_in_place(xs: &mut [f32]) {
    for x in xs {
        *x = 0.5 * *x * (1.0 + erf(*x * std::f32::consts::FRAC_1_SQRT_2));
    }
});

/// Sum with eight independent accumulators: a plain `sum()` must add in order, which neither
/// vectorises nor pipelines.
#[inline(always)]
fn sum8(xs: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().map(|&x| f(x)).sum();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += f(x);
        }
    }
    acc.iter().sum::<f32>() + tail
}

// Layer norm of each `w.len()`-long row of `x`.
dispatch!(layer_norm_rows(x: &mut [f32], w: &[f32], b: &[f32], eps: f32) {
    for row in x.chunks_exact_mut(w.len().max(1)) {
        let n = row.len() as f32;
        let mean = sum8(row, |v| v) / n;
        let var = sum8(row, |v| (v - mean) * (v - mean)) / n;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, w), b) in row.iter_mut().zip(w).zip(b) {
            *v = (*v - mean) * inv * w + b;
        }
    }
});

/// The largest element, with eight independent maxima (a fold must go in order).
#[inline(always)]
fn max8(xs: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks
        .remainder()
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a = a.max(x);
        }
    }
    acc.iter().copied().fold(tail, f32::max)
}

// Scaled dot-product attention of one text with itself: `qkv` holds its rows of queries, keys
// and values (`3h` wide, `heads` heads each), `ctx` receives the `h`-wide output rows of the
// queries from row `first` on (all of them, or a block when a long text is shared out). Keys are
// transposed per head so that both products run along contiguous rows: the scores of a query
// over all keys, then the weighted sum of the values, with no horizontal sums.
dispatch!(attend(qkv: &[f32], h: usize, heads: usize, first: usize, ctx: &mut [f32]) {
    let len = qkv.len() / (3 * h).max(1);
    let rows = ctx.len() / h.max(1);
    let hd = h / heads.max(1);
    let scale = 1.0 / (hd as f32).sqrt();
    let mut keys = vec![0f32; hd * len];
    let mut scores = vec![0f32; len];
    for head in 0..heads {
        let (qo, ko, vo) = (head * hd, h + head * hd, 2 * h + head * hd);
        for j in 0..len {
            for (d, &k) in qkv[j * 3 * h + ko..j * 3 * h + ko + hd].iter().enumerate() {
                keys[d * len + j] = k;
            }
        }
        for i in 0..rows {
            let at = (first + i) * 3 * h + qo;
            let q = &qkv[at..at + hd];
            scores.fill(0.0);
            for (&qd, krow) in q.iter().zip(keys.chunks_exact(len)) {
                let qd = qd * scale;
                for (s, &k) in scores.iter_mut().zip(krow) {
                    *s += qd * k;
                }
            }
            let max = max8(&scores);
            for v in scores.iter_mut() {
                *v = exp(*v - max);
            }
            let inv = 1.0 / sum8(&scores, |v| v);
            let out = &mut ctx[i * h + qo..i * h + qo + hd];
            out.fill(0.0);
            for (j, &p) in scores.iter().enumerate() {
                let p = p * inv;
                let v = &qkv[j * 3 * h + vo..j * 3 * h + vo + hd];
                for (o, &x) in out.iter_mut().zip(v) {
                    *o += p * x;
                }
            }
        }
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_standard_library() {
        for i in -2000..=2000 {
            let x = i as f32 * 0.04;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 5e-7, "exp({x}) off by {rel}");
        }
        assert!(exp(-1000.0) < 1e-37 && exp(-1000.0) >= 0.0);
        assert!(exp(1000.0).is_finite());
    }

    #[test]
    fn erf_is_within_the_approximation_bound() {
        // Reference values of erf from tables.
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (2.0, 0.995_322_3),
        ] {
            assert!((erf(x) - want).abs() < 3e-7, "erf({x})");
            assert!((erf(-x) + want).abs() < 3e-7, "erf(-{x})");
        }
    }

    #[test]
    fn gelu_of_one_is_phi_of_one() {
        let mut v = [1.0f32, 0.0, -3.0];
        gelu_in_place(&mut v);
        assert!((v[0] - 0.841_344_7).abs() < 1e-6);
        assert_eq!(v[1], 0.0);
        assert!((v[2] + 0.004_049_6).abs() < 1e-6);
    }

    #[test]
    fn attention_matches_a_plain_softmax_of_dot_products() {
        let (len, h, heads) = (5, 8, 2);
        let hd = h / heads;
        let qkv: Vec<f32> = (0..len * 3 * h)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
            .collect();
        let mut ctx = vec![9.0f32; len * h];
        attend(&qkv, h, heads, 0, &mut ctx);
        // Computed in two blocks of query rows: the same numbers.
        let mut blocks = vec![9.0f32; len * h];
        let (a, b) = blocks.split_at_mut(2 * h);
        attend(&qkv, h, heads, 0, a);
        attend(&qkv, h, heads, 2, b);
        assert_eq!(blocks, ctx);
        for head in 0..heads {
            for i in 0..len {
                let at = |row: usize, part: usize, d: usize| {
                    qkv[row * 3 * h + part * h + head * hd + d] as f64
                };
                let dots: Vec<f64> = (0..len)
                    .map(|j| {
                        (0..hd).map(|d| at(i, 0, d) * at(j, 1, d)).sum::<f64>() / (hd as f64).sqrt()
                    })
                    .collect();
                let max = dots.iter().copied().fold(f64::MIN, f64::max);
                let weights: Vec<f64> = dots.iter().map(|x| (x - max).exp()).collect();
                let total: f64 = weights.iter().sum();
                for d in 0..hd {
                    let want: f64 = (0..len).map(|j| weights[j] / total * at(j, 2, d)).sum();
                    let got = ctx[i * h + head * hd + d] as f64;
                    assert!(
                        (got - want).abs() < 1e-5,
                        "head {head} row {i} dim {d}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
