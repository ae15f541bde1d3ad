//! `detente validate [FILE]`: report every error and warning; exit 1 if there are errors.

use std::process::ExitCode;

use detente_core::LoadError;
use serde_json::json;

use crate::cli::CmdResult;
use crate::load::{load, Source};
use crate::render::{print_json, print_problems, print_text, problem_json, CliError};

/// Arguments of `detente validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
}

/// Validates the scenario.
pub fn run(a: &Args, json: bool) -> CmdResult {
    match load(&a.source) {
        Ok(l) => {
            if json {
                let warnings: Vec<_> = l.warnings.items.iter().map(problem_json).collect();
                print_json(&json!({"valid": true, "errors": [], "warnings": warnings}));
            } else {
                print_problems(&l.warnings, &l.text);
                let s = &l.scenario;
                print_text(&format!(
                    "{} is valid: {} actors, {} issues, {} positions, {} events ({} warning(s))",
                    l.name,
                    s.actors.len(),
                    s.issues.len(),
                    s.stances.len(),
                    s.events.len(),
                    l.warnings.items.len()
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(CliError::Load(LoadError::Invalid {
            file,
            source_text,
            problems,
        })) => {
            if json {
                let errors: Vec<_> = problems.errors().map(problem_json).collect();
                let warnings: Vec<_> = problems.warnings().map(problem_json).collect();
                print_json(&json!({"valid": false, "errors": errors, "warnings": warnings}));
            } else {
                print_problems(&problems, &source_text);
                eprintln!(
                    "{file} is invalid: {} error(s), {} warning(s)",
                    problems.errors().count(),
                    problems.warnings().count()
                );
            }
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e),
    }
}
