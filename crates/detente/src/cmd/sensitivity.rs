//! `detente sensitivity [FILE]`: which inputs move P(deal) and P(breakdown) most (a tornado).

use std::process::ExitCode;

use detente_app::sensitivity::{delta_ci, CI_METHOD};
use detente_app::Phase;
use detente_core::format_number;
use detente_sim::wilson;

use crate::cli::CmdResult;
use crate::cmd::simulate::{Bars, SimArgs};
use crate::load::{load, PrintWarnings, Source};
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
    let cfg = a.sim.options(a.runs).config()?;
    let bars = Bars::new(json, |phase| {
        (phase == Phase::Sensitivity).then_some("varying inputs")
    });
    let t = detente_app::sensitivity::run(&s, &cfg, &bars)?;
    let n = t.runs;
    if json {
        print_json(&detente_app::sensitivity::to_json(&t, a.sim.seed));
        return Ok(ExitCode::SUCCESS);
    }
    let mut tb = table(&[
        "input",
        "low",
        "high",
        "P(deal) low → high",
        "Δ P(deal) [95% interval]",
        "Δ P(breakdown) [95% interval]",
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
            delta_text(f.p_deal_low, f.p_deal_high, n),
            delta_text(f.p_breakdown_low, f.p_breakdown_high, n),
        ]);
    }
    let deal = wilson((t.p_deal_base * n as f64).round() as usize, n);
    print_text(&crate::render::wrap(&format!(
        "{}: what moves the odds\n\
         Every variant, and the base, uses the same {n} runs (seed {}){}: \
         base P(deal) {:.1}% (95% interval {:.1}–{:.1}%), P(breakdown) {:.1}%.\n{tb}\n\
         Intervals: {CI_METHOD}. An effect whose interval contains 0 is not distinguishable from noise at {n} runs (use more --runs).",
        loaded.name,
        a.sim.seed,
        if n < SIMULATE_RUNS {
            format!(", fewer than `simulate`'s {SIMULATE_RUNS}, so the base differs from `simulate`'s by sampling noise")
        } else {
            String::new()
        },
        100.0 * t.p_deal_base,
        100.0 * deal[0],
        100.0 * deal[1],
        100.0 * t.p_breakdown_base
    ), ""));
    Ok(ExitCode::SUCCESS)
}

/// `simulate`'s default run count.
const SIMULATE_RUNS: usize = 10_000;

fn delta_text(p_low: f64, p_high: f64, n: usize) -> String {
    let [lo, hi] = delta_ci(p_low, p_high, n);
    format!(
        "{:+.1} pts [{:+.1}, {:+.1}]",
        100.0 * (p_high - p_low),
        100.0 * lo,
        100.0 * hi
    )
}
