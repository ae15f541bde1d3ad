//! The scenario model: actors, issues, stances, events, uncertainty and protocol defaults.
//!
//! Indices (`usize`) refer to positions in [`Scenario::actors`] and [`Scenario::issues`];
//! ids are the user's stable names for them.

use std::fmt;

/// A mediated multi-party negotiation, written down.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    /// Title, date, description and sources.
    pub meta: Meta,
    /// Everyone at or around the table, in file order.
    pub actors: Vec<Actor>,
    /// The issues, in file order.
    pub issues: Vec<Issue>,
    /// Actor × issue stances (sparse: a missing entry means the actor takes no stance).
    pub stances: Vec<Stance>,
    /// Events on the timeline that may shift positions, saliences, capabilities or BATNAs.
    pub events: Vec<Event>,
    /// Coercive threats: who threatens whom, when they fall due, how credible they are.
    pub threats: Vec<Threat>,
    /// How the talks are run by default.
    pub protocol: ProtocolDefaults,
    /// Outcome classification settings for the simulation.
    pub outcomes: OutcomeRules,
    /// Per-model settings keyed by model id (e.g. `smp`), kept as written.
    pub models: toml::Table,
}

/// Descriptive metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// Short title.
    pub title: String,
    /// Date of the situation described (free text, ISO 8601 recommended).
    pub date: String,
    /// The date the scenario is written as of (`YYYY-MM-DD`): every input comes from sources
    /// public on or before it.
    pub as_of: Option<String>,
    /// A paragraph describing the situation.
    pub description: String,
    /// Where the numbers come from.
    pub sources: Vec<Source>,
}

/// One source of information.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// Short identifier used in comments and notes.
    pub id: String,
    /// Human-readable citation.
    pub citation: String,
    /// URL or file name, when there is one.
    pub url: Option<String>,
}

/// A number that may be uncertain: a point value plus an optional distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The point estimate (mode of a triangular, midpoint of a uniform, mean of a normal).
    pub value: f64,
    /// The distribution to draw from in Monte Carlo runs; `None` for a fixed number.
    pub dist: Option<Dist>,
}

/// A distribution for an uncertain number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Triangular on [low, high] with the given mode.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with mean and standard deviation (sd > 0).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
}

impl Param {
    /// A fixed number.
    pub const fn fixed(value: f64) -> Self {
        Param { value, dist: None }
    }

    /// True if the number is uncertain.
    pub fn is_uncertain(&self) -> bool {
        self.dist.is_some()
    }

    /// The value at cumulative probability `p` in [0, 1] (the point value when fixed).
    pub fn quantile(&self, p: f64) -> f64 {
        match self.dist {
            None => self.value,
            Some(d) => d.quantile(p),
        }
    }

    /// A plausible low/high pair: the bounds of a uniform or triangular, mean ∓ 2 sd for a normal.
    pub fn bounds(&self) -> (f64, f64) {
        match self.dist {
            None => (self.value, self.value),
            Some(Dist::Uniform { low, high }) | Some(Dist::Triangular { low, high, .. }) => {
                (low, high)
            }
            Some(Dist::Normal { mean, sd }) => (mean - 2.0 * sd, mean + 2.0 * sd),
        }
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::fixed(v)
    }
}

impl Dist {
    /// The point estimate of the distribution (see [`Param::value`]).
    pub fn center(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Triangular { mode, .. } => mode,
            Dist::Normal { mean, .. } => mean,
        }
    }

    /// Inverse cumulative distribution function at `p` (clamped to [0, 1]).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        match *self {
            Dist::Uniform { low, high } => low + p * (high - low),
            Dist::Triangular { low, mode, high } => {
                let w = high - low;
                if w <= 0.0 {
                    return mode;
                }
                let f = (mode - low) / w;
                if p < f {
                    low + (p * w * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - p) * w * (high - mode)).sqrt()
                }
            }
            Dist::Normal { mean, sd } => {
                let p = p.clamp(1e-12, 1.0 - 1e-12);
                mean + sd * standard_normal_quantile(p)
            }
        }
    }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
fn standard_normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let lo = 0.02425;
    if p < lo {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// What part an actor plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// Negotiates and must agree to any deal.
    #[default]
    Party,
    /// Carries messages and proposes bridges; not bound by the deal.
    Mediator,
    /// Pulls from outside: pressures parties but does not sign.
    Stakeholder,
}

impl Role {
    /// The word used in scenario files (`party`, `mediator`, `stakeholder`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Party => "party",
            Role::Mediator => "mediator",
            Role::Stakeholder => "stakeholder",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Someone at or around the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// Stable id used in files and on the command line.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Party, mediator or stakeholder.
    pub role: Role,
    /// Capability (power, clout); > 0.
    pub capability: Param,
    /// Risk attitude in [-1, 1] (negative: risk-averse, positive: risk-acceptant), if known.
    pub risk: Option<Param>,
    /// Ids of the parties this actor can pressure.
    pub pressures: Vec<String>,
    /// Utility of no agreement (reservation value / BATNA) on the [0, 1] utility scale.
    pub batna: Option<Param>,
    /// Per-round discount factor in (0, 1], if time costs this actor.
    pub discount: Option<f64>,
    /// Cost of its coercive alternative (fighting) on the utility scale; `None`: no such option.
    pub war_cost: Option<Param>,
    /// Domestic ratification rule (two-level game), for parties.
    pub ratify: Option<Ratify>,
    /// Capacity and will to wreck an agreement it dislikes, in [0, 1] (stakeholders).
    pub spoiler: Option<Param>,
    /// Free-text notes (rationale, sources).
    pub notes: String,
}

/// Who must approve a package before a party can sign it (Putnam's domestic win-set).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ratify {
    /// Ids of the domestic actors who vote, beside the party itself.
    pub by: Vec<String>,
    /// Share of the voters' total capability that must approve, in (0, 1].
    pub threshold: f64,
}

/// A coercive threat that falls due at a round or after stalled rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    /// Stable id.
    pub id: String,
    /// What is threatened.
    pub description: String,
    /// Index of the threatening actor.
    pub by: usize,
    /// Index of the threatened actor.
    pub against: usize,
    /// Round before which it falls due (an ultimatum known to both), if any.
    pub round: Option<u32>,
    /// Number of rounds without progress after which it falls due, if any.
    pub stalled: Option<u32>,
    /// Probability that it is carried out when due and rational, in [0, 1].
    pub credibility: Param,
}

impl Actor {
    /// A party with the given id, name and capability, and no other attributes.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        role: Role,
        capability: f64,
    ) -> Self {
        Actor {
            id: id.into(),
            name: name.into(),
            role,
            capability: Param::fixed(capability),
            risk: None,
            pressures: Vec::new(),
            batna: None,
            discount: None,
            war_cost: None,
            ratify: None,
            spoiler: None,
            notes: String::new(),
        }
    }
}

/// The scale an issue is decided on.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    /// A number between `min` and `max`.
    Continuous {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
        /// Unit of the scale, for display.
        unit: Option<String>,
    },
    /// One of several ordered options; positions are option indices 0..n.
    Discrete {
        /// Option labels, in order.
        options: Vec<String>,
    },
}

/// Something to be decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the issue is about.
    pub description: String,
    /// Continuous or discrete scale.
    pub kind: IssueKind,
    /// Where the issue stands without agreement (scale value or option index).
    pub status_quo: Param,
    /// Ids of actors for whom this issue is off the agenda (they refuse to negotiate it).
    pub off_agenda_for: Vec<String>,
}

impl Issue {
    /// A continuous issue on [min, max].
    pub fn continuous(id: impl Into<String>, min: f64, max: f64, status_quo: f64) -> Self {
        let id = id.into();
        Issue {
            name: id.clone(),
            id,
            description: String::new(),
            kind: IssueKind::Continuous {
                min,
                max,
                unit: None,
            },
            status_quo: Param::fixed(status_quo),
            off_agenda_for: Vec::new(),
        }
    }

    /// A discrete issue with ordered options.
    pub fn discrete(id: impl Into<String>, options: Vec<String>, status_quo: usize) -> Self {
        let id = id.into();
        Issue {
            name: id.clone(),
            id,
            description: String::new(),
            kind: IssueKind::Discrete { options },
            status_quo: Param::fixed(status_quo as f64),
            off_agenda_for: Vec::new(),
        }
    }

    /// Lower and upper end of the scale (0 and n − 1 for discrete issues).
    pub fn range(&self) -> (f64, f64) {
        match &self.kind {
            IssueKind::Continuous { min, max, .. } => (*min, *max),
            IssueKind::Discrete { options } => (0.0, options.len().saturating_sub(1) as f64),
        }
    }

    /// The options of a discrete issue.
    pub fn options(&self) -> Option<&[String]> {
        match &self.kind {
            IssueKind::Discrete { options } => Some(options),
            IssueKind::Continuous { .. } => None,
        }
    }

    /// True for a discrete issue.
    pub fn is_discrete(&self) -> bool {
        matches!(self.kind, IssueKind::Discrete { .. })
    }

    /// A display label for a scale value: the option label (nearest index) or the number.
    pub fn label(&self, x: f64) -> String {
        match &self.kind {
            IssueKind::Discrete { options } if !options.is_empty() => {
                let i = x.round().clamp(0.0, (options.len() - 1) as f64) as usize;
                options[i].clone()
            }
            _ => format_number(x),
        }
    }
}

/// Parses an ISO 8601 calendar date `YYYY-MM-DD` into (year, month, day), checking the day
/// exists in that month (leap years included).
pub fn parse_iso_date(s: &str) -> Option<(i32, u32, u32)> {
    check_iso_date(s).ok()
}

/// Like [`parse_iso_date`], with a message saying what is wrong.
pub fn check_iso_date(s: &str) -> Result<(i32, u32, u32), String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!(
            "expected a date written \"YYYY-MM-DD\" (e.g. \"2015-07-14\"), found {}",
            crate::diag::quote(s)
        ));
    }
    let num = |r: std::ops::Range<usize>| -> u32 { s[r].parse().unwrap_or(0) };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err(format!(
            "month {month:02} in `{s}` is not between 01 and 12"
        ));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err(format!(
            "day {day:02} in `{s}` does not exist: {year:04}-{month:02} has {days} days"
        ));
    }
    Ok((year as i32, month, day))
}

/// Formats a number the way a user writes it in a scenario file, for messages about inputs:
/// at most 12 significant digits (so the float noise of arithmetic, `0.1 + 0.2` =
/// `0.30000000000000004`, reads `0.3`), no trailing zeros, never `-0`; magnitudes from 1e9 up
/// or below 1e-4 in exponent notation (`1e-9`, `2.5e12`), and `inf`, `-inf`, `nan` as TOML
/// spells them.
///
/// Unlike [`format_number`], which rounds results to 4 decimals for tables, this never hides
/// a small input: `1e-9` is not `0`.
pub fn format_input(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    // Round to 12 significant digits; the shortest text of the rounded value has no noise.
    let r: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    if r.abs() >= 1e9 || r.abs() < 1e-4 {
        format!("{r:e}")
    } else {
        r.to_string()
    }
}

/// Formats a number compactly (up to 4 decimals, trailing zeros removed).
pub fn format_number(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// How an actor's utility falls off with distance from its ideal position.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Shape {
    /// 1 − |x − ideal| / range.
    #[default]
    Linear,
    /// 1 − ((x − ideal) / range)².
    Quadratic,
    /// Piecewise-linear through (scale value or option index, utility) points.
    Table(Vec<(f64, f64)>),
}

/// The interval of acceptable values on an issue; outside it, an actor rejects any package.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RedLine {
    /// Lowest acceptable value (scale value or option index).
    pub min: Option<f64>,
    /// Highest acceptable value.
    pub max: Option<f64>,
}

impl RedLine {
    /// True if `x` lies within the acceptable interval.
    pub fn accepts(&self, x: f64) -> bool {
        self.min.is_none_or(|m| x >= m - 1e-12) && self.max.is_none_or(|m| x <= m + 1e-12)
    }
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Stance {
    /// Index into [`Scenario::actors`].
    pub actor: usize,
    /// Index into [`Scenario::issues`].
    pub issue: usize,
    /// Ideal position (scale value or option index).
    pub position: Param,
    /// How much the actor cares, in [0, 1].
    pub salience: Param,
    /// Utility shape around the ideal.
    pub shape: Shape,
    /// Hard bound of acceptability, if any.
    pub red_line: Option<RedLine>,
}

impl Stance {
    /// Utility in [0, 1] of the issue settling at `x` (ideal = `self.position.value`).
    pub fn utility(&self, issue: &Issue, x: f64) -> f64 {
        self.utility_with_ideal(issue, x, self.position.value)
    }

    /// Utility in [0, 1] of `x` for an actor whose ideal is `ideal` (tables ignore `ideal`).
    pub fn utility_with_ideal(&self, issue: &Issue, x: f64, ideal: f64) -> f64 {
        let (lo, hi) = issue.range();
        let range = hi - lo;
        let d = if range > 0.0 {
            ((x - ideal).abs() / range).min(1.0)
        } else {
            0.0
        };
        match &self.shape {
            Shape::Linear => 1.0 - d,
            Shape::Quadratic => 1.0 - d * d,
            Shape::Table(points) => interpolate(points, x),
        }
    }

    /// True if `x` is acceptable (inside the red line, or no red line).
    pub fn accepts(&self, x: f64) -> bool {
        self.red_line.is_none_or(|r| r.accepts(x))
    }
}

/// Piecewise-linear interpolation through points sorted by x; flat beyond the ends.
pub fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    match points {
        [] => 0.0,
        [(_, u)] => *u,
        _ => {
            if x <= points[0].0 {
                return points[0].1;
            }
            for w in points.windows(2) {
                let ((x0, u0), (x1, u1)) = (w[0], w[1]);
                if x <= x1 {
                    if x1 - x0 <= 0.0 {
                        return u1;
                    }
                    return u0 + (u1 - u0) * (x - x0) / (x1 - x0);
                }
            }
            points[points.len() - 1].1
        }
    }
}

/// Something that may happen between rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// What happens.
    pub description: String,
    /// Round before which it takes effect (1-based), if placed by round.
    pub round: Option<u32>,
    /// Calendar date, if placed by date (free text, ISO 8601 recommended).
    pub date: Option<String>,
    /// Probability that it happens, in [0, 1].
    pub probability: Param,
    /// True if the event itself is an escalation that ends talks in breakdown.
    pub escalation: bool,
    /// What it changes.
    pub effects: Vec<Effect>,
}

/// One change an event makes.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// What is changed.
    pub target: Target,
    /// By how much (added to the current value).
    pub amount: Param,
}

/// The quantity an [`Effect`] shifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// An actor's position on an issue.
    Position {
        /// Actor index.
        actor: usize,
        /// Issue index.
        issue: usize,
    },
    /// An actor's salience on an issue.
    Salience {
        /// Actor index.
        actor: usize,
        /// Issue index.
        issue: usize,
    },
    /// An actor's capability.
    Capability {
        /// Actor index.
        actor: usize,
    },
    /// A party's BATNA.
    Batna {
        /// Actor index.
        actor: usize,
    },
}

/// How the talks run unless the user says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolDefaults {
    /// Id of the mediator, if any.
    pub mediator: Option<String>,
    /// True if parties sit in separate rooms and talk only through the mediator.
    pub indirect: bool,
    /// Number of rounds before the deadline.
    pub rounds: u32,
    /// The deadline as a date, for display.
    pub deadline: Option<String>,
    /// Round from which the parties may talk directly, if ever.
    pub direct_from_round: Option<u32>,
}

impl Default for ProtocolDefaults {
    fn default() -> Self {
        ProtocolDefaults {
            mediator: None,
            indirect: false,
            rounds: 10,
            deadline: None,
            direct_from_round: None,
        }
    }
}

/// How simulated outcomes are classified (see docs/outcomes.md).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutcomeRules {
    /// Issue ids that a deal must settle for it to count as comprehensive; empty = every agenda issue.
    pub core_issues: Vec<String>,
    /// Minimum number of settled issues for an interim understanding (default 1).
    pub interim_min_issues: Option<u32>,
}

impl Scenario {
    /// Index of the actor with this id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

    /// Index of the issue with this id.
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    /// The stance of `actor` on `issue`, if it takes one.
    pub fn stance(&self, actor: usize, issue: usize) -> Option<&Stance> {
        self.stances
            .iter()
            .find(|s| s.actor == actor && s.issue == issue)
    }

    /// Indices of the parties (actors with role `party`).
    pub fn parties(&self) -> impl Iterator<Item = usize> + '_ {
        self.actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.role == Role::Party)
            .map(|(i, _)| i)
    }

    /// True if `issue` is on the agenda for `actor`.
    pub fn on_agenda(&self, actor: usize, issue: usize) -> bool {
        let id = &self.actors[actor].id;
        !self.issues[issue].off_agenda_for.iter().any(|a| a == id)
    }

    /// Index of the mediator named in the protocol defaults, or the first actor with role mediator.
    pub fn mediator(&self) -> Option<usize> {
        self.protocol
            .mediator
            .as_deref()
            .and_then(|m| self.actor_index(m))
            .or_else(|| self.actors.iter().position(|a| a.role == Role::Mediator))
    }

    /// Every uncertain number in the scenario, with a dotted path naming it.
    pub fn uncertain_params(&self) -> Vec<(String, Param)> {
        let mut out = Vec::new();
        for a in &self.actors {
            let mut push = |f: &str, p: Option<&Param>| {
                if let Some(p) = p.filter(|p| p.is_uncertain()) {
                    out.push((format!("actors.{}.{f}", a.id), *p));
                }
            };
            push("capability", Some(&a.capability));
            push("risk", a.risk.as_ref());
            push("batna", a.batna.as_ref());
            push("war_cost", a.war_cost.as_ref());
            push("spoiler", a.spoiler.as_ref());
        }
        for i in &self.issues {
            if i.status_quo.is_uncertain() {
                out.push((format!("issues.{}.status_quo", i.id), i.status_quo));
            }
        }
        for s in &self.stances {
            let base = format!(
                "positions.{}.{}",
                self.actors[s.actor].id, self.issues[s.issue].id
            );
            if s.position.is_uncertain() {
                out.push((format!("{base}.position"), s.position));
            }
            if s.salience.is_uncertain() {
                out.push((format!("{base}.salience"), s.salience));
            }
        }
        for t in &self.threats {
            if t.credibility.is_uncertain() {
                out.push((format!("threats.{}.credibility", t.id), t.credibility));
            }
        }
        for e in &self.events {
            if e.probability.is_uncertain() {
                out.push((format!("events.{}.probability", e.id), e.probability));
            }
            for (k, eff) in e.effects.iter().enumerate() {
                if eff.amount.is_uncertain() {
                    out.push((format!("events.{}.effects[{k}].amount", e.id), eff.amount));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_hit_bounds_and_center() {
        let t = Dist::Triangular {
            low: 0.5,
            mode: 0.7,
            high: 0.9,
        };
        assert!((t.quantile(0.0) - 0.5).abs() < 1e-12);
        assert!((t.quantile(1.0) - 0.9).abs() < 1e-12);
        assert!((t.quantile(0.5) - 0.7).abs() < 1e-12);
        let n = Dist::Normal { mean: 1.0, sd: 2.0 };
        assert!((n.quantile(0.5) - 1.0).abs() < 1e-9);
        assert!((n.quantile(0.975) - (1.0 + 2.0 * 1.959_963_985)).abs() < 1e-6);
        let u = Dist::Uniform {
            low: 2.0,
            high: 4.0,
        };
        assert_eq!(u.quantile(0.25), 2.5);
    }

    #[test]
    fn utility_shapes() {
        let issue = Issue::continuous("x", 0.0, 10.0, 0.0);
        let mut s = Stance {
            actor: 0,
            issue: 0,
            position: Param::fixed(4.0),
            salience: Param::fixed(1.0),
            shape: Shape::Linear,
            red_line: None,
        };
        assert!((s.utility(&issue, 9.0) - 0.5).abs() < 1e-12);
        s.shape = Shape::Quadratic;
        assert!((s.utility(&issue, 9.0) - 0.75).abs() < 1e-12);
        s.shape = Shape::Table(vec![(0.0, 0.0), (10.0, 1.0)]);
        assert!((s.utility(&issue, 2.5) - 0.25).abs() < 1e-12);
        s.red_line = Some(RedLine {
            min: Some(3.0),
            max: None,
        });
        assert!(!s.accepts(2.0));
        assert!(s.accepts(3.0));
    }
}
