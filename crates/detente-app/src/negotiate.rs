//! `negotiate`: one negotiation session (SAO, single-text mediation or shuttle talks) with
//! built-in strategies.

use detente_negotiate::protocol::{
    Actor, MediatedProtocol, Protocol, Sao, Session, Shuttle, SingleText,
};
use detente_negotiate::scenario::ProtocolKind;
use detente_negotiate::strategy::{by_name, LearningMediator, Strategy, TimeDependent};
use serde_json::{json, Map, Value};

use crate::problem::Problem;
use crate::AppError;

/// How to run the session.
#[derive(Debug, Clone, Default)]
pub struct NegotiateOptions {
    /// The protocol (default: the problem's).
    pub protocol: Option<ProtocolKind>,
    /// `(party, strategy)` pairs, in order (a later pair for the same party wins); the other
    /// parties play the problem's default strategies, boulware past them.
    pub strategies: Vec<(String, String)>,
    /// Deadline in protocol rounds, one offer each (default: the problem's; at least 1).
    pub rounds: Option<u32>,
    /// Seed for random strategies and the mediator.
    pub seed: u64,
    /// Round from which shuttle parties may talk directly (default: the problem's).
    pub direct_from: Option<u32>,
}

/// A protocol by name: `sao`, `mediated` or `shuttle`.
pub fn protocol(name: &str) -> Result<ProtocolKind, AppError> {
    ProtocolKind::parse(name).ok_or_else(|| AppError::UnknownProtocol(name.to_string()))
}

/// Checks a strategy given for `party`; returns the party's index.
pub fn check_strategy(p: &Problem, party: &str, name: &str) -> Result<usize, AppError> {
    let Some(k) = p.party_ids.iter().position(|id| id == party) else {
        return Err(AppError::NotAParty {
            party: party.to_string(),
            parties: p.party_ids.clone(),
        });
    };
    if by_name(name, 0).is_none() {
        return Err(AppError::UnknownStrategy {
            name: name.to_string(),
        });
    }
    Ok(k)
}

/// A session and how it was set up.
#[derive(Debug, Clone)]
pub struct Negotiation {
    /// The protocol played.
    pub protocol: ProtocolKind,
    /// Each party's strategy, in party order.
    pub strategies: Vec<String>,
    /// The deadline, in protocol rounds.
    pub deadline: u32,
    /// What happened.
    pub session: Session,
}

/// Runs one session of `p`.
pub fn run(p: &Problem, opts: &NegotiateOptions) -> Result<Negotiation, AppError> {
    let n = p.domain.n_parties();
    let protocol = opts.protocol.unwrap_or(p.defaults.protocol);
    let mut names = p.defaults.strategies.clone();
    names.resize(n, "boulware".into());
    for (party, name) in &opts.strategies {
        let k = check_strategy(p, party, name)?;
        names[k] = name.clone();
    }
    let rounds = match opts.rounds {
        Some(r) => crate::limits::rounds(u64::from(r))?,
        None => p.defaults.rounds.max(1),
    };
    let mut parties: Vec<Box<dyn Strategy>> = names
        .iter()
        .enumerate()
        .map(|(k, nm)| {
            by_name(nm, opts.seed.wrapping_add(k as u64))
                .unwrap_or_else(|| Box::new(TimeDependent::boulware()))
        })
        .collect();
    let session = match protocol {
        ProtocolKind::Sao => Sao::new(rounds).run(&p.domain, &mut parties),
        ProtocolKind::Mediated => SingleText::new(rounds).run(
            &p.domain,
            &mut parties,
            &mut LearningMediator::new(opts.seed),
        ),
        ProtocolKind::Shuttle => {
            let mut proto = Shuttle::new(rounds);
            proto.direct_from = opts.direct_from.or(p.defaults.direct_from);
            proto.run(
                &p.domain,
                &mut parties,
                &mut LearningMediator::new(opts.seed),
            )
        }
    };
    Ok(Negotiation {
        protocol,
        strategies: names,
        deadline: rounds,
        session,
    })
}

/// The id of a message's sender or addressee.
pub fn actor_id(p: &Problem, a: Actor) -> String {
    match a {
        Actor::Party(i) => p.party_ids[i].clone(),
        Actor::Mediator => p.mediator_id.clone(),
    }
}

/// The `negotiate --json` document of one session of `p`.
pub fn document(p: &Problem, opts: &NegotiateOptions) -> Result<Value, AppError> {
    Ok(to_json(p, &run(p, opts)?))
}

/// The `negotiate --json` document.
pub fn to_json(p: &Problem, n: &Negotiation) -> Value {
    let session = &n.session;
    let trace: Vec<Value> = session
        .trace
        .iter()
        .map(|m| {
            json!({"round": m.round, "from": actor_id(p, m.from), "to": actor_id(p, m.to),
                   "kind": m.kind.as_str(),
                   "outcome": m.outcome.map(|o| p.outcome_json(o))})
        })
        .collect();
    json!({
        "agreement": session.agreement.map(|o| p.outcome_json(o)),
        "utilities": p.utilities_json(&session.utilities),
        // Protocol rounds: one offer (or mediator's text) carried per round.
        "rounds": session.rounds,
        "deadline": n.deadline,
        "trace": trace,
        "protocol": n.protocol.as_str(),
        "strategies": p.party_ids.iter().zip(&n.strategies).map(|(id, s)| (id.clone(), json!(s))).collect::<Map<_, _>>(),
        "walked_away": session.walked_away.map(|w| p.party_ids[w].clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::load_problem;
    use crate::Source;

    #[test]
    fn strategies_are_checked_by_party_and_name() {
        let p = load_problem(&Source::default(), 11).expect("muscat");
        let opts = |party: &str, name: &str| NegotiateOptions {
            strategies: vec![(party.into(), name.into())],
            ..NegotiateOptions::default()
        };
        let e = run(&p, &opts("nobody", "random")).expect_err("no such party");
        assert!(
            e.to_string()
                .starts_with("`nobody` is not a party (parties: "),
            "{e}"
        );
        let e = run(&p, &opts("iran", "nope")).expect_err("no such strategy");
        assert!(
            e.to_string()
                .starts_with("unknown strategy `nope` (known: "),
            "{e}"
        );
        let n = run(&p, &opts("iran", "random")).expect("session");
        let k = p.party_ids.iter().position(|x| x == "iran").expect("iran");
        assert_eq!(n.strategies[k], "random");
        let doc = to_json(&p, &n);
        assert_eq!(doc["strategies"]["iran"], "random");
        assert_eq!(doc["deadline"], json!(n.deadline));
        assert!(matches!(
            protocol("telepathy"),
            Err(AppError::UnknownProtocol(_))
        ));
    }
}
