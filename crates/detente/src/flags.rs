//! Checks of numeric flags against the documented limits (`detente_core::limits`,
//! docs/limits.md): a value past a limit is refused up front with the limit and the reason,
//! instead of an allocation failure or a job that never ends.

use detente_app::limits;

use crate::render::CliError;

fn integer<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.trim()
        .parse::<T>()
        .map_err(|_| format!("`{s}` is not a whole number ({what})"))
}

/// `--steps`: from 2 (the two ends of the range) to the limit.
pub fn steps(s: &str) -> Result<usize, String> {
    let v: usize = integer(s, "steps per continuous issue")?;
    limits::steps(v).map_err(|e| e.to_string())
}

/// `--rounds` of a session: from 1 to the limit.
pub fn rounds(s: &str) -> Result<u32, String> {
    let v: u64 = integer(s, "protocol rounds")?;
    limits::rounds(v).map_err(|e| e.to_string())
}

/// A `--runs`-like flag: at most the limit.
pub fn check_runs(flag: &str, runs: usize) -> Result<(), CliError> {
    limits::runs(flag, runs)
        .map(|_| ())
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// `--threads`: at most the limit.
pub fn check_threads(threads: Option<usize>) -> Result<(), CliError> {
    limits::threads(threads)
        .map(|_| ())
        .map_err(|e| CliError::Usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::limits::{MAX_RUNS, MAX_THREADS};

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
