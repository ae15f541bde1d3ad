//! Times detente's forecasting models for `bench/bdm.sh`: BDM on the reference inputs and on
//! generated scenarios, and the static models on large generated scenarios.
//!
//! Usage: `bdm_bench <shared/data/bdm dir> <repetitions>`; prints one `name<TAB>actors<TAB>issues<TAB>seconds` line per task.

use std::time::Instant;

use detente_core::import::bdm;
use detente_forecast::{Bdm, BdmParams, ForecastInput, IssueInput, Mean, Median, Model, Nash};

/// A deterministic generator (splitmix64) so the generated scenarios are the same on every run.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn generated(actors: usize, issues: usize, seed: u64) -> ForecastInput {
    let mut g = Gen(seed);
    let capability = (0..actors).map(|_| 0.05 + 0.95 * g.next()).collect();
    let issues = (0..issues)
        .map(|k| IssueInput {
            id: format!("issue{k}"),
            min: 0.0,
            max: 100.0,
            options: None,
            status_quo: 50.0,
            position: (0..actors)
                .map(|_| (g.next() * 10000.0).round() / 100.0)
                .collect(),
            salience: (0..actors).map(|_| 0.1 + 0.9 * g.next()).collect(),
        })
        .collect();
    ForecastInput {
        actors: (0..actors).map(|i| format!("a{i}")).collect(),
        capability,
        issues,
    }
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
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("../shared/data/bdm");
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
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
