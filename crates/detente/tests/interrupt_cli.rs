//! Ctrl-C (SIGINT) during a long job: the process stops at once with exit code 130, says so,
//! and leaves no output file, whole or partial, and no temporary file behind.
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A BDM CSV with `n` actors on one issue: SMP on it takes many seconds a turn in a test build.
fn big_csv(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from("actor,capability,position,salience\n");
    for k in 0..n {
        let x = (k * 7919 % 1000) as f64 / 10.0;
        let c = 0.1 + (k * 31 % 90) as f64 / 100.0;
        let s = 0.1 + (k * 17 % 90) as f64 / 100.0;
        text.push_str(&format!("A{k:04},{c:.2},{x:.1},{s:.2}\n"));
    }
    let p = dir.join("big.csv");
    std::fs::write(&p, text).unwrap();
    p
}

fn interrupt_after(cmd: &mut Command, wait: Duration) -> (std::process::ExitStatus, String) {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(wait);
    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("waits");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?} to stop after Ctrl-C",
        started.elapsed()
    );
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ctrl_c_stops_a_long_forecast_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let csv = big_csv(dir.path(), 500);
    let (status, stderr) = interrupt_after(
        Command::new(env!("CARGO_BIN_EXE_detente")).args([
            "forecast",
            csv.to_str().unwrap(),
            "--model",
            "smp",
        ]),
        Duration::from_millis(1500),
    );
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted (Ctrl-C)"), "{stderr}");
}

#[test]
fn ctrl_c_during_a_report_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = big_csv(dir.path(), 500);
    let out = dir.path().join("report.html");
    let (status, stderr) = interrupt_after(
        Command::new(env!("CARGO_BIN_EXE_detente")).args([
            "report",
            csv.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]),
        Duration::from_millis(1500),
    );
    assert_eq!(status.code(), Some(130), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "big.csv")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
