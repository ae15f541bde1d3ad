//! Finding the cases of a backtest on disk (`<dir>/<id>/scenario.toml` and
//! `<dir>/<id>/outcome.toml`) and reading an outcome file.

use std::io::Read;
use std::path::{Path, PathBuf};

use detente_core::diag::{decode_utf8, LoadError, Problem, Problems};
use detente_core::Scenario;

use crate::outcome::{parse_outcome, Outcome};
use crate::BacktestError;

/// Name of a case's scenario file inside its folder.
pub const SCENARIO_FILE: &str = "scenario.toml";

/// Name of a case's outcome file inside its folder.
pub const OUTCOME_FILE: &str = "outcome.toml";

/// Largest outcome file accepted, in bytes (1 MiB).
pub const MAX_OUTCOME_BYTES: u64 = 1 << 20;

/// The files of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFiles {
    /// The case id: its folder name.
    pub id: String,
    /// `<dir>/<id>/scenario.toml`.
    pub scenario_path: PathBuf,
    /// `<dir>/<id>/outcome.toml`, `None` when the folder has none (only from
    /// [`discover_scenarios`]; [`discover`] refuses such folders).
    pub outcome_path: Option<PathBuf>,
}

/// Every case under `dir`: each immediate subfolder holding a `scenario.toml`, sorted by folder
/// name; subfolders without one are skipped. Every case must also hold an `outcome.toml`.
///
/// Errors: `dir` is not a directory or cannot be listed; no case folder; case folders without
/// an outcome file (all of them are named).
pub fn discover(dir: &Path) -> Result<Vec<CaseFiles>, BacktestError> {
    let cases = discover_scenarios(dir)?;
    let missing: Vec<String> = cases
        .iter()
        .filter(|c| c.outcome_path.is_none())
        .map(|c| c.id.clone())
        .collect();
    if !missing.is_empty() {
        return Err(BacktestError::MissingOutcome {
            dir: dir.display().to_string(),
            ids: missing,
        });
    }
    Ok(cases)
}

/// Like [`discover`], but a case folder without `outcome.toml` is listed with
/// `outcome_path: None` instead of being an error (for forecasting cases whose outcome is not
/// known yet).
pub fn discover_scenarios(dir: &Path) -> Result<Vec<CaseFiles>, BacktestError> {
    let shown = dir.display().to_string();
    let meta = std::fs::metadata(dir).map_err(|source| BacktestError::Io {
        path: shown.clone(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(BacktestError::NotADirectory { path: shown });
    }
    let entries = std::fs::read_dir(dir).map_err(|source| BacktestError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut folders: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| BacktestError::Io {
            path: shown.clone(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() && path.join(SCENARIO_FILE).exists() {
            folders.push(path);
        }
    }
    if folders.is_empty() {
        return Err(BacktestError::NoCases { dir: shown });
    }
    folders.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(folders
        .into_iter()
        .map(|path| {
            let outcome = path.join(OUTCOME_FILE);
            CaseFiles {
                id: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                scenario_path: path.join(SCENARIO_FILE),
                outcome_path: outcome.exists().then_some(outcome),
            }
        })
        .collect())
}

/// Reads and parses the outcome file at `path` against its case's `scenario`; returns the
/// outcome with its warnings.
///
/// Only regular files (or links to one) of at most [`MAX_OUTCOME_BYTES`] are read; the text
/// must be UTF-8 (the first bad byte is located). Problems name the file as `path` displays.
pub fn load_outcome(path: &Path, scenario: &Scenario) -> Result<(Outcome, Problems), LoadError> {
    let shown = path.display().to_string();
    let io = |source| LoadError::Io {
        path: shown.clone(),
        source,
    };
    let invalid = |message: String| {
        let mut problems = Problems::new();
        problems.push(Problem::error(shown.clone(), "", message));
        LoadError::Invalid {
            file: shown.clone(),
            source_text: String::new(),
            problems,
        }
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(invalid(
            "not a regular file; expected a TOML outcome file".to_string(),
        ));
    }
    if meta.len() > MAX_OUTCOME_BYTES {
        return Err(invalid(format!(
            "file is too large ({} bytes, at most {MAX_OUTCOME_BYTES})",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_OUTCOME_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    // The file may have grown since it was measured.
    if bytes.len() as u64 > MAX_OUTCOME_BYTES {
        return Err(invalid(format!(
            "file is too large (more than {MAX_OUTCOME_BYTES} bytes)"
        )));
    }
    let text = decode_utf8(&bytes, &shown)?;
    parse_outcome(text, &shown, scenario)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::tests::scenario;
    use crate::outcome::Class4;

    const OUTCOME: &str =
        "format = 1\nclass = \"interim\"\ndate = \"2013-11-24\"\nsummary = \"JPOA\"\n";

    fn case(dir: &Path, id: &str, outcome: Option<&str>) {
        let c = dir.join(id);
        std::fs::create_dir_all(&c).expect("mkdir");
        std::fs::write(c.join(SCENARIO_FILE), "format = 1\n").expect("write");
        if let Some(o) = outcome {
            std::fs::write(c.join(OUTCOME_FILE), o).expect("write");
        }
    }

    #[test]
    fn discovers_case_folders_sorted_by_name() {
        let tmp = tempfile::tempdir().expect("tmp");
        case(tmp.path(), "b-jcpoa", Some(OUTCOME));
        case(tmp.path(), "a-jpoa", Some(OUTCOME));
        case(tmp.path(), "c-2019", Some(OUTCOME));
        std::fs::create_dir(tmp.path().join("notes")).expect("mkdir");
        std::fs::write(tmp.path().join("README.md"), "x").expect("write");
        let cases = discover(tmp.path()).expect("cases");
        let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["a-jpoa", "b-jcpoa", "c-2019"]);
        assert_eq!(
            cases[1].scenario_path,
            tmp.path().join("b-jcpoa").join("scenario.toml")
        );
        assert_eq!(
            cases[1].outcome_path,
            Some(tmp.path().join("b-jcpoa").join("outcome.toml"))
        );
    }

    #[test]
    fn a_case_without_outcome_is_named() {
        let tmp = tempfile::tempdir().expect("tmp");
        case(tmp.path(), "a", Some(OUTCOME));
        case(tmp.path(), "b", None);
        case(tmp.path(), "c", None);
        let e = discover(tmp.path()).expect_err("missing");
        match &e {
            BacktestError::MissingOutcome { ids, .. } => assert_eq!(ids, &["b", "c"]),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("b, c"), "{e}");
        assert!(e.to_string().contains("outcome.toml"), "{e}");
        let all = discover_scenarios(tmp.path()).expect("scenarios");
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].outcome_path, None);
    }

    #[test]
    fn refuses_a_file_a_missing_path_and_an_empty_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let file = tmp.path().join("cases.toml");
        std::fs::write(&file, "x").expect("write");
        let e = discover(&file).expect_err("file");
        assert!(matches!(e, BacktestError::NotADirectory { .. }), "{e:?}");
        assert!(e.to_string().contains("is not a directory"), "{e}");
        let e = discover(&tmp.path().join("nope")).expect_err("missing");
        assert!(matches!(e, BacktestError::Io { .. }), "{e:?}");
        let e = discover(tmp.path()).expect_err("empty");
        assert!(matches!(e, BacktestError::NoCases { .. }), "{e:?}");
    }

    #[test]
    fn loads_an_outcome_and_locates_its_errors() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join(OUTCOME_FILE);
        std::fs::write(&path, OUTCOME).expect("write");
        let (o, _) = load_outcome(&path, &scenario()).expect("ok");
        assert_eq!(o.class, Class4::Interim);
        std::fs::write(&path, OUTCOME.replace("interim", "truce")).expect("write");
        match load_outcome(&path, &scenario()) {
            Err(LoadError::Invalid { file, problems, .. }) => {
                assert_eq!(file, path.display().to_string());
                let p = &problems.items[0];
                assert_eq!((p.field.as_str(), p.line, p.column), ("class", 2, 9));
                assert_eq!(p.file, path.display().to_string());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_large_non_utf8_and_non_regular_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join(OUTCOME_FILE);
        let mut big = OUTCOME.to_string();
        big.push_str(&"# padding\n".repeat(110_000));
        std::fs::write(&path, &big).expect("write");
        let msg = |r: Result<(Outcome, Problems), LoadError>| match r {
            Err(LoadError::Invalid { problems, .. }) => problems.items[0].clone(),
            other => panic!("{other:?}"),
        };
        assert!(msg(load_outcome(&path, &scenario()))
            .message
            .contains("too large"));
        std::fs::write(&path, b"format = 1\nclass = \"\xff\"\n").expect("write");
        let p = msg(load_outcome(&path, &scenario()));
        assert!(p.message.contains("UTF-8"), "{p}");
        assert_eq!((p.line, p.column), (2, 10));
        let p = msg(load_outcome(tmp.path(), &scenario()));
        assert!(p.message.contains("not a regular file"), "{p}");
        assert!(matches!(
            load_outcome(&tmp.path().join("nope.toml"), &scenario()),
            Err(LoadError::Io { .. })
        ));
    }
}
