//! Time-dependent aspiration (GENIUS/NegMAS style): the target utility falls from the best
//! outcome towards the reservation value as t^(1/e).

use super::{respond_with, Acceptance, Action, Response, Strategy};
use crate::outcome::OutcomeId;
use crate::protocol::View;

/// Offers the outcome closest above the aspiration `max − (max − min)·t^(1/e)`.
/// e < 1 is Boulware (concedes late), e = 1 linear, e > 1 conceder.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeDependent {
    /// Concession exponent.
    pub e: f64,
    /// Acceptance condition.
    pub acceptance: Acceptance,
    name: String,
}

impl TimeDependent {
    /// Exponent `e` with AC_next.
    pub fn new(e: f64) -> Self {
        TimeDependent {
            e,
            acceptance: Acceptance::Next,
            name: format!("time-dependent(e={e})"),
        }
    }
    /// Boulware, e = 0.2.
    pub fn boulware() -> Self {
        TimeDependent {
            name: "boulware".into(),
            ..Self::new(0.2)
        }
    }
    /// Linear, e = 1.
    pub fn linear() -> Self {
        TimeDependent {
            name: "linear".into(),
            ..Self::new(1.0)
        }
    }
    /// Conceder, e = 2.
    pub fn conceder() -> Self {
        TimeDependent {
            name: "conceder".into(),
            ..Self::new(2.0)
        }
    }

    /// Target utility at relative time `t`.
    pub fn aspiration(&self, view: &View<'_>, t: f64) -> f64 {
        let (max, _) = view.ranked.best();
        let min = view.reservation().max(view.ranked.worst());
        let e = if self.e > 0.0 { self.e } else { 1e-6 };
        max - (max - min) * t.clamp(0.0, 1.0).powf(1.0 / e)
    }

    fn offer_at(&self, view: &View<'_>, t: f64) -> (f64, OutcomeId) {
        view.ranked.at_least(self.aspiration(view, t))
    }
}

impl Strategy for TimeDependent {
    fn name(&self) -> &str {
        &self.name
    }
    fn propose(&mut self, view: &View<'_>) -> Action {
        if super::hopeless(view) {
            return Action::WalkAway;
        }
        Action::Offer(self.offer_at(view, view.time).1)
    }
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let next_t = view.time_of(view.round + 1);
        let (u_next, _) = self.offer_at(view, next_t);
        respond_with(self.acceptance, view, offer, u_next)
    }
}
