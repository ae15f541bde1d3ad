//! `detente new FILE`: write a commented scenario template.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::cli::CmdResult;
use crate::render::{print_json, print_text, CliError};

/// The template written by `detente new`.
pub const TEMPLATE: &str = include_str!("../../../../scenarios/template.toml");

/// Arguments of `detente new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the template.
    pub file: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Writes a file whole or not at all (see [`crate::output`]), refusing to replace an existing
/// one unless `force` is set, and refusing symbolic links.
pub fn write_new(path: &std::path::Path, text: &str, force: bool) -> Result<(), CliError> {
    crate::output::write_file(path, text, force)
}

/// Writes the template.
pub fn run(a: &Args, json: bool) -> CmdResult {
    write_new(&a.file, TEMPLATE, a.force)?;
    if json {
        print_json(&json!({"written": a.file.display().to_string()}));
    } else {
        print_text(&format!(
            "wrote {}; edit it, then run `detente validate {}`",
            a.file.display(),
            a.file.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
