//! Indirect shuttle talks: parties sit in separate rooms and speak only to the mediator, who
//! relays (and may reframe) offers and answers, and proposes bridging packages from what it has
//! learned. From round `direct_from` on (if set) the parties also talk directly, SAO style.

use super::sao::direct_round;
use super::{
    Actor, Book, Deadline, Kind, MediatedProtocol, MediatorView, Message, Ranked, Session,
};
use crate::domain::Domain;
use crate::outcome::OutcomeId;
use crate::strategy::{Action, MediatorStrategy, Response, Strategy};

/// The shuttle protocol.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shuttle {
    /// When the session ends (one round = one offer carried).
    pub deadline: Deadline,
    /// Round from which parties may talk directly (`None`: never).
    pub direct_from: Option<u32>,
    /// The mediator tries a bridging package every this many rounds (0: never).
    pub bridge_every: u32,
}

impl Shuttle {
    /// Shuttle talks of `rounds` rounds, never direct, bridging every 3 rounds.
    pub fn new(rounds: u32) -> Self {
        Shuttle {
            deadline: Deadline::rounds(rounds),
            direct_from: None,
            bridge_every: 3,
        }
    }
}

fn kind_of(r: Response) -> Kind {
    match r {
        Response::Accept => Kind::Accept,
        Response::Reject => Kind::Reject,
        Response::WalkAway => Kind::WalkAway,
    }
}

/// A session's record as the mediator keeps it: the parties' books, the trace, every offer
/// made to the mediator and every answer it received.
struct Talks<'r> {
    book: Book<'r>,
    trace: Vec<Message>,
    offers: Vec<Vec<OutcomeId>>,
    responses: Vec<(usize, OutcomeId, bool)>,
}

impl Talks<'_> {
    /// The mediator passes `outcome` to party `q` (as a relay or a proposal) in `round`; q's
    /// answer is traced, logged for the mediator, and returned.
    fn put(
        &mut self,
        domain: &Domain,
        parties: &mut [Box<dyn Strategy>],
        round: u32,
        q: usize,
        kind: Kind,
        outcome: OutcomeId,
    ) -> Response {
        self.trace.push(Message {
            round,
            from: Actor::Mediator,
            to: Actor::Party(q),
            kind,
            outcome: Some(outcome),
        });
        self.book.received[q].push((Actor::Mediator, outcome));
        let r = parties[q].respond(&self.book.view(domain, q, round), outcome);
        self.trace.push(Message {
            round,
            from: Actor::Party(q),
            to: Actor::Mediator,
            kind: kind_of(r),
            outcome: Some(outcome),
        });
        self.responses.push((q, outcome, r == Response::Accept));
        r
    }
}

impl MediatedProtocol for Shuttle {
    fn run_ranked(
        &self,
        domain: &Domain,
        ranked: &[Ranked],
        parties: &mut [Box<dyn Strategy>],
        mediator: &mut dyn MediatorStrategy,
    ) -> Session {
        let n = parties.len();
        let rounds = self.deadline.rounds;
        let mut t = Talks {
            book: Book::new(domain, ranked, self.deadline),
            trace: Vec::new(),
            offers: vec![Vec::new(); n],
            responses: Vec::new(),
        };
        for round in 0..self.deadline.played() {
            if t.book.timed_out() {
                return Session::finish(domain, None, round, None, t.trace);
            }
            let direct = self.direct_from.map(|d| round >= d).unwrap_or(false);
            if direct {
                match direct_round(domain, &mut t.book, parties, round, &mut t.trace) {
                    Some(Ok(o)) => {
                        return Session::finish(domain, Some(o), round + 1, None, t.trace)
                    }
                    Some(Err(q)) => {
                        return Session::finish(domain, None, round + 1, Some(q), t.trace)
                    }
                    None => {}
                }
            } else {
                let p = round as usize % n;
                let offer = match parties[p].propose(&t.book.view(domain, p, round)) {
                    Action::Offer(o) => o,
                    Action::WalkAway => {
                        t.trace.push(Message {
                            round,
                            from: Actor::Party(p),
                            to: Actor::Mediator,
                            kind: Kind::WalkAway,
                            outcome: None,
                        });
                        return Session::finish(domain, None, round + 1, Some(p), t.trace);
                    }
                };
                t.book.sent[p].push(offer);
                t.offers[p].push(offer);
                t.trace.push(Message {
                    round,
                    from: Actor::Party(p),
                    to: Actor::Mediator,
                    kind: Kind::Offer,
                    outcome: Some(offer),
                });
                // One framing per offer, the same for every recipient (reframing only between two).
                let relayed = if n == 2 {
                    let v = MediatorView {
                        n_parties: n,
                        round,
                        rounds,
                        space: &domain.space,
                        offers: &t.offers,
                        responses: &t.responses,
                    };
                    mediator.reframe(&v, p, (p + 1) % n, offer)
                } else {
                    offer
                };
                let mut all = true;
                for k in 1..n {
                    let q = (p + k) % n;
                    let r = t.put(domain, parties, round, q, Kind::Relay, relayed);
                    match r {
                        Response::Accept => {}
                        Response::Reject => {
                            t.trace.push(Message {
                                round,
                                from: Actor::Mediator,
                                to: Actor::Party(p),
                                kind: Kind::Reject,
                                outcome: Some(offer),
                            });
                            all = false;
                            break;
                        }
                        Response::WalkAway => {
                            t.trace.push(Message {
                                round,
                                from: Actor::Mediator,
                                to: Actor::Party(p),
                                kind: Kind::WalkAway,
                                outcome: None,
                            });
                            return Session::finish(domain, None, round + 1, Some(q), t.trace);
                        }
                    }
                }
                if all && relayed == offer {
                    t.trace.push(Message {
                        round,
                        from: Actor::Mediator,
                        to: Actor::Party(p),
                        kind: Kind::Accept,
                        outcome: Some(offer),
                    });
                    return Session::finish(domain, Some(offer), round + 1, None, t.trace);
                }
                if all {
                    // the others accepted a reframed version: the proposer must confirm it
                    let r = t.put(domain, parties, round, p, Kind::Proposal, relayed);
                    match r {
                        Response::Accept => {
                            return Session::finish(domain, Some(relayed), round + 1, None, t.trace)
                        }
                        Response::Reject => {}
                        Response::WalkAway => {
                            return Session::finish(domain, None, round + 1, Some(p), t.trace)
                        }
                    }
                }
            }
            // bridging package
            if self.bridge_every > 0 && round % self.bridge_every == self.bridge_every - 1 {
                let bridge = {
                    let v = MediatorView {
                        n_parties: n,
                        round,
                        rounds,
                        space: &domain.space,
                        offers: &t.offers,
                        responses: &t.responses,
                    };
                    mediator.bridge(&v)
                };
                if let Some(b) = bridge {
                    let mut all = true;
                    for q in 0..n {
                        let r = t.put(domain, parties, round, q, Kind::Proposal, b);
                        match r {
                            Response::Accept => {}
                            Response::Reject => all = false,
                            Response::WalkAway => {
                                return Session::finish(domain, None, round + 1, Some(q), t.trace)
                            }
                        }
                    }
                    if all {
                        return Session::finish(domain, Some(b), round + 1, None, t.trace);
                    }
                }
            }
        }
        Session::finish(domain, None, self.deadline.played(), None, t.trace)
    }
}
