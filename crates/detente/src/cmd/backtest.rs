//! `detente backtest [DIR]`: how good detente's forecasts are on negotiations whose outcome is
//! known (the cases in `cases/`), scored out of sample, against baselines.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_backtest::{backtest, load_cases, Backtest, BacktestConfig, BacktestError};
use detente_sim::Calibration;
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::cmd::simulate::progress;
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

/// Turns a backtest error into a CLI error.
pub fn bt_err(e: BacktestError) -> CliError {
    match e {
        BacktestError::Load(l) => CliError::Load(l),
        other => CliError::Usage(other.to_string()),
    }
}

/// Reads a calibration file, or the shipped one.
pub fn calibration(path: Option<&std::path::Path>) -> Result<Calibration, CliError> {
    match path {
        None => Ok(Calibration::shipped()),
        Some(p) => {
            let text = crate::load::read_text(p)?;
            Calibration::parse(&text).map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))
        }
    }
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

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Runs the backtest.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let cases = load_cases(&a.dir).map_err(bt_err)?;
    let cfg = BacktestConfig {
        runs: a.runs,
        seed: a.seed,
        threads: a.threads,
        calibration: calibration(a.params.as_deref())?,
    };
    let pb = progress(cases.len() as u64, json, "backtest");
    let b = backtest(&cases, &cfg, &|| pb.inc(1)).map_err(bt_err)?;
    pb.finish_and_clear();
    if json {
        print_json(&to_json(&b));
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
