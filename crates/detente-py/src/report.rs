//! `detente.report(sc, path)` and `detente.report_backtest(dir, path)`: the pages of
//! `detente report` and `detente report --backtest`, assembled by `detente_app::report` (the
//! scenario, the "in brief" summary, forecasts, the bargaining plane, simulated outcomes and a
//! what-if beside them, causes, settled values, events, the tornado; or the backtest's scores)
//! and rendered by `detente-report`. Pages are written whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use detente_app::report::{ReportFormat, ReportOptions};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

use crate::{app_err, interruptible, PyScenario};

/// Writes the report of `sc` to `path` (`format`: html or md): `runs` futures are simulated
/// (0: no simulation) and, when `sensitivity_runs` > 0, the tornado is added; with the same
/// arguments, the page `detente report --runs RUNS --sensitivity-runs SENSITIVITY_RUNS --seed
/// SEED` writes.
#[pyfunction]
#[pyo3(signature = (sc, path, format="html", runs=2000, seed=1, sensitivity_runs=0, compare=None))]
#[allow(clippy::too_many_arguments)]
pub fn report_file(
    py: Python<'_>,
    sc: &PyScenario,
    path: PathBuf,
    format: &str,
    runs: usize,
    seed: u64,
    sensitivity_runs: usize,
    compare: Option<PathBuf>,
) -> PyResult<()> {
    let format = report_format(format)?;
    let opts = ReportOptions {
        runs,
        sensitivity_runs,
        seed,
        compare,
    };
    let loaded = sc.loaded.clone();
    let page = interruptible(py, move |p| {
        detente_app::report::report(&loaded, &opts, format, p)
    })?
    .map_err(|e| app_err(py, e))?;
    write_whole(&path, &page)
}

/// Writes the backtest page of the cases in `dir` to `path`: the page `detente report
/// --backtest DIR --runs RUNS --seed SEED [--params PARAMS]` writes.
#[pyfunction]
#[pyo3(signature = (dir, path, format="html", runs=2000, seed=1, params=None))]
pub fn backtest_report_file(
    py: Python<'_>,
    dir: PathBuf,
    path: PathBuf,
    format: &str,
    runs: usize,
    seed: u64,
    params: Option<PathBuf>,
) -> PyResult<()> {
    let format = report_format(format)?;
    let page = interruptible(py, move |p| {
        detente_app::report::build_backtest(&dir, runs, seed, params.as_deref(), p)
            .map(|input| detente_app::report::render_backtest(&input, format))
    })?
    .map_err(|e| app_err(py, e))?;
    write_whole(&path, &page)
}

fn report_format(name: &str) -> PyResult<ReportFormat> {
    match name {
        "html" => Ok(ReportFormat::Html),
        "md" => Ok(ReportFormat::Markdown),
        other => Err(PyValueError::new_err(format!(
            "unknown report format `{other}`; expected html or md"
        ))),
    }
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it, renamed over it once
/// complete (a full disk or an interrupted write leaves `path` as it was).
fn write_whole(path: &Path, text: &str) -> PyResult<()> {
    let fail =
        |e: std::io::Error| PyOSError::new_err(format!("cannot write {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| PyValueError::new_err(format!("{} is not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(
        ".{}.detente-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
