//! Forecasting models: given actors' capabilities, positions and saliences on each issue,
//! where does each issue settle, and how do positions move round by round?
//!
//! Every model implements [`Model`] over the same small, explicit [`ForecastInput`]; a new
//! model is one file. Models are pure and deterministic: no IO, no global state.
#![deny(missing_docs)]

pub mod bdm;
pub mod converge;
pub mod mean;
pub mod median;
pub mod model;
pub mod nash;
pub mod scenario;
pub mod smp;
pub mod stats;

pub use bdm::{Bdm, BdmParams, BdmVariant, CompromiseChoice, Normaliser};
pub use converge::{convergence, Convergence};
pub use mean::Mean;
pub use median::Median;
pub use model::{Forecast, ForecastError, ForecastInput, IssueInput, Model, Round, Watch};
pub use nash::Nash;
pub use smp::{Smp, SmpParams};
