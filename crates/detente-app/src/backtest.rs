//! `backtest`: the forecasts scored on historical cases with known outcomes, out of sample,
//! against baselines.

use std::path::{Path, PathBuf};

use detente_backtest::{backtest, load_cases, Backtest, BacktestConfig};
use serde_json::{json, Map, Value};

use crate::progress::{phase, Phase, Progress};
use crate::AppError;

/// How to run the backtest.
#[derive(Debug, Clone)]
pub struct BacktestOptions {
    /// Simulated futures per case; at least 1.
    pub runs: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Calibration file whose held-out parameters score each case (`None`: the shipped one).
    pub params: Option<PathBuf>,
}

/// Scores the cases in `dir` ([`Phase::Backtest`]: one tick per case).
pub fn run(
    dir: &Path,
    opts: &BacktestOptions,
    progress: &dyn Progress,
) -> Result<Backtest, AppError> {
    if opts.runs == 0 {
        return Err(AppError::NoRuns);
    }
    let cases = load_cases(dir)?;
    let cfg = BacktestConfig {
        runs: crate::limits::runs("runs", opts.runs)?,
        seed: opts.seed,
        threads: crate::limits::threads(opts.threads)?,
        calibration: crate::load::calibration(opts.params.as_deref())?,
    };
    Ok(phase(
        progress,
        Phase::Backtest,
        cases.len() as u64,
        |tick| backtest(&cases, &cfg, tick),
    )??)
}

/// Scores one case ([`Phase::Backtest`]: one tick), for a backtest made in parts whose scores
/// are summarised, in folder order, with `detente_backtest::summarise`.
pub fn score_case(
    case: &detente_backtest::Case,
    cfg: &BacktestConfig,
    progress: &dyn Progress,
) -> Result<detente_backtest::CaseScore, AppError> {
    Ok(phase(progress, Phase::Backtest, 1, |tick| {
        let score = detente_backtest::score_case(case, cfg);
        tick();
        score
    })??)
}

/// The `backtest --json` document of the cases in `dir`.
pub fn document(
    dir: &Path,
    opts: &BacktestOptions,
    progress: &dyn Progress,
) -> Result<Value, AppError> {
    Ok(to_json(&run(dir, opts, progress)?))
}

fn classes(p: &[f64; 4]) -> Value {
    json!({"deal": p[0], "interim": p[1], "stalemate": p[2], "breakdown": p[3]})
}

/// The `backtest --json` document.
pub fn to_json(b: &Backtest) -> Value {
    let cases: Vec<Value> = b
        .cases
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "p": classes(&c.p), "shares": classes(&c.shares), "actual": c.actual, "brier": c.brier,
                "log_score": c.log_score, "params": c.params,
                "issues": c.issues.iter().map(|i| json!({
                    "id": i.id, "status": i.status, "actual": i.actual,
                    "predictions": i.predictions.iter().map(|(m, x, e)| (m.clone(), json!({"value": x, "error_pct": e}))).collect::<Map<String, Value>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let s = &b.summary;
    let sc =
        |x: &detente_backtest::run::Scores| json!({"brier": x.brier, "log_score": x.log_score});
    json!({
        "cases": cases,
        "summary": {
            "cases": s.cases,
            "brier": s.detente.brier,
            "log_score": s.detente.log_score,
            "raw": sc(&s.detente_raw),
            "baselines": s.baselines.iter().map(|(n, x)| (n.clone(), sc(x))).collect::<Map<String, Value>>(),
            "reliability": s.reliability,
            "murphy": s.murphy,
            "issue_errors": s.issue_errors.iter().map(|(m, e, n)| (m.clone(), json!({"mean_error_pct": e, "n": n}))).collect::<Map<String, Value>>(),
        }
    })
}
