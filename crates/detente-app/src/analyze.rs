//! `analyze`: the exact bargaining analysis of a negotiation — the Pareto frontier of the
//! rational outcomes, the Nash, Kalai–Smorodinsky, utilitarian and egalitarian points, the zone
//! of possible agreement and logrolls. No influence model and no randomness.

use detente_negotiate::analysis::{analyze, Analysis, Logroll, Point};
use serde_json::{json, Map, Value};

use crate::problem::Problem;

/// The analysis of `p`.
pub fn run(p: &Problem) -> Analysis {
    analyze(&p.domain)
}

/// The `analyze --json` document of `p`.
pub fn document(p: &Problem) -> Value {
    to_json(p, &run(p))
}

fn point_json(p: &Problem, pt: &Option<Point>) -> Value {
    match pt {
        Some(pt) => json!({"outcome": p.outcome_json(pt.outcome),
                           "utilities": p.utilities_json(&pt.utilities)}),
        None => Value::Null,
    }
}

/// The `analyze --json` document.
pub fn to_json(p: &Problem, a: &Analysis) -> Value {
    let points: Vec<Value> = a
        .frontier
        .iter()
        .map(|f| {
            json!({"outcome": p.outcome_json(f.outcomes[0]),
                   "utilities": p.utilities_json(&f.utilities),
                   "outcomes_count": f.outcomes.len()})
        })
        .collect();
    let logrolls: Vec<Value> = a
        .logrolls
        .iter()
        .map(|l| {
            let (ia, ib) = (&p.issue_ids[l.issue_a], &p.issue_ids[l.issue_b]);
            json!({
                "parties": [p.party_ids[l.a], p.party_ids[l.b]],
                "gives": {
                    p.party_ids[l.a].clone(): {"issue": ib, "to": p.party_ids[l.b]},
                    p.party_ids[l.b].clone(): {"issue": ia, "to": p.party_ids[l.a]},
                },
                "trade": {ia.clone(): p.option_json(l.issue_a, l.option_a), ib.clone(): p.option_json(l.issue_b, l.option_b)},
                "package": p.outcome_json(l.package),
                // A gain is null when it is unbounded: the opposite trade crosses that party's
                // red line (listed in `opposite_crosses_red_line`), so only this trade is
                // acceptable to it.
                "gains": {p.party_ids[l.a].clone(): finite(l.gain_a), p.party_ids[l.b].clone(): finite(l.gain_b)},
                "opposite_crosses_red_line": red_line_parties(p, l),
            })
        })
        .collect();
    json!({
        "outcomes": a.outcomes,
        "pareto": {"size": a.frontier.len(), "outcomes_on_frontier": a.outcomes_on_frontier(),
                   "size_without_rationality": a.frontier_all_size, "points": points},
        "nash": point_json(p, &a.nash),
        "kalai_smorodinsky": point_json(p, &a.kalai_smorodinsky),
        "utilitarian": point_json(p, &a.utilitarian),
        "egalitarian": point_json(p, &a.egalitarian),
        "zopa": {"size": a.zopa.size, "share": a.zopa.share},
        "logrolls": logrolls,
        "disagreement": p.utilities_json(&a.disagreement),
        "reservations": p.utilities_json(&a.reservations),
        "ranges": p.party_ids.iter().zip(&a.ranges).map(|(id, r)| (id.clone(), json!(r))).collect::<Map<_, _>>(),
    })
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// `[{"party": …, "issue": …}]`: whose red line the opposite trade crosses, on which issue.
fn red_line_parties(p: &Problem, l: &Logroll) -> Value {
    let mut v = Vec::new();
    if l.red_line_a() {
        v.push(json!({"party": p.party_ids[l.a], "issue": p.issue_ids[l.issue_a]}));
    }
    if l.red_line_b() {
        v.push(json!({"party": p.party_ids[l.b], "issue": p.issue_ids[l.issue_b]}));
    }
    Value::Array(v)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::problem::load_problem;
    use crate::Source;

    /// A GENIUS domain of the reference data (`../shared/data` beside the repository).
    fn genius(name: &str) -> Source {
        Source::file(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/genius")
                .join(name),
        )
    }

    /// GENIUS integer issues give their values as numbers, categorical issues as labels.
    #[test]
    fn genius_integer_values_are_numbers() {
        let doc = document(&load_problem(&genius("IntegerDomain"), 11).expect("IntegerDomain"));
        let nash = &doc["nash"]["outcome"];
        assert_eq!(nash["price"], json!(5), "{doc}");
        assert_eq!(nash["otherprice"], json!(5), "{doc}");
        let points = doc["pareto"]["points"].as_array().expect("points");
        for v in points
            .iter()
            .flat_map(|p| p["outcome"].as_object().expect("o").values())
        {
            assert!(v.is_i64(), "{v}");
        }
        let doc = document(&load_problem(&genius("LaptopA"), 11).expect("LaptopA"));
        for v in doc["nash"]["outcome"]
            .as_object()
            .expect("outcome")
            .values()
        {
            assert!(v.is_string(), "{v}");
        }
    }

    /// A scenario's continuous issues give numbers, its discrete issues labels.
    #[test]
    fn scenario_values_are_numbers_on_continuous_issues_only() {
        let p = load_problem(&Source::default(), 5).expect("muscat");
        let doc = document(&p);
        let s = detente_core::builtin::muscat();
        for (id, v) in doc["nash"]["outcome"].as_object().expect("outcome") {
            let issue = s.issues.iter().find(|i| i.id == *id).expect("issue");
            assert_eq!(v.is_number(), !issue.is_discrete(), "{id}: {v}");
        }
    }
}
