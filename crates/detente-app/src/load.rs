//! Finding and loading the scenario a command works on: a built-in, a TOML file, or a file in
//! another tool's format imported on the fly (BDM CSV, KTAB CSV/XML, GENIUS folder or domain
//! file with profiles); what-if changes (`--set`, overlays); calibration files.

use std::path::{Path, PathBuf};

use detente_core::diag::Problems;
use detente_core::format::to_toml;
use detente_core::import::genius::{load_files, load_folder, GeniusDomain};
use detente_core::{builtin, format, LoadError, Problem, Scenario};
use detente_sim::{Calibration, Params};

use crate::AppError;

/// Formats detente can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// detente's own TOML scenario format.
    Toml,
    /// A BDM / Predictioneer-style CSV (actor, capability, position, salience).
    Bdm,
    /// A KTAB SMP CSV or XML file.
    Ktab,
    /// A GENIUS domain (folder, or domain file with profile files).
    Genius,
}

impl Format {
    /// The format's name in lower case (`toml`, `bdm`, `ktab`, `genius`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Bdm => "bdm",
            Format::Ktab => "ktab",
            Format::Genius => "genius",
        }
    }
}

/// Where the scenario comes from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// A scenario file (TOML), a BDM/KTAB/GENIUS file or folder, or a built-in name; `None`:
    /// the first built-in scenario (Muscat).
    pub file: Option<PathBuf>,
    /// Read `file` as this format instead of guessing from its extension and content.
    pub format: Option<Format>,
    /// GENIUS utility-space (profile) files, one per party, when `file` is a GENIUS domain file.
    pub profiles: Vec<PathBuf>,
}

impl Source {
    /// The file or built-in named `file`, its format guessed.
    pub fn file(file: impl Into<PathBuf>) -> Source {
        Source {
            file: Some(file.into()),
            ..Source::default()
        }
    }
}

/// A loaded scenario with its warnings and a name for messages.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Warnings found while loading.
    pub warnings: Problems,
    /// The file's text when it was a text file (to locate problems; empty otherwise).
    pub text: String,
    /// What was loaded, for messages.
    pub name: String,
    /// The GENIUS domain the scenario was imported from, if it was: `analyze` and `negotiate`
    /// read it under GENIUS's own convention (see [`crate::problem::Problem::from_loaded`]).
    pub genius: Option<GeniusDomain>,
}

impl Loaded {
    /// A scenario that comes from no file (changed, or built in code), named `name`.
    pub fn new(scenario: Scenario, name: impl Into<String>) -> Loaded {
        Loaded {
            scenario,
            warnings: Problems::new(),
            text: String::new(),
            name: name.into(),
            genius: None,
        }
    }

    /// The same name with another scenario (a variant of this one): no text, no warnings, no
    /// GENIUS domain.
    pub fn changed(&self, scenario: Scenario) -> Loaded {
        Loaded::new(scenario, self.name.clone())
    }
}

/// Reads an input file within the documented limits (regular files of at most 16 MiB).
pub fn read(path: &Path) -> Result<Vec<u8>, AppError> {
    Ok(detente_core::limits::read_input(path)?)
}

/// Reads a UTF-8 text file (calibration files).
pub fn read_text(path: &Path) -> Result<String, AppError> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| AppError::NotUtf8 {
        path: path.to_path_buf(),
    })
}

/// Guesses the format of `path` from its kind, extension and first bytes.
pub fn guess(path: &Path, bytes: Option<&[u8]>) -> Format {
    if path.is_dir() {
        return Format::Genius;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "toml" => Format::Toml,
        "csv" | "txt" => match bytes {
            Some(b) if looks_like_ktab_csv(b) => Format::Ktab,
            _ => Format::Bdm,
        },
        "xml" => match bytes {
            Some(b) if looks_like_genius(b) => Format::Genius,
            _ => Format::Ktab,
        },
        _ => Format::Toml,
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

/// The format `src` is read as: the one given, or the one guessed from the file (`None` when
/// `src` names no existing file or folder).
pub fn format_of(src: &Source) -> Option<Format> {
    let path = src.file.as_deref()?;
    if !path.exists() {
        return None;
    }
    Some(src.format.unwrap_or_else(|| {
        let bytes = if path.is_dir() { None } else { read(path).ok() };
        guess(path, bytes.as_deref())
    }))
}

/// Loads the scenario named by `src` (the first built-in when none is given). A file in
/// another tool's format is imported and must validate as detente's TOML would.
pub fn load(src: &Source) -> Result<Loaded, AppError> {
    let Some(path) = &src.file else {
        let b = &builtin::BUILTINS[0];
        return from_toml(b.source.as_bytes(), &format!("{}.toml", b.name));
    };
    if !path.exists() {
        if let Some(b) = path.to_str().and_then(builtin::find) {
            return from_toml(b.source.as_bytes(), &format!("{}.toml", b.name));
        }
        return Err(AppError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let name = path.display().to_string();
    let bytes = if path.is_dir() {
        None
    } else {
        Some(read(path)?)
    };
    let fmt = src.format.unwrap_or_else(|| guess(path, bytes.as_deref()));
    match (fmt, bytes) {
        (Format::Toml, Some(b)) => from_toml(&b, &name),
        (fmt, b) => import(fmt, path, b.as_deref(), &src.profiles),
    }
}

/// Built-in scenario names containing what was asked for, or contained in it (suggestions for
/// a [`AppError::NotFound`]).
pub fn close_builtins(asked: &Path) -> Vec<&'static str> {
    let given = asked.to_string_lossy().to_lowercase();
    builtin::BUILTINS
        .iter()
        .map(|b| b.name)
        .filter(|n| !given.is_empty() && (n.contains(given.as_str()) || given.contains(n)))
        .collect()
}

/// Parses TOML scenario bytes.
pub fn from_toml(bytes: &[u8], name: &str) -> Result<Loaded, AppError> {
    let (scenario, warnings) = format::parse_toml_bytes(bytes, name)?;
    Ok(Loaded {
        scenario,
        warnings,
        text: String::from_utf8_lossy(bytes).into_owned(),
        name: name.to_string(),
        genius: None,
    })
}

/// Imports `path` read as `fmt` (`bytes` already read unless it is a folder). Anything but
/// TOML must then read back: see [`reads_back`].
pub fn import(
    fmt: Format,
    path: &Path,
    bytes: Option<&[u8]>,
    profiles: &[PathBuf],
) -> Result<Loaded, AppError> {
    let loaded = import_unchecked(fmt, path, bytes, profiles)?;
    if fmt != Format::Toml {
        reads_back(&loaded)?;
    }
    Ok(loaded)
}

/// An imported scenario must be one detente accepts: written as TOML and read back, it must
/// validate (so `import` never writes a file that `validate` rejects). The errors are located
/// in the TOML the import would write.
fn reads_back(loaded: &Loaded) -> Result<(), AppError> {
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
    .filter_map(|(f, m)| m.map(|m| Problem::error(&loaded.name, f, m)))
    .collect();
    if !over.is_empty() {
        return Err(AppError::Load(LoadError::Invalid {
            file: loaded.name.clone(),
            source_text: String::new(),
            problems: Problems { items: over },
        }));
    }
    let text = to_toml(&loaded.scenario);
    match format::parse_toml(&text, &name) {
        Ok(_) => Ok(()),
        Err(LoadError::Invalid {
            file,
            source_text,
            problems,
        }) => {
            let mut errors = Problems::new();
            errors.items = problems.errors().cloned().collect();
            Err(AppError::Load(LoadError::Invalid {
                file,
                source_text,
                problems: errors,
            }))
        }
        Err(e) => Err(e.into()),
    }
}

fn import_unchecked(
    fmt: Format,
    path: &Path,
    bytes: Option<&[u8]>,
    profiles: &[PathBuf],
) -> Result<Loaded, AppError> {
    if fmt == Format::Genius {
        return import_genius(path, profiles);
    }
    let name = path.display().to_string();
    let Some(bytes) = bytes else {
        return Err(AppError::Folder {
            path: path.to_path_buf(),
        });
    };
    let (scenario, warnings) = match fmt {
        Format::Bdm => detente_core::import::bdm::import(bytes, &name)?,
        Format::Ktab => detente_core::import::ktab::import(bytes, &name)?,
        Format::Toml | Format::Genius => format::parse_toml_bytes(bytes, &name)?,
    };
    Ok(Loaded {
        scenario,
        warnings,
        text: String::from_utf8_lossy(bytes).into_owned(),
        name,
        genius: None,
    })
}

/// Reads a GENIUS folder, or a domain file with its profile files, as the files give it.
pub fn read_genius(
    path: &Path,
    profiles: &[PathBuf],
) -> Result<(GeniusDomain, Problems), AppError> {
    Ok(if path.is_dir() {
        load_folder(path)?
    } else {
        let profiles: Vec<&Path> = profiles.iter().map(|p| p.as_path()).collect();
        load_files(path, &profiles)?
    })
}

/// Imports a GENIUS folder (or domain file + profiles) as a scenario; the domain is kept in
/// [`Loaded::genius`].
pub fn import_genius(path: &Path, profiles: &[PathBuf]) -> Result<Loaded, AppError> {
    let (g, mut warnings) = read_genius(path, profiles)?;
    let name = path.display().to_string();
    if g.profiles.is_empty() {
        let mut problems = Problems::new();
        problems.push(Problem::error(
            &name,
            "",
            "a GENIUS domain without profiles has no parties to import; give one --profile FILE per party, or import the folder that holds the domain and its profiles",
        ));
        return Err(AppError::Load(LoadError::Invalid {
            file: name,
            source_text: String::new(),
            problems,
        }));
    }
    let mut scenario = g.to_scenario();
    warnings.push(detente_core::import::note_invented_status_quo(
        &mut scenario,
        &name,
        "GENIUS",
        "the first option",
    ));
    Ok(Loaded {
        scenario,
        warnings,
        text: String::new(),
        name,
        genius: Some(g),
    })
}

/// The scenario with every `PATH=VALUE` override applied and re-validated.
pub fn apply_sets(s: &Scenario, sets: &[String]) -> Result<Scenario, AppError> {
    Ok(detente_sim::apply_sets(s, sets)?)
}

/// Reads an overlay file (a partial scenario TOML) and applies it; its problems are located in
/// the overlay file.
pub fn overlay(s: &Scenario, path: &Path) -> Result<Scenario, AppError> {
    // Within the input limits (no FIFO, no device, at most 16 MiB); not UTF-8: a located error.
    let bytes = read(path)?;
    let name = path.display().to_string();
    let text = detente_core::diag::decode_utf8(&bytes, &name)?;
    apply_overlay(s, text, &name)
}

/// Applies the overlay TOML `text` (named `name` in its problems) and re-validates.
pub fn apply_overlay(s: &Scenario, text: &str, name: &str) -> Result<Scenario, AppError> {
    Ok(detente_sim::apply_overlay(s, text, name)?)
}

/// Reads a calibration file, or the shipped calibration when `path` is `None`.
pub fn calibration(path: Option<&Path>) -> Result<Calibration, AppError> {
    match path {
        None => Ok(Calibration::shipped()),
        Some(p) => {
            let text = read_text(p)?;
            Calibration::parse(&text).map_err(|message| AppError::Calibration {
                path: p.to_path_buf(),
                message,
            })
        }
    }
}

/// The global parameters of the dynamics: the shipped ones (`None`), or those fitted in the
/// calibration file at `path`.
pub fn params(path: Option<&Path>) -> Result<Params, AppError> {
    Ok(calibration(path)?.params)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "../../../shared/data";

    #[test]
    fn formats_are_guessed_from_extension_and_content() {
        let p = Path::new;
        assert_eq!(guess(p("a.toml"), None), Format::Toml);
        assert_eq!(guess(p("a.csv"), Some(b"Actor,Capability\n")), Format::Bdm);
        assert_eq!(guess(p("a.csv"), Some(b"x, y, 3, 2\n")), Format::Ktab);
        assert_eq!(
            guess(p("a.xml"), Some(b"<negotiation_template>")),
            Format::Genius
        );
        assert_eq!(guess(p("a.xml"), Some(b"<Scenario>")), Format::Ktab);
        assert_eq!(guess(p("a"), None), Format::Toml);
    }

    #[test]
    fn builtins_load_by_name_and_missing_files_say_so() {
        let l = load(&Source::default()).expect("default");
        assert_eq!(l.name, "muscat-2026.toml");
        assert!(l.genius.is_none() && !l.text.is_empty());
        let l = load(&Source::file("muscat-2026")).expect("by name");
        assert_eq!(l.scenario, detente_core::builtin::muscat());
        let e = load(&Source::file("muscat")).expect_err("no such file");
        assert!(matches!(e, AppError::NotFound { .. }), "{e}");
        assert_eq!(close_builtins(Path::new("muscat")), vec!["muscat-2026"]);
    }

    #[test]
    fn genius_folders_keep_their_domain() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(DATA)
            .join("genius/LaptopA");
        let l = load(&Source::file(&dir)).expect("GENIUS");
        let g = l.genius.as_ref().expect("domain kept");
        assert_eq!(g.profiles.len(), 2);
        assert_eq!(l.scenario.actors.len(), 2);
        assert!(l.changed(l.scenario.clone()).genius.is_none());
    }

    #[test]
    fn calibration_files_are_read_or_refused_with_their_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let bad = dir.path().join("c.toml");
        std::fs::write(&bad, "version = 7").expect("write");
        let e = calibration(Some(&bad)).expect_err("bad");
        assert!(e.to_string().starts_with(&bad.display().to_string()), "{e}");
        std::fs::write(&bad, [0xff, 0xfe]).expect("write");
        assert!(matches!(
            calibration(Some(&bad)),
            Err(AppError::NotUtf8 { .. })
        ));
        assert_eq!(params(None).expect("shipped"), Params::default());
    }
}
