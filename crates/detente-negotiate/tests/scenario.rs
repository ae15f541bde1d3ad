//! Scenario → negotiation problem: GENIUS round trip through TOML and the built-in scenario.

use std::path::PathBuf;

use detente_core::format::{parse_toml, to_toml};
use detente_core::import::genius::load_folder;
use detente_negotiate::protocol::{Actor, Kind};
use detente_negotiate::scenario::{
    run_scenario, ProtocolKind, RunSpec, ScenarioProblem, DEFAULT_STEPS,
};
use detente_negotiate::Domain;

mod common;

fn data(name: &str) -> PathBuf {
    common::genius_dir().join(name)
}

#[test]
fn genius_import_round_trips_through_toml_with_the_same_utilities() {
    for name in ["LaptopA", "IntegerDomain", "ItexvsCypress"] {
        let (g, _) = load_folder(&data(name)).unwrap();
        let direct = Domain::from_genius(&g).unwrap();
        let s = g.to_scenario();
        let text = to_toml(&s);
        let (back, _) = parse_toml(&text, "round.toml").unwrap();
        let a = ScenarioProblem::from_scenario(&s, 11).unwrap();
        let b = ScenarioProblem::from_scenario(&back, 11).unwrap();
        assert_eq!(a.domain, b.domain, "{name}");
        let (ca, cd) = (a.domain.utility_columns(), direct.utility_columns());
        for (p, u) in direct.utilities.iter().enumerate() {
            // scenario utilities are salience-normalised: GENIUS utility / Σ weights
            let total: f64 = u.weights.iter().sum();
            for (x, y) in ca[p].iter().zip(&cd[p]) {
                assert!(
                    (x - y / total).abs() < 1e-12,
                    "{name}: {x} vs {}",
                    y / total
                );
            }
            assert_eq!(a.domain.utilities[p].reservation, u.reservation);
        }
    }
}

#[test]
fn builtin_scenario_runs_with_its_protocol_defaults() {
    let s = detente_core::builtin::muscat();
    let prob = ScenarioProblem::from_scenario(&s, 11).unwrap();
    let spec = RunSpec::defaults_for(&s, prob.domain.n_parties());
    assert_eq!(spec.protocol, ProtocolKind::Shuttle);
    let r = prob.run(&spec).unwrap();
    assert_eq!(r.agreed_issues.len(), s.issues.len());
    assert_eq!(r.utilities.len(), prob.domain.n_parties());
    if let Some(d) = spec.direct_from {
        assert!(r
            .session
            .trace
            .iter()
            .filter(|m| m.round < d)
            .all(|m| m.from == Actor::Mediator || m.to == Actor::Mediator));
    } else {
        assert!(r
            .session
            .trace
            .iter()
            .all(|m| m.from == Actor::Mediator || m.to == Actor::Mediator));
    }
    assert!(r.session.trace.iter().any(|m| m.kind == Kind::Relay));
    // cheap, deterministic per seed
    let again = run_scenario(&s, &spec).unwrap();
    assert_eq!(again.session, r.session);
    for seed in 0..20 {
        let r = run_scenario(
            &s,
            &RunSpec {
                seed,
                protocol: ProtocolKind::Sao,
                ..spec.clone()
            },
        )
        .unwrap();
        if let Some(o) = r.agreement {
            for (p, u) in prob.domain.utilities.iter().enumerate() {
                assert!(u.eval(&prob.domain.space, o) >= u.reservation, "party {p}");
            }
        }
    }
}

#[test]
fn red_lines_veto_outcomes() {
    let mut s = detente_core::builtin::muscat();
    let party = s.parties().next().unwrap();
    let st = s.stances.iter_mut().find(|st| st.actor == party).unwrap();
    let issue = st.issue;
    let (lo, hi) = s.issues[issue].range();
    st.red_line = Some(detente_core::RedLine {
        min: Some(lo + (hi - lo) / 2.0),
        max: None,
    });
    let prob = ScenarioProblem::from_scenario(&s, 11).unwrap();
    let a = detente_negotiate::analysis::analyze(&prob.domain);
    for p in &a.frontier {
        for &o in &p.outcomes {
            let k = prob.issues.iter().position(|&i| i == issue).unwrap();
            let x = prob.values(o)[k].1;
            assert!(x >= lo + (hi - lo) / 2.0 - 1e-9);
        }
    }
}

#[test]
fn huge_discretisations_are_capped() {
    // One continuous issue of the built-in scenario, copied ten times.
    let mut s = detente_core::builtin::muscat();
    s.issues.truncate(1);
    s.stances.retain(|st| st.issue == 0);
    s.events.clear();
    s.outcomes = Default::default();
    let base = s.issues[0].clone();
    let party = s.parties().next().unwrap();
    let stance = s
        .stances
        .iter()
        .find(|st| st.actor == party)
        .unwrap()
        .clone();
    for k in 0..9 {
        let mut is = base.clone();
        is.id = format!("extra{k}");
        s.issues.push(is);
        let mut st = stance.clone();
        st.issue = s.issues.len() - 1;
        s.stances.push(st);
    }
    let p = ScenarioProblem::from_scenario(&s, 11).unwrap();
    assert!(p.domain.space.cardinality() <= detente_negotiate::scenario::MAX_OUTCOMES);
    assert!(p.domain.space.cardinality() >= 3u64.pow(10));
}

#[test]
fn a_cut_off_session_is_the_start_of_the_full_one() {
    let s = detente_core::builtin::muscat();
    let prob = ScenarioProblem::from_scenario(&s, DEFAULT_STEPS).unwrap();
    for protocol in [
        ProtocolKind::Sao,
        ProtocolKind::Mediated,
        ProtocolKind::Shuttle,
    ] {
        for seed in 0..4 {
            let spec = RunSpec {
                protocol,
                seed,
                ..RunSpec::defaults_for(&s, 2)
            };
            let full = prob.run(&spec).unwrap();
            for stop in [0, 1, 3, 6, spec.rounds - 1, spec.rounds + 5] {
                let cut = prob
                    .run(&RunSpec {
                        stop: Some(stop),
                        ..spec.clone()
                    })
                    .unwrap();
                let msg = format!("{protocol:?} seed {seed} stop {stop}");
                assert!(cut.rounds <= stop.max(1).min(spec.rounds), "{msg}");
                assert_eq!(
                    cut.session.trace[..],
                    full.session.trace[..cut.session.trace.len()],
                    "{msg}"
                );
                if full.rounds <= stop {
                    assert_eq!(cut.session, full.session, "{msg}");
                } else {
                    assert_eq!(cut.agreement, None, "{msg}");
                    assert_eq!(cut.walked_away, None, "{msg}");
                    assert_eq!(cut.rounds, stop, "{msg}");
                }
            }
        }
    }
}
