//! Progress and cancellation of long forecasts: a watched forecast equals the plain one, ticks
//! stay within the model's announced work, and a watch that says stop stops the model.

use std::sync::atomic::{AtomicU64, Ordering};

use detente_forecast::{
    Bdm, ForecastError, ForecastInput, IssueInput, Mean, Model, Smp, SmpParams, Watch,
};

fn input() -> ForecastInput {
    let n = 12;
    let issue = |id: &str, shift: f64| IssueInput {
        id: id.into(),
        min: 0.0,
        max: 100.0,
        options: None,
        status_quo: 50.0,
        position: (0..n).map(|k| (k as f64 * 37.0 + shift) % 101.0).collect(),
        salience: (0..n).map(|k| 0.2 + (k % 5) as f64 * 0.15).collect(),
    };
    ForecastInput {
        actors: (0..n).map(|k| format!("a{k}")).collect(),
        capability: (0..n).map(|k| 1.0 + (k % 4) as f64).collect(),
        issues: vec![issue("x", 3.0), issue("y", 41.0), issue("z", 77.0)],
    }
}

fn models() -> Vec<Box<dyn Model>> {
    vec![
        Box::new(Bdm::default()),
        Box::new(Smp::new(SmpParams::default())),
        Box::new(Mean),
    ]
}

#[test]
fn a_watched_forecast_equals_the_plain_one_and_ticks_within_its_work() {
    let inp = input();
    for m in models() {
        let ticks = AtomicU64::new(0);
        let tick = || {
            ticks.fetch_add(1, Ordering::Relaxed);
            true
        };
        let watched = m.forecast_watched(&inp, Watch::new(&tick)).unwrap();
        assert_eq!(watched, m.forecast(&inp).unwrap(), "{}", m.id());
        let n = ticks.load(Ordering::Relaxed);
        assert!(
            n <= m.work(&inp),
            "{}: {n} ticks > work {}",
            m.id(),
            m.work(&inp)
        );
        if m.id() != "mean" {
            assert!(n > 0, "{} never ticked", m.id());
        }
    }
}

#[test]
fn a_watch_that_says_stop_stops_round_based_models() {
    let inp = input();
    for m in models().into_iter().filter(|m| m.id() != "mean") {
        let ticks = AtomicU64::new(0);
        // Stop at the third unit of work.
        let tick = || ticks.fetch_add(1, Ordering::Relaxed) < 2;
        let r = m.forecast_watched(&inp, Watch::new(&tick));
        assert_eq!(r, Err(ForecastError::Cancelled), "{}", m.id());
        // BDM runs issues in parallel: each may take one more step before it sees the stop.
        assert!(ticks.load(Ordering::Relaxed) <= 2 + inp.issues.len() as u64);
    }
}
