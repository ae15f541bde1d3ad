//! BDM against the reference runs in ../shared/data/bdm: every round's forecast and every actor's
//! position within the stated tolerance (1e-6), for both example inputs and both variants.

use detente_core::import::bdm;
use detente_forecast::{Bdm, BdmParams, BdmVariant, ForecastInput, IssueInput, Model};
use serde_json::Value;

fn data(name: &str) -> String {
    format!(
        "{}/../../../shared/data/bdm/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn input(csv: &str) -> (ForecastInput, Vec<String>) {
    let bytes =
        std::fs::read(data(csv)).expect("reference CSV present (../shared beside the repo)");
    let (t, _) = bdm::parse(&bytes, csv).expect("valid CSV");
    let names: Vec<String> = t.rows.iter().map(|r| r.actor.clone()).collect();
    let pos: Vec<f64> = t.rows.iter().map(|r| r.position).collect();
    let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let input = ForecastInput {
        actors: names.clone(),
        capability: t.rows.iter().map(|r| r.capability).collect(),
        issues: vec![IssueInput {
            id: "issue".into(),
            min: lo,
            max: hi,
            options: None,
            status_quo: lo,
            position: pos,
            salience: t.rows.iter().map(|r| r.salience).collect(),
        }],
    };
    (input, names)
}

fn check(expected_file: &str, variant: BdmVariant) {
    let exp: Value =
        serde_json::from_str(&std::fs::read_to_string(data(expected_file)).expect("expected file"))
            .expect("json");
    let tol = exp["tolerance"]["position_abs"]
        .as_f64()
        .expect("tolerance");
    let ftol = exp["tolerance"]["forecast_abs"]
        .as_f64()
        .expect("tolerance");
    for csv in ["eu_emissions_1994.csv", "oman_sultan.csv"] {
        let (inp, names) = input(csv);
        let rounds = exp["rounds_run"].as_u64().expect("rounds") as usize;
        let model = Bdm::new(BdmParams {
            rounds,
            variant,
            ..BdmParams::default()
        });
        let f = model.forecast(&inp).expect("runs");
        let exp_rounds = exp["scenarios"][csv]["rounds"].as_array().expect("rounds");
        assert_eq!(f.rounds.len() + 1, exp_rounds.len(), "{csv}: round count");
        for er in exp_rounds.iter().skip(1) {
            let t = er["round"].as_u64().expect("round") as usize;
            let got = &f.rounds[t - 1];
            let want = er["forecast"].as_f64().expect("forecast");
            assert!(
                (got.forecast[0] - want).abs() <= ftol,
                "{csv} {variant:?} round {t}: forecast {} vs {want}",
                got.forecast[0]
            );
            for (a, name) in names.iter().enumerate() {
                let want = er["positions"][name].as_f64().expect("position");
                let g = got.positions[0][a];
                assert!(
                    (g - want).abs() <= tol,
                    "{csv} {variant:?} round {t}: {name} at {g}, expected {want}"
                );
            }
        }
    }
}

#[test]
fn replication_variant_matches_expected_json() {
    check("expected.json", BdmVariant::Replication);
}

#[test]
fn corrected_variant_matches_capitulation_fixed_json() {
    check("expected-capitulation-fixed.json", BdmVariant::Corrected);
}
