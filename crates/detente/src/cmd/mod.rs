//! One module per subcommand: each has an `Args` struct (clap) and a `run` function.
//!
//! A command gets its scenario with [`crate::load::load`] from a flattened
//! [`crate::load::Source`] (FILE, `--from`, `--profile`), prints tables with
//! [`crate::render::table`] or JSON with [`crate::render::print_json`] when `json` is set,
//! and returns an exit code or a [`crate::render::CliError`].

pub mod analyze;
pub mod backtest;
pub mod calibrate;
pub mod forecast;
pub mod import;
pub mod negotiate;
pub mod new;
pub mod report;
pub mod scenarios;
pub mod sensitivity;
pub mod show;
pub mod simulate;
pub mod validate;
