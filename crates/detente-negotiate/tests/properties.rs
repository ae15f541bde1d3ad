//! Property tests: frontier invariants, Nash on the frontier, hard-liners, symmetry.

use detente_negotiate::analysis::{analyze, pareto_frontier};
use detente_negotiate::protocol::{Protocol, Sao};
use detente_negotiate::strategy::{HardLiner, Strategy as Negotiator};
use detente_negotiate::{AdditiveUtility, Domain, Issue, OutcomeSpace};
use proptest::prelude::*;

fn opts(n: usize) -> Vec<String> {
    (0..n).map(|k| k.to_string()).collect()
}

/// Discrete issues `i0`, `i1`, … with `sizes[k]` options each.
fn space_of(sizes: &[usize]) -> OutcomeSpace {
    let issues = sizes
        .iter()
        .enumerate()
        .map(|(k, &s)| Issue::discrete(format!("i{k}"), opts(s)))
        .collect();
    OutcomeSpace::new(issues).unwrap()
}

/// A random domain: `sizes` options per issue, `parties` random additive utilities.
fn domain_strategy(parties: usize) -> impl Strategy<Value = Domain> {
    prop::collection::vec(1usize..5, 1..4)
        .prop_flat_map(move |sizes| {
            let evals = sizes
                .iter()
                .map(|&s| prop::collection::vec(0u8..5, s))
                .collect::<Vec<_>>();
            let one = (prop::collection::vec(1u8..5, sizes.len()), evals, 0u8..3);
            (Just(sizes), prop::collection::vec(one, parties))
        })
        .prop_map(|(sizes, ps)| {
            let space = space_of(&sizes);
            let utilities = ps
                .into_iter()
                .map(|(w, ev, r)| {
                    AdditiveUtility::new(
                        w.iter().map(|&x| x as f64 / 4.0).collect(),
                        ev.iter()
                            .map(|e| e.iter().map(|&x| x as f64 / 4.0).collect())
                            .collect(),
                    )
                    .with_reservation(r as f64 / 4.0)
                })
                .collect::<Vec<_>>();
            let names = (0..utilities.len()).map(|k| format!("p{k}")).collect();
            Domain::new(space, names, utilities).unwrap()
        })
}

fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

proptest! {
    #[test]
    fn frontier_is_exact(d in (2usize..4).prop_flat_map(domain_strategy)) {
        let cols = d.utility_columns();
        let res: Vec<f64> = d.utilities.iter().map(|u| u.reservation).collect();
        let f = pareto_frontier(&cols, Some(&res));
        for p in &f {
            for q in &f {
                prop_assert!(!dominates(&p.utilities, &q.utilities));
            }
        }
        let on: std::collections::HashSet<u64> = f.iter().flat_map(|p| p.outcomes.clone()).collect();
        for o in 0..cols[0].len() {
            let u: Vec<f64> = cols.iter().map(|c| c[o]).collect();
            let rational = u.iter().zip(&res).all(|(x, r)| x >= r);
            if rational && !on.contains(&(o as u64)) {
                prop_assert!(f.iter().any(|p| dominates(&p.utilities, &u)), "outcome {o} {u:?} not dominated");
            }
            if on.contains(&(o as u64)) {
                prop_assert!(rational);
            }
        }
    }

    #[test]
    fn nash_lies_on_the_frontier(d in domain_strategy(2)) {
        let a = analyze(&d);
        if let Some(n) = &a.nash {
            prop_assert!(a.frontier.iter().any(|p| p.utilities == n.utilities && p.outcomes.contains(&n.outcome)));
        } else {
            prop_assert!(a.frontier.is_empty());
        }
    }

    #[test]
    fn two_hardliners_agree_only_on_a_common_best(d in domain_strategy(2)) {
        let mut parties: Vec<Box<dyn Negotiator>> = vec![Box::new(HardLiner), Box::new(HardLiner)];
        let s = Sao::new(20).run(&d, &mut parties);
        if let Some(o) = s.agreement {
            for u in &d.utilities {
                let best = u.all_utilities(&d.space).into_iter().fold(f64::NEG_INFINITY, f64::max);
                prop_assert_eq!(u.eval(&d.space, o), best);
            }
        }
    }

    #[test]
    fn symmetric_domains_give_symmetric_results(
        f in prop::collection::vec(0u8..9, 1..5),
        g in prop::collection::vec(0u8..9, 1..5),
        w in (1u8..9, 1u8..9),
        r in 0u8..4,
    ) {
        // two issues with the same options; u2(a, b) = u1(b, a)
        let n = f.len().min(g.len());
        let f: Vec<f64> = f[..n].iter().map(|&x| x as f64 / 8.0).collect();
        let g: Vec<f64> = g[..n].iter().map(|&x| x as f64 / 8.0).collect();
        let (w1, w2) = (w.0 as f64 / 8.0, w.1 as f64 / 8.0);
        let space = OutcomeSpace::new(vec![Issue::discrete("a", opts(n)), Issue::discrete("b", opts(n))]).unwrap();
        let r = r as f64 / 8.0;
        let u1 = AdditiveUtility::new(vec![w1, w2], vec![f.clone(), g.clone()]).with_reservation(r);
        let u2 = AdditiveUtility::new(vec![w2, w1], vec![g, f]).with_reservation(r);
        let d = Domain::new(space, vec!["x".into(), "y".into()], vec![u1, u2]).unwrap();
        let a = analyze(&d);
        prop_assert_eq!(a.ranges[0], a.ranges[1]);
        for p in &a.frontier {
            let mirror = vec![p.utilities[1], p.utilities[0]];
            prop_assert!(a.frontier.iter().any(|q| q.utilities == mirror));
        }
        if let Some(nash) = &a.nash {
            let mirror = vec![nash.utilities[1], nash.utilities[0]];
            prop_assert!(a.frontier.iter().any(|q| q.utilities == mirror));
            let prod = |u: &[f64]| (u[0] - a.disagreement[0]) * (u[1] - a.disagreement[1]);
            prop_assert_eq!(prod(&nash.utilities), prod(&mirror));
        }
        if let Some(ut) = &a.utilitarian {
            prop_assert!(a.frontier.iter().any(|q| q.utilities == vec![ut.utilities[1], ut.utilities[0]]));
        }
    }
}

/// The reference ranking: every outcome sorted by utility descending, then outcome ascending.
fn full_ranking(space: &OutcomeSpace, u: &AdditiveUtility) -> Vec<(f64, u64)> {
    let all = u.all_utilities(space);
    let mut items: Vec<(f64, u64)> = all
        .iter()
        .enumerate()
        .map(|(o, &v)| (v, o as u64))
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    items
}

proptest! {
    /// The lazily sorted ranking answers every query, in any order, as a full sort would.
    #[test]
    fn lazy_ranking_agrees_with_a_full_sort(
        sizes in prop::collection::vec(1usize..12, 1..5),
        seed in any::<u64>(),
        queries in prop::collection::vec((any::<bool>(), 0.0f64..1.2), 1..20),
    ) {
        use detente_negotiate::protocol::Ranked;
        let space = space_of(&sizes);
        // few distinct evaluation levels, so that ties are common
        let mut x = seed;
        let mut next = || { x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (x >> 60) as f64 / 16.0 };
        let weights: Vec<f64> = sizes.iter().map(|_| 1.0 / sizes.len() as f64).collect();
        let evals: Vec<Vec<f64>> = sizes.iter().map(|&s| (0..s).map(|_| next()).collect()).collect();
        let mut u = AdditiveUtility::new(weights, evals);
        u.vetoed = sizes.iter().map(|&s| (0..s).map(|_| next() > 0.9).collect()).collect();
        let reference = full_ranking(&space, &u);
        let ranked = Ranked::new(&space, &u);
        prop_assert_eq!(ranked.len(), reference.len());
        let worst = reference.iter().rev().find(|x| x.0.is_finite()).map(|x| x.0).unwrap_or(f64::NEG_INFINITY);
        prop_assert_eq!(ranked.worst(), worst);
        for (by_index, t) in queries {
            if by_index {
                let k = ((t / 1.2) * reference.len() as f64) as usize % reference.len();
                prop_assert_eq!(ranked.get(k), reference[k]);
            } else {
                let count = reference.partition_point(|x| x.0 >= t);
                prop_assert_eq!(ranked.count_at_least(t), count);
                prop_assert_eq!(ranked.at_least(t), reference[count.saturating_sub(1)]);
            }
        }
        prop_assert_eq!(ranked.best(), reference[0]);
    }
}
