//! `detente forecast [FILE]`: where does each issue settle, model by model?

use std::process::ExitCode;

use clap::ValueEnum;
use detente_app::forecast::{build_models, ensemble, issue_convergence, run_models, violations};
use detente_app::Phase;
use detente_core::{format_number, Scenario};
use detente_forecast::{BdmVariant, Convergence, Forecast};

use crate::cli::CmdResult;
use crate::cmd::simulate::Bars;
use crate::load::{load, PrintWarnings, Source};
use crate::render::{print_json, print_text, table};

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
    // A bar over the models' work (BDM's rounds × issues, SMP's turns), on a terminal only.
    let bars = Bars::new(json, |phase| match phase {
        Phase::Forecast => Some("forecasting"),
        _ => None,
    });
    let result = run_models(s, &models, &bars)?;
    if json {
        print_json(&detente_app::forecast::to_json(s, &result));
        return Ok(ExitCode::SUCCESS);
    }
    let (input, forecasts) = (&result.input, &result.forecasts);
    let mut header = vec!["issue".to_string(), "status quo".to_string()];
    header.extend(forecasts.iter().map(|f| f.model.to_string()));
    header.push("ensemble".into());
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&hdr);
    let mut notes = Notes::default();
    for (i, is) in s.issues.iter().enumerate() {
        let mut row = vec![is.id.clone(), show(s, i, is.status_quo.value)];
        for f in forecasts {
            let mut cell = show(s, i, f.outcomes[i]);
            notes.mark(s, i, f.model, f.outcomes[i], &mut cell);
            if let Some(c) = issue_convergence(s, i, f).filter(|c| !c.converged) {
                cell.push_str(" ~");
                notes.moving.push(moving_note(s, i, f, &c));
            }
            row.push(cell);
        }
        let ens = ensemble(s, i, forecasts);
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
