//! Output files and streams: files are written whole or not at all, links are not followed,
//! the report format follows the file name, and a failing standard output is an error.

mod common;
use common::{detente, shared};

#[cfg(unix)]
#[test]
fn a_full_standard_output_is_an_error() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in [&["show"][..], &["show", "--json"], &["scenarios"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("detente"))
            .args(args)
            .stdout(full)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write to standard output"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_as_output_is_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("elsewhere.html");
    let link = dir.path().join("report.html");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    for args in [
        vec![
            "report",
            "-o",
            link.to_str().expect("utf-8"),
            "--runs",
            "50",
        ],
        vec!["new", link.to_str().expect("utf-8"), "--force"],
    ] {
        let out = detente().args(&args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!target.exists(), "the link was followed");
    }
}

#[test]
fn the_report_format_follows_the_extension_and_contradictions_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("r.md");
    let out = detente()
        .args(["report", "-o"])
        .arg(&md)
        .args(["--runs", "50", "--sensitivity-runs", "0"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).expect("written");
    assert!(
        text.starts_with("# "),
        "not Markdown: {}",
        &text[..80.min(text.len())]
    );
    assert!(!text.contains("<html"), "HTML in a .md file");
    let other = dir.path().join("s.md");
    let out = detente()
        .args(["report", "-o"])
        .arg(&other)
        .args(["--format", "html", "--runs", "50"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("contradicts the extension"), "{err}");
    assert!(!other.exists());
}

#[test]
fn import_writes_whole_files_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("o.toml");
    let bdm = shared("bdm/oman_sultan.csv");
    let run = |force: bool| {
        let mut c = detente();
        c.arg("import").arg(&bdm).arg("-o").arg(&out_file);
        if force {
            c.arg("--force");
        }
        c.output().expect("runs")
    };
    assert!(run(false).status.success());
    let first = std::fs::read_to_string(&out_file).expect("written");
    let again = run(false);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out_file).expect("kept"), first);
    assert!(run(true).status.success());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names, vec!["o.toml".to_string()]);
    // Into a folder that does not exist: an error, and nothing written anywhere.
    let missing = dir.path().join("no/such/dir/o.toml");
    let out = detente()
        .arg("import")
        .arg(&bdm)
        .arg("-o")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

#[test]
fn import_never_writes_a_file_that_validate_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs");
    for bad in [
        "genius-lone-domain.xml",
        "genius-bad-reservation.dir",
        "bdm-huge-range.csv",
        "bdm-mixed-salience.csv",
        "ktab-duplicate-actor.csv",
    ] {
        let out_file = dir.path().join(format!("{bad}.toml"));
        let out = detente()
            .arg("import")
            .arg(corpus.join(bad))
            .arg("-o")
            .arg(&out_file)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out_file.exists(),
            "{bad}: a rejected import wrote {out_file:?}"
        );
    }
}
