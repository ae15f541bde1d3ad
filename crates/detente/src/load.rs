//! Finding and loading the scenario a command works on: a built-in, a TOML file, or a file in
//! another tool's format imported on the fly.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use detente_core::diag::Problems;
use detente_core::{builtin, format, Scenario};

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

/// A loaded scenario with its warnings and a name for display.
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Warnings found while loading.
    pub warnings: Problems,
    /// The file's text when it was a TOML file (for rendering warnings).
    pub text: String,
    /// What was loaded, for messages.
    pub name: String,
}

impl Loaded {
    /// Prints the warnings on stderr (unless JSON output was asked for).
    pub fn print_warnings(&self, json: bool) {
        if !json && !self.warnings.items.is_empty() {
            print_problems(&self.warnings, &self.text);
        }
    }
}

/// Reads an input file within the documented limits (regular files of at most 16 MiB).
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    Ok(detente_core::limits::read_input(path)?)
}

/// Reads a UTF-8 text file (calibration files, overlays).
pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = read(path)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::Usage(format!("{} is not UTF-8 text", path.display())))
}

/// Guesses the format of `path` from its kind, extension and first bytes.
pub fn guess(path: &Path, bytes: Option<&[u8]>) -> From {
    if path.is_dir() {
        return From::Genius;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "toml" => From::Toml,
        "csv" | "txt" => match bytes {
            Some(b) if looks_like_ktab_csv(b) => From::Ktab,
            _ => From::Bdm,
        },
        "xml" => match bytes {
            Some(b) if looks_like_genius(b) => From::Genius,
            _ => From::Ktab,
        },
        _ => From::Toml,
    }
}

/// KTAB CSVs start with `name, description, nActors, nDims` where the last two are integers.
fn looks_like_ktab_csv(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&b[..b.len().min(4096)]);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let cells: Vec<&str> = first.split(',').map(str::trim).collect();
    cells.len() >= 4 && cells[2].parse::<u64>().is_ok() && cells[3].parse::<u64>().is_ok()
}

fn looks_like_genius(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&b[..b.len().min(8192)]);
    text.contains("<negotiation_template") || text.contains("<utility_space")
}

/// Loads the scenario named by `src` (the built-in Muscat scenario when none is given).
pub fn load(src: &Source) -> Result<Loaded, CliError> {
    let Some(path) = &src.file else {
        let b = &builtin::BUILTINS[0];
        return from_toml(b.source.as_bytes(), &format!("{}.toml", b.name));
    };
    if !path.exists() {
        if let Some(b) = path.to_str().and_then(builtin::find) {
            return from_toml(b.source.as_bytes(), &format!("{}.toml", b.name));
        }
        return Err(CliError::Usage(not_found(path)));
    }
    let name = path.display().to_string();
    let bytes = if path.is_dir() {
        None
    } else {
        Some(read(path)?)
    };
    let fmt = src.from.unwrap_or_else(|| guess(path, bytes.as_deref()));
    match (fmt, bytes) {
        (From::Toml, Some(b)) => from_toml(&b, &name),
        (fmt, b) => crate::cmd::import::import(fmt, path, b.as_deref(), &src.profiles),
    }
}

/// Neither a file nor a built-in scenario: say so, with the built-in names (the close ones
/// first, as a suggestion).
fn not_found(path: &Path) -> String {
    let given = path.to_string_lossy().to_lowercase();
    let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
    let close: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !given.is_empty() && (n.contains(given.as_str()) || given.contains(n)))
        .collect();
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

/// Parses TOML scenario bytes.
pub fn from_toml(bytes: &[u8], name: &str) -> Result<Loaded, CliError> {
    let (scenario, warnings) = format::parse_toml_bytes(bytes, name)?;
    Ok(Loaded {
        scenario,
        warnings,
        text: String::from_utf8_lossy(bytes).into_owned(),
        name: name.to_string(),
    })
}
