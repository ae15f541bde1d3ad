//! A stable-toolchain fuzz harness: proptest mutates the example files (the bad-input corpus,
//! the built-in scenarios and the BDM, KTAB and GENIUS reference files in `../shared/data`) and
//! feeds every mutant to every parser and to validation. Bad input must be a value, never a
//! panic (ARCHITECTURE.md).
//!
//! The test suite runs a bounded number of cases (`DETENTE_FUZZ_CASES`, default 2000); a longer
//! run, as recorded in docs/limits.md:
//!
//! ```sh
//! DETENTE_FUZZ_CASES=100000 cargo test --release -p detente-core --test fuzz_parsers -- --nocapture
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_core::format::{parse_toml, parse_toml_bytes, to_toml};
use detente_core::import::genius::{parse_domain, parse_profile, GeniusIssue};
use detente_core::import::{bdm, ktab};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// One example file, with the issues of its GENIUS domain when it is a GENIUS profile.
struct Seed {
    name: String,
    bytes: Vec<u8>,
    issues: Vec<GeniusIssue>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> Option<PathBuf> {
    [
        repo().join("../shared/data"),
        repo().join("../../shared/data"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "toml" | "csv" | "xml" | "txt"))
            && p.metadata().is_ok_and(|m| m.len() < 256 << 10)
        {
            out.push(p);
        }
    }
}

fn seeds() -> Vec<Seed> {
    let mut paths = Vec::new();
    files_under(&repo().join("tests/bad-inputs"), &mut paths);
    files_under(&repo().join("scenarios"), &mut paths);
    if let Some(s) = shared() {
        for d in ["bdm", "ktab", "genius"] {
            files_under(&s.join(d), &mut paths);
        }
    }
    let mut out = Vec::new();
    for p in paths {
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        // A GENIUS profile is parsed against the issues of a domain file beside it.
        let issues = p
            .parent()
            .and_then(|dir| std::fs::read_dir(dir).ok())
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|q| q.extension().is_some_and(|e| e == "xml"))
            .filter_map(|q| std::fs::read(&q).ok())
            .find_map(|b| parse_domain(&b, "domain.xml").ok())
            .map(|(issues, _)| issues)
            .unwrap_or_default();
        out.push(Seed {
            name: p.display().to_string(),
            bytes,
            issues,
        });
    }
    out
}

/// Tokens that often break parsers: special numbers, separators, quotes, markup, odd text.
const TOKENS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "NaN",
    "1e308",
    "-1e308",
    "1e-320",
    "0",
    "-0",
    "-1",
    "2.5",
    "18446744073709551616",
    "99999999999999999999",
    ",",
    ",,",
    "\n",
    "\r\n",
    "\"",
    "'",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "#",
    ".",
    "<",
    ">",
    "/>",
    "</",
    "<!--",
    "&amp;",
    "&x;",
    "<![CDATA[",
    "\u{feff}",
    "é",
    "\u{200b}",
    "\t",
    " ",
    "\\",
    "\\u0000",
    "actors",
    "issues",
    "positions",
    "id",
    "capability",
    "salience",
    "position",
    "rounds = 1000000",
];

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::FlipByte(a, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), 1usize..64).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 1usize..256, any::<usize>())
            .prop_map(|(a, n, to)| Mutation::Duplicate(a, n, to)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |x: usize, len: usize| if len == 0 { 0 } else { x % (len + 1) };
    match *m {
        Mutation::FlipByte(a, b) if !bytes.is_empty() => {
            let i = a % bytes.len();
            bytes[i] = b;
        }
        Mutation::FlipByte(..) => {}
        Mutation::Insert(a, t) => {
            let i = at(a, bytes.len());
            bytes.splice(i..i, TOKENS[t].bytes());
        }
        Mutation::Delete(a, n) => {
            let i = at(a, bytes.len());
            let j = (i + n).min(bytes.len());
            bytes.drain(i..j);
        }
        Mutation::Duplicate(a, n, to) => {
            let i = at(a, bytes.len());
            let j = (i + n).min(bytes.len());
            let piece: Vec<u8> = bytes[i..j].to_vec();
            let k = at(to, bytes.len());
            bytes.splice(k..k, piece);
        }
        Mutation::Truncate(a) => {
            let i = at(a, bytes.len());
            bytes.truncate(i);
        }
    }
}

/// Every parser and validation on one input; results are ignored, panics are failures.
fn every_parser(bytes: &[u8], issues: &[GeniusIssue]) {
    if let Ok((s, _)) = parse_toml_bytes(bytes, "fuzz.toml") {
        // What was accepted must write out and read back without a panic.
        let _ = parse_toml(&to_toml(&s), "again.toml");
    }
    let imported = [
        bdm::import(bytes, "fuzz.csv"),
        ktab::import(bytes, "fuzz.csv"),
    ];
    for (s, _) in imported.into_iter().flatten() {
        let _ = parse_toml(&to_toml(&s), "imported.toml");
        let _ = detente_core::validate::validate(&s);
    }
    let _ = ktab::parse_csv(bytes, "fuzz.csv");
    let _ = ktab::parse_xml(bytes, "fuzz.xml");
    let _ = parse_domain(bytes, "fuzz-domain.xml");
    let _ = parse_profile(bytes, "fuzz-profile.xml", issues);
    // Diagnostics of any failure format without a panic as well.
    if let Err(e) = parse_toml_bytes(bytes, "fuzz.toml") {
        let _ = e.to_string();
        if let detente_core::LoadError::Invalid { problems, .. } = e {
            let _ = problems.to_string();
        }
    }
}

#[test]
fn mutated_examples_never_panic_a_parser() {
    let seeds = seeds();
    assert!(
        seeds.len() >= 20,
        "only {} example files found",
        seeds.len()
    );
    for s in &seeds {
        every_parser(&s.bytes, &s.issues);
    }
    let cases: u32 = std::env::var("DETENTE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = AtomicUsize::new(0);
    let strategy = (0..seeds.len(), proptest::collection::vec(mutation(), 1..8));
    let result = runner.run(&strategy, |(k, muts)| {
        let seed = &seeds[k];
        let mut bytes = seed.bytes.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let outcome = std::panic::catch_unwind(|| every_parser(&bytes, &seed.issues));
        ran.fetch_add(1, Ordering::Relaxed);
        prop_assert!(
            outcome.is_ok(),
            "a parser panicked on {} mutated by {:?}",
            seed.name,
            muts
        );
        Ok(())
    });
    println!(
        "fuzz_parsers: {} seeds, {} mutated cases, no panic: {}",
        seeds.len(),
        ran.load(Ordering::Relaxed),
        result.is_ok()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
