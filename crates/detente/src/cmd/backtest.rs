//! `detente backtest [DIR]`: how good detente's forecasts are on negotiations whose outcome is
//! known (the cases in `cases/`), scored out of sample, against baselines.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_app::backtest::BacktestOptions;
use detente_app::Phase;

use crate::cli::CmdResult;
use crate::cmd::simulate::Bars;
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente backtest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of cases (`<id>/scenario.toml` + `<id>/outcome.toml`).
    #[arg(default_value = "cases")]
    pub dir: PathBuf,
    /// Simulated futures per case.
    #[arg(long, default_value_t = 2000)]
    pub runs: usize,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Calibration file whose held-out parameters score each case (default: the shipped one).
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Runs the backtest.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let opts = BacktestOptions {
        runs: a.runs,
        seed: a.seed,
        threads: a.threads,
        params: a.params.clone(),
    };
    let bars = Bars::new(json, |phase| {
        (phase == Phase::Backtest).then_some("backtest")
    });
    let b = detente_app::backtest::run(&a.dir, &opts, &bars)?;
    if json {
        print_json(&detente_app::backtest::to_json(&b));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = table(&[
        "case",
        "deal",
        "interim",
        "stalemate",
        "breakdown",
        "actual",
        "Brier",
        "log",
        "params",
    ]);
    for c in &b.cases {
        t.add_row(vec![
            c.id.clone(),
            pct(c.p[0]),
            pct(c.p[1]),
            pct(c.p[2]),
            pct(c.p[3]),
            c.actual.clone(),
            format!("{:.3}", c.brier),
            format!("{:.2}", c.log_score),
            serde_json::to_value(c.params)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ]);
    }
    let s = &b.summary;
    let mut out = format!(
        "{}: {} cases, {} runs each (seed {})\n{t}\n",
        a.dir.display(),
        s.cases,
        a.runs,
        a.seed
    );
    let mut t = table(&[
        "forecaster",
        "mean Brier",
        "95% interval",
        "mean log score",
        "95% interval",
    ]);
    let row = |name: &str, x: &detente_backtest::run::Scores| {
        vec![
            name.to_string(),
            format!("{:.3}", x.brier.mean),
            format!("{:.3} – {:.3}", x.brier.ci[0], x.brier.ci[1]),
            format!("{:.2}", x.log_score.mean),
            format!("{:.2} – {:.2}", x.log_score.ci[0], x.log_score.ci[1]),
        ]
    };
    t.add_row(row("detente (out of sample)", &s.detente));
    t.add_row(row("detente, raw shares", &s.detente_raw));
    for (n, x) in &s.baselines {
        t.add_row(row(n, x));
    }
    out.push_str(&format!(
        "\nScores (lower Brier and higher log score are better)\n{t}\n"
    ));
    let mut t = table(&[
        "predictor",
        "mean issue error (% of range)",
        "settled issues",
    ]);
    for (m, e, n) in &s.issue_errors {
        t.add_row(vec![m.clone(), format!("{e:.1}"), n.to_string()]);
    }
    out.push_str(&format!("\nSettled values\n{t}\n"));
    let mut t = table(&["predicted", "pairs", "mean predicted", "observed"]);
    for bin in &s.reliability {
        t.add_row(vec![
            format!("{:.1}–{:.1}", bin.lo, bin.hi),
            bin.n.to_string(),
            if bin.n > 0 {
                format!("{:.2}", bin.mean_predicted)
            } else {
                "–".into()
            },
            if bin.n > 0 {
                format!("{:.2}", bin.observed_frequency)
            } else {
                "–".into()
            },
        ]);
    }
    out.push_str(&format!(
        "\nReliability (every case × class)\n{t}\nMurphy: reliability {:.3}, resolution {:.3}, uncertainty {:.3}",
        s.murphy.reliability, s.murphy.resolution, s.murphy.uncertainty
    ));
    print_text(&out);
    Ok(ExitCode::SUCCESS)
}
