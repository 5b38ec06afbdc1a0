//! Fitting and measuring the scoring model, for the evaluation benchmark: the same fractional
//! logistic regression the prototype fitted the calibration with, and the agreement measures
//! reported against human grades. Small dense problems only (a handful of features).

use std::collections::BTreeMap;

use crate::calibration::sigmoid;

/// A fitted model over standardised features: `scale · sigmoid(b + w·z)`.
#[derive(Debug, Clone)]
pub struct LogisticFit {
    mean: Vec<f64>,
    sd: Vec<f64>,
    w: Vec<f64>,
    b: f64,
    scale: f64,
}

impl LogisticFit {
    /// Fits `y / scale` (in 0..1) by Newton steps with an L2 penalty `lambda` on the slopes.
    pub fn fit(x: &[Vec<f64>], y: &[f64], scale: f64, lambda: f64) -> LogisticFit {
        let d = x.first().map_or(0, Vec::len);
        let n = x.len() as f64;
        let mean: Vec<f64> = (0..d)
            .map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let sd: Vec<f64> = (0..d)
            .map(|j| (x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt() + 1e-9)
            .collect();
        let z: Vec<Vec<f64>> = x
            .iter()
            .map(|r| {
                (0..d)
                    .map(|j| (r[j] - mean[j]) / sd[j])
                    .chain([1.0])
                    .collect()
            })
            .collect();
        let mut w = vec![0.0; d + 1];
        for _ in 0..50 {
            let mut g = vec![0.0; d + 1];
            let mut h = vec![vec![0.0; d + 1]; d + 1];
            for (zi, yi) in z.iter().zip(y) {
                let p = sigmoid(dot(zi, &w));
                let t = yi / scale;
                for a in 0..=d {
                    g[a] += zi[a] * (p - t);
                    for b in 0..=d {
                        h[a][b] += zi[a] * zi[b] * p * (1.0 - p);
                    }
                }
            }
            for a in 0..d {
                g[a] += lambda * w[a];
                h[a][a] += lambda;
            }
            let step = solve(h, g);
            let largest = step.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
            for (wi, s) in w.iter_mut().zip(&step) {
                *wi -= s;
            }
            if largest < 1e-8 {
                break;
            }
        }
        let b = w.pop().unwrap_or(0.0);
        LogisticFit {
            mean,
            sd,
            w,
            b,
            scale,
        }
    }

    /// The linear part for one row of raw features.
    pub fn z(&self, row: &[f64]) -> f64 {
        self.b
            + row
                .iter()
                .zip(&self.w)
                .enumerate()
                .map(|(j, (v, w))| w * (v - self.mean[j]) / self.sd[j])
                .sum::<f64>()
    }

    pub fn predict(&self, row: &[f64]) -> f64 {
        self.scale * sigmoid(self.z(row))
    }

    /// Intercept and weights in raw feature units, as the calibration artifact stores them.
    pub fn export(&self, names: &[&str]) -> (f64, BTreeMap<String, f64>) {
        let mut b = self.b;
        let mut weights = BTreeMap::new();
        for (j, name) in names.iter().enumerate() {
            let w = self.w[j] / self.sd[j];
            b -= w * self.mean[j];
            weights.insert(name.to_string(), w);
        }
        (b, weights)
    }
}

/// Least squares `y ≈ b + w·x` (no penalty), for the one-feature cosine baseline.
pub fn linear(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let w = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (my - w * mx, w)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Gaussian elimination with partial pivoting; the systems here are tiny and well-posed.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let p = a[col][col];
        if p.abs() < 1e-300 {
            continue;
        }
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / p;
            for (x, q) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * q;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-300 {
            0.0
        } else {
            (b[row] - s) / a[row][row]
        };
    }
    x
}

pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

/// Ranks from 1, ties sharing their mean rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

pub fn rmse(x: &[f64], y: &[f64]) -> f64 {
    (x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Quadratic weighted kappa on 0..=5 integer grades (both sides rounded half up).
pub fn qwk(pred: &[f64], gold: &[f64]) -> f64 {
    const N: usize = 6;
    let class = |v: f64| ((v + 0.5).floor().clamp(0.0, 5.0)) as usize;
    let mut o = [[0.0; N]; N];
    for (p, g) in pred.iter().zip(gold) {
        o[class(*p)][class(*g)] += 1.0;
    }
    let total: f64 = o.iter().flatten().sum();
    let rows: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<f64> = (0..N).map(|j| o.iter().map(|r| r[j]).sum()).collect();
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..N {
        for j in 0..N {
            let w = ((i as f64 - j as f64) / (N - 1) as f64).powi(2);
            observed += w * o[i][j];
            expected += w * rows[i] * cols[j] / total;
        }
    }
    1.0 - observed / expected
}

/// Accuracy and macro-F1 of two-class predictions.
pub fn accuracy_f1(pred: &[bool], gold: &[bool]) -> (f64, f64) {
    let n = pred.len() as f64;
    let acc = pred.iter().zip(gold).filter(|(p, g)| p == g).count() as f64 / n;
    let f1 = |c: bool| {
        let tp = pred
            .iter()
            .zip(gold)
            .filter(|(p, g)| **p == c && **g == c)
            .count() as f64;
        let fp = pred
            .iter()
            .zip(gold)
            .filter(|(p, g)| **p == c && **g != c)
            .count() as f64;
        let fn_ = pred
            .iter()
            .zip(gold)
            .filter(|(p, g)| **p != c && **g == c)
            .count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fn_)
        }
    };
    (acc, (f1(true) + f1(false)) / 2.0)
}

/// The threshold on `s` (predict true above it) with the best accuracy on `y`.
pub fn best_threshold(s: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by(|&a, &b| s[a].total_cmp(&s[b]));
    let positives = y.iter().filter(|v| **v).count() as i64;
    let (mut best, mut best_at) = (positives, None);
    let mut correct = positives;
    for (k, &i) in order.iter().enumerate() {
        correct += if y[i] { -1 } else { 1 };
        let distinct = order.get(k + 1).is_none_or(|&n| s[n] > s[i]);
        if distinct && correct > best {
            best = correct;
            best_at = Some(k);
        }
    }
    match best_at {
        None => s[order[0]] - 1e-6,
        Some(k) if k + 1 < order.len() => (s[order[k]] + s[order[k + 1]]) / 2.0,
        Some(k) => s[order[k]] + 1e-6,
    }
}

/// Deterministic folds over group keys (questions): `None` is one fold per key.
pub fn folds_by_key(keys: &[String], k: Option<usize>) -> Vec<usize> {
    let mut distinct: Vec<&String> = keys.iter().collect();
    distinct.sort();
    distinct.dedup();
    let fold_of = |i: usize| match k {
        None => i,
        Some(k) => {
            // A fixed shuffle (multiplicative hash of the position) spreads the keys over folds.
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
            (h as usize).wrapping_add(i) % k
        }
    };
    keys.iter()
        .map(|key| fold_of(distinct.binary_search(&key).unwrap_or(0)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_recovers_a_monotone_relation_and_exports_raw_weights() {
        let x: Vec<Vec<f64>> = (0..50).map(|i| vec![i as f64 / 10.0]).collect();
        let y: Vec<f64> = (0..50)
            .map(|i| 5.0 * sigmoid(-2.0 + 0.8 * i as f64 / 10.0))
            .collect();
        let m = LogisticFit::fit(&x, &y, 5.0, 0.0);
        let (b, w) = m.export(&["x"]);
        assert!((b + 2.0).abs() < 1e-4, "{b}");
        assert!((w["x"] - 0.8).abs() < 1e-4);
        assert!((m.predict(&[2.5]) - 5.0 * sigmoid(0.0)).abs() < 1e-6);
    }

    #[test]
    fn measures_agree_with_hand_computed_values() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&a, &[2.0, 4.0, 6.0, 8.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&a, &[1.0, 10.0, 100.0, 1000.0]) - 1.0).abs() < 1e-12);
        assert_eq!(rmse(&a, &[1.0, 2.0, 3.0, 6.0]), 1.0);
        assert!((qwk(&a, &a) - 1.0).abs() < 1e-12);
        assert_eq!(
            accuracy_f1(&[true, false, true, true], &[true, false, false, true]),
            (0.75, (0.8 + 2.0 / 3.0) / 2.0)
        );
        let t = best_threshold(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]);
        assert!((0.2..0.8).contains(&t));
        let folds = folds_by_key(&["b".into(), "a".into(), "b".into()], None);
        assert_eq!(folds, [1, 0, 1]);
    }
}
