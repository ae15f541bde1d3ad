//! One module per subcommand: each has an `Args` struct (clap) and a `run` function.
//!
//! A command parses its flags, gets its scenario with [`crate::load::load`] from a flattened
//! [`crate::load::Source`] (FILE, `--from`, `--profile`), calls the command's function in
//! `detente_app` (the application layer, which the Python package calls too), and prints a
//! table with [`crate::render::table`] or, when `json` is set, the result document
//! `detente_app` built, with [`crate::render::print_json`]. Progress bars (`simulate::Bars`)
//! follow `detente_app`'s progress phases. It returns an exit code or a
//! [`crate::render::CliError`].

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
pub mod serve;
pub mod show;
pub mod simulate;
pub mod validate;
