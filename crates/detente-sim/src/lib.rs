//! Monte Carlo simulation: many futures of one scenario under its uncertainty, events and
//! pressure, each classified as deal, interim, stalemate or breakdown, with the inputs that
//! move the odds.
//!
//! One run draws every uncertain number, fires events by their probabilities, and plays the
//! talks round by round under the strategic dynamics (`dynamics`): power, coercion,
//! stakeholder pressure, domestic ratification and each negotiator's own sense of time.
//! Runs are independent and seeded from (seed, run index), so results are bit-identical
//! whatever the thread count. Definitions: `docs/outcomes.md`.
//!
//! A simulation can also be made in chunks of runs, apart (other processes or machines), and
//! reduced into the same result bit for bit: [`simulate_chunk`], [`Chunk::to_bytes`] and
//! [`reduce`] (module `chunk`).
#![deny(missing_docs)]

mod chunk;
mod classify;
mod draw;
pub mod dynamics;
mod run;
mod stats;
mod whatif;

pub use chunk::{fingerprint, reduce, simulate_chunk, simulate_range, Chunk};
pub use classify::Class;
pub use draw::{draw, param_paths};
pub use dynamics::params::{Calibration, Params};
pub use run::{run_one, RunRecord};
pub use stats::{
    sensitivity, simulate, summarise, wilson, ByRound, Factor, IssueStat, Outcome, Share,
    SimConfig, SimResult, Tornado,
};
pub use whatif::{apply_overlay, apply_sets};

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The scenario cannot be negotiated (no party, no issue, …).
    #[error("cannot simulate this scenario: {0}")]
    Negotiation(String),
    /// A `--set` path or value, or an overlay, is invalid.
    #[error("{0}")]
    WhatIf(String),
    /// The scenario after a what-if change is invalid.
    #[error("the changed scenario is invalid:\n{0}")]
    Invalid(detente_core::Problems),
    /// The job is larger than a documented limit (`detente_core::limits`); the message says
    /// which and what to change.
    #[error("{0}")]
    TooLarge(String),
    /// Chunks of runs that cannot be made or reduced into this simulation (a range outside
    /// it, a chunk made for another one, missing or overlapping runs, damaged bytes).
    #[error("chunked simulation: {0}")]
    Chunk(String),
    /// The thread pool could not be built.
    #[error("cannot start {0} threads")]
    Threads(usize),
}
