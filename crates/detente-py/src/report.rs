//! `detente.report(sc, path)`: a self-contained HTML (or Markdown) page rendered by
//! `detente-report` from the engines' results.
//!
//! This fills the report records the plain way (scenario tables, the forecasts, the simulated
//! outcomes, outcomes by round, breakdown causes, settled values, optionally the tornado). The
//! CLI's `detente report` adds reader-friendly labels, the bargaining plane and the event table;
//! that assembly lives in the binary crate and is not duplicated here.

use std::path::PathBuf;

use detente_core::{format_number, IssueKind, Scenario};
use detente_forecast::{Bdm, ForecastInput, Mean, Median, Model, Nash};
use detente_report::{
    ActorRow, ByRound, Cause, Forecasts, IssueRow, Outcomes, ReportInput, SettledRow, SourceRow,
    TornadoRow,
};
use detente_sim::{Class, SimConfig};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

use crate::{ensemble, interruptible, sim_err, smp_model, PyScenario};

fn text(s: &Scenario, i: usize, x: f64) -> String {
    let is = &s.issues[i];
    if is.is_discrete() {
        is.label(x)
    } else {
        format_number(x)
    }
}

fn scenario_tables(s: &Scenario) -> ReportInput {
    ReportInput {
        title: s.meta.title.clone(),
        date: s.meta.date.clone(),
        description: s.meta.description.clone(),
        sources: s
            .meta
            .sources
            .iter()
            .map(|x| SourceRow {
                id: x.id.clone(),
                citation: x.citation.clone(),
                url: x.url.clone(),
            })
            .collect(),
        actors: s
            .actors
            .iter()
            .map(|x| ActorRow {
                id: x.id.clone(),
                name: x.name.clone(),
                role: x.role.to_string(),
                capability: x.capability.value,
                batna: x.batna.map(|b| b.value),
            })
            .collect(),
        issues: s
            .issues
            .iter()
            .enumerate()
            .map(|(i, is)| IssueRow {
                id: is.id.clone(),
                name: is.name.clone(),
                scale: match &is.kind {
                    IssueKind::Continuous { min, max, unit } => format!(
                        "{}–{} {}",
                        format_number(*min),
                        format_number(*max),
                        unit.clone().unwrap_or_default()
                    ),
                    IssueKind::Discrete { options } => options.join(" < "),
                },
                status_quo: is.label(is.status_quo.value),
                status_quo_value: is.status_quo.value,
                range: is.range(),
                options: is.options().map(<[String]>::to_vec).unwrap_or_default(),
                stances: s
                    .stances
                    .iter()
                    .filter(|st| st.issue == i)
                    .map(|st| {
                        (
                            s.actors[st.actor].id.clone(),
                            st.position.value,
                            st.salience.value,
                        )
                    })
                    .collect(),
            })
            .collect(),
        ..ReportInput::default()
    }
}

/// Writes the report of `sc` to `path` (`format`: html or md); `runs` futures are simulated
/// (0: no simulation) and, when `sensitivity_runs` > 0, the tornado is added.
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
    if format != "html" && format != "md" {
        return Err(PyValueError::new_err(format!(
            "unknown report format `{format}`; expected html or md"
        )));
    }
    let s = &sc.scenario;
    let mut r = scenario_tables(s);
    let models: Vec<Box<dyn Model>> = vec![
        Box::new(Mean),
        Box::new(Median),
        Box::new(Nash),
        Box::new(Bdm::default()),
        Box::new(smp_model(py, sc, None)?),
    ];
    let input = ForecastInput::from_scenario(s);
    let fs = models
        .iter()
        .map(|m| m.forecast(&input))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let mut trajectories = Vec::new();
    for (i, is) in s.issues.iter().enumerate() {
        for f in fs.iter().filter(|f| !f.rounds.is_empty()) {
            let mut v = vec![f.start.get(i).copied().unwrap_or(is.status_quo.value)];
            v.extend(f.rounds.iter().map(|rd| rd.forecast[i]));
            trajectories.push((is.id.clone(), f.model.to_string(), v));
        }
    }
    r.forecasts = Some(Forecasts {
        models: fs.iter().map(|f| f.model.to_string()).collect(),
        rows: s
            .issues
            .iter()
            .enumerate()
            .map(|(i, is)| {
                (
                    is.id.clone(),
                    text(s, i, is.status_quo.value),
                    fs.iter().map(|f| text(s, i, f.outcomes[i])).collect(),
                    text(s, i, ensemble(s, i, &fs)),
                )
            })
            .collect(),
        trajectories,
        values: (0..s.issues.len())
            .map(|i| fs.iter().map(|f| f.outcomes[i]).collect())
            .collect(),
    });
    if runs > 0 {
        let cfg = SimConfig {
            runs,
            seed,
            ..SimConfig::default()
        };
        let owned = s.clone();
        let sim = interruptible(py, move |tick| detente_sim::simulate(&owned, &cfg, tick))?
            .map_err(|e| sim_err(py, e))?;
        r.outcomes = Some(Outcomes {
            label: "scenario".into(),
            runs: sim.runs,
            classes: sim
                .outcomes
                .iter()
                .map(|(c, o)| (c.as_str().to_string(), o.p, o.ci[0], o.ci[1]))
                .collect(),
            calibrated: sim.calibrated.iter().map(|(_, p)| *p).collect(),
        });
        r.by_round = Some(ByRound {
            classes: Class::ALL.iter().map(|c| c.as_str().to_string()).collect(),
            rounds: sim
                .by_round
                .iter()
                .map(|b| (b.round, vec![b.deal, b.interim, b.stalemate, b.breakdown]))
                .collect(),
        });
        r.causes = Some(
            sim.causes
                .iter()
                .map(|(id, sh)| Cause {
                    id: id.clone(),
                    label: id.clone(),
                    p: sh.p,
                    lo: sh.ci[0],
                    hi: sh.ci[1],
                })
                .collect(),
        );
        r.settled = Some(
            sim.issues
                .iter()
                .enumerate()
                .map(|(i, st)| {
                    let t = |x: Option<f64>| x.map_or_else(String::new, |x| text(s, i, x));
                    SettledRow {
                        id: st.id.clone(),
                        name: s.issues[i].name.clone(),
                        value: st
                            .mean
                            .map_or_else(|| "never settled".into(), |m| text(s, i, m)),
                        p10: t(st.p10),
                        p90: t(st.p90),
                        settled: st.n as f64 / sim.runs.max(1) as f64,
                        // the CLI labels the engine's histogram bins; left out here
                        histogram: Vec::new(),
                    }
                })
                .collect(),
        );
    }
    if sensitivity_runs > 0 {
        let cfg = SimConfig {
            runs: sensitivity_runs,
            seed,
            ..SimConfig::default()
        };
        let owned = s.clone();
        let t = interruptible(py, move |tick| detente_sim::sensitivity(&owned, &cfg, tick))?
            .map_err(|e| sim_err(py, e))?;
        r.sensitivity_runs = t.runs;
        r.tornado = Some(
            t.factors
                .iter()
                .map(|f| TornadoRow {
                    input: f.input.clone(),
                    label: f.input.clone(),
                    low: f.low,
                    high: f.high,
                    delta_p_deal: f.delta_p_deal,
                    ci: None,
                    delta_p_breakdown: f.delta_p_breakdown,
                })
                .collect(),
        );
    }
    let page = if format == "md" {
        detente_report::to_markdown(&r)
    } else {
        detente_report::to_html(&r)
    };
    std::fs::write(&path, page)
        .map_err(|e| PyOSError::new_err(format!("cannot write {}: {e}", path.display())))
}
