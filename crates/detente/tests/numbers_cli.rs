//! Issue 15, "CLI numbers and words": numbers an analyst can read, and words that are true.

mod common;

use common::{detente, json_of, shared};

/// Standard output of `detente ARGS` with tables fitted to 100 columns.
fn text_of(args: &[&str]) -> String {
    let out = detente()
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn simulate_says_what_is_true_when_every_run_ends_the_same_way() {
    let csv = shared("bdm/oman_sultan.csv");
    let text = text_of(&["simulate", &csv, "--runs", "300"]);
    assert!(!text.contains("0 (met)"), "{text}");
    assert!(
        text.contains("Every one of the 300 runs ended in deal"),
        "{text}"
    );
    assert!(text.contains("95% upper bound"), "{text}");
    let v = json_of(&["simulate", &csv, "--runs", "300"]);
    assert_eq!(v["unanimous"], "deal");
    // Muscat's runs end in several classes: no such claim.
    let v = json_of(&["simulate", "--runs", "60"]);
    assert!(v["unanimous"].is_null());
}

#[test]
fn analyze_explains_unbounded_logroll_gains_and_gives_numbers_as_numbers() {
    let text = text_of(&["analyze"]);
    assert!(!text.contains("+inf"), "{text}");
    // Cells wrap at spaces.
    assert!(
        text.contains("iran: the opposite trade crosses its red line"),
        "{text}"
    );
    assert!(text.contains("on agenda_scope; usa +0.019"), "{text}");
    let v = json_of(&["analyze"]);
    let rolls = v["logrolls"].as_array().expect("logrolls");
    let vetoed: Vec<_> = rolls
        .iter()
        .filter(|l| l["gains"]["iran"].is_null())
        .collect();
    assert!(!vetoed.is_empty());
    for l in vetoed {
        assert_eq!(l["opposite_crosses_red_line"][0]["party"], "iran");
        assert_eq!(l["opposite_crosses_red_line"][0]["issue"], "agenda_scope");
    }
    // The continuous issue is a number, a discrete one a label.
    assert!(
        v["nash"]["outcome"]["enrichment_level"].is_f64(),
        "{}",
        v["nash"]
    );
    assert!(v["nash"]["outcome"]["stockpile"].is_string());
}

#[test]
fn analyze_prints_utilities_for_people_and_json_keeps_them_exact() {
    let laptop = shared("genius/LaptopA");
    let text = text_of(&["analyze", &laptop]);
    assert!(!text.contains("1.0001"), "{text}");
    let v = json_of(&["analyze", &laptop]);
    // The profiles' weights sum to 1.0000518: the exact utility is kept in JSON.
    let u = v["nash"]["utilities"]["Laptop-A-prof1"]
        .as_f64()
        .expect("u");
    assert!(u > 1.0 && u < 1.0001, "{u}");
}

#[test]
fn negotiate_says_what_a_round_is_and_where_the_deadline_comes_from() {
    let text = text_of(&["negotiate"]);
    // The heading wraps at spaces.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "deadline 16 protocol rounds (one offer each; the scenario's 8 rounds × 2 parties)"
        ),
        "{text}"
    );
    let v = json_of(&["negotiate"]);
    assert_eq!(v["deadline"], 16);
    let out = detente()
        .args(["negotiate", "--rounds", "0"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 is outside 1..=1000"));
}

#[test]
fn a_genius_domain_gets_the_same_deadline_as_a_folder_and_once_imported() {
    let laptop = shared("genius/LaptopA");
    let dir = tempfile::tempdir().expect("tmp");
    let toml = dir.path().join("laptop.toml");
    let toml = toml.to_str().expect("UTF-8 path");
    detente()
        .args(["import", &laptop, "-o", toml])
        .assert()
        .success();
    let folder = json_of(&["negotiate", &laptop]);
    let imported = json_of(&["negotiate", toml]);
    assert_eq!(folder["deadline"], 100);
    assert_eq!(imported["deadline"], 100);
}

#[test]
fn forecast_reports_bdm_cycles_and_a_forecast_that_does_not_depend_on_the_round_count() {
    let mut settled = Vec::new();
    for rounds in ["9", "10", "11"] {
        let v = json_of(&["forecast", "--model", "bdm", "--rounds", rounds]);
        let issue = v["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["id"] == "inspections")
            .expect("inspections")
            .clone();
        let m = &issue["models"]["bdm"];
        assert_eq!(m["converged"], false, "{m}");
        assert_eq!(m["cycle"], 2, "{m}");
        // Both the option index and its label, consistently.
        let option = m["option"].as_u64().expect("option");
        assert_eq!(
            m["outcome_label"],
            ["ap_plus_snap_inspections", "additional_protocol"][option as usize]
        );
        settled.push(m["settled"]["outcome"].as_f64().expect("cycle mean"));
    }
    assert!(settled.iter().all(|x| *x == 0.5), "{settled:?}");
    let text = text_of(&["forecast", "--model", "bdm"]);
    assert!(text.contains("~ did not converge"), "{text}");
    assert!(
        text.contains("bdm on inspections: cycles every 2 rounds"),
        "{text}"
    );
}

#[test]
fn forecast_flags_red_lines_and_off_agenda_moves() {
    let v = json_of(&["forecast", "--model", "median,nash"]);
    let issue = |id: &str| {
        v["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["id"] == id)
            .expect("issue")
            .clone()
    };
    let e = issue("enrichment_level");
    assert_eq!(
        e["models"]["median"]["crosses_red_lines"],
        serde_json::json!(["iran"])
    );
    assert_eq!(
        e["models"]["nash"]["crosses_red_lines"],
        serde_json::json!(["usa"])
    );
    let m = issue("missile_limits");
    assert_eq!(
        m["models"]["median"]["off_agenda_moved_for"],
        serde_json::json!(["iran"])
    );
    let text = text_of(&["forecast", "--model", "median,nash"]);
    assert!(
        text.contains("! median on enrichment_level = 0: crosses iran's red line (at least 3)"),
        "{text}"
    );
    assert!(text.contains("off the agenda for iran"), "{text}");
}

#[test]
fn sensitivity_says_its_runs_and_gives_each_effect_an_interval() {
    let text = text_of(&["sensitivity", "--runs", "30", "--top", "3"]);
    assert!(
        text.contains("uses the same 30 runs (seed 1), fewer than `simulate`'s 10000"),
        "{text}"
    );
    assert!(text.contains("conservative 95% intervals"), "{text}");
    let v = json_of(&["sensitivity", "--runs", "30"]);
    assert!(v["ci_method"]
        .as_str()
        .expect("method")
        .contains("independent"));
    let lo_hi = v["p_deal_ci"].as_array().expect("base interval");
    assert_eq!(lo_hi.len(), 2);
    for f in v["factors"].as_array().expect("factors") {
        let ci = f["delta_p_deal_ci"].as_array().expect("interval");
        let d = f["delta_p_deal"].as_f64().expect("delta");
        assert!(
            ci[0].as_f64().expect("lo") <= d + 1e-12 && d <= ci[1].as_f64().expect("hi") + 1e-12,
            "{f}"
        );
        assert!(f["delta_p_breakdown_ci"].is_array());
    }
}

#[test]
fn importers_say_that_they_invented_the_status_quo() {
    let dir = tempfile::tempdir().expect("tmp");
    for (input, format) in [
        (shared("bdm/oman_sultan.csv"), "BDM"),
        (shared("ktab/dummyData_3Dim.csv"), "KTAB"),
        (shared("genius/LaptopA"), "GENIUS"),
    ] {
        let out = dir.path().join(format!("{format}.toml"));
        let out = out.to_str().expect("UTF-8 path");
        let run = detente()
            .args(["import", &input, "-o", out])
            .output()
            .expect("runs");
        assert!(run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(&format!("{format} files have no status quo")),
            "{stderr}"
        );
        let toml = std::fs::read_to_string(out).expect("written");
        assert!(toml.contains("Status quo invented on import"), "{toml}");
        // The note survives a round trip through the scenario format.
        detente().args(["validate", out]).assert().success();
    }
}

#[test]
fn help_texts_and_a_wrong_name_say_something_useful() {
    let help = text_of(&["analyze", "--help"]);
    assert!(!help.contains("Arguments of"), "{help}");
    assert!(help.contains("BATNAs (reservation values"), "{help}");
    let help = text_of(&["import", "--help"]);
    assert!(!help.contains("default: the built-in Muscat"), "{help}");
    let out = detente().args(["show", "muscat"]).output().expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean muscat-2026?"), "{err}");
}

#[test]
fn tables_fit_100_columns_and_keep_ids_whole() {
    for args in [
        &["show", "muscat-2026"][..],
        &["analyze"][..],
        &["forecast", "--trace"][..],
        &["negotiate", "--trace"][..],
        &["sensitivity", "--runs", "10", "--top", "3"][..],
    ] {
        let text = text_of(args);
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "{args:?}: {line}");
        }
        // Long ids appear whole.
        for id in ["enrichment_location", "nuclear_plus_regional_deescalation"] {
            if args[0] != "sensitivity" && args[0] != "negotiate" {
                assert!(text.contains(id), "{args:?}: {id}\n{text}");
            }
        }
    }
}

#[test]
fn the_forecast_table_at_100_columns() {
    let text = text_of(&["forecast", "--model", "median,bdm"]);
    insta::assert_snapshot!(text);
}

/// `tools/screenshot.sh` from another folder with relative paths: writes the PNG there, tall
/// enough for the whole report, and fails when there is nothing to render.
#[test]
fn the_screenshot_script_takes_relative_paths_and_fails_loudly() {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        eprintln!("skipped: no /usr/bin/chromium (installed by .ci/run)");
        return;
    }
    let script = format!("{}/../../tools/screenshot.sh", env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tmp");
    let missing = std::process::Command::new("bash")
        .args([&script, "missing.html", "out.png"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(!missing.status.success());
    detente()
        .current_dir(dir.path())
        .args([
            "report",
            "-o",
            "r.html",
            "--runs",
            "60",
            "--sensitivity-runs",
            "4",
        ])
        .assert()
        .success();
    let shot = std::process::Command::new("bash")
        .args([&script, "r.html", "shots/r.png"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let png = std::fs::read(dir.path().join("shots/r.png")).expect("PNG written");
    // PNG header: width and height, big-endian, at bytes 16..24.
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert!(
        height > 6000,
        "the whole Muscat report, not a 6,000 px window: {height}"
    );
}

#[test]
fn prose_wrapping_leaves_tables_alone() {
    let text = text_of(&["simulate", "--runs", "50"]);
    assert!(text.contains("│ outcome   ┆ share of runs ┆"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
}
