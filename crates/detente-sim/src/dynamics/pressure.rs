//! Stakeholder pressure, every round (BDM / Stokman-style compromise weighting).
//!
//! Positions: x_ij ← x_ij + λ · Σ_k π_kij (x_kj − x_ij), with π_kij = c_k s_kj / (c_i s_ij +
//! Σ_k c_k s_kj), over the actors k whose `pressures` name party i, and the mediator.
//! Walk-away values: batna_i ← batna_i − μ · Σ_k (c_k s̄_k / (c_i + Σ_k c_k s̄_k)) · (U_k(F) −
//! U_k(status quo)), where F is the package the talks are converging on: supporters of that
//! package lower the party's walk-away value, opponents raise it.

use detente_core::{Role, Scenario};

use super::power::mean_salience;
use super::space::{Package, Space};

/// For every party: the actors pressuring it — non-parties whose `pressures` name it, and the
/// mediator, which carries messages to every party and argues for its own bridges.
pub fn pressurers(s: &Scenario) -> Vec<Vec<usize>> {
    let mediator = s.mediator().filter(|&m| s.actors[m].role != Role::Party);
    (0..s.actors.len())
        .map(|i| {
            if s.actors[i].role != Role::Party {
                return Vec::new();
            }
            let id = &s.actors[i].id;
            s.actors
                .iter()
                .enumerate()
                .filter(|&(k, a)| {
                    a.role != Role::Party
                        && (a.pressures.iter().any(|p| p == id) || Some(k) == mediator)
                })
                .map(|(k, _)| k)
                .collect()
        })
        .collect()
}

/// Moves every pressured party's positions towards its pressurers' (one round, rate `pull`).
/// Returns true if any position moved.
pub fn pull_positions(s: &mut Scenario, by: &[Vec<usize>], pull: f64) -> bool {
    if pull <= 0.0 {
        return false;
    }
    let mut moves = Vec::new();
    for (n, st) in s.stances.iter().enumerate() {
        let ks = &by[st.actor];
        if ks.is_empty() {
            continue;
        }
        let x = st.position.value;
        let mut num = 0.0;
        let mut den = s.actors[st.actor].capability.value * st.salience.value;
        for &k in ks {
            if let Some(sk) = s.stance(k, st.issue) {
                let w = s.actors[k].capability.value * sk.salience.value;
                num += w * (sk.position.value - x);
                den += w;
            }
        }
        if den > 0.0 && num != 0.0 {
            moves.push((n, pull * num / den));
        }
    }
    for &(n, dx) in &moves {
        let (lo, hi) = s.issues[s.stances[n].issue].range();
        let p = &mut s.stances[n].position.value;
        *p = (*p + dx).clamp(lo, hi);
    }
    !moves.is_empty()
}

/// The shift of party `i`'s walk-away value from its pressurers' stakes in package `focal`.
pub fn reservation_shift(
    s: &Scenario,
    space: &Space,
    by: &[Vec<usize>],
    i: usize,
    focal: &Package,
    status_quo: &Package,
    sway: f64,
) -> f64 {
    let ks = &by[i];
    if ks.is_empty() || sway <= 0.0 {
        return 0.0;
    }
    let weights: Vec<f64> = ks
        .iter()
        .map(|&k| s.actors[k].capability.value * mean_salience(s, k))
        .collect();
    let den = s.actors[i].capability.value + weights.iter().sum::<f64>();
    if den <= 0.0 {
        return 0.0;
    }
    let stake: f64 = ks
        .iter()
        .zip(&weights)
        .map(|(&k, w)| w * (space.utility(k, focal) - space.utility(k, status_quo)))
        .sum();
    -sway * stake / den
}
