//! `detente simulate [FILE]`: probabilities of deal / interim / stalemate / breakdown over many futures.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use detente_core::{format_number, Scenario};
use detente_negotiate::scenario::ProtocolKind;
use detente_sim::{
    apply_overlay, apply_sets, Calibration, Class, Params, SimConfig, SimError, SimResult,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::load::{load, Source};
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
    /// Number of simulated futures (the default gives each probability a 95 % interval of
    /// about ±1 point).
    #[arg(long, default_value_t = 10_000)]
    pub runs: usize,
    /// Seed, threads, protocol and overrides.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Apply a scenario overlay (a partial TOML that patches the scenario).
    #[arg(long, value_name = "OVERLAY")]
    pub overlay: Option<PathBuf>,
    /// Also simulate the scenario with this overlay and show both side by side.
    #[arg(long, value_name = "OVERLAY")]
    pub compare: Option<PathBuf>,
}

/// The options `simulate` and `sensitivity` share.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Master seed: the same seed gives the same result, whatever the thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Negotiation protocol (default: the scenario's, e.g. shuttle talks through the mediator).
    #[arg(long, value_parser = ["sao", "mediated", "shuttle"])]
    pub protocol: Option<String>,
    /// Override one input, e.g. `--set actors.israel.capability=0.2` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Global parameters of the dynamics from this calibration file (default: the one shipped
    /// with detente, written by `detente calibrate`).
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
}

impl SimArgs {
    /// The simulation settings for `runs` futures per variant.
    pub fn config(&self, runs: usize) -> Result<SimConfig, CliError> {
        Ok(SimConfig {
            runs,
            seed: self.seed,
            threads: self.threads,
            protocol: self.protocol.as_deref().and_then(ProtocolKind::parse),
            params: params(self.params.as_deref())?,
        })
    }

    /// The scenario with every `--set` applied.
    pub fn apply(&self, s: &Scenario) -> Result<Scenario, CliError> {
        apply_sets(s, &self.sets).map_err(sim_err)
    }
}

/// The global parameters: the shipped calibration, or the one in `path`.
pub fn params(path: Option<&std::path::Path>) -> Result<Params, CliError> {
    let Some(path) = path else {
        return Ok(Params::default());
    };
    let text = crate::load::read_text(path)?;
    Calibration::parse(&text)
        .map(|c| c.params)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// Turns a simulation error into a CLI error.
pub fn sim_err(e: SimError) -> CliError {
    match e {
        SimError::Invalid(problems) => CliError::Load(detente_core::LoadError::Invalid {
            file: "the changed scenario".into(),
            source_text: String::new(),
            problems,
        }),
        other => CliError::Usage(other.to_string()),
    }
}

/// Reads and applies an overlay file.
pub fn overlay(s: &Scenario, path: &std::path::Path) -> Result<Scenario, CliError> {
    // Within the input limits (no FIFO, no device, at most 16 MiB); not UTF-8: a located error.
    let bytes = crate::load::read(path)?;
    let name = path.display().to_string();
    let text = detente_core::diag::decode_utf8(&bytes, &name)?;
    apply_overlay(s, text, &name).map_err(sim_err)
}

/// A progress bar on stderr when it is a terminal and the output is for people; hidden otherwise.
pub fn progress(len: u64, json: bool, what: &str) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})") {
        pb.set_style(style);
    }
    pb.set_message(what.to_string());
    pb
}

/// The `simulate --json` document.
pub fn result_json(s: &Scenario, r: &SimResult) -> Value {
    let outcomes: Map<String, Value> = r
        .outcomes
        .iter()
        .map(|(c, o)| {
            (
                c.as_str().to_string(),
                json!({"p": o.p, "ci": o.ci, "count": o.count, "runs_for_1pct": o.runs_for_1pct}),
            )
        })
        .collect();
    let issues: Map<String, Value> = r
        .issues
        .iter()
        .zip(&s.issues)
        .map(|(st, is)| {
            let mut v = json!({"mean": st.mean, "p10": st.p10, "p90": st.p90, "n": st.n, "histogram": st.histogram});
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
        "outcomes": outcomes,
        "issues": issues,
        "mean_rounds": r.mean_rounds,
        "utilities": r.utilities.iter().map(|(a, u)| (a.clone(), json!(u))).collect::<Map<String, Value>>(),
        "events_fired": r.events.iter().map(|(e, p)| (e.clone(), json!(p))).collect::<Map<String, Value>>(),
        "runs_for_1pct": r.runs_for_1pct,
        // Every run in one class: `runs_for_1pct` is 0 because the spread is 0, not because
        // the precision is met; `unanimous` names the class.
        "unanimous": unanimous(r).map(|c| c.as_str()),
        "calibrated": r.calibrated.iter().map(|(c, p)| (c.as_str().to_string(), json!(p))).collect::<Map<String, Value>>(),
        "by_round": r.by_round,
        "causes": r.causes.iter().map(|(c, sh)| (c.clone(), json!({"p": sh.p, "ci": sh.ci, "mean_round": sh.mean_round}))).collect::<Map<String, Value>>(),
    })
}

/// The class every run ended in, if they all ended the same way.
pub fn unanimous(r: &SimResult) -> Option<Class> {
    r.outcomes
        .iter()
        .find(|(_, o)| r.runs > 0 && o.count == r.runs)
        .map(|(c, _)| *c)
}

/// What the run count buys: the runs needed for ±1 point, or, when every run ended the same
/// way (the spread is zero and no run count can be computed from it), what the runs do show.
fn precision_line(r: &SimResult) -> String {
    if let Some(c) = unanimous(r) {
        let upper = detente_sim::wilson(0, r.runs)[1];
        return format!(
            "Every one of the {} runs ended in {}: the scenario's uncertainty never changed the outcome class. \
             Any other outcome has a probability below {:.2}% (95% upper bound); more runs only tighten that bound.",
            r.runs,
            c.as_str(),
            100.0 * upper
        );
    }
    format!(
        "Runs needed for ±1 point on every probability: {}{}",
        r.runs_for_1pct,
        if r.runs >= r.runs_for_1pct {
            " (met)"
        } else {
            " (use more --runs)"
        }
    )
}

/// A percentage with enough decimals to tell a bound near 0 or 1 from the bound itself
/// (0.04%, 99.96%; not 0.0%, 100.0%).
fn pct_fine(x: f64) -> String {
    if x > 0.0 && x < 1.0 && !(0.0005..=0.9995).contains(&x) {
        format!("{:.2}%", 100.0 * x)
    } else {
        pct(x)
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn simulate(s: &Scenario, a: &Args, json: bool, label: &str) -> Result<SimResult, CliError> {
    let cfg = a.sim.config(a.runs)?;
    let pb = progress(a.runs as u64, json, label);
    let r = detente_sim::simulate(s, &cfg, &|| pb.inc(1)).map_err(sim_err)?;
    pb.finish_and_clear();
    Ok(r)
}

/// Runs the simulation.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let mut s = a.sim.apply(&loaded.scenario)?;
    if let Some(o) = &a.overlay {
        s = overlay(&s, o)?;
    }
    let r = simulate(&s, a, json, "simulating")?;
    let variant = match &a.compare {
        Some(o) => {
            let v = overlay(&s, o)?;
            Some((
                o.display().to_string(),
                simulate(&v, a, json, "simulating variant")?,
                v,
            ))
        }
        None => None,
    };
    if json {
        let mut doc = result_json(&s, &r);
        if let Some((name, vr, vs)) = &variant {
            doc["compare"] = json!({"overlay": name, "result": result_json(vs, vr)});
        }
        print_json(&doc);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "{}: {} simulated futures (seed {})\n",
        loaded.name, r.runs, r.seed
    );
    let mut header = vec!["outcome", "share of runs", "95% interval", "calibrated"];
    if variant.is_some() {
        header.extend(["variant", "variant 95% interval", "change"]);
    }
    let mut t = table(&header);
    for (c, o) in &r.outcomes {
        let cal = r
            .calibrated
            .iter()
            .find(|(k, _)| k == c)
            .map_or(o.p, |(_, p)| *p);
        let mut row = vec![
            c.as_str().to_string(),
            pct(o.p),
            format!("{} – {}", pct_fine(o.ci[0]), pct_fine(o.ci[1])),
            pct(cal),
        ];
        if let Some((_, vr, _)) = &variant {
            let vo = vr
                .outcomes
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, o)| *o)
                .unwrap_or(*o);
            row.extend([
                pct(vo.p),
                format!("{} – {}", pct(vo.ci[0]), pct(vo.ci[1])),
                format!("{:+.1} pts", 100.0 * (vo.p - o.p)),
            ]);
        }
        t.add_row(row);
    }
    out.push_str(&format!("{t}\n"));
    if let Some((name, _, _)) = &variant {
        out.push_str(&format!("variant: {name}\n"));
    }
    let mut t = table(&["issue", "settled in", "mean", "10th pct", "90th pct"]);
    for (st, is) in r.issues.iter().zip(&s.issues) {
        let show = |x: Option<f64>| match x {
            Some(v) if is.is_discrete() => is.label(v),
            Some(v) => format_number(v),
            None => "–".into(),
        };
        let mean = match st.mean {
            Some(m) if is.is_discrete() => format!("{} ({})", format_number(m), is.label(m)),
            m => show(m),
        };
        t.add_row(vec![
            st.id.clone(),
            format!("{} runs", st.n),
            mean,
            show(st.p10),
            show(st.p90),
        ]);
    }
    out.push_str(&format!(
        "\nSettled values (deals and interim packages; deferred issues count as unsettled)\n{t}\n"
    ));
    if !r.causes.is_empty() {
        let mut t = table(&[
            "why talks broke down",
            "share of runs",
            "95% interval",
            "mean round",
        ]);
        for (c, sh) in &r.causes {
            t.add_row(vec![
                c.clone(),
                pct(sh.p),
                format!("{} – {}", pct(sh.ci[0]), pct(sh.ci[1])),
                format!("{:.1}", sh.mean_round),
            ]);
        }
        out.push_str(&format!("\n{t}\n"));
    }
    let mut t = table(&["by round", "deal", "interim", "stalemate", "breakdown"]);
    for b in &r.by_round {
        t.add_row(vec![
            b.round.to_string(),
            pct(b.deal),
            pct(b.interim),
            pct(b.stalemate),
            pct(b.breakdown),
        ]);
    }
    out.push_str(&format!(
        "\nCumulative share of runs ended, by round\n{t}\n"
    ));
    let parties: Vec<String> = r
        .utilities
        .iter()
        .map(|(a, u)| format!("{a} {}", format_number(*u)))
        .collect();
    out.push_str(&format!(
        "\nMean round of agreement: {}; mean utility: {}\n{}",
        r.mean_rounds
            .map(format_number)
            .unwrap_or_else(|| "–".into()),
        parties.join(", "),
        precision_line(&r)
    ));
    let deal = r.p(Class::Deal);
    out.push_str(&format!(
        "\nMost likely: {}",
        r.outcomes
            .iter()
            .max_by(|a, b| a.1.p.total_cmp(&b.1.p))
            .map(|(c, _)| c.as_str())
            .unwrap_or("deal")
    ));
    let _ = deal;
    print_text(&crate::render::wrap(&out, "  "));
    Ok(ExitCode::SUCCESS)
}
