//! Bueno de Mesquita's expected-utility model as reconstructed by Scholz, Calbert & Smith (2011).
//!
//! The specification (and every ambiguity) is in `../shared/data/bdm/MODEL.md`; section numbers
//! below refer to it. Per round: risk exponents from each actor's danger (§4), then every actor
//! weighs the challenges it could make and receive and accepts the best offer (§5); the round's
//! forecast is the c·s-weighted median of the new positions (§6).

use rayon::prelude::*;

use crate::model::{Forecast, ForecastError, ForecastInput, IssueInput, Model, Round, Watch};
use crate::stats::weighted_median;

/// Which capitulation rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BdmVariant {
    /// The rule as the paper states it: `b > 0 > a` and `b < |a|` means `i` capitulates to `j`.
    #[default]
    Corrected,
    /// The public replication exactly: its capitulation test can never fire (MODEL.md A3).
    Replication,
}

/// How `P(i, j)` is normalised (MODEL.md A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normaliser {
    /// One grand total over all voters and all ordered pairs (the replication's choice).
    #[default]
    Grand,
    /// Per pair: `Σ_k |v_k(x_i, x_j)|`, so that `P(i,j) + P(j,i) = 1`.
    PerPair,
}

/// Which compromise an actor accepts when it has several (MODEL.md A4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompromiseChoice {
    /// Smallest weighted-average key `(|a|·x_i + |b|·x_j)/(|a|+|b|)` (the replication's choice).
    #[default]
    SmallestKey,
    /// The compromise that moves the actor least.
    LeastMovement,
}

/// Parameters of the BDM model; defaults reproduce the replication's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BdmParams {
    /// Number of rounds to run.
    pub rounds: usize,
    /// Capitulation rule.
    pub variant: BdmVariant,
    /// Probability normaliser.
    pub normaliser: Normaliser,
    /// Compromise selection.
    pub compromise: CompromiseChoice,
    /// Keep the distance scale `D` fixed at the input range (true) or recompute it each round.
    pub fixed_range: bool,
    /// Weight of the status quo term `Q`.
    pub q: f64,
}

impl Default for BdmParams {
    fn default() -> Self {
        BdmParams {
            rounds: 10,
            variant: BdmVariant::Corrected,
            normaliser: Normaliser::Grand,
            compromise: CompromiseChoice::SmallestKey,
            fixed_range: true,
            q: 1.0,
        }
    }
}

/// The BDM expected-utility model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bdm {
    /// Model parameters.
    pub params: BdmParams,
}

/// What one actor does in a round.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    Stay,
    Confront(usize),
    Compromise { to: usize, key: f64, pos: f64 },
    Capitulate(usize),
}

/// Scratch state for one issue, reused across rounds (no allocation per inner step).
///
/// `P(i, j)` needs `Σ_k max(0, w_k (f_k(x_j) − f_k(x_i)))` with `f_k(y) = d(x_k, y)^{r_k}`. The
/// term is positive exactly for voters closer to `x_i` than to `x_j`, i.e. on `i`'s side of the
/// midpoint; with voters sorted by position that set is a prefix or a suffix. So per target
/// position `a` we keep prefix sums `C_a[m] = Σ_{t<m} w_{(t)} f_{(t)}(x_a)` over voters in
/// position order, and every `P(i, j)` is two binary searches and four lookups: O(n² log n)
/// per phase instead of O(n³).
struct Work {
    n: usize,
    w: Vec<f64>,
    r: Vec<f64>,
    order: Vec<usize>,
    xs: Vec<f64>,
    /// `cpre[a * (n + 1) + m]`: prefix sums over voters in position order, see above.
    cpre: Vec<f64>,
    row: Vec<f64>,
    z: f64,
    normaliser: Normaliser,
}

impl Work {
    fn new(n: usize) -> Self {
        Work {
            n,
            w: vec![0.0; n],
            r: vec![1.0; n],
            order: (0..n).collect(),
            xs: vec![0.0; n],
            cpre: vec![0.0; n * (n + 1)],
            row: vec![0.0; n],
            z: 0.0,
            normaliser: Normaliser::Grand,
        }
    }

    /// Prepares `P` for positions `x` with exponents `self.r` (MODEL.md §1–§2).
    fn prepare(&mut self, x: &[f64], range: f64, normaliser: Normaliser) {
        let n = self.n;
        self.normaliser = normaliser;
        let inv = if range > 0.0 { 1.0 / range } else { 0.0 };
        self.order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        for (t, &k) in self.order.iter().enumerate() {
            self.xs[t] = x[k];
        }
        let f = |k: usize, a: usize, r: &[f64]| {
            let d = (x[k] - x[a]).abs() * inv;
            if r[k] == 1.0 {
                d
            } else {
                d.powf(r[k])
            }
        };
        for a in 0..n {
            let base = a * (n + 1);
            let mut acc = 0.0;
            for t in 0..n {
                let k = self.order[t];
                self.cpre[base + t] = acc;
                acc += self.w[k] * f(k, a, &self.r);
            }
            self.cpre[base + n] = acc;
        }
        // Grand normaliser Z = Σ_k w_k Σ_a Σ_b |f_k(x_b) − f_k(x_a)|, each double sum via one sort.
        self.z = 0.0;
        if normaliser == Normaliser::Grand {
            for k in 0..n {
                for a in 0..n {
                    self.row[a] = f(k, a, &self.r);
                }
                self.row.sort_by(|a, b| a.total_cmp(b));
                let mut s = 0.0;
                for (idx, v) in self.row.iter().enumerate() {
                    s += v * (2.0 * idx as f64 - (n as f64 - 1.0));
                }
                self.z += self.w[k] * 2.0 * s;
            }
        }
    }

    /// `P(i, j)`: the probability that `i` prevails against `j` (0 when they coincide).
    fn prob(&self, x: &[f64], i: usize, j: usize) -> f64 {
        if x[i] == x[j] {
            return 0.0;
        }
        let n = self.n;
        let mid = 0.5 * (x[i] + x[j]);
        let lo = self.xs.partition_point(|&v| v < mid);
        let hi = self.xs.partition_point(|&v| v <= mid);
        let ci = &self.cpre[i * (n + 1)..(i + 1) * (n + 1)];
        let cj = &self.cpre[j * (n + 1)..(j + 1) * (n + 1)];
        let (pos, neg) = if x[i] < x[j] {
            (cj[lo] - ci[lo], (ci[n] - ci[hi]) - (cj[n] - cj[hi]))
        } else {
            ((cj[n] - cj[hi]) - (ci[n] - ci[hi]), ci[lo] - cj[lo])
        };
        let (pos, neg) = (pos.max(0.0), neg.max(0.0));
        let den = match self.normaliser {
            Normaliser::Grand => self.z,
            Normaliser::PerPair => pos + neg,
        };
        if den > 0.0 {
            pos / den
        } else {
            0.0
        }
    }
}

/// Expected utility, as an evaluator with exponent `r` sees it, of a challenge with success
/// probability `p` against a target of salience `s_target` at normalised distance `delta` (§3).
#[inline]
fn eu(p: f64, s_target: f64, delta: f64, r: f64, q: f64) -> f64 {
    let pw = |b: f64| if r == 1.0 { b } else { b.powf(r) };
    let u_succ = 2.0 - 4.0 * pw(0.5 - 0.5 * delta);
    let u_fail = 2.0 - 4.0 * pw(0.5 + 0.5 * delta);
    let u_sq = 2.0 - 4.0 * pw(0.5);
    s_target * (p * u_succ + (1.0 - p) * u_fail) + (1.0 - s_target) * u_succ - q * u_sq
}

impl Bdm {
    /// A BDM model with the given parameters.
    pub fn new(params: BdmParams) -> Self {
        Bdm { params }
    }

    /// Runs the model on one issue; returns positions after each round (rounds 1..R).
    pub fn run_issue(&self, is: &IssueInput, capability: &[f64]) -> Vec<Vec<f64>> {
        match self.run_issue_watched(is, capability, Watch::none()) {
            Ok(rounds) => rounds,
            Err(_) => unreachable!("Watch::none never stops a model"),
        }
    }

    /// [`Bdm::run_issue`], reporting each round to `watch` and stopping when it asks to.
    pub fn run_issue_watched(
        &self,
        is: &IssueInput,
        capability: &[f64],
        watch: Watch<'_>,
    ) -> Result<Vec<Vec<f64>>, ForecastError> {
        let n = capability.len();
        let prm = &self.params;
        let mut x = is.position.clone();
        let s = &is.salience;
        let mut work = Work::new(n);
        for k in 0..n {
            work.w[k] = capability[k] * s[k];
        }
        let input_range = range_of(&x);
        let mut out = Vec::with_capacity(prm.rounds);
        let mut danger = vec![0.0; n];
        let mut moves = vec![Move::Stay; n];
        for _ in 0..prm.rounds {
            watch.step()?;
            let range = if prm.fixed_range {
                input_range
            } else {
                range_of(&x)
            };
            if range <= 0.0 {
                out.push(x.clone());
                continue;
            }
            // §4: dangers with every exponent 1, then new exponents all at once.
            work.r.iter_mut().for_each(|r| *r = 1.0);
            work.prepare(&x, range, prm.normaliser);
            for i in 0..n {
                let mut r_i = 0.0;
                for j in 0..n {
                    if j != i {
                        let delta = (x[j] - x[i]).abs() / range;
                        r_i += eu(work.prob(&x, j, i), s[i], delta, 1.0, prm.q);
                    }
                }
                danger[i] = r_i;
            }
            let (rmin, rmax) = danger
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            for (r, d) in work.r.iter_mut().zip(&danger) {
                let rho = if rmax > rmin {
                    (2.0 * d - rmax - rmin) / (rmax - rmin)
                } else {
                    0.0
                };
                *r = (1.0 - rho / 3.0) / (1.0 + rho / 3.0);
            }
            // §5: offers with the new exponents, all on the same snapshot.
            work.prepare(&x, range, prm.normaliser);
            for i in 0..n {
                let ri = work.r[i];
                let mut best = Move::Stay;
                for j in 0..n {
                    if x[j] == x[i] {
                        continue;
                    }
                    let delta = (x[j] - x[i]).abs() / range;
                    let a = eu(work.prob(&x, i, j), s[j], delta, ri, prm.q);
                    let b = eu(work.prob(&x, j, i), s[i], delta, ri, prm.q);
                    let offer = if b > a && a > 0.0 {
                        Move::Confront(j)
                    } else if b > 0.0 && 0.0 > a && b > a.abs() {
                        let key = (a.abs() * x[i] + b.abs() * x[j]) / (a.abs() + b.abs());
                        Move::Compromise {
                            to: j,
                            key,
                            pos: x[i] + (x[j] - x[i]) * a.abs() / b,
                        }
                    } else if b > 0.0
                        && 0.0 > a
                        && b < a.abs()
                        && prm.variant == BdmVariant::Corrected
                    {
                        Move::Capitulate(j)
                    } else {
                        Move::Stay
                    };
                    best = better(best, offer, i, &x, prm.compromise);
                }
                moves[i] = best;
            }
            let snapshot = x.clone();
            for i in 0..n {
                x[i] = match moves[i] {
                    Move::Stay => snapshot[i],
                    Move::Confront(j) | Move::Capitulate(j) => snapshot[j],
                    Move::Compromise { pos, .. } => pos,
                };
            }
            out.push(x.clone());
        }
        Ok(out)
    }
}

/// The preferred of two offers for actor `i` (first wins on ties, so earlier actors win).
fn better(cur: Move, new: Move, i: usize, x: &[f64], choice: CompromiseChoice) -> Move {
    let rank = |m: &Move| match m {
        Move::Confront(_) => 3,
        Move::Compromise { .. } => 2,
        Move::Capitulate(_) => 1,
        Move::Stay => 0,
    };
    let (rc, rn) = (rank(&cur), rank(&new));
    if rn != rc {
        return if rn > rc { new } else { cur };
    }
    let gap = |j: usize| (x[j] - x[i]).abs();
    match (cur, new) {
        (Move::Confront(a), Move::Confront(b)) | (Move::Capitulate(a), Move::Capitulate(b)) => {
            if gap(b) < gap(a) {
                new
            } else {
                cur
            }
        }
        (
            Move::Compromise {
                key: k1, pos: p1, ..
            },
            Move::Compromise {
                key: k2, pos: p2, ..
            },
        ) => {
            let take = match choice {
                CompromiseChoice::SmallestKey => k2 < k1,
                CompromiseChoice::LeastMovement => (p2 - x[i]).abs() < (p1 - x[i]).abs(),
            };
            if take {
                new
            } else {
                cur
            }
        }
        _ => cur,
    }
}

fn range_of(x: &[f64]) -> f64 {
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if hi > lo {
        hi - lo
    } else {
        0.0
    }
}

impl Model for Bdm {
    fn id(&self) -> &'static str {
        "bdm"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        self.forecast_watched(input, Watch::none())
    }

    fn work(&self, input: &ForecastInput) -> u64 {
        (input.issues.len() * self.params.rounds) as u64
    }

    fn forecast_watched(
        &self,
        input: &ForecastInput,
        watch: Watch<'_>,
    ) -> Result<Forecast, ForecastError> {
        input.check()?;
        let w_of = |is: &IssueInput| -> Vec<f64> {
            input
                .capability
                .iter()
                .zip(&is.salience)
                .map(|(c, s)| c * s)
                .collect()
        };
        let per_issue: Vec<Vec<Vec<f64>>> = input
            .issues
            .par_iter()
            .map(|is| self.run_issue_watched(is, &input.capability, watch))
            .collect::<Result<_, _>>()?;
        let rounds_n = self.params.rounds;
        let mut rounds = Vec::with_capacity(rounds_n);
        for t in 0..rounds_n {
            let positions: Vec<Vec<f64>> = per_issue.iter().map(|r| r[t].clone()).collect();
            let forecast = input
                .issues
                .iter()
                .zip(&positions)
                .map(|(is, x)| weighted_median(x, &w_of(is), is.status_quo))
                .collect();
            rounds.push(Round {
                forecast,
                positions,
            });
        }
        // Round 0: the weighted median of the input positions.
        let start: Vec<f64> = input
            .issues
            .iter()
            .map(|is| weighted_median(&is.position, &w_of(is), is.status_quo))
            .collect();
        let outcomes = match rounds.last() {
            Some(r) => r.forecast.clone(),
            None => start.clone(),
        };
        Ok(Forecast {
            model: "bdm",
            outcomes,
            start,
            rounds,
            diagnostics: vec![("rounds".into(), rounds_n as f64)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(n³) definition of `P(i, j)` (MODEL.md §2), to check the prefix-sum version.
    #[allow(clippy::needless_range_loop)]
    fn brute(
        x: &[f64],
        w: &[f64],
        r: &[f64],
        range: f64,
        norm: Normaliser,
        i: usize,
        j: usize,
    ) -> f64 {
        if x[i] == x[j] {
            return 0.0;
        }
        let n = x.len();
        let f = |k: usize, a: usize| ((x[k] - x[a]).abs() / range).powf(r[k]);
        let mut z = 0.0;
        for k in 0..n {
            for a in 0..n {
                for b in 0..n {
                    z += (w[k] * (f(k, b) - f(k, a))).abs();
                }
            }
        }
        let (mut pos, mut abs) = (0.0, 0.0);
        for k in 0..n {
            let v = w[k] * (f(k, j) - f(k, i));
            pos += v.max(0.0);
            abs += v.abs();
        }
        pos / if norm == Normaliser::Grand { z } else { abs }
    }

    proptest::proptest! {
        #[test]
        fn prefix_sum_probabilities_equal_the_definition(
            x in proptest::collection::vec(0.0f64..10.0, 2..9),
            seed in 0u64..1000,
        ) {
            let n = x.len();
            // A few tied positions make the midpoint cases real.
            let x: Vec<f64> = x.iter().enumerate().map(|(k, v)| if k % 3 == 2 { x[0] } else { v.round() }).collect();
            let w: Vec<f64> = (0..n).map(|k| 0.1 + ((seed as usize + 7 * k) % 10) as f64 / 10.0).collect();
            let r: Vec<f64> = (0..n).map(|k| 0.5 + ((seed as usize * 3 + k) % 4) as f64 / 2.0).collect();
            let range = 10.0;
            for norm in [Normaliser::Grand, Normaliser::PerPair] {
                let mut wk = Work::new(n);
                wk.w.copy_from_slice(&w);
                wk.r.copy_from_slice(&r);
                wk.prepare(&x, range, norm);
                for i in 0..n {
                    for j in 0..n {
                        let want = brute(&x, &w, &r, range, norm, i, j);
                        let got = wk.prob(&x, i, j);
                        proptest::prop_assert!((got - want).abs() < 1e-12, "{norm:?} P({i},{j}) = {got} vs {want}");
                    }
                }
            }
        }
    }

    #[test]
    fn eu_is_zero_at_distance_zero_with_q_one() {
        assert!(eu(0.3, 0.5, 0.0, 1.0, 1.0).abs() < 1e-15);
        assert!(eu(0.3, 0.5, 0.0, 0.5, 1.0).abs() < 1e-15);
    }

    #[test]
    fn eu_by_hand() {
        // r = 1, delta = 0.5: U_succ = 2 − 4·0.25 = 1, U_fail = 2 − 4·0.75 = −1, U_sq = 0.
        // s = 0.5, p = 0.25: 0.5·(0.25 − 0.75) + 0.5·1 = 0.25.
        assert!((eu(0.25, 0.5, 0.5, 1.0, 1.0) - 0.25).abs() < 1e-15);
    }

    #[test]
    fn all_positions_equal_is_a_fixed_point() {
        let is = IssueInput {
            id: "x".into(),
            min: 0.0,
            max: 1.0,
            options: None,
            status_quo: 0.0,
            position: vec![0.5; 4],
            salience: vec![0.5; 4],
        };
        let out = Bdm::default().run_issue(&is, &[1.0; 4]);
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(|r| r.iter().all(|&x| x == 0.5)));
    }

    #[test]
    fn zero_weights_are_defined() {
        let is = IssueInput {
            id: "x".into(),
            min: 0.0,
            max: 10.0,
            options: None,
            status_quo: 3.0,
            position: vec![1.0, 9.0],
            salience: vec![0.0, 0.0],
        };
        let f = Bdm::default().forecast(&ForecastInput {
            actors: vec!["a".into(), "b".into()],
            capability: vec![1.0, 1.0],
            issues: vec![is],
        });
        let f = f.expect("runs");
        assert!(f.outcomes.iter().all(|v| v.is_finite()));
        assert_eq!(f.outcomes[0], 3.0);
        assert_eq!(f.start, vec![3.0], "no weight: round 0 is the status quo");
    }

    #[test]
    fn round_zero_is_the_weighted_median_of_the_input() {
        // weights 1·0.2, 2·0.5, 1·0.9 = 0.2, 1.0, 0.9 (total 2.1): the median is at 40
        let is = IssueInput {
            id: "x".into(),
            min: 0.0,
            max: 100.0,
            options: None,
            status_quo: 0.0,
            position: vec![10.0, 40.0, 90.0],
            salience: vec![0.2, 0.5, 0.9],
        };
        let f = Bdm::default()
            .forecast(&ForecastInput {
                actors: vec!["a".into(), "b".into(), "c".into()],
                capability: vec![1.0, 2.0, 1.0],
                issues: vec![is],
            })
            .expect("runs");
        assert_eq!(f.start, vec![40.0]);
        assert_eq!(f.rounds.len(), 10);
    }
}
