//! Reports: one self-contained HTML page (inline SVG charts drawn with plotters, inline CSS,
//! one small inline script that only enhances the page, no network) and a Markdown summary,
//! from plain result records.
//!
//! The page reads fully without its script and prints the same with or without it: every
//! chart mark that has more to say carries it as an SVG `<title>` (a tooltip on hover in any
//! browser); the script (`report.js`) makes actor legend entries toggles that hide and show
//! that actor's marks in every chart, and shows a mark's title as a tooltip on hover and on
//! keyboard focus. See docs/report.md.
//!
//! The input, [`ReportInput`], is this crate's own set of plain structs: every section is
//! optional, so a report renders whatever the caller computed. This crate knows nothing about
//! the engines; `detente-app` converts their results. It is the only crate that knows HTML.
#![deny(missing_docs)]

mod backtest;
/// The report's SVG charts, each a function from plain records to an `<svg>` element (its
/// text escaped), for fronts that show results outside the report page (the web workbench).
pub mod charts;
mod html;
mod markdown;

pub use backtest::{backtest_to_html, backtest_to_markdown};
pub use html::to_html;
pub use markdown::to_markdown;

/// The bargaining plane alone, as the report draws it (an SVG that escapes its own text), for
/// pages that embed it (the negotiation rooms' debrief).
pub fn plane_svg(p: &Plane, actors: &[ActorRow]) -> String {
    charts::plane(p, actors)
}

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
    /// Where the numbers come from.
    pub sources: Vec<SourceRow>,
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
    /// Cumulative share of runs ended in each class, round by round.
    pub by_round: Option<ByRound>,
    /// Why talks broke down: causes with their share of all runs, largest first.
    pub causes: Option<Vec<Cause>>,
    /// Tornado of input effects.
    pub tornado: Option<Vec<TornadoRow>>,
    /// Runs per variant behind the tornado (0: unknown).
    pub sensitivity_runs: usize,
    /// A what-if variant's probabilities, for comparison.
    pub whatif: Option<Outcomes>,
    /// Where each issue settled in the simulated futures that settled it.
    pub settled: Option<Vec<SettledRow>>,
    /// The scenario's events, in time order.
    pub events: Vec<EventRow>,
}

/// One source, as a citation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// Short id used in the scenario's notes.
    pub id: String,
    /// Human-readable citation.
    pub citation: String,
    /// URL or file name, when there is one.
    pub url: Option<String>,
}

/// Where one issue settled over the simulated futures that settled it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettledRow {
    /// Issue id.
    pub id: String,
    /// Issue name.
    pub name: String,
    /// The central settlement, as text (the mean; the nearest option for discrete issues).
    pub value: String,
    /// 10th percentile, as text.
    pub p10: String,
    /// 90th percentile, as text.
    pub p90: String,
    /// Share of all simulated futures that settled the issue.
    pub settled: f64,
    /// How the settlements spread: (option label or value range, share of the futures that
    /// settled the issue), in scale order.
    pub histogram: Vec<(String, f64)>,
}

/// One scenario event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    /// Event id.
    pub id: String,
    /// Short human name.
    pub name: String,
    /// When: `round 3`, a date, or empty.
    pub when: String,
    /// What happens.
    pub description: String,
    /// Probability that it happens, as text (with its range when uncertain).
    pub probability: String,
    /// Share of simulated futures in which it fired, if simulated.
    pub fired: Option<f64>,
    /// What it changes, one entry per effect, in words.
    pub changes: Vec<String>,
    /// True if the event itself ends the talks in breakdown.
    pub escalation: bool,
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
    /// Status quo on the scale (option index for discrete issues).
    pub status_quo_value: f64,
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
    /// Per row: each model's outcome as a number (option index for discrete issues), in the
    /// order of `models`; empty when not given (no disagreement check then).
    pub values: Vec<Vec<f64>>,
}

/// The two-party utility plane.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    /// Every offer and proposal of the run in order, with who made it, when, and its package
    /// (empty: the plane draws `trace`, without rounds or packages).
    pub offers: Vec<PlaneOffer>,
    /// A sample of the packages that cross a red line of one party or both, drawn beside
    /// `outcomes`: the utility to each party, `None` where the package crosses that party's
    /// red lines (it is then unacceptable to it whatever else it holds).
    pub crossing: Vec<(Option<f64>, Option<f64>)>,
    /// Number of packages in the outcome space that `outcomes` and `crossing` sample (0: not
    /// given).
    pub space: u64,
    /// The Nash point's package, issue by issue: (issue name, value) (empty: not given).
    pub nash_package: Vec<(String, String)>,
    /// The Kalai–Smorodinsky point's package, issue by issue (empty: not given).
    pub ks_package: Vec<(String, String)>,
    /// The agreement's package, issue by issue (empty: not given or no agreement).
    pub agreement_package: Vec<(String, String)>,
}

/// One offer or mediator proposal in the bargaining plane.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlaneOffer {
    /// Who made it: 0 for the party on the x axis, 1 for the party on the y axis, 2 for the
    /// mediator.
    pub side: u8,
    /// The id of the actor who made it.
    pub by: String,
    /// Protocol round in which it was made, counted from 1.
    pub round: u32,
    /// Its utility to the x party and to the y party; `None` where the package crosses that
    /// party's red lines.
    pub utilities: (Option<f64>, Option<f64>),
    /// The package, issue by issue: (issue name, value as text).
    pub package: Vec<(String, String)>,
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
    /// Calibrated probability of each class, in the order of `classes` (empty: not computed).
    pub calibrated: Vec<f64>,
}

/// Cumulative share of runs ended in each class by the end of each round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByRound {
    /// Class names, bottom band first (each class has a fixed colour in every chart).
    pub classes: Vec<String>,
    /// Per round: (round, cumulative share per class in the order of `classes`). What the
    /// shares leave of 1 is the runs still negotiating.
    pub rounds: Vec<(u32, Vec<f64>)>,
}

/// One cause of breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cause {
    /// Cause id, e.g. `threat:us_military_option`.
    pub id: String,
    /// Human label, e.g. `United States threat carried out (us_military_option)`.
    pub label: String,
    /// Share of all runs that broke down this way.
    pub p: f64,
    /// 95 % interval, low end.
    pub lo: f64,
    /// 95 % interval, high end.
    pub hi: f64,
}

/// A backtest: forecasts scored against negotiations whose outcome is known.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BacktestInput {
    /// Page title.
    pub title: String,
    /// A line on what was run (folder, runs, seed).
    pub note: String,
    /// Class names in the order of every probability vector below.
    pub classes: Vec<String>,
    /// Per case, in folder order.
    pub cases: Vec<CaseRow>,
    /// Scores per forecaster, detente first.
    pub scores: Vec<ScoreRow>,
    /// Reliability bins (every case × class pair, one-vs-rest).
    pub reliability: Vec<ReliabilityBin>,
    /// Murphy decomposition of the one-vs-rest Brier score: (reliability, resolution,
    /// uncertainty).
    pub murphy: Option<(f64, f64, f64)>,
    /// Mean issue error in % of range per predictor over settled issues: (predictor, mean, n).
    pub issue_errors: Vec<(String, f64, usize)>,
    /// Settled issues one by one: error in % of range per predictor.
    pub issues: Vec<IssueErrorRow>,
}

/// One backtest case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRow {
    /// Case id.
    pub id: String,
    /// The scored (calibrated) probabilities, in the order of [`BacktestInput::classes`].
    pub p: Vec<f64>,
    /// The simulation's raw shares, same order.
    pub shares: Vec<f64>,
    /// The class that happened.
    pub actual: String,
    /// Brier score.
    pub brier: f64,
    /// Log score.
    pub log_score: f64,
    /// Which parameters scored the case (`held_out`, `unseen`, `stale`).
    pub params: String,
}

/// One forecaster's scores with 95 % intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    /// Forecaster.
    pub name: String,
    /// Mean Brier score and its interval.
    pub brier: (f64, f64, f64),
    /// Mean log score and its interval.
    pub log_score: (f64, f64, f64),
}

/// One reliability bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge of the predicted probability.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Pairs in the bin.
    pub n: usize,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Share of the pairs whose class happened.
    pub observed: f64,
}

/// One settled issue of one case: each predictor's error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueErrorRow {
    /// Case id.
    pub case: String,
    /// Issue id.
    pub issue: String,
    /// (predictor, error in % of the issue's range).
    pub errors: Vec<(String, f64)>,
}

/// One tornado bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoRow {
    /// Input path.
    pub input: String,
    /// The input in words, e.g. `Iran: capability` (empty: the path is shown).
    pub label: String,
    /// The input's low value.
    pub low: f64,
    /// The input's high value.
    pub high: f64,
    /// Change in P(deal), high minus low.
    pub delta_p_deal: f64,
    /// 95 % interval of the change in P(deal), if computed.
    pub ci: Option<(f64, f64)>,
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
