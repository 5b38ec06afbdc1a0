//! Element-wise kernels of the encoder: layer norm, exact (erf) GELU and row softmax, written
//! as plain loops the compiler can vectorise on any x86-64 or ARM baseline.

/// `e^x` to about 2e-7 relative error, without a libm call so loops over it vectorise.
#[inline]
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
#[inline]
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

/// GELU as BERT defines it, `x · Φ(x)`, not the tanh approximation.
pub(crate) fn gelu_in_place(xs: &mut [f32]) {
    for x in xs {
        *x = 0.5 * *x * (1.0 + erf(*x * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// Sum with eight independent accumulators: a plain `sum()` must add in order, which neither
/// vectorises nor pipelines.
#[inline]
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

pub(crate) fn layer_norm(row: &mut [f32], w: &[f32], b: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = sum8(row, |v| v) / n;
    let var = sum8(row, |v| (v - mean) * (v - mean)) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, w), b) in row.iter_mut().zip(w).zip(b) {
        *v = (*v - mean) * inv * w + b;
    }
}

/// Softmax of each `width`-long row of `m`, in place.
pub(crate) fn softmax_rows(m: &mut [f32], width: usize) {
    for row in m.chunks_exact_mut(width.max(1)) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = exp(*v - max);
            sum += *v;
        }
        let inv = 1.0 / sum;
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

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
    fn softmax_rows_sum_to_one_and_survive_huge_scores() {
        let mut m = [1.0, 2.0, 3.0, 1e30, -1e30, 0.0];
        softmax_rows(&mut m, 3);
        assert!((m[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((m[3] - 1.0).abs() < 1e-6 && m[4] < 1e-30);
    }
}
