//! A mediator that learns each party's preferences from its offers (a frequency model) and
//! proposes bridging packages near the Nash point of what it has learned.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::MediatorStrategy;
use crate::outcome::OutcomeId;
use crate::preferences::{argmax_product, AdditiveUtility};
use crate::protocol::MediatorView;

/// Frequency-model mediator: random-neighbour single texts, estimated-Nash bridges. Seeded.
#[derive(Debug, Clone)]
pub struct LearningMediator {
    rng: Pcg64,
    proposed: HashSet<OutcomeId>,
    /// Offers needed from every party before bridging or reframing.
    pub min_offers: usize,
    /// Whether offers are reframed when relayed (see [`MediatorStrategy::reframe`]).
    pub reframing: bool,
}

impl LearningMediator {
    /// A mediator with this seed.
    pub fn new(seed: u64) -> Self {
        LearningMediator {
            rng: Pcg64::seed_from_u64(seed),
            proposed: HashSet::new(),
            min_offers: 2,
            reframing: true,
        }
    }

    /// The mediator's estimate of a party's utility from its offers: per issue, how often each
    /// option was offered (relative to the most offered one), weighted by how steady the party
    /// kept that issue from one offer to the next.
    pub fn estimate(view: &MediatorView<'_>, offers: &[OutcomeId]) -> AdditiveUtility {
        let radices = view.space.radices();
        let mut evals: Vec<Vec<f64>> = radices.iter().map(|&r| vec![0.0; r]).collect();
        let mut steady = vec![1.0; radices.len()];
        let mut prev: Option<Vec<usize>> = None;
        for &o in offers {
            let d = view.space.decode(o);
            for (k, &v) in d.iter().enumerate() {
                evals[k][v] += 1.0;
            }
            if let Some(p) = &prev {
                for k in 0..d.len() {
                    if p[k] == d[k] {
                        steady[k] += 1.0;
                    }
                }
            }
            prev = Some(d);
        }
        for e in &mut evals {
            let m = e.iter().copied().fold(0.0, f64::max);
            if m > 0.0 {
                e.iter_mut().for_each(|x| *x /= m);
            }
        }
        let total: f64 = steady.iter().sum();
        let weights = steady.iter().map(|s| s / total).collect();
        AdditiveUtility::new(weights, evals)
    }
}

impl MediatorStrategy for LearningMediator {
    fn initial_text(&mut self, view: &MediatorView<'_>) -> OutcomeId {
        self.rng.gen_range(0..view.space.cardinality())
    }

    fn next_text(&mut self, view: &MediatorView<'_>, current: OutcomeId) -> OutcomeId {
        let radices = view.space.radices();
        let movable: Vec<usize> = (0..radices.len()).filter(|&k| radices[k] > 1).collect();
        if movable.is_empty() {
            return current;
        }
        let k = movable[self.rng.gen_range(0..movable.len())];
        let cur = view.space.option_of(current, k);
        let step = self.rng.gen_range(1..radices[k]);
        view.space
            .with_option(current, k, (cur + step) % radices[k])
    }

    fn bridge(&mut self, view: &MediatorView<'_>) -> Option<OutcomeId> {
        if view.offers.iter().any(|o| o.len() < self.min_offers) {
            return None;
        }
        let tables: Vec<Vec<Vec<f64>>> = view
            .offers
            .iter()
            .map(|o| Self::estimate(view, o).tables())
            .collect();
        // Only a candidate that would win needs the (hashing) check against past proposals.
        let best = argmax_product(&tables, |o| self.proposed.contains(&o));
        let (_, o) = best?;
        self.proposed.insert(o);
        Some(o)
    }

    /// Reframing: passes on, instead of `from`'s offer, the outcome one issue away from it
    /// that `to` (by the mediator's model) likes best among those `from` (by its model) likes
    /// at least as much as the offer. Unchanged until both have made `min_offers` offers.
    fn reframe(
        &mut self,
        view: &MediatorView<'_>,
        from: usize,
        to: usize,
        offer: OutcomeId,
    ) -> OutcomeId {
        if !self.reframing
            || view.offers[from].len() < self.min_offers
            || view.offers[to].len() < self.min_offers
        {
            return offer;
        }
        let mf = Self::estimate(view, &view.offers[from]);
        let mt = Self::estimate(view, &view.offers[to]);
        let floor = mf.eval(view.space, offer);
        let mut best = (mt.eval(view.space, offer), offer);
        for (k, r) in view.space.radices().into_iter().enumerate() {
            for opt in 0..r {
                let o = view.space.with_option(offer, k, opt);
                if o == offer || mf.eval(view.space, o) < floor {
                    continue;
                }
                let u = mt.eval(view.space, o);
                if u > best.0 {
                    best = (u, o);
                }
            }
        }
        best.1
    }
}
