//! The negotiation engine of detente, split like NegMAS: [`outcome`] (issues and outcome
//! spaces), [`preferences`] (additive utilities), [`analysis`] (Pareto, Nash, KS, …),
//! [`protocol`] (SAO, single-text mediation, shuttle talks) and [`strategy`] (negotiators).
//!
//! Strategies see a read-only [`protocol::View`] of the session, never the protocol object.
//! No agreement is an outcome of a session, not an error.
#![deny(missing_docs)]

pub mod analysis;
pub mod domain;
pub mod outcome;
pub mod preferences;
pub mod protocol;
pub mod scenario;
pub mod strategy;

pub use domain::Domain;
pub use outcome::{Issue, OutcomeId, OutcomeSpace};
pub use preferences::AdditiveUtility;

/// Why a domain or a session could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NegotiateError {
    /// The outcome space would be empty.
    #[error("empty outcome space: {0}")]
    EmptySpace(String),
    /// The outcome space has more than 2^64 outcomes.
    #[error("the outcome space has more than 2^64 outcomes")]
    TooLarge,
    /// Inconsistent input.
    #[error("{0}")]
    Invalid(String),
}
