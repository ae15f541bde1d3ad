//! `detente forecast [FILE]`: where does each issue settle, model by model?

use std::process::ExitCode;

use clap::ValueEnum;
use detente_core::diag::{Problem, Problems};
use detente_core::LoadError;
use detente_core::{format_number, Scenario};
use detente_forecast::{
    convergence, Bdm, BdmParams, BdmVariant, Convergence, Forecast, ForecastInput, Mean, Median,
    Model, Nash, Smp, SmpParams, Watch,
};
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::cmd::simulate::progress;
use crate::load::{load, Loaded, Source};
use crate::render::{print_json, print_text, table, CliError};

/// Every model id `forecast` knows, in display order.
pub const MODELS: [&str; 5] = ["mean", "median", "nash", "bdm", "smp"];

/// Which BDM capitulation rule to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Variant {
    /// The rule as the paper states it (default).
    Corrected,
    /// The public replication's behaviour, exactly.
    Replication,
}

/// Arguments of `detente forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario (a TOML file, a BDM CSV, or a built-in name).
    #[command(flatten)]
    pub source: Source,
    /// Models to run, comma-separated (mean, median, nash, bdm, smp) or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub model: Vec<String>,
    /// Rounds for BDM (default 10); for SMP, the most turns (default: its stopping rule, at most 100).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub rounds: Option<u32>,
    /// BDM capitulation rule.
    #[arg(long, value_enum, default_value = "corrected")]
    pub bdm_variant: Variant,
    /// Show per-round positions of round-based models.
    #[arg(long)]
    pub trace: bool,
}

/// An up-front note when the chosen models will take long: BDM's cost grows with n² per issue
/// and round, SMP's with n³ per issue and turn. Seconds per unit from bench/README.md (release
/// build: BDM 5.2 s at 1,000 actors × 5 issues × 10 rounds; SMP about 5 s a turn at 1,000 × 5,
/// typically 40–60 turns).
pub fn estimate(
    ids: &[String],
    actors: usize,
    issues: usize,
    rounds: Option<u32>,
) -> Option<String> {
    let all = ids.iter().any(|m| m == "all");
    let has = |m: &str| all || ids.iter().any(|x| x == m);
    let (n, k) = (actors as f64, issues as f64);
    let mut parts = Vec::new();
    let mut total = 0.0;
    if has("bdm") {
        let secs = 1.03e-7 * n * n * k * rounds.unwrap_or(10) as f64;
        total += secs;
        parts.push(format!("BDM about {}", duration(secs)));
    }
    if has("smp") {
        let turns = rounds.map_or(50.0, |r| (r as f64).min(100.0));
        let secs = 1.02e-9 * n * n * n * k * turns;
        total += secs;
        parts.push(format!("SMP about {}", duration(secs)));
    }
    (total > 10.0).then(|| {
        format!(
            "note: {actors} actors × {issues} issues: {} with an optimised build (the cost grows with the square of the actor count for BDM, the cube for SMP; see bench/README.md); Ctrl-C stops it, or choose models with --model",
            parts.join(", ")
        )
    })
}

fn duration(secs: f64) -> String {
    if secs < 90.0 {
        format!("{secs:.0} s")
    } else if secs < 5400.0 {
        format!("{:.0} min", secs / 60.0)
    } else {
        format!("{:.1} h", secs / 3600.0)
    }
}

/// The SMP with the scenario's `[models.smp]` settings; a bad setting is reported at its place.
pub fn smp_model(loaded: &Loaded, max_turns: Option<usize>) -> Result<Smp, CliError> {
    let s = &loaded.scenario;
    let mut params = match s.models.get("smp") {
        None => SmpParams::default(),
        Some(v) => {
            let bad = |field: &str, message: String| {
                let mut p = Problem::error(&loaded.name, field, message);
                if let Some(span) = detente_core::format::locate(&loaded.text, field) {
                    p = p.spanned(&loaded.text, span);
                }
                let mut problems = Problems::new();
                problems.push(p);
                CliError::Load(LoadError::Invalid {
                    file: loaded.name.clone(),
                    source_text: loaded.text.clone(),
                    problems,
                })
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

/// The models `ids` names (`all` for every one), set up for `loaded`.
pub fn build_models(
    ids: &[String],
    loaded: &Loaded,
    rounds: Option<usize>,
    variant: BdmVariant,
) -> Result<Vec<Box<dyn Model>>, CliError> {
    let mut chosen: Vec<&str> = Vec::new();
    for m in ids {
        match m.as_str() {
            "all" => chosen.extend(MODELS),
            m => match MODELS.iter().find(|x| **x == m) {
                Some(x) => chosen.push(x),
                None => {
                    return Err(CliError::Usage(format!(
                        "unknown model `{m}`; expected one of: {}, or all",
                        MODELS.join(", ")
                    )))
                }
            },
        }
    }
    let mut seen = Vec::new();
    chosen.retain(|m| {
        let fresh = !seen.contains(m);
        seen.push(*m);
        fresh
    });
    chosen
        .into_iter()
        .map(|id| -> Result<Box<dyn Model>, CliError> {
            Ok(match id {
                "mean" => Box::new(Mean),
                "median" => Box::new(Median),
                "nash" => Box::new(Nash),
                "smp" => Box::new(smp_model(loaded, rounds)?),
                _ => Box::new(Bdm::new(BdmParams {
                    rounds: rounds.unwrap_or(BdmParams::default().rounds),
                    variant,
                    ..BdmParams::default()
                })),
            })
        })
        .collect()
}

/// Runs the chosen models on a scenario; `tick` is called after each unit of work of the
/// round-based models (see [`Model::work`]).
pub fn run_models(
    s: &Scenario,
    models: &[Box<dyn Model>],
    tick: &(dyn Fn() + Sync),
) -> Result<(ForecastInput, Vec<Forecast>), CliError> {
    let input = ForecastInput::from_scenario(s);
    let step = || {
        tick();
        true
    };
    let mut out = Vec::new();
    for m in models {
        out.push(
            m.forecast_watched(&input, Watch::new(&step))
                .map_err(|e| CliError::Usage(e.to_string()))?,
        );
    }
    Ok((input, out))
}

/// The ensemble forecast of one issue: the mean of the models' outcomes (nearest option if
/// discrete), taking a round-based model that did not converge at its settled value (the mean
/// over its cycle, or over the second half of its rounds) rather than its last round.
pub fn ensemble(s: &Scenario, issue: usize, forecasts: &[Forecast]) -> f64 {
    if forecasts.is_empty() {
        return s.issues[issue].status_quo.value;
    }
    let value = |f: &Forecast| match issue_convergence(s, issue, f) {
        Some(c) if !c.converged => c.settled,
        _ => f.outcomes[issue],
    };
    let m = forecasts.iter().map(value).sum::<f64>() / forecasts.len() as f64;
    if s.issues[issue].is_discrete() {
        m.round()
    } else {
        m
    }
}

/// `outcome` (the model's value: on a discrete issue, a possibly fractional option index) and,
/// on a discrete issue, `option` (the nearest option's index) and `outcome_label` (its label,
/// the one the table shows).
fn value_json(s: &Scenario, issue: usize, x: f64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(x));
    let is = &s.issues[issue];
    if is.is_discrete() {
        let last = is.range().1.max(0.0);
        m.insert("option".into(), json!(x.round().clamp(0.0, last) as u64));
        m.insert("outcome_label".into(), json!(is.label(x)));
    }
    m
}

/// The span of an issue's scale: max − min, or the option count − 1.
fn span(s: &Scenario, issue: usize) -> f64 {
    let (lo, hi) = s.issues[issue].range();
    hi - lo
}

/// How a round-based model's forecast of one issue ended (`None` for static models).
///
/// On a discrete issue the rounds are read as the nearest option, the one the table shows. A
/// model that reports its own stopping rule as met (SMP's `converged` diagnostic) has
/// converged.
pub fn issue_convergence(s: &Scenario, issue: usize, f: &Forecast) -> Option<Convergence> {
    let discrete = s.issues[issue].is_discrete();
    let series: Vec<f64> = f
        .rounds
        .iter()
        .map(|r| r.forecast[issue])
        .map(|x| if discrete { x.round() } else { x })
        .collect();
    let mut c = convergence(&series, span(s, issue))?;
    let own_rule = f
        .diagnostics
        .iter()
        .any(|(k, v)| k == "converged" && *v == 1.0);
    if own_rule && !c.converged {
        let last = f.outcomes[issue];
        c = Convergence {
            converged: true,
            cycle: None,
            settled: last,
            range: [last; 2],
        };
    }
    Some(c)
}

/// What a forecast `x` of `issue` violates: the actors whose declared red line it crosses, and
/// the actors for whom the issue is off the agenda when `x` moves it from its status quo.
pub fn violations(s: &Scenario, issue: usize, x: f64) -> (Vec<String>, Vec<String>) {
    // Discrete issues: the option the table shows.
    let x = if s.issues[issue].is_discrete() {
        x.round()
    } else {
        x
    };
    let crosses = s
        .stances
        .iter()
        .filter(|st| st.issue == issue)
        .filter(|st| st.red_line.is_some_and(|r| !r.accepts(x)))
        .map(|st| s.actors[st.actor].id.clone())
        .collect();
    let tol = 1e-3 * span(s, issue).abs().max(1e-9);
    let off = if (x - s.issues[issue].status_quo.value).abs() > tol {
        s.issues[issue].off_agenda_for.clone()
    } else {
        Vec::new()
    };
    (crosses, off)
}

/// The `forecast --json` document.
pub fn forecast_json(s: &Scenario, input: &ForecastInput, forecasts: &[Forecast]) -> Value {
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, is)| {
            let mut models = Map::new();
            for f in forecasts {
                let mut m = value_json(s, i, f.outcomes[i]);
                let (crosses, off) = violations(s, i, f.outcomes[i]);
                m.insert("crosses_red_lines".into(), json!(crosses));
                m.insert("off_agenda_moved_for".into(), json!(off));
                if let Some(c) = issue_convergence(s, i, f) {
                    m.insert("converged".into(), json!(c.converged));
                    m.insert("cycle".into(), json!(c.cycle));
                    if !c.converged {
                        // The forecast to read when the rounds did not settle: the mean over
                        // the cycle (or over the second half of the rounds), beside the last
                        // round's value in `outcome`.
                        let mut settled = value_json(s, i, c.settled);
                        settled.insert("range".into(), json!(c.range));
                        settled.insert(
                            "over".into(),
                            json!(if c.cycle.is_some() { "cycle" } else { "second_half" }),
                        );
                        m.insert("settled".into(), Value::Object(settled));
                    }
                }
                if !f.rounds.is_empty() {
                    let rounds: Vec<Value> = f
                        .rounds
                        .iter()
                        .enumerate()
                        .map(|(t, r)| {
                            let positions: Map<String, Value> =
                                input.actors.iter().zip(&r.positions[i]).map(|(a, x)| (a.clone(), json!(x))).collect();
                            json!({"round": t + 1, "forecast": r.forecast[i], "positions": positions})
                        })
                        .collect();
                    m.insert("rounds".into(), Value::Array(rounds));
                }
                models.insert(f.model.into(), Value::Object(m));
            }
            let ens = ensemble(s, i, forecasts);
            let (crosses, off) = violations(s, i, ens);
            let mut v = json!({"id": is.id, "status_quo": is.status_quo.value, "models": models, "ensemble": ens,
                               "ensemble_crosses_red_lines": crosses, "ensemble_off_agenda_moved_for": off});
            if is.is_discrete() {
                v["status_quo_label"] = json!(is.label(is.status_quo.value));
                v["ensemble_option"] = json!(ens.round().max(0.0) as u64);
                v["ensemble_label"] = json!(is.label(ens));
            }
            v
        })
        .collect();
    json!({ "issues": issues })
}

fn show(s: &Scenario, issue: usize, x: f64) -> String {
    let is = &s.issues[issue];
    if is.is_discrete() {
        is.label(x)
    } else {
        format_number(x)
    }
}

/// The footnotes under the forecast table.
#[derive(Default)]
struct Notes {
    /// `! model issue = value: …` lines.
    lines: Vec<String>,
    /// Round-based forecasts that did not settle.
    moving: Vec<String>,
}

impl Notes {
    /// Marks `cell` with `!` and records why when `x` crosses a red line or moves an issue off
    /// an actor's agenda.
    fn mark(&mut self, s: &Scenario, issue: usize, model: &str, x: f64, cell: &mut String) {
        let (crosses, off) = violations(s, issue, x);
        if crosses.is_empty() && off.is_empty() {
            return;
        }
        cell.push_str(" !");
        let mut why = Vec::new();
        for a in &crosses {
            let r = s
                .stances
                .iter()
                .find(|st| st.issue == issue && s.actors[st.actor].id == *a)
                .and_then(|st| st.red_line)
                .unwrap_or_default();
            let bound = match (r.min, r.max) {
                (Some(lo), Some(hi)) => format!("{}–{}", show(s, issue, lo), show(s, issue, hi)),
                (Some(lo), None) => format!("at least {}", show(s, issue, lo)),
                (None, Some(hi)) => format!("at most {}", show(s, issue, hi)),
                (None, None) => String::new(),
            };
            why.push(format!("crosses {a}'s red line ({bound})"));
        }
        if !off.is_empty() {
            why.push(format!(
                "moves it from its status quo ({}) although it is off the agenda for {}",
                show(s, issue, s.issues[issue].status_quo.value),
                off.join(", ")
            ));
        }
        self.lines.push(format!(
            "! {model} on {} = {}: {}",
            s.issues[issue].id,
            show(s, issue, x),
            why.join("; ")
        ));
    }

    fn text(&self) -> String {
        let mut out = String::new();
        if !self.moving.is_empty() {
            out.push_str("\n~ did not converge (the cell shows the last round's value):\n");
            for l in &self.moving {
                out.push_str(&format!("  {l}\n"));
            }
        }
        if !self.lines.is_empty() {
            out.push_str(
                "\n! the forecast crosses a declared red line or moves an off-agenda issue (the models are not constrained to what the actors accept; see docs/models.md):\n",
            );
            for l in &self.lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
        out
    }
}

/// One line on a round-based forecast that did not settle: the cycle and its mean, or the
/// range it still moves in.
fn moving_note(s: &Scenario, issue: usize, f: &Forecast, c: &Convergence) -> String {
    let id = &s.issues[issue].id;
    let between = format!(
        "between {} and {}",
        show(s, issue, c.range[0]),
        show(s, issue, c.range[1])
    );
    let mean = if s.issues[issue].is_discrete() {
        format!(
            "option {} (nearest: {})",
            format_number(c.settled),
            show(s, issue, c.settled)
        )
    } else {
        format_number(c.settled)
    };
    match c.cycle {
        Some(p) => format!(
            "{} on {id}: cycles every {p} rounds {between}; over the cycle, the forecast is {mean}; last round {}",
            f.model,
            show(s, issue, f.outcomes[issue])
        ),
        None => format!(
            "{} on {id}: still moving {between} over the second half of the rounds (mean {mean}); last round {}; try more --rounds",
            f.model,
            show(s, issue, f.outcomes[issue])
        ),
    }
}

/// Runs the forecast.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let variant = match a.bdm_variant {
        Variant::Corrected => BdmVariant::Corrected,
        Variant::Replication => BdmVariant::Replication,
    };
    let models = build_models(&a.model, &loaded, a.rounds.map(|r| r as usize), variant)?;
    let s = &loaded.scenario;
    if let Some(note) = estimate(&a.model, s.actors.len(), s.issues.len(), a.rounds) {
        eprintln!("{note}");
    }
    // A bar over the round-based models' work (BDM's rounds × issues, SMP's most turns), on a
    // terminal only; SMP usually stops before its most turns, the bar then jumps to the end.
    let input = ForecastInput::from_scenario(s);
    let work = models.iter().map(|m| m.work(&input)).sum::<u64>();
    let pb = progress(work, json, "forecasting");
    let (input, forecasts) = run_models(s, &models, &|| pb.inc(1))?;
    pb.finish_and_clear();
    if json {
        print_json(&forecast_json(s, &input, &forecasts));
        return Ok(ExitCode::SUCCESS);
    }
    let mut header = vec!["issue".to_string(), "status quo".to_string()];
    header.extend(forecasts.iter().map(|f| f.model.to_string()));
    header.push("ensemble".into());
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&hdr);
    let mut notes = Notes::default();
    for (i, is) in s.issues.iter().enumerate() {
        let mut row = vec![is.id.clone(), show(s, i, is.status_quo.value)];
        for f in &forecasts {
            let mut cell = show(s, i, f.outcomes[i]);
            notes.mark(s, i, f.model, f.outcomes[i], &mut cell);
            if let Some(c) = issue_convergence(s, i, f).filter(|c| !c.converged) {
                cell.push_str(" ~");
                notes.moving.push(moving_note(s, i, f, &c));
            }
            row.push(cell);
        }
        let ens = ensemble(s, i, &forecasts);
        let mut cell = show(s, i, ens);
        notes.mark(s, i, "ensemble", ens, &mut cell);
        row.push(cell);
        t.add_row(row);
    }
    let mut out = format!("{}: where each issue settles\n{t}\n", loaded.name);
    out.push_str(&crate::render::wrap(&notes.text(), "    "));
    if a.trace {
        for f in forecasts.iter().filter(|f| !f.rounds.is_empty()) {
            for (i, is) in s.issues.iter().enumerate() {
                let engaged: Vec<usize> = (0..input.actors.len())
                    .filter(|&k| input.issues[i].salience[k] > 0.0)
                    .collect();
                let mut header = vec!["round".to_string(), "forecast".to_string()];
                header.extend(engaged.iter().map(|&k| input.actors[k].clone()));
                let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
                let mut t = table(&hdr);
                // the model's own forecast from the input (BDM: the weighted median; SMP: the
                // expected outcome of the input positions)
                let start = f
                    .start
                    .get(i)
                    .copied()
                    .unwrap_or(input.issues[i].status_quo);
                let mut row = vec!["0 (input)".to_string(), show(s, i, start)];
                row.extend(
                    engaged
                        .iter()
                        .map(|&k| show(s, i, input.issues[i].position[k])),
                );
                t.add_row(row);
                for (r, round) in f.rounds.iter().enumerate() {
                    let mut row = vec![(r + 1).to_string(), show(s, i, round.forecast[i])];
                    row.extend(engaged.iter().map(|&k| show(s, i, round.positions[i][k])));
                    t.add_row(row);
                }
                out.push_str(&format!("\n{} trace: {}\n{t}\n", f.model, is.id));
            }
        }
    }
    print_text(&out);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::estimate;

    #[test]
    fn long_forecasts_are_announced_and_short_ones_are_not() {
        let all = vec!["all".to_string()];
        assert_eq!(estimate(&all, 9, 6, None), None);
        let note = estimate(&all, 1000, 50, None).expect("a note");
        assert!(
            note.contains("SMP about") && note.contains("BDM about"),
            "{note}"
        );
        assert_eq!(estimate(&["mean".to_string()], 1000, 50, None), None);
    }
}
