//! A simulation split into chunks of runs, made apart (other processes, other machines) and
//! reduced into the result [`crate::simulate`] gives, bit for bit.
//!
//! Run k under seed S depends on nothing but the scenario, the configuration and (S, k) (its
//! own RNG stream, `run::rng_for`), so runs `a..b` made anywhere are the runs `a..b` of the
//! whole simulation. [`simulate_chunk`] makes one range into a [`Chunk`] stamped with the
//! [`fingerprint`] of what it was made from; [`Chunk::to_bytes`] and [`Chunk::from_bytes`]
//! carry it between processes exactly (every `f64` by its bits); [`reduce`] checks that the
//! chunks belong to this simulation and cover runs `0..runs` in order, once each, then
//! summarises the records in run order, as `simulate` does.

use std::collections::HashMap;
use std::ops::Range;

use detente_core::format::to_toml;
use detente_core::Scenario;

use crate::classify::Class;
use crate::dynamics::params::Fnv;
use crate::run::RunRecord;
use crate::stats::{runs_in, summarise, SimConfig, SimResult};
use crate::SimError;

/// What a chunk was made from: a 64-bit FNV-1a hash of the scenario (its canonical TOML, the
/// form it travels in), the seed, the number of runs, the protocol override and every global
/// parameter. The thread count is left out: it does not change results.
pub fn fingerprint(s: &Scenario, cfg: &SimConfig) -> u64 {
    let mut h = Fnv::new();
    h.write(b"detente-sim chunk 1\0");
    h.write(to_toml(s).as_bytes());
    h.write(b"\0");
    h.write(&cfg.seed.to_le_bytes());
    h.write(&(cfg.runs as u64).to_le_bytes());
    // Debug prints every field, each f64 as the shortest text that reads back to its bits.
    h.write(format!("{:?}\0{:?}", cfg.protocol, cfg.params).as_bytes());
    h.finish()
}

/// Runs `start .. start + records.len()` of one simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The [`fingerprint`] of the scenario and configuration the runs were made under.
    pub fingerprint: u64,
    /// Runs in the whole simulation (`SimConfig::runs`).
    pub runs: u64,
    /// Index of the first run.
    pub start: u64,
    /// The runs, in run order.
    pub records: Vec<RunRecord>,
}

/// Makes runs `range` of the simulation of `s` under `cfg` (on `cfg.threads` threads; results
/// are in run order and do not depend on the thread count). `range` must lie in
/// `0..cfg.runs`. `progress` is called once per finished run.
pub fn simulate_range(
    s: &Scenario,
    cfg: &SimConfig,
    range: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<RunRecord>, SimError> {
    if range.start > range.end || range.end > cfg.runs as u64 {
        return Err(SimError::Chunk(format!(
            "runs {}..{} are not a range within the simulation's {} runs",
            range.start, range.end, cfg.runs
        )));
    }
    runs_in(s, cfg, range, &HashMap::new(), progress)
}

/// [`simulate_range`] as a [`Chunk`], stamped with the [`fingerprint`] of `s` and `cfg`.
pub fn simulate_chunk(
    s: &Scenario,
    cfg: &SimConfig,
    range: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<Chunk, SimError> {
    let start = range.start;
    let records = simulate_range(s, cfg, range, progress)?;
    Ok(Chunk {
        fingerprint: fingerprint(s, cfg),
        runs: cfg.runs as u64,
        start,
        records,
    })
}

/// The result of the simulation of `s` under `cfg` from its chunks, equal to
/// [`crate::simulate`]`(s, cfg, …)` bit for bit. The chunks must have been made from this
/// scenario and configuration (their fingerprints), be given in run order, and cover runs
/// `0..cfg.runs` exactly once; otherwise nothing is summarised and the error says which chunk
/// is wrong.
pub fn reduce(s: &Scenario, cfg: &SimConfig, chunks: Vec<Chunk>) -> Result<SimResult, SimError> {
    let fp = fingerprint(s, cfg);
    let runs = cfg.runs as u64;
    let parties = s.parties().count();
    let mut next = 0u64;
    for (k, c) in chunks.iter().enumerate() {
        let end = c.end();
        let what = format!("chunk {k} (runs {}..{end})", c.start);
        if c.fingerprint != fp || c.runs != runs {
            return Err(SimError::Chunk(format!(
                "{what} was made for another simulation (scenario, seed, run count, protocol or \
                 parameters differ: fingerprint {:016x} of {} runs, expected {fp:016x} of {runs})",
                c.fingerprint, c.runs
            )));
        }
        if c.start != next {
            return Err(SimError::Chunk(if c.start > next {
                format!(
                    "{what} follows run {next}: runs {next}..{} are missing",
                    c.start
                )
            } else {
                format!("{what} overlaps or comes before runs already given (0..{next})")
            }));
        }
        if end > runs {
            return Err(SimError::Chunk(format!(
                "{what} goes past the simulation's {runs} runs"
            )));
        }
        for (i, r) in c.records.iter().enumerate() {
            if r.values.len() != s.issues.len()
                || r.utilities.len() != parties
                || r.fired.len() != s.events.len()
            {
                return Err(SimError::Chunk(format!(
                    "{what}: run {} has {} issue values, {} utilities and {} events; the \
                     scenario has {} issues, {parties} parties and {} events",
                    c.start + i as u64,
                    r.values.len(),
                    r.utilities.len(),
                    r.fired.len(),
                    s.issues.len(),
                    s.events.len()
                )));
            }
        }
        next = end;
    }
    if next != runs {
        return Err(SimError::Chunk(format!(
            "runs {next}..{runs} are missing (the chunks end at run {next})"
        )));
    }
    let records: Vec<RunRecord> = chunks.into_iter().flat_map(|c| c.records).collect();
    Ok(summarise(s, cfg, &records))
}

const MAGIC: &[u8; 8] = b"DTNTCHK1";

impl Chunk {
    /// Index one past the last run.
    pub fn end(&self) -> u64 {
        // `start` comes from received bytes: saturate rather than overflow (reduce then refuses
        // the chunk as going past the simulation's runs).
        self.start.saturating_add(self.records.len() as u64)
    }

    /// The chunk as bytes (little-endian; every `f64` by its bits, so it reads back exactly),
    /// ending in a checksum of what precedes it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut o = Vec::with_capacity(48 + self.records.len() * 64);
        o.extend_from_slice(MAGIC);
        for x in [
            self.fingerprint,
            self.runs,
            self.start,
            self.records.len() as u64,
        ] {
            o.extend_from_slice(&x.to_le_bytes());
        }
        for r in &self.records {
            o.push(class_byte(r.class));
            o.extend_from_slice(&r.rounds.to_le_bytes());
            put_len(&mut o, r.values.len());
            for v in &r.values {
                match v {
                    None => o.push(0),
                    Some(x) => {
                        o.push(1);
                        o.extend_from_slice(&x.to_bits().to_le_bytes());
                    }
                }
            }
            put_len(&mut o, r.utilities.len());
            for u in &r.utilities {
                o.extend_from_slice(&u.to_bits().to_le_bytes());
            }
            put_len(&mut o, r.fired.len());
            o.extend(r.fired.iter().map(|&f| u8::from(f)));
            match &r.cause {
                None => o.push(0),
                Some(c) => {
                    o.push(1);
                    put_len(&mut o, c.len());
                    o.extend_from_slice(c.as_bytes());
                }
            }
        }
        let mut h = Fnv::new();
        h.write(&o);
        o.extend_from_slice(&h.finish().to_le_bytes());
        o
    }

    /// Reads [`Chunk::to_bytes`]'s output back; refuses anything else (wrong header,
    /// truncated, trailing bytes, checksum mismatch, invalid fields).
    pub fn from_bytes(bytes: &[u8]) -> Result<Chunk, SimError> {
        let bad = |m: &str| SimError::Chunk(format!("not a valid chunk: {m}"));
        if bytes.len() < MAGIC.len() + 40 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad("no detente-sim chunk header (version 1)"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut h = Fnv::new();
        h.write(body);
        if h.finish().to_le_bytes() != sum {
            return Err(bad("checksum mismatch (damaged or truncated)"));
        }
        let mut r = Reader {
            b: &body[MAGIC.len()..],
        };
        let fingerprint = r.u64()?;
        let runs = r.u64()?;
        let start = r.u64()?;
        let count = r.u64()?;
        // each record takes at least 19 bytes: never trust the count for the allocation
        let mut records = Vec::with_capacity((count as usize).min(r.b.len() / 19));
        for _ in 0..count {
            let class = match r.u8()? {
                k @ 0..=3 => Class::ALL[k as usize],
                k => return Err(bad(&format!("unknown outcome class {k}"))),
            };
            let rounds = r.u32()?;
            let n = r.len()?;
            let mut values = Vec::with_capacity(n.min(r.b.len()));
            for _ in 0..n {
                values.push(match r.u8()? {
                    0 => None,
                    1 => Some(f64::from_bits(r.u64()?)),
                    t => return Err(bad(&format!("bad value tag {t}"))),
                });
            }
            let n = r.len()?;
            let mut utilities = Vec::with_capacity(n.min(r.b.len() / 8));
            for _ in 0..n {
                utilities.push(f64::from_bits(r.u64()?));
            }
            let n = r.len()?;
            let fired = r
                .take(n)?
                .iter()
                .map(|&f| match f {
                    0 => Ok(false),
                    1 => Ok(true),
                    t => Err(bad(&format!("bad event flag {t}"))),
                })
                .collect::<Result<Vec<bool>, SimError>>()?;
            let cause = match r.u8()? {
                0 => None,
                1 => {
                    let n = r.len()?;
                    let t = std::str::from_utf8(r.take(n)?)
                        .map_err(|_| bad("a breakdown cause is not UTF-8"))?;
                    Some(t.to_string())
                }
                t => return Err(bad(&format!("bad cause tag {t}"))),
            };
            records.push(RunRecord {
                class,
                rounds,
                values,
                utilities,
                fired,
                cause,
            });
        }
        if !r.b.is_empty() {
            return Err(bad(&format!("{} bytes after the last run", r.b.len())));
        }
        Ok(Chunk {
            fingerprint,
            runs,
            start,
            records,
        })
    }
}

fn class_byte(c: Class) -> u8 {
    Class::ALL
        .iter()
        .position(|&k| k == c)
        .expect("every class is in Class::ALL") as u8
}

fn put_len(o: &mut Vec<u8>, n: usize) {
    o.extend_from_slice(&(n as u32).to_le_bytes());
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SimError> {
        if self.b.len() < n {
            return Err(SimError::Chunk(
                "not a valid chunk: it ends inside a run".into(),
            ));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, SimError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, SimError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }
    fn len(&mut self) -> Result<usize, SimError> {
        Ok(self.u32()? as usize)
    }
    fn u64(&mut self) -> Result<u64, SimError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{simulate, Params};

    fn cfg(runs: usize, seed: u64, threads: usize) -> SimConfig {
        SimConfig {
            runs,
            seed,
            threads: Some(threads),
            protocol: None,
            params: Params::default(),
        }
    }

    fn json(r: &SimResult) -> String {
        serde_json::to_string(r).expect("json")
    }

    /// Chunks at `cuts` (ascending, within 0..runs), each made, sent as bytes and read back.
    fn chunked(s: &Scenario, c: &SimConfig, cuts: &[u64]) -> Vec<Chunk> {
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(c.runs as u64);
        bounds
            .windows(2)
            .map(|w| {
                let chunk = simulate_chunk(s, c, w[0]..w[1], &|| {}).expect("chunk");
                Chunk::from_bytes(&chunk.to_bytes()).expect("reads back")
            })
            .collect()
    }

    #[test]
    fn chunks_reduce_to_the_whole_simulation_for_any_cut_and_thread_count() {
        let s = detente_core::builtin::muscat();
        let whole = simulate(&s, &cfg(90, 11, 2), &|| {}).expect("runs");
        let cuts: [&[u64]; 5] = [&[], &[45], &[1, 2, 3, 50, 89], &[30, 60], &[7, 8, 70]];
        for threads in [1, 2, 3] {
            let c = cfg(90, 11, threads);
            for cut in cuts {
                let r = reduce(&s, &c, chunked(&s, &c, cut)).expect("reduces");
                assert_eq!(r, whole, "cuts {cut:?}, {threads} threads");
                assert_eq!(json(&r), json(&whole), "cuts {cut:?}, {threads} threads");
            }
        }
        // one chunk per run
        let c = cfg(90, 11, 1);
        let each: Vec<u64> = (1..90).collect();
        assert_eq!(
            json(&reduce(&s, &c, chunked(&s, &c, &each)).expect("reduces")),
            json(&whole)
        );
        // and the records themselves are the runs of the whole simulation
        let direct = simulate_range(&s, &c, 0..90, &|| {}).expect("runs");
        assert_eq!(json(&summarise(&s, &c, &direct)), json(&whole));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8))]
        #[test]
        fn any_chunking_reduces_to_simulate(
            seed in 0u64..1000,
            mut cuts in proptest::collection::vec(1u64..40, 0..6),
        ) {
            let s = detente_core::builtin::muscat();
            let c = cfg(40, seed, 1);
            cuts.sort_unstable();
            cuts.dedup();
            let whole = simulate(&s, &c, &|| {}).expect("runs");
            let r = reduce(&s, &c, chunked(&s, &c, &cuts)).expect("reduces");
            proptest::prop_assert_eq!(json(&r), json(&whole));
        }
    }

    #[test]
    fn a_scenario_sent_as_toml_gives_the_same_runs_and_fingerprint() {
        let base = detente_core::builtin::muscat();
        let changed = crate::apply_sets(
            &base,
            &[
                "actors.iran.capability=0.3".to_string(),
                "events.military_strike.probability=0.35".to_string(),
            ],
        )
        .expect("sets apply");
        for s in [base, changed] {
            let (back, _) =
                detente_core::format::parse_toml(&to_toml(&s), "sent.toml").expect("reads back");
            let c = cfg(40, 3, 2);
            assert_eq!(fingerprint(&back, &c), fingerprint(&s, &c));
            let here = simulate(&s, &c, &|| {}).expect("runs");
            let there = reduce(&s, &c, chunked(&back, &c, &[13, 27])).expect("reduces");
            assert_eq!(json(&here), json(&there));
        }
    }

    #[test]
    fn bytes_keep_every_bit() {
        let odd = [
            -0.0,
            0.1 + 0.2,
            f64::MIN_POSITIVE / 3.0, // subnormal
            f64::MAX,
            f64::INFINITY,
            f64::from_bits(0x7ff8_0000_dead_beef), // a NaN with a payload
            1.0 / 3.0,
        ];
        let c = Chunk {
            fingerprint: 0x0123_4567_89ab_cdef,
            runs: 10,
            start: 4,
            records: vec![
                RunRecord {
                    class: Class::Breakdown,
                    rounds: 7,
                    values: odd.iter().map(|&x| Some(x)).chain([None]).collect(),
                    utilities: odd.to_vec(),
                    fired: vec![true, false, true],
                    cause: Some("walkout:ïran €".into()),
                },
                RunRecord {
                    class: Class::Interim,
                    rounds: u32::MAX,
                    values: vec![],
                    utilities: vec![],
                    fired: vec![],
                    cause: None,
                },
            ],
        };
        let back = Chunk::from_bytes(&c.to_bytes()).expect("reads back");
        assert_eq!(back.end(), 6);
        let bits = |c: &Chunk| -> Vec<u64> {
            c.records
                .iter()
                .flat_map(|r| {
                    r.values
                        .iter()
                        .map(|v| v.map_or(1, f64::to_bits))
                        .chain(r.utilities.iter().map(|u| u.to_bits()))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(bits(&back), bits(&c));
        assert_eq!(back.records[0].cause, c.records[0].cause);
        assert_eq!(back.records[1], c.records[1]);
        assert_eq!(
            (back.fingerprint, back.runs, back.start),
            (c.fingerprint, 10, 4)
        );
        assert_eq!(back.to_bytes(), c.to_bytes());
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let s = detente_core::builtin::muscat();
        let bytes = simulate_chunk(&s, &cfg(20, 1, 1), 5..12, &|| {})
            .expect("chunk")
            .to_bytes();
        assert!(Chunk::from_bytes(&bytes).is_ok());
        for cut in [0, 8, 47, bytes.len() / 2, bytes.len() - 1] {
            assert!(Chunk::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in [0, 9, 40, bytes.len() / 2, bytes.len() - 3] {
            let mut b = bytes.clone();
            b[at] ^= 0x10;
            assert!(Chunk::from_bytes(&b).is_err(), "flipped byte {at}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Chunk::from_bytes(&longer).is_err());
    }

    fn message(r: Result<SimResult, SimError>) -> String {
        match r {
            Ok(_) => panic!("reduced chunks that do not make the simulation"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn chunks_that_do_not_make_the_simulation_are_refused() {
        let s = detente_core::builtin::muscat();
        let c = cfg(30, 5, 1);
        let parts = chunked(&s, &c, &[10, 20]);
        assert!(reduce(&s, &c, parts.clone()).is_ok());
        let gap = vec![parts[0].clone(), parts[2].clone()];
        assert!(message(reduce(&s, &c, gap)).contains("runs 10..20 are missing"));
        let swapped = vec![parts[1].clone(), parts[0].clone(), parts[2].clone()];
        assert!(message(reduce(&s, &c, swapped)).contains("runs 0..10 are missing"));
        let twice = vec![parts[0].clone(), parts[0].clone(), parts[1].clone()];
        assert!(message(reduce(&s, &c, twice)).contains("overlaps"));
        let short = parts[..2].to_vec();
        assert!(message(reduce(&s, &c, short)).contains("runs 20..30 are missing"));
        assert!(message(reduce(&s, &c, vec![])).contains("runs 0..30 are missing"));
        // made under another seed, run count, scenario or parameter set
        let other_seed = chunked(&s, &cfg(30, 6, 1), &[10, 20]);
        assert!(message(reduce(&s, &c, other_seed)).contains("another simulation"));
        let longer = chunked(&s, &cfg(40, 5, 1), &[10, 20, 30]);
        assert!(message(reduce(&s, &c, longer[..3].to_vec())).contains("another simulation"));
        let changed =
            crate::apply_sets(&s, &["actors.iran.capability=0.3".to_string()]).expect("sets apply");
        let other_scenario = chunked(&changed, &c, &[10, 20]);
        assert!(message(reduce(&s, &c, other_scenario)).contains("another simulation"));
        let mut p = c.clone();
        p.params.shrink = f64::from_bits(p.params.shrink.to_bits() + 1);
        let other_params = chunked(&s, &p, &[10, 20]);
        assert!(message(reduce(&s, &c, other_params)).contains("another simulation"));
        // a record that does not fit the scenario
        let mut bent = parts.clone();
        bent[1].records[3].values.pop();
        assert!(message(reduce(&s, &c, bent)).contains("run 13 has"));
        // a start near the end of u64 (bytes can say anything): refused, no overflow
        let mut far = parts.clone();
        far[0].start = u64::MAX - 3;
        assert!(message(reduce(&s, &c, far)).contains("runs 0..18446744073709551612 are missing"));
        let mut last = parts.clone();
        last[2].start = u64::MAX - 3;
        assert!(message(reduce(&s, &c, last)).contains("runs 20..18446744073709551612 are missing"));
        // a range outside the simulation
        assert!(simulate_range(&s, &c, 25..31, &|| {}).is_err());
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 9..3;
        assert!(simulate_range(&s, &c, backwards, &|| {}).is_err());
    }

    #[test]
    fn the_fingerprint_ignores_threads_only() {
        let s = detente_core::builtin::muscat();
        let base = fingerprint(&s, &cfg(100, 1, 1));
        assert_eq!(fingerprint(&s, &cfg(100, 1, 4)), base);
        assert_ne!(fingerprint(&s, &cfg(100, 2, 1)), base);
        assert_ne!(fingerprint(&s, &cfg(101, 1, 1)), base);
        let mut p = cfg(100, 1, 1);
        p.protocol = Some(detente_negotiate::scenario::ProtocolKind::Sao);
        assert_ne!(fingerprint(&s, &p), base);
        let mut q = cfg(100, 1, 1);
        q.params.pace += 1.0;
        assert_ne!(fingerprint(&s, &q), base);
    }
}
