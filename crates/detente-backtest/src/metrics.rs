//! Scoring rules and calibration for four-class forecasts: Brier and log scores, a bootstrap
//! interval of a mean, the reliability diagram and the Murphy decomposition.
//!
//! A forecast is `p: [f64; 4]`, probabilities of deal, interim, stalemate, breakdown (the order
//! of [`crate::Class4::ALL`]); the outcome is the index of the class that happened.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde::Serialize;

/// Floor applied to every probability by [`log_score`] before renormalising.
pub const EPS: f64 = 1e-3;

/// Multi-class Brier score of one forecast: Σₖ (pₖ − oₖ)², where oₖ = 1 for the class that
/// happened and 0 otherwise. 0 is perfect, 2 the worst (all mass on a wrong class); the
/// uniform forecast scores 0.75 whatever happens.
///
/// # Panics
/// If `actual` ≥ 4.
pub fn brier(p: &[f64; 4], actual: usize) -> f64 {
    assert!(actual < 4, "class index {actual} is not below 4");
    p.iter()
        .enumerate()
        .map(|(k, &pk)| {
            let o = if k == actual { 1.0 } else { 0.0 };
            (pk - o) * (pk - o)
        })
        .sum()
}

/// Logarithmic score of one forecast: ln q_actual, higher is better (0 is perfect).
///
/// Each probability is floored at [`EPS`] and the four renormalised,
/// qₖ = max(pₖ, EPS) / Σⱼ max(pⱼ, EPS), so a class given probability 0 that happens costs a
/// finite penalty. For a probability vector (summing to 1) the worst case is
/// ln(EPS / (1 + 3·EPS)) = ln(0.001 / 1.003) ≈ −6.9108, reached when the actual class has
/// p = 0 and one other class has all the mass; the uniform forecast scores ln ¼ ≈ −1.3863.
///
/// # Panics
/// If `actual` ≥ 4.
pub fn log_score(p: &[f64; 4], actual: usize) -> f64 {
    assert!(actual < 4, "class index {actual} is not below 4");
    let floored = p.map(|x| if x > EPS { x } else { EPS });
    let total: f64 = floored.iter().sum();
    (floored[actual] / total).ln()
}

/// 95 % percentile bootstrap interval of the mean of `values`: `resamples` resamples of
/// `values.len()` draws with replacement (PCG-64 seeded with `seed`, so the interval is the
/// same for the same inputs and seed), and the 2.5 % and 97.5 % quantiles of their means
/// (linear interpolation between order statistics: the quantile q of sorted means m₀ … m_{R−1}
/// is taken at position q·(R − 1)).
///
/// No values give `[NaN, NaN]`; zero resamples give the sample mean at both ends.
pub fn bootstrap_mean_ci(values: &[f64], resamples: usize, seed: u64) -> [f64; 2] {
    let n = values.len();
    if n == 0 {
        return [f64::NAN; 2];
    }
    if resamples == 0 {
        let m = mean(values);
        return [m, m];
    }
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| values[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    [quantile(&means, 0.025), quantile(&means, 0.975)]
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Quantile `q` of non-empty sorted data, interpolating linearly at position q·(n − 1).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// Lower edge (inclusive).
    pub lo: f64,
    /// Upper edge (exclusive, except 1 for the last bin).
    pub hi: f64,
    /// Number of (case, class) pairs whose predicted probability falls in the bin.
    pub n: usize,
    /// Mean predicted probability of those pairs; NaN when `n` is 0.
    pub mean_predicted: f64,
    /// Share of those pairs whose class happened; NaN when `n` is 0.
    pub observed_frequency: f64,
}

/// Index of the equal-width bin of [0, 1] holding `p` (p = 1 falls in the last bin; values
/// outside [0, 1] are clamped).
fn bin_of(p: f64, bins: usize) -> usize {
    ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1)
}

/// Reliability diagram, one-vs-rest and pooled over classes: every (case, class k) pair
/// contributes its predicted pₖ and whether class k happened, sorted into `bins` bins of equal
/// width on [0, 1] (bin j is [j/bins, (j+1)/bins), the last one closed). Every bin is returned,
/// empty ones with n = 0. `bins` = 0 is taken as 1.
pub fn reliability(preds: &[([f64; 4], usize)], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut n = vec![0usize; bins];
    let mut sum_p = vec![0.0; bins];
    let mut sum_o = vec![0.0; bins];
    for (p, actual) in preds {
        for (k, &pk) in p.iter().enumerate() {
            let b = bin_of(pk, bins);
            n[b] += 1;
            sum_p[b] += pk;
            sum_o[b] += if k == *actual { 1.0 } else { 0.0 };
        }
    }
    (0..bins)
        .map(|b| {
            let (mean_predicted, observed_frequency) = if n[b] == 0 {
                (f64::NAN, f64::NAN)
            } else {
                (sum_p[b] / n[b] as f64, sum_o[b] / n[b] as f64)
            };
            Bin {
                lo: b as f64 / bins as f64,
                hi: (b + 1) as f64 / bins as f64,
                n: n[b],
                mean_predicted,
                observed_frequency,
            }
        })
        .collect()
}

/// Murphy decomposition of the mean multi-class Brier score (see [`murphy`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Murphy {
    /// REL: how far binned forecasts are from the observed frequencies (0 is perfect).
    pub reliability: f64,
    /// RES: how far the observed frequencies of the bins are from the base rates (higher is
    /// better).
    pub resolution: f64,
    /// UNC = Σₖ baseₖ(1 − baseₖ): the Brier score of always forecasting the base rates.
    pub uncertainty: f64,
    /// The mean multi-class Brier score, computed directly: (1/N) Σᵢ brier(pᵢ, actualᵢ).
    pub brier: f64,
}

/// Murphy decomposition of the mean multi-class Brier score of `preds`, one-vs-rest per class
/// with the equal-width bins of [`reliability`], summed over the four classes.
///
/// With N cases, baseₖ the share of cases whose class is k, and for class k and bin b the
/// number n_kb of cases whose pₖ falls in b, their mean forecast p̄_kb and the share ō_kb of
/// them where k happened:
///
/// - REL = (1/N) Σₖ Σ_b n_kb (p̄_kb − ō_kb)²
/// - RES = (1/N) Σₖ Σ_b n_kb (ō_kb − baseₖ)²
/// - UNC = Σₖ baseₖ (1 − baseₖ)
/// - `brier` = (1/N) Σᵢ Σₖ (pᵢₖ − oᵢₖ)²
///
/// With binned forecasts BS = REL − RES + UNC holds only up to the within-bin terms (the
/// within-bin variance of the forecasts minus twice their within-bin covariance with the
/// outcomes, Stephenson, Coelho & Jolliffe 2008); it holds exactly when every forecast equals
/// its bin's mean (each class's forecasts take one value per bin). `brier` is the score itself,
/// not REL − RES + UNC. No predictions give NaN everywhere; `bins` = 0 is taken as 1.
pub fn murphy(preds: &[([f64; 4], usize)], bins: usize) -> Murphy {
    let bins = bins.max(1);
    let n_cases = preds.len() as f64;
    let mut base = [0.0; 4];
    for (_, actual) in preds {
        base[*actual] += 1.0 / n_cases;
    }
    let (mut rel, mut res) = (0.0, 0.0);
    for (k, &base_k) in base.iter().enumerate() {
        let mut n = vec![0usize; bins];
        let mut sum_p = vec![0.0; bins];
        let mut sum_o = vec![0.0; bins];
        for (p, actual) in preds {
            let b = bin_of(p[k], bins);
            n[b] += 1;
            sum_p[b] += p[k];
            sum_o[b] += if *actual == k { 1.0 } else { 0.0 };
        }
        for b in (0..bins).filter(|&b| n[b] > 0) {
            let nb = n[b] as f64;
            let (pbar, obar) = (sum_p[b] / nb, sum_o[b] / nb);
            rel += nb * (pbar - obar) * (pbar - obar);
            res += nb * (obar - base_k) * (obar - base_k);
        }
    }
    Murphy {
        reliability: rel / n_cases,
        resolution: res / n_cases,
        uncertainty: base.iter().map(|b| b * (1.0 - b)).sum(),
        brier: preds.iter().map(|(p, a)| brier(p, *a)).sum::<f64>() / n_cases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn brier_by_hand() {
        assert!(close(brier(&[1.0, 0.0, 0.0, 0.0], 0), 0.0));
        assert!(close(brier(&[0.0, 1.0, 0.0, 0.0], 0), 2.0));
        assert!(close(brier(&[0.25; 4], 3), 0.75));
        // (0.5-0)^2 + (0.2-0)^2 + (0.2-1)^2 + (0.1-0)^2 = 0.25 + 0.04 + 0.64 + 0.01
        assert!(close(brier(&[0.5, 0.2, 0.2, 0.1], 2), 0.94));
    }

    #[test]
    fn log_score_floors_and_renormalises() {
        assert!(close(log_score(&[0.25; 4], 1), 0.25f64.ln()));
        // Nothing below the floor: ln p itself.
        assert!(close(log_score(&[0.5, 0.2, 0.2, 0.1], 2), 0.2f64.ln()));
        // p = 0 on the actual class, all mass elsewhere: ln(0.001 / 1.003).
        let worst = log_score(&[0.0, 1.0, 0.0, 0.0], 0);
        assert!(close(worst, (0.001f64 / 1.003).ln()), "{worst}");
        assert!(worst.is_finite() && (worst + 6.9108).abs() < 1e-4);
        // A perfect forecast loses only the floor's renormalisation: ln(1 / 1.003).
        assert!(close(
            log_score(&[1.0, 0.0, 0.0, 0.0], 0),
            (1.0f64 / 1.003).ln()
        ));
        // p = 0 with the rest spread above the floor: ln(0.001 / 1.001).
        assert!(close(
            log_score(&[0.0, 0.5, 0.25, 0.25], 0),
            (0.001f64 / 1.001).ln()
        ));
    }

    #[test]
    #[should_panic(expected = "not below 4")]
    fn class_index_out_of_range_panics() {
        brier(&[0.25; 4], 4);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_mean() {
        let v: Vec<f64> = (0..30).map(|i| ((i * 7) % 11) as f64 / 10.0).collect();
        let a = bootstrap_mean_ci(&v, 2000, 42);
        assert_eq!(a, bootstrap_mean_ci(&v, 2000, 42));
        assert_ne!(a, bootstrap_mean_ci(&v, 2000, 43));
        let m = mean(&v);
        assert!(a[0] < m && m < a[1], "{a:?} {m}");
        // Normal approximation: half-width ≈ 1.96 sd / √n (population sd, as the bootstrap uses).
        let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt();
        let half = 1.96 * sd / (v.len() as f64).sqrt();
        assert!(
            ((a[1] - a[0]) / 2.0 - half).abs() < 0.15 * half,
            "{a:?} {half}"
        );
    }

    #[test]
    fn bootstrap_by_hand() {
        // Constant data: every resample has the same mean.
        assert_eq!(bootstrap_mean_ci(&[0.3; 5], 100, 1), [0.3, 0.3]);
        assert_eq!(bootstrap_mean_ci(&[2.0], 100, 1), [2.0, 2.0]);
        // Two values 0 and 1: resample means are 0 (¼), ½ (½), 1 (¼); the 2.5 % and 97.5 %
        // quantiles of 1000 of them are 0 and 1.
        assert_eq!(bootstrap_mean_ci(&[0.0, 1.0], 1000, 9), [0.0, 1.0]);
        assert!(bootstrap_mean_ci(&[], 100, 1).iter().all(|x| x.is_nan()));
        assert_eq!(bootstrap_mean_ci(&[1.0, 2.0], 0, 1), [1.5, 1.5]);
        // Quantile interpolation: position 0.025·4 = 0.1 between 0 and 10.
        assert!(close(quantile(&[0.0, 10.0, 20.0, 30.0, 40.0], 0.025), 1.0));
        assert!(close(quantile(&[0.0, 10.0, 20.0, 30.0, 40.0], 0.975), 39.0));
    }

    /// Four cases whose forecasts take exactly two values, 0.1 (bin 0) and 0.7 (bin 1).
    fn example() -> Vec<([f64; 4], usize)> {
        vec![
            ([0.7, 0.1, 0.1, 0.1], 0),
            ([0.7, 0.1, 0.1, 0.1], 2),
            ([0.1, 0.1, 0.7, 0.1], 2),
            ([0.1, 0.7, 0.1, 0.1], 3),
        ]
    }

    #[test]
    fn reliability_pools_classes() {
        let r = reliability(&example(), 2);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].lo, r[0].hi, r[1].lo, r[1].hi), (0.0, 0.5, 0.5, 1.0));
        // Bin 0: twelve pairs at 0.1, two of which happened (case 2 class 2, case 4 class 3).
        assert_eq!(r[0].n, 12);
        assert!(close(r[0].mean_predicted, 0.1));
        assert!(close(r[0].observed_frequency, 2.0 / 12.0));
        // Bin 1: four pairs at 0.7, two happened (case 1 class 0, case 3 class 2).
        assert_eq!(r[1].n, 4);
        assert!(close(r[1].mean_predicted, 0.7));
        assert!(close(r[1].observed_frequency, 0.5));
    }

    #[test]
    fn reliability_edges_and_empty_bins() {
        let r = reliability(&[([0.5, 0.5, 0.0, 0.0], 0), ([1.0, 0.0, 0.0, 0.0], 0)], 4);
        // 0.5 opens bin 2; 1.0 falls in the last bin; zeros in bin 0; bin 1 is empty.
        let n: Vec<usize> = r.iter().map(|b| b.n).collect();
        assert_eq!(n, vec![5, 0, 2, 1]);
        assert!(r[1].mean_predicted.is_nan() && r[1].observed_frequency.is_nan());
        assert!(close(r[2].observed_frequency, 0.5));
        assert!(close(r[3].observed_frequency, 1.0));
        assert_eq!(reliability(&[], 0).len(), 1);
    }

    #[test]
    fn murphy_by_hand_and_exact_identity() {
        let m = murphy(&example(), 2);
        // Case Brier scores 0.12, 1.32, 0.12, 1.32.
        assert!(close(m.brier, 0.72), "{m:?}");
        // Base rates ¼, 0, ½, ¼.
        assert!(close(m.uncertainty, 0.1875 + 0.25 + 0.1875), "{m:?}");
        // REL per class: 0.1/4, 0.52/4, (147/900 + 0.09)/4, 0.09/4.
        let rel = 0.025 + 0.13 + (147.0 / 900.0 + 0.09) / 4.0 + 0.0225;
        assert!(close(m.reliability, rel), "{m:?}");
        // RES per class: 0.25/4, 0, (1/12 + 1/4)/4, 0.
        let res = 0.0625 + (1.0 / 12.0 + 0.25) / 4.0;
        assert!(close(m.resolution, res), "{m:?}");
        assert!(close(m.reliability - m.resolution + m.uncertainty, m.brier));
    }

    #[test]
    fn murphy_identity_is_approximate_with_spread_within_bins() {
        // Class 0's forecasts 0.6 and 0.65 share bin 6 (outcomes 1 and 0); every other
        // (class, bin) holds a single value.
        let preds = vec![
            ([0.6, 0.2, 0.1, 0.1], 0),
            ([0.65, 0.15, 0.1, 0.1], 1),
            ([0.3, 0.3, 0.2, 0.2], 3),
        ];
        let m = murphy(&preds, 10);
        let direct: f64 = preds.iter().map(|(p, a)| brier(p, *a)).sum::<f64>() / 3.0;
        assert!(close(m.brier, direct));
        // Within-bin variance 2·0.025² = 0.00125; covariance Σ(p − p̄)(o − ō) = −0.025, so
        // minus twice it adds 0.05; both divided by N = 3.
        let gap = m.brier - (m.reliability - m.resolution + m.uncertainty);
        assert!(close(gap, (0.00125 + 0.05) / 3.0), "{gap} {m:?}");
    }

    #[test]
    fn perfect_forecasts_have_no_reliability_error_and_full_resolution() {
        let preds = vec![
            ([1.0, 0.0, 0.0, 0.0], 0),
            ([0.0, 0.0, 1.0, 0.0], 2),
            ([0.0, 0.0, 1.0, 0.0], 2),
            ([0.0, 0.0, 0.0, 1.0], 3),
        ];
        let m = murphy(&preds, 5);
        assert!(close(m.brier, 0.0) && close(m.reliability, 0.0));
        assert!(close(m.resolution, m.uncertainty));
        assert!(close(m.uncertainty, 0.625));
    }
}
