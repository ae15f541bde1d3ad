//! `detente.report(sc, path)` and `detente.report_backtest(dir, path)`: the pages of
//! `detente report` and `detente report --backtest`, assembled by `detente_app::report` (the
//! scenario, the "in brief" summary, forecasts, the bargaining plane, simulated outcomes and a
//! what-if beside them, causes, settled values, events, the tornado; or the backtest's scores)
//! and rendered by `detente-report`. Pages are written whole or not at all.

use std::path::PathBuf;

use detente_app::report::{ReportFormat, ReportOptions};
use pyo3::exceptions::PyValueError;
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
    detente_app::output::write_file(&path, &page, true).map_err(|e| app_err(py, e))
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
    detente_app::output::write_file(&path, &page, true).map_err(|e| app_err(py, e))
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
