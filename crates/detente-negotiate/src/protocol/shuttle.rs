//! Indirect shuttle talks: parties sit in separate rooms and speak only to the mediator, who
//! relays (and may reframe) offers and answers, and proposes bridging packages from what it has
//! learned. From round `direct_from` on (if set) the parties also talk directly, SAO style.

use super::sao::direct_round;
use super::{
    Actor, Book, Deadline, Kind, MediatedProtocol, MediatorView, Message, Ranked, Session,
};
use crate::domain::Domain;
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
        let mut book = Book::new(domain, ranked, self.deadline);
        let mut trace = Vec::new();
        let mut offers: Vec<Vec<u64>> = vec![Vec::new(); n];
        let mut responses: Vec<(usize, u64, bool)> = Vec::new();
        for round in 0..self.deadline.played() {
            if book.timed_out() {
                return Session::finish(domain, None, round, None, trace);
            }
            let direct = self.direct_from.map(|d| round >= d).unwrap_or(false);
            if direct {
                match direct_round(domain, &mut book, parties, round, &mut trace) {
                    Some(Ok(o)) => return Session::finish(domain, Some(o), round + 1, None, trace),
                    Some(Err(q)) => {
                        return Session::finish(domain, None, round + 1, Some(q), trace)
                    }
                    None => {}
                }
            } else {
                let p = round as usize % n;
                let offer = match parties[p].propose(&book.view(domain, p, round)) {
                    Action::Offer(o) => o,
                    Action::WalkAway => {
                        trace.push(Message {
                            round,
                            from: Actor::Party(p),
                            to: Actor::Mediator,
                            kind: Kind::WalkAway,
                            outcome: None,
                        });
                        return Session::finish(domain, None, round + 1, Some(p), trace);
                    }
                };
                book.sent[p].push(offer);
                offers[p].push(offer);
                trace.push(Message {
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
                        offers: &offers,
                        responses: &responses,
                    };
                    mediator.reframe(&v, p, (p + 1) % n, offer)
                } else {
                    offer
                };
                let mut all = true;
                for k in 1..n {
                    let q = (p + k) % n;
                    trace.push(Message {
                        round,
                        from: Actor::Mediator,
                        to: Actor::Party(q),
                        kind: Kind::Relay,
                        outcome: Some(relayed),
                    });
                    book.received[q].push((Actor::Mediator, relayed));
                    let r = parties[q].respond(&book.view(domain, q, round), relayed);
                    trace.push(Message {
                        round,
                        from: Actor::Party(q),
                        to: Actor::Mediator,
                        kind: kind_of(r),
                        outcome: Some(relayed),
                    });
                    responses.push((q, relayed, r == Response::Accept));
                    match r {
                        Response::Accept => {}
                        Response::Reject => {
                            trace.push(Message {
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
                            trace.push(Message {
                                round,
                                from: Actor::Mediator,
                                to: Actor::Party(p),
                                kind: Kind::WalkAway,
                                outcome: None,
                            });
                            return Session::finish(domain, None, round + 1, Some(q), trace);
                        }
                    }
                }
                if all && relayed == offer {
                    trace.push(Message {
                        round,
                        from: Actor::Mediator,
                        to: Actor::Party(p),
                        kind: Kind::Accept,
                        outcome: Some(offer),
                    });
                    return Session::finish(domain, Some(offer), round + 1, None, trace);
                }
                if all {
                    // the others accepted a reframed version: the proposer must confirm it
                    trace.push(Message {
                        round,
                        from: Actor::Mediator,
                        to: Actor::Party(p),
                        kind: Kind::Proposal,
                        outcome: Some(relayed),
                    });
                    book.received[p].push((Actor::Mediator, relayed));
                    let r = parties[p].respond(&book.view(domain, p, round), relayed);
                    trace.push(Message {
                        round,
                        from: Actor::Party(p),
                        to: Actor::Mediator,
                        kind: kind_of(r),
                        outcome: Some(relayed),
                    });
                    responses.push((p, relayed, r == Response::Accept));
                    match r {
                        Response::Accept => {
                            return Session::finish(domain, Some(relayed), round + 1, None, trace)
                        }
                        Response::Reject => {}
                        Response::WalkAway => {
                            return Session::finish(domain, None, round + 1, Some(p), trace)
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
                        offers: &offers,
                        responses: &responses,
                    };
                    mediator.bridge(&v)
                };
                if let Some(b) = bridge {
                    let mut all = true;
                    for q in 0..n {
                        trace.push(Message {
                            round,
                            from: Actor::Mediator,
                            to: Actor::Party(q),
                            kind: Kind::Proposal,
                            outcome: Some(b),
                        });
                        book.received[q].push((Actor::Mediator, b));
                        let r = parties[q].respond(&book.view(domain, q, round), b);
                        trace.push(Message {
                            round,
                            from: Actor::Party(q),
                            to: Actor::Mediator,
                            kind: kind_of(r),
                            outcome: Some(b),
                        });
                        responses.push((q, b, r == Response::Accept));
                        match r {
                            Response::Accept => {}
                            Response::Reject => all = false,
                            Response::WalkAway => {
                                return Session::finish(domain, None, round + 1, Some(q), trace)
                            }
                        }
                    }
                    if all {
                        return Session::finish(domain, Some(b), round + 1, None, trace);
                    }
                }
            }
        }
        Session::finish(domain, None, self.deadline.played(), None, trace)
    }
}
