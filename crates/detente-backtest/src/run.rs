//! Running a backtest: each case's scenario through the simulation (with parameters never
//! fitted on that case) and the forecasting models, scored against its outcome; and the
//! leave-one-out calibration of the simulation's global parameters.
//!
//! The models and the simulation see only `scenario.toml`; `outcome.toml` is read afterwards,
//! for scoring (a test removes it and checks the probabilities do not change).

use std::path::Path;

use detente_core::format::{parse_toml_bytes, to_toml};
use detente_core::Scenario;
use detente_forecast::{Bdm, BdmParams, ForecastInput, Mean, Median, Model, Nash, Smp};
use detente_sim::dynamics::params::{hash_bytes, HeldOut};
use detente_sim::{Calibration, Class, Params, SimConfig};
use serde::Serialize;

use crate::cases::{discover, load_outcome};
use crate::metrics::{bootstrap_mean_ci, brier, log_score, murphy, reliability, Bin, Murphy};
use crate::outcome::{Class4, Outcome, Status};
use crate::{base_rate, issue_baselines, issue_error_pct, loo_select, status_quo, uniform};
use crate::{fit_all, BacktestError};

/// One case, loaded.
#[derive(Debug, Clone)]
pub struct Case {
    /// Folder name.
    pub id: String,
    /// The scenario as of the start of the talks.
    pub scenario: Scenario,
    /// Hash of the scenario the file describes (ties a calibration to the inputs it saw).
    pub hash: String,
    /// What happened (`None` only when loaded for prediction alone).
    pub outcome: Option<Outcome>,
}

/// Loads every case under `dir` (scenario first, then, separately, its outcome).
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, BacktestError> {
    let mut out = Vec::new();
    for f in discover(dir)? {
        let (scenario, hash) = load_scenario(&f.scenario_path)?;
        let outcome = match &f.outcome_path {
            Some(p) => Some(load_outcome(p, &scenario)?.0),
            None => None,
        };
        out.push(Case {
            id: f.id,
            scenario,
            hash,
            outcome,
        });
    }
    Ok(out)
}

/// Reads a case scenario and hashes the model it describes.
pub fn load_scenario(path: &Path) -> Result<(Scenario, String), BacktestError> {
    let bytes = std::fs::read(path).map_err(|source| BacktestError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let (s, _) = parse_toml_bytes(&bytes, &path.display().to_string())?;
    // The hash is of the model the file describes (written back canonically), so comments and
    // formatting do not make a calibration stale; any changed input does.
    let hash = hash_bytes(to_toml(&s).as_bytes());
    Ok((s, hash))
}

/// How to run a backtest.
#[derive(Debug, Clone)]
pub struct BacktestConfig {
    /// Simulated futures per case.
    pub runs: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// The calibration whose held-out parameters score each case.
    pub calibration: Calibration,
}

/// Which parameters scored a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamsUsed {
    /// Fitted on every other case (leave-one-out): out of sample.
    HeldOut,
    /// The calibration never saw this case (fitted on others, or the prior): out of sample.
    Unseen,
    /// The calibration saw this case's file, or an older version of it, and holds no
    /// held-out fit for it: in sample; rerun `detente calibrate`.
    Stale,
}

/// The simulation's class shares (deal, interim, stalemate, breakdown) for one scenario.
pub fn predict(s: &Scenario, params: &Params, cfg: &BacktestConfig) -> Result<[f64; 4], String> {
    predict_with_issues(s, params, cfg).map(|(p, _)| p)
}

/// The class shares and each issue's mean settled value (over runs that settled it).
fn predict_with_issues(
    s: &Scenario,
    params: &Params,
    cfg: &BacktestConfig,
) -> Result<([f64; 4], Vec<Option<f64>>), String> {
    let sim = SimConfig {
        runs: cfg.runs,
        seed: cfg.seed,
        threads: cfg.threads,
        protocol: None,
        params: *params,
    };
    let r = detente_sim::simulate(s, &sim, &|| {}).map_err(|e| e.to_string())?;
    let p = Class::ALL.map(|c| r.p(c));
    Ok((p, r.issues.iter().map(|i| i.mean).collect()))
}

/// One issue of one case: the actual settled value against every prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueScore {
    /// Issue id.
    pub id: String,
    /// settled, deferred or unsettled.
    pub status: String,
    /// The settled value (scale value or option index), when settled.
    pub actual: Option<f64>,
    /// Predictions: (model, predicted value, error in % of the issue's range). Models:
    /// `simulation` (mean settled value over runs that settled it), `mean`, `median`, `nash`,
    /// `bdm`, `smp`, and the baselines `status_quo` and `midpoint`.
    pub predictions: Vec<(String, f64, Option<f64>)>,
}

/// One case's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseScore {
    /// Case id.
    pub id: String,
    /// Calibrated probabilities (deal, interim, stalemate, breakdown): what is scored.
    pub p: [f64; 4],
    /// The simulation's raw class shares, before `shrink`.
    pub shares: [f64; 4],
    /// The actual class.
    pub actual: String,
    /// Multi-class Brier score (0 best, 2 worst).
    pub brier: f64,
    /// Log score: ln of the probability given to what happened (0 best).
    pub log_score: f64,
    /// Which parameters scored it.
    pub params: ParamsUsed,
    /// Per issue.
    pub issues: Vec<IssueScore>,
}

/// A mean with its 95 % bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanCi {
    /// Mean over cases.
    pub mean: f64,
    /// 95 % percentile bootstrap interval (2,000 resamples, fixed seed).
    pub ci: [f64; 2],
}

/// Scores of one forecaster over all cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Mean Brier score.
    pub brier: MeanCi,
    /// Mean log score.
    pub log_score: MeanCi,
}

/// A backtest's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of cases.
    pub cases: usize,
    /// detente's calibrated probabilities, out of sample.
    pub detente: Scores,
    /// The simulation's raw class shares (no `shrink`), with the same held-out dynamics.
    pub detente_raw: Scores,
    /// Baselines on the same cases: `uniform`, `base_rate`, `status_quo`.
    pub baselines: Vec<(String, Scores)>,
    /// Reliability table (every case × class pair, one-vs-rest).
    pub reliability: Vec<Bin>,
    /// Murphy decomposition of the one-vs-rest Brier score by the same bins.
    pub murphy: Murphy,
    /// Mean issue error in % of range per predictor over settled issues: (predictor, mean, n).
    pub issue_errors: Vec<(String, f64, usize)>,
}

/// A whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// Per case, in folder order.
    pub cases: Vec<CaseScore>,
    /// The summary.
    pub summary: Summary,
}

fn mean_ci(v: &[f64], seed: u64) -> MeanCi {
    MeanCi {
        mean: v.iter().sum::<f64>() / v.len().max(1) as f64,
        ci: bootstrap_mean_ci(v, 2000, seed),
    }
}

fn scores(preds: &[[f64; 4]], actual: &[usize], seed: u64) -> Scores {
    let b: Vec<f64> = preds
        .iter()
        .zip(actual)
        .map(|(p, &a)| brier(p, a))
        .collect();
    let l: Vec<f64> = preds
        .iter()
        .zip(actual)
        .map(|(p, &a)| log_score(p, a))
        .collect();
    Scores {
        brier: mean_ci(&b, seed),
        log_score: mean_ci(&l, seed),
    }
}

/// The parameters that score `case` out of sample, and how they were obtained.
pub fn params_for(cal: &Calibration, case: &Case) -> (Params, ParamsUsed) {
    if let Some(p) = cal.held_out_for(&case.id, &case.hash) {
        return (p, ParamsUsed::HeldOut);
    }
    if cal.held_out.iter().any(|h| h.case == case.id) {
        (cal.params, ParamsUsed::Stale)
    } else {
        (cal.params, ParamsUsed::Unseen)
    }
}

fn forecasts(s: &Scenario) -> Vec<(String, Vec<f64>)> {
    let input = ForecastInput::from_scenario(s);
    let models: Vec<Box<dyn Model>> = vec![
        Box::new(Mean),
        Box::new(Median),
        Box::new(Nash),
        Box::new(Bdm::new(BdmParams::default())),
        Box::new(Smp::default()),
    ];
    models
        .iter()
        .filter_map(|m| {
            m.forecast(&input)
                .ok()
                .map(|f| (m.id().to_string(), f.outcomes))
        })
        .collect()
}

/// Scores every case (simulating it with parameters never fitted on it, and forecasting its
/// issues with every model) and summarises the scores. `progress` is called once per case.
pub fn backtest(
    cases: &[Case],
    cfg: &BacktestConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<Backtest, BacktestError> {
    let mut scores = Vec::with_capacity(cases.len());
    for case in cases {
        scores.push(score_case(case, cfg)?);
        progress();
    }
    summarise(scores, cfg.seed)
}

/// The case's outcome, which scoring and calibration need.
fn outcome_of(case: &Case) -> Result<&Outcome, BacktestError> {
    case.outcome
        .as_ref()
        .ok_or_else(|| BacktestError::MissingOutcome {
            dir: case.id.clone(),
            ids: vec![case.id.clone()],
        })
}

/// Scores one case: its calibrated and raw class probabilities against what happened, and
/// each predictor's error on each issue. A case's score depends on no other case, so cases
/// can be scored apart (other processes or machines) and summarised together.
pub fn score_case(case: &Case, cfg: &BacktestConfig) -> Result<CaseScore, BacktestError> {
    let outcome = outcome_of(case)?;
    let (params, used) = params_for(&cfg.calibration, case);
    let (shares, sim_values) = predict_with_issues(&case.scenario, &params, cfg)
        .map_err(|e| BacktestError::Simulation(case.id.clone(), e))?;
    let p = params.calibrate(shares);
    let actual = outcome.class.index();
    let models = forecasts(&case.scenario);
    let mut issues = Vec::new();
    for io in &outcome.issues {
        let is = &case.scenario.issues[io.issue];
        let actual_v = io.value.filter(|_| io.status == Status::Settled);
        let (sq, mid) = issue_baselines(&case.scenario, io.issue);
        let mut predictions = Vec::new();
        let mut push = |name: &str, x: f64| {
            let err = actual_v.map(|a| issue_error_pct(is, x, a));
            predictions.push((name.to_string(), x, err));
        };
        if let Some(x) = sim_values[io.issue] {
            push("simulation", x);
        }
        for (m, xs) in &models {
            if let Some(&x) = xs.get(io.issue) {
                push(m, x);
            }
        }
        push("status_quo", sq);
        push("midpoint", mid);
        issues.push(IssueScore {
            id: is.id.clone(),
            status: io.status.as_str().to_string(),
            actual: actual_v,
            predictions,
        });
    }
    Ok(CaseScore {
        id: case.id.clone(),
        p,
        shares,
        actual: outcome.class.as_str().to_string(),
        brier: brier(&p, actual),
        log_score: log_score(&p, actual),
        params: used,
        issues,
    })
}

/// The backtest of scored cases (in folder order): scores of detente, its raw shares and the
/// baselines with bootstrap intervals (resampled under `seed`), reliability, Murphy's
/// decomposition and the mean issue error per predictor. Fails on a score whose actual class
/// is not one of the four.
pub fn summarise(cases: Vec<CaseScore>, seed: u64) -> Result<Backtest, BacktestError> {
    let actuals = cases
        .iter()
        .map(|c| {
            Class4::from_name(&c.actual)
                .map(|a| a.index())
                .ok_or_else(|| {
                    BacktestError::Simulation(c.id.clone(), format!("unknown class `{}`", c.actual))
                })
        })
        .collect::<Result<Vec<usize>, _>>()?;
    let mut issue_err: Vec<(String, f64, usize)> = Vec::new();
    for (name, e) in cases
        .iter()
        .flat_map(|c| &c.issues)
        .flat_map(|i| &i.predictions)
        .filter_map(|(name, _, err)| err.map(|e| (name, e)))
    {
        match issue_err.iter_mut().find(|(n, _, _)| n == name) {
            Some(t) => {
                t.1 += e;
                t.2 += 1;
            }
            None => issue_err.push((name.clone(), e, 1)),
        }
    }
    for t in &mut issue_err {
        t.1 /= t.2.max(1) as f64;
    }
    let n = cases.len();
    let preds: Vec<[f64; 4]> = cases.iter().map(|c| c.p).collect();
    let raw: Vec<[f64; 4]> = cases.iter().map(|c| c.shares).collect();
    let pairs: Vec<([f64; 4], usize)> =
        preds.iter().copied().zip(actuals.iter().copied()).collect();
    let base: Vec<[f64; 4]> = (0..n).map(|k| base_rate(&actuals, k)).collect();
    let summary = Summary {
        cases: n,
        detente: scores(&preds, &actuals, seed),
        detente_raw: scores(&raw, &actuals, seed),
        baselines: vec![
            (
                "uniform".into(),
                scores(&vec![uniform(); n], &actuals, seed),
            ),
            ("base_rate".into(), scores(&base, &actuals, seed)),
            (
                "status_quo".into(),
                scores(&vec![status_quo(); n], &actuals, seed),
            ),
        ],
        reliability: reliability(&pairs, 5),
        murphy: murphy(&pairs, 5),
        issue_errors: issue_err,
    };
    Ok(Backtest { cases, summary })
}

/// The dynamics part of the calibration grid (pace, hazard, spoil, resolve): geometric steps
/// around the priors (10, 4, 4, 0.05), widened where a first fit landed on an edge.
pub fn dynamics_grid() -> Vec<[f64; 4]> {
    let mut g = Vec::new();
    for pace in [2.0, 4.0, 10.0] {
        for hazard in [4.0, 16.0, 64.0, 256.0, 1024.0] {
            for spoil in [1.0, 4.0] {
                for resolve in [0.0, 0.05, 0.1, 0.2] {
                    g.push([pace, hazard, spoil, resolve]);
                }
            }
        }
    }
    g
}

/// The values of `shrink` tried for every dynamics grid point (no new simulation needed).
pub const SHRINK: [f64; 10] = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 0.9, 1.0];

/// The full calibration grid: every dynamics point × every shrink value, in that order.
pub fn grid() -> Vec<[f64; 5]> {
    dynamics_grid()
        .into_iter()
        .flat_map(|[a, b, c, d]| SHRINK.map(|s| [a, b, c, d, s]))
        .collect()
}

/// Fits the fitted parameters by grid search minimising the mean negative log score of the
/// calibrated probabilities, on all cases and leaving each case out in turn. `progress` is
/// called once per dynamics grid point. Returns the calibration and the loss matrix
/// (`loss[case][grid point]`, grid order of [`grid`]).
pub fn calibrate(
    cases: &[Case],
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Calibration, Vec<Vec<f64>>), BacktestError> {
    let g = grid();
    let cfg = BacktestConfig {
        runs,
        seed,
        threads,
        calibration: Calibration::shipped(),
    };
    let mut loss = vec![Vec::with_capacity(g.len()); cases.len()];
    for v in dynamics_grid() {
        let params = Params::PRIOR.with_fitted([v[0], v[1], v[2], v[3], 0.0]);
        for (c, case) in cases.iter().enumerate() {
            let outcome = outcome_of(case)?;
            let shares = predict(&case.scenario, &params, &cfg)
                .map_err(|e| BacktestError::Simulation(case.id.clone(), e))?;
            for s in SHRINK {
                let p = Params::PRIOR
                    .with_fitted([v[0], v[1], v[2], v[3], s])
                    .calibrate(shares);
                loss[c].push(-log_score(&p, outcome.class.index()));
            }
        }
        progress();
    }
    let all = fit_all(&loss);
    let held = loo_select(&loss);
    let cal = Calibration {
        version: 1,
        runs,
        seed,
        loss:
            "mean negative multi-class log score of the calibrated probabilities (floored at 1e-3)"
                .into(),
        params: Params::PRIOR.with_fitted(g[all]),
        held_out: cases
            .iter()
            .zip(&held)
            .map(|(c, &k)| HeldOut {
                case: c.id.clone(),
                scenario_hash: c.hash.clone(),
                params: Params::PRIOR.with_fitted(g[k]),
            })
            .collect(),
    };
    Ok((cal, loss))
}
