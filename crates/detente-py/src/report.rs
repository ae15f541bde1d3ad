//! `detente.report(sc, path)`: the report page of `detente report`, assembled by
//! `detente_app::report` (the scenario, the "in brief" summary, forecasts, the bargaining plane,
//! simulated outcomes, causes, settled values, events, the tornado) and rendered by
//! `detente-report`.

use std::path::PathBuf;

use detente_app::report::{ReportFormat, ReportOptions};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

use crate::{app_err, interruptible, PyScenario};

/// Writes the report of `sc` to `path` (`format`: html or md): `runs` futures are simulated
/// (0: no simulation) and, when `sensitivity_runs` > 0, the tornado is added; with the same
/// arguments, the page `detente report --runs RUNS --sensitivity-runs SENSITIVITY_RUNS --seed
/// SEED` writes.
#[pyfunction]
#[pyo3(signature = (sc, path, format="html", runs=2000, seed=1, sensitivity_runs=0))]
pub fn report_file(
    py: Python<'_>,
    sc: &PyScenario,
    path: PathBuf,
    format: &str,
    runs: usize,
    seed: u64,
    sensitivity_runs: usize,
) -> PyResult<()> {
    let format = match format {
        "html" => ReportFormat::Html,
        "md" => ReportFormat::Markdown,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown report format `{other}`; expected html or md"
            )))
        }
    };
    let opts = ReportOptions {
        runs,
        sensitivity_runs,
        seed,
        compare: None,
    };
    let loaded = sc.loaded.clone();
    let page = interruptible(py, move |p| {
        detente_app::report::report(&loaded, &opts, format, p)
    })?
    .map_err(|e| app_err(py, e))?;
    std::fs::write(&path, page)
        .map_err(|e| PyOSError::new_err(format!("cannot write {}: {e}", path.display())))
}
