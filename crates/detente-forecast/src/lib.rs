//! Forecasting models: given actors' capabilities, positions and saliences on each issue,
//! where does each issue settle, and how do positions move round by round?
//!
//! Every model implements [`Model`] over the same small, explicit [`ForecastInput`]; a new
//! model is one file. Models are pure and deterministic: no IO, no global state.
#![deny(missing_docs)]

pub mod model;

pub use model::{Forecast, ForecastError, ForecastInput, IssueInput, Model, Round};
