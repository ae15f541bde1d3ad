//! The `detente` command line: a thin front over the detente library crates.

mod cli;
mod cmd;
mod flags;
mod interrupt;
mod load;
mod output;
mod render;

use std::process::ExitCode;

fn main() -> ExitCode {
    interrupt::install();
    cli::run()
}
