//! Preferences: additive utility functions (weights × per-issue evaluation tables), reservation
//! value (BATNA) and discount factor, with streaming evaluation over a whole outcome space.

use crate::outcome::{OutcomeId, OutcomeSpace};

/// An additive utility: u(o) = Σ_k weight_k · eval_k(option_k), summed in issue order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveUtility {
    /// Weight of each issue.
    pub weights: Vec<f64>,
    /// Evaluation of each option of each issue.
    pub evaluations: Vec<Vec<f64>>,
    /// Utility of no agreement (reservation value, BATNA).
    pub reservation: f64,
    /// Discount factor per unit of relative time (1 = none).
    pub discount: f64,
    /// Options the party will never accept (red lines), per issue; empty = none.
    pub vetoed: Vec<Vec<bool>>,
}

impl AdditiveUtility {
    /// A utility from weights and evaluation tables, reservation 0, no discount, no veto.
    pub fn new(weights: Vec<f64>, evaluations: Vec<Vec<f64>>) -> Self {
        AdditiveUtility {
            weights,
            evaluations,
            reservation: 0.0,
            discount: 1.0,
            vetoed: Vec::new(),
        }
    }

    /// Sets the reservation value.
    pub fn with_reservation(mut self, r: f64) -> Self {
        self.reservation = r;
        self
    }

    /// Per-issue tables of weight × evaluation (−∞ for vetoed options).
    pub fn tables(&self) -> Vec<Vec<f64>> {
        self.weights
            .iter()
            .zip(&self.evaluations)
            .enumerate()
            .map(|(k, (w, ev))| {
                ev.iter()
                    .enumerate()
                    .map(|(o, e)| {
                        if self.is_vetoed(k, o) {
                            f64::NEG_INFINITY
                        } else {
                            w * e
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn is_vetoed(&self, issue: usize, option: usize) -> bool {
        self.vetoed
            .get(issue)
            .and_then(|v| v.get(option))
            .copied()
            .unwrap_or(false)
    }

    /// Utility of the outcome with these per-issue option indices.
    pub fn eval_options(&self, options: &[usize]) -> f64 {
        let mut u = 0.0;
        for (k, &o) in options.iter().enumerate() {
            if self.is_vetoed(k, o) {
                return f64::NEG_INFINITY;
            }
            u += self.weights[k] * self.evaluations[k][o];
        }
        u
    }

    /// Utility of outcome `id` of `space`.
    pub fn eval(&self, space: &OutcomeSpace, id: OutcomeId) -> f64 {
        let mut opts = vec![0; space.issues().len()];
        space.decode_into(id, &mut opts);
        self.eval_options(&opts)
    }

    /// Utility of `id` discounted at relative time `t` in [0, 1].
    pub fn eval_discounted(&self, space: &OutcomeSpace, id: OutcomeId, t: f64) -> f64 {
        self.eval(space, id) * self.discount.powf(t)
    }

    /// Utilities of every outcome of `space`, in index order, computed by streaming.
    pub fn all_utilities(&self, space: &OutcomeSpace) -> Vec<f64> {
        let mut out = Vec::with_capacity(space.cardinality() as usize);
        stream_utilities(&self.tables(), |u| out.push(u));
        out
    }
}

/// Calls `f` with the utility of every outcome in mixed-radix order (last issue fastest),
/// given per-issue weight × evaluation tables. Each utility is the left-to-right sum
/// `((0 + t0) + t1) + …`, kept as prefix sums so that a step recomputes only the changed suffix.
pub fn stream_utilities(tables: &[Vec<f64>], mut f: impl FnMut(f64)) {
    let n = tables.len();
    if n == 0 || tables.iter().any(|t| t.is_empty()) {
        return;
    }
    let mut digits = vec![0usize; n];
    // prefix[k] = sum of tables[0..=k]
    let mut prefix = vec![0.0f64; n];
    let mut acc = 0.0;
    for k in 0..n {
        acc += tables[k][0];
        prefix[k] = acc;
    }
    let last = &tables[n - 1];
    let base_of_last = |prefix: &[f64]| if n >= 2 { prefix[n - 2] } else { 0.0 };
    loop {
        let base = base_of_last(&prefix);
        for &t in last {
            f(base + t);
        }
        // carry into the earlier digits
        let mut k = n - 1;
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            digits[k] += 1;
            if digits[k] < tables[k].len() {
                break;
            }
            digits[k] = 0;
        }
        // recompute prefix from k
        let mut acc = if k == 0 { 0.0 } else { prefix[k - 1] };
        for j in k..n {
            let d = if j == n - 1 { 0 } else { digits[j] };
            acc += tables[j][d];
            prefix[j] = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Issue;

    #[test]
    fn streaming_matches_direct_evaluation() {
        let space = OutcomeSpace::new(vec![
            Issue::discrete("a", vec!["0".into(), "1".into()]),
            Issue::discrete("b", vec!["0".into(), "1".into(), "2".into()]),
            Issue::discrete("c", vec!["0".into(), "1".into()]),
        ])
        .unwrap();
        let u = AdditiveUtility::new(
            vec![0.3, 0.5, 0.2],
            vec![vec![0.1, 1.0], vec![0.0, 0.7, 1.0], vec![1.0, 0.25]],
        );
        let all = u.all_utilities(&space);
        assert_eq!(all.len(), 12);
        for (id, v) in all.iter().enumerate() {
            assert_eq!(v.to_bits(), u.eval(&space, id as u64).to_bits());
        }
        // hand-computed: outcome (1, 2, 1) = 0.3 + 0.5 + 0.05
        assert!((all[11] - 0.85).abs() < 1e-12);
    }

    #[test]
    fn vetoed_option_is_unacceptable() {
        let mut u = AdditiveUtility::new(vec![1.0], vec![vec![0.0, 1.0]]);
        u.vetoed = vec![vec![false, true]];
        assert_eq!(u.eval_options(&[1]), f64::NEG_INFINITY);
        assert_eq!(u.eval_options(&[0]), 0.0);
    }
}
