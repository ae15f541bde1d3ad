//! Stacked alternating offers (SAO) for n parties: parties propose in turn; an offer is agreed
//! when every other party accepts it; one rejection passes the turn to the next party.

use super::{Actor, Book, Deadline, Kind, Message, Protocol, Ranked, Session};
use crate::domain::Domain;
use crate::strategy::{Action, Response, Strategy};

/// The SAO protocol with a deadline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sao {
    /// When the session ends (one round = one offer).
    pub deadline: Deadline,
}

impl Sao {
    /// SAO with a deadline of `rounds` offers.
    pub fn new(rounds: u32) -> Self {
        Sao {
            deadline: Deadline::rounds(rounds),
        }
    }
}

/// One direct SAO round: `p` offers to everyone, the others answer in turn. Returns
/// `Some(Ok(outcome))` on agreement, `Some(Err(party))` on a walk-away, `None` to continue.
pub(crate) fn direct_round(
    domain: &Domain,
    book: &mut Book<'_>,
    parties: &mut [Box<dyn Strategy>],
    round: u32,
    trace: &mut Vec<Message>,
) -> Option<Result<u64, usize>> {
    let n = parties.len();
    let p = round as usize % n;
    let action = parties[p].propose(&book.view(domain, p, round));
    let offer = match action {
        Action::Offer(o) => o,
        Action::WalkAway => {
            for q in (0..n).filter(|&q| q != p) {
                trace.push(Message {
                    round,
                    from: Actor::Party(p),
                    to: Actor::Party(q),
                    kind: Kind::WalkAway,
                    outcome: None,
                });
            }
            return Some(Err(p));
        }
    };
    book.sent[p].push(offer);
    for q in (0..n).filter(|&q| q != p) {
        trace.push(Message {
            round,
            from: Actor::Party(p),
            to: Actor::Party(q),
            kind: Kind::Offer,
            outcome: Some(offer),
        });
        book.received[q].push((Actor::Party(p), offer));
    }
    for k in 1..n {
        let q = (p + k) % n;
        let r = parties[q].respond(&book.view(domain, q, round), offer);
        let kind = match r {
            Response::Accept => Kind::Accept,
            Response::Reject => Kind::Reject,
            Response::WalkAway => Kind::WalkAway,
        };
        trace.push(Message {
            round,
            from: Actor::Party(q),
            to: Actor::Party(p),
            kind,
            outcome: Some(offer),
        });
        match r {
            Response::Accept => {}
            Response::Reject => return None,
            Response::WalkAway => return Some(Err(q)),
        }
    }
    Some(Ok(offer))
}

impl Protocol for Sao {
    fn run_ranked(
        &self,
        domain: &Domain,
        ranked: &[Ranked],
        parties: &mut [Box<dyn Strategy>],
    ) -> Session {
        let mut book = Book::new(domain, ranked, self.deadline);
        let mut trace = Vec::new();
        for round in 0..self.deadline.played() {
            if book.timed_out() {
                return Session::finish(domain, None, round, None, trace);
            }
            match direct_round(domain, &mut book, parties, round, &mut trace) {
                Some(Ok(o)) => return Session::finish(domain, Some(o), round + 1, None, trace),
                Some(Err(q)) => return Session::finish(domain, None, round + 1, Some(q), trace),
                None => {}
            }
        }
        Session::finish(domain, None, self.deadline.played(), None, trace)
    }
}
