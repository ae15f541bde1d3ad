//! Small shared statistics: weighted mean and weighted median over actors.

use crate::model::{Forecast, ForecastError, ForecastInput};

/// A static model's forecast: `stat(positions, weights c·s, status quo)` on every issue.
pub fn per_issue(
    model: &'static str,
    input: &ForecastInput,
    stat: fn(&[f64], &[f64], f64) -> f64,
) -> Result<Forecast, ForecastError> {
    input.check()?;
    let outcomes = input
        .issues
        .iter()
        .map(|is| {
            let w: Vec<f64> = input
                .capability
                .iter()
                .zip(&is.salience)
                .map(|(c, s)| c * s)
                .collect();
            stat(&is.position, &w, is.status_quo)
        })
        .collect();
    Ok(Forecast {
        model,
        outcomes,
        start: Vec::new(),
        rounds: Vec::new(),
        diagnostics: Vec::new(),
    })
}

/// Σ w·x / Σ w, or `fallback` when the weights sum to zero.
pub fn weighted_mean(x: &[f64], w: &[f64], fallback: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (xi, wi) in x.iter().zip(w) {
        num += wi * xi;
        den += wi;
    }
    if den > 0.0 {
        num / den
    } else {
        fallback
    }
}

/// The occupied position minimising Σ w·|x − p| (the lower one on exact ties), or `fallback`
/// when every weight is zero.
///
/// This is the weighted median restricted to positions actors hold, as BDM's forecast uses it.
pub fn weighted_median(x: &[f64], w: &[f64], fallback: f64) -> f64 {
    let mut pts: Vec<(f64, f64)> = x
        .iter()
        .zip(w)
        .filter(|(_, w)| **w > 0.0)
        .map(|(x, w)| (*x, *w))
        .collect();
    if pts.is_empty() {
        return fallback;
    }
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pts.iter().map(|p| p.1).sum();
    // Walk distinct positions; the first p where the weight at or below p reaches half the total
    // minimises the sum of weighted distances (ties: the lower position).
    let mut below = 0.0;
    let mut k = 0;
    while k < pts.len() {
        let p = pts[k].0;
        let mut here = 0.0;
        while k < pts.len() && pts[k].0 == p {
            here += pts[k].1;
            k += 1;
        }
        below += here;
        if below * 2.0 >= total * (1.0 - 1e-15) {
            return p;
        }
    }
    pts[pts.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median_by_hand() {
        let x = [0.0, 10.0, 4.0];
        let w = [1.0, 1.0, 2.0];
        assert_eq!(weighted_mean(&x, &w, 0.0), 4.5);
        assert_eq!(weighted_median(&x, &w, 0.0), 4.0);
        // Exact tie between 0 and 10: the lower wins.
        assert_eq!(weighted_median(&[0.0, 10.0], &[1.0, 1.0], 5.0), 0.0);
        assert_eq!(weighted_median(&[3.0], &[0.0], 7.0), 7.0);
        assert_eq!(weighted_mean(&[3.0], &[0.0], 7.0), 7.0);
    }

    #[test]
    fn median_minimises_weighted_distance() {
        let x = [1.0, 2.0, 7.0, 7.0, 9.0];
        let w = [0.3, 0.1, 0.2, 0.1, 0.5];
        let m = weighted_median(&x, &w, 0.0);
        let cost = |p: f64| {
            x.iter()
                .zip(&w)
                .map(|(x, w)| w * (x - p).abs())
                .sum::<f64>()
        };
        for &p in &x {
            assert!(cost(m) <= cost(p) + 1e-12);
        }
    }
}
