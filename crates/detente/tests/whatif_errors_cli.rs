//! What-if mistakes are reported where the user made them: in the overlay file (with its own
//! lines) or against the one `--set` argument at fault.

mod common;
use common::detente;
use serde_json::Value;

fn errors(args: &[&str]) -> Vec<Value> {
    let out = detente().args(args).arg("--json").output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["errors"].as_array().cloned().unwrap_or_default()
}

#[test]
fn overlay_errors_are_located_in_the_overlay_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ov = dir.path().join("overlay.toml");
    std::fs::write(
        &ov,
        "# five lines\n[[actors]]\nid = \"iran\"\ncapability = -1\n",
    )
    .expect("write");
    let e = errors(&[
        "simulate",
        "--runs",
        "10",
        "--overlay",
        ov.to_str().expect("utf-8"),
    ]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["file"], ov.to_str().expect("utf-8"));
    assert_eq!(e[0]["line"], 4, "{e:?}");
    assert_eq!(e[0]["field"], "actors[0].capability");
    // A syntax error and a bad byte have a line too.
    std::fs::write(&ov, "[[actors]]\nid = \"iran\"\ncapability = = 1\n").expect("write");
    let e = errors(&[
        "simulate",
        "--runs",
        "10",
        "--overlay",
        ov.to_str().expect("utf-8"),
    ]);
    assert_eq!(e[0]["line"], 3, "{e:?}");
    std::fs::write(&ov, b"[meta]\ntitle = \"t\xff\"\n").expect("write");
    let e = errors(&[
        "simulate",
        "--runs",
        "10",
        "--overlay",
        ov.to_str().expect("utf-8"),
    ]);
    assert_eq!(e[0]["line"], 2, "{e:?}");
    assert!(
        e[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-8")),
        "{e:?}"
    );
}

#[test]
fn one_bad_set_is_one_error_naming_the_set_argument() {
    let e = errors(&[
        "simulate",
        "--runs",
        "10",
        "--set",
        "actors.iran.capability=nan",
    ]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0]["file"], "--set actors.iran.capability=nan");
    assert!(
        !e[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("unknown actor"),
        "{e:?}"
    );
}
