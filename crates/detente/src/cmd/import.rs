//! `detente import FILE`: convert another tool's file into a scenario TOML.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use detente_core::diag::Problems;
use detente_core::format::to_toml;
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::new::write_new;
use crate::load::{guess, From, Loaded, Source};
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

/// Imports `path` read as `fmt` (bytes already read unless it is a folder).
pub fn import(
    fmt: From,
    path: &Path,
    bytes: Option<&[u8]>,
    profiles: &[PathBuf],
) -> Result<Loaded, CliError> {
    let loaded = import_unchecked(fmt, path, bytes, profiles)?;
    if fmt != From::Toml {
        reads_back(&loaded)?;
    }
    Ok(loaded)
}

/// An imported scenario must be one detente accepts: written as TOML and read back, it must
/// validate (so `import` never writes a file that `validate` rejects). The errors are shown
/// located in the TOML the import would write.
fn reads_back(loaded: &Loaded) -> Result<(), CliError> {
    let name = format!("{} (imported as TOML)", loaded.name);
    // Limits first: past them the round trip itself would be slow.
    let over: Vec<_> = [
        (
            "actors",
            detente_core::limits::too_many_actors(loaded.scenario.actors.len()),
        ),
        (
            "issues",
            detente_core::limits::too_many_issues(loaded.scenario.issues.len()),
        ),
    ]
    .into_iter()
    .filter_map(|(f, m)| m.map(|m| detente_core::Problem::error(&loaded.name, f, m)))
    .collect();
    if !over.is_empty() {
        return Err(CliError::Load(detente_core::LoadError::Invalid {
            file: loaded.name.clone(),
            source_text: String::new(),
            problems: Problems { items: over },
        }));
    }
    let text = to_toml(&loaded.scenario);
    match detente_core::format::parse_toml(&text, &name) {
        Ok(_) => Ok(()),
        Err(detente_core::LoadError::Invalid {
            file,
            source_text,
            problems,
        }) => {
            let mut errors = Problems::new();
            errors.items = problems.errors().cloned().collect();
            Err(CliError::Load(detente_core::LoadError::Invalid {
                file,
                source_text,
                problems: errors,
            }))
        }
        Err(e) => Err(e.into()),
    }
}

fn import_unchecked(
    fmt: From,
    path: &Path,
    bytes: Option<&[u8]>,
    profiles: &[PathBuf],
) -> Result<Loaded, CliError> {
    if fmt == From::Genius {
        return crate::cmd::analyze::import_genius(path, profiles);
    }
    let name = path.display().to_string();
    let Some(bytes) = bytes else {
        return Err(CliError::Usage(format!(
            "{name} is a folder; only GENIUS domains can be read from a folder"
        )));
    };
    let (scenario, warnings) = match fmt {
        From::Bdm => detente_core::import::bdm::import(bytes, &name)?,
        From::Toml => detente_core::format::parse_toml_bytes(bytes, &name)?,
        From::Ktab => detente_core::import::ktab::import(bytes, &name)?,
        From::Genius => {
            return Err(CliError::Usage(format!(
                "cannot import {name} as {fmt:?}: that importer is not part of this build yet"
            )))
        }
    };
    Ok(Loaded {
        scenario,
        warnings,
        text: String::from_utf8_lossy(bytes).into_owned(),
        name,
    })
}

/// Runs the import.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let Some(path) = &a.source.file else {
        return Err(CliError::Usage("import needs a FILE to read".into()));
    };
    let loaded = crate::load::load(&a.source)?;
    let text = to_toml(&loaded.scenario);
    let fmt = a
        .source
        .from
        .unwrap_or_else(|| guess(path, crate::load::read(path).ok().as_deref()));
    report(&loaded.warnings, &loaded.text, json);
    match &a.output {
        Some(out) => {
            write_new(out, &text, a.force)?;
            let s = &loaded.scenario;
            if json {
                let w: Vec<_> = loaded.warnings.items.iter().map(problem_json).collect();
                print_json(
                    &json!({"written": out.display().to_string(), "from": format!("{fmt:?}").to_lowercase(), "actors": s.actors.len(), "issues": s.issues.len(), "warnings": w}),
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
