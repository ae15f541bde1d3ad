//! Single-negotiation-text mediation: the mediator proposes a text, then changes to it; a change
//! is adopted when every party votes for it (hill-climbing on accepted moves). In the last round
//! the text is put to the parties for acceptance.

use super::{
    Actor, Book, Deadline, Kind, MediatedProtocol, MediatorView, Message, Ranked, Session,
};
use crate::domain::Domain;
use crate::strategy::{MediatorStrategy, Response, Strategy};

/// The single-text protocol with a deadline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SingleText {
    /// When the session ends (one round = one proposed change).
    pub deadline: Deadline,
}

impl SingleText {
    /// Single text with `rounds` rounds.
    pub fn new(rounds: u32) -> Self {
        SingleText {
            deadline: Deadline::rounds(rounds),
        }
    }
}

impl MediatedProtocol for SingleText {
    fn run_ranked(
        &self,
        domain: &Domain,
        ranked: &[Ranked],
        parties: &mut [Box<dyn Strategy>],
        mediator: &mut dyn MediatorStrategy,
    ) -> Session {
        let n = parties.len();
        let rounds = self.deadline.rounds.max(1);
        let played = self.deadline.played();
        let mut book = Book::new(
            domain,
            ranked,
            Deadline {
                rounds,
                ..self.deadline
            },
        );
        let mut trace = Vec::new();
        let offers = vec![Vec::new(); n];
        let mut responses = Vec::new();
        let mut text = {
            let v = MediatorView {
                n_parties: n,
                round: 0,
                rounds,
                space: &domain.space,
                offers: &offers,
                responses: &responses,
            };
            mediator.initial_text(&v)
        };
        for p in 0..n {
            trace.push(Message {
                round: 0,
                from: Actor::Mediator,
                to: Actor::Party(p),
                kind: Kind::Proposal,
                outcome: Some(text),
            });
            book.received[p].push((Actor::Mediator, text));
        }
        for round in 1..rounds.saturating_sub(1).max(1).min(played) {
            if book.timed_out() {
                break;
            }
            let candidate = {
                let v = MediatorView {
                    n_parties: n,
                    round,
                    rounds,
                    space: &domain.space,
                    offers: &offers,
                    responses: &responses,
                };
                mediator.next_text(&v, text)
            };
            let mut all = true;
            for p in 0..n {
                trace.push(Message {
                    round,
                    from: Actor::Mediator,
                    to: Actor::Party(p),
                    kind: Kind::Proposal,
                    outcome: Some(candidate),
                });
                book.received[p].push((Actor::Mediator, candidate));
                let yes = parties[p].vote(&book.view(domain, p, round), Some(text), candidate);
                responses.push((p, candidate, yes));
                trace.push(Message {
                    round,
                    from: Actor::Party(p),
                    to: Actor::Mediator,
                    kind: if yes { Kind::Accept } else { Kind::Reject },
                    outcome: Some(candidate),
                });
                all &= yes;
            }
            if all {
                text = candidate;
            }
        }
        if played < rounds {
            // cut off before the final vote
            return Session::finish(domain, None, played, None, trace);
        }
        // final acceptance of the text
        let last = rounds - 1;
        let mut agreed = true;
        for p in 0..n {
            trace.push(Message {
                round: last,
                from: Actor::Mediator,
                to: Actor::Party(p),
                kind: Kind::Proposal,
                outcome: Some(text),
            });
            let r = parties[p].respond(&book.view(domain, p, last), text);
            let kind = match r {
                Response::Accept => Kind::Accept,
                Response::Reject => Kind::Reject,
                Response::WalkAway => Kind::WalkAway,
            };
            trace.push(Message {
                round: last,
                from: Actor::Party(p),
                to: Actor::Mediator,
                kind,
                outcome: Some(text),
            });
            match r {
                Response::Accept => {}
                Response::Reject => agreed = false,
                Response::WalkAway => return Session::finish(domain, None, rounds, Some(p), trace),
            }
        }
        Session::finish(domain, agreed.then_some(text), rounds, None, trace)
    }
}
