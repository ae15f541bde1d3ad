//! Reports: one self-contained HTML page (inline SVG charts drawn with plotters, inline CSS, no
//! scripts, no network) and a Markdown summary, from plain result records.
//!
//! The input, [`ReportInput`], is this crate's own set of plain structs: every section is
//! optional, so a report renders whatever the caller computed. This crate knows nothing about
//! the engines; the CLI converts their results. It is the only crate that knows HTML.
#![deny(missing_docs)]

mod charts;
mod html;
mod markdown;

pub use html::to_html;
pub use markdown::to_markdown;

use serde::Serialize;

/// Everything a report can show.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportInput {
    /// Scenario title.
    pub title: String,
    /// Scenario date.
    pub date: String,
    /// Scenario description.
    pub description: String,
    /// Source citations.
    pub sources: Vec<String>,
    /// Actors at and around the table.
    pub actors: Vec<ActorRow>,
    /// Issues with every actor's stance.
    pub issues: Vec<IssueRow>,
    /// Forecasts per issue and model.
    pub forecasts: Option<Forecasts>,
    /// The two-party bargaining plane.
    pub plane: Option<Plane>,
    /// Outcome-class probabilities.
    pub outcomes: Option<Outcomes>,
    /// Tornado of input effects.
    pub tornado: Option<Vec<TornadoRow>>,
    /// A what-if variant's probabilities, for comparison.
    pub whatif: Option<Outcomes>,
}

/// One actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorRow {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Capability.
    pub capability: f64,
    /// BATNA, for parties.
    pub batna: Option<f64>,
}

/// One issue and the stances on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueRow {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Scale description (range or options).
    pub scale: String,
    /// Status quo, as text.
    pub status_quo: String,
    /// Lower and upper end of the scale (option indices for discrete issues).
    pub range: (f64, f64),
    /// Option labels, for discrete issues.
    pub options: Vec<String>,
    /// (actor id, position, salience) per stance.
    pub stances: Vec<(String, f64, f64)>,
}

/// Forecasts: per issue, each model's outcome, and round trajectories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecasts {
    /// Model ids, in column order.
    pub models: Vec<String>,
    /// Per issue: the status quo and each model's outcome, as text, and the ensemble.
    pub rows: Vec<(String, String, Vec<String>, String)>,
    /// Per issue: the round-by-round forecast of a round-based model (model id, values from round 0).
    pub trajectories: Vec<(String, String, Vec<f64>)>,
}

/// The two-party utility plane.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plane {
    /// Party ids (x axis, y axis).
    pub parties: (String, String),
    /// Utility pairs of (a sample of) all outcomes.
    pub outcomes: Vec<(f64, f64)>,
    /// The Pareto frontier, sorted by x.
    pub frontier: Vec<(f64, f64)>,
    /// Nash point.
    pub nash: Option<(f64, f64)>,
    /// Kalai–Smorodinsky point.
    pub ks: Option<(f64, f64)>,
    /// BATNAs (x party, y party).
    pub batnas: (f64, f64),
    /// Offers in the negotiation trace: (from party 0 or 1, or 2 for the mediator; utilities).
    pub trace: Vec<(u8, f64, f64)>,
    /// The agreement, if any.
    pub agreement: Option<(f64, f64)>,
    /// A line describing the protocol run.
    pub note: String,
}

/// Outcome-class probabilities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    /// Label of this variant.
    pub label: String,
    /// Runs.
    pub runs: usize,
    /// (class, p, ci low, ci high).
    pub classes: Vec<(String, f64, f64, f64)>,
}

/// One tornado bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoRow {
    /// Input path.
    pub input: String,
    /// Change in P(deal), high minus low.
    pub delta_p_deal: f64,
    /// Change in P(breakdown), high minus low.
    pub delta_p_breakdown: f64,
}

/// Escapes text for HTML (and SVG) output.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}
