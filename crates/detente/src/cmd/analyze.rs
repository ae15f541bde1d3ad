//! `detente analyze [FILE]`: exact analysis of a negotiation: Pareto frontier, Nash,
//! Kalai–Smorodinsky, utilitarian and egalitarian points, ZOPA and logrolls.
//!
//! A GENIUS folder (or domain file + `--profile`) is analysed under GENIUS's own convention
//! (the numbers NegMAS reports for GENIUS-normalised domains); any other input is loaded as a
//! scenario and turned into a negotiation problem (see `detente_negotiate::scenario`).

use std::process::ExitCode;

use detente_app::{Problem, ProblemSource};
use detente_negotiate::OutcomeId;

use crate::cli::CmdResult;
use crate::load::Source;
use crate::render::{print_json, print_problems, print_text, table, CliError};

/// `detente analyze`: the exact bargaining analysis of a negotiation between the parties,
/// from their utilities and BATNAs (reservation values) on the scenario's issues: the Pareto
/// frontier of the rational outcomes, the Nash, Kalai–Smorodinsky, utilitarian and egalitarian
/// points, the zone of possible agreement (ZOPA) and logrolls (trades of one issue for another).
/// Continuous issues are discretised into `--steps` values. No influence model and no
/// randomness: stakeholders, events and uncertainty ranges are not used.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario, or a GENIUS folder / domain file.
    #[command(flatten)]
    pub source: Source,
    /// Steps a continuous issue is discretised into (2 to 1000).
    #[arg(long, default_value_t = detente_negotiate::scenario::DEFAULT_STEPS, value_parser = crate::flags::steps)]
    pub steps: usize,
}

/// Loads the problem named by `src` (a GENIUS domain directly, anything else through its
/// scenario) and prints the warnings found on the way (unless `json`).
pub fn load_problem(src: &Source, steps: usize, json: bool) -> Result<Problem, CliError> {
    let source = ProblemSource::read(&src.app())?;
    if !json {
        let (warnings, text) = source.warnings();
        print_problems(warnings, text);
    }
    Ok(source.problem(steps)?)
}

/// `issue=value, …` of outcome `o`.
pub fn outcome_text(p: &Problem, o: OutcomeId) -> String {
    p.domain
        .space
        .labels(o)
        .iter()
        .enumerate()
        .map(|(k, (_, v))| format!("{}={v}", p.issue_ids[k]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A utility for people: three decimals, trailing zeros dropped (JSON keeps full precision).
pub fn utility_text(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// One party's gain from a logroll in words: a number, or why there is none.
fn gain_text(party: &str, gain: f64, issue: &str) -> String {
    if gain.is_finite() {
        format!("{party} +{}", utility_text(gain))
    } else {
        format!("{party}: the opposite trade crosses its red line on {issue}")
    }
}

fn fmt_u(p: &Problem, u: &[f64]) -> String {
    p.party_ids
        .iter()
        .zip(u)
        .map(|(id, x)| format!("{id} {}", utility_text(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the analysis.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let p = load_problem(&a.source, a.steps, json)?;
    let an = detente_app::analyze::run(&p);
    if json {
        print_json(&detente_app::analyze::to_json(&p, &an));
        return Ok(ExitCode::SUCCESS);
    }
    print_text(&format!(
        "{}: {} outcomes, {} parties; frontier {} points; ZOPA {} outcomes ({:.1}%)",
        p.name,
        an.outcomes,
        p.party_ids.len(),
        an.frontier.len(),
        an.zopa.size,
        100.0 * an.zopa.share
    ));
    let mut t = table(&["Solution", "Outcome", "Utilities"]);
    for (name, pt) in [
        ("Nash", &an.nash),
        ("Kalai–Smorodinsky", &an.kalai_smorodinsky),
        ("Utilitarian", &an.utilitarian),
        ("Egalitarian", &an.egalitarian),
    ] {
        match pt {
            Some(pt) => t.add_row(vec![
                name.to_string(),
                outcome_text(&p, pt.outcome),
                fmt_u(&p, &pt.utilities),
            ]),
            None => t.add_row(vec![
                name.to_string(),
                "no rational outcome".into(),
                String::new(),
            ]),
        };
    }
    print_text(&t.to_string());
    let mut header = vec!["#"];
    header.extend(p.party_ids.iter().map(String::as_str));
    header.push("Outcome");
    let mut f = table(&header);
    let shown = an.frontier.len().min(25);
    for (k, pt) in an.frontier.iter().take(shown).enumerate() {
        let mut row = vec![(k + 1).to_string()];
        row.extend(pt.utilities.iter().map(|u| utility_text(*u)));
        row.push(outcome_text(&p, pt.outcomes[0]));
        f.add_row(row);
    }
    print_text("Pareto frontier (rational outcomes):");
    print_text(&f.to_string());
    if an.frontier.len() > shown {
        print_text(&format!(
            "… {} more points (use --json)",
            an.frontier.len() - shown
        ));
    }
    if !an.logrolls.is_empty() {
        let mut l = table(&["Trade", "Gains"]);
        for r in an.logrolls.iter().take(10) {
            l.add_row(vec![
                format!(
                    "{} concedes {} to {}; {} concedes {} to {}",
                    p.party_ids[r.a],
                    p.issue_ids[r.issue_b],
                    p.party_ids[r.b],
                    p.party_ids[r.b],
                    p.issue_ids[r.issue_a],
                    p.party_ids[r.a]
                ),
                format!(
                    "{}; {}",
                    gain_text(&p.party_ids[r.a], r.gain_a, &p.issue_ids[r.issue_a]),
                    gain_text(&p.party_ids[r.b], r.gain_b, &p.issue_ids[r.issue_b]),
                ),
            ]);
        }
        print_text("Logrolls:");
        print_text(&l.to_string());
    }
    Ok(ExitCode::SUCCESS)
}
