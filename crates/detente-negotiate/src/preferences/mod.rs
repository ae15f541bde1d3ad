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

    /// True when `other` gives every outcome the same utility (same weights, evaluations and
    /// vetoes; reservation value and discount may differ), so both rank outcomes alike.
    pub fn same_utilities(&self, other: &AdditiveUtility) -> bool {
        self.weights == other.weights
            && self.evaluations == other.evaluations
            && self.vetoed == other.vetoed
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
    if n == 1 {
        for &t in &tables[0] {
            f(0.0 + t);
        }
        return;
    }
    // The last two issues run in tight nested loops; an odometer walks the m issues before
    // them, with prefix[k] = sum of the current options of issues 0..=k.
    let (outer, inner) = tables.split_at(n - 2);
    let (second, last) = (&inner[0], &inner[1]);
    let m = outer.len();
    let mut digits = vec![0usize; m];
    let mut prefix = vec![0.0f64; m];
    let mut acc = 0.0;
    for k in 0..m {
        acc += outer[k][0];
        prefix[k] = acc;
    }
    loop {
        let base = if m > 0 { prefix[m - 1] } else { 0.0 };
        for &a in second {
            let b = base + a;
            for &t in last {
                f(b + t);
            }
        }
        // carry into the earlier digits
        let mut k = m;
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            digits[k] += 1;
            if digits[k] < outer[k].len() {
                break;
            }
            digits[k] = 0;
        }
        // recompute prefix from k
        let mut acc = if k == 0 { 0.0 } else { prefix[k - 1] };
        for j in k..m {
            acc += outer[j][digits[j]];
            prefix[j] = acc;
        }
    }
}

/// The outcome maximising the product of several parties' utilities (the first in index order
/// among equal products), skipping outcomes for which `skip` is true; `None` when every outcome
/// is skipped. `tables[p]` are party `p`'s per-issue weight × evaluation tables; each utility
/// is the left-to-right sum [`stream_utilities`] forms, so products are bit-identical to the
/// streamed values'.
///
/// The search walks the outcomes depth first, issue by issue, in index order. When every table
/// entry is finite and ≥ 0 (a product can then only grow with each term) whole blocks of
/// outcomes are pruned by an exact upper bound; otherwise every outcome is visited.
pub fn argmax_product(
    tables: &[Vec<Vec<f64>>],
    mut skip: impl FnMut(OutcomeId) -> bool,
) -> Option<(f64, OutcomeId)> {
    let first = tables.first()?;
    let n = first.len();
    assert!(
        tables
            .iter()
            .all(|t| t.iter().map(Vec::len).eq(first.iter().map(Vec::len))),
        "utility tables of different shapes"
    );
    if n == 0 || first.iter().any(Vec::is_empty) {
        return None;
    }
    let prune = tables
        .iter()
        .flatten()
        .flatten()
        .all(|&v| v >= 0.0 && v.is_finite());
    // max_of[p][k]: party p's best entry on issue k.
    let max_of: Vec<Vec<f64>> = tables
        .iter()
        .map(|t| {
            t.iter()
                .map(|v| v.iter().copied().fold(0.0, f64::max))
                .collect()
        })
        .collect();
    let mut stride = vec![1u64; n];
    for k in (0..n - 1).rev() {
        stride[k] = stride[k + 1] * first[k + 1].len() as u64;
    }
    let search = Search {
        tables,
        max_of: &max_of,
        stride: &stride,
        prune,
    };
    let mut best = None;
    let mut sums = vec![0.0; tables.len() * (n + 1)];
    search.visit(0, 0, &mut sums, &mut best, &mut skip);
    best
}

/// Depth-first branch and bound over the issues, in outcome-index order.
struct Search<'a> {
    tables: &'a [Vec<Vec<f64>>],
    max_of: &'a [Vec<f64>],
    stride: &'a [u64],
    /// Whether the bound may prune inner nodes (every entry finite and ≥ 0).
    prune: bool,
}

impl Search<'_> {
    /// Visits every option of issue `k` under the partial outcome `base`; `sums[k * m + p]` is
    /// party p's left-to-right sum over issues before k.
    fn visit(
        &self,
        k: usize,
        base: OutcomeId,
        sums: &mut [f64],
        best: &mut Option<(f64, OutcomeId)>,
        skip: &mut impl FnMut(OutcomeId) -> bool,
    ) {
        let m = self.tables.len();
        let n = self.stride.len();
        for j in 0..self.tables[0][k].len() {
            let id = base + j as u64 * self.stride[k];
            let mut bound = 1.0;
            for p in 0..m {
                let s = sums[k * m + p] + self.tables[p][k][j];
                sums[(k + 1) * m + p] = s;
                // the same left-to-right chain with the best remaining entries: rounding is
                // monotone, so no completion of this partial outcome sums higher
                let mut b = s;
                for q in k + 1..n {
                    b += self.max_of[p][q];
                }
                bound *= b;
            }
            if k + 1 == n {
                // at a leaf the bound is the product itself: it wins only when strictly larger
                if best.is_none_or(|(b, _)| bound > b) && !skip(id) {
                    *best = Some((bound, id));
                }
            } else if !(self.prune && best.is_some_and(|(b, _)| bound <= b)) {
                self.visit(k + 1, id, sums, best, skip);
            }
        }
    }
}

/// The best and worst finite utilities over the whole space given per-issue weight ×
/// evaluation tables, each bit-identical to the streamed utility of the outcome attaining it;
/// `None` when no outcome has a finite utility.
pub fn finite_range(tables: &[Vec<f64>]) -> Option<(f64, f64)> {
    let (mut hi, mut lo) = (0.0f64, 0.0f64);
    for t in tables {
        let finite = || t.iter().copied().filter(|v| v.is_finite());
        // Sums are formed left to right like the stream's, and rounding is monotone, so the
        // per-issue extremes give the extreme sums exactly.
        hi += finite().reduce(f64::max)?;
        lo += finite().reduce(f64::min)?;
    }
    if tables.is_empty() {
        return None;
    }
    Some((hi, lo))
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
    fn finite_range_is_the_streamed_extremes() {
        let space = OutcomeSpace::new(vec![
            Issue::discrete("a", vec!["0".into(), "1".into(), "2".into()]),
            Issue::discrete("b", vec!["0".into(), "1".into()]),
            Issue::discrete("c", vec!["0".into(), "1".into(), "2".into(), "3".into()]),
        ])
        .unwrap();
        let us = [
            AdditiveUtility::new(
                vec![0.1, 0.7, 0.2],
                vec![
                    vec![0.3, 0.9, 0.1],
                    vec![1.0, 0.0],
                    vec![0.5, 0.25, 0.125, 1.0],
                ],
            ),
            AdditiveUtility::new(
                vec![0.4, 0.3, 0.3],
                vec![
                    vec![0.0, 0.2, 1.0],
                    vec![0.6, 0.7],
                    vec![0.9, 0.3, 0.0, 0.1],
                ],
            ),
        ];
        let cols: Vec<Vec<f64>> = us.iter().map(|u| u.all_utilities(&space)).collect();
        for (u, c) in us.iter().zip(&cols) {
            let (hi, lo) = finite_range(&u.tables()).unwrap();
            assert_eq!(hi, c.iter().copied().fold(f64::MIN, f64::max));
            assert_eq!(lo, c.iter().copied().fold(f64::MAX, f64::min));
        }
    }

    #[test]
    fn argmax_product_matches_full_enumeration() {
        // deterministic pseudo-random tables with ties and zeros
        let mut x = 7u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 59) as f64) / 8.0
        };
        for radices in [vec![3, 2, 4], vec![5], vec![2, 3, 2, 3], vec![4, 4]] {
            for parties in 1..4 {
                let tables: Vec<Vec<Vec<f64>>> = (0..parties)
                    .map(|_| {
                        radices
                            .iter()
                            .map(|&r| (0..r).map(|_| next()).collect())
                            .collect()
                    })
                    .collect();
                let cols: Vec<Vec<f64>> = tables
                    .iter()
                    .map(|t| {
                        let mut c = Vec::new();
                        stream_utilities(t, |u| c.push(u));
                        c
                    })
                    .collect();
                let all: Vec<f64> = (0..cols[0].len())
                    .map(|o| cols.iter().map(|c| c[o]).product())
                    .collect();
                for banned in [0usize, 1, 3] {
                    // skip the `banned` best outcomes (first index among equals)
                    let mut order: Vec<usize> = (0..all.len()).collect();
                    order.sort_by(|&a, &b| all[b].total_cmp(&all[a]).then(a.cmp(&b)));
                    let skipped: Vec<u64> = order[..banned.min(order.len())]
                        .iter()
                        .map(|&o| o as u64)
                        .collect();
                    let expect = order.get(banned).map(|&o| (all[o], o as u64));
                    let got = argmax_product(&tables, |o| skipped.contains(&o));
                    assert_eq!(got, expect, "{radices:?} {parties} {banned}");
                }
            }
        }
        // negative entries: full enumeration
        let t = vec![vec![vec![-1.0, 2.0]], vec![vec![-3.0, 1.0]]];
        assert_eq!(argmax_product(&t, |_| false), Some((3.0, 0)));
    }

    #[test]
    fn finite_range_skips_vetoed_options() {
        let mut u = AdditiveUtility::new(vec![0.5, 0.5], vec![vec![0.0, 1.0], vec![0.2, 0.8]]);
        u.vetoed = vec![vec![false, true], vec![false, false]];
        assert_eq!(finite_range(&u.tables()), Some((0.4, 0.1)));
        u.vetoed = vec![vec![true, true], vec![false, false]];
        assert_eq!(finite_range(&u.tables()), None);
    }

    #[test]
    fn vetoed_option_is_unacceptable() {
        let mut u = AdditiveUtility::new(vec![1.0], vec![vec![0.0, 1.0]]);
        u.vetoed = vec![vec![false, true]];
        assert_eq!(u.eval_options(&[1]), f64::NEG_INFINITY);
        assert_eq!(u.eval_options(&[0]), 0.0);
    }
}
