//! `detente backtest` and `detente calibrate`: JSON contract, determinism, located errors in
//! outcome files, and proof that predictions never read outcome files.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_cases, detente, json_of};

/// A calibration file holding only a-priori parameters (no held-out fits).
fn prior_calibration(dir: &Path) -> PathBuf {
    let p = dir.join("prior.toml");
    std::fs::write(
        &p,
        "version = 1\nruns = 0\nseed = 0\nloss = \"none\"\n[params]\npace = 10.0\nhazard = 4.0\nspoil = 4.0\ngamma = 1.0\ndiscount = 0.95\npull = 0.1\nsway = 0.2\ncredit = 0.1\nreveal = 0.5\nresolve = 0.05\nshrink = 0.0\n",
    )
    .expect("write");
    p
}

const IDS: [&str; 3] = ["crans-montana-2017", "dayton-1995", "rambouillet-1999"];

#[test]
fn the_json_contract_and_scores_against_baselines() {
    let dir = copy_cases(&IDS);
    let d = dir.path().to_str().expect("utf-8");
    let v = json_of(&["backtest", d, "--runs", "60"]);
    let cases = v["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 3);
    for c in cases {
        let p = &c["p"];
        let total: f64 = ["deal", "interim", "stalemate", "breakdown"]
            .iter()
            .map(|k| p[k].as_f64().expect("probability"))
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{c}");
        assert!(c["brier"].as_f64().is_some() && c["log_score"].as_f64().is_some());
        assert!(
            ["deal", "interim", "stalemate", "breakdown"].contains(&c["actual"].as_str().unwrap())
        );
        assert!(c["issues"].as_array().is_some_and(|a| !a.is_empty()));
    }
    let s = &v["summary"];
    for b in ["uniform", "base_rate", "status_quo"] {
        assert!(s["baselines"][b]["brier"]["mean"].as_f64().is_some(), "{b}");
    }
    // Uniform forecasts score exactly 0.75 (Brier) and ln(1/4) (log) on any case.
    assert!((s["baselines"]["uniform"]["brier"]["mean"].as_f64().unwrap() - 0.75).abs() < 1e-12);
    assert!(s["reliability"].as_array().is_some_and(|b| b.len() == 5));
    assert!(s["murphy"]["uncertainty"].as_f64().is_some());
}

#[test]
fn the_backtest_is_deterministic_whatever_the_thread_count() {
    let dir = copy_cases(&IDS);
    let d = dir.path().to_str().expect("utf-8");
    let one = json_of(&["backtest", d, "--runs", "40", "--threads", "1"]);
    let two = json_of(&["backtest", d, "--runs", "40", "--threads", "2"]);
    assert_eq!(one, two);
}

#[test]
fn predictions_never_read_the_outcome_file() {
    let dir = copy_cases(&["dayton-1995"]);
    let prior = prior_calibration(dir.path());
    let scenario = dir.path().join("dayton-1995/scenario.toml");
    let args = |s: &Path| -> Vec<String> {
        vec![
            "simulate".into(),
            s.display().to_string(),
            "--runs".into(),
            "200".into(),
            "--params".into(),
            prior.display().to_string(),
        ]
    };
    let argv = args(&scenario);
    let with: Vec<&str> = argv.iter().map(String::as_str).collect();
    let before = json_of(&with);
    // The backtest's shares for the case are the simulation's, from the scenario alone.
    let bt = json_of(&[
        "backtest",
        dir.path().to_str().unwrap(),
        "--runs",
        "200",
        "--params",
        prior.to_str().unwrap(),
    ]);
    for k in ["deal", "interim", "stalemate", "breakdown"] {
        assert_eq!(
            bt["cases"][0]["shares"][k], before["outcomes"][k]["p"],
            "{k}"
        );
    }
    std::fs::remove_file(dir.path().join("dayton-1995/outcome.toml")).expect("rm");
    let after = json_of(&with);
    assert_eq!(before, after);
}

#[test]
fn a_malformed_outcome_file_gets_a_located_error() {
    let dir = copy_cases(&["dayton-1995"]);
    let f = dir.path().join("dayton-1995/outcome.toml");
    let text = std::fs::read_to_string(&f).expect("read");
    let bad = text.replacen("class = \"deal\"", "class = \"victory\"", 1);
    assert_ne!(bad, text, "the case's outcome has class = \"deal\"");
    std::fs::write(&f, bad).expect("write");
    let out = detente()
        .args([
            "backtest",
            dir.path().to_str().unwrap(),
            "--runs",
            "10",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json error");
    let e = &v["errors"][0];
    assert_eq!(e["field"], "class", "{v}");
    assert!(e["line"].as_u64().is_some_and(|l| l > 0), "{v}");
    assert!(e["message"].as_str().unwrap().contains("victory"), "{v}");
}

#[test]
fn calibrate_writes_held_out_fits_and_refuses_to_overwrite() {
    let dir = copy_cases(&IDS);
    let out = dir.path().join("cal.toml");
    let d = dir.path().to_str().unwrap();
    let v = json_of(&["calibrate", d, "--runs", "20", "-o", out.to_str().unwrap()]);
    let held = v["held_out"].as_array().expect("held out");
    assert_eq!(held.len(), 3);
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("[[held_out]]"));
    // Each held-out fit minimises the loss over the other cases only.
    let loss: Vec<Vec<f64>> = serde_json::from_value(v["loss"].clone()).expect("loss");
    let grid: Vec<Vec<f64>> = serde_json::from_value(v["grid"].clone()).expect("grid");
    for (c, h) in held.iter().enumerate() {
        let mean = |g: usize| -> f64 {
            (0..loss.len())
                .filter(|&o| o != c)
                .map(|o| loss[o][g])
                .sum::<f64>()
        };
        let best = (0..grid.len())
            .min_by(|&a, &b| mean(a).total_cmp(&mean(b)).then(a.cmp(&b)))
            .unwrap();
        let p = &h["params"];
        let got = [
            p["pace"].as_f64(),
            p["hazard"].as_f64(),
            p["spoil"].as_f64(),
            p["resolve"].as_f64(),
            p["shrink"].as_f64(),
        ];
        let want: Vec<Option<f64>> = grid[best].iter().map(|x| Some(*x)).collect();
        assert_eq!(got.to_vec(), want, "case {c}");
    }
    // The backtest scores each case with its held-out fit.
    let bt = json_of(&[
        "backtest",
        d,
        "--runs",
        "20",
        "--params",
        out.to_str().unwrap(),
    ]);
    assert!(bt["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["params"] == "held_out"));
    let again = detente()
        .args(["calibrate", d, "--runs", "20", "-o", out.to_str().unwrap()])
        .output()
        .expect("runs");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}
