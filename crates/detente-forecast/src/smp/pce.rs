//! KTAB's voting, victory-probability and "probability of each option winning" (PCE) rules.
//!
//! These are the building blocks every SMP step uses. They follow KTAB's arithmetic operation
//! by operation (same constants, same order of additions), because the SMP trajectory is
//! sensitive to the last bit where two options are nearly tied.

// Index loops mirror KTAB's matrix arithmetic, which the exact match depends on.
#![allow(clippy::needless_range_loop)]

use super::params::{PceModel, VictoryProb, VotingRule};

/// Smallest coalition strength: keeps every ratio defined.
const MIN_COALITION: f64 = 1e-8;

/// Actor `w`'s vote for an option it values `ui` over one it values `uj` (negative: against).
///
/// KTAB refuses a non-positive weight; here a voter without weight abstains (vote 0).
pub fn vote(rule: VotingRule, w: f64, ui: f64, uj: f64) -> f64 {
    if w <= 0.0 {
        return 0.0;
    }
    let du = ui - uj;
    // computed only by the rules that use them (a division per vote is costly in O(n³) loops)
    let bin = || (du / 1e-8).clamp(-1.0, 1.0);
    let cubic = || du * du * du;
    const BIN_SHARE: f64 = 0.2;
    const CUBIC_SHARE: f64 = 0.5;
    match rule {
        VotingRule::Binary => w * bin(),
        VotingRule::PropBin => w * ((1.0 - BIN_SHARE) * du + BIN_SHARE * bin()),
        VotingRule::Prop => w * du,
        VotingRule::PropCbc => w * ((1.0 - CUBIC_SHARE) * du + CUBIC_SHARE * cubic()),
        VotingRule::Cubic => w * cubic(),
        VotingRule::ASymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

/// Probabilities that each of two coalitions of strengths `s1`, `s2` wins.
pub fn victory(model: VictoryProb, s1: f64, s2: f64) -> (f64, f64) {
    let sq = |x: f64| x * x;
    let q4 = |x: f64| x * x * x * x;
    let (x1, x2) = match model {
        VictoryProb::Linear => (s1, s2),
        VictoryProb::Square => (sq(s1), sq(s2)),
        VictoryProb::Quartic => (q4(s1), q4(s2)),
        VictoryProb::Octic => (sq(q4(s1)), sq(q4(s2))),
        VictoryProb::Binary => {
            const THRESH: f64 = 1.10;
            const MIN_X: f64 = 1e-6;
            if s1 >= THRESH * s2 {
                (1.0, MIN_X)
            } else if s2 >= THRESH * s1 {
                (MIN_X, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (THRESH + 1.0) - 1.0) / (THRESH - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    (x1 / (x1 + x2), x2 / (x1 + x2))
}

/// Reusable buffers for [`Pce::run`], so repeated PCEs do not allocate.
#[derive(Debug, Default, Clone)]
pub struct Pce {
    /// Coalition strengths, `c[i * n + j]` = strength of the coalition for option i over j.
    c: Vec<f64>,
    /// Victory probabilities, `v[i * n + j]` = P(option i beats option j).
    v: Vec<f64>,
    aux: Vec<f64>,
    aux2: Vec<f64>,
    /// `u[m * n_act + k]`: voter k's utility of option m (a row per option).
    u: Vec<f64>,
    /// The result: probability of each option.
    pub p: Vec<f64>,
}

impl Pce {
    /// Probability of each of `n_opt` options winning when `n_act` voters with weights `w`
    /// value option `m` at `u(voter, m)`; the result is in `self.p`.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        n_act: usize,
        n_opt: usize,
        w: &[f64],
        u: impl Fn(usize, usize) -> f64,
        rule: VotingRule,
        vpm: VictoryProb,
        pcem: PceModel,
    ) {
        let n = n_opt;
        // Each utility once (not once per pair of options), a contiguous row per option.
        self.u.clear();
        for m in 0..n {
            self.u.extend((0..n_act).map(|k| u(k, m)));
        }
        self.c.clear();
        self.c.resize(n * n, 0.0);
        for i in 0..n {
            let ui = &self.u[i * n_act..(i + 1) * n_act];
            for j in 0..i {
                let uj = &self.u[j * n_act..(j + 1) * n_act];
                let (mut cij, mut cji) = (MIN_COALITION, MIN_COALITION);
                for (k, &wk) in w.iter().enumerate().take(n_act) {
                    let v = vote(rule, wk, ui[k], uj[k]);
                    if v > 0.0 {
                        cij += v;
                    }
                    if v < 0.0 {
                        cji -= v;
                    }
                }
                self.c[i * n + j] = cij;
                self.c[j * n + i] = cji;
            }
            self.c[i * n + i] = MIN_COALITION;
        }
        self.solve(n, vpm, pcem);
    }

    /// Like [`Pce::run`], from coalition strengths already in `c` (n × n, row-major).
    pub fn run_coalitions(&mut self, c: &[f64], n: usize, vpm: VictoryProb, pcem: PceModel) {
        self.c.clear();
        self.c.extend_from_slice(c);
        self.solve(n, vpm, pcem);
    }

    fn solve(&mut self, n: usize, vpm: VictoryProb, pcem: PceModel) {
        self.v.clear();
        self.v.resize(n * n, 0.0);
        for i in 0..n {
            for j in 0..i {
                let (pij, pji) = victory(vpm, self.c[i * n + j], self.c[j * n + i]);
                self.v[i * n + j] = pij;
                self.v[j * n + i] = pji;
            }
            self.v[i * n + i] = 0.5;
        }
        self.p.clear();
        match pcem {
            PceModel::Conditional => {
                for i in 0..n {
                    let mut pi = 1.0;
                    for j in 0..n {
                        pi *= self.v[i * n + j];
                    }
                    self.p.push(pi);
                }
                let total: f64 = self.p.iter().fold(0.0, |s, x| s + x);
                for x in &mut self.p {
                    *x /= total;
                }
            }
            PceModel::MarkovUniform => self.markov_uniform(n),
            PceModel::MarkovIncentive => self.markov_incentive(n),
        }
    }

    /// Fixed point of a challenge process where every option challenges with equal chance.
    fn markov_uniform(&mut self, n: usize) {
        const TOL: f64 = 1e-6;
        self.p.resize(n, 1.0 / n as f64);
        self.aux.clear();
        self.aux.resize(n, 0.0);
        let mut change = 1.0;
        let mut iter = 0;
        while TOL < change && iter < MAX_MARKOV_ITERATIONS {
            change = 0.0;
            for i in 0..n {
                let mut pi = 0.0;
                for j in 0..n {
                    pi += self.v[i * n + j] * (self.p[i] + self.p[j]);
                }
                self.aux[i] = pi / n as f64;
                change = f64::max(change, (self.aux[i] - self.p[i]).abs());
            }
            for i in 0..n {
                self.p[i] = (self.p[i] + self.aux[i]) / 2.0;
            }
            iter += 1;
        }
    }

    /// Fixed point of a challenge process where challenges follow coalition strength × victory
    /// probability ("Markov voting with incentives").
    fn markov_incentive(&mut self, n: usize) {
        const TOL: f64 = 1e-8;
        // aux: incentive to challenge, then P(i challenges j | j is the favourite).
        self.aux.clear();
        for i in 0..n {
            for j in 0..n {
                let mut x = self.c[i * n + j] * self.v[i * n + j];
                if i == j {
                    x += 1e-10;
                }
                self.aux.push(x);
            }
        }
        let mut col = vec![0.0; n];
        for (j, cj) in col.iter_mut().enumerate() {
            *cj = (0..n).fold(0.0, |s, k| s + self.aux[k * n + j]);
        }
        for i in 0..n {
            for j in 0..n {
                self.aux[i * n + j] /= col[j];
            }
        }
        self.p.resize(n, 1.0 / n as f64);
        self.aux2.clear();
        self.aux2.resize(n, 0.0);
        let mut change = 1.0;
        let mut iter = 0;
        while TOL < change && iter < MAX_MARKOV_ITERATIONS {
            change = 0.0;
            for i in 0..n {
                let mut qi = 0.0;
                for j in 0..n {
                    // ct(i, j) + ct(j, i), with ct(a, b) = p_a · P(b challenges a)
                    let cj = self.p[i] * self.aux[j * n + i] + self.p[j] * self.aux[i * n + j];
                    qi += self.v[i * n + j] * cj;
                }
                self.aux2[i] = qi;
                change = f64::max(change, (qi - self.p[i]).abs());
            }
            for i in 0..n {
                self.p[i] = (self.p[i] + self.aux2[i]) / 2.0;
            }
            iter += 1;
        }
    }
}

/// Cap on Markov PCE iterations (KTAB's are typically 10–30).
const MAX_MARKOV_ITERATIONS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_vote_is_weight_times_difference() {
        assert_eq!(vote(VotingRule::Prop, 2.0, 0.7, 0.2), 2.0 * (0.7 - 0.2));
        assert_eq!(vote(VotingRule::Prop, 0.0, 0.7, 0.2), 0.0);
        assert!((vote(VotingRule::Binary, 3.0, 0.7, 0.2) - 3.0).abs() < 1e-12);
        assert!((vote(VotingRule::ASymProsp, 3.0, 0.7, 0.2) - 1.0).abs() < 1e-12);
        assert!((vote(VotingRule::ASymProsp, 3.0, 0.2, 0.7) + 1.5).abs() < 1e-12);
    }

    #[test]
    fn victory_laws() {
        let (a, b) = victory(VictoryProb::Linear, 2.0, 1.0);
        assert!((a - 2.0 / 3.0).abs() < 1e-15 && (a + b - 1.0).abs() < 1e-15);
        let (a, _) = victory(VictoryProb::Square, 2.0, 1.0);
        assert!((a - 0.8).abs() < 1e-15);
        let (a, _) = victory(VictoryProb::Quartic, 2.0, 1.0);
        assert!((a - 16.0 / 17.0).abs() < 1e-15);
        let (a, _) = victory(VictoryProb::Binary, 1.2, 1.0);
        assert_eq!(a, 1.0 / (1.0 + 1e-6));
        let (a, b) = victory(VictoryProb::Binary, 1.0, 1.0);
        assert!((a - 0.5).abs() < 1e-12 && (b - 0.5).abs() < 1e-12);
    }

    #[test]
    fn conditional_pce_by_hand() {
        // Two voters of weight 1 and 3; three options. Voter 0 likes option 0, voter 1 option 2.
        let u = [[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]];
        let mut p = Pce::default();
        p.run(
            2,
            3,
            &[1.0, 3.0],
            |k, m| u[k][m],
            VotingRule::Prop,
            VictoryProb::Linear,
            PceModel::Conditional,
        );
        // c(2,0) = 3·1 = 3 (+1e-8), c(0,2) = 1 (+1e-8): P(2 > 0) = 3/4, and so on.
        let v20 = (3.0 + 1e-8) / (4.0 + 2e-8);
        let v21 = (1.5 + 1e-8) / (2.0 + 2e-8);
        let v10 = (1.5 + 1e-8) / (2.0 + 2e-8);
        let raw = [
            0.5 * (1.0 - v10) * (1.0 - v20),
            v10 * 0.5 * (1.0 - v21),
            v20 * v21 * 0.5,
        ];
        let s: f64 = raw.iter().sum();
        for m in 0..3 {
            assert!((p.p[m] - raw[m] / s).abs() < 1e-12, "{m}: {:?}", p.p);
        }
    }

    #[test]
    fn markov_pces_sum_to_one_and_rank_like_conditional() {
        let u = [[1.0, 0.5, 0.0], [0.0, 0.5, 1.0], [0.2, 1.0, 0.3]];
        for pcem in [PceModel::MarkovUniform, PceModel::MarkovIncentive] {
            let mut p = Pce::default();
            p.run(
                3,
                3,
                &[1.0, 3.0, 2.0],
                |k, m| u[k][m],
                VotingRule::Prop,
                VictoryProb::Linear,
                pcem,
            );
            let s: f64 = p.p.iter().sum();
            assert!((s - 1.0).abs() < 1e-6, "{pcem:?}: {:?}", p.p);
            assert!(p.p.iter().all(|x| *x >= 0.0));
        }
    }
}
