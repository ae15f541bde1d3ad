//! `detente calibrate [DIR] -o FILE`: fits the simulation's global parameters on the cases by
//! grid search, on all cases and leaving each case out in turn, and writes a calibration file.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_app::Phase;

use crate::cli::CmdResult;
use crate::cmd::simulate::Bars;
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
    let bars = Bars::new(json, |phase| {
        (phase == Phase::Calibrate).then_some("calibrating")
    });
    let fit = detente_app::calibrate::run(&a.dir, a.runs, a.seed, a.threads, &bars)?;
    let cal = &fit.calibration;
    let text = detente_app::calibrate::file_text(&a.dir, a.runs, a.seed, cal)?;
    crate::output::write_file(&a.output, &text, a.force)?;
    if json {
        print_json(&detente_app::calibrate::to_json(&a.output, &fit));
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
        fit.cases,
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        a.output.display()
    ));
    Ok(ExitCode::SUCCESS)
}
