//! Flags and dispatch: parses the command line and runs one command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::flags::{check_runs, check_threads};
use crate::render::CliError;

/// detente: model, forecast and run mediated multi-party negotiations.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a scenario: actors, issues and the position/salience matrix.
    Show(cmd::show::Args),
    /// Check a scenario file and report every error with its location.
    Validate(cmd::validate::Args),
    /// Convert a BDM CSV, KTAB CSV/XML or GENIUS XML file into a scenario TOML.
    Import(cmd::import::Args),
    /// Write a commented scenario template to FILE.
    New(cmd::new::Args),
    /// List the built-in scenarios.
    Scenarios,
    /// Forecast where each issue settles (mean, median, Nash, BDM, SMP).
    Forecast(cmd::forecast::Args),
    /// Pareto frontier, Nash/KS/utilitarian points, ZOPA and logrolls of a negotiation.
    ///
    /// The exact bargaining analysis between the parties, from their utilities on the issues
    /// and their BATNAs (reservation values, on the 0–1 utility scale): the Pareto frontier of
    /// the outcomes every party prefers to its BATNA, the Nash, Kalai–Smorodinsky,
    /// utilitarian and egalitarian points, the zone of possible agreement (ZOPA) and logrolls
    /// (trades of one issue for another). Continuous issues are discretised into --steps
    /// values. Stakeholders, events and uncertainty ranges are not used; nothing is random.
    Analyze(cmd::analyze::Args),
    /// Simulate many futures: probabilities of deal, interim, stalemate and breakdown.
    Simulate(cmd::simulate::Args),
    /// Rank the inputs by how much they move P(deal) and P(breakdown) (tornado).
    Sensitivity(cmd::sensitivity::Args),
    /// Write a report (self-contained HTML with charts, or Markdown) of everything above.
    Report(cmd::report::Args),
    /// Run one negotiation session (SAO, single-text mediation or shuttle talks).
    Negotiate(cmd::negotiate::Args),
    /// Score the forecasts on historical cases with known outcomes, out of sample.
    Backtest(cmd::backtest::Args),
    /// Fit the simulation's global parameters on the cases (leave-one-out) into a file.
    Calibrate(cmd::calibrate::Args),
    /// Serve the web workbench and live negotiation rooms (SQLite by default, or PostgreSQL).
    Serve(cmd::serve::Args),
}

/// Parses arguments, runs the command, renders errors, and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let result = match cli.command {
        Command::Show(a) => cmd::show::run(&a, json),
        Command::Validate(a) => cmd::validate::run(&a, json),
        Command::Import(a) => cmd::import::run(&a, json),
        Command::New(a) => cmd::new::run(&a, json),
        Command::Scenarios => cmd::scenarios::run(json),
        Command::Forecast(a) => cmd::forecast::run(&a, json),
        Command::Analyze(a) => cmd::analyze::run(&a, json),
        Command::Simulate(a) => check_runs("--runs", a.runs)
            .and_then(|_| check_threads(a.sim.threads))
            .and_then(|_| cmd::simulate::run(&a, json)),
        Command::Sensitivity(a) => check_runs("--runs", a.runs)
            .and_then(|_| check_threads(a.sim.threads))
            .and_then(|_| cmd::sensitivity::run(&a, json)),
        Command::Report(a) => check_runs("--runs", a.runs.unwrap_or(0))
            .and_then(|_| check_runs("--sensitivity-runs", a.sensitivity_runs))
            .and_then(|_| cmd::report::run(&a, json)),
        Command::Negotiate(a) => cmd::negotiate::run(&a, json),
        Command::Backtest(a) => check_runs("--runs", a.runs)
            .and_then(|_| check_threads(a.threads))
            .and_then(|_| cmd::backtest::run(&a, json)),
        Command::Calibrate(a) => check_runs("--runs", a.runs)
            .and_then(|_| check_threads(a.threads))
            .and_then(|_| cmd::calibrate::run(&a, json)),
        Command::Serve(a) => cmd::serve::run(&a, json),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => e.report(json),
    };
    match crate::render::stdout_error() {
        Some(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(1)
        }
        None => code,
    }
}

/// Result of a command: an exit code, or an error to render.
pub type CmdResult = Result<ExitCode, CliError>;
