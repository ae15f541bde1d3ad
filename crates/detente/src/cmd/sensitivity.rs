//! `detente sensitivity [FILE]`: which inputs move P(deal) and P(breakdown) most (a tornado).

use std::process::ExitCode;

use detente_core::format_number;
use detente_sim::{param_paths, wilson};
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
    let n = t.runs;
    if json {
        let factors: Vec<serde_json::Value> = t
            .factors
            .iter()
            .map(|f| {
                let mut v = json!(f);
                v["delta_p_deal_ci"] = json!(delta_ci(f.p_deal_low, f.p_deal_high, n));
                v["delta_p_breakdown_ci"] =
                    json!(delta_ci(f.p_breakdown_low, f.p_breakdown_high, n));
                v
            })
            .collect();
        print_json(&json!({
            "runs": t.runs,
            "seed": a.sim.seed,
            "p_deal": t.p_deal_base,
            "p_deal_ci": wilson((t.p_deal_base * n as f64).round() as usize, n),
            "p_breakdown": t.p_breakdown_base,
            "p_breakdown_ci": wilson((t.p_breakdown_base * n as f64).round() as usize, n),
            "ci_method": CI_METHOD,
            "factors": factors,
        }));
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

/// How the effects' intervals are computed, in words.
pub const CI_METHOD: &str = "conservative 95% intervals that treat the low and high variants as independent samples (they share random numbers, so the true intervals are narrower)";

/// A conservative 95 % interval of P(high) − P(low) from two shares of `n` runs each, treating
/// them as independent; the variants share random numbers, which correlates them positively,
/// so the interval of the difference is in fact narrower.
pub fn delta_ci(p_low: f64, p_high: f64, n: usize) -> [f64; 2] {
    if n == 0 {
        return [-1.0, 1.0];
    }
    let n = n as f64;
    let se = (p_low * (1.0 - p_low) / n + p_high * (1.0 - p_high) / n).sqrt();
    let d = p_high - p_low;
    let z = 1.959_963_984_540_054;
    [(d - z * se).max(-1.0), (d + z * se).min(1.0)]
}

fn delta_text(p_low: f64, p_high: f64, n: usize) -> String {
    let [lo, hi] = delta_ci(p_low, p_high, n);
    format!(
        "{:+.1} pts [{:+.1}, {:+.1}]",
        100.0 * (p_high - p_low),
        100.0 * lo,
        100.0 * hi
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_effect_interval_is_the_independent_samples_one() {
        // 0.5 vs 0.6 at 100 runs: se = sqrt(0.25/100 + 0.24/100) = 0.07.
        let [lo, hi] = delta_ci(0.5, 0.6, 100);
        assert!((hi - lo - 2.0 * 1.959_963_984_540_054 * 0.07).abs() < 1e-9);
        assert!((lo + hi) / 2.0 - 0.1 < 1e-12);
        // No spread in either variant: no width.
        assert_eq!(delta_ci(1.0, 1.0, 50), [0.0, 0.0]);
    }
}
