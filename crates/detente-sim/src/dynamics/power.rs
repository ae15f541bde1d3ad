//! Power: coalition strength, the contest success function, and the value of fighting.
//!
//! C_i = c_i + Σ_{k backs i} c_k · s̄_k (a stakeholder backs the party whose ideal package it
//! likes best; ties split its weight), p_i = C_i^γ / Σ_j C_j^γ, and a party with a coercive
//! option values fighting at w_i = Σ_j p_j · U_i(x̂_j) − κ_i · (1 − r_i / 2), where x̂_j is the
//! package party j would impose (its ideal, red lines ignored), κ_i its cost of fighting and
//! r_i ∈ [−1, 1] its risk attitude (risk-acceptant actors discount the cost).

use detente_core::{Role, Scenario};

use super::space::{Package, Space};

/// Mean salience of an actor over its stances (0 without stances).
pub fn mean_salience(s: &Scenario, a: usize) -> f64 {
    let (sum, n) = s
        .stances
        .iter()
        .filter(|st| st.actor == a)
        .fold((0.0, 0usize), |(t, n), st| {
            (t + st.salience.value.max(0.0), n + 1)
        });
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// The package each party would impose by force: its ideal, red lines of others ignored.
pub fn ideals(space: &Space, parties: &[usize]) -> Vec<Package> {
    let n = space.n_actors();
    parties
        .iter()
        .map(|&i| {
            let mut w = vec![0.0; n];
            w[i] = 1.0;
            let mut p = Vec::new();
            space.argmax(&w, false, &mut p);
            p
        })
        .collect()
}

/// Coalition strength of each party (in `parties` order).
pub fn strength(s: &Scenario, space: &Space, parties: &[usize], ideals: &[Package]) -> Vec<f64> {
    let mut c: Vec<f64> = parties
        .iter()
        .map(|&i| s.actors[i].capability.value.max(0.0))
        .collect();
    for (k, a) in s.actors.iter().enumerate() {
        if a.role != Role::Stakeholder {
            continue;
        }
        let weight = a.capability.value.max(0.0) * mean_salience(s, k);
        if weight <= 0.0 {
            continue;
        }
        let us: Vec<f64> = ideals.iter().map(|p| space.utility(k, p)).collect();
        let best = us.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let backers: Vec<usize> = (0..us.len()).filter(|&i| us[i] >= best - 1e-12).collect();
        for &i in &backers {
            c[i] += weight / backers.len() as f64;
        }
    }
    c
}

/// Contest success shares p_i = C_i^γ / Σ C_j^γ (equal shares if every strength is 0).
pub fn shares(strength: &[f64], gamma: f64) -> Vec<f64> {
    let pow: Vec<f64> = strength.iter().map(|c| c.max(0.0).powf(gamma)).collect();
    let total: f64 = pow.iter().sum();
    if total > 0.0 && total.is_finite() {
        pow.iter().map(|x| x / total).collect()
    } else {
        vec![1.0 / strength.len().max(1) as f64; strength.len()]
    }
}

/// Party `parties[i]`'s value of fighting with cost `cost` and risk attitude `risk`.
pub fn war_value(
    space: &Space,
    parties: &[usize],
    shares: &[f64],
    ideals: &[Package],
    i: usize,
    cost: f64,
    risk: f64,
) -> f64 {
    let a = parties[i];
    let lottery: f64 = shares
        .iter()
        .zip(ideals)
        .map(|(p, x)| p * space.utility(a, x))
        .sum();
    lottery - cost * (1.0 - 0.5 * risk.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_strength() {
        let p = shares(&[1.0, 3.0], 1.0);
        assert!((p[0] - 0.25).abs() < 1e-12 && (p[1] - 0.75).abs() < 1e-12);
        let p = shares(&[1.0, 3.0], 2.0);
        assert!((p[1] - 0.9).abs() < 1e-12);
        assert_eq!(shares(&[0.0, 0.0], 1.0), vec![0.5, 0.5]);
    }
}
