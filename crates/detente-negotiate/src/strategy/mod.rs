//! Strategies: how a party offers and responds, given only a read-only [`View`].
//!
//! Built in: time-dependent aspiration ([`TimeDependent`]: Boulware, linear, conceder),
//! [`TitForTat`], [`HardLiner`], [`Micro`], [`RandomStrategy`]; acceptance conditions
//! [`Acceptance`]; and a mediator, [`LearningMediator`]. All are deterministic given a seed.

use crate::outcome::OutcomeId;
use crate::protocol::{MediatorView, View};

mod mediator;
mod micro;
mod simple;
mod time_dependent;

pub use mediator::LearningMediator;
pub use micro::Micro;
pub use simple::{HardLiner, RandomStrategy, TitForTat};
pub use time_dependent::TimeDependent;

/// A party's turn to propose: an offer or leaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Propose this outcome.
    Offer(OutcomeId),
    /// Leave the negotiation.
    WalkAway,
}

/// A party's answer to an offer or proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Accept it.
    Accept,
    /// Reject it and continue.
    Reject,
    /// Leave the negotiation.
    WalkAway,
}

/// A negotiating party.
pub trait Strategy {
    /// Short name (e.g. `boulware`).
    fn name(&self) -> &str;
    /// Makes an offer (or walks away).
    fn propose(&mut self, view: &View<'_>) -> Action;
    /// Answers an offer.
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response;
    /// Votes on a mediator's proposed change of the single text (`current` → `proposal`):
    /// by default, yes when the proposal is at least as good as the current text.
    fn vote(&mut self, view: &View<'_>, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        let base = current.map(|c| view.u(c)).unwrap_or(view.reservation());
        view.u(proposal) >= base
    }
}

/// A mediator: proposes texts and bridging packages, relays offers.
pub trait MediatorStrategy {
    /// The first single negotiation text.
    fn initial_text(&mut self, view: &MediatorView<'_>) -> OutcomeId;
    /// A modification of the current text to put to a vote.
    fn next_text(&mut self, view: &MediatorView<'_>, current: OutcomeId) -> OutcomeId;
    /// A bridging package to propose to every party, if the mediator has one.
    fn bridge(&mut self, view: &MediatorView<'_>) -> Option<OutcomeId>;
    /// How an offer from `from` is passed on to `to` (unchanged by default).
    fn reframe(
        &mut self,
        _view: &MediatorView<'_>,
        _from: usize,
        _to: usize,
        offer: OutcomeId,
    ) -> OutcomeId {
        offer
    }
}

/// When to accept an offer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Acceptance {
    /// AC_next: accept when the offer is at least as good as my next offer.
    Next,
    /// AC_const(α): accept when the offer's utility is at least α.
    Const(f64),
    /// AC_time(T): accept any offer at least as good as my reservation once time ≥ T.
    Time(f64),
}

impl Acceptance {
    /// True when an offer of utility `u_offer` is acceptable, given my next offer's utility.
    pub fn accepts(&self, view: &View<'_>, u_offer: f64, u_next: f64) -> bool {
        match *self {
            Acceptance::Next => u_offer >= u_next,
            Acceptance::Const(a) => u_offer >= a,
            Acceptance::Time(t) => view.time >= t && u_offer >= view.reservation(),
        }
    }
}

/// Common response rule: accept per `acc`; otherwise walk away in the last round when the
/// offer is worse than the BATNA; otherwise reject.
pub fn respond_with(acc: Acceptance, view: &View<'_>, offer: OutcomeId, u_next: f64) -> Response {
    let u = view.u(offer);
    if u >= view.reservation() && acc.accepts(view, u, u_next) {
        Response::Accept
    } else if view.is_last_round() && u < view.reservation() {
        Response::WalkAway
    } else {
        Response::Reject
    }
}

/// True when no outcome is as good as the party's BATNA: it has nothing to offer and leaves.
pub fn hopeless(view: &View<'_>) -> bool {
    view.ranked.best().0 < view.reservation()
}

/// Builds a built-in strategy by name: `boulware`, `linear`, `conceder`, `tit-for-tat`,
/// `hardliner`, `micro`, `random`; `None` for an unknown name.
pub fn by_name(name: &str, seed: u64) -> Option<Box<dyn Strategy>> {
    Some(match name {
        "boulware" => Box::new(TimeDependent::boulware()),
        "linear" => Box::new(TimeDependent::linear()),
        "conceder" => Box::new(TimeDependent::conceder()),
        "tit-for-tat" | "titfortat" | "tft" => Box::new(TitForTat::new()),
        "hardliner" | "hard-liner" => Box::new(HardLiner),
        "micro" => Box::new(Micro::new()),
        "random" => Box::new(RandomStrategy::new(seed)),
        _ => return None,
    })
}

/// Names accepted by [`by_name`].
pub const STRATEGY_NAMES: &[&str] = &[
    "boulware",
    "linear",
    "conceder",
    "tit-for-tat",
    "hardliner",
    "micro",
    "random",
];
