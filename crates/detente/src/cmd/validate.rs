//! `detente validate [FILE]`: report every error and warning; exit 1 if there are errors.

use std::process::ExitCode;

use detente_app::show::{invalid_json, valid_json};
use detente_core::LoadError;

use crate::cli::CmdResult;
use crate::load::{load, Source};
use crate::render::{print_json, print_problems, print_text, CliError};

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
                print_json(&valid_json(&l.warnings));
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
                print_json(&invalid_json(&problems));
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
