//! `simulate`: probabilities of deal, interim, stalemate and breakdown over many simulated
//! futures, optionally beside a what-if variant.

use std::path::{Path, PathBuf};

use detente_core::Scenario;
use detente_negotiate::scenario::ProtocolKind;
use detente_sim::{Class, SimConfig, SimResult};
use serde_json::{json, Map, Value};

use crate::progress::{phase, Phase, Progress};
use crate::AppError;

/// The options `simulate` and `sensitivity` share.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Simulated futures (per variant, for the sensitivity analysis); at least 1.
    pub runs: usize,
    /// Master seed: the same seed gives the same result, whatever the thread count.
    pub seed: u64,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Protocol override (`None`: the scenario's).
    pub protocol: Option<ProtocolKind>,
    /// Calibration file whose global parameters to use (`None`: the shipped ones).
    pub params: Option<PathBuf>,
}

impl SimOptions {
    /// `runs` futures under `seed`, everything else by default.
    pub fn new(runs: usize, seed: u64) -> SimOptions {
        SimOptions {
            runs,
            seed,
            threads: None,
            protocol: None,
            params: None,
        }
    }

    /// The engine's settings (reads the calibration file, if any).
    pub fn config(&self) -> Result<SimConfig, AppError> {
        if self.runs == 0 {
            return Err(AppError::NoRuns);
        }
        Ok(SimConfig {
            runs: crate::limits::runs("runs", self.runs)?,
            seed: self.seed,
            threads: crate::limits::threads(self.threads)?,
            protocol: self.protocol,
            params: crate::load::params(self.params.as_deref())?,
        })
    }
}

/// Simulates `s` as one [`Phase`] (one tick per run).
pub fn simulate(
    s: &Scenario,
    cfg: &SimConfig,
    which: Phase,
    progress: &dyn Progress,
) -> Result<SimResult, AppError> {
    Ok(phase(progress, which, cfg.runs as u64, |tick| {
        detente_sim::simulate(s, cfg, tick)
    })??)
}

/// Runs `range` of the simulation `cfg` describes as one chunk ([`Phase::Simulate`]: one tick
/// per run), for a simulation made in parts (other processes or machines) and reduced with
/// `detente_sim::reduce` into the very result of [`simulate`].
pub fn chunk(
    s: &Scenario,
    cfg: &SimConfig,
    range: std::ops::Range<u64>,
    progress: &dyn Progress,
) -> Result<detente_sim::Chunk, AppError> {
    let len = range.end.saturating_sub(range.start);
    Ok(phase(progress, Phase::Simulate, len, |tick| {
        detente_sim::simulate_chunk(s, cfg, range, tick)
    })??)
}

/// A simulation, and the what-if variant it is compared with.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The scenario's result.
    pub result: SimResult,
    /// The variant, when one was asked for.
    pub variant: Option<Variant>,
}

/// A what-if variant: the scenario with an overlay applied, and its result.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The overlay file, as given.
    pub overlay: String,
    /// The changed scenario.
    pub scenario: Scenario,
    /// Its result, under the same settings and seed.
    pub result: SimResult,
}

/// Simulates `s` and, when `compare` names an overlay file, the variant it makes
/// ([`Phase::Simulate`], then [`Phase::SimulateVariant`]).
pub fn run(
    s: &Scenario,
    opts: &SimOptions,
    compare: Option<&Path>,
    progress: &dyn Progress,
) -> Result<Simulation, AppError> {
    let cfg = opts.config()?;
    let result = simulate(s, &cfg, Phase::Simulate, progress)?;
    let variant = match compare {
        Some(o) => {
            let scenario = crate::load::overlay(s, o)?;
            let result = simulate(&scenario, &cfg, Phase::SimulateVariant, progress)?;
            Some(Variant {
                overlay: o.display().to_string(),
                scenario,
                result,
            })
        }
        None => None,
    };
    Ok(Simulation { result, variant })
}

/// The `simulate --json` document of `s` under `opts` (with `compare`'s variant).
pub fn document(
    s: &Scenario,
    opts: &SimOptions,
    compare: Option<&Path>,
    progress: &dyn Progress,
) -> Result<Value, AppError> {
    Ok(to_json(s, &run(s, opts, compare, progress)?))
}

/// The `simulate --json` document: the result, and `compare` with the variant's.
pub fn to_json(s: &Scenario, sim: &Simulation) -> Value {
    let mut doc = result_json(s, &sim.result);
    if let Some(v) = &sim.variant {
        doc["compare"] =
            json!({"overlay": v.overlay, "result": result_json(&v.scenario, &v.result)});
    }
    doc
}

/// The document of one simulation result.
pub fn result_json(s: &Scenario, r: &SimResult) -> Value {
    let outcomes: Map<String, Value> = r
        .outcomes
        .iter()
        .map(|(c, o)| {
            (
                c.as_str().to_string(),
                json!({"p": o.p, "ci": o.ci, "count": o.count, "runs_for_1pct": o.runs_for_1pct}),
            )
        })
        .collect();
    let issues: Map<String, Value> = r
        .issues
        .iter()
        .zip(&s.issues)
        .map(|(st, is)| {
            let mut v = json!({"mean": st.mean, "p10": st.p10, "p90": st.p90, "n": st.n, "histogram": st.histogram});
            if is.is_discrete() {
                v["p10_label"] = json!(st.p10.map(|x| is.label(x)));
                v["p90_label"] = json!(st.p90.map(|x| is.label(x)));
            }
            (st.id.clone(), v)
        })
        .collect();
    json!({
        "runs": r.runs,
        "seed": r.seed,
        "outcomes": outcomes,
        "issues": issues,
        "mean_rounds": r.mean_rounds,
        "utilities": r.utilities.iter().map(|(a, u)| (a.clone(), json!(u))).collect::<Map<String, Value>>(),
        "events_fired": r.events.iter().map(|(e, p)| (e.clone(), json!(p))).collect::<Map<String, Value>>(),
        "runs_for_1pct": r.runs_for_1pct,
        // Every run in one class: `runs_for_1pct` is 0 because the spread is 0, not because
        // the precision is met; `unanimous` names the class.
        "unanimous": unanimous(r).map(|c| c.as_str()),
        "calibrated": r.calibrated.iter().map(|(c, p)| (c.as_str().to_string(), json!(p))).collect::<Map<String, Value>>(),
        "by_round": r.by_round,
        "causes": r.causes.iter().map(|(c, sh)| (c.clone(), json!({"p": sh.p, "ci": sh.ci, "mean_round": sh.mean_round}))).collect::<Map<String, Value>>(),
    })
}

/// The class every run ended in, if they all ended the same way.
pub fn unanimous(r: &SimResult) -> Option<Class> {
    r.outcomes
        .iter()
        .find(|(_, o)| r.runs > 0 && o.count == r.runs)
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Quiet;

    #[test]
    fn zero_runs_are_refused_and_the_variant_is_compared() {
        let s = detente_core::builtin::muscat();
        assert!(matches!(
            run(&s, &SimOptions::new(0, 1), None, &Quiet),
            Err(AppError::NoRuns)
        ));
        let dir = tempfile::tempdir().expect("tmp");
        let ov = dir.path().join("strike.toml");
        std::fs::write(
            &ov,
            "[[events]]\nid = \"military_strike\"\nround = 1\nprobability = 1.0\n",
        )
        .expect("write");
        let doc = document(&s, &SimOptions::new(50, 3), Some(&ov), &Quiet).expect("simulate");
        assert_eq!(doc["runs"], 50);
        assert_eq!(doc["compare"]["overlay"], ov.display().to_string());
        assert_eq!(doc["compare"]["result"]["runs"], 50);
    }
}
