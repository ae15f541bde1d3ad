//! `detente analyze` and `detente negotiate` on a GENIUS folder and on the built-in scenario.

mod common;

use common::{detente, json_of, shared};

fn genius(name: &str) -> String {
    shared(&format!("genius/{name}"))
}

#[test]
fn analyze_genius_folder_matches_the_reference() {
    let v = json_of(&["analyze", &genius("RentalHouseC")]);
    assert_eq!(v["outcomes"], 60);
    assert_eq!(v["pareto"]["size"], 11);
    let points = v["pareto"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 11);
    for p in points {
        assert_eq!(p["utilities"].as_object().unwrap().len(), 2);
        assert_eq!(p["outcome"].as_object().unwrap().len(), 4);
    }
    let nash = &v["nash"];
    assert_eq!(nash["outcome"]["price"], "40000yen");
    let u: Vec<f64> = nash["utilities"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(
        (u[0] - 0.8).abs() < 1e-9 && (u[1] - 0.7416666666666667).abs() < 1e-9,
        "{u:?}"
    );
    for k in ["kalai_smorodinsky", "utilitarian"] {
        assert!(v[k]["outcome"].is_object(), "{k}");
    }
    assert!(v["zopa"]["size"].as_u64().is_some());
    assert!(v["logrolls"].is_array());
}

/// A GENIUS integer issue's values are numbers in the documents (as a continuous issue's);
/// categorical values stay labels.
#[test]
fn genius_integer_values_are_numbers() {
    let v = json_of(&["analyze", &genius("IntegerDomain")]);
    assert_eq!(v["nash"]["outcome"]["price"], 5, "{v}");
    assert_eq!(v["nash"]["outcome"]["otherprice"], 5, "{v}");
    for p in v["pareto"]["points"].as_array().unwrap() {
        for x in p["outcome"].as_object().unwrap().values() {
            assert!(x.is_i64(), "{x}");
        }
    }
    let n = json_of(&["negotiate", &genius("IntegerDomain")]);
    let offers = n["trace"].as_array().unwrap();
    let valued: Vec<_> = offers.iter().filter(|m| m["outcome"].is_object()).collect();
    assert!(!valued.is_empty());
    for m in valued {
        for x in m["outcome"].as_object().unwrap().values() {
            let x = x.as_i64().unwrap_or_else(|| panic!("{m}"));
            assert!((-5..=5).contains(&x), "{m}");
        }
    }
    let v = json_of(&["analyze", &genius("LaptopA")]);
    for x in v["nash"]["outcome"].as_object().unwrap().values() {
        assert!(x.is_string(), "{x}");
    }
}

#[test]
fn analyze_builtin_scenario_in_tables() {
    let out = detente().arg("analyze").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("Nash") && text.contains("Pareto frontier"),
        "{text}"
    );
    let v = json_of(&["analyze"]);
    assert!(v["pareto"]["size"].as_u64().unwrap() >= 1);
}

#[test]
fn negotiate_builtin_defaults_to_shuttle_through_the_mediator() {
    let v = json_of(&["negotiate"]);
    assert_eq!(v["protocol"], "shuttle");
    let trace = v["trace"].as_array().unwrap();
    assert!(!trace.is_empty());
    let mediator = "oman";
    // The built-in scenario allows direct talks from scenario round 5 (`direct_from_round`),
    // i.e. protocol round 8 (two protocol rounds per scenario round, counted from 0).
    let direct_from = 8;
    for m in trace {
        for k in ["round", "from", "to", "kind", "outcome"] {
            assert!(m.get(k).is_some(), "{m}");
        }
        if m["round"].as_u64().unwrap() < direct_from {
            assert!(m["from"] == mediator || m["to"] == mediator, "{m}");
        }
        let kind = m["kind"].as_str().unwrap();
        assert!([
            "offer",
            "accept",
            "reject",
            "relay",
            "proposal",
            "walk-away"
        ]
        .contains(&kind));
    }
    assert!(v["agreement"].is_object() || v["agreement"].is_null());
    assert!(v["rounds"].as_u64().is_some());
    assert_eq!(v["utilities"].as_object().unwrap().len(), 2);
}

#[test]
fn negotiate_genius_with_strategies_and_trace() {
    let dir = genius("LaptopA");
    let v = json_of(&[
        "negotiate",
        &dir,
        "--protocol",
        "sao",
        "--strategy",
        "Laptop-A-prof1=hardliner",
        "--strategy",
        "Laptop-A-prof2=hardliner",
        "--rounds",
        "20",
    ]);
    assert!(v["agreement"].is_null());
    assert_eq!(v["rounds"], 20);
    let v = json_of(&[
        "negotiate",
        &dir,
        "--strategy",
        "Laptop-A-prof2=conceder",
        "--seed",
        "3",
    ]);
    assert!(v["agreement"].is_object());
    let out = detente()
        .args(["negotiate", &dir, "--trace"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("offer") && text.contains("Agreement"),
        "{text}"
    );
    detente()
        .args(["negotiate", &dir, "--strategy", "nobody=boulware"])
        .assert()
        .failure();
    detente()
        .args(["negotiate", &dir, "--protocol", "telepathy"])
        .assert()
        .failure();
}

#[test]
fn import_genius_then_analyze_the_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("laptop.toml");
    detente()
        .args(["import", &genius("LaptopA"), "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let v = json_of(&["analyze", out.to_str().unwrap()]);
    assert_eq!(v["outcomes"], 27);
    assert_eq!(v["pareto"]["size"], 4);
}
