//! One simulated future: draw, fire events, negotiate segment by segment, classify.

use std::collections::HashMap;

use detente_core::{Scenario, Target};
use detente_negotiate::protocol::Ranked;
use detente_negotiate::scenario::{ProtocolKind, RunSpec, ScenarioProblem, DEFAULT_STEPS};
use rand::Rng;
use rand_pcg::Pcg64;

use crate::classify::Class;
use crate::draw::draw;
use crate::SimError;

/// What one run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The outcome class.
    pub class: Class,
    /// Scenario round at which the run ended (agreement, breakdown, or the last round).
    pub rounds: u32,
    /// Per scenario issue: the settled value (deal or interim package), `None` otherwise.
    pub values: Vec<Option<f64>>,
    /// Per party (scenario order): utility of the result (BATNA without agreement).
    pub utilities: Vec<f64>,
    /// Per event: whether it fired.
    pub fired: Vec<bool>,
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

fn apply(s: &mut Scenario, target: Target, amount: f64) -> bool {
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
            true
        }
    }
}

/// Memory a thread reuses from one run to the next (the parties' outcome rankings); what it
/// holds never changes a run's result.
#[derive(Debug, Default)]
pub struct Workspace {
    ranked: Vec<Ranked>,
}

/// Runs future number `index` of `base` (deterministic given `seed` and `index`).
pub fn run_one(
    base: &Scenario,
    protocol: Option<ProtocolKind>,
    seed: u64,
    index: u64,
    overrides: &HashMap<String, f64>,
) -> Result<RunRecord, SimError> {
    run_one_in(
        &mut Workspace::default(),
        base,
        protocol,
        seed,
        index,
        overrides,
    )
}

/// [`run_one`] reusing `ws`'s memory: the same result, without allocating the rankings anew.
pub fn run_one_in(
    ws: &mut Workspace,
    base: &Scenario,
    protocol: Option<ProtocolKind>,
    seed: u64,
    index: u64,
    overrides: &HashMap<String, f64>,
) -> Result<RunRecord, SimError> {
    let mut rng = rng_for(seed, index);
    let mut s = draw(base, &mut rng, overrides);
    let total = s.protocol.rounds.max(1);
    // Which events fire, and when (an event placed only by date acts from round 1).
    let fired: Vec<bool> = s
        .events
        .iter()
        .map(|e| rng.gen::<f64>() < e.probability.value)
        .collect();
    let at = |k: usize| s.events[k].round.unwrap_or(1).max(1);
    let escalation = (0..s.events.len())
        .filter(|&k| fired[k] && s.events[k].escalation)
        .map(at)
        .min();
    let mut boundaries: Vec<u32> = (0..s.events.len())
        .filter(|&k| fired[k] && !s.events[k].effects.is_empty() && at(k) > 1 && at(k) <= total)
        .map(at)
        .collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    let events = s.events.clone();
    let apply_round = |s: &mut Scenario, r: u32, first: bool| -> bool {
        let mut changed = false;
        for (k, e) in events.iter().enumerate() {
            let when = e.round.unwrap_or(1).max(1);
            if fired[k] && (when == r || (first && when <= r)) {
                for eff in &e.effects {
                    changed |= apply(s, eff.target, eff.amount.value);
                }
            }
        }
        changed
    };
    apply_round(&mut s, 1, true);
    let mut problem = ScenarioProblem::from_scenario(&s, DEFAULT_STEPS)
        .map_err(|e| SimError::Negotiation(e.to_string()))?;
    let n = problem.domain.n_parties().max(1) as u32;
    let mut spec = RunSpec::defaults_for(&s, n as usize);
    if let Some(p) = protocol {
        spec.protocol = p;
    }
    spec.seed = rng.gen();
    let parties = problem.actors.clone();
    // Rankings are the costly part of a session: a party whose utilities an event leaves
    // unchanged (a BATNA or capability shift) keeps its ranking for the next segment.
    let ranked = &mut ws.ranked;
    ranked.truncate(problem.domain.n_parties());
    for (p, u) in problem.domain.utilities.iter().enumerate() {
        match ranked.get_mut(p) {
            Some(r) => r.rebuild(&problem.domain.space, u),
            None => ranked.push(Ranked::new(&problem.domain.space, u)),
        }
    }
    let stop = escalation.unwrap_or(total + 1).min(total + 1);
    let mut starts = vec![1u32];
    starts.extend(boundaries.iter().copied().filter(|&r| r < stop));
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(stop); // exclusive scenario round
        if k > 0 && apply_round(&mut s, start, false) {
            let next = ScenarioProblem::from_scenario(&s, DEFAULT_STEPS)
                .map_err(|e| SimError::Negotiation(e.to_string()))?;
            let same_space = next.domain.space == problem.domain.space;
            for (p, u) in next.domain.utilities.iter().enumerate() {
                if !(same_space && u.same_utilities(&problem.domain.utilities[p])) {
                    ranked[p].rebuild(&next.domain.space, u);
                }
            }
            problem = next;
        }
        if k > 0 {
            // BATNA shifts change reservation values without changing the outcome ranking.
            for (p, &a) in parties.iter().enumerate() {
                problem.domain.utilities[p].reservation =
                    s.actors[a].batna.map(|b| b.value).unwrap_or(0.0);
            }
        }
        let window = ((start - 1) * n, (end - 1) * n);
        // Nothing after the window counts (the next segment replays the session under the new
        // state), so the session is cut off at the window's end.
        spec.stop = Some(window.1);
        let res = problem
            .run_ranked(&spec, ranked)
            .map_err(|e| SimError::Negotiation(e.to_string()))?;
        let used = res.rounds.saturating_sub(1);
        if let Some(o) = res.agreement {
            if used < window.1 {
                let round = used.max(window.0) / n + 1;
                let mut values = vec![None; s.issues.len()];
                for (i, x) in problem.values(o) {
                    values[i] = Some(x);
                }
                return Ok(RunRecord {
                    class: Class::Deal,
                    rounds: round,
                    values,
                    utilities: res.utilities,
                    fired,
                });
            }
        }
        // Leaving before the final round is a breakdown; rejecting in the final round is the
        // window closing without agreement (classified below as interim or stalemate).
        let last = total * n - 1;
        if res.walked_away.is_some() && used < window.1 && used < last {
            let utilities = parties
                .iter()
                .map(|&a| s.actors[a].batna.map(|b| b.value).unwrap_or(0.0))
                .collect();
            return Ok(RunRecord {
                class: Class::Breakdown,
                rounds: used.max(window.0) / n + 1,
                values: vec![None; s.issues.len()],
                utilities,
                fired,
            });
        }
    }
    let utilities: Vec<f64> = parties
        .iter()
        .map(|&a| s.actors[a].batna.map(|b| b.value).unwrap_or(0.0))
        .collect();
    if let Some(e) = escalation.filter(|&e| e <= total) {
        return Ok(RunRecord {
            class: Class::Breakdown,
            rounds: e,
            values: vec![None; s.issues.len()],
            utilities,
            fired,
        });
    }
    match interim_package(&s, &problem) {
        Some((values, us)) => Ok(RunRecord {
            class: Class::Interim,
            rounds: total,
            values,
            utilities: us,
            fired,
        }),
        None => Ok(RunRecord {
            class: Class::Stalemate,
            rounds: total,
            values: vec![None; s.issues.len()],
            utilities,
            fired,
        }),
    }
}

/// The mediator's fallback at the deadline: the partial package (at least one core issue left at
/// its status quo, at least `interim_min_issues` issues moved) that every party prefers to its
/// BATNA and that maximises the product of gains; `None` if there is none.
fn interim_package(
    s: &Scenario,
    problem: &ScenarioProblem,
) -> Option<(Vec<Option<f64>>, Vec<f64>)> {
    let space = &problem.domain.space;
    let k = problem.issues.len();
    let core: Vec<bool> = problem
        .issues
        .iter()
        .map(|&i| {
            s.outcomes.core_issues.is_empty()
                || s.outcomes.core_issues.iter().any(|c| *c == s.issues[i].id)
        })
        .collect();
    // The option index of each domain issue's status quo (nearest value for continuous issues).
    let sq: Vec<usize> = problem
        .issues
        .iter()
        .enumerate()
        .map(|(d, &i)| {
            let x = s.issues[i].status_quo.value;
            match &space.issues()[d].values {
                Some(vals) => vals
                    .iter()
                    .enumerate()
                    .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                    .map(|(o, _)| o)
                    .unwrap_or(0),
                None => x.round().max(0.0) as usize,
            }
        })
        .collect();
    let min_moved = s.outcomes.interim_min_issues.unwrap_or(1) as usize;
    let mut opts = vec![0usize; k];
    let mut best: Option<(f64, u64)> = None;
    for id in 0..space.cardinality() {
        space.decode_into(id, &mut opts);
        let moved = (0..k).filter(|&d| opts[d] != sq[d]).count();
        let deferred = (0..k).any(|d| core[d] && opts[d] == sq[d]);
        if moved < min_moved || !deferred {
            continue;
        }
        let mut product = 1.0;
        let mut ok = true;
        for u in &problem.domain.utilities {
            let v = u.eval_options(&opts);
            if v.is_finite() && v > u.reservation {
                product *= v - u.reservation;
            } else {
                ok = false;
                break;
            }
        }
        if ok && best.is_none_or(|(b, _)| product > b) {
            best = Some((product, id));
        }
    }
    let (_, id) = best?;
    let mut values = vec![None; s.issues.len()];
    for (i, x) in problem.values(id) {
        values[i] = Some(x);
    }
    let us = problem
        .domain
        .utilities
        .iter()
        .map(|u| u.eval(space, id))
        .collect();
    Some((values, us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_deterministic() {
        let s = detente_core::builtin::muscat();
        let a = run_one(&s, None, 42, 3, &HashMap::new()).expect("runs");
        let b = run_one(&s, None, 42, 3, &HashMap::new()).expect("runs");
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
        let r = run_one(&s, None, 1, 0, &ov).expect("runs");
        assert_eq!(r.class, Class::Breakdown);
    }
}
