//! `detente._detente`: the native half of the `detente` Python package.
//!
//! A thin layer over the engine crates: it loads scenarios, calls the engines and hands their
//! results back as JSON text in the shape of the CLI's `--json` documents (the Python half parses
//! it into dicts). Nothing here computes anything the engines do not: each builder below
//! serialises an engine's `Serialize` result and only re-keys it (lists of pairs become maps,
//! discrete issues get their labels) the way `detente … --json` does.
//!
//! Long computations (simulate, sensitivity, backtest, report) run on a worker thread with the
//! GIL released; the calling thread wakes every 50 ms to run Python's signal handlers, and a
//! Ctrl-C stops the engine at its next progress tick.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use detente_core::diag::{Problem, Problems};
use detente_core::{builtin, format, LoadError, Scenario};
use detente_forecast::{
    convergence, Bdm, BdmParams, BdmVariant, Convergence, Forecast, ForecastInput, Mean, Median,
    Model, Nash, Smp, SmpParams,
};
use detente_negotiate::analysis::{analyze, Analysis, Point};
use detente_negotiate::protocol::{Actor, MediatedProtocol, Protocol, Sao, Shuttle, SingleText};
use detente_negotiate::scenario::{ProtocolKind, RunSpec, ScenarioProblem, DEFAULT_STEPS};
use detente_negotiate::strategy::{by_name, LearningMediator, Strategy, STRATEGY_NAMES};
use detente_negotiate::{Domain, OutcomeId};
use detente_sim::{Calibration, Class, Params, SimConfig, SimError, SimResult};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{json, Map, Value};

/// Every forecasting model id, in display order.
const MODELS: [&str; 5] = ["mean", "median", "nash", "bdm", "smp"];

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

fn load_err(py: Python<'_>, e: LoadError) -> PyErr {
    match e {
        LoadError::Invalid { file, problems, .. } => scenario_error(py, &file, &problems),
        LoadError::Io { .. } => PyOSError::new_err(e.to_string()),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn sim_err(py: Python<'_>, e: SimError) -> PyErr {
    match e {
        SimError::Invalid(problems) => scenario_error(py, "the changed scenario", &problems),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn to_text(v: &Value) -> String {
    v.to_string()
}

// ---------------------------------------------------------------------------------------------
// running long computations: GIL released, Ctrl-C honoured

/// The payload a progress tick unwinds with when the caller asked to stop.
struct Cancelled;

/// Runs `f` on a worker thread with the GIL released. `f` gets a progress callback to hand to
/// the engine; when Python's signal handlers raise (Ctrl-C: `KeyboardInterrupt`), that
/// exception is returned at once and every later tick unwinds the engine. The engine's rayon
/// workers each finish the run in hand before they see the flag, so the worker is left to wind
/// down on its own (a second or so of CPU) rather than making the caller wait for it.
fn interruptible<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&(dyn Fn() + Sync)) -> T + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let handle = {
        let (cancel, done) = (cancel.clone(), done.clone());
        std::thread::Builder::new()
            .name("detente-engine".into())
            .spawn(move || {
                let tick = move || {
                    if cancel.load(Ordering::Relaxed) {
                        std::panic::resume_unwind(Box::new(Cancelled));
                    }
                };
                let r = std::panic::catch_unwind(AssertUnwindSafe(|| f(&tick)));
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
            if p.is::<Cancelled>() {
                Err(PyKeyboardInterrupt::new_err("interrupted"))
            } else {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "the engine panicked".into());
                Err(PyRuntimeError::new_err(msg))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// scenarios

/// A validated scenario (use `detente.load`).
#[pyclass(module = "detente._detente", name = "Scenario", frozen)]
pub struct PyScenario {
    scenario: Scenario,
    /// What was loaded (file name or built-in name).
    name: String,
    /// The TOML text it came from (empty once changed), to locate `[models.smp]` problems.
    text: String,
    /// Warnings found while loading.
    warnings: Problems,
}

impl PyScenario {
    fn changed(&self, scenario: Scenario) -> PyScenario {
        PyScenario {
            scenario,
            name: self.name.clone(),
            text: String::new(),
            warnings: Problems::new(),
        }
    }
}

#[pymethods]
impl PyScenario {
    /// What was loaded: a path or a built-in name.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The scenario's title.
    #[getter]
    fn title(&self) -> &str {
        &self.scenario.meta.title
    }

    /// Actor ids, in scenario order.
    #[getter]
    fn actors(&self) -> Vec<String> {
        self.scenario.actors.iter().map(|a| a.id.clone()).collect()
    }

    /// Issue ids, in scenario order.
    #[getter]
    fn issues(&self) -> Vec<String> {
        self.scenario.issues.iter().map(|i| i.id.clone()).collect()
    }

    /// Warnings found while loading (dicts with message, file, line, column, field).
    #[getter]
    fn warnings(&self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        self.warnings
            .items
            .iter()
            .map(|p| problem_dict(py, p))
            .collect()
    }

    /// The scenario as TOML (reads back identical).
    fn to_toml(&self) -> String {
        format::to_toml(&self.scenario)
    }

    /// A copy with `PATH=VALUE` overrides applied and re-validated.
    fn _with_sets(&self, py: Python<'_>, sets: Vec<String>) -> PyResult<PyScenario> {
        let s = detente_sim::apply_sets(&self.scenario, &sets).map_err(|e| sim_err(py, e))?;
        Ok(self.changed(s))
    }

    /// A copy patched by the overlay TOML in `text` (named `name` in errors).
    fn _with_overlay(&self, py: Python<'_>, text: &str, name: &str) -> PyResult<PyScenario> {
        let s =
            detente_sim::apply_overlay(&self.scenario, text, name).map_err(|e| sim_err(py, e))?;
        Ok(self.changed(s))
    }

    fn __repr__(&self) -> String {
        format!(
            "<detente.Scenario {:?}: {} actors, {} issues>",
            self.scenario.meta.title,
            self.scenario.actors.len(),
            self.scenario.issues.len()
        )
    }
}

/// Names of the built-in scenarios.
#[pyfunction]
fn builtins() -> Vec<&'static str> {
    builtin::BUILTINS.iter().map(|b| b.name).collect()
}

fn from_toml_bytes(py: Python<'_>, bytes: &[u8], name: &str) -> PyResult<PyScenario> {
    let (scenario, warnings) =
        format::parse_toml_bytes(bytes, name).map_err(|e| load_err(py, e))?;
    Ok(PyScenario {
        scenario,
        name: name.to_string(),
        text: String::from_utf8_lossy(bytes).into_owned(),
        warnings,
    })
}

/// Loads a built-in scenario by name, or a file: TOML, BDM CSV (`format="bdm"`, default for
/// `.csv`), KTAB CSV/XML (`format="ktab"`, default for `.xml`), or a GENIUS folder.
#[pyfunction]
#[pyo3(signature = (source, format=None))]
fn load(py: Python<'_>, source: PathBuf, format: Option<&str>) -> PyResult<PyScenario> {
    if !source.exists() {
        if let Some(b) = source.to_str().and_then(builtin::find) {
            return from_toml_bytes(py, b.source.as_bytes(), &format!("{}.toml", b.name));
        }
        return Err(PyOSError::new_err(format!(
            "{} does not exist and is not a built-in scenario (built-ins: {})",
            source.display(),
            builtins().join(", ")
        )));
    }
    let name = source.display().to_string();
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let fmt = match format {
        Some(f) => f.to_string(),
        None if source.is_dir() => "genius".into(),
        None => match ext.as_str() {
            "csv" | "txt" => "bdm".into(),
            "xml" => "ktab".into(),
            _ => "toml".into(),
        },
    };
    if fmt == "genius" {
        let (g, warnings) = if source.is_dir() {
            detente_core::import::genius::load_folder(&source)
        } else {
            detente_core::import::genius::load_files(&source, &[])
        }
        .map_err(|e| load_err(py, e))?;
        return Ok(PyScenario {
            scenario: g.to_scenario(),
            name,
            text: String::new(),
            warnings,
        });
    }
    let bytes = std::fs::read(&source)
        .map_err(|e| PyOSError::new_err(format!("cannot read {name}: {e}")))?;
    let (scenario, warnings) = match fmt.as_str() {
        "toml" => return from_toml_bytes(py, &bytes, &name),
        "bdm" => detente_core::import::bdm::import(&bytes, &name),
        "ktab" => detente_core::import::ktab::import(&bytes, &name),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown format `{other}`; expected toml, bdm, ktab or genius"
            )))
        }
    }
    .map_err(|e| load_err(py, e))?;
    Ok(PyScenario {
        scenario,
        name,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// forecast

fn smp_model(py: Python<'_>, sc: &PyScenario, max_turns: Option<usize>) -> PyResult<Smp> {
    let s = &sc.scenario;
    let mut params = match s.models.get("smp") {
        None => SmpParams::default(),
        Some(v) => {
            let bad = |field: &str, message: String| {
                let mut p = Problem::error(&sc.name, field, message);
                if let Some(span) = format::locate(&sc.text, field) {
                    p = p.spanned(&sc.text, span);
                }
                let mut problems = Problems::new();
                problems.push(p);
                scenario_error(py, &sc.name, &problems)
            };
            let t = v.as_table().ok_or_else(|| {
                bad(
                    "models.smp",
                    format!("expected a table of SMP settings, found {}", v.type_str()),
                )
            })?;
            SmpParams::from_settings(t, s.actors.len(), |n| {
                s.actors.iter().position(|a| a.id == n || a.name == n)
            })
            .map_err(|e| bad(&e.field, e.message))?
        }
    };
    if let Some(t) = max_turns {
        params.max_turns = t;
    }
    Ok(Smp::new(params))
}

fn issue_value(s: &Scenario, i: usize, x: f64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(x));
    if s.issues[i].is_discrete() {
        m.insert("outcome_label".into(), json!(s.issues[i].label(x)));
    }
    m
}

/// How a round-based model's forecast of one issue ended (`None` for static models), as the
/// CLI reads it: the rounds on the issue's scale (nearest option if discrete) through
/// `detente_forecast::convergence`; a model whose own stopping rule was met has converged.
fn issue_convergence(s: &Scenario, issue: usize, f: &Forecast) -> Option<Convergence> {
    let discrete = s.issues[issue].is_discrete();
    let series: Vec<f64> = f
        .rounds
        .iter()
        .map(|r| r.forecast[issue])
        .map(|x| if discrete { x.round() } else { x })
        .collect();
    let (lo, hi) = s.issues[issue].range();
    let c = convergence(&series, hi - lo)?;
    let own_rule = f
        .diagnostics
        .iter()
        .any(|(k, v)| k == "converged" && *v == 1.0);
    Some(if own_rule && !c.converged {
        let last = f.outcomes[issue];
        Convergence {
            converged: true,
            cycle: None,
            settled: last,
            range: [last; 2],
        }
    } else {
        c
    })
}

/// The ensemble, as the CLI: the mean of the models' outcomes (nearest option if discrete),
/// taking a model that did not converge at its settled value.
fn ensemble(s: &Scenario, i: usize, fs: &[Forecast]) -> f64 {
    if fs.is_empty() {
        return s.issues[i].status_quo.value;
    }
    let value = |f: &Forecast| match issue_convergence(s, i, f) {
        Some(c) if !c.converged => c.settled,
        _ => f.outcomes[i],
    };
    let m = fs.iter().map(value).sum::<f64>() / fs.len() as f64;
    if s.issues[i].is_discrete() {
        m.round()
    } else {
        m
    }
}

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
    let mut chosen: Vec<&str> = Vec::new();
    for m in &models {
        let ids: Vec<&str> = if m == "all" {
            MODELS.to_vec()
        } else {
            match MODELS.iter().find(|x| **x == m) {
                Some(x) => vec![*x],
                None => {
                    return Err(PyValueError::new_err(format!(
                        "unknown model `{m}`; expected one of: {}, or all",
                        MODELS.join(", ")
                    )))
                }
            }
        };
        for id in ids {
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
    }
    let built: Vec<Box<dyn Model>> = chosen
        .into_iter()
        .map(|id| -> PyResult<Box<dyn Model>> {
            Ok(match id {
                "mean" => Box::new(Mean),
                "median" => Box::new(Median),
                "nash" => Box::new(Nash),
                "smp" => Box::new(smp_model(py, sc, rounds)?),
                _ => Box::new(Bdm::new(BdmParams {
                    rounds: rounds.unwrap_or(BdmParams::default().rounds),
                    variant,
                    ..BdmParams::default()
                })),
            })
        })
        .collect::<PyResult<_>>()?;
    let s = &sc.scenario;
    let input = ForecastInput::from_scenario(s);
    let forecasts: Vec<Forecast> = py
        .allow_threads(|| {
            built
                .iter()
                .map(|m| m.forecast(&input))
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e: detente_forecast::ForecastError| PyValueError::new_err(e.to_string()))?;
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, is)| {
            let mut models = Map::new();
            for f in &forecasts {
                let mut m = issue_value(s, i, f.outcomes[i]);
                if !f.rounds.is_empty() {
                    let rounds: Vec<Value> = f
                        .rounds
                        .iter()
                        .enumerate()
                        .map(|(t, r)| {
                            let positions: Map<String, Value> = input
                                .actors
                                .iter()
                                .zip(&r.positions[i])
                                .map(|(a, x)| (a.clone(), json!(x)))
                                .collect();
                            json!({"round": t + 1, "forecast": r.forecast[i], "positions": positions})
                        })
                        .collect();
                    m.insert("rounds".into(), Value::Array(rounds));
                }
                models.insert(f.model.into(), Value::Object(m));
            }
            let ens = ensemble(s, i, &forecasts);
            let mut v = json!({"id": is.id, "status_quo": is.status_quo.value, "models": models, "ensemble": ens});
            if is.is_discrete() {
                v["status_quo_label"] = json!(is.label(is.status_quo.value));
                v["ensemble_label"] = json!(is.label(ens));
            }
            v
        })
        .collect();
    Ok(to_text(&json!({ "issues": issues })))
}

// ---------------------------------------------------------------------------------------------
// analyze and negotiate

struct Prob {
    domain: Domain,
    party_ids: Vec<String>,
    issue_ids: Vec<String>,
    mediator_id: String,
    defaults: RunSpec,
}

impl Prob {
    fn new(s: &Scenario, steps: usize) -> PyResult<Prob> {
        let prob = ScenarioProblem::from_scenario(s, steps)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let defaults = RunSpec::defaults_for(s, prob.domain.n_parties());
        Ok(Prob {
            party_ids: prob.domain.parties.clone(),
            issue_ids: prob
                .domain
                .space
                .issues()
                .iter()
                .map(|i| i.name.clone())
                .collect(),
            mediator_id: s
                .mediator()
                .map(|m| s.actors[m].id.clone())
                .unwrap_or_else(|| "mediator".into()),
            defaults,
            domain: prob.domain,
        })
    }

    fn outcome(&self, o: OutcomeId) -> Value {
        let mut m = Map::new();
        for (k, (_, label)) in self.domain.space.labels(o).into_iter().enumerate() {
            m.insert(self.issue_ids[k].clone(), json!(label));
        }
        Value::Object(m)
    }

    fn utilities(&self, u: &[f64]) -> Value {
        Value::Object(
            self.party_ids
                .iter()
                .zip(u)
                .map(|(id, x)| (id.clone(), json!(x)))
                .collect(),
        )
    }

    fn point(&self, p: &Option<Point>) -> Value {
        match p {
            Some(p) => {
                json!({"outcome": self.outcome(p.outcome), "utilities": self.utilities(&p.utilities)})
            }
            None => Value::Null,
        }
    }

    fn actor(&self, a: Actor) -> String {
        match a {
            Actor::Party(i) => self.party_ids[i].clone(),
            Actor::Mediator => self.mediator_id.clone(),
        }
    }
}

/// `analyze --json`.
#[pyfunction]
#[pyo3(signature = (sc, steps=DEFAULT_STEPS))]
fn analyze_json(py: Python<'_>, sc: &PyScenario, steps: usize) -> PyResult<String> {
    let p = Prob::new(&sc.scenario, steps)?;
    let a: Analysis = py.allow_threads(|| analyze(&p.domain));
    let points: Vec<Value> = a
        .frontier
        .iter()
        .map(|f| {
            json!({"outcome": p.outcome(f.outcomes[0]), "utilities": p.utilities(&f.utilities),
                   "outcomes_count": f.outcomes.len()})
        })
        .collect();
    let opts = p.domain.space.issues();
    let logrolls: Vec<Value> = a
        .logrolls
        .iter()
        .map(|l| {
            let (ia, ib) = (&p.issue_ids[l.issue_a], &p.issue_ids[l.issue_b]);
            let (pa, pb) = (&p.party_ids[l.a], &p.party_ids[l.b]);
            json!({
                "parties": [pa, pb],
                "gives": {pa.clone(): {"issue": ib, "to": pb}, pb.clone(): {"issue": ia, "to": pa}},
                "trade": {ia.clone(): opts[l.issue_a].options[l.option_a], ib.clone(): opts[l.issue_b].options[l.option_b]},
                "package": p.outcome(l.package),
                "gains": {pa.clone(): l.gain_a, pb.clone(): l.gain_b},
            })
        })
        .collect();
    Ok(to_text(&json!({
        "outcomes": a.outcomes,
        "pareto": {"size": a.frontier.len(), "outcomes_on_frontier": a.outcomes_on_frontier(),
                   "size_without_rationality": a.frontier_all_size, "points": points},
        "nash": p.point(&a.nash),
        "kalai_smorodinsky": p.point(&a.kalai_smorodinsky),
        "utilitarian": p.point(&a.utilitarian),
        "egalitarian": p.point(&a.egalitarian),
        "zopa": {"size": a.zopa.size, "share": a.zopa.share},
        "logrolls": logrolls,
        "disagreement": p.utilities(&a.disagreement),
        "reservations": p.utilities(&a.reservations),
        "ranges": p.party_ids.iter().zip(&a.ranges).map(|(id, r)| (id.clone(), json!(r))).collect::<Map<_, _>>(),
    })))
}

/// `negotiate --json`: one session.
#[pyfunction]
#[pyo3(signature = (sc, protocol=None, strategies=HashMap::new(), rounds=None, seed=0, direct_from=None, steps=DEFAULT_STEPS))]
#[allow(clippy::too_many_arguments)]
fn negotiate_json(
    sc: &PyScenario,
    protocol: Option<&str>,
    strategies: HashMap<String, String>,
    rounds: Option<u32>,
    seed: u64,
    direct_from: Option<u32>,
    steps: usize,
) -> PyResult<String> {
    let p = Prob::new(&sc.scenario, steps)?;
    let n = p.domain.n_parties();
    let protocol = match protocol {
        Some(s) => ProtocolKind::parse(s).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown protocol `{s}`; expected sao, mediated or shuttle"
            ))
        })?,
        None => p.defaults.protocol,
    };
    let mut names = p.defaults.strategies.clone();
    names.resize(n, "boulware".into());
    let mut given: Vec<(&String, &String)> = strategies.iter().collect();
    given.sort();
    for (who, name) in given {
        let Some(k) = p.party_ids.iter().position(|id| id == who) else {
            return Err(PyValueError::new_err(format!(
                "`{who}` is not a party (parties: {})",
                p.party_ids.join(", ")
            )));
        };
        if by_name(name, 0).is_none() {
            return Err(PyValueError::new_err(format!(
                "unknown strategy `{name}` (known: {})",
                STRATEGY_NAMES.join(", ")
            )));
        }
        names[k] = name.clone();
    }
    let rounds = rounds.unwrap_or(p.defaults.rounds).max(1);
    let mut parties: Vec<Box<dyn Strategy>> = names
        .iter()
        .enumerate()
        .map(|(k, nm)| {
            by_name(nm, seed.wrapping_add(k as u64))
                .unwrap_or_else(|| Box::new(detente_negotiate::strategy::TimeDependent::boulware()))
        })
        .collect();
    let direct_from = direct_from.or(p.defaults.direct_from);
    let domain = &p.domain;
    // One session is quick, and strategies are not `Send`: it runs with the GIL held.
    let session = match protocol {
        ProtocolKind::Sao => Sao::new(rounds).run(domain, &mut parties),
        ProtocolKind::Mediated => {
            SingleText::new(rounds).run(domain, &mut parties, &mut LearningMediator::new(seed))
        }
        ProtocolKind::Shuttle => {
            let mut proto = Shuttle::new(rounds);
            proto.direct_from = direct_from;
            proto.run(domain, &mut parties, &mut LearningMediator::new(seed))
        }
    };
    let trace: Vec<Value> = session
        .trace
        .iter()
        .map(|m| {
            json!({"round": m.round, "from": p.actor(m.from), "to": p.actor(m.to),
                   "kind": m.kind.as_str(), "outcome": m.outcome.map(|o| p.outcome(o))})
        })
        .collect();
    Ok(to_text(&json!({
        "agreement": session.agreement.map(|o| p.outcome(o)),
        "utilities": p.utilities(&session.utilities),
        "rounds": session.rounds,
        "trace": trace,
        "protocol": protocol.as_str(),
        "strategies": p.party_ids.iter().zip(&names).map(|(id, s)| (id.clone(), json!(s))).collect::<Map<_, _>>(),
        "walked_away": session.walked_away.map(|w| p.party_ids[w].clone()),
    })))
}

// ---------------------------------------------------------------------------------------------
// simulate, sensitivity, backtest

fn read_calibration(path: Option<&Path>) -> PyResult<Calibration> {
    match path {
        None => Ok(Calibration::shipped()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| PyOSError::new_err(format!("cannot read {}: {e}", p.display())))?;
            Calibration::parse(&text)
                .map_err(|e| PyValueError::new_err(format!("{}: {e}", p.display())))
        }
    }
}

fn sim_config(
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<&Path>,
) -> PyResult<SimConfig> {
    if runs == 0 {
        return Err(PyValueError::new_err("runs must be at least 1"));
    }
    let protocol = match protocol {
        None => None,
        Some(p) => Some(ProtocolKind::parse(p).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown protocol `{p}`; expected sao, mediated or shuttle"
            ))
        })?),
    };
    let params = match params {
        None => Params::default(),
        Some(p) => read_calibration(Some(p))?.params,
    };
    Ok(SimConfig {
        runs,
        seed,
        threads,
        protocol,
        params,
    })
}

fn pairs<T: serde::Serialize>(v: &[(String, T)]) -> Value {
    Value::Object(v.iter().map(|(k, x)| (k.clone(), json!(x))).collect())
}

/// The `simulate --json` document of `r` (engine records serialised, lists of pairs as maps).
fn sim_doc(s: &Scenario, r: &SimResult) -> Value {
    let classes = |v: Vec<(&Class, Value)>| -> Value {
        Value::Object(
            v.into_iter()
                .map(|(c, x)| (c.as_str().to_string(), x))
                .collect(),
        )
    };
    let issues: Map<String, Value> = r
        .issues
        .iter()
        .zip(&s.issues)
        .map(|(st, is)| {
            // the engine's record, keyed by its id
            let mut v = json!(st);
            if let Some(m) = v.as_object_mut() {
                m.remove("id");
            }
            if is.is_discrete() {
                v["p10_label"] = json!(st.p10.map(|x| is.label(x)));
                v["p90_label"] = json!(st.p90.map(|x| is.label(x)));
            }
            (st.id.clone(), v)
        })
        .collect();
    json!({
        "runs": r.runs,
        "seed": r.seed,
        "outcomes": classes(r.outcomes.iter().map(|(c, o)| (c, json!(o))).collect()),
        "issues": issues,
        "mean_rounds": r.mean_rounds,
        "utilities": pairs(&r.utilities),
        "events_fired": pairs(&r.events),
        "runs_for_1pct": r.runs_for_1pct,
        // every run in one class (`runs_for_1pct` is then 0 because the spread is 0)
        "unanimous": r.outcomes.iter().find(|(_, o)| r.runs > 0 && o.count == r.runs).map(|(c, _)| c.as_str()),
        "calibrated": classes(r.calibrated.iter().map(|(c, p)| (c, json!(p))).collect()),
        "by_round": r.by_round,
        "causes": pairs(&r.causes),
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
    let cfg = sim_config(runs, seed, threads, protocol, params.as_deref())?;
    let s = sc.scenario.clone();
    let (r, s) = interruptible(py, move |tick| (detente_sim::simulate(&s, &cfg, tick), s))?;
    let r = r.map_err(|e| sim_err(py, e))?;
    Ok(to_text(&sim_doc(&s, &r)))
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
    let cfg = sim_config(runs, seed, threads, protocol, params.as_deref())?;
    let s = sc.scenario.clone();
    let t = interruptible(py, move |tick| detente_sim::sensitivity(&s, &cfg, tick))?
        .map_err(|e| sim_err(py, e))?;
    Ok(to_text(&json!({
        "runs": t.runs,
        "seed": seed,
        "p_deal": t.p_deal_base,
        "p_breakdown": t.p_breakdown_base,
        "factors": t.factors,
    })))
}

fn bt_err(py: Python<'_>, e: detente_backtest::BacktestError) -> PyErr {
    match e {
        detente_backtest::BacktestError::Load(l) => load_err(py, l),
        other => PyValueError::new_err(other.to_string()),
    }
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
    if runs == 0 {
        return Err(PyValueError::new_err("runs must be at least 1"));
    }
    let cases = detente_backtest::load_cases(&dir).map_err(|e| bt_err(py, e))?;
    let cfg = detente_backtest::BacktestConfig {
        runs,
        seed,
        threads,
        calibration: read_calibration(params.as_deref())?,
    };
    let b = interruptible(py, move |tick| {
        detente_backtest::backtest(&cases, &cfg, tick)
    })?
    .map_err(|e| bt_err(py, e))?;
    Ok(to_text(&backtest_doc(&b)))
}

/// The `backtest --json` document of `b`.
fn backtest_doc(b: &detente_backtest::Backtest) -> Value {
    let classes =
        |p: &[f64; 4]| json!({"deal": p[0], "interim": p[1], "stalemate": p[2], "breakdown": p[3]});
    let cases: Vec<Value> = b
        .cases
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "p": classes(&c.p), "shares": classes(&c.shares), "actual": c.actual,
                "brier": c.brier, "log_score": c.log_score, "params": c.params,
                "issues": c.issues.iter().map(|i| json!({
                    "id": i.id, "status": i.status, "actual": i.actual,
                    "predictions": i.predictions.iter().map(|(m, x, e)| (m.clone(), json!({"value": x, "error_pct": e}))).collect::<Map<String, Value>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let s = &b.summary;
    json!({
        "cases": cases,
        "summary": {
            "cases": s.cases,
            "brier": s.detente.brier,
            "log_score": s.detente.log_score,
            "raw": s.detente_raw,
            "baselines": pairs(&s.baselines),
            "reliability": s.reliability,
            "murphy": s.murphy,
            "issue_errors": s.issue_errors.iter().map(|(m, e, n)| (m.clone(), json!({"mean_error_pct": e, "n": n}))).collect::<Map<String, Value>>(),
        }
    })
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
    m.add("MODELS", MODELS.to_vec())?;
    distributed::register(m)?;
    Ok(())
}

mod distributed;

mod report;
use report::report_file;
