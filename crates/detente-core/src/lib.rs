//! The scenario model of detente: actors, issues, positions, events and uncertainty, the TOML
//! scenario format with located validation errors, and importers for BDM, KTAB and GENIUS files.
//!
//! This crate does no terminal output; parsers take text plus a source name and return
//! typed values or located [`diag::Problem`]s.
#![deny(missing_docs)]

pub mod builtin;
pub mod diag;
pub mod import;
pub mod limits;

pub use diag::{LoadError, Problem, Problems, Severity};
pub mod format;
pub mod model;
pub mod validate;

pub use model::*;
