//! The scenario a command works on, from the command line: FILE, `--from` and `--profile`,
//! handed to `detente_app::load` (a built-in, a TOML file, or a file in another tool's format
//! imported on the fly).

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use detente_app::Format;
use detente_core::builtin;

pub use detente_app::Loaded;

use crate::render::{print_problems, CliError};

/// Formats detente can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum From {
    /// detente's own TOML scenario format.
    Toml,
    /// A BDM / Predictioneer-style CSV (actor, capability, position, salience).
    Bdm,
    /// A KTAB SMP CSV or XML file.
    Ktab,
    /// A GENIUS domain (folder, or domain file with --profile files).
    Genius,
}

impl From {
    /// The application layer's format.
    pub fn format(self) -> Format {
        match self {
            From::Toml => Format::Toml,
            From::Bdm => Format::Bdm,
            From::Ktab => Format::Ktab,
            From::Genius => Format::Genius,
        }
    }
}

/// Where the scenario comes from: shared by every command that takes FILE.
#[derive(Debug, Clone, clap::Args)]
pub struct Source {
    /// Scenario file (TOML), a BDM/KTAB/GENIUS file or folder, or a built-in name; default: the built-in Muscat scenario.
    pub file: Option<PathBuf>,
    /// Read FILE as this format instead of guessing from its extension and content.
    #[arg(long, value_enum)]
    pub from: Option<From>,
    /// GENIUS utility-space (profile) file, one per party, when FILE is a GENIUS domain file.
    #[arg(long = "profile", value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,
}

impl Source {
    /// The same source for `detente_app`.
    pub fn app(&self) -> detente_app::Source {
        detente_app::Source {
            file: self.file.clone(),
            format: self.from.map(From::format),
            profiles: self.profiles.clone(),
        }
    }
}

/// Printing a loaded scenario's warnings.
pub trait PrintWarnings {
    /// Prints the warnings on stderr (unless JSON output was asked for).
    fn print_warnings(&self, json: bool);
}

impl PrintWarnings for Loaded {
    fn print_warnings(&self, json: bool) {
        if !json && !self.warnings.items.is_empty() {
            print_problems(&self.warnings, &self.text);
        }
    }
}

/// Loads the scenario named by `src` (the built-in Muscat scenario when none is given).
pub fn load(src: &Source) -> Result<Loaded, CliError> {
    Ok(detente_app::load::load(&src.app())?)
}

/// Neither a file nor a built-in scenario: say so, with the built-in names (the close ones
/// first, as a suggestion).
pub fn not_found(path: &Path) -> String {
    let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
    let close = detente_app::load::close_builtins(path);
    let mut msg = format!(
        "cannot read {}: there is no such file, and no built-in scenario has that name",
        path.display()
    );
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    msg.push_str(&format!(
        " (built-in scenarios: {}; `detente scenarios` lists them)",
        names.join(", ")
    ));
    msg
}
