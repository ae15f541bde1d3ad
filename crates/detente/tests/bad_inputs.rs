//! The bad-input corpus in `tests/bad-inputs/`: every file must be rejected (exit 1, no panic)
//! with an error naming the expected line and field. Each `NAME` has a sidecar `NAME.expect`
//! with `line=N` (0: any), `field=F` (empty: any) and `contains=TEXT` (empty: any).
//! Optional keys: `count=N` (exactly N errors: one mistake, one error) and `also=TEXT`
//! (repeatable: another error whose message contains TEXT, reported in the same pass).
//! Every file is also validated in text mode, where the diagnostics are rendered with source
//! excerpts: that must not panic either, and must name the same line.

use assert_cmd::Command;
use serde_json::Value;

fn corpus() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs")
}

#[test]
fn every_bad_input_is_rejected_with_a_located_error() {
    let mut files: Vec<_> = std::fs::read_dir(corpus())
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e != "expect"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let expect = std::fs::read_to_string(format!("{}.expect", f.display()))
            .expect("sidecar .expect file");
        let get = |k: &str| {
            expect
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .unwrap_or("")
                .to_string()
        };
        let (line, field, contains) = (
            get("line").parse::<u64>().unwrap_or(0),
            get("field"),
            get("contains"),
        );
        let out = Command::cargo_bin("detente")
            .expect("binary")
            .arg("validate")
            .arg(f)
            .arg("--json")
            .output()
            .expect("runs");
        let text = Command::cargo_bin("detente")
            .expect("binary")
            .arg("validate")
            .arg(f)
            .output()
            .expect("runs");
        let text_err = String::from_utf8_lossy(&text.stderr);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked: {stderr}"));
            continue;
        }
        if text_err.contains("panicked") || text.status.code() != Some(1) {
            failures.push(format!(
                "{name}: text mode: exit code {:?}: {}",
                text.status.code(),
                text_err.chars().take(2000).collect::<String>()
            ));
            continue;
        }
        if line > 0
            && !text_err.contains(&format!(":{line}:"))
            && !text_err.contains(&format!(":{line}]"))
        {
            failures.push(format!("{name}: text mode does not name line {line}"));
            continue;
        }
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit code {:?}", out.status.code()));
            continue;
        }
        let v: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: output is not JSON ({e})"));
                continue;
            }
        };
        let errors: Vec<Value> = match v["errors"].as_array() {
            Some(e) => e.clone(),
            None => vec![serde_json::json!({"message": v["error"], "line": 0, "field": ""})],
        };
        let ok = errors.iter().any(|e| {
            (line == 0 || e["line"].as_u64() == Some(line))
                && (field.is_empty() || e["field"].as_str() == Some(field.as_str()))
                && e["message"].as_str().is_some_and(|m| m.contains(&contains))
        });
        if !ok {
            failures.push(format!("{name}: expected line {line} field `{field}` containing `{contains}`, got {errors:?}"));
            continue;
        }
        if let Ok(n) = get("count").parse::<usize>() {
            if errors.len() != n {
                failures.push(format!("{name}: expected {n} error(s), got {errors:?}"));
                continue;
            }
        }
        // A message quotes what the user wrote, shortened: a 70,000-character cell must not
        // come back whole (diag::quote).
        if let Some(e) = errors.iter().find(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.chars().count() > 600)
        }) {
            failures.push(format!("{name}: message longer than 600 characters: {e}"));
        }
        for also in expect.lines().filter_map(|l| l.strip_prefix("also=")) {
            if !errors
                .iter()
                .any(|e| e["message"].as_str().is_some_and(|m| m.contains(also)))
            {
                failures.push(format!(
                    "{name}: no error containing `{also}` in {errors:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
