//! Protocols: who speaks when. Each protocol runs a session over a [`Domain`] with one
//! [`Strategy`] per party (and a [`MediatorStrategy`] where there is a mediator) and returns a
//! [`Session`]: the agreement (or none), the trace of messages, and who walked away.
//!
//! Strategies only ever see a [`View`]: their own utility, the outcome space, and the messages
//! addressed to them.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use crate::domain::Domain;
use crate::outcome::{OutcomeId, OutcomeSpace};
use crate::preferences::{finite_range, stream_utilities, AdditiveUtility};
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
    /// Round at which the session is cut off unfinished (`None`: play to the deadline); the
    /// parties still pace themselves by `rounds`, so the rounds played are exactly the first
    /// rounds of the full session.
    pub stop: Option<u32>,
}

impl Deadline {
    /// A deadline of `rounds` rounds and no time limit.
    pub fn rounds(rounds: u32) -> Self {
        Deadline {
            rounds,
            time: None,
            stop: None,
        }
    }

    /// Number of rounds actually played: `rounds`, or fewer when cut off at `stop`.
    pub fn played(&self) -> u32 {
        self.stop.map_or(self.rounds, |s| s.min(self.rounds))
    }
}

/// One party's outcomes ranked by its utility, best first (utility descending, then outcome
/// ascending), sorted lazily.
///
/// Outcomes are distributed into buckets of utility ranges (a counting sort, linear time); a
/// bucket is sorted the first time a query looks inside it. A session asks a few dozen
/// questions ("the smallest utility above my aspiration"), so it sorts a few small buckets
/// instead of the whole space.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Utility of every outcome, in index order.
    utils: Vec<f64>,
    /// The best finite utility (bucket 0 starts there).
    top: f64,
    /// Buckets per unit of utility.
    scale: f64,
    /// The worst finite utility.
    worst: f64,
    /// Number of buckets of finite utilities; vetoed (−∞) outcomes follow in one more.
    buckets: usize,
    /// `start[b]..start[b + 1]` is bucket `b`'s slice of `order`.
    start: Vec<usize>,
    /// Scratch: each outcome's bucket while the ranking is built.
    of: Vec<u32>,
    /// Outcomes grouped by bucket; a bucket's slice is in rank order once it is sorted.
    state: RefCell<Buckets>,
}

#[derive(Debug, Clone)]
struct Buckets {
    order: Vec<u32>,
    sorted: Vec<bool>,
}

/// Average number of outcomes per bucket.
const PER_BUCKET: usize = 16;

/// Bucket of `u` among `buckets` finite ones spanning `top` downwards at `scale` buckets per
/// unit (monotone: a lower utility never gets an earlier bucket); −∞ and NaN go last.
fn bucket_index(u: f64, top: f64, scale: f64, buckets: usize) -> usize {
    if u.is_nan() || u == f64::NEG_INFINITY {
        return buckets;
    }
    // `as` saturates (and maps NaN from ∞·0 to 0), keeping the map monotone.
    (((top - u) * scale) as usize).min(buckets - 1)
}

impl Ranked {
    /// Bucket of utility `u` (non-decreasing as `u` decreases; −∞ and NaN go last).
    fn bucket_of(&self, u: f64) -> usize {
        bucket_index(u, self.top, self.scale, self.buckets)
    }

    /// Sorts bucket `b` (rank order: utility descending, then outcome ascending) if needed,
    /// and returns its range in `order`.
    fn sorted_bucket(&self, st: &mut Buckets, b: usize) -> std::ops::Range<usize> {
        let r = self.start[b]..self.start[b + 1];
        if !st.sorted[b] {
            // 0.0 and −0.0 rank as equal, like `>=` in the queries.
            let key = |o: u32| {
                let v = self.utils[o as usize];
                if v == 0.0 {
                    0.0
                } else {
                    v
                }
            };
            st.order[r.clone()]
                .sort_unstable_by(|&x, &y| key(y).total_cmp(&key(x)).then(x.cmp(&y)));
            st.sorted[b] = true;
        }
        r
    }

    /// Ranks every outcome of `space` under `u` (vetoed outcomes last).
    ///
    /// # Panics
    /// If the space has more than `u32::MAX` outcomes (scenario spaces are far smaller).
    pub fn new(space: &OutcomeSpace, u: &AdditiveUtility) -> Self {
        let mut r = Ranked {
            utils: Vec::new(),
            top: 0.0,
            scale: 0.0,
            worst: f64::NEG_INFINITY,
            buckets: 1,
            start: Vec::new(),
            of: Vec::new(),
            state: RefCell::new(Buckets {
                order: Vec::new(),
                sorted: Vec::new(),
            }),
        };
        r.rebuild(space, u);
        r
    }

    /// Ranks the outcomes of `space` under `u` anew, reusing this ranking's memory (for
    /// Monte Carlo loops that rank many similar spaces).
    ///
    /// # Panics
    /// As [`Ranked::new`].
    pub fn rebuild(&mut self, space: &OutcomeSpace, u: &AdditiveUtility) {
        let tables = u.tables();
        let count = usize::try_from(space.cardinality()).unwrap_or(usize::MAX);
        assert!(
            count <= u32::MAX as usize,
            "outcome space too large to rank"
        );
        let range = finite_range(&tables);
        let (top, bottom) = range.unwrap_or((0.0, 0.0));
        let buckets = (count / PER_BUCKET).max(1);
        let scale = if top > bottom {
            buckets as f64 / (top - bottom)
        } else {
            0.0
        };
        // Utilities by streaming, then a counting sort into buckets (outcomes ascending within
        // each), each pass a plain loop over a slice.
        let utils = &mut self.utils;
        utils.clear();
        utils.reserve(count);
        stream_utilities(&tables, |v| utils.push(v));
        let n = utils.len();
        self.of.clear();
        self.of.resize(n, 0);
        self.start.clear();
        self.start.resize(buckets + 2, 0);
        // Plain slices from here on, so that the counters' stores cannot alias the vectors'
        // lengths and pointers.
        let (utils, of, start) = (&utils[..], &mut self.of[..], &mut self.start[..]);
        for (b, &v) in of.iter_mut().zip(utils) {
            let k = bucket_index(v, top, scale, buckets);
            *b = k as u32;
            start[k + 1] += 1;
        }
        for b in 0..=buckets {
            start[b + 1] += start[b];
        }
        // Now start[b + 1] is where bucket b ends; filling each bucket from its end, outcomes
        // in descending order, leaves them ascending and start[b + 1] at the bucket's start.
        let st = self.state.get_mut();
        st.order.clear();
        st.order.resize(n, 0);
        let order = &mut st.order[..];
        for (o, &b) in of.iter().enumerate().rev() {
            let slot = &mut start[b as usize + 1];
            *slot -= 1;
            order[*slot] = o as u32;
        }
        self.start.remove(0);
        self.start.push(n);
        st.sorted.clear();
        st.sorted.resize(buckets + 1, false);
        self.top = top;
        self.scale = scale;
        self.worst = range.map_or(f64::NEG_INFINITY, |r| r.1);
        self.buckets = buckets;
    }

    /// Number of outcomes ranked.
    pub fn len(&self) -> usize {
        self.utils.len()
    }

    /// True when the space is empty.
    pub fn is_empty(&self) -> bool {
        self.utils.is_empty()
    }

    /// The `k`-th best outcome (0 = best) and its utility.
    ///
    /// # Panics
    /// If `k` is not less than [`Ranked::len`].
    pub fn get(&self, k: usize) -> (f64, OutcomeId) {
        assert!(k < self.len(), "rank {k} out of {}", self.len());
        let b = self.start.partition_point(|&s| s <= k) - 1;
        let mut st = self.state.borrow_mut();
        self.sorted_bucket(&mut st, b);
        let o = st.order[k];
        (self.utils[o as usize], OutcomeId::from(o))
    }

    /// The best outcome and its utility.
    pub fn best(&self) -> (f64, OutcomeId) {
        self.get(0)
    }

    /// The worst finite utility.
    pub fn worst(&self) -> f64 {
        self.worst
    }

    /// Number of outcomes with utility ≥ `u`.
    pub fn count_at_least(&self, u: f64) -> usize {
        if u.is_nan() {
            return 0;
        }
        // Every outcome in an earlier bucket is above `u`, every one in a later bucket below.
        let b = self.bucket_of(u);
        let mut st = self.state.borrow_mut();
        let r = self.sorted_bucket(&mut st, b);
        r.start + st.order[r].partition_point(|&o| self.utils[o as usize] >= u)
    }

    /// The outcome whose utility is the smallest one ≥ `target` (the best outcome if none is).
    pub fn at_least(&self, target: f64) -> (f64, OutcomeId) {
        let k = self.count_at_least(target);
        self.get(k.saturating_sub(1))
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
pub(crate) struct Book<'r> {
    pub ranked: &'r [Ranked],
    pub received: Vec<Vec<(Actor, OutcomeId)>>,
    pub sent: Vec<Vec<OutcomeId>>,
    pub start: Instant,
    pub deadline: Deadline,
}

impl<'r> Book<'r> {
    pub fn new(domain: &Domain, ranked: &'r [Ranked], deadline: Deadline) -> Self {
        let n = domain.n_parties();
        assert_eq!(ranked.len(), n, "one ranking per party");
        Book {
            ranked,
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

/// Every party's outcomes ranked, in party order (what a session needs before its first round).
pub fn rank_all(domain: &Domain) -> Vec<Ranked> {
    domain
        .utilities
        .iter()
        .map(|u| Ranked::new(&domain.space, u))
        .collect()
}

/// A protocol that runs with parties only.
pub trait Protocol {
    /// Runs one session.
    fn run(&self, domain: &Domain, parties: &mut [Box<dyn Strategy>]) -> Session {
        self.run_ranked(domain, &rank_all(domain), parties)
    }

    /// Runs one session with every party's outcomes already ranked (`ranked[p]` as
    /// [`Ranked::new`] builds it for party p): rankings can be shared by many sessions.
    fn run_ranked(
        &self,
        domain: &Domain,
        ranked: &[Ranked],
        parties: &mut [Box<dyn Strategy>],
    ) -> Session;
}

/// A protocol that runs with parties and a mediator.
pub trait MediatedProtocol {
    /// Runs one session.
    fn run(
        &self,
        domain: &Domain,
        parties: &mut [Box<dyn Strategy>],
        mediator: &mut dyn MediatorStrategy,
    ) -> Session {
        self.run_ranked(domain, &rank_all(domain), parties, mediator)
    }

    /// Runs one session with every party's outcomes already ranked (see
    /// [`Protocol::run_ranked`]).
    fn run_ranked(
        &self,
        domain: &Domain,
        ranked: &[Ranked],
        parties: &mut [Box<dyn Strategy>],
        mediator: &mut dyn MediatorStrategy,
    ) -> Session;
}
