//! Drawing one concrete scenario from an uncertain one.

use std::collections::HashMap;

use detente_core::{Param, Scenario};
use rand::Rng;

/// Calls `f` on every number of the scenario that may be uncertain, in a fixed order, with a
/// dotted path naming it (`actors.iran.batna`, `positions.iran.stockpile.salience`, …).
pub fn for_each_param(s: &mut Scenario, mut f: impl FnMut(&str, &mut Param)) {
    for a in &mut s.actors {
        f(&format!("actors.{}.capability", a.id), &mut a.capability);
        if let Some(r) = a.risk.as_mut() {
            f(&format!("actors.{}.risk", a.id), r);
        }
        if let Some(b) = a.batna.as_mut() {
            f(&format!("actors.{}.batna", a.id), b);
        }
        if let Some(w) = a.war_cost.as_mut() {
            f(&format!("actors.{}.war_cost", a.id), w);
        }
        if let Some(sp) = a.spoiler.as_mut() {
            f(&format!("actors.{}.spoiler", a.id), sp);
        }
    }
    for t in &mut s.threats {
        f(&format!("threats.{}.credibility", t.id), &mut t.credibility);
    }
    for i in &mut s.issues {
        f(&format!("issues.{}.status_quo", i.id), &mut i.status_quo);
    }
    let names: Vec<(String, String)> = s
        .stances
        .iter()
        .map(|st| (s.actors[st.actor].id.clone(), s.issues[st.issue].id.clone()))
        .collect();
    for (st, (a, i)) in s.stances.iter_mut().zip(names) {
        f(&format!("positions.{a}.{i}.position"), &mut st.position);
        f(&format!("positions.{a}.{i}.salience"), &mut st.salience);
    }
    for e in &mut s.events {
        f(&format!("events.{}.probability", e.id), &mut e.probability);
        for (k, eff) in e.effects.iter_mut().enumerate() {
            f(
                &format!("events.{}.effects[{k}].amount", e.id),
                &mut eff.amount,
            );
        }
    }
}

/// Every parameter path with its (low, high) range: the uncertain numbers plus every event's
/// probability (a fixed probability varies between 0 and 1).
pub fn param_paths(s: &Scenario) -> Vec<(String, f64, f64)> {
    let mut s = s.clone();
    let mut out = Vec::new();
    for_each_param(&mut s, |path, p| {
        if p.is_uncertain() {
            let (lo, hi) = p.bounds();
            out.push((path.to_string(), lo, hi));
        } else if path.starts_with("events.") && path.ends_with(".probability") {
            out.push((path.to_string(), 0.0, 1.0));
        }
    });
    out
}

/// A concrete scenario: every uncertain number replaced by a draw, overrides applied.
///
/// One uniform number is consumed per parameter slot, uncertain or not, so overriding one
/// input leaves every other draw of the run unchanged (common random numbers).
pub fn draw<R: Rng>(base: &Scenario, rng: &mut R, overrides: &HashMap<String, f64>) -> Scenario {
    let mut s = base.clone();
    for_each_param(&mut s, |path, p| {
        let u: f64 = rng.gen();
        if let Some(v) = overrides.get(path) {
            *p = Param::fixed(*v);
        } else if p.is_uncertain() {
            *p = Param::fixed(p.quantile(u));
        }
    });
    // Draws stay inside valid ranges (a normal's tails could leave them).
    for a in &mut s.actors {
        a.capability.value = a.capability.value.max(1e-9);
        if let Some(b) = a.batna.as_mut() {
            b.value = b.value.clamp(0.0, 1.0);
        }
        for p in [a.war_cost.as_mut(), a.spoiler.as_mut()]
            .into_iter()
            .flatten()
        {
            p.value = p.value.clamp(0.0, 1.0);
        }
    }
    for t in &mut s.threats {
        t.credibility.value = t.credibility.value.clamp(0.0, 1.0);
    }
    for st in &mut s.stances {
        let (lo, hi) = s.issues[st.issue].range();
        st.position.value = st.position.value.clamp(lo, hi);
        st.salience.value = st.salience.value.clamp(0.0, 1.0);
    }
    for e in &mut s.events {
        e.probability.value = e.probability.value.clamp(0.0, 1.0);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn draws_are_inside_the_distributions_and_overrides_keep_other_draws() {
        let base = detente_core::builtin::muscat();
        let mut r1 = rand_pcg::Pcg64::seed_from_u64(7);
        let mut r2 = rand_pcg::Pcg64::seed_from_u64(7);
        let a = draw(&base, &mut r1, &HashMap::new());
        let mut ov = HashMap::new();
        ov.insert("actors.iran.capability".to_string(), 0.1);
        let b = draw(&base, &mut r2, &ov);
        assert_eq!(b.actors[0].capability.value, 0.1);
        assert_eq!(a.actors[1..], b.actors[1..]);
        assert_eq!(a.stances, b.stances);
        let (lo, hi) = base.actors[0].capability.bounds();
        assert!((lo..=hi).contains(&a.actors[0].capability.value));
        assert!(a.actors.iter().all(|x| !x.capability.is_uncertain()));
    }
}
