//! Times detente's SMP for `bench/smp.sh`: the KTAB example inputs, then generated scenarios.
//!
//! Usage: `smp_bench <shared/data/ktab dir> <repetitions> [generated sizes…]`; prints one
//! `name<TAB>actors<TAB>issues<TAB>turns<TAB>seconds` line per task (best of the repetitions).

use std::time::Instant;

use detente_core::import::ktab;
use detente_forecast::smp::Smp;
use detente_forecast::ForecastInput;

mod common;
use common::Gen;

/// `actors` × `issues`, KTAB-like: capabilities 10–200, positions 0–100, saliences summing to ≤ 1.
fn generated(actors: usize, issues: usize, seed: u64) -> ForecastInput {
    let mut g = Gen(seed);
    let capability = (0..actors).map(|_| 10.0 + 190.0 * g.next()).collect();
    let sal: Vec<Vec<f64>> = (0..actors)
        .map(|_| {
            let raw: Vec<f64> = (0..issues).map(|_| 0.1 + 0.9 * g.next()).collect();
            let total = 0.75 + 0.24 * g.next();
            let s: f64 = raw.iter().sum();
            raw.iter().map(|x| x * total / s).collect()
        })
        .collect();
    common::generated(&mut g, capability, issues, |_, a, k| sal[a][k])
}

fn time(name: &str, input: &ForecastInput, reps: usize) {
    let mut best = f64::INFINITY;
    let mut turns = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let r = Smp::default().run(input).expect("runs");
        best = best.min(t.elapsed().as_secs_f64());
        turns = r.states.len() - 1;
    }
    println!(
        "{name}\t{}\t{}\t{turns}\t{best:.6}",
        input.actors.len(),
        input.issues.len()
    );
}

fn main() {
    let (dir, reps, sizes) = common::args("../shared/data/ktab", 3);
    for f in [
        "dummyData_3Dim.csv",
        "SOE-Pol-Comp.csv",
        "SOE-Policy.csv",
        "dummyData_6Dim.csv",
        "SOE-Competitive.csv",
        "dummyData-a040.csv",
        "dummyData-a080.csv",
        "dummyData-a160.csv",
    ] {
        let path = format!("{dir}/{f}");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (s, _) = ktab::import(&bytes, f).unwrap_or_else(|e| panic!("{path}: {e}"));
        time(&format!("smp:{f}"), &ForecastInput::from_scenario(&s), reps);
    }
    for n in sizes {
        time(
            "smp:generated",
            &generated(n, 5, n as u64),
            if n >= 500 { 1 } else { reps },
        );
    }
}
