//! Checks of numeric flags against the documented limits (`detente_core::limits`,
//! docs/limits.md): a value past a limit is refused up front with the limit and the reason,
//! instead of an allocation failure or a job that never ends.

use detente_core::limits::{MAX_ROUNDS, MAX_RUNS, MAX_STEPS, MAX_THREADS};

use crate::render::CliError;

fn integer<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.trim()
        .parse::<T>()
        .map_err(|_| format!("`{s}` is not a whole number ({what})"))
}

/// `--steps`: from 2 (the two ends of the range) to [`MAX_STEPS`].
pub fn steps(s: &str) -> Result<usize, String> {
    let v: usize = integer(s, "steps per continuous issue")?;
    if v < 2 {
        return Err(format!(
            "{v} is too few: a continuous issue needs at least 2 steps (its two ends)"
        ));
    }
    if v > MAX_STEPS {
        return Err(format!(
            "{v} is above the limit of {MAX_STEPS} steps per continuous issue: every step multiplies the outcome space (see docs/limits.md)"
        ));
    }
    Ok(v)
}

/// `--rounds` of a session: from 1 to [`MAX_ROUNDS`].
pub fn rounds(s: &str) -> Result<u32, String> {
    let v: u64 = integer(s, "protocol rounds")?;
    if v == 0 || v > MAX_ROUNDS as u64 {
        return Err(format!(
            "{v} is outside 1..={MAX_ROUNDS}: a session's cost and trace grow with its rounds (see docs/limits.md)"
        ));
    }
    Ok(v as u32)
}

/// A `--runs`-like flag: at most [`MAX_RUNS`].
pub fn check_runs(flag: &str, runs: usize) -> Result<(), CliError> {
    if runs > MAX_RUNS {
        return Err(CliError::Usage(format!(
            "{flag} {runs} is above the limit of {MAX_RUNS} runs: that many already put a 95 % interval of about ±0.1 point on every probability (see docs/limits.md)"
        )));
    }
    Ok(())
}

/// `--threads`: at most [`MAX_THREADS`].
pub fn check_threads(threads: Option<usize>) -> Result<(), CliError> {
    match threads {
        Some(t) if t > MAX_THREADS => Err(CliError::Usage(format!(
            "--threads {t} is above the limit of {MAX_THREADS}: more threads than cores only add overhead (see docs/limits.md)"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_rounds_are_bounded() {
        assert_eq!(steps("11"), Ok(11));
        for bad in [
            "0",
            "1",
            "1001",
            "18446744073709551615",
            "99999999999999999999",
            "-1",
            "x",
        ] {
            assert!(steps(bad).is_err(), "{bad}");
        }
        assert_eq!(rounds("1000"), Ok(1000));
        for bad in ["0", "1001", "100000", "4294967296", "x"] {
            assert!(rounds(bad).is_err(), "{bad}");
        }
        assert!(check_runs("--runs", MAX_RUNS).is_ok());
        assert!(check_runs("--runs", MAX_RUNS + 1).is_err());
        assert!(check_threads(Some(MAX_THREADS)).is_ok());
        assert!(check_threads(Some(10_000)).is_err());
        assert!(check_threads(None).is_ok());
    }
}
