//! `detente forecast`: JSON contract, reference inputs, errors.

mod common;

use common::{detente, json_of, shared};
use serde_json::Value;

#[test]
fn muscat_forecast_follows_the_contract() {
    let v = json_of(&["forecast"]);
    let issues = v["issues"].as_array().expect("issues");
    assert!(issues.len() >= 7);
    assert_eq!(issues[0]["id"], "enrichment_level", "issues in file order");
    for is in issues {
        assert!(is["status_quo"].is_number());
        assert!(is["ensemble"].is_number());
        for m in ["mean", "median", "nash", "bdm", "smp"] {
            assert!(is["models"][m]["outcome"].is_number(), "{m} in {is}");
        }
        let rounds = is["models"]["bdm"]["rounds"]
            .as_array()
            .expect("bdm rounds");
        assert_eq!(rounds.len(), 10);
        assert_eq!(rounds[0]["round"], 1);
        assert!(rounds[0]["positions"]["iran"].is_number());
    }
    let loc = issues
        .iter()
        .find(|i| i["id"] == "enrichment_location")
        .expect("discrete issue");
    assert!(loc["models"]["median"]["outcome_label"].is_string());
}

#[test]
fn bdm_csv_is_imported_on_the_fly_and_matches_the_reference() {
    let v = json_of(&[
        "forecast",
        &shared("bdm/eu_emissions_1994.csv"),
        "--model",
        "bdm",
        "--bdm-variant",
        "replication",
    ]);
    let exp: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("bdm/expected.json")).expect("expected"),
    )
    .expect("json");
    let want = &exp["scenarios"]["eu_emissions_1994.csv"]["rounds"];
    let got = v["issues"][0]["models"]["bdm"]["rounds"]
        .as_array()
        .expect("rounds");
    for (t, r) in got.iter().enumerate() {
        let w = want[t + 1]["forecast"].as_f64().expect("forecast");
        assert!(
            (r["forecast"].as_f64().expect("f") - w).abs() < 1e-6,
            "round {}",
            t + 1
        );
        assert!(
            (r["positions"]["belgium"].as_f64().expect("p")
                - want[t + 1]["positions"]["Belgium"].as_f64().expect("p"))
            .abs()
                < 1e-6
        );
    }
    assert_eq!(
        v["issues"][0]["models"].as_object().map(|m| m.len()),
        Some(1)
    );
}

#[test]
fn rounds_flag_sets_the_trace_length() {
    let v = json_of(&["forecast", "--model", "bdm", "--rounds", "3"]);
    assert_eq!(
        v["issues"][0]["models"]["bdm"]["rounds"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

#[test]
fn unknown_model_is_an_error() {
    detente()
        .args(["forecast", "--model", "oracle"])
        .assert()
        .failure();
}

#[test]
fn ktab_csv_runs_the_smp_like_smpc() {
    // dummyData_3Dim: smpc takes 10 turns; its final E[outcome] is in expected.json.
    let v = json_of(&[
        "forecast",
        &shared("ktab/dummyData_3Dim.csv"),
        "--model",
        "smp",
    ]);
    let exp: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("ktab/expected.json")).expect("expected.json"),
    )
    .expect("json");
    let want = &exp["scenarios"]["dummyData_3Dim.csv"]["final_expected_outcome"];
    let issues = v["issues"].as_array().expect("issues");
    assert_eq!(issues.len(), 3);
    for (d, is) in issues.iter().enumerate() {
        let smp = &is["models"]["smp"];
        let got = smp["outcome"].as_f64().expect("outcome");
        let w = want[d].as_f64().expect("number");
        assert!((got - w).abs() < 0.05, "dim {d}: {got} vs {w}");
        let rounds = smp["rounds"].as_array().expect("rounds");
        assert_eq!(rounds.len(), 10, "smpc's turn count");
        assert_eq!(rounds[0]["round"], 1);
        assert_eq!(
            rounds[0]["positions"].as_object().expect("positions").len(),
            7
        );
    }
}

#[test]
fn rounds_caps_the_smp_turns() {
    let v = json_of(&[
        "forecast",
        &shared("ktab/SOE-Pol-Comp.csv"),
        "--model",
        "smp",
        "--rounds",
        "3",
    ]);
    let rounds = v["issues"][0]["models"]["smp"]["rounds"]
        .as_array()
        .expect("rounds");
    assert_eq!(rounds.len(), 3);
}

#[test]
fn a_bad_smp_setting_is_located() {
    let dir = tempfile::tempdir().expect("tmp");
    let base = std::fs::read_to_string(format!(
        "{}/../../scenarios/muscat-2026.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("muscat");
    let text = format!("{base}\n[models.smp]\nparameters = {{ VotingRule = \"Majority\" }}\n");
    let line = text.lines().count();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, &text).expect("write");
    let out = detente()
        .args([
            "forecast",
            path.to_str().expect("utf-8"),
            "--model",
            "smp",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout)
        .or_else(|_| serde_json::from_slice(&out.stderr))
        .expect("json error");
    let e = &v["errors"][0];
    assert_eq!(e["field"], "models.smp.parameters.VotingRule", "{v}");
    assert_eq!(e["line"], line);
    assert!(
        e["message"].as_str().expect("msg").contains("PropCbc"),
        "{v}"
    );
}

#[test]
fn the_ensemble_does_not_depend_on_where_a_bdm_cycle_stops() {
    // BDM cycles on several Muscat issues, so its last round differs between 9, 10 and 11
    // rounds; the ensemble takes a cycling model at its cycle mean and must not move.
    let ensembles: Vec<Vec<Value>> = ["9", "10", "11"]
        .iter()
        .map(|r| {
            json_of(&["forecast", "--rounds", r])["issues"]
                .as_array()
                .expect("issues")
                .iter()
                .map(|i| i["ensemble"].clone())
                .collect()
        })
        .collect();
    assert_eq!(ensembles[0], ensembles[1]);
    assert_eq!(ensembles[1], ensembles[2]);
}
