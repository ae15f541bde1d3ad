//! The shipped historical cases: at least 12, every class at least twice, every scenario
//! written as of a date before its outcome, every file valid.

use std::path::Path;

use detente_backtest::{load_cases, Class4};

#[test]
fn the_shipped_cases_are_complete_and_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases");
    let cases = load_cases(&dir).expect("every case loads");
    assert!(cases.len() >= 12, "{} cases", cases.len());
    for class in Class4::ALL {
        let n = cases
            .iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.class == class))
            .count();
        assert!(n >= 2, "{class}: {n} cases");
    }
    for c in &cases {
        let as_of = c
            .scenario
            .meta
            .as_of
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no meta.as_of", c.id));
        let outcome = c.outcome.as_ref().expect("outcome");
        assert!(
            as_of < outcome.date.as_str(),
            "{}: as_of {as_of} is not before {}",
            c.id,
            outcome.date
        );
        assert!(!c.scenario.meta.sources.is_empty(), "{}: no sources", c.id);
        let problems = detente_core::validate::validate(&c.scenario);
        assert!(!problems.has_errors(), "{}: {problems}", c.id);
        assert_ne!(c.id, "muscat-2026", "the flagship is not a case");
    }
}
