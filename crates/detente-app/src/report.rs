//! `report`: everything detente computes about a scenario, as the records of one report page
//! (`detente_report::ReportInput`), with the scenario's names in words; and the backtest page's
//! records (`detente_report::BacktestInput`).

use std::path::{Path, PathBuf};

use detente_backtest::{backtest, load_cases, Backtest, BacktestConfig};
use detente_core::{format_number, IssueKind, Param, Scenario, Target};
use detente_forecast::BdmVariant;
use detente_negotiate::analysis::analyze;
use detente_negotiate::protocol::Actor as Who;
use detente_negotiate::scenario::{RunSpec, ScenarioProblem, DEFAULT_STEPS};
use detente_report::{
    ActorRow, BacktestInput, ByRound, CaseRow, Cause, EventRow, Forecasts, IssueErrorRow, IssueRow,
    Outcomes, Plane, ReliabilityBin, ReportInput, ScoreRow, SettledRow, SourceRow, TornadoRow,
};
use detente_sim::{Class, SimConfig, SimResult};

use crate::forecast::{build_models, ensemble, run_models};
use crate::load::{calibration, overlay};
use crate::progress::{phase, Phase, Progress};
use crate::simulate::simulate;
use crate::{AppError, Loaded};

/// Simulated futures for the scenario report.
pub const DEFAULT_RUNS: usize = 10_000;
/// Runs per variant of the report's sensitivity analysis.
pub const DEFAULT_SENSITIVITY_RUNS: usize = 200;
/// Simulated futures per case for the backtest page (as `detente backtest`).
pub const DEFAULT_BACKTEST_RUNS: usize = 2000;

/// What the scenario report computes.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Simulated futures for the outcome probabilities (0 leaves the simulation out, and with
    /// it the outcomes, by-round curves, causes, settled values and what-if).
    pub runs: usize,
    /// Runs per variant for the sensitivity analysis (0 leaves the tornado out).
    pub sensitivity_runs: usize,
    /// Master seed.
    pub seed: u64,
    /// An overlay file whose what-if variant is shown beside the base probabilities.
    pub compare: Option<PathBuf>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            runs: DEFAULT_RUNS,
            sensitivity_runs: DEFAULT_SENSITIVITY_RUNS,
            seed: 1,
            compare: None,
        }
    }
}

/// The format a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML page.
    Html,
    /// Markdown tables.
    Markdown,
}

/// The scenario report of `loaded`, rendered.
pub fn report(
    loaded: &Loaded,
    opts: &ReportOptions,
    format: ReportFormat,
    progress: &dyn Progress,
) -> Result<String, AppError> {
    Ok(render(&build(loaded, opts, progress)?, format))
}

/// Renders a scenario report's records.
pub fn render(input: &ReportInput, format: ReportFormat) -> String {
    match format {
        ReportFormat::Html => detente_report::to_html(input),
        ReportFormat::Markdown => detente_report::to_markdown(input),
    }
}

/// Renders a backtest page's records.
pub fn render_backtest(input: &BacktestInput, format: ReportFormat) -> String {
    match format {
        ReportFormat::Html => detente_report::backtest_to_html(input),
        ReportFormat::Markdown => detente_report::backtest_to_markdown(input),
    }
}

fn outcomes_of(label: &str, r: &SimResult) -> Outcomes {
    Outcomes {
        label: label.to_string(),
        runs: r.runs,
        classes: r
            .outcomes
            .iter()
            .map(|(c, o)| (c.as_str().to_string(), o.p, o.ci[0], o.ci[1]))
            .collect(),
        calibrated: r
            .outcomes
            .iter()
            .filter_map(|(c, _)| r.calibrated.iter().find(|k| k.0 == *c).map(|k| k.1))
            .collect(),
    }
}

fn by_round_of(r: &SimResult) -> ByRound {
    ByRound {
        classes: Class::ALL.iter().map(|c| c.as_str().to_string()).collect(),
        rounds: r
            .by_round
            .iter()
            .map(|b| (b.round, vec![b.deal, b.interim, b.stalemate, b.breakdown]))
            .collect(),
    }
}

/// A reader's label for a breakdown cause id (`threat:<id>`, `walkout:<actor>`, …), with the
/// scenario's names (the report's and the web workbench's charts).
pub fn cause_label(s: &Scenario, id: &str) -> String {
    let actor = |a: &str| {
        s.actors
            .iter()
            .find(|x| x.id == a)
            .map_or_else(|| a.to_string(), |x| x.name.clone())
    };
    match id.split_once(':') {
        Some(("threat", t)) => match s.threats.iter().find(|x| x.id == t) {
            Some(th) => format!(
                "{} threat carried out ({t})",
                s.actors
                    .get(th.by)
                    .map_or_else(String::new, |a| a.name.clone())
            )
            .trim_start()
            .to_string(),
            None => format!("threat carried out ({t})"),
        },
        Some(("walkout", a)) => format!("walk-out by {}", actor(a)),
        Some(("escalation", a)) => format!("escalation by {}", actor(a)),
        Some(("spoiler", a)) => format!("spoiler: {}", actor(a)),
        Some(("event", e)) => format!("event: {}", humanise(e)),
        _ => id.to_string(),
    }
}

fn causes_of(s: &Scenario, r: &SimResult) -> Vec<Cause> {
    r.causes
        .iter()
        .map(|(id, sh)| Cause {
            id: id.clone(),
            label: cause_label(s, id),
            p: sh.p,
            lo: sh.ci[0],
            hi: sh.ci[1],
        })
        .collect()
}

/// A value on an issue's scale for a reader: the option label, or the number with the
/// precision the scale deserves (one decimal on a 0–60 scale, not four).
fn text(s: &Scenario, issue: usize, x: f64) -> String {
    let is = &s.issues[issue];
    if is.is_discrete() {
        is.label(x)
    } else {
        let (lo, hi) = is.range();
        let width = (hi - lo).abs();
        let decimals = if width >= 100.0 {
            0
        } else if width >= 10.0 {
            1
        } else if width >= 1.0 {
            2
        } else {
            3
        };
        format_number(format!("{x:.decimals$}").parse().unwrap_or(x))
    }
}

/// An id as words: `netanyahu_visit` → `Netanyahu visit`.
fn humanise(id: &str) -> String {
    let t = id.replace(['_', '-'], " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A name inside a sentence: the first letter lowered unless the name starts with an acronym.
fn lower_first(name: &str) -> String {
    let mut c = name.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(g)) if f.is_uppercase() && !g.is_uppercase() => {
            f.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

fn actor_name(s: &Scenario, id: &str) -> String {
    s.actors
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_string(), |a| a.name.clone())
}

fn issue_name(s: &Scenario, id: &str) -> String {
    s.issues
        .iter()
        .find(|i| i.id == id)
        .map_or_else(|| id.to_string(), |i| lower_first(&i.name))
}

/// What an event effect shifts, in words: `United States salience of agenda scope`.
fn target_words(s: &Scenario, t: &Target) -> String {
    let actor = |k: usize| s.actors.get(k).map_or_else(String::new, |a| a.name.clone());
    let issue = |k: usize| {
        s.issues
            .get(k)
            .map_or_else(String::new, |i| lower_first(&i.name))
    };
    match *t {
        Target::Position { actor: a, issue: i } => format!("{} position on {}", actor(a), issue(i)),
        Target::Salience { actor: a, issue: i } => {
            format!("{} salience of {}", actor(a), issue(i))
        }
        Target::Capability { actor: a } => format!("{} capability", actor(a)),
        Target::Batna { actor: a } => format!("{} BATNA", actor(a)),
    }
}

/// A reader's name for a parameter path of the sensitivity analysis, with the scenario's
/// names: `actors.iran.capability` → `Iran: capability`,
/// `events.netanyahu_visit.effects[0].amount` → `Netanyahu visit: effect on United States
/// salience of agenda scope`. Unknown paths come back unchanged.
fn input_label(s: &Scenario, path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["actors", a, what] => {
            let what = match *what {
                "capability" => "capability",
                "batna" => "BATNA (value of no deal)",
                "risk" => "risk attitude",
                "war_cost" => "cost of conflict",
                "spoiler" => "spoiler propensity",
                other => other,
            };
            format!("{}: {what}", actor_name(s, a))
        }
        ["threats", t, "credibility"] => match s.threats.iter().find(|x| x.id == *t) {
            Some(th) => format!(
                "{} threat ({}): credibility",
                s.actors
                    .get(th.by)
                    .map_or_else(String::new, |a| a.name.clone()),
                humanise(t).to_lowercase()
            ),
            None => format!("{}: credibility", humanise(t)),
        },
        ["issues", i, "status_quo"] => format!("{}: status quo", humanise_issue(s, i)),
        ["positions", a, i, what] => format!(
            "{}: {} {}",
            actor_name(s, a),
            if *what == "salience" {
                "salience of"
            } else {
                "position on"
            },
            issue_name(s, i)
        ),
        ["events", e, "probability"] => format!("{}: probability it happens", humanise(e)),
        ["events", e, eff, "amount"] => {
            let k: Option<usize> = eff
                .strip_prefix("effects[")
                .and_then(|x| x.strip_suffix(']'))
                .and_then(|x| x.parse().ok());
            let target = s
                .events
                .iter()
                .find(|x| x.id == *e)
                .and_then(|ev| k.and_then(|k| ev.effects.get(k)))
                .map(|ef| target_words(s, &ef.target));
            match target {
                Some(t) => format!("{}: effect on {t}", humanise(e)),
                None => format!("{}: size of an effect", humanise(e)),
            }
        }
        _ => path.to_string(),
    }
}

fn humanise_issue(s: &Scenario, id: &str) -> String {
    s.issues
        .iter()
        .find(|i| i.id == id)
        .map_or_else(|| humanise(id), |i| i.name.clone())
}

/// A parameter as text: the point value, with its range when uncertain.
fn param_text(p: &Param) -> String {
    if p.is_uncertain() {
        let (lo, hi) = p.bounds();
        format!(
            "{} ({}–{})",
            format_number(p.value),
            format_number(lo),
            format_number(hi)
        )
    } else {
        format_number(p.value)
    }
}

/// The scenario's events in time order, with what each changes in words.
fn events_of(s: &Scenario, sim: Option<&SimResult>) -> Vec<EventRow> {
    let mut rows: Vec<(u32, EventRow)> = s
        .events
        .iter()
        .map(|e| {
            let when = match (e.round, &e.date) {
                (Some(r), Some(d)) => format!("round {r} ({d})"),
                (Some(r), None) => format!("round {r}"),
                (None, Some(d)) => d.clone(),
                (None, None) => String::new(),
            };
            let changes = e
                .effects
                .iter()
                .map(|ef| {
                    let amount = param_text(&ef.amount);
                    let sign = if ef.amount.value > 0.0 { "+" } else { "" };
                    let unit = match ef.target {
                        Target::Position { issue, .. } if s.issues[issue].is_discrete() => {
                            " option steps"
                        }
                        _ => "",
                    };
                    format!("{} {sign}{amount}{unit}", target_words(s, &ef.target))
                })
                .collect();
            let row = EventRow {
                id: e.id.clone(),
                name: humanise(&e.id),
                when,
                description: e.description.clone(),
                probability: param_text(&e.probability),
                fired: sim.and_then(|r| r.events.iter().find(|x| x.0 == e.id).map(|x| x.1)),
                changes,
                escalation: e.escalation,
            };
            (e.round.unwrap_or(u32::MAX), row)
        })
        .collect();
    // Stable: events at the same round keep the scenario's order.
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

/// Where each issue settled over the runs that settled it.
fn settled_of(s: &Scenario, sim: &SimResult) -> Vec<SettledRow> {
    sim.issues
        .iter()
        .filter_map(|st| {
            let i = s.issues.iter().position(|x| x.id == st.id)?;
            let t = |x: Option<f64>| x.map_or_else(String::new, |x| text(s, i, x));
            Some(SettledRow {
                id: st.id.clone(),
                name: s.issues[i].name.clone(),
                value: st
                    .mean
                    .map_or_else(|| "never settled".to_string(), |m| text(s, i, m)),
                p10: t(st.p10),
                p90: t(st.p90),
                settled: st.n as f64 / sim.runs.max(1) as f64,
                histogram: histogram_rows(s, i, st),
            })
        })
        .collect()
}

/// The settled-value histogram of one issue as labelled shares (options by name; continuous
/// bins as their value range).
fn histogram_rows(s: &Scenario, i: usize, st: &detente_sim::IssueStat) -> Vec<(String, f64)> {
    let is = &s.issues[i];
    let n = st.n.max(1) as f64;
    let half = if is.is_discrete() {
        0.0
    } else {
        let (lo, hi) = is.range();
        (hi - lo) / st.histogram.len().max(1) as f64 / 2.0
    };
    st.histogram
        .iter()
        .map(|&(x, c)| {
            let label = if is.is_discrete() {
                is.label(x)
            } else {
                format!(
                    "{}–{}",
                    detente_core::format_number(x - half),
                    detente_core::format_number(x + half)
                )
            };
            (label, c as f64 / n)
        })
        .collect()
}

/// A conservative 95 % interval of P(high) − P(low) from the two variants' shares of `n` runs
/// each, treating them as independent (they share random numbers, so the true interval is
/// narrower).
fn delta_ci(p_low: f64, p_high: f64, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let se = (p_low * (1.0 - p_low) / n + p_high * (1.0 - p_high) / n).sqrt();
    let d = p_high - p_low;
    Some((d - 1.96 * se, d + 1.96 * se))
}

/// The offers and mediator proposals of a session's trace, in order.
fn offers(
    res: &detente_negotiate::scenario::RunResult,
) -> impl Iterator<Item = &detente_negotiate::protocol::Message> {
    res.session.trace.iter().filter(|m| {
        matches!(
            m.kind,
            detente_negotiate::protocol::Kind::Offer | detente_negotiate::protocol::Kind::Proposal
        )
    })
}

/// The plane's detail for its marks and tooltips (issue 15): each offer with who made it, its
/// round and its package; the sampled packages that cross a red line (which `outcomes`
/// leaves out); the size of the space; the packages behind Nash, KS and the agreement.
/// What a two-party bargaining plane shows of the problem itself, before any session: about
/// 4,000 sampled outcomes (those across a red line apart), the Pareto frontier, the Nash and
/// Kalai–Smorodinsky points, the BATNAs and the size of the space. The report and the web
/// debrief add their session's offers, trace and agreement.
///
/// # Panics
/// If `domain` does not have two parties.
pub fn plane_frame(
    domain: &detente_negotiate::Domain,
    an: &detente_negotiate::analysis::Analysis,
) -> Plane {
    assert_eq!(domain.n_parties(), 2, "a plane has two parties");
    let finite = |u: f64| u.is_finite().then_some(u);
    let pt = |x: &Option<detente_negotiate::analysis::Point>| {
        x.as_ref().map(|q| (q.utilities[0], q.utilities[1]))
    };
    let cols = domain.utility_columns();
    let n = cols[0].len();
    let step = (n / 4000).max(1);
    let both = |k: usize| cols[0][k].is_finite() && cols[1][k].is_finite();
    Plane {
        parties: (domain.parties[0].clone(), domain.parties[1].clone()),
        outcomes: (0..n)
            .step_by(step)
            .filter(|&k| both(k))
            .map(|k| (cols[0][k], cols[1][k]))
            .collect(),
        crossing: (0..n)
            .step_by(step)
            .filter(|&k| !both(k))
            .map(|k| (finite(cols[0][k]), finite(cols[1][k])))
            .collect(),
        frontier: an
            .frontier
            .iter()
            .map(|f| (f.utilities[0], f.utilities[1]))
            .collect(),
        nash: pt(&an.nash),
        ks: pt(&an.kalai_smorodinsky),
        batnas: (an.reservations[0], an.reservations[1]),
        space: n as u64,
        ..Plane::default()
    }
}

fn plane_detail(
    plane: &mut Plane,
    s: &Scenario,
    p: &ScenarioProblem,
    an: &detente_negotiate::analysis::Analysis,
    res: &detente_negotiate::scenario::RunResult,
) {
    let finite = |u: f64| u.is_finite().then_some(u);
    let package = |o: u64| -> Vec<(String, String)> {
        p.domain
            .space
            .labels(o)
            .iter()
            .zip(&p.issues)
            .map(|((_, v), &i)| {
                let is = &s.issues[i];
                let v = match &is.kind {
                    IssueKind::Continuous { unit: Some(u), .. } if !u.is_empty() => {
                        format!("{v} {u}")
                    }
                    _ => v.to_string(),
                };
                (is.name.clone(), v)
            })
            .collect()
    };
    plane.offers = offers(res)
        .filter_map(|m| {
            let o = m.outcome?;
            let (side, by) = match m.from {
                Who::Party(k) => (k.min(1) as u8, p.domain.parties.get(k)?.clone()),
                Who::Mediator => (2, s.actors.get(p.mediator?)?.id.clone()),
            };
            Some(detente_report::PlaneOffer {
                side,
                by,
                round: m.round + 1,
                utilities: (
                    finite(p.domain.utilities[0].eval(&p.domain.space, o)),
                    finite(p.domain.utilities[1].eval(&p.domain.space, o)),
                ),
                package: package(o),
            })
        })
        .collect();
    plane.nash_package = an
        .nash
        .as_ref()
        .map_or_else(Vec::new, |q| package(q.outcome));
    plane.ks_package = an
        .kalai_smorodinsky
        .as_ref()
        .map_or_else(Vec::new, |q| package(q.outcome));
    plane.agreement_package = res.agreement.map_or_else(Vec::new, package);
}

/// Builds every section that applies to `s`.
/// Computes every section that applies to `loaded`: the scenario's tables, the forecasts, the
/// bargaining plane (two parties), the simulated outcomes with the what-if variant, the events
/// and the tornado. Progress: [`Phase::Forecast`], [`Phase::Simulate`],
/// [`Phase::SimulateVariant`], [`Phase::Sensitivity`], as they apply.
pub fn build(
    loaded: &Loaded,
    opts: &ReportOptions,
    progress: &dyn Progress,
) -> Result<ReportInput, AppError> {
    let s = &loaded.scenario;
    let mut r = ReportInput {
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
        ..ReportInput::default()
    };
    r.actors = s
        .actors
        .iter()
        .map(|x| ActorRow {
            id: x.id.clone(),
            name: x.name.clone(),
            role: x.role.to_string(),
            capability: x.capability.value,
            batna: x.batna.map(|b| b.value),
        })
        .collect();
    r.issues = s
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
        .collect();
    // Forecasts.
    let models = build_models(&["all".to_string()], loaded, None, BdmVariant::default())?;
    let fs = run_models(s, &models, progress)?.forecasts;
    // Every model with rounds (BDM, SMP), issue by issue: round 0, then each round's forecast.
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
    // The bargaining plane (two parties).
    if let Ok(p) = ScenarioProblem::from_scenario(s, DEFAULT_STEPS) {
        if p.domain.n_parties() == 2 {
            let an = analyze(&p.domain);
            let spec = RunSpec::defaults_for(s, 2);
            let res = p.run(&RunSpec {
                seed: opts.seed,
                ..spec.clone()
            })?;
            let u = |o: u64| {
                (
                    p.domain.utilities[0].eval(&p.domain.space, o),
                    p.domain.utilities[1].eval(&p.domain.space, o),
                )
            };
            let trace = offers(&res)
                .filter_map(|m| {
                    let who = match m.from {
                        Who::Party(k) => k.min(1) as u8,
                        Who::Mediator => 2,
                    };
                    m.outcome.map(|o| {
                        let (x, y) = u(o);
                        (who, x, y)
                    })
                })
                .filter(|t| t.1.is_finite() && t.2.is_finite())
                .collect();
            let mut plane = Plane {
                trace,
                agreement: res.agreement.map(u),
                note: format!(
                    "{} protocol, {} rounds used, {}",
                    spec.protocol.as_str(),
                    res.rounds,
                    if res.agreement.is_some() {
                        "agreement reached"
                    } else {
                        "no agreement"
                    }
                ),
                ..plane_frame(&p.domain, &an)
            };
            plane_detail(&mut plane, s, &p, &an, &res);
            r.plane = Some(plane);
        }
    }
    // Simulation, sensitivity, what-if.
    let runs = crate::limits::runs("runs", opts.runs)?;
    crate::limits::runs("sensitivity runs", opts.sensitivity_runs)?;
    if runs > 0 {
        let cfg = SimConfig {
            runs,
            seed: opts.seed,
            threads: None,
            protocol: None,
            params: detente_sim::Params::default(),
        };
        let sim = simulate(s, &cfg, Phase::Simulate, progress)?;
        r.outcomes = Some(outcomes_of("base", &sim));
        if !sim.by_round.is_empty() {
            r.by_round = Some(by_round_of(&sim));
        }
        r.causes = Some(causes_of(s, &sim));
        r.settled = Some(settled_of(s, &sim));
        r.events = events_of(s, Some(&sim));
        if let Some(o) = &opts.compare {
            let v = overlay(s, o)?;
            let vr = simulate(&v, &cfg, Phase::SimulateVariant, progress)?;
            // The overlay's file name: the folder it sits in says nothing to a reader.
            let label = o.file_name().map_or_else(
                || o.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            r.whatif = Some(outcomes_of(&label, &vr));
        }
    }
    if r.events.is_empty() {
        r.events = events_of(s, None);
    }
    if opts.sensitivity_runs > 0 {
        let cfg = SimConfig {
            runs: opts.sensitivity_runs,
            seed: opts.seed,
            threads: None,
            protocol: None,
            params: detente_sim::Params::default(),
        };
        let t = crate::sensitivity::run(s, &cfg, progress)?;
        r.sensitivity_runs = t.runs;
        r.tornado = Some(
            t.factors
                .iter()
                .take(12)
                .map(|f| TornadoRow {
                    input: f.input.clone(),
                    label: input_label(s, &f.input),
                    low: f.low,
                    high: f.high,
                    ci: delta_ci(f.p_deal_low, f.p_deal_high, t.runs),
                    delta_p_deal: f.delta_p_deal,
                    delta_p_breakdown: f.delta_p_breakdown,
                })
                .collect(),
        );
    }
    Ok(r)
}

/// The backtest page's records from a backtest.
pub fn backtest_input(b: &Backtest, note: String) -> BacktestInput {
    let s = &b.summary;
    let sc = |name: &str, x: &detente_backtest::run::Scores| ScoreRow {
        name: name.to_string(),
        brier: (x.brier.mean, x.brier.ci[0], x.brier.ci[1]),
        log_score: (x.log_score.mean, x.log_score.ci[0], x.log_score.ci[1]),
    };
    let mut scores = vec![
        sc("detente (out of sample)", &s.detente),
        sc("detente, raw shares", &s.detente_raw),
    ];
    scores.extend(s.baselines.iter().map(|(n, x)| sc(n, x)));
    BacktestInput {
        title: format!("detente backtest: {} historical negotiations", s.cases),
        note,
        classes: Class::ALL.iter().map(|c| c.as_str().to_string()).collect(),
        cases: b
            .cases
            .iter()
            .map(|c| CaseRow {
                id: c.id.clone(),
                p: c.p.to_vec(),
                shares: c.shares.to_vec(),
                actual: c.actual.clone(),
                brier: c.brier,
                log_score: c.log_score,
                params: serde_json::to_value(c.params)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
            .collect(),
        scores,
        reliability: s
            .reliability
            .iter()
            .map(|x| ReliabilityBin {
                lo: x.lo,
                hi: x.hi,
                n: x.n,
                mean_predicted: x.mean_predicted,
                observed: x.observed_frequency,
            })
            .collect(),
        murphy: Some((
            s.murphy.reliability,
            s.murphy.resolution,
            s.murphy.uncertainty,
        )),
        issue_errors: s.issue_errors.clone(),
        issues: b
            .cases
            .iter()
            .flat_map(|c| {
                c.issues.iter().filter_map(|i| {
                    let errors: Vec<(String, f64)> = i
                        .predictions
                        .iter()
                        .filter_map(|(m, _, e)| e.map(|e| (m.clone(), e)))
                        .collect();
                    (!errors.is_empty()).then(|| IssueErrorRow {
                        case: c.id.clone(),
                        issue: i.id.clone(),
                        errors,
                    })
                })
            })
            .collect(),
    }
}

/// The backtest page of the cases in `dir`: `runs` simulated futures per case, each case
/// scored with the held-out parameters of the calibration file `params` (`None`: the shipped
/// one). Progress: [`Phase::Backtest`].
pub fn build_backtest(
    dir: &Path,
    runs: usize,
    seed: u64,
    params: Option<&Path>,
    progress: &dyn Progress,
) -> Result<BacktestInput, AppError> {
    crate::limits::runs("runs", runs)?;
    if runs == 0 {
        return Err(AppError::NoRuns);
    }
    let cases = load_cases(dir)?;
    let cfg = BacktestConfig {
        runs,
        seed,
        threads: None,
        calibration: calibration(params)?,
    };
    let b = phase(progress, Phase::Backtest, cases.len() as u64, |tick| {
        backtest(&cases, &cfg, tick)
    })??;
    let note = format!(
        "{} cases from {}, {runs} simulated futures each (seed {}); calibration: {}",
        b.summary.cases,
        dir.display(),
        seed,
        params.map_or_else(|| "shipped".to_string(), |p| p.display().to_string())
    );
    Ok(backtest_input(&b, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_get_the_scenarios_names() {
        let s = detente_core::builtin::muscat();
        for (path, want) in [
            ("actors.iran.capability", "Iran: capability"),
            (
                "actors.usa.batna",
                "United States: BATNA (value of no deal)",
            ),
            (
                "events.netanyahu_visit.effects[0].amount",
                "Netanyahu visit: effect on United States salience of agenda scope",
            ),
            (
                "events.military_strike.probability",
                "Military strike: probability it happens",
            ),
            (
                "positions.gulf.enrichment_level.position",
                "Gulf states: position on enrichment level",
            ),
            ("no.such.path", "no.such.path"),
        ] {
            assert_eq!(input_label(&s, path), want);
        }
        // Every path the sensitivity analysis varies gets words, not the raw path.
        for (path, _, _) in detente_sim::param_paths(&s) {
            assert_ne!(input_label(&s, &path), path);
        }
        assert_eq!(lower_first("IAEA access"), "IAEA access");
    }

    #[test]
    fn effect_intervals_cover_the_effect() {
        let (lo, hi) = delta_ci(0.4, 0.5, 200).expect("interval");
        assert!(lo < 0.1 && 0.1 < hi && lo > -0.1 && hi < 0.3);
        assert!(delta_ci(0.4, 0.5, 0).is_none());
    }

    #[test]
    fn events_run_in_time_order_and_say_what_they_change() {
        let s = detente_core::builtin::muscat();
        let ev = events_of(&s, None);
        assert_eq!(ev.len(), s.events.len());
        let rounds: Vec<u32> = ev
            .iter()
            .filter_map(|e| {
                e.when
                    .strip_prefix("round ")?
                    .split(' ')
                    .next()?
                    .parse()
                    .ok()
            })
            .collect();
        assert!(rounds.windows(2).all(|w| w[0] <= w[1]), "{rounds:?}");
        let visit = ev
            .iter()
            .find(|e| e.id == "netanyahu_visit")
            .expect("visit");
        assert_eq!(visit.name, "Netanyahu visit");
        assert!(visit.changes[0].starts_with("United States salience of agenda scope +0.1"));
        assert!(ev.iter().any(|e| e.escalation));
    }
}
