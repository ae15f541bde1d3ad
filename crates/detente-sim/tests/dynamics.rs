//! The strategic dynamics' properties (issue "Strategic dynamics"): each test would fail on a
//! simulation that ignores power, coercion, time, stakeholders or red lines.

use detente_core::format::{parse_toml, to_toml};
use detente_core::Scenario;
use detente_sim::{apply_sets, simulate, Class, Params, SimConfig, SimResult};

fn sim(s: &Scenario, runs: usize) -> SimResult {
    let cfg = SimConfig {
        runs,
        seed: 7,
        threads: Some(2),
        protocol: None,
        params: Params::default(),
    };
    simulate(s, &cfg, &|| {}).expect("simulates")
}

fn set(s: &Scenario, sets: &[&str]) -> Scenario {
    let v: Vec<String> = sets.iter().map(|x| x.to_string()).collect();
    apply_sets(s, &v).expect("valid --set")
}

fn muscat() -> Scenario {
    detente_core::builtin::muscat()
}

/// Two parties 0 and 1 on three issues, far apart, with a coercive option for `a`.
fn duel(extra: &str) -> Scenario {
    let text = format!(
        r#"
format = 1
[meta]
title = "duel"
[[actors]]
id = "a"
role = "party"
capability = 1.0
batna = 0.3
discount = 0.95
war_cost = 0.3
[[actors]]
id = "b"
role = "party"
capability = 1.0
batna = 0.3
discount = 0.95
[[issues]]
id = "x"
min = 0
max = 100
status_quo = 50
[[issues]]
id = "y"
min = 0
max = 100
status_quo = 50
[[issues]]
id = "z"
options = ["low", "mid", "high"]
status_quo = "mid"
[[positions]]
actor = "a"
issue = "x"
position = 0
salience = 1.0
[[positions]]
actor = "b"
issue = "x"
position = 100
salience = 1.0
[[positions]]
actor = "a"
issue = "y"
position = 0
salience = 0.6
[[positions]]
actor = "b"
issue = "y"
position = 100
salience = 0.6
[[positions]]
actor = "a"
issue = "z"
position = "low"
salience = 0.5
[[positions]]
actor = "b"
issue = "z"
position = "high"
salience = 0.5
[protocol]
rounds = 10
{extra}
"#
    );
    parse_toml(&text, "duel.toml").expect("valid duel").0
}

#[test]
fn power_moves_deal_and_breakdown_in_the_documented_direction() {
    let base = muscat();
    let weak_iran = sim(&set(&base, &["actors.iran.capability=0.2"]), 2000);
    let strong_iran = sim(&set(&base, &["actors.iran.capability=1.0"]), 2000);
    // A weaker Iran makes US coercion more attractive: more breakdown, fewer deals.
    assert!(
        weak_iran.p(Class::Breakdown) > strong_iran.p(Class::Breakdown) + 0.05,
        "{} vs {}",
        weak_iran.p(Class::Breakdown),
        strong_iran.p(Class::Breakdown)
    );
    assert!(weak_iran.p(Class::Deal) < strong_iran.p(Class::Deal) - 0.05);
    // A stronger threatener (the US) breaks down more often.
    let strong_us = sim(&set(&base, &["actors.usa.capability=2.0"]), 2000);
    let weak_us = sim(&set(&base, &["actors.usa.capability=0.4"]), 2000);
    assert!(strong_us.p(Class::Breakdown) > weak_us.p(Class::Breakdown) + 0.05);
}

#[test]
fn reordering_actors_changes_no_probability_beyond_its_interval() {
    let base = muscat();
    let mut t: toml::Table = to_toml(&base).parse().expect("toml");
    if let Some(toml::Value::Array(a)) = t.get_mut("actors") {
        a.reverse();
    }
    let reordered = parse_toml(&toml::to_string(&t).expect("toml"), "reordered")
        .expect("valid")
        .0;
    assert_ne!(reordered.actors[0].id, base.actors[0].id);
    let n = 4000;
    let a = sim(&base, n);
    let b = sim(&reordered, n);
    for c in Class::ALL {
        let (pa, pb) = (a.p(c), b.p(c));
        let p = 0.5 * (pa + pb);
        let half = 1.96 * (2.0 * p * (1.0 - p) / n as f64).sqrt() + 0.005;
        assert!((pa - pb).abs() <= half, "{c:?}: {pa} vs {pb} (±{half})");
    }
}

#[test]
fn breakdown_rises_with_the_threateners_power_and_falls_with_its_war_cost() {
    let threat = "[[threats]]\nid = \"ultimatum\"\nby = \"a\"\nagainst = \"b\"\nstalled = 2\ncredibility = 0.8\n";
    let base = duel(threat);
    let cheap = sim(&set(&base, &["actors.a.war_cost=0.05"]), 1500);
    let dear = sim(&set(&base, &["actors.a.war_cost=0.6"]), 1500);
    assert!(
        cheap.p(Class::Breakdown) > dear.p(Class::Breakdown) + 0.1,
        "{} vs {}",
        cheap.p(Class::Breakdown),
        dear.p(Class::Breakdown)
    );
    let strong = sim(&set(&base, &["actors.a.capability=4"]), 1500);
    let weak = sim(&set(&base, &["actors.a.capability=0.25"]), 1500);
    assert!(strong.p(Class::Breakdown) > weak.p(Class::Breakdown) + 0.1);
}

#[test]
fn a_short_window_lowers_the_chance_of_a_deal() {
    let base = duel("");
    let long = sim(&base, 1000);
    let one = sim(&set(&base, &["protocol.rounds=1"]), 1000);
    assert!(long.p(Class::Deal) > 0.5, "{}", long.p(Class::Deal));
    assert!(one.p(Class::Deal) < long.p(Class::Deal) - 0.3);
    // Deals do not all fall in the last round of whatever window is given.
    let longer = sim(&set(&base, &["protocol.rounds=30"]), 1000);
    let (m10, m30) = (long.mean_rounds.unwrap(), longer.mean_rounds.unwrap());
    assert!((m30 - m10).abs() < 2.0, "{m10} vs {m30}");
    assert!(m30 < 20.0);
}

#[test]
fn incompatible_red_lines_give_stalemate_with_costly_war_and_breakdown_with_cheap_war() {
    // Every issue has incompatible red lines: nothing can be settled.
    let mut s = duel("");
    for st in &mut s.stances {
        let (lo, hi) = if st.actor == 0 {
            (None, Some(10.0f64.min(s.issues[st.issue].range().1 / 10.0)))
        } else {
            (Some(s.issues[st.issue].range().1 * 0.9), None)
        };
        st.red_line = Some(detente_core::RedLine { min: lo, max: hi });
    }
    let costly = sim(&set(&s, &["actors.a.war_cost=0.9"]), 1000);
    assert!(costly.p(Class::Stalemate) > 0.9, "{:?}", costly.outcomes);
    let cheap = sim(&set(&s, &["actors.a.war_cost=0.0"]), 1000);
    assert!(cheap.p(Class::Breakdown) > 0.9, "{:?}", cheap.outcomes);
    assert!(cheap.causes.iter().any(|(c, _)| c == "escalation:a"));
}

#[test]
fn a_red_line_overlap_narrower_than_any_grid_step_is_found() {
    let mut s = duel("");
    // On x (grid step 100/12), a accepts at most 31, b at least 30.5.
    for st in s.stances.iter_mut().filter(|st| st.issue == 0) {
        st.red_line = Some(if st.actor == 0 {
            detente_core::RedLine {
                min: None,
                max: Some(31.0),
            }
        } else {
            detente_core::RedLine {
                min: Some(30.5),
                max: None,
            }
        });
    }
    let r = sim(&s, 500);
    assert!(r.p(Class::Deal) > 0.3, "{:?}", r.outcomes);
    let x = r.issues[0].mean.expect("settled");
    assert!((30.5..=31.0).contains(&x), "{x}");
}

#[test]
fn removing_the_mediator_changes_the_shuttle_result() {
    let base = muscat();
    let mut direct = base.clone();
    direct.protocol.mediator = None;
    direct.protocol.indirect = false;
    direct.protocol.direct_from_round = None;
    for a in &mut direct.actors {
        if a.id == "oman" {
            a.role = detente_core::Role::Stakeholder;
        }
    }
    let a = sim(&base, 2000);
    let b = sim(&direct, 2000);
    assert_ne!(a.outcomes, b.outcomes);
}

#[test]
fn stakeholders_and_their_pressure_act_every_round() {
    let base = muscat();
    let a = sim(&base, 1000);
    // Israel's pull on Washington: positions, saliences and capability all reach the result.
    for change in [
        "actors.israel.capability=1.5",
        "positions.israel.enrichment_level.salience=0.1",
        "actors.israel.spoiler=1.0",
        "actors.gulf.capability=1.0",
    ] {
        let b = sim(&set(&base, &[change]), 1000);
        assert_ne!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "{change} had no effect"
        );
    }
}

#[test]
fn by_round_is_cumulative_and_ends_at_the_outcomes() {
    let r = sim(&muscat(), 500);
    let last = r.by_round.last().expect("rounds");
    for c in Class::ALL {
        let v = match c {
            Class::Deal => last.deal,
            Class::Interim => last.interim,
            Class::Stalemate => last.stalemate,
            Class::Breakdown => last.breakdown,
        };
        assert!((v - r.p(c)).abs() < 1e-12);
    }
    for w in r.by_round.windows(2) {
        assert!(w[1].deal >= w[0].deal && w[1].breakdown >= w[0].breakdown);
    }
    let causes: f64 = r.causes.iter().map(|(_, s)| s.p).sum();
    assert!((causes - r.p(Class::Breakdown)).abs() < 1e-12);
}

#[test]
fn every_input_acts_on_the_simulation_or_is_flagged_by_validation() {
    let base = muscat();
    assert_eq!(
        detente_core::validate::validate(&base).warnings().count(),
        0
    );
    let reference = serde_json::to_string(&sim(&base, 400)).unwrap();
    let mut paths: Vec<String> = Vec::new();
    for a in &base.actors {
        let risk = if a.risk.is_some_and(|r| r.value < 0.0) {
            "0.9"
        } else {
            "-0.9"
        };
        for (field, value) in [
            ("capability", "0.9"),
            ("risk", risk),
            ("batna", "0.9"),
            ("discount", "0.5"),
            ("war_cost", "0.01"),
            ("spoiler", "1.0"),
        ] {
            paths.push(format!("actors.{}.{field}={value}", a.id));
        }
    }
    for st in &base.stances {
        let (a, i) = (&base.actors[st.actor].id, &base.issues[st.issue]);
        let (lo, hi) = i.range();
        let far = if st.position.value - lo > hi - st.position.value {
            lo
        } else {
            hi
        };
        paths.push(format!("positions.{a}.{}.position={far}", i.id));
        let sal = if st.salience.value > 0.5 { 0.05 } else { 1.0 };
        paths.push(format!("positions.{a}.{}.salience={sal}", i.id));
    }
    for i in &base.issues {
        let (lo, hi) = i.range();
        let far = if i.status_quo.value - lo > hi - i.status_quo.value {
            lo
        } else {
            hi
        };
        paths.push(format!("issues.{}.status_quo={far}", i.id));
    }
    for e in &base.events {
        let p = if e.probability.value > 0.5 { 0.0 } else { 1.0 };
        paths.push(format!("events.{}.probability={p}", e.id));
    }
    for t in &base.threats {
        paths.push(format!("threats.{}.credibility=1.0", t.id));
        paths.push(format!("threats.{}.stalled=1", t.id));
    }
    paths.extend(
        [
            "protocol.rounds=3",
            "protocol.indirect=false",
            "protocol.direct_from_round=8",
            "protocol.deadline=2026-03-01",
        ]
        .map(String::from),
    );
    let mut silent = Vec::new();
    for p in &paths {
        let Ok(changed) = apply_sets(&base, std::slice::from_ref(p)) else {
            continue; // a value the field does not accept is refused, not ignored
        };
        let field = p.split('=').next().unwrap();
        let out = serde_json::to_string(&sim(&changed, 400)).unwrap();
        if out != reference {
            continue;
        }
        // The built-in scenario validates without warnings, so any warning is about this change.
        let warned = detente_core::validate::validate(&changed)
            .warnings()
            .count()
            > 0;
        if !warned {
            silent.push(field.to_string());
        }
    }
    assert!(
        silent.is_empty(),
        "inputs with no effect and no warning: {silent:?}"
    );
}
