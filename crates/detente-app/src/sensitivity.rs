//! `sensitivity`: which inputs move P(deal) and P(breakdown) most (a tornado).

use detente_core::Scenario;
use detente_sim::{param_paths, wilson, SimConfig, Tornado};
use serde_json::{json, Value};

use crate::progress::{phase, Phase, Progress};
use crate::simulate::SimOptions;
use crate::AppError;

/// How the effects' intervals are computed, in words.
pub const CI_METHOD: &str = "conservative 95% intervals that treat the low and high variants as independent samples (they share random numbers, so the true intervals are narrower)";

/// Varies every input of `s` low and high, `cfg.runs` runs each ([`Phase::Sensitivity`]: one
/// tick per variant).
pub fn run(s: &Scenario, cfg: &SimConfig, progress: &dyn Progress) -> Result<Tornado, AppError> {
    let len = 2 * param_paths(s).len() as u64;
    Ok(phase(progress, Phase::Sensitivity, len, |tick| {
        detente_sim::sensitivity(s, cfg, tick)
    })??)
}

/// The `sensitivity --json` document of `s` under `opts`.
pub fn document(
    s: &Scenario,
    opts: &SimOptions,
    progress: &dyn Progress,
) -> Result<Value, AppError> {
    let t = run(s, &opts.config()?, progress)?;
    Ok(to_json(&t, opts.seed))
}

/// The `sensitivity --json` document of a tornado computed under `seed`.
pub fn to_json(t: &Tornado, seed: u64) -> Value {
    let n = t.runs;
    let factors: Vec<Value> = t
        .factors
        .iter()
        .map(|f| {
            let mut v = json!(f);
            v["delta_p_deal_ci"] = json!(delta_ci(f.p_deal_low, f.p_deal_high, n));
            v["delta_p_breakdown_ci"] = json!(delta_ci(f.p_breakdown_low, f.p_breakdown_high, n));
            v
        })
        .collect();
    json!({
        "runs": t.runs,
        "seed": seed,
        "p_deal": t.p_deal_base,
        "p_deal_ci": wilson((t.p_deal_base * n as f64).round() as usize, n),
        "p_breakdown": t.p_breakdown_base,
        "p_breakdown_ci": wilson((t.p_breakdown_base * n as f64).round() as usize, n),
        "ci_method": CI_METHOD,
        "factors": factors,
    })
}

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
