//! `detente calibrate [DIR] -o FILE`: fits the simulation's global parameters on the cases by
//! grid search, on all cases and leaving each case out in turn, and writes a calibration file.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_backtest::{calibrate, grid, load_cases};
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::backtest::bt_err;
use crate::cmd::simulate::progress;
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente calibrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of cases.
    #[arg(default_value = "cases")]
    pub dir: PathBuf,
    /// Where to write the calibration (TOML). The shipped one is
    /// crates/detente-sim/calibration.toml.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Simulated futures per case and grid point.
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Runs the calibration.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    // Refuse an existing or linked output before minutes of work, not after.
    crate::output::check_target(&a.output, a.force)?;
    let cases = load_cases(&a.dir).map_err(bt_err)?;
    if cases.len() < 3 {
        return Err(CliError::Usage(format!(
            "{} holds {} case(s); leave-one-out calibration needs at least 3",
            a.dir.display(),
            cases.len()
        )));
    }
    let pb = progress(
        detente_backtest::run::dynamics_grid().len() as u64,
        json,
        "calibrating",
    );
    let (cal, loss) =
        calibrate(&cases, a.runs, a.seed, a.threads, &|| pb.inc(1)).map_err(bt_err)?;
    pb.finish_and_clear();
    let text = format!(
        "# Global parameters of detente's strategic dynamics (docs/dynamics.md, docs/calibration.md).\n\
         # Written by `detente calibrate {} --runs {} --seed {}`: `params` fitted on every case,\n\
         # `held_out` one fit per case on all the other cases (what `detente backtest` scores it with).\n{}",
        a.dir.display(),
        a.runs,
        a.seed,
        toml::to_string(&cal).map_err(|e| CliError::Usage(format!("cannot write the calibration: {e}")))?
    );
    crate::output::write_file(&a.output, &text, a.force)?;
    if json {
        print_json(&json!({
            "output": a.output.display().to_string(),
            "params": cal.params,
            "held_out": cal.held_out,
            "grid": grid(),
            "loss": loss,
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = table(&[
        "held-out case",
        "pace",
        "hazard",
        "spoil",
        "resolve",
        "shrink",
    ]);
    for h in &cal.held_out {
        let mut row = vec![h.case.clone()];
        row.extend(h.params.fitted().iter().map(|v| v.to_string()));
        t.add_row(row);
    }
    let f = cal.params.fitted();
    print_text(&format!(
        "Fitted on all {} cases: pace {}, hazard {}, spoil {}, resolve {}, shrink {}\n{t}\nwritten to {}",
        cases.len(),
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        a.output.display()
    ));
    Ok(ExitCode::SUCCESS)
}
