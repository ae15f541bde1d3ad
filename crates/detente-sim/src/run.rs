//! One simulated future: draw the uncertain numbers, decide which events fire, play the rounds
//! under the strategic dynamics (`dynamics::session`).

use std::collections::HashMap;

use detente_core::{Scenario, Target};
use detente_negotiate::scenario::ProtocolKind;
use rand::Rng;
use rand_pcg::Pcg64;

use crate::classify::Class;
use crate::draw::draw;
use crate::dynamics::params::Params;
use crate::dynamics::session;
use crate::SimError;

/// What one run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The outcome class.
    pub class: Class,
    /// Scenario round at which the run ended (agreement, breakdown, or the last round).
    pub rounds: u32,
    /// Per scenario issue: the settled value (deal or interim package), `None` otherwise
    /// (deferred, or no agreement).
    pub values: Vec<Option<f64>>,
    /// Per party (scenario order): utility of the result (walk-away value without agreement).
    pub utilities: Vec<f64>,
    /// Per event: whether it fired.
    pub fired: Vec<bool>,
    /// Why a breakdown happened: `threat:<id>`, `walkout:<actor>`, `escalation:<actor>`,
    /// `spoiler:<actor>` or `event:<id>`; `None` for the other classes.
    pub cause: Option<String>,
}

/// The RNG of run `index` under `seed`: independent streams, the same whatever the thread count.
pub(crate) fn rng_for(seed: u64, index: u64) -> Pcg64 {
    let mut z = seed
        ^ index
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Pcg64::new(
        u128::from(z ^ (z >> 31)) << 64 | u128::from(index),
        0x0a02_bdbf_7bb3_c0a7_ac28_fa16_a64a_bf96,
    )
}

/// Applies one event effect; true if it changed a position or salience (utilities change).
pub(crate) fn apply_effects(s: &mut Scenario, target: Target, amount: f64) -> bool {
    match target {
        Target::Position { actor, issue } => {
            let (lo, hi) = s.issues[issue].range();
            if let Some(st) = s
                .stances
                .iter_mut()
                .find(|st| st.actor == actor && st.issue == issue)
            {
                st.position.value = (st.position.value + amount).clamp(lo, hi);
                return true;
            }
            false
        }
        Target::Salience { actor, issue } => {
            if let Some(st) = s
                .stances
                .iter_mut()
                .find(|st| st.actor == actor && st.issue == issue)
            {
                st.salience.value = (st.salience.value + amount).clamp(0.0, 1.0);
                return true;
            }
            false
        }
        Target::Capability { actor } => {
            s.actors[actor].capability.value =
                (s.actors[actor].capability.value + amount).max(1e-9);
            false
        }
        Target::Batna { actor } => {
            let b = s.actors[actor]
                .batna
                .get_or_insert(detente_core::Param::fixed(0.0));
            b.value = (b.value + amount).clamp(0.0, 1.0);
            false
        }
    }
}

/// Runs future number `index` of `base` (deterministic given `seed` and `index`): draws every
/// uncertain number, decides which events fire, and plays the rounds.
pub fn run_one(
    base: &Scenario,
    protocol: Option<ProtocolKind>,
    seed: u64,
    index: u64,
    overrides: &HashMap<String, f64>,
    params: &Params,
) -> Result<RunRecord, SimError> {
    if !base
        .actors
        .iter()
        .any(|a| a.role == detente_core::Role::Party)
    {
        return Err(SimError::Negotiation("the scenario has no party".into()));
    }
    let mut rng = rng_for(seed, index);
    let s = draw(base, &mut rng, overrides);
    let fired: Vec<bool> = s
        .events
        .iter()
        .map(|e| rng.gen::<f64>() < e.probability.value)
        .collect();
    Ok(session::play(base, s, fired, protocol, params, &mut rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_deterministic() {
        let s = detente_core::builtin::muscat();
        let a = run_one(&s, None, 42, 3, &HashMap::new(), &Params::default()).expect("runs");
        let b = run_one(&s, None, 42, 3, &HashMap::new(), &Params::default()).expect("runs");
        assert_eq!(a, b);
        assert_eq!(a.fired.len(), s.events.len());
    }

    #[test]
    fn a_certain_escalation_in_round_one_is_a_breakdown() {
        let mut s = detente_core::builtin::muscat();
        let k = s
            .events
            .iter()
            .position(|e| e.escalation)
            .expect("escalation event");
        s.events[k].round = Some(1);
        let mut ov = HashMap::new();
        ov.insert(format!("events.{}.probability", s.events[k].id), 1.0);
        let r = run_one(&s, None, 1, 0, &ov, &Params::default()).expect("runs");
        assert_eq!(r.class, Class::Breakdown);
        assert_eq!(r.cause.as_deref(), Some("event:military_strike"));
        assert_eq!(r.rounds, 1);
    }
}
