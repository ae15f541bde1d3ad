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
    /// a's utility gain of the trade over the opposite trade.
    pub gain_a: f64,
    /// b's utility gain of the trade over the opposite trade.
    pub gain_b: f64,
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
