//! `detente._detente`: the native half of the `detente` Python package.
//!
//! A thin layer over `detente-app`, the application layer the `detente` CLI calls too: every
//! function here loads or takes a scenario, calls the same `detente_app` function as the CLI's
//! command and hands back its result document as JSON text (the Python half parses it into
//! dicts), so a result is the CLI's `--json` document for the same inputs and seed. What is
//! Python's own here: argument types, exceptions, and running long computations.
//!
//! Long computations (forecast, simulate, sensitivity, backtest, report) run on a worker thread
//! with the GIL released; the calling thread wakes every 50 ms to run Python's signal handlers,
//! and a Ctrl-C raises `KeyboardInterrupt` at once while the engine stops at its next progress
//! tick (`detente_app::Progress::cancelled`).

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use detente_app::backtest::BacktestOptions;
use detente_app::forecast::ForecastOptions;
use detente_app::negotiate::NegotiateOptions;
use detente_app::simulate::SimOptions;
use detente_app::{AppError, Format, Loaded, Problem as NegotiationProblem, Progress, Source};
use detente_core::diag::{Problem, Problems};
use detente_core::{builtin, format, LoadError};
use detente_forecast::BdmVariant;
use detente_negotiate::scenario::{ProtocolKind, DEFAULT_STEPS};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// errors

/// Raises `detente.ScenarioError(summary, problems, warnings)` (defined in Python).
fn scenario_error(py: Python<'_>, file: &str, problems: &Problems) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let errors: Vec<PyObject> = problems
            .errors()
            .map(|p| problem_dict(py, p))
            .collect::<PyResult<_>>()?;
        let warnings: Vec<PyObject> = problems
            .warnings()
            .map(|p| problem_dict(py, p))
            .collect::<PyResult<_>>()?;
        let summary = format!(
            "{} error(s) in {file}:\n{}",
            errors.len(),
            problems
                .errors()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let cls = py.import("detente._errors")?.getattr("ScenarioError")?;
        let exc = cls.call1((summary, errors, warnings))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

fn problem_dict(py: Python<'_>, p: &Problem) -> PyResult<PyObject> {
    let d = PyDict::new(py);
    d.set_item("message", &p.message)?;
    d.set_item("file", &p.file)?;
    d.set_item("line", p.line)?;
    d.set_item("column", p.column)?;
    d.set_item("field", &p.field)?;
    d.set_item("severity", if p.is_error() { "error" } else { "warning" })?;
    Ok(d.into_any().unbind())
}

/// The Python exception for an error of the application layer: `ScenarioError` for located
/// problems, `OSError` for files that cannot be read, `KeyboardInterrupt` for a cancelled run,
/// `ValueError` otherwise.
fn app_err(py: Python<'_>, e: AppError) -> PyErr {
    match e {
        AppError::Load(LoadError::Invalid { file, problems, .. }) => {
            scenario_error(py, &file, &problems)
        }
        AppError::Load(e @ LoadError::Io { .. }) => PyOSError::new_err(e.to_string()),
        AppError::NotFound { path } => PyOSError::new_err(format!(
            "{} does not exist and is not a built-in scenario (built-ins: {})",
            path.display(),
            builtins().join(", ")
        )),
        AppError::Cancelled => PyKeyboardInterrupt::new_err("interrupted"),
        AppError::Output(m) => PyOSError::new_err(m),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// A document as JSON text, or the error as a Python exception.
fn doc(py: Python<'_>, r: Result<Value, AppError>) -> PyResult<String> {
    r.map(|v| v.to_string()).map_err(|e| app_err(py, e))
}

// ---------------------------------------------------------------------------------------------
// running long computations: GIL released, Ctrl-C honoured

/// The progress of a computation run by [`interruptible`]: asks the engine to stop once the
/// caller has been interrupted.
struct StopFlag(Arc<AtomicBool>);

impl Progress for StopFlag {
    fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `f` on a worker thread with the GIL released. `f` gets the progress to hand to
/// `detente_app`; when Python's signal handlers raise (Ctrl-C: `KeyboardInterrupt`), that
/// exception is returned at once and the computation is asked to stop: it returns
/// `AppError::Cancelled` at its next progress tick. The engine's rayon workers each finish the
/// run in hand first, so the worker is left to wind down on its own (a second or so of CPU)
/// rather than making the caller wait for it.
fn interruptible<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> T + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let handle = {
        let (cancel, done) = (cancel.clone(), done.clone());
        std::thread::Builder::new()
            .name("detente-engine".into())
            .spawn(move || {
                let flag = StopFlag(cancel);
                let r = std::panic::catch_unwind(AssertUnwindSafe(|| f(&flag)));
                *done.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
                done.1.notify_all();
                r
            })
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?
    };
    loop {
        let finished = py.allow_threads(|| {
            let guard = done.0.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = done
                .1
                .wait_timeout_while(guard, Duration::from_millis(50), |d| !*d)
                .unwrap_or_else(|e| e.into_inner());
            *guard
        });
        if finished {
            break;
        }
        if let Err(e) = py.check_signals() {
            cancel.store(true, Ordering::Relaxed);
            return Err(e);
        }
    }
    match py.allow_threads(|| handle.join()) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(p)) | Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the engine panicked".into());
            Err(PyRuntimeError::new_err(msg))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// scenarios

/// A validated scenario (use `detente.load`).
#[pyclass(module = "detente._detente", name = "Scenario", frozen)]
pub struct PyScenario {
    /// The scenario, what was loaded (file name or built-in name), the text it came from (to
    /// locate `[models.smp]` problems), its warnings, and the GENIUS domain it was imported
    /// from if it was (text, warnings and domain are dropped once it is changed).
    loaded: Loaded,
}

impl PyScenario {
    fn changed(&self, scenario: detente_core::Scenario) -> PyScenario {
        PyScenario {
            loaded: self.loaded.changed(scenario),
        }
    }
}

#[pymethods]
impl PyScenario {
    /// What was loaded: a path or a built-in name.
    #[getter]
    fn name(&self) -> &str {
        &self.loaded.name
    }

    /// The scenario's title.
    #[getter]
    fn title(&self) -> &str {
        &self.loaded.scenario.meta.title
    }

    /// Actor ids, in scenario order.
    #[getter]
    fn actors(&self) -> Vec<String> {
        let s = &self.loaded.scenario;
        s.actors.iter().map(|a| a.id.clone()).collect()
    }

    /// Issue ids, in scenario order.
    #[getter]
    fn issues(&self) -> Vec<String> {
        let s = &self.loaded.scenario;
        s.issues.iter().map(|i| i.id.clone()).collect()
    }

    /// Warnings found while loading (dicts with message, file, line, column, field).
    #[getter]
    fn warnings(&self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        self.loaded
            .warnings
            .items
            .iter()
            .map(|p| problem_dict(py, p))
            .collect()
    }

    /// The scenario as TOML (reads back identical).
    fn to_toml(&self) -> String {
        format::to_toml(&self.loaded.scenario)
    }

    /// A copy with `PATH=VALUE` overrides applied and re-validated.
    fn _with_sets(&self, py: Python<'_>, sets: Vec<String>) -> PyResult<PyScenario> {
        let s = detente_app::load::apply_sets(&self.loaded.scenario, &sets)
            .map_err(|e| app_err(py, e))?;
        Ok(self.changed(s))
    }

    /// A copy patched by the overlay TOML in `text` (named `name` in errors).
    fn _with_overlay(&self, py: Python<'_>, text: &str, name: &str) -> PyResult<PyScenario> {
        let s = detente_app::load::apply_overlay(&self.loaded.scenario, text, name)
            .map_err(|e| app_err(py, e))?;
        Ok(self.changed(s))
    }

    fn __repr__(&self) -> String {
        let s = &self.loaded.scenario;
        format!(
            "<detente.Scenario {:?}: {} actors, {} issues>",
            s.meta.title,
            s.actors.len(),
            s.issues.len()
        )
    }
}

/// Names of the built-in scenarios.
#[pyfunction]
fn builtins() -> Vec<&'static str> {
    builtin::BUILTINS.iter().map(|b| b.name).collect()
}

/// Loads a built-in scenario by name, or a file as the CLI does: TOML, BDM CSV, KTAB CSV/XML,
/// a GENIUS folder (`format`: toml, bdm, ktab or genius; default: guessed from the extension
/// and content).
#[pyfunction]
#[pyo3(signature = (source, format=None))]
fn load(py: Python<'_>, source: PathBuf, format: Option<&str>) -> PyResult<PyScenario> {
    let format = match format {
        None => None,
        Some("toml") => Some(Format::Toml),
        Some("bdm") => Some(Format::Bdm),
        Some("ktab") => Some(Format::Ktab),
        Some("genius") => Some(Format::Genius),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "unknown format `{other}`; expected toml, bdm, ktab or genius"
            )))
        }
    };
    let src = Source {
        file: Some(source),
        format,
        profiles: Vec::new(),
    };
    let loaded = detente_app::load::load(&src).map_err(|e| app_err(py, e))?;
    Ok(PyScenario { loaded })
}

// ---------------------------------------------------------------------------------------------
// forecast, analyze, negotiate

/// `forecast --json` for the given models.
#[pyfunction]
#[pyo3(signature = (sc, models, rounds=None, bdm_variant="corrected"))]
fn forecast_json(
    py: Python<'_>,
    sc: &PyScenario,
    models: Vec<String>,
    rounds: Option<usize>,
    bdm_variant: &str,
) -> PyResult<String> {
    let variant = match bdm_variant {
        "corrected" => BdmVariant::Corrected,
        "replication" => BdmVariant::Replication,
        v => {
            return Err(PyValueError::new_err(format!(
                "unknown bdm_variant `{v}`; expected corrected or replication"
            )))
        }
    };
    let opts = ForecastOptions {
        models,
        rounds,
        variant,
    };
    let loaded = sc.loaded.clone();
    let r = interruptible(py, move |p| {
        detente_app::forecast::document(&loaded, &opts, p)
    })?;
    doc(py, r)
}

/// The negotiation problem of a scenario: its GENIUS domain under GENIUS's convention when it
/// was loaded from one (as `detente analyze DIR`), else the scenario's issues, continuous ones
/// in `steps` values.
fn problem(py: Python<'_>, sc: &PyScenario, steps: usize) -> PyResult<NegotiationProblem> {
    NegotiationProblem::from_loaded(&sc.loaded, steps).map_err(|e| app_err(py, e))
}

/// `analyze --json`.
#[pyfunction]
#[pyo3(signature = (sc, steps=DEFAULT_STEPS))]
fn analyze_json(py: Python<'_>, sc: &PyScenario, steps: usize) -> PyResult<String> {
    let p = problem(py, sc, steps)?;
    Ok(py
        .allow_threads(|| detente_app::analyze::document(&p))
        .to_string())
}

fn protocol(name: Option<&str>) -> PyResult<Option<ProtocolKind>> {
    name.map(detente_app::negotiate::protocol)
        .transpose()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `negotiate --json`: one session.
#[pyfunction]
#[pyo3(signature = (sc, protocol=None, strategies=HashMap::new(), rounds=None, seed=0, direct_from=None, steps=DEFAULT_STEPS))]
#[allow(clippy::too_many_arguments)]
fn negotiate_json(
    py: Python<'_>,
    sc: &PyScenario,
    protocol: Option<&str>,
    strategies: HashMap<String, String>,
    rounds: Option<u32>,
    seed: u64,
    direct_from: Option<u32>,
    steps: usize,
) -> PyResult<String> {
    let p = problem(py, sc, steps)?;
    let mut strategies: Vec<(String, String)> = strategies.into_iter().collect();
    strategies.sort();
    let opts = NegotiateOptions {
        protocol: self::protocol(protocol)?,
        strategies,
        rounds,
        seed,
        direct_from,
    };
    // One session is quick, and strategies are not `Send`: it runs with the GIL held.
    doc(py, detente_app::negotiate::document(&p, &opts))
}

// ---------------------------------------------------------------------------------------------
// simulate, sensitivity, backtest

fn sim_options(
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<PathBuf>,
) -> PyResult<SimOptions> {
    Ok(SimOptions {
        runs,
        seed,
        threads,
        protocol: self::protocol(protocol)?,
        params,
    })
}

/// `simulate --json`.
#[pyfunction]
#[pyo3(signature = (sc, runs=10_000, seed=1, threads=None, protocol=None, params=None))]
fn simulate_json(
    py: Python<'_>,
    sc: &PyScenario,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<PathBuf>,
) -> PyResult<String> {
    let opts = sim_options(runs, seed, threads, protocol, params)?;
    let s = sc.loaded.scenario.clone();
    let r = interruptible(py, move |p| {
        detente_app::simulate::document(&s, &opts, None, p)
    })?;
    doc(py, r)
}

/// `sensitivity --json`.
#[pyfunction]
#[pyo3(signature = (sc, runs=200, seed=1, threads=None, protocol=None, params=None))]
fn sensitivity_json(
    py: Python<'_>,
    sc: &PyScenario,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<PathBuf>,
) -> PyResult<String> {
    let opts = sim_options(runs, seed, threads, protocol, params)?;
    let s = sc.loaded.scenario.clone();
    let r = interruptible(py, move |p| {
        detente_app::sensitivity::document(&s, &opts, p)
    })?;
    doc(py, r)
}

/// `backtest --json`.
#[pyfunction]
#[pyo3(signature = (dir, runs=2000, seed=1, threads=None, params=None))]
fn backtest_json(
    py: Python<'_>,
    dir: PathBuf,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    params: Option<PathBuf>,
) -> PyResult<String> {
    let opts = BacktestOptions {
        runs,
        seed,
        threads,
        params,
    };
    let r = interruptible(py, move |p| detente_app::backtest::document(&dir, &opts, p))?;
    doc(py, r)
}

// ---------------------------------------------------------------------------------------------
// module

/// The native module behind `detente` (import `detente`, not this).
#[pymodule]
fn _detente(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_json, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_json, m)?)?;
    m.add_function(wrap_pyfunction!(negotiate_json, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_json, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity_json, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_json, m)?)?;
    m.add_function(wrap_pyfunction!(report_file, m)?)?;
    m.add_function(wrap_pyfunction!(report::backtest_report_file, m)?)?;
    m.add("MODELS", detente_app::forecast::MODELS.to_vec())?;
    distributed::register(m)?;
    Ok(())
}

mod distributed;

mod report;
use report::report_file;
