//! MiCRO: concede one step down one's own ranking only when the others have made as many
//! distinct offers as oneself; accept anything at least as good as one's next offer.

use std::collections::HashSet;

use super::{respond_with, Acceptance, Action, Response, Strategy};
use crate::outcome::OutcomeId;
use crate::protocol::View;

/// The MiCRO strategy (reciprocal concession without an opponent model).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Micro {
    next: usize,
}

impl Micro {
    /// A MiCRO party.
    pub fn new() -> Self {
        Micro { next: 0 }
    }

    fn distinct_received(view: &View<'_>) -> usize {
        view.received
            .iter()
            .map(|x| x.1)
            .collect::<HashSet<_>>()
            .len()
    }

    /// Rank index of the outcome it would offer now (no concession below the reservation).
    fn candidate(&self, view: &View<'_>) -> usize {
        let rational = view.ranked.count_at_least(view.reservation()).max(1);
        let can_concede = Self::distinct_received(view) >= self.next;
        if can_concede {
            self.next.min(rational - 1)
        } else {
            self.next.saturating_sub(1).min(rational - 1)
        }
    }
}

impl Strategy for Micro {
    fn name(&self) -> &str {
        "micro"
    }
    fn propose(&mut self, view: &View<'_>) -> Action {
        if super::hopeless(view) {
            return Action::WalkAway;
        }
        let k = self.candidate(view);
        if k >= self.next {
            self.next = k + 1;
        }
        Action::Offer(view.ranked.get(k).1)
    }
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let k = self.candidate(view);
        let u_next = view.ranked.get(k).0;
        respond_with(Acceptance::Next, view, offer, u_next)
    }
}
