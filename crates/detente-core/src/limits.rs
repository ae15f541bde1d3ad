//! Documented limits on inputs and jobs (see `docs/limits.md`). Past each one detente refuses
//! with a message naming the limit, why it exists and what to change, instead of running out of
//! memory or time.

use std::io::Read;
use std::path::Path;

use crate::diag::LoadError;

/// Largest input file detente reads (scenario TOML, BDM, KTAB, GENIUS, overlay, calibration):
/// 16 MiB. The largest real scenarios are a few hundred KiB.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Most actors in a scenario: BDM keeps an (n + 1) × n table per issue and SMP costs O(n³) a
/// turn (1,000 actors × 5 issues: about 5 s for BDM, 5 minutes for SMP; bench/README.md).
pub const MAX_ACTORS: usize = 1_000;

/// Most issues in a scenario: every model and the simulation loop over issues × actors².
pub const MAX_ISSUES: usize = 100;

/// The error for `n` actors, when above [`MAX_ACTORS`].
pub fn too_many_actors(n: usize) -> Option<String> {
    (n > MAX_ACTORS).then(|| format!(
        "{n} actors is above the limit of {MAX_ACTORS}: the models' cost grows with the square (BDM) or the cube (SMP) of the actor count; merge minor actors into groups (see docs/limits.md)"
    ))
}

/// The error for `n` issues, when above [`MAX_ISSUES`].
pub fn too_many_issues(n: usize) -> Option<String> {
    (n > MAX_ISSUES).then(|| format!(
        "{n} issues is above the limit of {MAX_ISSUES}: split the scenario into negotiations over fewer issues (see docs/limits.md)"
    ))
}

/// Largest magnitude of a capability or an issue bound: models square distances on an
/// issue's range and sum capability × salience over actors, which must stay finite.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Most protocol rounds of a session (scenario `protocol.rounds`, `negotiate --rounds`): a
/// round is one offer carried; each simulated future plays up to this many, so the cost of a
/// simulation grows with runs × rounds.
pub const MAX_ROUNDS: u32 = 1_000;

/// Most simulated futures of one job (`--runs`): 1,000,000 runs put a 95 % interval of about
/// ±0.1 point on every probability, far below the model's own error.
pub const MAX_RUNS: usize = 1_000_000;

/// Most worker threads (`--threads`): more threads than this only add scheduling overhead.
pub const MAX_THREADS: usize = 1_024;

/// Most steps a continuous issue is discretised into (`--steps`).
pub const MAX_STEPS: usize = 1_000;

/// Memory a negotiation may spend ranking its outcome space: every party keeps a ranking of
/// every outcome (utility and index, [`BYTES_PER_OUTCOME_AND_PARTY`] bytes).
pub const OUTCOME_MEMORY_BYTES: u64 = 256 << 20;

/// Bytes of ranking per outcome and party.
pub const BYTES_PER_OUTCOME_AND_PARTY: u64 = 16;

/// Largest outcome space a negotiation among `parties` parties may have: what
/// [`OUTCOME_MEMORY_BYTES`] can rank (8,388,608 outcomes for 2 parties, 4,194,304 for 4).
pub fn max_outcomes(parties: usize) -> u64 {
    OUTCOME_MEMORY_BYTES / (BYTES_PER_OUTCOME_AND_PARTY * parties.max(2) as u64)
}

/// Reads an input file, refusing what is not a regular file (a FIFO would block forever,
/// `/dev/zero` would never end) and files above [`MAX_INPUT_BYTES`].
///
/// This and the GENIUS folder loader are the only places the core touches the file system.
pub fn read_input(path: &Path) -> Result<Vec<u8>, LoadError> {
    let io = |source: std::io::Error| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let refuse = |msg: String| io(std::io::Error::new(std::io::ErrorKind::InvalidInput, msg));
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file (a FIFO, device or socket); detente reads regular files only"
                .into(),
        ));
    }
    let too_large = |n: u64| {
        refuse(format!(
            "the file is {n} bytes, above the limit of {MAX_INPUT_BYTES} bytes (16 MiB) for input files; see docs/limits.md"
        ))
    };
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_limits_follow_the_memory_budget() {
        assert_eq!(max_outcomes(2), 8_388_608);
        assert_eq!(max_outcomes(4), 4_194_304);
        assert_eq!(max_outcomes(0), max_outcomes(2));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused() {
        for p in ["/dev/zero", "/dev/null", "/"] {
            let e = read_input(Path::new(p)).expect_err(p).to_string();
            assert!(e.contains("not a regular file"), "{p}: {e}");
        }
    }
}
