//! The rules of a room, as pure functions of the stored history: who may send what to whom,
//! when the parties agree, and when the rounds are spent (see docs/rooms.md).
//!
//! Seats: parties `0..n` in the scenario's party order, then the mediator (seat `n`) where the
//! protocol has one. [`ALL`] addresses every other seat.
//!
//! **Agreement.** A party *endorses* the package of its latest `offer` or `accept` (a later
//! one replaces an earlier one; rejects and notes change nothing). The parties agree when
//! every party endorses the same package; the session then ends with it.
//!
//! **Rounds.** In shuttle and direct talks each party may make `rounds` offers (the clock
//! counts party offers, budget `rounds × parties`); in single-text talks the mediator may put
//! `rounds` texts (the clock counts texts put to all). Once a seat has made all its offers
//! (single text: the mediator all its texts) the talks go on only until every seat has
//! answered what was put to it; then the session ends without agreement (unless an answer
//! made one).

use super::model::{Msg, ALL};
use crate::error::ServerError;

/// A room's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// Indirect shuttle talks: parties write only to the mediator, who carries offers.
    Shuttle,
    /// Direct alternating offers between the parties; no mediator.
    Direct,
    /// Single negotiating text: the mediator puts texts, the parties accept or reject them.
    SingleText,
}

impl Proto {
    /// Parses `shuttle`, `direct` or `single-text`.
    pub fn parse(s: &str) -> Option<Proto> {
        match s {
            "shuttle" => Some(Proto::Shuttle),
            "direct" => Some(Proto::Direct),
            "single-text" => Some(Proto::SingleText),
            _ => None,
        }
    }
    /// The name as stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            Proto::Shuttle => "shuttle",
            Proto::Direct => "direct",
            Proto::SingleText => "single-text",
        }
    }
    /// A sentence for pages.
    pub fn describe(&self) -> &'static str {
        match self {
            Proto::Shuttle => "indirect shuttle talks through the mediator",
            Proto::Direct => "direct talks (alternating offers)",
            Proto::SingleText => "single negotiating text put by the mediator",
        }
    }
    /// True when the protocol has a mediator seat.
    pub fn has_mediator(&self) -> bool {
        !matches!(self, Proto::Direct)
    }
    /// The engine's protocol that plays the same way (for the simulated comparison).
    pub fn engine(&self) -> detente_negotiate::scenario::ProtocolKind {
        use detente_negotiate::scenario::ProtocolKind;
        match self {
            Proto::Shuttle => ProtocolKind::Shuttle,
            Proto::Direct => ProtocolKind::Sao,
            Proto::SingleText => ProtocolKind::Mediated,
        }
    }
    /// Every protocol.
    pub const ALL: [Proto; 3] = [Proto::Shuttle, Proto::Direct, Proto::SingleText];
}

/// What a message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A party proposes a package.
    Offer,
    /// A party accepts the latest package put to it.
    Accept,
    /// A party rejects the latest package put to it.
    Reject,
    /// Free text only.
    Note,
    /// A party leaves; the session ends in breakdown.
    WalkAway,
    /// The mediator carries a package to a party.
    Relay,
    /// The mediator proposes a package (a bridge, or a single text).
    Proposal,
}

impl Kind {
    /// Parses a kind as written in the API.
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "offer" => Kind::Offer,
            "accept" => Kind::Accept,
            "reject" => Kind::Reject,
            "note" => Kind::Note,
            "walk-away" => Kind::WalkAway,
            "relay" => Kind::Relay,
            "proposal" => Kind::Proposal,
            _ => return None,
        })
    }
    /// The kind as written in the API and stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Accept => "accept",
            Kind::Reject => "reject",
            Kind::Note => "note",
            Kind::WalkAway => "walk-away",
            Kind::Relay => "relay",
            Kind::Proposal => "proposal",
        }
    }
    /// True for kinds that put a package to their recipients.
    pub fn puts(&self) -> bool {
        matches!(self, Kind::Offer | Kind::Relay | Kind::Proposal)
    }
}

/// A room's fixed rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The protocol.
    pub proto: Proto,
    /// Number of parties.
    pub parties: usize,
    /// Offers per party (single text: texts).
    pub rounds: u32,
}

/// Longest note, in characters.
pub const MAX_NOTE: usize = 2000;
/// Most messages a session holds.
pub const MAX_MESSAGES: usize = 5000;

impl Rules {
    /// The mediator's seat, if the protocol has one.
    pub fn mediator(&self) -> Option<i64> {
        self.proto.has_mediator().then_some(self.parties as i64)
    }
    /// Number of seats.
    pub fn seats(&self) -> usize {
        self.parties + usize::from(self.proto.has_mediator())
    }
    /// True for a party's seat.
    pub fn is_party(&self, seat: i64) -> bool {
        seat >= 0 && (seat as usize) < self.parties
    }
    /// Kinds a seat may send.
    pub fn kinds(&self, seat: i64) -> &'static [Kind] {
        use Kind::*;
        match (self.proto, self.is_party(seat)) {
            (Proto::SingleText, true) => &[Accept, Reject, Note, WalkAway],
            (_, true) => &[Offer, Accept, Reject, Note, WalkAway],
            (Proto::SingleText, false) => &[Proposal, Note],
            (_, false) => &[Relay, Proposal, Note],
        }
    }
    /// Seats a seat may write to ([`ALL`] included when allowed).
    pub fn recipients(&self, seat: i64) -> Vec<i64> {
        match (self.proto, self.is_party(seat)) {
            (Proto::Direct, true) => {
                let mut v: Vec<i64> = (0..self.parties as i64).filter(|&q| q != seat).collect();
                if self.parties > 2 {
                    v.push(ALL);
                }
                v
            }
            (_, true) => self.mediator().into_iter().collect(),
            (_, false) => {
                let mut v: Vec<i64> = (0..self.parties as i64).collect();
                v.push(ALL);
                v
            }
        }
    }
    /// Total moves before the deadline: party offers (shuttle, direct) or texts (single text).
    pub fn budget(&self) -> u32 {
        match self.proto {
            Proto::SingleText => self.rounds,
            _ => self.rounds.saturating_mul(self.parties as u32),
        }
    }
    /// True when `m` is a move that counts towards the budget.
    pub fn counts(&self, m: &Msg) -> bool {
        match self.proto {
            Proto::SingleText => m.kind == Kind::Proposal && m.to == ALL,
            _ => m.kind == Kind::Offer && self.is_party(m.from),
        }
    }
    /// Moves made so far in `history`.
    pub fn clock(&self, history: &[Msg]) -> u32 {
        history.iter().filter(|m| self.counts(m)).count() as u32
    }
    /// Moves `seat` has left: its offers (parties in shuttle and direct talks) or the texts
    /// (the mediator in single-text talks); `None` when the seat makes no counted moves.
    pub fn left(&self, seat: i64, history: &[Msg]) -> Option<u32> {
        match (self.proto, self.is_party(seat)) {
            (Proto::SingleText, false) => Some(self.rounds.saturating_sub(self.clock(history))),
            (Proto::SingleText, true) | (_, false) => None,
            (_, true) => {
                let made = history
                    .iter()
                    .filter(|m| m.from == seat && m.kind == Kind::Offer)
                    .count() as u32;
                Some(self.rounds.saturating_sub(made))
            }
        }
    }
}

/// The latest package put to `seat` (an offer, relay or proposal addressed to it or to all by
/// someone else), with its message.
pub fn on_table(seat: i64, history: &[Msg]) -> Option<&Msg> {
    history.iter().rev().find(|m| {
        m.kind.puts() && m.package.is_some() && m.from != seat && (m.to == seat || m.to == ALL)
    })
}

/// The message put to `seat` that it has not handled yet: the latest package put to it
/// (parties), or the latest party offer addressed to it (the mediator), when the seat has sent
/// nothing but notes since (a mediator: nothing at all).
pub fn open_for<'a>(rules: &Rules, seat: i64, history: &'a [Msg]) -> Option<&'a Msg> {
    let m = on_table(seat, history)?;
    let party = rules.is_party(seat);
    let handled = history
        .iter()
        .filter(|x| x.seq > m.seq && x.from == seat)
        .any(|x| !party || x.kind != Kind::Note);
    (!handled).then_some(m)
}

/// Each party's endorsed package (its latest offer or accept), by party.
pub fn endorsements(rules: &Rules, history: &[Msg]) -> Vec<Option<Vec<usize>>> {
    (0..rules.parties as i64)
        .map(|p| {
            history
                .iter()
                .rev()
                .find(|m| m.from == p && matches!(m.kind, Kind::Offer | Kind::Accept))
                .and_then(|m| m.package.clone())
        })
        .collect()
}

/// The package every party endorses, if there is one.
pub fn agreement(rules: &Rules, history: &[Msg]) -> Option<Vec<usize>> {
    let e = endorsements(rules, history);
    let first = e.first()?.clone()?;
    e.iter()
        .all(|x| x.as_ref() == Some(&first))
        .then_some(first)
}

/// Why the session ends now, judging by its history alone: `(reason, agreement)`.
pub fn ending(rules: &Rules, history: &[Msg]) -> Option<(&'static str, Option<Vec<usize>>)> {
    if history.iter().any(|m| m.kind == Kind::WalkAway) {
        return Some(("walk-away", None));
    }
    if let Some(a) = agreement(rules, history) {
        return Some(("agreement", Some(a)));
    }
    let seats = 0..rules.seats() as i64;
    if seats.clone().any(|s| rules.left(s, history) == Some(0))
        && seats
            .into_iter()
            .all(|s| open_for(rules, s, history).is_none())
    {
        return Some(("rounds", None));
    }
    None
}

/// A message a seat wants to send, already parsed.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Kind.
    pub kind: Kind,
    /// Recipient seat or [`ALL`] (`None`: the default for the kind).
    pub to: Option<i64>,
    /// Package, if given.
    pub package: Option<Vec<usize>>,
    /// Note.
    pub note: String,
}

/// A message admitted for storing: (recipient, kind, package, note).
pub type Admitted = (i64, Kind, Option<Vec<usize>>, String);

/// Checks `d` from `seat` against the rules and the history; returns the message to store
/// (recipient and package filled in: an accept or reject answers the package on the table).
pub fn admit(rules: &Rules, seat: i64, d: Draft, history: &[Msg]) -> Result<Admitted, ServerError> {
    if d.note.chars().count() > MAX_NOTE {
        return Err(ServerError::BadRequest(format!(
            "the note is too long: at most {MAX_NOTE} characters"
        )));
    }
    if history.len() >= MAX_MESSAGES {
        return Err(ServerError::Conflict(format!(
            "this session holds its maximum of {MAX_MESSAGES} messages"
        )));
    }
    let who = if rules.is_party(seat) {
        "a party"
    } else {
        "the mediator"
    };
    if !rules.kinds(seat).contains(&d.kind) {
        return Err(ServerError::Forbidden(format!(
            "in {}, {who} may not send `{}` (allowed: {})",
            rules.proto.describe(),
            d.kind.as_str(),
            rules
                .kinds(seat)
                .iter()
                .map(Kind::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let table = on_table(seat, history);
    let to = match d.to {
        Some(t) => t,
        None => match d.kind {
            Kind::Accept | Kind::Reject => table.map(|m| m.from).unwrap_or(-2),
            _ if rules.is_party(seat) => match rules.mediator() {
                Some(m) => m,
                None if rules.parties == 2 => 1 - seat,
                None => ALL,
            },
            _ => ALL,
        },
    };
    let allowed = rules.recipients(seat);
    if !allowed.contains(&to) {
        let names: Vec<String> = allowed
            .iter()
            .map(|&s| {
                if s == ALL {
                    "all".to_string()
                } else {
                    format!("seat {s}")
                }
            })
            .collect();
        let why = if rules.proto != Proto::Direct && rules.is_party(seat) {
            " (in indirect talks parties write only to the mediator)"
        } else {
            ""
        };
        return Err(ServerError::Forbidden(format!(
            "{who} may not write to {}{why}; allowed recipients: {}",
            if to == ALL {
                "all".to_string()
            } else {
                format!("seat {to}")
            },
            names.join(", ")
        )));
    }
    let package = match d.kind {
        Kind::Offer | Kind::Relay | Kind::Proposal => {
            let Some(p) = d.package else {
                return Err(ServerError::BadRequest(format!(
                    "`{}` needs a package: one option per issue",
                    d.kind.as_str()
                )));
            };
            if let Some(0) = rules.left(seat, history) {
                if rules.counts(&Msg {
                    seq: 0,
                    from: seat,
                    to,
                    kind: d.kind,
                    package: None,
                    note: String::new(),
                    at: 0,
                }) {
                    return Err(ServerError::Conflict(format!(
                        "no {} left: all {} have been made",
                        if rules.proto == Proto::SingleText {
                            "texts"
                        } else {
                            "offers"
                        },
                        rules.rounds
                    )));
                }
            }
            if rules.proto == Proto::SingleText && d.kind == Kind::Proposal && to != ALL {
                return Err(ServerError::Forbidden(
                    "in single-text talks a text is put to all parties (`to`: \"all\")".into(),
                ));
            }
            Some(p)
        }
        Kind::Accept | Kind::Reject => {
            let Some(t) = table else {
                return Err(ServerError::Conflict(format!(
                    "there is no package on the table to {}",
                    d.kind.as_str()
                )));
            };
            let current = t.package.clone();
            if let Some(p) = d.package {
                if Some(&p) != current.as_ref() {
                    return Err(ServerError::Conflict(
                        "that package is no longer on the table: accept or reject the latest one put to you".into(),
                    ));
                }
            }
            if to != t.from && !(rules.proto == Proto::Direct && to == ALL) {
                return Err(ServerError::Forbidden(format!(
                    "answer the seat that put the package to you (seat {})",
                    t.from
                )));
            }
            current
        }
        Kind::Note | Kind::WalkAway => {
            if d.package.is_some() {
                return Err(ServerError::BadRequest(format!(
                    "`{}` carries no package",
                    d.kind.as_str()
                )));
            }
            None
        }
    };
    if d.kind == Kind::Note && d.note.trim().is_empty() {
        return Err(ServerError::BadRequest("a note needs some text".into()));
    }
    Ok((to, d.kind, package, d.note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(seq: i64, from: i64, to: i64, kind: Kind, p: Option<Vec<usize>>) -> Msg {
        Msg {
            seq,
            from,
            to,
            kind,
            package: p,
            note: String::new(),
            at: 0,
        }
    }

    #[test]
    fn agreement_needs_every_party_to_endorse_the_same_package() {
        let r = Rules {
            proto: Proto::Shuttle,
            parties: 2,
            rounds: 2,
        };
        let mut h = vec![
            m(1, 0, 2, Kind::Offer, Some(vec![1, 2])),
            m(2, 2, 1, Kind::Relay, Some(vec![1, 1])),
            m(3, 1, 2, Kind::Accept, Some(vec![1, 1])),
        ];
        assert_eq!(agreement(&r, &h), None);
        assert!(ending(&r, &h).is_none());
        h.push(m(4, 2, 0, Kind::Proposal, Some(vec![1, 1])));
        assert!(open_for(&r, 0, &h).is_some());
        h.push(m(5, 0, 2, Kind::Accept, Some(vec![1, 1])));
        assert_eq!(agreement(&r, &h), Some(vec![1, 1]));
        assert_eq!(ending(&r, &h).map(|e| e.0), Some("agreement"));
    }

    #[test]
    fn rounds_end_once_the_last_offer_is_answered() {
        let r = Rules {
            proto: Proto::Direct,
            parties: 2,
            rounds: 1,
        };
        let mut h = vec![m(1, 0, 1, Kind::Offer, Some(vec![0]))];
        assert!(ending(&r, &h).is_none());
        h.push(m(2, 1, 0, Kind::Reject, Some(vec![0])));
        h.push(m(3, 1, 0, Kind::Offer, Some(vec![1])));
        assert!(
            ending(&r, &h).is_none(),
            "party 0 must answer the last offer"
        );
        h.push(m(4, 0, 1, Kind::Reject, Some(vec![1])));
        assert_eq!(ending(&r, &h).map(|e| e.0), Some("rounds"));
        let d = Draft {
            kind: Kind::Offer,
            to: None,
            package: Some(vec![0]),
            note: String::new(),
        };
        assert!(matches!(admit(&r, 0, d, &h), Err(ServerError::Conflict(_))));
    }

    #[test]
    fn indirect_parties_write_only_to_the_mediator() {
        let r = Rules {
            proto: Proto::Shuttle,
            parties: 2,
            rounds: 3,
        };
        let d = Draft {
            kind: Kind::Offer,
            to: Some(1),
            package: Some(vec![0]),
            note: String::new(),
        };
        assert!(matches!(
            admit(&r, 0, d, &[]),
            Err(ServerError::Forbidden(_))
        ));
        let ok = Draft {
            kind: Kind::Offer,
            to: None,
            package: Some(vec![0]),
            note: "n".into(),
        };
        assert_eq!(admit(&r, 0, ok, &[]).unwrap().0, 2);
    }
}
