//! `detente import FILE`: convert another tool's file into a scenario TOML.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_app::load::{guess, read};
use detente_core::diag::Problems;
use detente_core::format::to_toml;
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::new::write_new;
use crate::load::Source;
use crate::render::{print_json, print_problems, print_text, problem_json, CliError};

/// Arguments of `detente import`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("file", |a| a.help(
    "The BDM CSV, KTAB CSV/XML file, GENIUS folder or GENIUS domain file (with --profile) to convert; required (a TOML scenario or built-in name is copied as is)"
).long_help(None::<&str>)))]
pub struct Args {
    /// The file (or GENIUS folder) to import, and how to read it.
    #[command(flatten)]
    pub source: Source,
    /// Write the scenario here (default: print it on stdout).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs the import.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let Some(path) = &a.source.file else {
        return Err(CliError::Usage("import needs a FILE to read".into()));
    };
    let loaded = crate::load::load(&a.source)?;
    let text = to_toml(&loaded.scenario);
    let fmt = a.source.from.map_or_else(
        || guess(path, read(path).ok().as_deref()),
        crate::load::From::format,
    );
    report(&loaded.warnings, &loaded.text, json);
    match &a.output {
        Some(out) => {
            write_new(out, &text, a.force)?;
            let s = &loaded.scenario;
            if json {
                let w: Vec<_> = loaded.warnings.items.iter().map(problem_json).collect();
                print_json(
                    &json!({"written": out.display().to_string(), "from": fmt.as_str(), "actors": s.actors.len(), "issues": s.issues.len(), "warnings": w}),
                );
            } else {
                print_text(&format!(
                    "wrote {}: {} actors, {} issues (from {})",
                    out.display(),
                    s.actors.len(),
                    s.issues.len(),
                    path.display()
                ));
            }
        }
        None => print_text(&text),
    }
    Ok(ExitCode::SUCCESS)
}

fn report(w: &Problems, text: &str, json: bool) {
    if !json {
        print_problems(w, text);
    }
}
