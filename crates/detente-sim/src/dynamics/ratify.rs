//! Two-level games (Putnam 1988): a party signs only what its constituency ratifies.
//!
//! Voters are the party (weight c_i; it approves a package worth at least its walk-away value)
//! and the domestic actors in its `ratify.by` list (weight c_k; each approves a package it likes
//! at least as much as the status quo). The package passes if the approving capability is at
//! least `threshold` of the voters' total.

use detente_core::Scenario;

use super::space::{Package, Space};

/// The domestic actors of party `i` (indices), heaviest first.
pub fn constituency(s: &Scenario, i: usize) -> Vec<usize> {
    let Some(r) = &s.actors[i].ratify else {
        return Vec::new();
    };
    let mut ks: Vec<usize> = r.by.iter().filter_map(|id| s.actor_index(id)).collect();
    ks.sort_by(|&a, &b| {
        s.actors[b]
            .capability
            .value
            .total_cmp(&s.actors[a].capability.value)
            .then(a.cmp(&b))
    });
    ks
}

/// True if party `i`'s constituency ratifies `p` (given the party's walk-away value).
pub fn ratifies(
    s: &Scenario,
    space: &Space,
    i: usize,
    p: &Package,
    reservation: f64,
    status_quo: &Package,
) -> bool {
    let Some(r) = &s.actors[i].ratify else {
        return true;
    };
    let mut total = s.actors[i].capability.value;
    let mut yes = if space.utility(i, p) >= reservation - 1e-12 {
        total
    } else {
        0.0
    };
    for k in constituency(s, i) {
        let c = s.actors[k].capability.value;
        total += c;
        if space.utility(k, p) >= space.utility(k, status_quo) - 1e-12 {
            yes += c;
        }
    }
    yes >= r.threshold * total - 1e-12
}

/// The floors a proposal must meet to pass party `i`'s ratification: the party courts its
/// heaviest constituents until, with its own vote, they reach the threshold.
pub fn floors(s: &Scenario, space: &Space, i: usize, status_quo: &Package) -> Vec<(usize, f64)> {
    let Some(r) = &s.actors[i].ratify else {
        return Vec::new();
    };
    let ks = constituency(s, i);
    let total = s.actors[i].capability.value
        + ks.iter()
            .map(|&k| s.actors[k].capability.value)
            .sum::<f64>();
    let mut have = s.actors[i].capability.value;
    let mut out = Vec::new();
    for k in ks {
        if have >= r.threshold * total - 1e-12 {
            break;
        }
        have += s.actors[k].capability.value;
        out.push((k, space.utility(k, status_quo)));
    }
    out
}
