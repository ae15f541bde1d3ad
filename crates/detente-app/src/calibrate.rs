//! `calibrate`: the simulation's global parameters fitted on the cases by grid search, on all
//! cases and leaving each case out in turn.

use std::path::Path;

use detente_backtest::{calibrate, grid, load_cases};
use detente_sim::Calibration;
use serde_json::{json, Value};

use crate::progress::{phase, Phase, Progress};
use crate::AppError;

/// A fitted calibration.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// The parameters fitted on all cases, and one held-out fit per case.
    pub calibration: Calibration,
    /// The loss of every grid point (see `detente_backtest::calibrate`).
    pub loss: Vec<Vec<f64>>,
    /// How many cases were fitted on.
    pub cases: usize,
}

/// Fits the parameters on the cases in `dir` ([`Phase::Calibrate`]: one tick per point of the
/// dynamics grid). Needs at least three cases.
pub fn run(
    dir: &Path,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    progress: &dyn Progress,
) -> Result<Calibrated, AppError> {
    if runs == 0 {
        return Err(AppError::NoRuns);
    }
    crate::limits::runs("runs", runs)?;
    crate::limits::threads(threads)?;
    let cases = load_cases(dir)?;
    if cases.len() < 3 {
        return Err(AppError::TooFewCases {
            dir: dir.to_path_buf(),
            cases: cases.len(),
        });
    }
    let len = detente_backtest::run::dynamics_grid().len() as u64;
    let (calibration, loss) = phase(progress, Phase::Calibrate, len, |tick| {
        calibrate(&cases, runs, seed, threads, tick)
    })??;
    Ok(Calibrated {
        calibration,
        loss,
        cases: cases.len(),
    })
}

/// The calibration file's text: a header saying how it was made, then the TOML.
pub fn file_text(
    dir: &Path,
    runs: usize,
    seed: u64,
    cal: &Calibration,
) -> Result<String, AppError> {
    Ok(format!(
        "# Global parameters of detente's strategic dynamics (docs/dynamics.md, docs/calibration.md).\n\
         # Written by `detente calibrate {} --runs {} --seed {}`: `params` fitted on every case,\n\
         # `held_out` one fit per case on all the other cases (what `detente backtest` scores it with).\n{}",
        dir.display(),
        runs,
        seed,
        toml::to_string(cal).map_err(|e| AppError::WriteCalibration(e.to_string()))?
    ))
}

/// The `calibrate --json` document of a calibration written to `output`.
pub fn to_json(output: &Path, c: &Calibrated) -> Value {
    json!({
        "output": output.display().to_string(),
        "params": c.calibration.params,
        "held_out": c.calibration.held_out,
        "grid": grid(),
        "loss": c.loss,
    })
}
