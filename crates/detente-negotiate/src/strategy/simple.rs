//! Tit-for-tat, hard-liner and random strategies.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{respond_with, Acceptance, Action, Response, Strategy};
use crate::outcome::OutcomeId;
use crate::protocol::View;

/// Concedes as much (in its own utility) as the others' offers have improved for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TitForTat;

impl TitForTat {
    /// A tit-for-tat party.
    pub fn new() -> Self {
        TitForTat
    }
    fn target(view: &View<'_>) -> f64 {
        let (max, _) = view.ranked.best();
        let floor = view.reservation().max(view.ranked.worst());
        let conceded = match (view.received.first(), view.received.last()) {
            (Some(first), Some(last)) => (view.u(last.1) - view.u(first.1)).max(0.0),
            _ => 0.0,
        };
        (max - conceded).max(floor)
    }
}

impl Strategy for TitForTat {
    fn name(&self) -> &str {
        "tit-for-tat"
    }
    fn propose(&mut self, view: &View<'_>) -> Action {
        if super::hopeless(view) {
            return Action::WalkAway;
        }
        Action::Offer(view.ranked.at_least(Self::target(view)).1)
    }
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let u_next = view.ranked.at_least(Self::target(view)).0;
        respond_with(Acceptance::Next, view, offer, u_next)
    }
}

/// Always offers its best outcome and accepts only outcomes as good.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HardLiner;

impl Strategy for HardLiner {
    fn name(&self) -> &str {
        "hardliner"
    }
    fn propose(&mut self, view: &View<'_>) -> Action {
        if super::hopeless(view) {
            return Action::WalkAway;
        }
        Action::Offer(view.ranked.best().1)
    }
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let best = view.ranked.best().0;
        respond_with(Acceptance::Const(best), view, offer, best)
    }
}

/// Offers a random outcome at least as good as its reservation; accepts such an outcome with
/// probability `p_accept`. Seeded (PCG-64), so runs are reproducible.
#[derive(Debug, Clone)]
pub struct RandomStrategy {
    rng: Pcg64,
    /// Probability of accepting an acceptable offer.
    pub p_accept: f64,
}

impl RandomStrategy {
    /// A random party with this seed, accepting with probability 0.5.
    pub fn new(seed: u64) -> Self {
        RandomStrategy {
            rng: Pcg64::seed_from_u64(seed),
            p_accept: 0.5,
        }
    }
}

impl Strategy for RandomStrategy {
    fn name(&self) -> &str {
        "random"
    }
    fn propose(&mut self, view: &View<'_>) -> Action {
        if super::hopeless(view) {
            return Action::WalkAway;
        }
        let n = view.ranked.count_at_least(view.reservation()).max(1);
        let k = self.rng.gen_range(0..n);
        Action::Offer(view.ranked.get(k).1)
    }
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let draw: f64 = self.rng.gen();
        let u = view.u(offer);
        if u >= view.reservation() && draw < self.p_accept {
            Response::Accept
        } else {
            respond_with(Acceptance::Const(f64::INFINITY), view, offer, f64::INFINITY)
        }
    }
}
