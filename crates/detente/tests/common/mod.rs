//! Shared by the CLI integration tests: the binary, its JSON output, the reference data.
#![allow(dead_code)] // each test crate uses a different subset

use assert_cmd::Command;
use serde_json::Value;

/// The `detente` binary built for these tests.
pub fn detente() -> Command {
    Command::cargo_bin("detente").expect("binary built")
}

/// Runs `detente ARGS --json`, asserts success and parses its standard output.
pub fn json_of(args: &[&str]) -> Value {
    let out = detente().args(args).arg("--json").output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A path under `../shared/data` beside the checkout (or one level further up, for worktrees).
pub fn shared(path: &str) -> String {
    let near = format!("{}/../../../shared/data", env!("CARGO_MANIFEST_DIR"));
    let base = if std::path::Path::new(&near).exists() {
        near
    } else {
        format!("{}/../../../../shared/data", env!("CARGO_MANIFEST_DIR"))
    };
    format!("{base}/{path}")
}

/// The repository's historical cases folder.
pub fn cases_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases")
}

/// A temporary folder holding copies of the named cases.
pub fn copy_cases(ids: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for id in ids {
        let to = dir.path().join(id);
        std::fs::create_dir(&to).expect("mkdir");
        for f in ["scenario.toml", "outcome.toml"] {
            std::fs::copy(cases_dir().join(id).join(f), to.join(f)).expect("copy");
        }
    }
    dir
}
