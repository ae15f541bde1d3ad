//! Strategic dynamics: power, coercion, stakeholders, domestic ratification and time decide
//! how a simulated negotiation ends (docs/dynamics.md states the model and its references).
//!
//! One rule per file: `space` (packages issue by issue, exact values, deferral, the
//! Lagrangian searches), `power` (coalitions, contest success, the value of fighting),
//! `pressure` (stakeholders pulling positions and walk-away values), `ratify` (two-level
//! games), `session` (the round loop: threats, walk-outs, spoilers, proposals, acceptance,
//! concessions), `params` (the global parameters and the shipped calibration).

pub mod params;
pub mod power;
pub mod pressure;
pub mod ratify;
pub mod session;
pub mod space;
