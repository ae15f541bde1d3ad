//! The global parameters of the dynamics: the same for every scenario, fitted (the few that
//! are) on the historical cases by `detente calibrate`, shipped in `calibration.toml`.

use serde::{Deserialize, Serialize};

/// The shipped calibration file (written by `detente calibrate`).
pub const SHIPPED: &str = include_str!("../../calibration.toml");

/// Global parameters of the strategic dynamics (docs/dynamics.md states each one's role).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Concession pace: a negotiator with discount factor δ concedes a share 1 − δ^pace of the
    /// distance between its aspiration and its reservation value each round. Fitted.
    pub pace: f64,
    /// Escalation hazard per unit of utility by which walking away or fighting beats the
    /// expected settlement: h = 1 − exp(−hazard · gap). Fitted.
    pub hazard: f64,
    /// Spoiler hazard scale. Fitted.
    pub spoil: f64,
    /// Contest success exponent γ in p_i = C_i^γ / Σ C_j^γ (1: Tullock's ratio form).
    pub gamma: f64,
    /// Discount factor of a party that states none.
    pub discount: f64,
    /// Share of the capability-weighted gap a stakeholder pulls a party's position each round.
    pub pull: f64,
    /// How far stakeholders shift a party's walk-away value per unit of their stake.
    pub sway: f64,
    /// Credibility a mediator lends to its own proposals, per unit of relative capability.
    pub credit: f64,
    /// Share of its private information a party reveals in direct talks (0 in indirect talks).
    pub reveal: f64,
    /// Standard deviation of each party's private resolve: a shock to its walk-away value,
    /// drawn per run, that the others do not see. Fitted.
    pub resolve: f64,
    /// Weight of the uniform distribution mixed into the simulated class shares to give the
    /// calibrated probabilities: p = (1 − shrink) · share + shrink / 4 (the model's
    /// overconfidence, measured on the cases). Fitted.
    pub shrink: f64,
}

impl Default for Params {
    fn default() -> Self {
        Calibration::shipped().params
    }
}

impl Params {
    /// The a-priori values, before any fitting (also the centre of the calibration grid).
    pub const PRIOR: Params = Params {
        pace: 10.0,
        hazard: 4.0,
        spoil: 4.0,
        gamma: 1.0,
        discount: 0.95,
        pull: 0.1,
        sway: 0.2,
        credit: 0.1,
        reveal: 0.5,
        resolve: 0.05,
        shrink: 0.0,
    };

    /// Names of the fitted parameters, in grid order.
    pub const FITTED: [&'static str; 5] = ["pace", "hazard", "spoil", "resolve", "shrink"];

    /// A copy with the fitted parameters replaced.
    pub fn with_fitted(mut self, v: [f64; 5]) -> Params {
        self.pace = v[0];
        self.hazard = v[1];
        self.spoil = v[2];
        self.resolve = v[3];
        self.shrink = v[4];
        self
    }

    /// The fitted parameters' values.
    pub fn fitted(&self) -> [f64; 5] {
        [
            self.pace,
            self.hazard,
            self.spoil,
            self.resolve,
            self.shrink,
        ]
    }

    /// Calibrated probabilities from simulated class shares (see [`Params::shrink`]).
    pub fn calibrate(&self, shares: [f64; 4]) -> [f64; 4] {
        shares.map(|p| (1.0 - self.shrink) * p + self.shrink / 4.0)
    }
}

/// One held-out case's parameters (fitted on every other case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldOut {
    /// Case id (folder name).
    pub case: String,
    /// Hash of the case's scenario the fit saw (FNV-1a 64 of its canonical TOML, hex).
    pub scenario_hash: String,
    /// Parameters fitted on all the other cases.
    pub params: Params,
}

/// A calibration file: the parameters fitted on every case, and one leave-one-out fit per case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// File format version (1).
    pub version: u32,
    /// Runs per case and grid point used by the fit.
    pub runs: usize,
    /// Seed used by the fit.
    pub seed: u64,
    /// The loss minimised (mean multi-class log score, negated).
    pub loss: String,
    /// Parameters fitted on every case: the defaults for new scenarios.
    pub params: Params,
    /// Leave-one-out fits, one per case.
    #[serde(default)]
    pub held_out: Vec<HeldOut>,
}

impl Calibration {
    /// The calibration shipped with this build.
    pub fn shipped() -> Calibration {
        // The shipped file is checked by a unit test; a broken build falls back to the prior.
        toml::from_str(SHIPPED).unwrap_or(Calibration {
            version: 1,
            runs: 0,
            seed: 0,
            loss: String::new(),
            params: Params::PRIOR,
            held_out: Vec::new(),
        })
    }

    /// Reads a calibration file's text.
    pub fn parse(text: &str) -> Result<Calibration, String> {
        let c: Calibration = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.version != 1 {
            return Err(format!(
                "unsupported calibration version {}; this build reads version 1",
                c.version
            ));
        }
        for p in std::iter::once(&c.params).chain(c.held_out.iter().map(|h| &h.params)) {
            p.check()?;
        }
        Ok(c)
    }

    /// The parameters fitted without case `id` whose scenario hashes to `hash`, if recorded.
    pub fn held_out_for(&self, id: &str, hash: &str) -> Option<Params> {
        self.held_out
            .iter()
            .find(|h| h.case == id && h.scenario_hash == hash)
            .map(|h| h.params)
    }
}

impl Params {
    /// Checks every value is usable.
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("pace", self.pace, 0.0, 1e3),
            ("hazard", self.hazard, 0.0, 1e4),
            ("spoil", self.spoil, 0.0, 1e3),
            ("gamma", self.gamma, 0.0, 10.0),
            ("discount", self.discount, 1e-6, 1.0),
            ("pull", self.pull, 0.0, 1.0),
            ("sway", self.sway, 0.0, 10.0),
            ("credit", self.credit, 0.0, 1.0),
            ("reveal", self.reveal, 0.0, 1.0),
            ("resolve", self.resolve, 0.0, 1.0),
            ("shrink", self.shrink, 0.0, 1.0),
        ];
        for (name, v, lo, hi) in fields {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                return Err(format!(
                    "parameter `{name}` is {v}; expected a number in [{lo}, {hi}]"
                ));
            }
        }
        Ok(())
    }
}

/// FNV-1a 64-bit hash of bytes, as 16 hex digits (identifies the case file a fit saw).
pub fn hash_bytes(bytes: &[u8]) -> String {
    let mut h = Fnv::new();
    h.write(bytes);
    format!("{:016x}", h.finish())
}

/// 64-bit FNV-1a, fed in parts (case hashes here, chunk fingerprints and checksums).
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calibration_reads_and_is_valid() {
        let c = Calibration::parse(SHIPPED).expect("shipped calibration");
        c.params.check().expect("valid");
        assert_eq!(Params::default(), c.params);
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(Calibration::parse("version = 2").is_err());
        let mut text = SHIPPED.replace("version = 1", "version = 1\n");
        text = text.replacen("pace = ", "pace = -1.0\n#", 1);
        assert!(Calibration::parse(&text).is_err());
    }
}
