//! `detente negotiate [FILE]`: run one negotiation session (SAO, single-text mediation or
//! shuttle talks) with built-in strategies, and print the result and optionally the trace.

use std::process::ExitCode;

use detente_app::negotiate::{actor_id, check_strategy, protocol, NegotiateOptions};
use detente_app::AppError;

use crate::cli::CmdResult;
use crate::cmd::analyze::{load_problem, outcome_text};
use crate::load::Source;
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente negotiate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario, or a GENIUS folder / domain file.
    #[command(flatten)]
    pub source: Source,
    /// Protocol: sao, mediated or shuttle (default: the scenario's; sao for GENIUS domains).
    #[arg(long)]
    pub protocol: Option<String>,
    /// A party's strategy, as `party=name` (boulware, linear, conceder, tit-for-tat, hardliner,
    /// micro, random); repeatable; others play boulware.
    #[arg(long = "strategy", value_name = "PARTY=NAME")]
    pub strategies: Vec<String>,
    /// Deadline in protocol rounds: one round carries one offer, so a scenario round, in which
    /// every party offers once, is as many protocol rounds as there are parties (default: the
    /// scenario's rounds × parties; 100 for a GENIUS domain; 1 to 1000).
    #[arg(long, value_parser = crate::flags::rounds)]
    pub rounds: Option<u32>,
    /// Seed for random strategies and the mediator.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Round from which shuttle parties may talk directly.
    #[arg(long)]
    pub direct_from: Option<u32>,
    /// Print every message.
    #[arg(long)]
    pub trace: bool,
    /// Steps a continuous issue is discretised into (2 to 1000).
    #[arg(long, default_value_t = detente_negotiate::scenario::DEFAULT_STEPS, value_parser = crate::flags::steps)]
    pub steps: usize,
}

/// Runs the session.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let p = load_problem(&a.source, a.steps, json)?;
    let protocol = match &a.protocol {
        Some(s) => Some(protocol(s)?),
        None => None,
    };
    let mut strategies = Vec::new();
    for s in &a.strategies {
        let Some((who, name)) = s.split_once('=') else {
            return Err(CliError::Usage(format!(
                "--strategy `{s}`: expected PARTY=NAME"
            )));
        };
        check_strategy(&p, who, name)
            .map_err(|e: AppError| CliError::Usage(format!("--strategy `{s}`: {e}")))?;
        strategies.push((who.to_string(), name.to_string()));
    }
    let n = detente_app::negotiate::run(
        &p,
        &NegotiateOptions {
            protocol,
            strategies,
            rounds: a.rounds,
            seed: a.seed,
            direct_from: a.direct_from,
        },
    )?;
    if json {
        print_json(&detente_app::negotiate::to_json(&p, &n));
        return Ok(ExitCode::SUCCESS);
    }
    let (protocol, names, rounds, session) = (n.protocol, &n.strategies, n.deadline, &n.session);
    let who: Vec<String> = p
        .party_ids
        .iter()
        .zip(names)
        .map(|(id, s)| format!("{id} ({s})"))
        .collect();
    print_text(&crate::render::wrap(
        &format!(
            "{}: {} protocol, deadline {} protocol rounds ({}), {}",
            p.name,
            protocol.as_str(),
            rounds,
            deadline_source(a.rounds, p.defaults.rounds, p.party_ids.len()),
            who.join(" vs ")
        ),
        "  ",
    ));
    let mut t = table(&["Result", "Value"]);
    match session.agreement {
        Some(o) => t.add_row(vec!["Agreement".to_string(), outcome_text(&p, o)]),
        None => t.add_row(vec!["Agreement".to_string(), "none".to_string()]),
    };
    if let Some(w) = session.walked_away {
        t.add_row(vec!["Walked away".to_string(), p.party_ids[w].clone()]);
    }
    t.add_row(vec![
        "Protocol rounds used".to_string(),
        format!("{} of {rounds}", session.rounds),
    ]);
    for (id, u) in p.party_ids.iter().zip(&session.utilities) {
        t.add_row(vec![
            format!("Utility of {id}"),
            super::analyze::utility_text(*u),
        ]);
    }
    print_text(&t.to_string());
    if a.trace {
        let mut tr = table(&["Round", "From", "To", "Kind", "Outcome"]);
        for m in &session.trace {
            tr.add_row(vec![
                m.round.to_string(),
                actor_id(&p, m.from),
                actor_id(&p, m.to),
                m.kind.as_str().to_string(),
                m.outcome.map(|o| outcome_text(&p, o)).unwrap_or_default(),
            ]);
        }
        print_text(&tr.to_string());
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the deadline comes from, in words: protocol rounds carry one offer each, and a
/// scenario round gives every party one offer.
fn deadline_source(flag: Option<u32>, default: u32, parties: usize) -> String {
    if flag.is_some() {
        return "one offer each; from --rounds".into();
    }
    let n = parties.max(1) as u32;
    format!(
        "one offer each; the scenario's {} rounds × {n} parties",
        default / n
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_says_its_unit_and_source() {
        assert_eq!(
            deadline_source(None, 16, 2),
            "one offer each; the scenario's 8 rounds × 2 parties"
        );
        assert_eq!(
            deadline_source(Some(5), 16, 2),
            "one offer each; from --rounds"
        );
    }
}
