//! The application layer of detente: the commands as functions.
//!
//! Each command of the `detente` CLI is here as a function from a scenario (or a negotiation
//! problem, or a folder of cases) and typed options to its result: the engine's typed result,
//! and the command's result document — exactly what `detente <command> --json` prints — built
//! from it (`to_json`, or `document` for both steps at once). `report` assembles every record
//! of the report page. Loading (built-in, TOML, imports, what-if changes, calibration files) is
//! here too. Both fronts call this crate: the CLI (`crates/detente`) adds flags, tables,
//! progress bars and error rendering; the Python package (`crates/detente-py`) adds its types
//! and exceptions.
//!
//! This crate knows no terminal: long computations report through [`Progress`], which also
//! lets the caller cancel them; errors are [`AppError`] values.
#![deny(missing_docs)]

pub mod analyze;
pub mod backtest;
pub mod calibrate;
mod error;
pub mod forecast;
pub mod limits;
pub mod load;
pub mod negotiate;
pub mod output;
pub mod problem;
mod progress;
pub mod report;
pub mod sensitivity;
pub mod show;
pub mod simulate;

pub use error::AppError;
pub use load::{Format, Loaded, Source};
pub use problem::{Problem, ProblemSource};
pub use progress::{Phase, Progress, Quiet};
