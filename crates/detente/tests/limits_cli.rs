//! The documented limits (docs/limits.md): every flag and input past a limit is refused up
//! front, with the limit in the message, instead of a panic, an abort or a job that never ends.

mod common;
use common::detente;

/// Runs detente and returns (exit code, stderr); asserts it did not panic.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let out = detente().args(args).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(!out.status.success(), "{args:?} succeeded");
    (out.status.code(), err)
}

#[test]
fn steps_outside_2_to_1000_are_refused() {
    for s in ["18446744073709551615", "1000000000", "1001", "0", "1"] {
        for cmd in ["analyze", "negotiate"] {
            let (_, err) = refused(&[cmd, "--steps", s]);
            assert!(err.contains("--steps"), "{cmd} --steps {s}: {err}");
            assert!(err.contains("1000") || err.contains("at least 2"), "{err}");
        }
    }
}

#[test]
fn runs_threads_and_rounds_above_their_limits_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (&["simulate", "--threads", "10000"], "limit of 1024"),
        (&["simulate", "--runs", "1000000000"], "limit of 1000000"),
        (&["sensitivity", "--runs", "1000000000"], "limit of 1000000"),
        (&["sensitivity", "--threads", "5000"], "limit of 1024"),
        // Runs × variants: 20,000 runs for each of Muscat's variants is over a million futures.
        (&["sensitivity", "--runs", "20000"], "futures per job"),
        (
            &[
                "report",
                "-o",
                "/nonexistent/r.html",
                "--sensitivity-runs",
                "20000",
            ],
            "futures per job",
        ),
        (&["negotiate", "--rounds", "100000"], "1..=1000"),
        (&["negotiate", "--rounds", "0"], "1..=1000"),
    ];
    for (args, msg) in cases {
        let (_, err) = refused(args);
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn devices_fifos_and_huge_files_are_refused() {
    let (code, err) = refused(&["validate", "/dev/zero"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not a regular file"), "{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("f.toml");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        // A FIFO without a writer would block a reader forever: it is refused unopened.
        let (_, err) = refused(&["validate", fifo.to_str().expect("utf-8")]);
        assert!(err.contains("not a regular file"), "{err}");
    }
    let big = dir.path().join("big.toml");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(detente_core_limit() + 1).expect("sparse file");
    let (_, err) = refused(&["validate", big.to_str().expect("utf-8")]);
    assert!(err.contains("above the limit of 16777216 bytes"), "{err}");
}

fn detente_core_limit() -> u64 {
    16 << 20
}

/// A GENIUS folder with `n` integer issues of 100 values each and two linear profiles.
fn genius_folder(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let issue = |i: usize, body: &str| {
        format!("<issue index=\"{}\" name=\"i{i}\" lowerbound=\"0\" upperbound=\"99\" vtype=\"integer\" type=\"integer\" etype=\"integer\">{body}</issue>\n", i + 1)
    };
    let issues: String = (0..n).map(|i| issue(i, "")).collect();
    std::fs::write(
        dir.path().join("domain.xml"),
        format!("<negotiation_template><utility_space number_of_issues=\"{n}\"><objective index=\"0\" name=\"root\" type=\"objective\" etype=\"objective\">\n{issues}</objective></utility_space></negotiation_template>\n"),
    )
    .expect("write");
    for p in 1..=2 {
        let evals: String = (0..n)
            .map(|i| {
                issue(
                    i,
                    "<evaluator slope=\"0.01\" offset=\"0.0\" ftype=\"linear\"></evaluator>",
                )
            })
            .collect();
        let weights: String = (0..n)
            .map(|i| {
                format!(
                    "<weight index=\"{}\" value=\"{}\"></weight>\n",
                    i + 1,
                    1.0 / n as f64
                )
            })
            .collect();
        std::fs::write(
            dir.path().join(format!("prof{p}.xml")),
            format!("<utility_space><objective index=\"0\" name=\"root\" type=\"objective\" etype=\"objective\">\n{evals}{weights}</objective><reservation value=\"0.0\"></reservation></utility_space>\n"),
        )
        .expect("write");
    }
    dir
}

#[test]
fn a_genius_domain_beyond_the_outcome_budget_is_refused_with_advice() {
    // 100^5 = 10^10 outcomes: this used to crash allocating.
    let dir = genius_folder(5);
    for cmd in ["analyze", "negotiate"] {
        let (code, err) = refused(&[cmd, dir.path().to_str().expect("utf-8")]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains("10000000000 outcomes"), "{err}");
        assert!(
            err.contains("at most 8388608 outcomes for 2 parties"),
            "{err}"
        );
        assert!(err.contains("drop options from the largest issue"), "{err}");
        assert!(!err.contains("steps"), "{err}");
    }
}
