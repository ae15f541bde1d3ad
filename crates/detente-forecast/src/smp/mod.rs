//! KTAB's Spatial Model of Politics (SMP): actors challenge one another, bargain, and move,
//! turn by turn, in a multi-dimensional issue space.
//!
//! The specification is `../shared/data/ktab/MODEL.md` §4. Each turn:
//! 1. every actor gets a risk attitude from its chance of winning with everyone risk-neutral;
//! 2. every actor `i` estimates, from its own view, the gain from challenging each `j` (with
//!    third parties joining the side they prefer) and targets the best one;
//! 3. the challenger proposes a bargain interpolated between the two positions;
//! 4. every actor scores the bargains in its queue (its own status quo included) by the
//!    average utility of the resulting state, and a PCE over those scores picks one;
//! 5. ideals follow positions through the accommodation matrix.
//!
//! The run stops when the summed movement falls under 2 % of the first turn's (from turn 2), or
//! after `max_turns`. The forecast is the probability-weighted mean of the unique positions.
//!
//! Arithmetic follows KTAB operation by operation (4-decimal rounding of bargains, minimum
//! strengths 1e-8 / 1e-10, minimum gain 1e-5, first index on ties), so deterministic runs
//! reproduce smpc's trajectories. Inputs KTAB rejects get a defined result instead: an actor
//! with no salience is indifferent (distance 0), a voter with no weight abstains, and when every
//! actor is equally likely to win, everyone is risk-neutral.

// Index loops mirror KTAB's matrix arithmetic, which the exact match depends on.
#![allow(clippy::needless_range_loop)]

mod params;
mod pce;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

pub use params::{
    BargainModel, BigRAdjust, BigRRange, InterVecBrgn, PceModel, SettingError, SmpParams,
    ThirdParty, Transitions, VictoryProb, VotingRule, KTAB_DEFAULT_SEED,
};
use pce::{vote, Pce};

use crate::model::{Forecast, ForecastError, ForecastInput, Model, Round, Watch};

/// Two positions closer than this (Euclidean, on the unit scale) are the same position.
const POSITION_TOLERANCE: f64 = 1e-3;
/// Smallest coalition strength in a challenge.
const MIN_CHALLENGE_COALITION: f64 = 1e-10;
/// Smallest expected gain worth a challenge.
const MIN_GAIN: f64 = 1e-5;
/// Stop when a turn moves less than this share of the first turn's movement…
const MIN_DELTA_RATIO: f64 = 0.02;
/// …from this turn on.
const MIN_TURNS: usize = 2;
/// Added to the first turn's movement, to keep the ratio defined.
const MIN_SIG_DELTA: f64 = 1e-4;

/// KTAB's Spatial Model of Politics.
#[derive(Debug, Clone, Default)]
pub struct Smp {
    /// Model parameters.
    pub params: SmpParams,
}

/// One state of an SMP run (turn 0 is the input).
#[derive(Debug, Clone, PartialEq)]
pub struct SmpState {
    /// Positions `[actor][dim]` on the unit scale.
    pub positions: Vec<Vec<f64>>,
    /// Risk attitude of each actor in this state.
    pub risk: Vec<f64>,
    /// Index of the first actor holding each unique position.
    pub unique: Vec<usize>,
    /// Probability that each unique position wins.
    pub unique_probs: Vec<f64>,
    /// Probability that the position each actor holds wins (KTAB's per-actor printout).
    pub actor_probs: Vec<f64>,
    /// Probability-weighted mean of the unique positions, per dimension, on the unit scale.
    pub expected: Vec<f64>,
}

/// A whole SMP run.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpRun {
    /// States 0..=T.
    pub states: Vec<SmpState>,
    /// Per turn 1..=T: that turn's movement over the first turn's (KTAB's "fractional change").
    pub fractional_change: Vec<f64>,
    /// Whether the stopping rule fired before `max_turns`.
    pub converged: bool,
}

impl Smp {
    /// The model with these parameters.
    pub fn new(params: SmpParams) -> Self {
        Smp { params }
    }

    /// Runs the model and returns every state.
    pub fn run(&self, input: &ForecastInput) -> Result<SmpRun, ForecastError> {
        self.run_watched(input, Watch::none())
    }

    /// [`Smp::run`], reporting each turn to `watch` and stopping when it asks to.
    pub fn run_watched(
        &self,
        input: &ForecastInput,
        watch: Watch<'_>,
    ) -> Result<SmpRun, ForecastError> {
        input.check()?;
        let p = Problem::new(input, &self.params)?;
        p.run(watch)
    }
}

impl Model for Smp {
    fn id(&self) -> &'static str {
        "smp"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        self.forecast_watched(input, Watch::none())
    }

    fn work(&self, _input: &ForecastInput) -> u64 {
        self.params.max_turns as u64
    }

    fn forecast_watched(
        &self,
        input: &ForecastInput,
        watch: Watch<'_>,
    ) -> Result<Forecast, ForecastError> {
        let run = self.run_watched(input, watch)?;
        let scale = |d: usize, x: f64| {
            let is = &input.issues[d];
            is.min + x * (is.max - is.min)
        };
        let rounds: Vec<Round> = run.states[1..]
            .iter()
            .map(|s| Round {
                forecast: s
                    .expected
                    .iter()
                    .enumerate()
                    .map(|(d, x)| scale(d, *x))
                    .collect(),
                positions: (0..input.issues.len())
                    .map(|d| s.positions.iter().map(|p| scale(d, p[d])).collect())
                    .collect(),
            })
            .collect();
        let last = run.states.last().expect("state 0 always exists");
        let modal = last.unique_probs.iter().copied().fold(0.0, f64::max);
        Ok(Forecast {
            model: "smp",
            start: run.states[0]
                .expected
                .iter()
                .enumerate()
                .map(|(d, x)| scale(d, *x))
                .collect(),
            outcomes: last
                .expected
                .iter()
                .enumerate()
                .map(|(d, x)| scale(d, *x))
                .collect(),
            rounds,
            diagnostics: vec![
                ("turns".into(), (run.states.len() - 1) as f64),
                ("converged".into(), if run.converged { 1.0 } else { 0.0 }),
                (
                    "final_fractional_change".into(),
                    run.fractional_change.last().copied().unwrap_or(0.0),
                ),
                ("unique_positions".into(), last.unique.len() as f64),
                ("modal_probability".into(), modal),
            ],
        })
    }
}

/// The fixed part of a run: actors, saliences, parameters.
struct Problem<'a> {
    na: usize,
    nd: usize,
    cap: Vec<f64>,
    /// Saliences `[actor * nd + dim]`, unit scale, summing to at most 1 per actor.
    sal: Vec<f64>,
    /// Σ of each actor's saliences.
    sal_sum: Vec<f64>,
    /// `sal_sum[n] * cap[n]`: an actor's weight as a third party in a challenge.
    weight: Vec<f64>,
    /// Σ of each actor's squared saliences.
    sal_sq: Vec<f64>,
    start: Vec<f64>,
    params: &'a SmpParams,
}

/// Positions and ideals of one state, `[actor * nd + dim]`.
#[derive(Clone)]
struct Pos {
    pos: Vec<f64>,
    ideal: Vec<f64>,
}

/// What every step needs to know about a state: distances, risk attitudes, unique positions.
struct Eval {
    /// `vdiff[i * na + j]`: salience-weighted distance from i's ideal to j's position.
    vdiff: Vec<f64>,
    /// `vdiff_t[j * na + i] = vdiff[i * na + j]`, so that loops over voters read a row.
    vdiff_t: Vec<f64>,
    /// Risk attitude per actor.
    risk: Vec<f64>,
    /// `est[h * na + i]`: h's estimate of i's risk attitude.
    est: Vec<f64>,
    unique: Vec<usize>,
    unique_probs: Vec<f64>,
    actor_probs: Vec<f64>,
}

/// A proposed move of two actors (or an actor's own status quo when `init == rcvr`).
#[derive(Clone)]
struct Bargain {
    init: usize,
    rcvr: usize,
    pos_init: Vec<f64>,
    pos_rcvr: Vec<f64>,
}

/// Utility of a (salience-weighted, normalised) distance `d` for risk attitude `r`.
fn bs_util(d: f64, r: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * r)
    } else {
        (1.0 - d) * (1.0 + r)
    }
}

fn round4(x: f64) -> f64 {
    ((0.5 + x * 10000.0) as i64) as f64 / 10000.0
}

impl<'a> Problem<'a> {
    fn new(input: &ForecastInput, params: &'a SmpParams) -> Result<Self, ForecastError> {
        let na = input.actors.len();
        let nd = input.issues.len();
        if na < 2 {
            return Err(ForecastError::Unsupported {
                model: "smp",
                reason: format!("needs at least 2 actors, found {na}"),
            });
        }
        if nd == 0 {
            return Err(ForecastError::Unsupported {
                model: "smp",
                reason: "needs at least one issue".into(),
            });
        }
        if let Some(a) = &params.accommodation {
            if a.len() != na || a.iter().any(|r| r.len() != na) {
                return Err(ForecastError::InvalidInput(format!(
                    "the accommodation matrix is not {na} × {na}"
                )));
            }
        }
        let mut sal = vec![0.0; na * nd];
        let mut start = vec![0.0; na * nd];
        for (d, is) in input.issues.iter().enumerate() {
            let span = is.max - is.min;
            for a in 0..na {
                if !(0.0..=1.0).contains(&is.salience[a]) {
                    return Err(ForecastError::InvalidInput(format!(
                        "salience {} of actor `{}` on issue `{}` is outside [0, 1]",
                        is.salience[a], input.actors[a], is.id
                    )));
                }
                sal[a * nd + d] = is.salience[a];
                start[a * nd + d] = if span > 0.0 {
                    ((is.position[a] - is.min) / span).clamp(0.0, 1.0)
                } else {
                    0.0
                };
            }
        }
        // KTAB requires an actor's saliences to sum to at most 1 (100 %); larger totals are
        // scaled down to 1, keeping their proportions.
        let mut sal_sum = vec![0.0; na];
        let mut sal_sq = vec![0.0; na];
        for a in 0..na {
            let row = &mut sal[a * nd..(a + 1) * nd];
            let total = row.iter().fold(0.0, |s, x| s + x);
            if total > 1.0 + 1e-9 {
                row.iter_mut().for_each(|x| *x /= total);
            }
            sal_sum[a] = row.iter().fold(0.0, |s, x| s + x);
            sal_sq[a] = row.iter().fold(0.0, |s, x| s + x * x);
        }
        Ok(Problem {
            na,
            nd,
            cap: input.capability.clone(),
            sal,
            weight: (0..na).map(|a| sal_sum[a] * input.capability[a]).collect(),
            sal_sum,
            sal_sq,
            start,
            params,
        })
    }

    /// Salience-weighted distance from actor `i`'s ideal `ideal` to `pos`.
    fn bv_diff(&self, i: usize, ideal: &[f64], pos: &[f64]) -> f64 {
        let nd = self.nd;
        if self.sal_sq[i] <= 0.0 {
            return 0.0;
        }
        let (mut ds, mut ss) = (0.0, 0.0);
        for k in 0..nd {
            let s = self.sal[i * nd + k];
            let x = (ideal[k] - pos[k]) * s;
            ds += x * x;
            ss += s * s;
        }
        (ds / ss).sqrt()
    }

    fn est_risk(&self, rh: f64, ri: f64) -> f64 {
        match self.params.big_r_adjust {
            BigRAdjust::Full => ri,
            BigRAdjust::TwoThirds => (rh + 2.0 * ri) / 3.0,
            BigRAdjust::Half => (rh + ri) / 2.0,
            BigRAdjust::OneThird => (2.0 * rh + ri) / 3.0,
            BigRAdjust::None => rh,
        }
    }

    fn equivalent(&self, p: &Pos, i: usize, j: usize) -> bool {
        let nd = self.nd;
        let mut s = 0.0;
        for k in 0..nd {
            let x = p.pos[i * nd + k] - p.pos[j * nd + k];
            s += x * x;
        }
        s.sqrt() < POSITION_TOLERANCE
    }

    fn evaluate(&self, p: &Pos, pce: &mut Pce) -> Eval {
        let (na, nd) = (self.na, self.nd);
        let mut vdiff = vec![0.0; na * na];
        vdiff.par_chunks_mut(na).enumerate().for_each(|(i, row)| {
            let ideal = &p.ideal[i * nd..(i + 1) * nd];
            for (j, v) in row.iter_mut().enumerate() {
                *v = self.bv_diff(i, ideal, &p.pos[j * nd..(j + 1) * nd]);
            }
        });
        let mut vdiff_t = vec![0.0; na * na];
        for i in 0..na {
            for j in 0..na {
                vdiff_t[j * na + i] = vdiff[i * na + j];
            }
        }
        // Risk-neutral win probabilities, capability-weighted votes over every actor's position.
        let prm = self.params;
        let n = na;
        let mut c = vec![0.0; n * n];
        let rows: Vec<Vec<(f64, f64)>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let col_i = &vdiff_t[i * na..(i + 1) * na];
                (0..i)
                    .map(|j| {
                        let col_j = &vdiff_t[j * na..(j + 1) * na];
                        let (mut cij, mut cji) = (1e-8, 1e-8);
                        for k in 0..n {
                            let v = vote(
                                prm.voting,
                                self.cap[k],
                                bs_util(col_i[k], 0.0),
                                bs_util(col_j[k], 0.0),
                            );
                            if v > 0.0 {
                                cij += v;
                            }
                            if v < 0.0 {
                                cji -= v;
                            }
                        }
                        (cij, cji)
                    })
                    .collect()
            })
            .collect();
        for (i, row) in rows.iter().enumerate() {
            for (j, &(cij, cji)) in row.iter().enumerate() {
                c[i * n + j] = cij;
                c[j * n + i] = cji;
            }
            c[i * n + i] = 1e-8;
        }
        pce.run_coalitions(&c, n, prm.victory, prm.pce);
        let risk = big_r(&pce.p, prm.big_r_range);
        let mut est = vec![0.0; na * na];
        for h in 0..na {
            for i in 0..na {
                est[h * na + i] = self.est_risk(risk[h], risk[i]);
            }
        }
        // Unique positions: greedily, in actor order, against each group's first member.
        let mut unique: Vec<usize> = Vec::new();
        for i in 0..na {
            if !unique.iter().any(|&u| self.equivalent(p, i, u)) {
                unique.push(i);
            }
        }
        // Each actor's own (risk-aware) utility of every unique position.
        let nu = unique.len();
        pce.run(
            na,
            nu,
            &self.cap,
            |k, m| bs_util(vdiff[k * na + unique[m]], est[k * na + k]),
            prm.voting,
            prm.victory,
            prm.pce,
        );
        let unique_probs = pce.p.clone();
        let actor_probs = (0..na)
            .map(|i| {
                let g = (0..nu)
                    .rev()
                    .find(|&g| self.equivalent(p, i, unique[g]))
                    .unwrap_or(0);
                unique_probs[g]
            })
            .collect();
        Eval {
            vdiff,
            vdiff_t,
            risk,
            est,
            unique,
            unique_probs,
            actor_probs,
        }
    }

    /// h's view of the utility to actor `a` of actor `b`'s position.
    #[inline]
    fn u(&self, e: &Eval, h: usize, a: usize, b: usize) -> f64 {
        bs_util(e.vdiff[a * self.na + b], e.est[h * self.na + a])
    }

    /// h's view of every actor's utility of its own position (`unn[n]`, as [`Problem::u`]
    /// gives it), which every challenge h weighs shares.
    fn own_utilities(&self, e: &Eval, h: usize) -> Vec<f64> {
        (0..self.na).map(|n| self.u(e, h, n, n)).collect()
    }

    /// h's estimate of P(i beats j), and of the gain to h from i challenging j; `unn` is
    /// [`Problem::own_utilities`] of h.
    fn challenge(&self, e: &Eval, h: usize, i: usize, j: usize, unn: &[f64]) -> (f64, f64) {
        let prm = self.params;
        let vr = prm.voting;
        let (uii, uij, uji, ujj) = (
            self.u(e, h, i, i),
            self.u(e, h, i, j),
            self.u(e, h, j, i),
            self.u(e, h, j, j),
        );
        let eu_sq = self.u(e, h, h, i) + self.u(e, h, h, j);
        let u_win = self.u(e, h, h, i) + self.u(e, h, h, i);
        let u_lose = self.u(e, h, h, j) + self.u(e, h, h, j);
        let sj = self.sal_sum[j];
        let ci = vote(vr, self.sal_sum[i] * self.cap[i], uii, uij);
        let cj = vote(vr, sj * self.cap[j], uji, ujj);
        let (mut chij, mut chji) = (MIN_CHALLENGE_COALITION, MIN_CHALLENGE_COALITION);
        if ci > 0.0 {
            chij += ci;
        }
        if ci < 0.0 {
            chji -= ci;
        }
        if cj > 0.0 {
            chij += cj;
        }
        if cj < 0.0 {
            chji -= cj;
        }
        let (base_i, base_j) = (chij, chji);
        let na = self.na;
        let (col_i, col_j) = (
            &e.vdiff_t[i * na..(i + 1) * na],
            &e.vdiff_t[j * na..(j + 1) * na],
        );
        let est_h = &e.est[h * na..(h + 1) * na];
        for n in 0..na {
            if n == i || n == j {
                continue;
            }
            let wn = self.weight[n];
            // the same values as self.u(e, h, n, i), self.u(e, h, n, j), self.u(e, h, n, n)
            let (uni, unj, unn) = (
                bs_util(col_i[n], est_h[n]),
                bs_util(col_j[n], est_h[n]),
                unn[n],
            );
            // n's side in the little contest of i, j and n alone.
            let cn = vote(vr, wn, uni, unj);
            let cni = if cn > 0.0 { base_i + cn } else { base_i };
            let cnj = if cn < 0.0 { base_j - cn } else { base_j };
            let pin = cni / (cni + cnj);
            let pjn = 1.0 - pin;
            let (ik_wins, j_wins, i_wins, jk_wins) = match prm.third_party {
                ThirdParty::FullCommit => (
                    uni + uni + uni,
                    unj + unj + unj,
                    uni + uni + uni,
                    unj + unj + unj,
                ),
                ThirdParty::SemiCommit => (
                    uni + uni + unn,
                    unj + unj + unj,
                    uni + uni + uni,
                    unj + unj + unn,
                ),
                ThirdParty::NoCommit => (
                    uni + uni + unn,
                    unj + unj + unn,
                    uni + uni + unn,
                    unj + unj + unn,
                ),
            };
            let with_i = pin * ik_wins + pjn * j_wins;
            let with_j = pin * i_wins + pjn * jk_wins;
            let vn = vote(vr, wn, with_i, with_j);
            if vn > 0.0 {
                chij += vn;
            }
            if vn < 0.0 {
                chji -= vn;
            }
        }
        let phij = chij / (chij + chji);
        let phji = chji / (chij + chji);
        let contest = phij * u_win + phji * u_lose;
        let eu = (1.0 - sj) * u_win + sj * contest;
        (phij, eu - eu_sq)
    }

    /// The bargain i proposes to j, interpolated with win probabilities `pi`, `pj`.
    fn interpolate(&self, p: &Pos, i: usize, j: usize, pi: f64, pj: f64) -> Bargain {
        let nd = self.nd;
        let mut bi = vec![0.0; nd];
        let mut bj = vec![0.0; nd];
        for k in 0..nd {
            let (ti, si) = (p.pos[i * nd + k], self.sal[i * nd + k]);
            let (tj, sj) = (p.pos[j * nd + k], self.sal[j * nd + k]);
            const MIN_W: f64 = 1e-6;
            let (x, y) = match self.params.interp {
                InterVecBrgn::S1P1 | InterVecBrgn::S2P2 => {
                    let (wi, wj) = if self.params.interp == InterVecBrgn::S1P1 {
                        (si * pi, sj * pj)
                    } else {
                        ((si * si) * (pi * pi), (sj * sj) * (pj * pj))
                    };
                    (
                        round4(((wi + MIN_W) * ti + wj * tj) / (wi + MIN_W + wj)),
                        round4((wi * ti + (MIN_W + wj) * tj) / (wi + MIN_W + wj)),
                    )
                }
                InterVecBrgn::S2PMax => {
                    let di = if pj > pi { pj - pi } else { 0.0 };
                    let dj = if pi > pj { pi - pj } else { 0.0 };
                    let (si2, sj2) = (si * si, sj * sj);
                    let dik = (di * sj2) / ((di * sj2) + MIN_W + ((1.0 - di) * si2));
                    let djk = (dj * si2) / ((dj * si2) + MIN_W + ((1.0 - dj) * sj2));
                    (ti + dik * (tj - ti), tj + djk * (ti - tj))
                }
            };
            bi[k] = x;
            bj[k] = y;
        }
        Bargain {
            init: i,
            rcvr: j,
            pos_init: bi,
            pos_rcvr: bj,
        }
    }

    /// The bargains actor `i` proposes this turn (none if no challenge is worth it).
    fn propose(&self, p: &Pos, e: &Eval, i: usize) -> Vec<Bargain> {
        let na = self.na;
        let (mut best, mut best_p, mut best_gain) = (None, 0.0, -1.0);
        let own_i = self.own_utilities(e, i);
        for j in (0..na).filter(|&j| j != i) {
            let (pij, gain) = self.challenge(e, i, i, j, &own_i);
            if MIN_GAIN < gain && best_gain < gain {
                best = Some(j);
                best_p = pij;
                best_gain = gain;
            }
        }
        let Some(j) = best else { return Vec::new() };
        let own = self.interpolate(p, i, j, best_p, 1.0 - best_p);
        match self.params.bargain {
            BargainModel::InitOnlyInterp => vec![own],
            BargainModel::InitRcvrInterp | BargainModel::PWCompInterp => {
                let pj = self.challenge(e, j, i, j, &self.own_utilities(e, j)).0;
                let theirs = self.interpolate(p, i, j, pj, 1.0 - pj);
                if self.params.bargain == BargainModel::InitRcvrInterp {
                    return vec![own, theirs];
                }
                // KTAB weighs both views by capability × total salience; for the receiver's view
                // it takes the initiator's capability (kept as KTAB computes it).
                let wi = self.cap[i] * self.sal_sum[i];
                let wj = self.cap[i] * self.sal_sum[j];
                let mix = |a: &[f64], b: &[f64]| -> Vec<f64> {
                    a.iter()
                        .zip(b)
                        .map(|(x, y)| (wi * x + wj * y) / (wi + wj))
                        .collect()
                };
                vec![Bargain {
                    init: i,
                    rcvr: j,
                    pos_init: mix(&own.pos_init, &theirs.pos_init),
                    pos_rcvr: mix(&own.pos_rcvr, &theirs.pos_rcvr),
                }]
            }
        }
    }

    /// Every actor's average utility over all positions after bargain `b` (indexed by actor).
    fn bargain_utilities(&self, p: &Pos, e: &Eval, b: &Bargain) -> Vec<f64> {
        let (na, nd) = (self.na, self.nd);
        (0..na)
            .map(|a| {
                let ideal = &p.ideal[a * nd..(a + 1) * nd];
                let own = |n: usize| bs_util(e.vdiff[a * na + n], e.est[a * na + a]);
                let mut s = 0.0;
                if b.init == b.rcvr {
                    for n in 0..na {
                        s += own(n);
                    }
                } else {
                    s += bs_util(self.bv_diff(a, ideal, &b.pos_init), e.risk[a]);
                    s += bs_util(self.bv_diff(a, ideal, &b.pos_rcvr), e.risk[a]);
                    for n in 0..na {
                        if n != b.init && n != b.rcvr {
                            s += own(n);
                        }
                    }
                }
                s / na as f64
            })
            .collect()
    }

    /// Which bargain actor `k` takes from its queue; returns k's new position. `avg[m]` is
    /// [`Problem::bargain_utilities`] of `queue[m]`.
    fn choose(
        &self,
        p: &Pos,
        k: usize,
        queue: &[&Bargain],
        avg: &[&[f64]],
        rng_turn: u64,
    ) -> Vec<f64> {
        let (na, nd) = (self.na, self.nd);
        let nb = queue.len();
        let prm = self.params;
        let mut pce = Pce::default();
        pce.run(
            na,
            nb,
            &self.cap,
            |a, m| avg[m][a],
            prm.voting,
            prm.victory,
            prm.pce,
        );
        let m = match prm.transitions {
            Transitions::Deterministic => {
                let mut best = 0;
                let mut top = -1.0;
                for (m, &x) in pce.p.iter().enumerate() {
                    if top < x.abs() {
                        top = x.abs();
                        best = m;
                    }
                }
                best
            }
            Transitions::Stochastic => {
                let mut rng = Pcg64::seed_from_u64(
                    prm.seed
                        ^ rng_turn.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                        ^ (k as u64).rotate_left(32),
                );
                let x: f64 = rng.gen();
                let mut acc = 0.0;
                let mut pick = nb - 1;
                for (m, &q) in pce.p.iter().enumerate() {
                    acc += q;
                    if x <= acc {
                        pick = m;
                        break;
                    }
                }
                pick
            }
        };
        let b = queue[m];
        if b.init == b.rcvr {
            p.pos[k * nd..(k + 1) * nd].to_vec()
        } else if b.init == k {
            b.pos_init.clone()
        } else {
            b.pos_rcvr.clone()
        }
    }

    fn step(&self, p: &Pos, e: &Eval, turn: usize) -> Pos {
        let (na, nd) = (self.na, self.nd);
        let proposals: Vec<Vec<Bargain>> = (0..na)
            .into_par_iter()
            .map(|i| self.propose(p, e, i))
            .collect();
        let status_quo: Vec<Bargain> = (0..na)
            .map(|i| Bargain {
                init: i,
                rcvr: i,
                pos_init: Vec::new(),
                pos_rcvr: Vec::new(),
            })
            .collect();
        // Each bargain's utilities once, though it sits in two queues.
        // Staying put leaves every position as it is, whoever stays: one vector for all.
        let avg_sq = match status_quo.first() {
            Some(b) => self.bargain_utilities(p, e, b),
            None => Vec::new(),
        };
        let flat: Vec<&Bargain> = proposals.iter().flatten().collect();
        let avg_b: Vec<Vec<f64>> = flat
            .par_iter()
            .map(|b| self.bargain_utilities(p, e, b))
            .collect();
        // Actor k's queue: its status quo, then every bargain it is part of, by initiator.
        let mut queues: Vec<Vec<&Bargain>> = status_quo.iter().map(|b| vec![b]).collect();
        let mut avgs: Vec<Vec<&[f64]>> = vec![vec![&avg_sq[..]]; na];
        for (b, u) in flat.iter().zip(&avg_b) {
            queues[b.init].push(b);
            avgs[b.init].push(u);
            queues[b.rcvr].push(b);
            avgs[b.rcvr].push(u);
        }
        let new: Vec<Vec<f64>> = (0..na)
            .into_par_iter()
            .map(|k| self.choose(p, k, &queues[k], &avgs[k], turn as u64))
            .collect();
        let pos: Vec<f64> = new.into_iter().flatten().collect();
        let ideal = match &self.params.accommodation {
            None => pos.clone(),
            Some(a) => {
                let mut ideal = vec![0.0; na * nd];
                for i in 0..na {
                    let mut total = 0.0;
                    let row = &mut ideal[i * nd..(i + 1) * nd];
                    for j in 0..na {
                        total += a[i][j];
                        for k in 0..nd {
                            row[k] += a[i][j] * pos[j * nd + k];
                        }
                    }
                    let lag = 1.0 - total.min(1.0);
                    for k in 0..nd {
                        row[k] += lag * p.ideal[i * nd + k];
                    }
                }
                ideal
            }
        };
        Pos { pos, ideal }
    }

    fn distance(&self, a: &Pos, b: &Pos) -> f64 {
        let nd = self.nd;
        let mut total = 0.0;
        for i in 0..self.na {
            let mut s = 0.0;
            for k in 0..nd {
                let x = b.pos[i * nd + k] - a.pos[i * nd + k];
                s += x * x;
            }
            total += s.sqrt();
        }
        total
    }

    fn snapshot(&self, p: &Pos, e: Eval) -> SmpState {
        let nd = self.nd;
        let mut expected = vec![0.0; nd];
        for (g, &u) in e.unique.iter().enumerate() {
            for (k, x) in expected.iter_mut().enumerate() {
                *x += e.unique_probs[g] * p.pos[u * nd + k];
            }
        }
        SmpState {
            positions: p.pos.chunks(nd).map(<[f64]>::to_vec).collect(),
            risk: e.risk,
            unique: e.unique,
            unique_probs: e.unique_probs,
            actor_probs: e.actor_probs,
            expected,
        }
    }

    fn run(&self, watch: Watch<'_>) -> Result<SmpRun, ForecastError> {
        let mut pce = Pce::default();
        let mut cur = Pos {
            pos: self.start.clone(),
            ideal: self.start.clone(),
        };
        let mut eval = self.evaluate(&cur, &mut pce);
        let mut states = Vec::new();
        let mut fractional_change = Vec::new();
        let mut first = 0.0;
        let mut converged = false;
        for turn in 1..=self.params.max_turns {
            watch.step()?;
            let next = self.step(&cur, &eval, turn);
            let next_eval = self.evaluate(&next, &mut pce);
            let moved = self.distance(&cur, &next);
            if turn == 1 {
                first = moved + MIN_SIG_DELTA;
            }
            let ratio = moved / first;
            fractional_change.push(ratio);
            states.push(self.snapshot(&cur, std::mem::replace(&mut eval, next_eval)));
            cur = next;
            if turn >= MIN_TURNS && ratio < MIN_DELTA_RATIO {
                converged = true;
                break;
            }
        }
        states.push(self.snapshot(&cur, eval));
        Ok(SmpRun {
            states,
            fractional_change,
            converged,
        })
    }
}

/// Risk attitudes from win probabilities, mapped linearly onto the chosen range.
fn big_r(p: &[f64], range: BigRRange) -> Vec<f64> {
    let (mut lo, mut hi) = (1.0f64, 0.0f64);
    for &x in p {
        lo = if x < lo { x } else { lo };
        hi = if x > hi { x } else { hi };
    }
    if hi - lo <= 0.0 {
        return vec![0.0; p.len()];
    }
    p.iter()
        .map(|&x| match range {
            BigRRange::Min => (x - lo) / (hi - lo),
            BigRRange::Mid => (3.0 * x - (hi + 2.0 * lo)) / (2.0 * (hi - lo)),
            BigRRange::Max => (2.0 * x - (hi + lo)) / (hi - lo),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IssueInput;

    fn input(cap: &[f64], pos: &[&[f64]], sal: &[&[f64]]) -> ForecastInput {
        let nd = pos[0].len();
        ForecastInput {
            actors: (0..cap.len()).map(|i| format!("a{i}")).collect(),
            capability: cap.to_vec(),
            issues: (0..nd)
                .map(|d| IssueInput {
                    id: format!("d{d}"),
                    min: 0.0,
                    max: 100.0,
                    options: None,
                    status_quo: 50.0,
                    position: pos.iter().map(|p| p[d]).collect(),
                    salience: sal.iter().map(|s| s[d]).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn risk_attitudes_span_the_range() {
        let r = big_r(&[0.1, 0.3, 0.6], BigRRange::Mid);
        assert!((r[0] + 0.5).abs() < 1e-12 && (r[2] - 1.0).abs() < 1e-12);
        let r = big_r(&[0.1, 0.3, 0.6], BigRRange::Max);
        assert!((r[0] + 1.0).abs() < 1e-12 && (r[2] - 1.0).abs() < 1e-12);
        assert_eq!(big_r(&[0.5, 0.5], BigRRange::Mid), vec![0.0, 0.0]);
    }

    #[test]
    fn utility_is_linear_when_risk_neutral() {
        assert_eq!(bs_util(0.25, 0.0), 0.75);
        assert_eq!(bs_util(0.5, 1.0), 0.75);
        assert_eq!(bs_util(0.5, -1.0), 0.25);
        assert_eq!(round4(0.123_45), 0.1235);
        assert_eq!(round4(0.123_44), 0.1234);
    }

    #[test]
    fn one_dimension_bargain_by_hand() {
        // Two actors on one issue with saliences 1 and 0.5 and win probability 0.8 for the
        // first: S2P2 weights are 1·0.64 and 0.25·0.04.
        let inp = input(
            &[1.0, 1.0, 1.0],
            &[&[20.0], &[80.0], &[50.0]],
            &[&[1.0], &[0.5], &[0.5]],
        );
        let prm = SmpParams::default();
        let pb = Problem::new(&inp, &prm).expect("ok");
        let p = Pos {
            pos: pb.start.clone(),
            ideal: pb.start.clone(),
        };
        let b = pb.interpolate(&p, 0, 1, 0.8, 0.2);
        let (wi, wj) = (0.64, 0.25 * 0.04);
        let bi = ((wi + 1e-6) * 0.2 + wj * 0.8) / (wi + 1e-6 + wj);
        let bj = (wi * 0.2 + (1e-6 + wj) * 0.8) / (wi + 1e-6 + wj);
        assert!((b.pos_init[0] - bi).abs() <= 0.5e-4 && (b.pos_rcvr[0] - bj).abs() <= 0.5e-4);
        assert_eq!(b.pos_init[0], round4(bi));
    }

    #[test]
    fn a_run_stays_in_range_and_probabilities_sum_to_one() {
        let inp = input(
            &[100.0, 60.0, 40.0, 80.0, 20.0],
            &[
                &[10.0, 90.0],
                &[80.0, 20.0],
                &[50.0, 50.0],
                &[30.0, 70.0],
                &[95.0, 5.0],
            ],
            &[
                &[0.6, 0.3],
                &[0.5, 0.5],
                &[0.3, 0.2],
                &[0.7, 0.1],
                &[0.4, 0.4],
            ],
        );
        let run = Smp::default().run(&inp).expect("runs");
        assert!(run.states.len() >= 3 && run.states.len() <= 101);
        for s in &run.states {
            let total: f64 = s.unique_probs.iter().sum();
            assert!((total - 1.0).abs() < 1e-9);
            assert!(s
                .positions
                .iter()
                .flatten()
                .all(|x| (0.0..=1.0).contains(x)));
            assert!(s
                .risk
                .iter()
                .all(|r| (-0.5 - 1e-12..=1.0 + 1e-12).contains(r)));
        }
        let f = Smp::default().forecast(&inp).expect("runs");
        assert_eq!(f.rounds.len(), run.states.len() - 1);
        assert!(f.outcomes.iter().all(|x| (0.0..=100.0).contains(x)));
        // round 0 is the expected outcome of the input positions, on the issues' 0–100 scale
        assert_eq!(f.start.len(), 2);
        for (d, x) in f.start.iter().enumerate() {
            assert!((x - 100.0 * run.states[0].expected[d]).abs() < 1e-9);
        }
    }

    #[test]
    fn all_actors_at_one_point_stay_there() {
        let inp = input(
            &[1.0, 2.0, 3.0],
            &[&[40.0], &[40.0], &[40.0]],
            &[&[0.5], &[0.5], &[0.5]],
        );
        let f = Smp::default().forecast(&inp).expect("runs");
        assert!((f.outcomes[0] - 40.0).abs() < 1e-9, "{:?}", f.outcomes);
    }
}
