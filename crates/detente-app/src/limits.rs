//! The documented limits on job sizes (`detente_core::limits`, docs/limits.md), checked here
//! so that every front refuses the same values with the same words: the CLI's flags and the
//! Python package's arguments alike. A value past a limit is refused before any work starts,
//! with the limit and the reason, instead of an allocation failure or a job that never ends.

use detente_core::limits::{MAX_ROUNDS, MAX_RUNS, MAX_STEPS, MAX_THREADS};

use crate::AppError;

/// Steps per continuous issue: from 2 (the two ends of the range) to [`MAX_STEPS`].
pub fn steps(v: usize) -> Result<usize, AppError> {
    if v < 2 {
        return Err(AppError::Limit(format!(
            "{v} is too few: a continuous issue needs at least 2 steps (its two ends)"
        )));
    }
    if v > MAX_STEPS {
        return Err(AppError::Limit(format!(
            "{v} is above the limit of {MAX_STEPS} steps per continuous issue: every step multiplies the outcome space (see docs/limits.md)"
        )));
    }
    Ok(v)
}

/// Protocol rounds of a session: from 1 to [`MAX_ROUNDS`].
pub fn rounds(v: u64) -> Result<u32, AppError> {
    if v == 0 || v > u64::from(MAX_ROUNDS) {
        return Err(AppError::Limit(format!(
            "{v} is outside 1..={MAX_ROUNDS}: a session's cost and trace grow with its rounds (see docs/limits.md)"
        )));
    }
    Ok(v as u32)
}

/// Simulated futures of one job (`what` names the setting, e.g. `--runs`): at most
/// [`MAX_RUNS`].
pub fn runs(what: &str, v: usize) -> Result<usize, AppError> {
    if v > MAX_RUNS {
        return Err(AppError::Limit(format!(
            "{what} {v} is above the limit of {MAX_RUNS} runs: that many already put a 95 % interval of about ±0.1 point on every probability (see docs/limits.md)"
        )));
    }
    Ok(v)
}

/// Worker threads: at most [`MAX_THREADS`] (`None`: all cores).
pub fn threads(t: Option<usize>) -> Result<Option<usize>, AppError> {
    match t {
        Some(t) if t > MAX_THREADS => Err(AppError::Limit(format!(
            "--threads {t} is above the limit of {MAX_THREADS}: more threads than cores only add overhead (see docs/limits.md)"
        ))),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_refuses_past_it_and_accepts_at_it() {
        assert!(steps(2).is_ok() && steps(MAX_STEPS).is_ok());
        for bad in [0, 1, MAX_STEPS + 1, usize::MAX] {
            assert!(matches!(steps(bad), Err(AppError::Limit(_))), "{bad}");
        }
        assert_eq!(rounds(u64::from(MAX_ROUNDS)).ok(), Some(MAX_ROUNDS));
        for bad in [0, u64::from(MAX_ROUNDS) + 1, u64::MAX] {
            assert!(rounds(bad).is_err(), "{bad}");
        }
        assert!(runs("--runs", MAX_RUNS).is_ok());
        assert!(runs("--runs", MAX_RUNS + 1).is_err());
        assert!(threads(Some(MAX_THREADS)).is_ok() && threads(None).is_ok());
        assert!(threads(Some(10_000)).is_err());
    }
}
