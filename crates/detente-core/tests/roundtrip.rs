//! Property: any valid scenario written as TOML reads back as the same model.

use detente_core::format::{parse_toml, to_toml};
use detente_core::*;
use proptest::prelude::*;

fn param(lo: f64, hi: f64) -> impl Strategy<Value = Param> {
    prop_oneof![
        (lo..=hi).prop_map(Param::fixed),
        (lo..=hi, lo..=hi).prop_map(|(a, b)| {
            let (l, h) = if a <= b { (a, b) } else { (b, a) };
            let d = Dist::Uniform { low: l, high: h };
            Param {
                value: d.center(),
                dist: Some(d),
            }
        }),
        (lo..=hi, lo..=hi, lo..=hi).prop_map(|(a, b, c)| {
            let mut v = [a, b, c];
            v.sort_by(f64::total_cmp);
            let d = Dist::Triangular {
                low: v[0],
                mode: v[1],
                high: v[2],
            };
            Param {
                value: d.center(),
                dist: Some(d),
            }
        }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let actors = prop::collection::vec(
        (
            0.01f64..10.0,
            prop::option::of(param(0.0, 1.0)),
            prop::option::of(0.1f64..=1.0),
            0usize..3,
        ),
        1..5,
    );
    let issues = prop::collection::vec(
        prop_oneof![
            (0.0f64..50.0, 1.0f64..50.0).prop_map(|(lo, w)| (lo, lo + w, 0usize)),
            (2usize..5).prop_map(|n| (0.0, 0.0, n))
        ],
        1..4,
    );
    (actors, issues, any::<u64>(), "[a-zA-Z ,.<>&\"'\\\\-]{0,30}").prop_map(
        |(actors, issues, seed, title)| {
            let mut s = Scenario::default();
            s.meta.title = title;
            for (k, (cap, batna, discount, role)) in actors.into_iter().enumerate() {
                let role = [Role::Party, Role::Mediator, Role::Stakeholder][role];
                let mut a = Actor::new(format!("a{k}"), format!("Actor {k}"), role, cap);
                a.batna = batna;
                a.discount = discount;
                s.actors.push(a);
            }
            for (k, (lo, hi, n)) in issues.into_iter().enumerate() {
                let issue = if n > 0 {
                    Issue::discrete(
                        format!("i{k}"),
                        (0..n).map(|o| format!("opt{o}")).collect(),
                        (seed as usize + k) % n,
                    )
                } else {
                    Issue::continuous(
                        format!("i{k}"),
                        lo,
                        hi,
                        lo + (hi - lo) * ((seed % 7) as f64 / 7.0),
                    )
                };
                s.issues.push(issue);
            }
            // Deterministic stances derived from the seed: positions inside the range, saliences in [0, 1].
            let mut z = seed;
            for a in 0..s.actors.len() {
                for i in 0..s.issues.len() {
                    z = z
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    if z >> 62 == 0 {
                        continue;
                    }
                    let (lo, hi) = s.issues[i].range();
                    let frac = ((z >> 11) % 1000) as f64 / 999.0;
                    let x = if s.issues[i].is_discrete() {
                        (frac * hi).round()
                    } else {
                        lo + frac * (hi - lo)
                    };
                    let shape = match (z >> 40) % 3 {
                        0 => Shape::Linear,
                        1 => Shape::Quadratic,
                        _ => Shape::Table(vec![(lo, 0.0), (hi, 1.0)]),
                    };
                    s.stances.push(Stance {
                        actor: a,
                        issue: i,
                        position: Param::fixed(x),
                        salience: Param::fixed(((z >> 20) % 100) as f64 / 100.0),
                        shape,
                        red_line: None,
                    });
                }
            }
            s.events.push(Event {
                id: "e".into(),
                description: "an \"event\"".into(),
                round: Some(2),
                date: None,
                probability: Param::fixed(0.25),
                escalation: seed % 2 == 0,
                effects: vec![Effect {
                    target: Target::Capability { actor: 0 },
                    amount: Param::fixed(-0.1),
                }],
            });
            s
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn model_to_toml_to_model_is_the_identity(s in scenario()) {
        let text = to_toml(&s);
        match parse_toml(&text, "roundtrip.toml") {
            Ok((back, _)) => prop_assert_eq!(back, s),
            Err(e) => prop_assert!(false, "{e:?}\n{text}"),
        }
    }
}
