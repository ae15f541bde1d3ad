//! Progress and cancellation of long computations.
//!
//! The engines report progress through a plain tick (`&(dyn Fn() + Sync)`, called from their
//! worker threads). A command here announces each phase of its work ([`Progress::start`], with
//! the number of ticks to expect), forwards the engine's ticks and checks
//! [`Progress::cancelled`] at every one: when it says stop, the tick unwinds the engine
//! (without running the panic hook, so nothing is printed) and the command returns
//! [`AppError::Cancelled`]. Fronts draw the bars (the CLI) or poll for Ctrl-C (Python).

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use crate::AppError;

/// A phase of a long computation, as announced to [`Progress::start`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Running forecasting models: one tick per unit of work (`Model::work`), one per static
    /// model.
    Forecast,
    /// Simulating the scenario: one tick per run.
    Simulate,
    /// Simulating a what-if variant of the scenario: one tick per run.
    SimulateVariant,
    /// The sensitivity analysis: one tick per variant (each input low, then high).
    Sensitivity,
    /// Scoring historical cases: one tick per case.
    Backtest,
    /// Calibrating the global parameters: one tick per point of the dynamics grid.
    Calibrate,
}

/// Receives the progress of a long computation and may ask it to stop. Every method has a
/// default that does nothing, so [`Quiet`] is an empty implementation.
pub trait Progress: Sync {
    /// A phase starts; `len` ticks will follow.
    fn start(&self, _phase: Phase, _len: u64) {}
    /// One unit of the current phase is done (called from the engine's worker threads).
    fn tick(&self) {}
    /// The current phase is over (also when it failed or was cancelled).
    fn finish(&self) {}
    /// Whether the computation should stop; asked before every phase and at every tick.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress display, never cancelled.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}

/// The payload a tick unwinds with when the caller asked to stop.
struct Cancelled;

/// Runs one phase: `f` gets the tick to hand to the engine. A cancellation (before the phase
/// or at a tick) becomes [`AppError::Cancelled`]; any other panic goes on unwinding.
pub(crate) fn phase<T>(
    progress: &dyn Progress,
    phase: Phase,
    len: u64,
    f: impl FnOnce(&(dyn Fn() + Sync)) -> T,
) -> Result<T, AppError> {
    if progress.cancelled() {
        return Err(AppError::Cancelled);
    }
    progress.start(phase, len);
    let tick = || {
        if progress.cancelled() {
            // Not `panic!`: no panic hook, so no message on stderr.
            resume_unwind(Box::new(Cancelled));
        }
        progress.tick();
    };
    let r = catch_unwind(AssertUnwindSafe(|| f(&tick)));
    progress.finish();
    match r {
        Ok(t) => Ok(t),
        Err(payload) if payload.is::<Cancelled>() => Err(AppError::Cancelled),
        Err(payload) => resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use super::*;

    /// Counts ticks and asks to stop after `stop_after` of them.
    struct StopAfter {
        ticks: AtomicUsize,
        stop_after: usize,
        log: Mutex<Vec<String>>,
    }

    impl Progress for StopAfter {
        fn start(&self, phase: Phase, len: u64) {
            self.log
                .lock()
                .unwrap()
                .push(format!("start {phase:?} {len}"));
        }
        fn tick(&self) {
            self.ticks.fetch_add(1, Ordering::Relaxed);
        }
        fn finish(&self) {
            self.log.lock().unwrap().push("finish".into());
        }
        fn cancelled(&self) -> bool {
            self.ticks.load(Ordering::Relaxed) >= self.stop_after
        }
    }

    #[test]
    fn a_cancelled_simulation_stops_and_says_so() {
        let s = detente_core::builtin::muscat();
        let cfg = detente_sim::SimConfig {
            runs: 100_000,
            seed: 1,
            threads: Some(2),
            ..detente_sim::SimConfig::default()
        };
        let p = StopAfter {
            ticks: AtomicUsize::new(0),
            stop_after: 50,
            log: Mutex::new(Vec::new()),
        };
        let r = crate::simulate::simulate(&s, &cfg, Phase::Simulate, &p);
        assert!(matches!(r, Err(AppError::Cancelled)), "{r:?}");
        // Stopped long before the end: each worker finishes at most the run in hand.
        assert!(p.ticks.load(Ordering::Relaxed) < 1000);
        assert_eq!(
            *p.log.lock().unwrap(),
            vec!["start Simulate 100000".to_string(), "finish".to_string()]
        );
        // Asked to stop before a phase: it does not start.
        let r = phase(&p, Phase::Backtest, 3, |_| ());
        assert!(matches!(r, Err(AppError::Cancelled)));
    }

    #[test]
    fn other_panics_are_not_cancellations() {
        let r = catch_unwind(|| phase(&Quiet, Phase::Forecast, 1, |_| panic!("boom")));
        assert!(r.is_err());
    }
}
