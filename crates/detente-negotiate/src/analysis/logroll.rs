//! Logroll suggestions: pairs of issues two parties weigh differently, so that each concedes the
//! issue it cares less about.

use crate::domain::Domain;
use crate::outcome::OutcomeId;

/// A suggested trade: `a` concedes `issue_b` to `b`, `b` concedes `issue_a` to `a`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logroll {
    /// The first party (gets its best option on `issue_a`).
    pub a: usize,
    /// The second party (gets its best option on `issue_b`).
    pub b: usize,
    /// Issue that `a` values relatively more.
    pub issue_a: usize,
    /// Issue that `b` values relatively more.
    pub issue_b: usize,
    /// Option of `issue_a` in the package (a's best).
    pub option_a: usize,
    /// Option of `issue_b` in the package (b's best).
    pub option_b: usize,
    /// The package: the reference outcome with both issues set as traded.
    pub package: OutcomeId,
    /// a's utility gain of the trade over the opposite trade; `+∞` when the opposite trade
    /// (b's best option on `issue_a`) crosses a's red line: see [`Logroll::red_line_a`].
    pub gain_a: f64,
    /// b's utility gain of the trade over the opposite trade; `+∞` when the opposite trade
    /// (a's best option on `issue_b`) crosses b's red line: see [`Logroll::red_line_b`].
    pub gain_b: f64,
}

impl Logroll {
    /// Whether a's gain is unbounded because the opposite trade gives `issue_a` an option
    /// beyond a's red line (a vetoes it): the trade is then not worth "more" to a, it is the
    /// only one of the two that a can accept.
    pub fn red_line_a(&self) -> bool {
        self.gain_a.is_infinite()
    }

    /// Whether b's gain is unbounded because the opposite trade gives `issue_b` an option
    /// beyond b's red line.
    pub fn red_line_b(&self) -> bool {
        self.gain_b.is_infinite()
    }
}

fn argmax(t: &[f64]) -> usize {
    let mut best = 0;
    for (k, v) in t.iter().enumerate() {
        if *v > t[best] {
            best = k;
        }
    }
    best
}

/// Logrolls for every pair of parties and pair of issues where both gain, best (largest smaller
/// gain) first. The package starts from `reference` (e.g. the Nash outcome) or outcome 0.
///
/// For parties a, b and issues x, y: the trade gives a its best option on x and b its best on y;
/// the opposite trade gives b its best on x and a its best on y. Each party's gain is its
/// utility difference between the two packages (other issues unchanged).
pub fn logrolls(domain: &Domain, reference: Option<OutcomeId>) -> Vec<Logroll> {
    let tables: Vec<Vec<Vec<f64>>> = domain.utilities.iter().map(|u| u.tables()).collect();
    let n_issues = domain.space.issues().len();
    let reference = reference.unwrap_or(0);
    let mut out = Vec::new();
    for a in 0..tables.len() {
        for b in (a + 1)..tables.len() {
            for x in 0..n_issues {
                for y in 0..n_issues {
                    if x == y {
                        continue;
                    }
                    let (ta, tb) = (&tables[a], &tables[b]);
                    let (ax, bx) = (argmax(&ta[x]), argmax(&tb[x]));
                    let (ay, by) = (argmax(&ta[y]), argmax(&tb[y]));
                    if ax == bx || ay == by {
                        continue; // no conflict on one of the issues
                    }
                    let gain_a = (ta[x][ax] - ta[x][bx]) - (ta[y][ay] - ta[y][by]);
                    let gain_b = (tb[y][by] - tb[y][ay]) - (tb[x][bx] - tb[x][ax]);
                    if gain_a > 1e-12 && gain_b > 1e-12 {
                        let package = domain.space.with_option(
                            domain.space.with_option(reference, x, ax),
                            y,
                            by,
                        );
                        out.push(Logroll {
                            a,
                            b,
                            issue_a: x,
                            issue_b: y,
                            option_a: ax,
                            option_b: by,
                            package,
                            gain_a,
                            gain_b,
                        });
                    }
                }
            }
        }
    }
    out.sort_by(|p, q| {
        let (mp, mq) = (p.gain_a.min(p.gain_b), q.gain_a.min(q.gain_b));
        mq.partial_cmp(&mp)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((p.a, p.b, p.issue_a, p.issue_b).cmp(&(q.a, q.b, q.issue_a, q.issue_b)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Issue, OutcomeSpace};
    use crate::preferences::AdditiveUtility;

    /// Two issues, two options each; a prefers option 1 on x, b option 0 on y.
    fn domain(veto_a_on_x: bool) -> Domain {
        let opts = || vec!["0".to_string(), "1".to_string()];
        let space = OutcomeSpace::new(vec![
            Issue::discrete("x", opts()),
            Issue::discrete("y", opts()),
        ])
        .unwrap();
        let mut ua = AdditiveUtility::new(vec![0.7, 0.3], vec![vec![0.0, 1.0], vec![0.0, 1.0]]);
        if veto_a_on_x {
            // b's best option on x (0) is beyond a's red line.
            ua.vetoed = vec![vec![true, false], vec![false, false]];
        }
        let ub = AdditiveUtility::new(vec![0.3, 0.7], vec![vec![1.0, 0.0], vec![1.0, 0.0]]);
        Domain::new(space, vec!["a".into(), "b".into()], vec![ua, ub]).unwrap()
    }

    #[test]
    fn gains_are_finite_without_red_lines() {
        let l = logrolls(&domain(false), None);
        assert_eq!(l.len(), 1);
        assert!((l[0].gain_a - 0.4).abs() < 1e-12 && (l[0].gain_b - 0.4).abs() < 1e-12);
        assert!(!l[0].red_line_a() && !l[0].red_line_b());
    }

    #[test]
    fn an_opposite_trade_across_a_red_line_is_flagged() {
        let l = logrolls(&domain(true), None);
        assert_eq!(l.len(), 1);
        assert!(l[0].red_line_a(), "{:?}", l[0]);
        assert!(!l[0].red_line_b());
        assert!(l[0].gain_b.is_finite());
    }
}
