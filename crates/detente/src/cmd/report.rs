//! `detente report [FILE] -o report.html`: everything detente computes about a scenario, on one page.
//! `detente report --backtest [DIR] -o backtest.html`: the backtest of the cases in DIR, on one page.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_app::report::{
    build, build_backtest, render, render_backtest, ReportFormat, ReportOptions,
    DEFAULT_BACKTEST_RUNS, DEFAULT_RUNS,
};
use detente_app::Phase;
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::new::write_new;
use crate::cmd::simulate::Bars;
use crate::load::{load, PrintWarnings, Source};
use crate::render::{print_json, print_text, CliError};

/// Arguments of `detente report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
    /// Where to write the report.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// `html` (one self-contained page) or `md` (Markdown tables); default: from the extension
    /// of OUT (`.md`: Markdown, otherwise HTML).
    #[arg(long, value_parser = ["html", "md"])]
    pub format: Option<String>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// Simulated futures for the outcome probabilities [default: 10000; with --backtest,
    /// 2000 per case].
    #[arg(long)]
    pub runs: Option<usize>,
    /// Runs per variant for the sensitivity analysis (0 leaves the tornado out).
    #[arg(long, default_value_t = 200)]
    pub sensitivity_runs: usize,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Show a what-if variant (a scenario overlay) beside the base probabilities.
    #[arg(long, value_name = "OVERLAY")]
    pub compare: Option<PathBuf>,
    /// Report the backtest of the cases in DIR (default `cases`) instead of a scenario.
    #[arg(
        long,
        value_name = "DIR",
        num_args = 0..=1,
        default_missing_value = "cases",
        conflicts_with_all = ["file", "compare"]
    )]
    pub backtest: Option<PathBuf>,
    /// With --backtest: the calibration file whose held-out parameters score each case
    /// (default: the shipped one).
    #[arg(long, value_name = "FILE", requires = "backtest")]
    pub params: Option<PathBuf>,
}

/// The report's progress bars: the simulation, the sensitivity analysis and the backtest (the
/// forecasts and the what-if variant run without one).
fn bars(json: bool) -> Bars {
    Bars::new(json, |phase| match phase {
        Phase::Simulate => Some("simulating"),
        Phase::Sensitivity => Some("sensitivity"),
        Phase::Backtest => Some("backtest"),
        _ => None,
    })
}

/// Writes the report.
pub fn run(a: &Args, json: bool) -> CmdResult {
    crate::output::check_target(&a.output, a.force)?;
    let format = crate::output::report_format(&a.output, a.format.as_deref())?;
    let as_format = if format == "md" {
        ReportFormat::Markdown
    } else {
        ReportFormat::Html
    };
    let text = if let Some(dir) = &a.backtest {
        let runs = a.runs.unwrap_or(DEFAULT_BACKTEST_RUNS);
        if runs == 0 {
            return Err(CliError::Usage("--runs must be at least 1".into()));
        }
        let input = build_backtest(dir, runs, a.seed, a.params.as_deref(), &bars(json))?;
        render_backtest(&input, as_format)
    } else {
        let loaded = load(&a.source)?;
        loaded.print_warnings(json);
        let opts = ReportOptions {
            runs: a.runs.unwrap_or(DEFAULT_RUNS),
            sensitivity_runs: a.sensitivity_runs,
            seed: a.seed,
            compare: a.compare.clone(),
        };
        render(&build(&loaded, &opts, &bars(json))?, as_format)
    };
    write_new(&a.output, &text, a.force)?;
    if json {
        print_json(
            &json!({"written": a.output.display().to_string(), "format": format, "bytes": text.len()}),
        );
    } else {
        print_text(&format!(
            "wrote {} ({} KB)",
            a.output.display(),
            text.len() / 1024
        ));
    }
    Ok(ExitCode::SUCCESS)
}
