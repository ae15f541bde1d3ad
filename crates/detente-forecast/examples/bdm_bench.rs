//! Times detente's forecasting models for `bench/bdm.sh`: BDM on the reference inputs and on
//! generated scenarios, and the static models on large generated scenarios.
//!
//! Usage: `bdm_bench <shared/data/bdm dir> <repetitions>`; prints one `name<TAB>actors<TAB>issues<TAB>seconds` line per task.

use std::time::Instant;

use detente_core::import::bdm;
use detente_forecast::{Bdm, BdmParams, ForecastInput, IssueInput, Mean, Median, Model, Nash};

mod common;
use common::Gen;

fn generated(actors: usize, issues: usize, seed: u64) -> ForecastInput {
    let mut g = Gen(seed);
    let capability = (0..actors).map(|_| 0.05 + 0.95 * g.next()).collect();
    common::generated(&mut g, capability, issues, |g, _, _| 0.1 + 0.9 * g.next())
}

fn from_csv(path: &str) -> ForecastInput {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (t, _) = bdm::parse(&bytes, path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pos: Vec<f64> = t.rows.iter().map(|r| r.position).collect();
    ForecastInput {
        actors: t.rows.iter().map(|r| r.actor.clone()).collect(),
        capability: t.rows.iter().map(|r| r.capability).collect(),
        issues: vec![IssueInput {
            id: "issue".into(),
            min: pos.iter().copied().fold(f64::INFINITY, f64::min),
            max: pos.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            options: None,
            status_quo: pos[0],
            position: pos,
            salience: t.rows.iter().map(|r| r.salience).collect(),
        }],
    }
}

fn time(name: &str, model: &dyn Model, input: &ForecastInput, reps: usize) {
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        let f = model.forecast(input).expect("runs");
        std::hint::black_box(&f);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{name}\t{}\t{}\t{best:.9}",
        input.actors.len(),
        input.issues.len()
    );
}

fn main() {
    let (dir, reps, _) = common::args("../shared/data/bdm", 5);
    let bdm = Bdm::new(BdmParams::default());
    for f in [
        "eu_emissions_1994.csv",
        "oman_sultan.csv",
        "generated_100_actors.csv",
    ] {
        time(
            &format!("bdm:{f}"),
            &bdm,
            &from_csv(&format!("{dir}/{f}")),
            reps,
        );
    }
    for n in [100, 300, 1_000] {
        time(
            "bdm:generated",
            &bdm,
            &generated(n, 5, n as u64),
            if n >= 1_000 { 1 } else { reps },
        );
    }
    for n in [100, 1_000, 10_000] {
        let input = generated(n, 5, 7 + n as u64);
        time("mean:generated", &Mean, &input, reps);
        time("median:generated", &Median, &input, reps);
        time("nash:generated", &Nash, &input, reps);
    }
}
