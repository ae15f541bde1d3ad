//! Protocols: who speaks when. Each protocol runs a session over a [`Domain`] with one
//! [`Strategy`] per party (and a [`MediatorStrategy`] where there is a mediator) and returns a
//! [`Session`]: the agreement (or none), the trace of messages, and who walked away.
//!
//! Strategies only ever see a [`View`]: their own utility, the outcome space, and the messages
//! addressed to them.

use std::time::{Duration, Instant};

use crate::domain::Domain;
use crate::outcome::{OutcomeId, OutcomeSpace};
use crate::preferences::AdditiveUtility;
use crate::strategy::{MediatorStrategy, Strategy};

mod sao;
#[allow(clippy::needless_range_loop)] // parties are addressed by index in messages
mod shuttle;
#[allow(clippy::needless_range_loop)]
mod single_text;

pub use sao::Sao;
pub use shuttle::Shuttle;
pub use single_text::SingleText;

/// Who sends or receives a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A party, by index.
    Party(usize),
    /// The mediator.
    Mediator,
}

/// What a message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A party proposes an outcome.
    Offer,
    /// The sender accepts the outcome.
    Accept,
    /// The sender rejects the outcome.
    Reject,
    /// The mediator passes on another party's offer.
    Relay,
    /// The mediator proposes an outcome (a text or a bridging package).
    Proposal,
    /// The sender leaves the negotiation.
    WalkAway,
}

impl Kind {
    /// The message kind as written in traces: offer, accept, reject, relay, proposal, walk-away.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Accept => "accept",
            Kind::Reject => "reject",
            Kind::Relay => "relay",
            Kind::Proposal => "proposal",
            Kind::WalkAway => "walk-away",
        }
    }
}

/// One message of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Round in which it was sent (0-based).
    pub round: u32,
    /// Sender.
    pub from: Actor,
    /// Recipient.
    pub to: Actor,
    /// What it says.
    pub kind: Kind,
    /// The outcome it is about, if any.
    pub outcome: Option<OutcomeId>,
}

/// The result of a session. No agreement is a normal result.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The agreed outcome, if any.
    pub agreement: Option<OutcomeId>,
    /// Each party's utility of the result (its reservation value without agreement).
    pub utilities: Vec<f64>,
    /// Rounds used.
    pub rounds: u32,
    /// The party that walked away, if one did.
    pub walked_away: Option<usize>,
    /// Every message, in order.
    pub trace: Vec<Message>,
}

impl Session {
    fn finish(
        domain: &Domain,
        agreement: Option<OutcomeId>,
        rounds: u32,
        walked_away: Option<usize>,
        trace: Vec<Message>,
    ) -> Self {
        let utilities = domain
            .utilities
            .iter()
            .map(|u| match agreement {
                Some(o) => u.eval(&domain.space, o),
                None => u.reservation,
            })
            .collect();
        Session {
            agreement,
            utilities,
            rounds,
            walked_away,
            trace,
        }
    }

    /// Per issue, whether the agreement settles it (all issues when agreed, none otherwise).
    pub fn agreed_issues(&self, n_issues: usize) -> Vec<bool> {
        vec![self.agreement.is_some(); n_issues]
    }
}

/// When a session ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadline {
    /// Maximum number of rounds.
    pub rounds: u32,
    /// Optional wall-clock limit (makes relative time depend on the clock).
    pub time: Option<Duration>,
}

impl Deadline {
    /// A deadline of `rounds` rounds and no time limit.
    pub fn rounds(rounds: u32) -> Self {
        Deadline { rounds, time: None }
    }
}

/// Maps a float to a `u64` whose unsigned order is the float's total order (0.0 and −0.0 equal).
fn ordered_bits(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// One party's outcomes ranked by its utility, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// (utility, outcome), utility descending, then outcome ascending.
    pub items: Vec<(f64, OutcomeId)>,
}

impl Ranked {
    /// Ranks every outcome of `space` under `u` (vetoed outcomes last).
    pub fn new(space: &OutcomeSpace, u: &AdditiveUtility) -> Self {
        // Sort integer keys (utility descending in its total order, then outcome ascending):
        // much faster than a float comparator, same order for the finite and −∞ utilities here.
        let utils = u.all_utilities(space);
        let mut keys: Vec<u128> = utils
            .iter()
            .enumerate()
            .map(|(o, &v)| (u128::from(!ordered_bits(v)) << 64) | o as u128)
            .collect();
        keys.sort_unstable();
        let items = keys
            .into_iter()
            .map(|k| {
                let o = k as u64;
                (utils[o as usize], o as OutcomeId)
            })
            .collect();
        Ranked { items }
    }

    /// The best outcome and its utility.
    pub fn best(&self) -> (f64, OutcomeId) {
        self.items[0]
    }

    /// The worst finite utility.
    pub fn worst(&self) -> f64 {
        self.items
            .iter()
            .rev()
            .find(|x| x.0.is_finite())
            .map(|x| x.0)
            .unwrap_or(f64::NEG_INFINITY)
    }

    /// Number of outcomes with utility ≥ `u`.
    pub fn count_at_least(&self, u: f64) -> usize {
        self.items.partition_point(|x| x.0 >= u)
    }

    /// The outcome whose utility is the smallest one ≥ `target` (the best outcome if none is).
    pub fn at_least(&self, target: f64) -> (f64, OutcomeId) {
        let k = self.count_at_least(target);
        self.items[k.saturating_sub(1)]
    }
}

/// What a party can see of a session: read-only, its own preferences only.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The viewing party.
    pub me: usize,
    /// Number of parties.
    pub n_parties: usize,
    /// Current round (0-based).
    pub round: u32,
    /// Relative time in [0, 1]: the larger of round/rounds and elapsed/time limit.
    pub time: f64,
    /// Deadline in rounds.
    pub rounds: u32,
    /// The outcome space.
    pub space: &'a OutcomeSpace,
    /// This party's utility.
    pub utility: &'a AdditiveUtility,
    /// This party's outcomes, ranked.
    pub ranked: &'a Ranked,
    /// Offers this party has received (sender, outcome), oldest first.
    pub received: &'a [(Actor, OutcomeId)],
    /// Offers this party has made, oldest first.
    pub sent: &'a [OutcomeId],
}

impl View<'_> {
    /// This party's utility of `o`.
    pub fn u(&self, o: OutcomeId) -> f64 {
        self.utility.eval(self.space, o)
    }
    /// This party's reservation value (BATNA).
    pub fn reservation(&self) -> f64 {
        self.utility.reservation
    }
    /// True in the last round.
    pub fn is_last_round(&self) -> bool {
        self.round + 1 >= self.rounds
    }
    /// Relative time of round `r`.
    pub fn time_of(&self, r: u32) -> f64 {
        if self.rounds == 0 {
            1.0
        } else {
            (r as f64 / self.rounds.saturating_sub(1).max(1) as f64).min(1.0)
        }
    }
}

/// What the mediator can see: the space and the messages that passed through it.
#[derive(Debug, Clone, Copy)]
pub struct MediatorView<'a> {
    /// Number of parties.
    pub n_parties: usize,
    /// Current round.
    pub round: u32,
    /// Deadline in rounds.
    pub rounds: u32,
    /// The outcome space.
    pub space: &'a OutcomeSpace,
    /// Offers each party has made to the mediator, oldest first.
    pub offers: &'a [Vec<OutcomeId>],
    /// Responses: (party, outcome, accepted).
    pub responses: &'a [(usize, OutcomeId, bool)],
}

/// Per-party state a protocol keeps: ranked outcomes and message history.
pub(crate) struct Book {
    pub ranked: Vec<Ranked>,
    pub received: Vec<Vec<(Actor, OutcomeId)>>,
    pub sent: Vec<Vec<OutcomeId>>,
    pub start: Instant,
    pub deadline: Deadline,
}

impl Book {
    pub fn new(domain: &Domain, deadline: Deadline) -> Self {
        let n = domain.n_parties();
        Book {
            ranked: domain
                .utilities
                .iter()
                .map(|u| Ranked::new(&domain.space, u))
                .collect(),
            received: vec![Vec::new(); n],
            sent: vec![Vec::new(); n],
            start: Instant::now(),
            deadline,
        }
    }

    pub fn view<'a>(&'a self, domain: &'a Domain, me: usize, round: u32) -> View<'a> {
        let rounds = self.deadline.rounds;
        let mut time = if rounds <= 1 {
            1.0
        } else {
            (round as f64 / (rounds - 1) as f64).min(1.0)
        };
        if let Some(limit) = self.deadline.time {
            let el = self.start.elapsed().as_secs_f64() / limit.as_secs_f64().max(1e-9);
            time = time.max(el.min(1.0));
        }
        View {
            me,
            n_parties: domain.n_parties(),
            round,
            time,
            rounds,
            space: &domain.space,
            utility: &domain.utilities[me],
            ranked: &self.ranked[me],
            received: &self.received[me],
            sent: &self.sent[me],
        }
    }

    pub fn timed_out(&self) -> bool {
        self.deadline
            .time
            .map(|t| self.start.elapsed() >= t)
            .unwrap_or(false)
    }
}

/// A protocol that runs with parties only.
pub trait Protocol {
    /// Runs one session.
    fn run(&self, domain: &Domain, parties: &mut [Box<dyn Strategy>]) -> Session;
}

/// A protocol that runs with parties and a mediator.
pub trait MediatedProtocol {
    /// Runs one session.
    fn run(
        &self,
        domain: &Domain,
        parties: &mut [Box<dyn Strategy>],
        mediator: &mut dyn MediatorStrategy,
    ) -> Session;
}
