//! `detente simulate [FILE]`: probabilities of deal / interim / stalemate / breakdown over many futures.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use detente_app::simulate::{unanimous, SimOptions};
use detente_app::{Phase, Progress};
use detente_core::{format_number, Scenario};
use detente_negotiate::scenario::ProtocolKind;
use detente_sim::{Class, SimResult};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::CmdResult;
use crate::load::{load, PrintWarnings, Source};
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
    /// The simulation options for `runs` futures per variant.
    pub fn options(&self, runs: usize) -> SimOptions {
        SimOptions {
            runs,
            seed: self.seed,
            threads: self.threads,
            protocol: self.protocol.as_deref().and_then(ProtocolKind::parse),
            params: self.params.clone(),
        }
    }

    /// The scenario with every `--set` applied.
    pub fn apply(&self, s: &Scenario) -> Result<Scenario, CliError> {
        Ok(detente_app::load::apply_sets(s, &self.sets)?)
    }
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

/// Progress bars on stderr for the phases of a `detente_app` computation, one bar per phase
/// that `label` names (see [`progress`]); none for the others.
pub struct Bars {
    json: bool,
    label: fn(Phase) -> Option<&'static str>,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// Bars labelled by `label`, hidden when `json` is set or stderr is not a terminal.
    pub fn new(json: bool, label: fn(Phase) -> Option<&'static str>) -> Bars {
        Bars {
            json,
            label,
            bar: Mutex::new(None),
        }
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn start(&self, phase: Phase, len: u64) {
        if let Some(what) = (self.label)(phase) {
            *self.bar() = Some(progress(len, self.json, what));
        }
    }

    fn tick(&self) {
        if let Some(pb) = self.bar().as_ref() {
            pb.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(pb) = self.bar().take() {
            pb.finish_and_clear();
        }
    }
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

/// Runs the simulation.
pub fn run(a: &Args, json: bool) -> CmdResult {
    if a.runs == 0 {
        return Err(CliError::Usage("--runs must be at least 1".into()));
    }
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let mut s = a.sim.apply(&loaded.scenario)?;
    if let Some(o) = &a.overlay {
        s = detente_app::load::overlay(&s, o)?;
    }
    let bars = Bars::new(json, |phase| match phase {
        Phase::Simulate => Some("simulating"),
        Phase::SimulateVariant => Some("simulating variant"),
        _ => None,
    });
    let sim = detente_app::simulate::run(&s, &a.sim.options(a.runs), a.compare.as_deref(), &bars)?;
    if json {
        print_json(&detente_app::simulate::to_json(&s, &sim));
        return Ok(ExitCode::SUCCESS);
    }
    let r = &sim.result;
    let variant = sim
        .variant
        .as_ref()
        .map(|v| (v.overlay.clone(), &v.result, &v.scenario));
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
        precision_line(r)
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
