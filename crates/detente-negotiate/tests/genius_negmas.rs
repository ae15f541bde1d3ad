//! Validation against NegMAS 0.16.0 on the GENIUS reference domains (GENIUS-normalised block of
//! /work/shared/data/genius/expected.json): outcome counts, frontier size and utility vectors,
//! outcomes on the frontier, and the Nash, KS, Kalai (egalitarian) and welfare points.

use std::path::PathBuf;

use detente_core::import::genius::load_folder;
use detente_negotiate::analysis::{analyze, Analysis, Point};
use detente_negotiate::Domain;
use serde_json::Value;

const TOL: f64 = 1e-9;

/// `<repo>/../shared/data/genius` (CI layout), or one level further up (git worktrees).
mod common;

fn data() -> PathBuf {
    common::genius_dir()
}

fn expected() -> Value {
    let text = std::fs::read_to_string(data().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("valid json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn close(a: &[f64], b: &Value) -> bool {
    let b = b.as_array().expect("array");
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - f(y)).abs() <= TOL)
}

fn outcome_matches(d: &Domain, p: &Point, want: &Value) -> bool {
    let want = want.as_object().expect("outcome object");
    d.space.labels(p.outcome).iter().all(|(issue, label)| {
        want.get(*issue)
            .map(|v| match v {
                Value::String(s) => s == label,
                other => label.parse::<i64>().ok() == other.as_i64(),
            })
            .unwrap_or(false)
    })
}

fn check_point(name: &str, what: &str, d: &Domain, got: &Option<Point>, exp: &Value) {
    let got = got
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: no {what} point"));
    let mut options = vec![exp.clone()];
    if let Some(ties) = exp.get("ties").and_then(Value::as_array) {
        options.extend(ties.iter().cloned());
    }
    let ok = options
        .iter()
        .any(|o| close(&got.utilities, &o["utilities"]) && outcome_matches(d, got, &o["outcome"]));
    assert!(
        ok,
        "{name}: {what} got {:?} ({}), expected {}",
        got.utilities,
        d.space.describe(got.outcome),
        exp
    );
}

fn run(name: &str) -> (Domain, Analysis) {
    let (g, _warnings) = load_folder(&data().join(name)).expect("loads");
    let exp = expected();
    let e = &exp["domains"][name];
    let files: Vec<&str> = g.profile_files();
    let want: Vec<&str> = e["files"]["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(files, want, "{name}: party order");
    assert_eq!(g.domain_file, e["files"]["domain"].as_str().unwrap());
    let d = Domain::from_genius(&g).expect("domain");
    let a = analyze(&d);
    let gn = &e["genius_normalized"];
    assert_eq!(
        a.outcomes,
        e["outcomes"].as_u64().unwrap(),
        "{name}: outcomes"
    );
    for (i, r) in gn["ranges"].as_array().unwrap().iter().enumerate() {
        assert!(
            close(&a.ranges[i], r),
            "{name}: range {i} {:?} vs {r}",
            a.ranges[i]
        );
    }
    assert!(
        close(&a.reservations, &e["reservation"]),
        "{name}: reservation"
    );
    let p = &gn["pareto"];
    assert_eq!(
        a.frontier.len() as u64,
        p["size"].as_u64().unwrap(),
        "{name}: frontier size"
    );
    assert_eq!(
        a.outcomes_on_frontier() as u64,
        p["outcomes_on_frontier"].as_u64().unwrap(),
        "{name}: outcomes on frontier"
    );
    assert_eq!(
        a.frontier_all_size as u64,
        p["pareto_all_size"].as_u64().unwrap(),
        "{name}: frontier without rationality filter"
    );
    for (got, want) in a.frontier.iter().zip(p["utilities"].as_array().unwrap()) {
        assert!(
            close(&got.utilities, want),
            "{name}: frontier {:?} vs {want}",
            got.utilities
        );
    }
    check_point(name, "nash", &d, &a.nash, &gn["nash"]);
    check_point(name, "ks", &d, &a.kalai_smorodinsky, &gn["ks"]);
    check_point(name, "kalai", &d, &a.egalitarian, &gn["kalai"]);
    check_point(name, "welfare", &d, &a.utilitarian, &gn["welfare"]);
    (d, a)
}

#[test]
fn laptop_a() {
    run("LaptopA");
}
#[test]
fn rental_house_c() {
    run("RentalHouseC");
}
#[test]
fn integer_domain() {
    run("IntegerDomain");
}
#[test]
fn itex_vs_cypress() {
    run("ItexvsCypress");
}
#[test]
fn england_zimbabwe() {
    run("EnglandZimbabwe");
}
#[test]
fn amsterdam_b() {
    run("AmsterdamB");
}
#[test]
fn smart_phone() {
    run("SmartPhone");
}
#[test]
fn travel() {
    run("Travel");
}

#[test]
fn every_domain_in_the_folder_is_covered() {
    let exp = expected();
    let names: Vec<&String> = exp["domains"].as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 8);
}
