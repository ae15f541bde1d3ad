//! Exact analysis of a domain: Pareto frontier, Nash, Kalai–Smorodinsky, utilitarian and
//! egalitarian points, the zone of possible agreement, and logroll suggestions.
//!
//! Definitions (see docs/analysis.md): the disagreement point is d_i = max(r_i, min_i); the
//! frontier is taken over *rational* outcomes (u_i ≥ r_i for every party), identical utility
//! vectors counting once, with exact floating-point dominance.

use crate::domain::Domain;
use crate::outcome::OutcomeId;

mod logroll;
mod pareto;

pub use logroll::{logrolls, Logroll};
pub use pareto::{pareto_frontier, pareto_two, FrontierPoint};

/// An outcome with every party's utility.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The outcome.
    pub outcome: OutcomeId,
    /// Utility of each party.
    pub utilities: Vec<f64>,
}

/// The zone of possible agreement: outcomes every party strictly prefers to its BATNA.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zopa {
    /// Number of such outcomes.
    pub size: u64,
    /// Their share of the outcome space.
    pub share: f64,
}

/// Everything [`analyze`] computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Size of the outcome space.
    pub outcomes: u64,
    /// `[min, max]` utility of each party over the whole space.
    pub ranges: Vec<[f64; 2]>,
    /// Reservation value of each party.
    pub reservations: Vec<f64>,
    /// Disagreement point d_i = max(r_i, min_i).
    pub disagreement: Vec<f64>,
    /// The frontier over rational outcomes, sorted by the first party's utility ascending.
    pub frontier: Vec<FrontierPoint>,
    /// Frontier size over all outcomes (rationality filter left out).
    pub frontier_all_size: usize,
    /// Nash bargaining point: max Π(u_i − d_i) on the frontier.
    pub nash: Option<Point>,
    /// Kalai–Smorodinsky point: gains relative to each party's ideal closest to equal.
    pub kalai_smorodinsky: Option<Point>,
    /// Utilitarian point: max Σ u_i on the frontier.
    pub utilitarian: Option<Point>,
    /// Egalitarian point: max min_i (u_i − d_i) on the frontier.
    pub egalitarian: Option<Point>,
    /// Zone of possible agreement.
    pub zopa: Zopa,
    /// Logroll suggestions, best first.
    pub logrolls: Vec<Logroll>,
}

impl Analysis {
    /// Number of outcomes whose utility vector is on the frontier.
    pub fn outcomes_on_frontier(&self) -> usize {
        self.frontier.iter().map(|p| p.outcomes.len()).sum()
    }
}

/// Analyses `domain` exactly (every outcome is evaluated, by streaming).
pub fn analyze(domain: &Domain) -> Analysis {
    let cols = domain.utility_columns();
    analyze_columns(domain, &cols)
}

/// Analyses `domain` given its precomputed utility columns (`cols[party][outcome]`).
pub fn analyze_columns(domain: &Domain, cols: &[Vec<f64>]) -> Analysis {
    let n = cols.first().map(Vec::len).unwrap_or(0);
    let reservations: Vec<f64> = domain.utilities.iter().map(|u| u.reservation).collect();
    let ranges: Vec<[f64; 2]> = cols
        .iter()
        .map(|c| {
            c.iter()
                .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], &u| {
                    if u.is_finite() {
                        [lo.min(u), hi.max(u)]
                    } else {
                        [lo, hi]
                    }
                })
        })
        .collect();
    let disagreement: Vec<f64> = reservations
        .iter()
        .zip(&ranges)
        .map(|(r, [lo, _])| r.max(*lo))
        .collect();
    let frontier = pareto_frontier(cols, Some(&reservations));
    let frontier_all_size = pareto_frontier(cols, None).len();
    let ideal: Vec<f64> = ranges.iter().map(|r| r[1]).collect();
    let nash = best(&frontier, |u| {
        u.iter()
            .zip(&disagreement)
            .map(|(u, d)| u - d)
            .product::<f64>()
    });
    let kalai_smorodinsky = best(&frontier, |u| {
        let g: Vec<f64> = u
            .iter()
            .zip(&disagreement)
            .zip(&ideal)
            .map(|((u, d), b)| if b - d > 0.0 { (u - d) / (b - d) } else { 1.0 })
            .collect();
        let hi = g.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = g.iter().copied().fold(f64::INFINITY, f64::min);
        -(hi - lo)
    });
    let utilitarian = best(&frontier, |u| u.iter().sum());
    let egalitarian = best(&frontier, |u| {
        u.iter()
            .zip(&disagreement)
            .map(|(u, d)| u - d)
            .fold(f64::INFINITY, f64::min)
    });
    let mut zsize = 0u64;
    for o in 0..n {
        if cols.iter().zip(&reservations).all(|(c, r)| c[o] > *r) {
            zsize += 1;
        }
    }
    let zopa = Zopa {
        size: zsize,
        share: if n > 0 { zsize as f64 / n as f64 } else { 0.0 },
    };
    let reference = nash.as_ref().map(|p| p.outcome);
    let logrolls = logrolls(domain, reference);
    Analysis {
        outcomes: n as u64,
        ranges,
        reservations,
        disagreement,
        frontier,
        frontier_all_size,
        nash,
        kalai_smorodinsky,
        utilitarian,
        egalitarian,
        zopa,
        logrolls,
    }
}

/// The frontier point maximising `score` (first one on ties).
fn best(frontier: &[FrontierPoint], score: impl Fn(&[f64]) -> f64) -> Option<Point> {
    let mut best: Option<(f64, &FrontierPoint)> = None;
    for p in frontier {
        let s = score(&p.utilities);
        if s.is_nan() {
            continue;
        }
        if best.map(|(b, _)| s > b).unwrap_or(true) {
            best = Some((s, p));
        }
    }
    best.map(|(_, p)| Point {
        outcome: p.outcomes[0],
        utilities: p.utilities.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Issue, OutcomeSpace};
    use crate::preferences::AdditiveUtility;

    /// One issue, three options; party A likes high, party B likes low.
    fn tiny() -> Domain {
        let space = OutcomeSpace::new(vec![Issue::discrete(
            "x",
            vec!["0".into(), "1".into(), "2".into()],
        )])
        .unwrap();
        Domain::new(
            space,
            vec!["a".into(), "b".into()],
            vec![
                AdditiveUtility::new(vec![1.0], vec![vec![0.0, 0.6, 1.0]]),
                AdditiveUtility::new(vec![1.0], vec![vec![1.0, 0.6, 0.0]]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn hand_computed_points() {
        let a = analyze(&tiny());
        assert_eq!(a.outcomes, 3);
        assert_eq!(a.frontier.len(), 3);
        // Nash: products 0, 0.36, 0 → middle option
        assert_eq!(a.nash.unwrap().outcome, 1);
        assert_eq!(a.utilitarian.unwrap().outcome, 1);
        assert_eq!(a.egalitarian.unwrap().outcome, 1);
        assert_eq!(a.kalai_smorodinsky.unwrap().outcome, 1);
        // strict preference over BATNA 0: outcome 1 only
        assert_eq!(a.zopa.size, 1);
    }
}
