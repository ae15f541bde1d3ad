//! Times detente's SMP for `bench/smp.sh`: the KTAB example inputs, then generated scenarios.
//!
//! Usage: `smp_bench <shared/data/ktab dir> <repetitions> [generated sizes…]`; prints one
//! `name<TAB>actors<TAB>issues<TAB>turns<TAB>seconds` line per task (best of the repetitions).

use std::time::Instant;

use detente_core::import::ktab;
use detente_forecast::smp::Smp;
use detente_forecast::{ForecastInput, IssueInput};

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
            salience: (0..actors).map(|a| sal[a][k]).collect(),
        })
        .collect();
    ForecastInput {
        actors: (0..actors).map(|i| format!("a{i}")).collect(),
        capability,
        issues,
    }
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
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("../shared/data/ktab");
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let sizes: Vec<usize> = args[3.min(args.len())..]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
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
