//! The native half of `detente.distributed` (simulate, sweep and backtest on Ray): the work of
//! one Ray task, the plan the driver ships, and the reduce that turns the tasks' results into
//! the very documents `detente.simulate` and `detente.backtest` return.
//!
//! A simulation chunk is `detente_sim::Chunk` (runs `start..end` of one seed, stamped with the
//! fingerprint of the scenario and configuration), carried as its exact bytes; the reduce
//! checks the chunks and summarises them in run order (`detente_sim::reduce`), then shapes the
//! document with the same builder as `simulate_json` (`detente_app::simulate::result_json`).
//!
//! A backtest task scores one case (`detente_backtest::score_case`: a case's score depends on
//! nothing else) and returns its `CaseScore` in the exact byte form below, tagged with a key of
//! the case and configuration; the reduce checks every case is there, in folder order, and
//! summarises them with `detente_backtest::summarise`, as `detente_backtest::backtest` does.
//!
//! Scenarios travel as their canonical TOML (`Scenario.to_toml()`), read back by
//! `scenario_from_toml`; calibrations as their text.

use std::path::Path;

use detente_app::simulate::SimOptions;
use detente_app::AppError;
use detente_backtest::{BacktestConfig, Case, CaseScore, ParamsUsed};
use detente_core::format::{parse_toml_bytes, to_toml};
use detente_sim::dynamics::params::hash_bytes;
use detente_sim::{Calibration, Chunk, SimConfig, SimError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::{app_err, interruptible, PyScenario};

// ---------------------------------------------------------------------------------------------
// configuration

/// A calibration from its text (`name` is the file it came from, for errors).
fn calibration(text: Option<&str>, name: &str) -> PyResult<Calibration> {
    match text {
        None => Ok(Calibration::shipped()),
        Some(t) => Calibration::parse(t).map_err(|e| PyValueError::new_err(format!("{name}: {e}"))),
    }
}

/// `simulate`'s configuration, with the calibration given as text.
fn config(
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<SimConfig> {
    let opts = SimOptions {
        runs,
        seed,
        threads,
        protocol: crate::protocol(protocol)?,
        params: None,
    };
    let mut cfg = opts
        .config()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    if params.is_some() {
        cfg.params = calibration(params, params_name)?.params;
    }
    Ok(cfg)
}

/// A scenario from its TOML text: how scenarios travel to Ray workers.
#[pyfunction]
#[pyo3(name = "_dist_scenario_from_toml")]
fn scenario_from_toml(py: Python<'_>, text: &str, name: &str) -> PyResult<PyScenario> {
    let loaded = detente_app::load::from_toml(text.as_bytes(), name).map_err(|e| app_err(py, e))?;
    Ok(PyScenario { loaded })
}

// ---------------------------------------------------------------------------------------------
// simulate

/// Checks a distributed simulation's arguments before any task is sent; returns the
/// fingerprint its chunks will carry (16 hex digits).
#[pyfunction]
#[pyo3(name = "_dist_sim_check")]
#[pyo3(signature = (sc, runs, seed, protocol=None, params=None, params_name=""))]
fn sim_check(
    sc: &PyScenario,
    runs: usize,
    seed: u64,
    protocol: Option<&str>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<String> {
    let cfg = config(runs, seed, None, protocol, params, params_name)?;
    Ok(format!(
        "{:016x}",
        detente_sim::fingerprint(&sc.loaded.scenario, &cfg)
    ))
}

/// Runs `start..end` of the simulation (`runs` in all) as the bytes of a `detente_sim::Chunk`.
/// Releases the GIL; Ctrl-C (or Ray's cancel) stops it.
#[pyfunction]
#[pyo3(name = "_dist_sim_chunk")]
#[pyo3(signature = (sc, runs, seed, start, end, threads=None, protocol=None, params=None, params_name=""))]
#[allow(clippy::too_many_arguments)]
fn sim_chunk<'py>(
    py: Python<'py>,
    sc: &PyScenario,
    runs: usize,
    seed: u64,
    start: u64,
    end: u64,
    threads: Option<usize>,
    protocol: Option<&str>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let cfg = config(runs, seed, threads, protocol, params, params_name)?;
    let s = sc.loaded.scenario.clone();
    let bytes = interruptible(py, move |p| {
        detente_app::simulate::chunk(&s, &cfg, start..end, p).map(|c| c.to_bytes())
    })?
    .map_err(|e| app_err(py, e))?;
    Ok(PyBytes::new(py, &bytes))
}

/// The `simulate --json` document of the simulation whose chunks (bytes, in run order) are
/// given: checked (same scenario, seed, runs, protocol and parameters; runs `0..runs` once
/// each, in order) and reduced in run order, so it equals `simulate_json` bit for bit.
#[pyfunction]
#[pyo3(name = "_dist_sim_reduce")]
#[pyo3(signature = (sc, chunks, runs, seed, protocol=None, params=None, params_name=""))]
#[allow(clippy::too_many_arguments)]
fn sim_reduce(
    py: Python<'_>,
    sc: &PyScenario,
    chunks: Vec<Bound<'_, PyBytes>>,
    runs: usize,
    seed: u64,
    protocol: Option<&str>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<String> {
    let cfg = config(runs, seed, None, protocol, params, params_name)?;
    let blobs: Vec<&[u8]> = chunks.iter().map(|b| b.as_bytes()).collect();
    let s = &sc.loaded.scenario;
    let r = py
        .allow_threads(|| {
            let parts = blobs
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    Chunk::from_bytes(b).map_err(|e| match e {
                        SimError::Chunk(m) => SimError::Chunk(format!("chunk {k}: {m}")),
                        other => other,
                    })
                })
                .collect::<Result<Vec<Chunk>, _>>()?;
            detente_sim::reduce(s, &cfg, parts)
        })
        .map_err(|e| app_err(py, AppError::from(e)))?;
    Ok(detente_app::simulate::result_json(s, &r).to_string())
}

// ---------------------------------------------------------------------------------------------
// backtest

/// What identifies one case's task: the case id, the hash of its scenario, its outcome file,
/// the runs, the seed and the calibration (hex).
fn case_key(id: &str, scenario_hash: &str, outcome: &[u8], cfg: &BacktestConfig) -> String {
    let mut text = format!(
        "detente backtest case 1\0{id}\0{scenario_hash}\0{}\0{}\0{:?}\0",
        cfg.runs, cfg.seed, cfg.calibration
    )
    .into_bytes();
    text.extend_from_slice(outcome);
    hash_bytes(&text)
}

fn bt_config(
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<BacktestConfig> {
    // The checks `detente.backtest` makes (detente_app::backtest::run).
    let check = || -> Result<(), AppError> {
        if runs == 0 {
            return Err(AppError::NoRuns);
        }
        detente_app::limits::runs("runs", runs)?;
        detente_app::limits::threads(threads)?;
        Ok(())
    };
    check().map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(BacktestConfig {
        runs,
        seed,
        threads,
        calibration: calibration(params, params_name)?,
    })
}

/// Reads the cases in `dir` as `detente.backtest` does (same checks, same errors) and returns,
/// per case in folder order, what its task needs: (id, key, scenario bytes, scenario file
/// name, outcome bytes, outcome file name).
#[pyfunction]
#[pyo3(name = "_dist_backtest_plan")]
#[pyo3(signature = (dir, runs, seed, params=None, params_name=""))]
#[allow(clippy::type_complexity)]
fn backtest_plan<'py>(
    py: Python<'py>,
    dir: &str,
    runs: usize,
    seed: u64,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<
    Vec<(
        String,
        String,
        Bound<'py, PyBytes>,
        String,
        Bound<'py, PyBytes>,
        String,
    )>,
> {
    let cfg = bt_config(runs, seed, None, params, params_name)?;
    let dir = Path::new(dir);
    let bt_err = |e: detente_backtest::BacktestError| app_err(py, AppError::from(e));
    let cases = detente_backtest::load_cases(dir).map_err(bt_err)?;
    let files = detente_backtest::discover(dir).map_err(bt_err)?;
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| {
            pyo3::exceptions::PyOSError::new_err(format!("cannot read {}: {e}", p.display()))
        })
    };
    cases
        .iter()
        .zip(&files)
        .map(|(c, f)| {
            let outcome_path = f.outcome_path.as_deref().ok_or_else(|| {
                PyValueError::new_err(format!("case {} has no outcome.toml", f.id))
            })?;
            let scenario = read(&f.scenario_path)?;
            let outcome = read(outcome_path)?;
            Ok((
                c.id.clone(),
                case_key(&c.id, &c.hash, &outcome, &cfg),
                PyBytes::new(py, &scenario),
                f.scenario_path.display().to_string(),
                PyBytes::new(py, &outcome),
                outcome_path.display().to_string(),
            ))
        })
        .collect()
}

/// Scores one case (as `detente.backtest` scores it among the others) and returns its key and
/// score in bytes. Releases the GIL; Ctrl-C (or Ray's cancel) stops it.
#[pyfunction]
#[pyo3(name = "_dist_backtest_case")]
#[pyo3(signature = (id, scenario, scenario_name, outcome, outcome_name, runs, seed, threads=None, params=None, params_name=""))]
#[allow(clippy::too_many_arguments)]
fn backtest_case<'py>(
    py: Python<'py>,
    id: &str,
    scenario: &[u8],
    scenario_name: &str,
    outcome: &[u8],
    outcome_name: &str,
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    params: Option<&str>,
    params_name: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let cfg = bt_config(runs, seed, threads, params, params_name)?;
    // as detente_backtest::run::load_scenario: the hash is of the model, written canonically
    let load_err = |e: detente_core::LoadError| app_err(py, AppError::from(e));
    let (s, _) = parse_toml_bytes(scenario, scenario_name).map_err(load_err)?;
    let hash = hash_bytes(to_toml(&s).as_bytes());
    let (o, _) =
        detente_backtest::parse_outcome_bytes(outcome, outcome_name, &s).map_err(load_err)?;
    let key = case_key(id, &hash, outcome, &cfg);
    let case = Case {
        id: id.to_string(),
        scenario: s,
        hash,
        outcome: Some(o),
    };
    let score = interruptible(py, move |p| {
        detente_app::backtest::score_case(&case, &cfg, p)
    })?
    .map_err(|e| app_err(py, e))?;
    Ok(PyBytes::new(py, &encode_case(&key, &score)))
}

/// The `backtest --json` document of the cases whose scores (bytes from `backtest_case`, in
/// folder order) are given; `keys` are the plan's. Equal to `backtest_json` bit for bit.
#[pyfunction]
#[pyo3(name = "_dist_backtest_reduce")]
fn backtest_reduce(
    py: Python<'_>,
    keys: Vec<String>,
    scores: Vec<Bound<'_, PyBytes>>,
    seed: u64,
) -> PyResult<String> {
    if keys.len() != scores.len() {
        return Err(PyValueError::new_err(format!(
            "{} case scores for {} cases",
            scores.len(),
            keys.len()
        )));
    }
    let cases = scores
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(k, (b, want))| {
            let (key, score) = decode_case(b.as_bytes())
                .map_err(|e| PyValueError::new_err(format!("case score {k}: {e}")))?;
            if &key != want {
                return Err(PyValueError::new_err(format!(
                    "case score {k} ({}) was made for another case, run count, seed or \
                     calibration (key {key}, expected {want})",
                    score.id
                )));
            }
            Ok(score)
        })
        .collect::<PyResult<Vec<CaseScore>>>()?;
    let b = py
        .allow_threads(|| detente_backtest::summarise(cases, seed))
        .map_err(|e| app_err(py, AppError::from(e)))?;
    Ok(detente_app::backtest::to_json(&b).to_string())
}

// ---------------------------------------------------------------------------------------------
// a case score as bytes (little-endian, every f64 by its bits, a checksum at the end)

const CASE_MAGIC: &[u8; 8] = b"DTNTCAS1";

fn encode_case(key: &str, c: &CaseScore) -> Vec<u8> {
    let mut w = Vec::with_capacity(512);
    w.extend_from_slice(CASE_MAGIC);
    put_str(&mut w, key);
    put_str(&mut w, &c.id);
    for x in c.p.iter().chain(&c.shares) {
        put_f64(&mut w, *x);
    }
    put_str(&mut w, &c.actual);
    put_f64(&mut w, c.brier);
    put_f64(&mut w, c.log_score);
    w.push(match c.params {
        ParamsUsed::HeldOut => 0,
        ParamsUsed::Unseen => 1,
        ParamsUsed::Stale => 2,
    });
    put_len(&mut w, c.issues.len());
    for i in &c.issues {
        put_str(&mut w, &i.id);
        put_str(&mut w, &i.status);
        put_opt(&mut w, i.actual);
        put_len(&mut w, i.predictions.len());
        for (m, x, e) in &i.predictions {
            put_str(&mut w, m);
            put_f64(&mut w, *x);
            put_opt(&mut w, *e);
        }
    }
    let sum = hash_bytes(&w);
    w.extend_from_slice(sum.as_bytes());
    w
}

fn decode_case(b: &[u8]) -> Result<(String, CaseScore), String> {
    if b.len() < CASE_MAGIC.len() + 16 || &b[..CASE_MAGIC.len()] != CASE_MAGIC {
        return Err("not a detente case score (version 1)".into());
    }
    let (body, sum) = b.split_at(b.len() - 16);
    if hash_bytes(body).as_bytes() != sum {
        return Err("checksum mismatch (damaged or truncated)".into());
    }
    let mut r = Rd(&body[CASE_MAGIC.len()..]);
    let key = r.str()?;
    let id = r.str()?;
    let mut p = [0.0; 4];
    let mut shares = [0.0; 4];
    for x in p.iter_mut().chain(shares.iter_mut()) {
        *x = r.f64()?;
    }
    let actual = r.str()?;
    let brier = r.f64()?;
    let log_score = r.f64()?;
    let params = match r.u8()? {
        0 => ParamsUsed::HeldOut,
        1 => ParamsUsed::Unseen,
        2 => ParamsUsed::Stale,
        t => return Err(format!("unknown parameter origin {t}")),
    };
    let n = r.len()?;
    let mut issues = Vec::with_capacity(n.min(r.0.len()));
    for _ in 0..n {
        let id = r.str()?;
        let status = r.str()?;
        let actual = r.opt()?;
        let m = r.len()?;
        let mut predictions = Vec::with_capacity(m.min(r.0.len()));
        for _ in 0..m {
            predictions.push((r.str()?, r.f64()?, r.opt()?));
        }
        issues.push(detente_backtest::run::IssueScore {
            id,
            status,
            actual,
            predictions,
        });
    }
    if !r.0.is_empty() {
        return Err(format!("{} bytes after the score", r.0.len()));
    }
    Ok((
        key,
        CaseScore {
            id,
            p,
            shares,
            actual,
            brier,
            log_score,
            params,
            issues,
        },
    ))
}

fn put_len(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&(n as u32).to_le_bytes());
}
fn put_str(w: &mut Vec<u8>, s: &str) {
    put_len(w, s.len());
    w.extend_from_slice(s.as_bytes());
}
fn put_f64(w: &mut Vec<u8>, x: f64) {
    w.extend_from_slice(&x.to_bits().to_le_bytes());
}
fn put_opt(w: &mut Vec<u8>, x: Option<f64>) {
    match x {
        None => w.push(0),
        Some(x) => {
            w.push(1);
            put_f64(w, x);
        }
    }
}

struct Rd<'a>(&'a [u8]);

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("it ends early".into());
        }
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        Ok(h)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn len(&mut self) -> Result<usize, String> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a) as usize)
    }
    fn f64(&mut self) -> Result<f64, String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(f64::from_bits(u64::from_le_bytes(a)))
    }
    fn opt(&mut self) -> Result<Option<f64>, String> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.f64()?)),
            t => Err(format!("bad optional tag {t}")),
        }
    }
    fn str(&mut self) -> Result<String, String> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?)
            .map(str::to_string)
            .map_err(|_| "a text field is not UTF-8".to_string())
    }
}

// ---------------------------------------------------------------------------------------------

/// Adds the distributed functions to the native module (as `_dist_*`; `detente.distributed`
/// is their one caller).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scenario_from_toml, m)?)?;
    m.add_function(wrap_pyfunction!(sim_check, m)?)?;
    m.add_function(wrap_pyfunction!(sim_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(sim_reduce, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_plan, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_case, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_reduce, m)?)?;
    Ok(())
}
