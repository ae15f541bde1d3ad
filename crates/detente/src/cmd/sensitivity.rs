//! `detente sensitivity [FILE]`: which inputs move P(deal) and P(breakdown) most (a tornado).

use std::process::ExitCode;

use detente_core::format_number;
use detente_sim::param_paths;
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::simulate::{progress, sim_err, SimArgs};
use crate::load::{load, Source};
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente sensitivity`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
    /// Runs per variant (each input is run at its low and its high value).
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Seed (the same random numbers for every variant), threads, protocol and overrides.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Show only the N strongest factors in the table.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
}

/// Runs the sensitivity analysis.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let s = a.sim.apply(&loaded.scenario)?;
    let cfg = a.sim.config(a.runs)?;
    let pb = progress(2 * param_paths(&s).len() as u64, json, "varying inputs");
    let t = detente_sim::sensitivity(&s, &cfg, &|| pb.inc(1)).map_err(sim_err)?;
    pb.finish_and_clear();
    if json {
        print_json(&json!({
            "runs": t.runs,
            "seed": a.sim.seed,
            "p_deal": t.p_deal_base,
            "p_breakdown": t.p_breakdown_base,
            "factors": t.factors,
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let mut tb = table(&[
        "input",
        "low",
        "high",
        "P(deal) low → high",
        "Δ P(deal)",
        "Δ P(breakdown)",
    ]);
    for f in t.factors.iter().take(a.top) {
        tb.add_row(vec![
            f.input.clone(),
            format_number(f.low),
            format_number(f.high),
            format!(
                "{:.1}% → {:.1}%",
                100.0 * f.p_deal_low,
                100.0 * f.p_deal_high
            ),
            format!("{:+.1} pts", 100.0 * f.delta_p_deal),
            format!("{:+.1} pts", 100.0 * f.delta_p_breakdown),
        ]);
    }
    print_text(&format!(
        "{}: what moves the odds ({} runs per variant; base P(deal) {:.1}%, P(breakdown) {:.1}%)\n{tb}",
        loaded.name,
        t.runs,
        100.0 * t.p_deal_base,
        100.0 * t.p_breakdown_base
    ));
    Ok(ExitCode::SUCCESS)
}
