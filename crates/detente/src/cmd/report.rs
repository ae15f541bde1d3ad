//! `detente report [FILE] -o report.html`: everything detente computes about a scenario, on one page.

use std::path::PathBuf;
use std::process::ExitCode;

use detente_core::{format_number, IssueKind, Scenario};
use detente_forecast::BdmVariant;
use detente_negotiate::analysis::analyze;
use detente_negotiate::protocol::Actor as Who;
use detente_negotiate::scenario::{RunSpec, ScenarioProblem, DEFAULT_STEPS};
use detente_report::{ActorRow, Forecasts, IssueRow, Outcomes, Plane, ReportInput, TornadoRow};
use detente_sim::{SimConfig, SimResult};
use serde_json::json;

use crate::cli::CmdResult;
use crate::cmd::forecast::{build_models, ensemble, run_models};
use crate::cmd::new::write_new;
use crate::cmd::simulate::{overlay, progress, sim_err};
use crate::load::{load, Loaded, Source};
use crate::render::{print_json, print_text, CliError};

/// Arguments of `detente report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
    /// Where to write the report.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// `html` (one self-contained page) or `md` (Markdown tables); default: from the extension
    /// of OUT (`.md`: Markdown, otherwise HTML).
    #[arg(long, value_parser = ["html", "md"])]
    pub format: Option<String>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// Simulated futures for the outcome probabilities.
    #[arg(long, default_value_t = 10_000)]
    pub runs: usize,
    /// Runs per variant for the sensitivity analysis (0 leaves the tornado out).
    #[arg(long, default_value_t = 200)]
    pub sensitivity_runs: usize,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Show a what-if variant (a scenario overlay) beside the base probabilities.
    #[arg(long, value_name = "OVERLAY")]
    pub compare: Option<PathBuf>,
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
    }
}

fn text(s: &Scenario, issue: usize, x: f64) -> String {
    let is = &s.issues[issue];
    if is.is_discrete() {
        is.label(x)
    } else {
        format_number(x)
    }
}

/// Builds every section that applies to `s`.
pub fn build(loaded: &Loaded, a: &Args, json: bool) -> Result<ReportInput, CliError> {
    let s = &loaded.scenario;
    let mut r = ReportInput {
        title: s.meta.title.clone(),
        date: s.meta.date.clone(),
        description: s.meta.description.clone(),
        sources: s.meta.sources.iter().map(|x| x.citation.clone()).collect(),
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
    let (_, fs) = run_models(s, &models)?;
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
    });
    // The bargaining plane (two parties).
    if let Ok(p) = ScenarioProblem::from_scenario(s, DEFAULT_STEPS) {
        if p.domain.n_parties() == 2 {
            let an = analyze(&p.domain);
            let cols = p.domain.utility_columns();
            let n = cols[0].len();
            let step = (n / 4000).max(1);
            let outcomes = (0..n)
                .step_by(step)
                .filter(|&k| cols[0][k].is_finite() && cols[1][k].is_finite())
                .map(|k| (cols[0][k], cols[1][k]))
                .collect();
            let pt = |x: &Option<detente_negotiate::analysis::Point>| {
                x.as_ref().map(|q| (q.utilities[0], q.utilities[1]))
            };
            let spec = RunSpec::defaults_for(s, 2);
            let res = p
                .run(&RunSpec {
                    seed: a.seed,
                    ..spec.clone()
                })
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let u = |o: u64| {
                (
                    p.domain.utilities[0].eval(&p.domain.space, o),
                    p.domain.utilities[1].eval(&p.domain.space, o),
                )
            };
            let trace = res
                .session
                .trace
                .iter()
                .filter(|m| {
                    matches!(
                        m.kind,
                        detente_negotiate::protocol::Kind::Offer
                            | detente_negotiate::protocol::Kind::Proposal
                    )
                })
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
            r.plane = Some(Plane {
                parties: (p.domain.parties[0].clone(), p.domain.parties[1].clone()),
                outcomes,
                frontier: an
                    .frontier
                    .iter()
                    .map(|f| (f.utilities[0], f.utilities[1]))
                    .collect(),
                nash: pt(&an.nash),
                ks: pt(&an.kalai_smorodinsky),
                batnas: (an.reservations[0], an.reservations[1]),
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
            });
        }
    }
    // Simulation, sensitivity, what-if.
    if a.runs > 0 {
        let cfg = SimConfig {
            runs: a.runs,
            seed: a.seed,
            threads: None,
            protocol: None,
            params: detente_sim::Params::default(),
        };
        let pb = progress(a.runs as u64, json, "simulating");
        let sim = detente_sim::simulate(s, &cfg, &|| pb.inc(1)).map_err(sim_err)?;
        pb.finish_and_clear();
        r.outcomes = Some(outcomes_of("base", &sim));
        if let Some(o) = &a.compare {
            let v = overlay(s, o)?;
            let vr = detente_sim::simulate(&v, &cfg, &|| {}).map_err(sim_err)?;
            r.whatif = Some(outcomes_of(&o.display().to_string(), &vr));
        }
    }
    if a.sensitivity_runs > 0 {
        let cfg = SimConfig {
            runs: a.sensitivity_runs,
            seed: a.seed,
            threads: None,
            protocol: None,
            params: detente_sim::Params::default(),
        };
        let pb = progress(
            2 * detente_sim::param_paths(s).len() as u64,
            json,
            "sensitivity",
        );
        let t = detente_sim::sensitivity(s, &cfg, &|| pb.inc(1)).map_err(sim_err)?;
        pb.finish_and_clear();
        r.tornado = Some(
            t.factors
                .iter()
                .take(12)
                .map(|f| TornadoRow {
                    input: f.input.clone(),
                    delta_p_deal: f.delta_p_deal,
                    delta_p_breakdown: f.delta_p_breakdown,
                })
                .collect(),
        );
    }
    Ok(r)
}

/// Writes the report.
pub fn run(a: &Args, json: bool) -> CmdResult {
    crate::output::check_target(&a.output, a.force)?;
    let format = crate::output::report_format(&a.output, a.format.as_deref())?;
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let input = build(&loaded, a, json)?;
    let text = if format == "md" {
        detente_report::to_markdown(&input)
    } else {
        detente_report::to_html(&input)
    };
    write_new(&a.output, &text, a.force)?;
    if json {
        print_json(
            &json!({"written": a.output.display().to_string(), "format": format, "bytes": text.len()}),
        );
    } else {
        print_text(&format!(
            "wrote {} ({} KB)",
            a.output.display(),
            text.len() / 1024
        ));
    }
    Ok(ExitCode::SUCCESS)
}
