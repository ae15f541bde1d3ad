//! `detente simulate`, `sensitivity`, `report` and `import` through the binary.

mod common;

use common::{detente, json_of, shared};
use serde_json::Value;

#[test]
fn simulate_follows_the_contract_and_probabilities_sum_to_one() {
    let v = json_of(&["simulate", "--runs", "40", "--seed", "3"]);
    assert_eq!(v["runs"], 40);
    assert_eq!(v["seed"], 3);
    let mut total = 0.0;
    for c in ["deal", "interim", "stalemate", "breakdown"] {
        let o = &v["outcomes"][c];
        let p = o["p"].as_f64().expect("p");
        let ci = o["ci"].as_array().expect("ci");
        assert!(ci[0].as_f64().expect("lo") <= p && p <= ci[1].as_f64().expect("hi"));
        total += p;
    }
    assert!((total - 1.0).abs() < 1e-9);
    assert!(v["issues"]["enrichment_level"].get("mean").is_some());
    assert!(v.get("mean_rounds").is_some());
}

#[test]
fn same_seed_same_json_whatever_the_thread_count() {
    let run = |threads: &str| {
        detente()
            .args([
                "simulate",
                "--runs",
                "30",
                "--seed",
                "5",
                "--threads",
                threads,
                "--json",
            ])
            .output()
            .expect("runs")
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn set_and_compare_change_the_scenario() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = dir.path().join("strike.toml");
    std::fs::write(
        &o,
        "[[events]]\nid = \"military_strike\"\nround = 1\nprobability = 1.0\n",
    )
    .expect("write");
    let v = json_of(&[
        "simulate",
        "--runs",
        "20",
        "--compare",
        o.to_str().expect("utf8"),
    ]);
    assert_eq!(v["compare"]["result"]["outcomes"]["breakdown"]["p"], 1.0);
    let v = json_of(&[
        "simulate",
        "--runs",
        "20",
        "--set",
        "events.military_strike.probability=1",
        "--set",
        "events.military_strike.round=1",
    ]);
    assert_eq!(v["outcomes"]["breakdown"]["p"], 1.0);
    detente()
        .args([
            "simulate",
            "--runs",
            "5",
            "--set",
            "actors.nobody.capability=1",
        ])
        .assert()
        .failure();
    detente()
        .args([
            "simulate",
            "--runs",
            "5",
            "--set",
            "positions.iran.stockpile.salience=7",
        ])
        .assert()
        .failure();
}

#[test]
fn sensitivity_ranks_factors_by_effect() {
    let v = json_of(&["sensitivity", "--runs", "6"]);
    let f = v["factors"].as_array().expect("factors");
    assert!(f.len() > 10);
    let effect = |x: &Value| {
        x["delta_p_deal"]
            .as_f64()
            .expect("d")
            .abs()
            .max(x["delta_p_breakdown"].as_f64().expect("b").abs())
    };
    for w in f.windows(2) {
        assert!(effect(&w[0]) >= effect(&w[1]));
    }
    for x in f {
        for k in ["input", "low", "high", "delta_p_deal"] {
            assert!(x.get(k).is_some(), "{k}");
        }
    }
}

#[test]
fn report_writes_html_and_markdown_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tmp");
    let html = dir.path().join("r.html");
    let h = html.to_str().expect("utf8");
    detente()
        .args(["report", "-o", h, "--runs", "20", "--sensitivity-runs", "2"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).expect("read");
    // One inline script at the end of the page (actor toggles and tooltips), nothing loaded.
    assert!(
        text.starts_with("<!DOCTYPE html>")
            && text.contains("<svg")
            && text.matches("<script").count() == 1
            && text.ends_with("</script>\n</body></html>\n")
    );
    // both dynamic models' trajectories, issue by issue
    for model in ["bdm", "smp"] {
        assert!(
            text.contains(&format!("<h3>enrichment_level — {model}</h3>")),
            "{model} trajectory"
        );
    }
    detente()
        .args(["report", "-o", h, "--runs", "5", "--sensitivity-runs", "0"])
        .assert()
        .failure();
    let md = dir.path().join("r.md");
    detente()
        .args([
            "report",
            "-o",
            md.to_str().expect("utf8"),
            "--format",
            "md",
            "--runs",
            "10",
            "--sensitivity-runs",
            "0",
        ])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&md)
        .expect("read")
        .contains("## How does it end?"));
}

#[test]
fn every_reference_format_imports_and_round_trips() {
    let dir = tempfile::tempdir().expect("tmp");
    for (i, f) in [
        "bdm/eu_emissions_1994.csv",
        "ktab/dummyData_3Dim.csv",
        "ktab/smpExample_restored.xml",
        "genius/ItexvsCypress",
    ]
    .iter()
    .enumerate()
    {
        let out = dir.path().join(format!("{i}.toml"));
        let o = out.to_str().expect("utf8");
        detente()
            .args(["import", &shared(f), "-o", o])
            .assert()
            .success();
        detente().args(["validate", o]).assert().success();
        detente()
            .args(["import", &shared(f), "-o", o])
            .assert()
            .failure();
        detente()
            .args(["import", &shared(f), "-o", o, "--force"])
            .assert()
            .success();
    }
    detente()
        .args(["import", &shared("ktab/smpExample.xml")])
        .assert()
        .code(1);
}
