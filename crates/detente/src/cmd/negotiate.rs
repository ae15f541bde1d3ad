//! `detente negotiate [FILE]`: run one negotiation session (SAO, single-text mediation or
//! shuttle talks) with built-in strategies, and print the result and optionally the trace.

use std::process::ExitCode;

use detente_negotiate::protocol::{Actor, MediatedProtocol, Protocol, Sao, Shuttle, SingleText};
use detente_negotiate::scenario::ProtocolKind;
use detente_negotiate::strategy::{by_name, LearningMediator, Strategy, STRATEGY_NAMES};
use serde_json::{json, Value};

use crate::cli::CmdResult;
use crate::cmd::analyze::{load_problem, Problem};
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

fn actor_id(p: &Problem, a: Actor) -> String {
    match a {
        Actor::Party(i) => p.party_ids[i].clone(),
        Actor::Mediator => p.mediator_id.clone(),
    }
}

/// Runs the session.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let p = load_problem(&a.source, a.steps, json)?;
    let n = p.domain.n_parties();
    let protocol = match &a.protocol {
        Some(s) => ProtocolKind::parse(s).ok_or_else(|| {
            CliError::Usage(format!(
                "unknown protocol `{s}`; expected sao, mediated or shuttle"
            ))
        })?,
        None => p.defaults.protocol,
    };
    let mut names = p.defaults.strategies.clone();
    names.resize(n, "boulware".into());
    for s in &a.strategies {
        let Some((who, name)) = s.split_once('=') else {
            return Err(CliError::Usage(format!(
                "--strategy `{s}`: expected PARTY=NAME"
            )));
        };
        let Some(k) = p.party_ids.iter().position(|id| id == who) else {
            return Err(CliError::Usage(format!(
                "--strategy `{s}`: `{who}` is not a party (parties: {})",
                p.party_ids.join(", ")
            )));
        };
        if by_name(name, 0).is_none() {
            return Err(CliError::Usage(format!(
                "--strategy `{s}`: unknown strategy `{name}` (known: {})",
                STRATEGY_NAMES.join(", ")
            )));
        }
        names[k] = name.to_string();
    }
    let rounds = a.rounds.unwrap_or(p.defaults.rounds).max(1);
    let mut parties: Vec<Box<dyn Strategy>> = names
        .iter()
        .enumerate()
        .map(|(k, nm)| {
            by_name(nm, a.seed.wrapping_add(k as u64))
                .unwrap_or_else(|| Box::new(detente_negotiate::strategy::TimeDependent::boulware()))
        })
        .collect();
    let session = match protocol {
        ProtocolKind::Sao => Sao::new(rounds).run(&p.domain, &mut parties),
        ProtocolKind::Mediated => {
            SingleText::new(rounds).run(&p.domain, &mut parties, &mut LearningMediator::new(a.seed))
        }
        ProtocolKind::Shuttle => {
            let mut proto = Shuttle::new(rounds);
            proto.direct_from = a.direct_from.or(p.defaults.direct_from);
            proto.run(&p.domain, &mut parties, &mut LearningMediator::new(a.seed))
        }
    };
    let trace: Vec<Value> = session
        .trace
        .iter()
        .map(|m| {
            json!({"round": m.round, "from": actor_id(&p, m.from), "to": actor_id(&p, m.to),
                   "kind": m.kind.as_str(),
                   "outcome": m.outcome.map(|o| p.outcome_json(o))})
        })
        .collect();
    if json {
        print_json(&json!({
            "agreement": session.agreement.map(|o| p.outcome_json(o)),
            "utilities": p.utilities_json(&session.utilities),
            // Protocol rounds: one offer (or mediator's text) carried per round.
            "rounds": session.rounds,
            "deadline": rounds,
            "trace": trace,
            "protocol": protocol.as_str(),
            "strategies": p.party_ids.iter().zip(&names).map(|(id, s)| (id.clone(), json!(s))).collect::<serde_json::Map<_, _>>(),
            "walked_away": session.walked_away.map(|w| p.party_ids[w].clone()),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let who: Vec<String> = p
        .party_ids
        .iter()
        .zip(&names)
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
        Some(o) => t.add_row(vec!["Agreement".to_string(), p.outcome_text(o)]),
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
                m.outcome.map(|o| p.outcome_text(o)).unwrap_or_default(),
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
