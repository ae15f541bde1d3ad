//! detente agents in empty seats. An agent is the engine's strategy (a party:
//! `detente_negotiate::strategy::by_name`; the mediator: `LearningMediator`) fed with a
//! [`View`] built from the stored history. Agents keep no state of their own between requests:
//! before deciding, an agent's strategy is rebuilt from the session's seed and replayed over
//! every decision that agent made (same views, same times), so a decision depends only on the
//! seed and the history — also after a restart.
//!
//! Time for an agent: the larger of clock / (budget − 1) (moves made, see
//! [`super::protocol::Rules::budget`]) and elapsed / wall-clock limit, at the moment of the
//! decision (stored as the message's time).

use detente_negotiate::protocol::{Actor, MediatorView, View};
use detente_negotiate::strategy::{
    by_name, Action, LearningMediator, MediatorStrategy, Response, Strategy,
};
use detente_negotiate::OutcomeId;

use super::game::Game;
use super::model::{Msg, Seat, ALL};
use super::protocol::{open_for, Kind, Proto, Rules};

/// Bridging proposals: the mediator agent bridges every this many party offers.
pub const BRIDGE_EVERY: u32 = 3;

/// A message an agent sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    /// Recipient seat or [`ALL`].
    pub to: i64,
    /// Kind.
    pub kind: Kind,
    /// Package.
    pub package: Option<Vec<usize>>,
    /// Note.
    pub note: String,
}

/// What the agents need to know of a session.
pub struct Ctx<'a> {
    /// The problem.
    pub game: &'a Game,
    /// The rules.
    pub rules: Rules,
    /// The session's seed.
    pub seed: u64,
    /// Session start (Unix ms).
    pub start: i64,
    /// Wall-clock deadline (Unix ms).
    pub deadline: Option<i64>,
}

/// Seed of party `p`'s strategy (as the engine seeds its sessions' parties).
pub fn party_seed(seed: u64, p: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(p as u64)
}

fn actor_of(rules: &Rules, seat: i64) -> Actor {
    if rules.is_party(seat) {
        Actor::Party(seat as usize)
    } else {
        Actor::Mediator
    }
}

impl Ctx<'_> {
    /// The round and relative time of a decision: a proposal is made in the round of the
    /// next move (moves made so far), an answer in the round of the latest move (as in the
    /// engine's protocols, where an offer and its answers share a round).
    fn clock_time(&self, prefix: &[Msg], at: i64, answer: bool) -> (u32, f64) {
        let moves = self.rules.clock(prefix);
        let clock = if answer {
            moves.saturating_sub(1)
        } else {
            moves
        };
        let budget = self.rules.budget();
        let mut t = if budget <= 1 {
            1.0
        } else {
            (clock as f64 / (budget - 1) as f64).min(1.0)
        };
        if let Some(d) = self.deadline {
            let span = (d - self.start).max(1) as f64;
            t = t.max(((at - self.start) as f64 / span).clamp(0.0, 1.0));
        }
        (clock, t)
    }

    fn outcome(&self, p: &[usize]) -> OutcomeId {
        self.game.outcome(p)
    }

    /// What party `p` has received and sent in `prefix`.
    fn books(&self, p: usize, prefix: &[Msg]) -> (Vec<(Actor, OutcomeId)>, Vec<OutcomeId>) {
        let me = p as i64;
        let received = prefix
            .iter()
            .filter(|m| m.kind.puts() && m.from != me && (m.to == me || m.to == ALL))
            .filter_map(|m| {
                m.package
                    .as_ref()
                    .map(|x| (actor_of(&self.rules, m.from), self.outcome(x)))
            })
            .collect();
        let sent = prefix
            .iter()
            .filter(|m| m.from == me && m.kind == Kind::Offer)
            .filter_map(|m| m.package.as_ref().map(|x| self.outcome(x)))
            .collect();
        (received, sent)
    }

    fn with_view<R>(
        &self,
        p: usize,
        prefix: &[Msg],
        (at, answer): (i64, bool),
        f: impl FnOnce(&View<'_>) -> R,
    ) -> R {
        let (received, sent) = self.books(p, prefix);
        let (round, time) = self.clock_time(prefix, at, answer);
        let d = &self.game.problem.domain;
        let view = View {
            me: p,
            n_parties: self.rules.parties,
            round,
            time,
            rounds: self.rules.budget(),
            space: &d.space,
            utility: &d.utilities[p],
            ranked: &self.game.ranked[p],
            received: &received,
            sent: &sent,
        };
        f(&view)
    }

    fn with_mediator_view<R>(&self, prefix: &[Msg], f: impl FnOnce(&MediatorView<'_>) -> R) -> R {
        let n = self.rules.parties;
        let mut offers = vec![Vec::new(); n];
        let mut responses = Vec::new();
        for m in prefix {
            if !self.rules.is_party(m.from) {
                continue;
            }
            let Some(pkg) = &m.package else { continue };
            let o = self.outcome(pkg);
            match m.kind {
                Kind::Offer if self.rules.proto == Proto::Shuttle => {
                    offers[m.from as usize].push(o)
                }
                Kind::Accept => responses.push((m.from as usize, o, true)),
                Kind::Reject => responses.push((m.from as usize, o, false)),
                _ => {}
            }
        }
        let (round, _) = self.clock_time(prefix, 0, true);
        let view = MediatorView {
            n_parties: n,
            round,
            rounds: self.rules.budget(),
            space: &self.game.problem.domain.space,
            offers: &offers,
            responses: &responses,
        };
        f(&view)
    }

    /// Party `p`'s strategy, replayed over its past decisions in `history`.
    fn party_strategy(&self, p: usize, name: &str, history: &[Msg]) -> Option<Box<dyn Strategy>> {
        let mut s = by_name(name, party_seed(self.seed, p))?;
        for (i, m) in history.iter().enumerate() {
            if m.from != p as i64 {
                continue;
            }
            let prefix = &history[..i];
            match (m.kind, &m.package) {
                (Kind::Accept | Kind::Reject, Some(pkg)) => {
                    let o = self.outcome(pkg);
                    self.with_view(p, prefix, (m.at, true), |v| s.respond(v, o));
                }
                (Kind::Offer, _) => {
                    self.with_view(p, prefix, (m.at, false), |v| s.propose(v));
                }
                _ => {}
            }
        }
        Some(s)
    }

    /// The mediator's strategy, replayed over its past proposals to all.
    fn mediator_strategy(&self, me: i64, history: &[Msg]) -> LearningMediator {
        let mut med = LearningMediator::new(self.seed);
        let mut texts = 0;
        let mut last: Option<OutcomeId> = None;
        for (i, m) in history.iter().enumerate() {
            if m.from != me || m.kind != Kind::Proposal || m.to != ALL {
                continue;
            }
            let prefix = &history[..i];
            match self.rules.proto {
                Proto::SingleText => {
                    self.with_mediator_view(prefix, |v| match last {
                        Some(c) if texts > 0 => med.next_text(v, c),
                        _ => med.initial_text(v),
                    });
                    texts += 1;
                    last = m.package.as_ref().map(|p| self.outcome(p));
                }
                _ => {
                    self.with_mediator_view(prefix, |v| med.bridge(v));
                }
            }
        }
        med
    }

    /// What the agent in `seat` does now, given the whole history (nothing: empty).
    pub fn act(&self, seat: &Seat, history: &[Msg], now: i64) -> Vec<Out> {
        if !seat.is_agent() {
            return Vec::new();
        }
        if seat.is_mediator() {
            match self.rules.proto {
                Proto::SingleText => self.single_text_mediator(seat.seat, history),
                _ => self.shuttle_mediator(seat.seat, history),
            }
        } else {
            let name = seat.strategy.as_deref().unwrap_or("boulware");
            self.party(seat.seat as usize, name, history, now)
        }
    }

    fn default_to(&self, p: i64) -> i64 {
        match self.rules.mediator() {
            Some(m) => m,
            None if self.rules.parties == 2 => 1 - p,
            None => ALL,
        }
    }

    fn propose(&self, s: &mut Box<dyn Strategy>, p: usize, history: &[Msg], now: i64) -> Out {
        match self.with_view(p, history, (now, false), |v| s.propose(v)) {
            Action::Offer(o) => Out {
                to: self.default_to(p as i64),
                kind: Kind::Offer,
                package: Some(self.game.package(o)),
                note: String::new(),
            },
            Action::WalkAway => Out {
                to: self.default_to(p as i64),
                kind: Kind::WalkAway,
                package: None,
                note: "Nothing on the table is worth more to us than our alternative; we leave."
                    .into(),
            },
        }
    }

    fn party(&self, p: usize, name: &str, history: &[Msg], now: i64) -> Vec<Out> {
        let Some(mut s) = self.party_strategy(p, name, history) else {
            return Vec::new();
        };
        let me = p as i64;
        let offers = self.rules.proto != Proto::SingleText;
        let left = self.rules.left(me, history).unwrap_or(0);
        if let Some(m) = open_for(&self.rules, me, history) {
            let Some(pkg) = m.package.clone() else {
                return Vec::new();
            };
            let o = self.outcome(&pkg);
            let to = m.from;
            return match self.with_view(p, history, (now, true), |v| s.respond(v, o)) {
                Response::Accept => vec![Out {
                    to,
                    kind: Kind::Accept,
                    package: Some(pkg),
                    note: String::new(),
                }],
                Response::WalkAway => vec![Out {
                    to,
                    kind: Kind::WalkAway,
                    package: None,
                    note: "This is worse than our alternative and time is up; we leave.".into(),
                }],
                Response::Reject => {
                    let mut out = vec![Out {
                        to,
                        kind: Kind::Reject,
                        package: Some(pkg),
                        note: String::new(),
                    }];
                    if offers && left > 0 {
                        out.push(self.propose(&mut s, p, history, now));
                    }
                    out
                }
            };
        }
        let anyone_offered = history
            .iter()
            .any(|m| m.kind == Kind::Offer && self.rules.is_party(m.from));
        if offers && left > 0 && !anyone_offered {
            return vec![self.propose(&mut s, p, history, now)];
        }
        Vec::new()
    }

    fn shuttle_mediator(&self, me: i64, history: &[Msg]) -> Vec<Out> {
        let n = self.rules.parties;
        let names = &self.game.problem.party_ids;
        let last_mine = history
            .iter()
            .rposition(|m| m.from == me)
            .map_or(0, |i| history[i].seq);
        let mut out = Vec::new();
        // A party rejected a package the mediator carried: tell the party it came from.
        if let Some(r) = history
            .iter()
            .rev()
            .find(|m| m.seq > last_mine && m.to == me && m.kind == Kind::Reject)
        {
            let carried = history
                .iter()
                .rev()
                .find(|m| m.seq < r.seq && m.from == me && m.to == r.from && m.kind.puts());
            if let Some(c) = carried.filter(|c| c.kind == Kind::Relay) {
                if let Some(origin) = history.iter().rev().find(|m| {
                    m.seq < c.seq && m.kind == Kind::Offer && m.to == me && m.from != r.from
                }) {
                    out.push(Out {
                        to: origin.from,
                        kind: Kind::Note,
                        package: None,
                        note: format!("{} declined your offer.", names[r.from as usize]),
                    });
                }
            }
        }
        // Carry the latest unhandled party offer to every other party (two parties: reframed
        // by the mediator's model), then bridge every few offers.
        if let Some(x) = open_for(&self.rules, me, history).filter(|m| m.kind == Kind::Offer) {
            let Some(pkg) = x.package.clone() else {
                return out;
            };
            let offer = self.outcome(&pkg);
            let p = x.from as usize;
            let mut med = self.mediator_strategy(me, history);
            for k in 1..n {
                let q = (p + k) % n;
                let relayed = if n == 2 {
                    self.with_mediator_view(history, |v| med.reframe(v, p, q, offer))
                } else {
                    offer
                };
                let note = if relayed == offer {
                    format!("Offer carried from {}.", names[p])
                } else {
                    format!(
                        "Offer carried from {}, reframed by the mediator on one issue.",
                        names[p]
                    )
                };
                out.push(Out {
                    to: q as i64,
                    kind: Kind::Relay,
                    package: Some(self.game.package(relayed)),
                    note,
                });
            }
            let clock = self.rules.clock(history);
            if clock > 0 && clock.is_multiple_of(BRIDGE_EVERY) {
                if let Some(b) = self.with_mediator_view(history, |v| med.bridge(v)) {
                    out.push(Out {
                        to: ALL,
                        kind: Kind::Proposal,
                        package: Some(self.game.package(b)),
                        note: "A bridging package from the mediator.".into(),
                    });
                }
            }
            return out;
        }
        // Every other party accepted a reframed package: put it to the party it came from.
        if n == 2 {
            if let Some(ri) = history
                .iter()
                .rposition(|m| m.from == me && m.kind == Kind::Relay)
            {
                let relay = &history[ri];
                let q = relay.to;
                let accepted = history[ri + 1..]
                    .iter()
                    .any(|m| m.from == q && m.kind == Kind::Accept && m.package == relay.package);
                let origin = history[..ri]
                    .iter()
                    .rev()
                    .find(|m| m.kind == Kind::Offer && m.to == me && m.from != q);
                let since = history[ri + 1..].iter().any(|m| m.from == me);
                if let Some(o) = origin {
                    if accepted && !since && o.package != relay.package {
                        out.push(Out {
                            to: o.from,
                            kind: Kind::Proposal,
                            package: relay.package.clone(),
                            note: format!(
                                "{} accepts this variant of your offer; do you?",
                                names[q as usize]
                            ),
                        });
                    }
                }
            }
        }
        out
    }

    fn single_text_mediator(&self, me: i64, history: &[Msg]) -> Vec<Out> {
        if self.rules.left(me, history).unwrap_or(0) == 0 {
            return Vec::new();
        }
        let texts: Vec<&Msg> = history
            .iter()
            .filter(|m| m.from == me && m.kind == Kind::Proposal && m.to == ALL)
            .collect();
        let answered =
            (0..self.rules.parties as i64).all(|p| open_for(&self.rules, p, history).is_none());
        if !texts.is_empty() && !answered {
            return Vec::new();
        }
        let mut med = self.mediator_strategy(me, history);
        let text = match texts.last().and_then(|m| m.package.as_ref()) {
            None => self.with_mediator_view(history, |v| med.initial_text(v)),
            Some(c) => {
                let c = self.outcome(c);
                self.with_mediator_view(history, |v| med.next_text(v, c))
            }
        };
        vec![Out {
            to: ALL,
            kind: Kind::Proposal,
            package: Some(self.game.package(text)),
            note: format!("Negotiating text no. {}.", texts.len() + 1),
        }]
    }
}
