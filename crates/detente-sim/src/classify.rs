//! The four outcome classes of a simulated run (see `docs/outcomes.md`).

use serde::Serialize;

/// How one simulated future ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// The protocol reached an agreement on one package covering every agenda issue.
    Deal,
    /// No comprehensive agreement, but a partial package (some core issues deferred at the
    /// status quo) that every party prefers to its BATNA.
    Interim,
    /// No agreement and no acceptable partial package; nobody walked away.
    Stalemate,
    /// A party walked away, or an escalation event fired before agreement.
    Breakdown,
}

impl Class {
    /// All classes in report order.
    pub const ALL: [Class; 4] = [
        Class::Deal,
        Class::Interim,
        Class::Stalemate,
        Class::Breakdown,
    ];

    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Class::Deal => "deal",
            Class::Interim => "interim",
            Class::Stalemate => "stalemate",
            Class::Breakdown => "breakdown",
        }
    }
}
