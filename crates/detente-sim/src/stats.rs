//! Many runs: probabilities with intervals, settled values, convergence, and the tornado.

use std::collections::HashMap;

use detente_core::limits::MAX_RUNS;
use detente_core::Scenario;
use detente_negotiate::scenario::ProtocolKind;
use rayon::prelude::*;
use serde::Serialize;

use crate::classify::Class;
use crate::draw::param_paths;
use crate::dynamics::params::Params;
use crate::run::{run_one, RunRecord};
use crate::SimError;

/// How to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Number of runs.
    pub runs: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: rayon's default).
    pub threads: Option<usize>,
    /// Protocol override (`None`: the scenario's default).
    pub protocol: Option<ProtocolKind>,
    /// Global parameters of the dynamics (default: the shipped calibration).
    pub params: Params,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            runs: 1000,
            seed: 1,
            threads: None,
            protocol: None,
            params: Params::default(),
        }
    }
}

/// One outcome class's probability with its 95 % Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outcome {
    /// Share of runs in this class.
    pub p: f64,
    /// 95 % Wilson score interval.
    pub ci: [f64; 2],
    /// Number of runs in this class.
    pub count: usize,
    /// Runs needed for a 95 % half-width of ±1 percentage point at this p.
    pub runs_for_1pct: usize,
}

/// Distribution of one issue's settled value over runs that settled it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueStat {
    /// Issue id.
    pub id: String,
    /// Runs that settled the issue.
    pub n: usize,
    /// Mean settled value (scale value or option index).
    pub mean: Option<f64>,
    /// 10th percentile.
    pub p10: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// How the settled values spread: (option index, runs) per option of a discrete issue, or
    /// (bin centre, runs) for ten equal bins over a continuous issue's range.
    pub histogram: Vec<(f64, usize)>,
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    /// Runs made.
    pub runs: usize,
    /// Master seed.
    pub seed: u64,
    /// Share of runs in each class, in the order deal, interim, stalemate, breakdown.
    pub outcomes: Vec<(Class, Outcome)>,
    /// Calibrated probability of each class (same order): the shares mixed with the uniform
    /// distribution by the fitted `shrink` (the model's measured overconfidence).
    pub calibrated: Vec<(Class, f64)>,
    /// Settled values per issue, in scenario order.
    pub issues: Vec<IssueStat>,
    /// Mean scenario round at which deals and interim packages were reached (`None` if none).
    pub mean_rounds: Option<f64>,
    /// Mean utility per party (id, mean utility).
    pub utilities: Vec<(String, f64)>,
    /// Share of runs in which each event fired (id, share).
    pub events: Vec<(String, f64)>,
    /// Runs needed for ±1 percentage point on every class probability.
    pub runs_for_1pct: usize,
    /// Cumulative share of runs settled in each class by the end of each round (the last
    /// entry equals the class probabilities).
    pub by_round: Vec<ByRound>,
    /// How runs ended in breakdown: cause id (`threat:<id>`, `walkout:<actor>`,
    /// `escalation:<actor>`, `spoiler:<actor>`, `event:<id>`) with its share of all runs,
    /// largest first.
    pub causes: Vec<(String, Share)>,
}

/// Cumulative shares of runs ended in each class by the end of one round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ByRound {
    /// Scenario round (1-based).
    pub round: u32,
    /// Share of runs ended in a deal by the end of this round.
    pub deal: f64,
    /// … in an interim understanding.
    pub interim: f64,
    /// … in stalemate (only at the last round: the window closing).
    pub stalemate: f64,
    /// … in breakdown.
    pub breakdown: f64,
}

/// A share of runs with its 95 % Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Share of all runs.
    pub p: f64,
    /// 95 % Wilson score interval.
    pub ci: [f64; 2],
    /// Mean scenario round at which these runs ended.
    pub mean_round: f64,
}

impl SimResult {
    /// The probability of a class.
    pub fn p(&self, c: Class) -> f64 {
        self.outcomes
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, o)| o.p)
            .unwrap_or(0.0)
    }
}

/// 95 % Wilson score interval for k successes in n trials.
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (z, n_f) = (1.959_963_984_540_054_f64, n as f64);
    let p = k as f64 / n_f;
    let den = 1.0 + z * z / n_f;
    let center = (p + z * z / (2.0 * n_f)) / den;
    let half = z * (p * (1.0 - p) / n_f + z * z / (4.0 * n_f * n_f)).sqrt() / den;
    // The exact bounds at k = 0 and k = n are 0 and 1; rounding must not move them past p.
    let lo = if k == 0 {
        0.0
    } else {
        (center - half).clamp(0.0, p)
    };
    let hi = if k == n {
        1.0
    } else {
        (center + half).clamp(p, 1.0)
    };
    [lo, hi]
}

/// Settled values counted per option (discrete issue) or in ten equal bins (continuous).
fn histogram(is: &detente_core::Issue, values: &[f64]) -> Vec<(f64, usize)> {
    let (lo, hi) = is.range();
    let bins = if is.is_discrete() {
        (hi - lo) as usize + 1
    } else {
        10
    };
    let width = if is.is_discrete() {
        1.0
    } else {
        (hi - lo) / bins as f64
    };
    let mut counts = vec![0usize; bins];
    for &x in values {
        let k = if is.is_discrete() {
            x.round() - lo
        } else if width > 0.0 {
            ((x - lo) / width).floor()
        } else {
            0.0
        };
        counts[(k.max(0.0) as usize).min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            let x = if is.is_discrete() {
                lo + k as f64
            } else {
                lo + (k as f64 + 0.5) * width
            };
            (x, c)
        })
        .collect()
}

fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, SimError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build()
        .map_err(|_| SimError::Threads(threads.unwrap_or(0)))
}

/// Runs every future (in parallel, results in run order).
fn runs(
    s: &Scenario,
    cfg: &SimConfig,
    overrides: &HashMap<String, f64>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<RunRecord>, SimError> {
    runs_in(s, cfg, 0..cfg.runs as u64, overrides, progress)
}

/// Runs futures `range` (in parallel, results in run order): run k is the same whichever range
/// and thread count it is made in.
pub(crate) fn runs_in(
    s: &Scenario,
    cfg: &SimConfig,
    range: std::ops::Range<u64>,
    overrides: &HashMap<String, f64>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<RunRecord>, SimError> {
    pool(cfg.threads)?.install(|| {
        range
            .into_par_iter()
            .map(|i| {
                let r = run_one(s, cfg.protocol, cfg.seed, i, overrides, &cfg.params);
                progress();
                r
            })
            .collect()
    })
}

/// The statistics of `records` (runs 0, 1, … in run order, as [`simulate`] makes them; see
/// [`crate::reduce`] for records made in chunks). `cfg` gives the seed reported and the
/// calibration; the number of runs is `records.len()`.
pub fn summarise(s: &Scenario, cfg: &SimConfig, records: &[RunRecord]) -> SimResult {
    let n = records.len();
    let outcomes: Vec<(Class, Outcome)> = Class::ALL
        .iter()
        .map(|&c| {
            let k = records.iter().filter(|r| r.class == c).count();
            let p = if n > 0 { k as f64 / n as f64 } else { 0.0 };
            let need = (1.959_963_984_540_054_f64.powi(2) * p * (1.0 - p) / 1e-4).ceil() as usize;
            (
                c,
                Outcome {
                    p,
                    ci: wilson(k, n),
                    count: k,
                    runs_for_1pct: need,
                },
            )
        })
        .collect();
    let issues = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, is)| {
            let mut v: Vec<f64> = records.iter().filter_map(|r| r.values[i]).collect();
            v.sort_by(f64::total_cmp);
            let mean = (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
            IssueStat {
                id: is.id.clone(),
                n: v.len(),
                mean,
                p10: percentile(&v, 0.1),
                p90: percentile(&v, 0.9),
                histogram: histogram(is, &v),
            }
        })
        .collect();
    let settled: Vec<u32> = records
        .iter()
        .filter(|r| matches!(r.class, Class::Deal | Class::Interim))
        .map(|r| r.rounds)
        .collect();
    let mean_rounds = (!settled.is_empty())
        .then(|| settled.iter().map(|&r| r as f64).sum::<f64>() / settled.len() as f64);
    let parties: Vec<&str> = s.parties().map(|a| s.actors[a].id.as_str()).collect();
    let utilities = parties
        .iter()
        .enumerate()
        .map(|(p, id)| {
            let m = if n > 0 {
                records
                    .iter()
                    .map(|r| r.utilities.get(p).copied().unwrap_or(0.0))
                    .sum::<f64>()
                    / n as f64
            } else {
                0.0
            };
            (id.to_string(), m)
        })
        .collect();
    let events = s
        .events
        .iter()
        .enumerate()
        .map(|(k, e)| {
            (
                e.id.clone(),
                if n > 0 {
                    records.iter().filter(|r| r.fired[k]).count() as f64 / n as f64
                } else {
                    0.0
                },
            )
        })
        .collect();
    let runs_for_1pct = outcomes
        .iter()
        .map(|(_, o)| o.runs_for_1pct)
        .max()
        .unwrap_or(0);
    let last = s.protocol.rounds.max(1);
    let by_round = (1..=last)
        .map(|round| {
            let share = |c: Class| {
                if n == 0 {
                    return 0.0;
                }
                let k = records
                    .iter()
                    .filter(|r| r.class == c && r.rounds.min(last) <= round)
                    .count();
                k as f64 / n as f64
            };
            ByRound {
                round,
                deal: share(Class::Deal),
                interim: share(Class::Interim),
                stalemate: share(Class::Stalemate),
                breakdown: share(Class::Breakdown),
            }
        })
        .collect();
    let mut counts: HashMap<&str, (usize, u64)> = HashMap::new();
    for r in records {
        if let Some(c) = &r.cause {
            let e = counts.entry(c.as_str()).or_default();
            e.0 += 1;
            e.1 += u64::from(r.rounds);
        }
    }
    let mut causes: Vec<(String, Share)> = counts
        .into_iter()
        .map(|(c, (k, rounds))| {
            (
                c.to_string(),
                Share {
                    p: k as f64 / n.max(1) as f64,
                    ci: wilson(k, n),
                    mean_round: rounds as f64 / k.max(1) as f64,
                },
            )
        })
        .collect();
    causes.sort_by(|a, b| b.1.p.total_cmp(&a.1.p).then_with(|| a.0.cmp(&b.0)));
    let shares = [0, 1, 2, 3].map(|k| outcomes[k].1.p);
    let calibrated = Class::ALL
        .iter()
        .copied()
        .zip(cfg.params.calibrate(shares))
        .collect();
    SimResult {
        runs: n,
        seed: cfg.seed,
        outcomes,
        calibrated,
        issues,
        mean_rounds,
        utilities,
        events,
        runs_for_1pct,
        by_round,
        causes,
    }
}

/// Simulates `cfg.runs` futures of `s`; `progress` is called once per finished run.
pub fn simulate(
    s: &Scenario,
    cfg: &SimConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<SimResult, SimError> {
    let records = runs(s, cfg, &HashMap::new(), progress)?;
    Ok(summarise(s, cfg, &records))
}

/// One input's effect in the tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Parameter path (`actors.iran.batna`, `events.military_strike.probability`, …).
    pub input: String,
    /// Value used for the low variant.
    pub low: f64,
    /// Value used for the high variant.
    pub high: f64,
    /// P(deal) with the input at its low value.
    pub p_deal_low: f64,
    /// P(deal) with the input at its high value.
    pub p_deal_high: f64,
    /// P(deal, high) − P(deal, low).
    pub delta_p_deal: f64,
    /// P(breakdown, high) − P(breakdown, low).
    pub delta_p_breakdown: f64,
    /// P(breakdown) with the input at its low value.
    pub p_breakdown_low: f64,
    /// P(breakdown) with the input at its high value.
    pub p_breakdown_high: f64,
}

/// A sensitivity analysis: factors ranked by effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tornado {
    /// Runs per variant.
    pub runs: usize,
    /// P(deal) of the unchanged scenario with the same runs.
    pub p_deal_base: f64,
    /// P(breakdown) of the unchanged scenario.
    pub p_breakdown_base: f64,
    /// Factors, largest effect first.
    pub factors: Vec<Factor>,
}

/// Varies every uncertain input and every event probability to its low and high value (all
/// other inputs drawn as usual, with the same random numbers), and ranks them by how much they
/// move P(deal) and P(breakdown). `progress` is called once per variant.
pub fn sensitivity(
    s: &Scenario,
    cfg: &SimConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<Tornado, SimError> {
    let paths = param_paths(s);
    let variants = 2 * paths.len() + 1;
    let futures = cfg.runs.saturating_mul(variants);
    if futures > MAX_RUNS {
        return Err(SimError::TooLarge(format!(
            "sensitivity would simulate {futures} futures ({} runs for each of {variants} variants: {} inputs at their low and high values, and the base), above the limit of {MAX_RUNS} futures per job; use at most {} runs per variant, or fix some inputs (see docs/limits.md)",
            cfg.runs,
            paths.len(),
            MAX_RUNS / variants
        )));
    }
    let quiet = || {};
    let base = summarise(s, cfg, &runs(s, cfg, &HashMap::new(), &quiet)?);
    let mut factors = Vec::new();
    for (path, lo, hi) in paths {
        let mut ps = Vec::new();
        for v in [lo, hi] {
            let mut ov = HashMap::new();
            ov.insert(path.clone(), v);
            let r = summarise(s, cfg, &runs(s, cfg, &ov, &quiet)?);
            ps.push((r.p(Class::Deal), r.p(Class::Breakdown)));
            progress();
        }
        factors.push(Factor {
            input: path,
            low: lo,
            high: hi,
            p_deal_low: ps[0].0,
            p_deal_high: ps[1].0,
            delta_p_deal: ps[1].0 - ps[0].0,
            delta_p_breakdown: ps[1].1 - ps[0].1,
            p_breakdown_low: ps[0].1,
            p_breakdown_high: ps[1].1,
        });
    }
    factors.sort_by(|a, b| {
        let ea = a.delta_p_deal.abs().max(a.delta_p_breakdown.abs());
        let eb = b.delta_p_deal.abs().max(b.delta_p_breakdown.abs());
        eb.total_cmp(&ea).then_with(|| a.input.cmp(&b.input))
    });
    Ok(Tornado {
        runs: cfg.runs,
        p_deal_base: base.p(Class::Deal),
        p_breakdown_base: base.p(Class::Breakdown),
        factors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitivity_refuses_more_futures_than_one_job_may_run() {
        let s = detente_core::builtin::muscat();
        let variants = 2 * param_paths(&s).len() + 1;
        let cfg = |runs| SimConfig {
            runs,
            seed: 1,
            threads: Some(1),
            protocol: None,
            params: Params::default(),
        };
        let too_many = MAX_RUNS / variants + 1;
        match sensitivity(&s, &cfg(too_many), &|| panic!("no run may start")) {
            Err(SimError::TooLarge(m)) => {
                assert!(
                    m.contains(&format!("at most {}", MAX_RUNS / variants)),
                    "{m}"
                )
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(sensitivity(&s, &cfg(1), &|| {}).is_ok());
    }

    #[test]
    fn wilson_covers_the_estimate() {
        for (k, n) in [(0, 10), (5, 10), (10, 10), (1, 1000)] {
            let [lo, hi] = wilson(k, n);
            let p = k as f64 / n as f64;
            assert!(lo <= p && p <= hi && (0.0..=1.0).contains(&lo) && hi <= 1.0);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        #[test]
        fn probabilities_sum_to_one_and_intervals_cover(seed in 0u64..1000) {
            let s = detente_core::builtin::muscat();
            let r = simulate(&s, &SimConfig { runs: 24, seed, threads: Some(1), protocol: None, params: Params::default() }, &|| {}).expect("runs");
            let total: f64 = r.outcomes.iter().map(|(_, o)| o.p).sum();
            proptest::prop_assert!((total - 1.0).abs() < 1e-12);
            for (_, o) in &r.outcomes {
                proptest::prop_assert!(o.ci[0] <= o.p && o.p <= o.ci[1]);
                proptest::prop_assert!(0.0 <= o.ci[0] && o.ci[1] <= 1.0);
            }
        }
    }

    #[test]
    fn results_are_identical_whatever_the_thread_count() {
        let s = detente_core::builtin::muscat();
        let one = simulate(
            &s,
            &SimConfig {
                runs: 60,
                seed: 9,
                threads: Some(1),
                protocol: None,
                params: Params::default(),
            },
            &|| {},
        )
        .expect("runs");
        let two = simulate(
            &s,
            &SimConfig {
                runs: 60,
                seed: 9,
                threads: Some(2),
                protocol: None,
                params: Params::default(),
            },
            &|| {},
        )
        .expect("runs");
        assert_eq!(
            serde_json::to_string(&one).expect("json"),
            serde_json::to_string(&two).expect("json")
        );
        let other = simulate(
            &s,
            &SimConfig {
                runs: 60,
                seed: 10,
                threads: Some(2),
                protocol: None,
                params: Params::default(),
            },
            &|| {},
        )
        .expect("runs");
        assert_ne!(
            serde_json::to_string(&one).expect("json"),
            serde_json::to_string(&other).expect("json")
        );
    }
}
