//! What the benchmark examples share: a fixed random generator and generated scenarios.

use detente_forecast::{ForecastInput, IssueInput};

/// A deterministic generator (splitmix64) so the generated scenarios are the same on every run.
pub struct Gen(pub u64);

impl Gen {
    /// The next number, uniform in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One continuous 0–100 issue after another (status quo 50): every actor's position drawn
/// uniformly (two decimals), then every actor's salience from `salience(g, actor, issue)`.
pub fn generated(
    g: &mut Gen,
    capability: Vec<f64>,
    issues: usize,
    mut salience: impl FnMut(&mut Gen, usize, usize) -> f64,
) -> ForecastInput {
    let actors = capability.len();
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
            salience: (0..actors).map(|a| salience(g, a, k)).collect(),
        })
        .collect();
    ForecastInput {
        actors: (0..actors).map(|i| format!("a{i}")).collect(),
        capability,
        issues,
    }
}

/// The command line `<data dir> <repetitions> [sizes…]`, with defaults for the first two.
pub fn args(default_dir: &str, default_reps: usize) -> (String, usize, Vec<usize>) {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| default_dir.into());
    let reps = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_reps);
    let sizes = args[3.min(args.len())..]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    (dir, reps, sizes)
}
