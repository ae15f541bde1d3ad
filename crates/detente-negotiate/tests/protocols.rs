//! Protocol sessions on GENIUS domains: agreements are rational, traces are well formed, shuttle
//! talks go through the mediator, runs are reproducible.

use std::path::PathBuf;

use detente_core::import::genius::load_folder;
use detente_negotiate::protocol::{
    Actor, Kind, MediatedProtocol, Protocol, Sao, Shuttle, SingleText,
};
use detente_negotiate::strategy::{by_name, LearningMediator, Strategy, TimeDependent};
use detente_negotiate::Domain;

mod common;

fn data(name: &str) -> PathBuf {
    common::genius_dir().join(name)
}

fn domain(name: &str) -> Domain {
    let (g, _) = load_folder(&data(name)).expect("loads");
    Domain::from_genius(&g).expect("domain")
}

fn pair(a: &str, b: &str, seed: u64) -> Vec<Box<dyn Strategy>> {
    vec![by_name(a, seed).unwrap(), by_name(b, seed + 1).unwrap()]
}

#[test]
fn boulware_vs_conceder_agrees_rationally() {
    for name in ["LaptopA", "ItexvsCypress"] {
        let d = domain(name);
        let s = Sao::new(100).run(&d, &mut pair("boulware", "conceder", 1));
        let o = s
            .agreement
            .unwrap_or_else(|| panic!("{name}: no agreement"));
        for (i, u) in d.utilities.iter().enumerate() {
            assert!(
                u.eval(&d.space, o) >= u.reservation,
                "{name}: party {i} irrational"
            );
        }
        assert!(s.rounds <= 100);
        // the last two messages: the offer and its acceptance
        let last = s.trace.last().unwrap();
        assert_eq!(last.kind, Kind::Accept);
        assert_eq!(last.outcome, Some(o));
        // Boulware concedes later: it ends no worse off (relative to its range) than the conceder
        assert!(
            s.utilities[0] >= s.utilities[1] - 0.2,
            "{name}: {:?}",
            s.utilities
        );
    }
}

#[test]
fn hardliners_never_agree_on_opposed_domain() {
    let d = domain("ItexvsCypress");
    let s = Sao::new(50).run(&d, &mut pair("hardliner", "hardliner", 0));
    assert_eq!(s.agreement, None);
    assert_eq!(
        s.utilities,
        vec![d.utilities[0].reservation, d.utilities[1].reservation]
    );
}

#[test]
fn every_strategy_pair_runs_and_is_deterministic() {
    let d = domain("LaptopA");
    let names = detente_negotiate::strategy::STRATEGY_NAMES;
    for a in names {
        for b in names {
            let s1 = Sao::new(40).run(&d, &mut pair(a, b, 7));
            let s2 = Sao::new(40).run(&d, &mut pair(a, b, 7));
            assert_eq!(s1, s2, "{a} vs {b}");
            if let Some(o) = s1.agreement {
                for u in &d.utilities {
                    assert!(u.eval(&d.space, o) >= u.reservation, "{a} vs {b}");
                }
            }
        }
    }
}

#[test]
fn shuttle_messages_go_through_the_mediator_until_direct_talks() {
    let d = domain("ItexvsCypress");
    let mut proto = Shuttle::new(60);
    proto.direct_from = Some(30);
    let mut parties = pair("boulware", "boulware", 3);
    let mut m = LearningMediator::new(3);
    let s = proto.run(&d, &mut parties, &mut m);
    assert!(!s.trace.is_empty());
    for msg in &s.trace {
        if msg.round < 30 {
            assert!(
                msg.from == Actor::Mediator || msg.to == Actor::Mediator,
                "party-to-party message before direct talks: {msg:?}"
            );
        }
    }
    let s2 = proto.run(
        &d,
        &mut pair("boulware", "boulware", 3),
        &mut LearningMediator::new(3),
    );
    assert_eq!(s, s2);
    // without direct talks, no message is ever party to party
    let s3 = Shuttle::new(60).run(
        &d,
        &mut pair("conceder", "boulware", 3),
        &mut LearningMediator::new(5),
    );
    assert!(s3
        .trace
        .iter()
        .all(|m| m.from == Actor::Mediator || m.to == Actor::Mediator));
    assert!(s3.agreement.is_some());
}

#[test]
fn shuttle_bridges_with_proposals() {
    let d = domain("EnglandZimbabwe");
    let s = Shuttle::new(30).run(
        &d,
        &mut pair("hardliner", "boulware", 1),
        &mut LearningMediator::new(1),
    );
    assert!(s
        .trace
        .iter()
        .any(|m| m.kind == Kind::Proposal && m.from == Actor::Mediator));
}

#[test]
fn single_text_climbs_for_everyone() {
    let d = domain("ItexvsCypress");
    let s = SingleText::new(200).run(
        &d,
        &mut pair("linear", "linear", 2),
        &mut LearningMediator::new(2),
    );
    let first = s.trace[0].outcome.unwrap();
    let last_text = s
        .trace
        .iter()
        .rev()
        .find(|m| m.kind == Kind::Proposal)
        .unwrap()
        .outcome
        .unwrap();
    for u in &d.utilities {
        assert!(u.eval(&d.space, last_text) >= u.eval(&d.space, first));
    }
    assert!(s.agreement.is_some());
}

#[test]
fn a_party_walks_away_when_time_is_up_and_offers_are_below_its_batna() {
    let mut d = domain("LaptopA");
    d.utilities[1].reservation = 2.0; // above every outcome
    let mut parties: Vec<Box<dyn Strategy>> = vec![
        Box::new(TimeDependent::boulware()),
        Box::new(TimeDependent::linear()),
    ];
    let s = Sao::new(10).run(&d, &mut parties);
    assert_eq!(s.agreement, None);
    assert_eq!(s.walked_away, Some(1));
    assert_eq!(s.trace.last().unwrap().kind, Kind::WalkAway);
}

#[test]
fn shuttle_reframes_and_agreements_stay_rational() {
    let d = domain("ItexvsCypress");
    let mut reframed = 0;
    for seed in 0..8 {
        for (a, b) in [
            ("boulware", "conceder"),
            ("linear", "micro"),
            ("tit-for-tat", "boulware"),
        ] {
            let s =
                Shuttle::new(80).run(&d, &mut pair(a, b, seed), &mut LearningMediator::new(seed));
            if let Some(o) = s.agreement {
                for u in &d.utilities {
                    assert!(u.eval(&d.space, o) >= u.reservation, "{a} vs {b}");
                }
            }
            for w in s.trace.windows(2) {
                if w[0].kind == Kind::Offer
                    && w[1].kind == Kind::Relay
                    && w[0].outcome != w[1].outcome
                {
                    reframed += 1;
                }
            }
        }
    }
    assert!(reframed > 0, "the mediator never reframed an offer");
    // with reframing off, relays pass offers on unchanged
    let mut m = LearningMediator::new(1);
    m.reframing = false;
    let s = Shuttle::new(80).run(&d, &mut pair("boulware", "conceder", 1), &mut m);
    for w in s.trace.windows(2) {
        if w[0].kind == Kind::Offer && w[1].kind == Kind::Relay {
            assert_eq!(w[0].outcome, w[1].outcome);
        }
    }
}

#[test]
fn sao_with_three_parties_needs_everyone() {
    use detente_negotiate::{AdditiveUtility, Issue, OutcomeSpace};
    let opts = |n: usize| (0..n).map(|k| k.to_string()).collect::<Vec<_>>();
    let space = OutcomeSpace::new(vec![
        Issue::discrete("a", opts(4)),
        Issue::discrete("b", opts(4)),
    ])
    .unwrap();
    let up = vec![0.0, 0.4, 0.7, 1.0];
    let down = vec![1.0, 0.7, 0.4, 0.0];
    let mid = vec![0.2, 1.0, 1.0, 0.2];
    let d = Domain::new(
        space,
        vec!["x".into(), "y".into(), "z".into()],
        vec![
            AdditiveUtility::new(vec![0.5, 0.5], vec![up.clone(), down.clone()])
                .with_reservation(0.3),
            AdditiveUtility::new(vec![0.5, 0.5], vec![down.clone(), up.clone()])
                .with_reservation(0.3),
            AdditiveUtility::new(vec![0.5, 0.5], vec![mid.clone(), mid]).with_reservation(0.3),
        ],
    )
    .unwrap();
    let mut parties: Vec<Box<dyn Strategy>> = vec![
        by_name("conceder", 0).unwrap(),
        by_name("linear", 0).unwrap(),
        by_name("boulware", 0).unwrap(),
    ];
    let s = Sao::new(60).run(&d, &mut parties);
    let o = s.agreement.expect("three concession strategies agree");
    for u in &d.utilities {
        assert!(u.eval(&d.space, o) >= u.reservation);
    }
    // the agreed offer was accepted by both other parties
    let n = s.trace.len();
    assert_eq!(s.trace[n - 1].kind, Kind::Accept);
    assert_eq!(s.trace[n - 2].kind, Kind::Accept);
    assert_ne!(s.trace[n - 1].from, s.trace[n - 2].from);
}
