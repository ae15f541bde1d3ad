//! Integration tests that run the `detente` binary: one test binary, themed modules.

use assert_cmd::Command;
use serde_json::Value;

fn detente() -> Command {
    Command::cargo_bin("detente").expect("binary built")
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let out = detente().args(args).arg("--json").output().expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

mod show {
    use super::*;

    #[test]
    fn default_is_the_muscat_scenario() {
        let out = detente().arg("show").assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(text.contains("Muscat"), "{text}");
        assert!(text.contains("Actors") && text.contains("Issues") && text.contains("Positions"));
    }

    #[test]
    fn json_follows_the_contract() {
        let (v, code) = json_of(&["show"]);
        assert_eq!(code, 0);
        assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
        let actors = v["actors"].as_array().expect("actors");
        for a in actors {
            for k in ["id", "name", "role", "capability"] {
                assert!(!a[k].is_null(), "actor lacks {k}: {a}");
            }
        }
        assert!(actors.iter().any(|a| a["id"] == "iran"));
        assert!(actors.iter().any(|a| a["role"] == "mediator"));
        for i in v["issues"].as_array().expect("issues") {
            assert!(i["kind"] == "continuous" || i["kind"] == "discrete", "{i}");
        }
        for p in v["positions"].as_array().expect("positions") {
            let s = p["salience"].as_f64().expect("salience");
            assert!((0.0..=1.0).contains(&s));
            assert!(p["actor"].is_string() && p["issue"].is_string() && p["position"].is_number());
        }
    }

    #[test]
    fn builtin_can_be_named() {
        let (v, code) = json_of(&["show", "muscat-2026"]);
        assert_eq!(code, 0);
        assert!(v["actors"].as_array().is_some_and(|a| !a.is_empty()));
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let out = detente()
            .args(["show", "/nonexistent/x.toml"])
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("/nonexistent/x.toml"), "{err}");
    }
}

mod validate {
    use super::*;

    #[test]
    fn template_and_builtin_are_valid() {
        let (v, code) = json_of(&["validate"]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["valid"], true);
        let (v, code) = json_of(&["validate", &repo("scenarios/template.toml")]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));
    }

    #[test]
    fn errors_name_line_column_and_field_and_exit_nonzero() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path().join("bad.toml");
        std::fs::write(
            &f,
            "format = 1\n[meta]\ntitle = \"x\"\n[[actors]]\nid = \"a\"\ncapability = -1\ncolour = 2\n[[issues]]\nid = \"i\"\nmin = 0\nmax = 1\nstatus_quo = 3\n",
        )
        .expect("write");
        let (v, code) = json_of(&["validate", f.to_str().expect("utf8")]);
        assert_eq!(code, 1);
        assert_eq!(v["valid"], false);
        let errs = v["errors"].as_array().expect("errors");
        let find = |field: &str| {
            errs.iter()
                .find(|e| e["field"] == field)
                .unwrap_or_else(|| panic!("{field} in {v}"))
        };
        assert_eq!(find("actors[0].colour")["line"], 7);
        assert_eq!(find("actors[0].capability")["line"], 6);
        assert_eq!(find("actors[0].capability")["column"], 14);
        assert_eq!(find("issues[0].status_quo")["line"], 12);
        // Human output names file:line:col on stderr.
        let out = detente()
            .args(["validate", f.to_str().expect("utf8")])
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("bad.toml:6:14"), "{err}");
    }

    #[test]
    fn warnings_do_not_fail() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path().join("w.toml");
        std::fs::write(
            &f,
            "format = 1\n[meta]\ntitle = \"x\"\n[[actors]]\nid = \"a\"\ncapability = 1\n[[issues]]\nid = \"i\"\nmin = 0\nmax = 1\nstatus_quo = 0.5\n",
        )
        .expect("write");
        let (v, code) = json_of(&["validate", f.to_str().expect("utf8")]);
        assert_eq!(code, 0, "{v}");
        assert!(v["warnings"].as_array().is_some_and(|w| !w.is_empty()));
    }

    #[test]
    fn non_utf8_is_located() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path().join("latin1.toml");
        std::fs::write(&f, b"format = 1\n[meta]\ntitle = \"caf\xe9\"\n").expect("write");
        let (v, code) = json_of(&["validate", f.to_str().expect("utf8")]);
        assert_eq!(code, 1);
        assert_eq!(v["errors"][0]["line"], 3, "{v}");
    }
}

mod files {
    use super::*;

    #[test]
    fn new_writes_a_valid_template_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path().join("mine.toml");
        let p = f.to_str().expect("utf8");
        detente().args(["new", p]).assert().success();
        detente().args(["validate", p]).assert().success();
        std::fs::write(&f, "my own work").expect("write");
        detente().args(["new", p]).assert().failure();
        assert_eq!(std::fs::read_to_string(&f).expect("read"), "my own work");
        detente().args(["new", p, "--force"]).assert().success();
    }

    #[test]
    fn scenarios_lists_the_builtin() {
        let (v, code) = json_of(&["scenarios"]);
        assert_eq!(code, 0);
        assert_eq!(v["scenarios"][0]["name"], "muscat-2026");
    }
}
