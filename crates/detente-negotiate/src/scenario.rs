//! Negotiation problems built from a detente [`Scenario`], and a cheap one-call session runner
//! for Monte Carlo simulation.
//!
//! Mapping: the parties are the actors with role `party` (stakeholders are not at the table;
//! the mediator runs mediated protocols). The issues are those on every party's agenda that at
//! least one party takes a stance on; continuous issues are discretised into `steps` evenly
//! spaced values, discrete options are kept. A party's utility is the salience-weighted mean
//! of its stances' [`detente_core::Stance::utility`] (saliences divided by their sum, so
//! utilities lie in [0, 1] like BATNAs); options outside a red line are vetoed (never
//! acceptable). Reservation value = the actor's BATNA (0 when none), discount = its discount.

use detente_core::{IssueKind, Scenario};

use crate::domain::Domain;
use crate::outcome::{Issue, OutcomeId, OutcomeSpace};
use crate::preferences::AdditiveUtility;
use crate::protocol::{
    rank_all, MediatedProtocol, Protocol, Ranked, Sao, Session, Shuttle, SingleText,
};
use crate::strategy::{by_name, LearningMediator, Strategy};
use crate::NegotiateError;

/// Default number of steps a continuous issue is discretised into.
pub const DEFAULT_STEPS: usize = 11;

/// Largest outcome space built from a scenario (two parties; more parties get fewer, see
/// [`detente_core::limits::max_outcomes`]): sessions rank every outcome for every party
/// (16 bytes per outcome and party), so continuous issues get fewer steps (down to 3) when the
/// requested discretisation would exceed the memory budget.
pub const MAX_OUTCOMES: u64 = detente_core::limits::OUTCOME_MEMORY_BYTES
    / (2 * detente_core::limits::BYTES_PER_OUTCOME_AND_PARTY);

/// A negotiation problem derived from a scenario, with the index maps back to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioProblem {
    /// The domain (parties in scenario order, issues in scenario order).
    pub domain: Domain,
    /// Scenario actor index of each party.
    pub actors: Vec<usize>,
    /// Scenario issue index of each domain issue.
    pub issues: Vec<usize>,
    /// Number of issues in the scenario.
    pub scenario_issues: usize,
    /// Scenario actor index of the mediator, if any.
    pub mediator: Option<usize>,
}

/// Which protocol to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolKind {
    /// Stacked alternating offers, direct.
    Sao,
    /// Single-negotiation-text mediation.
    Mediated,
    /// Indirect shuttle talks through the mediator.
    Shuttle,
}

impl ProtocolKind {
    /// Parses `sao`, `mediated` or `shuttle`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sao" => Some(ProtocolKind::Sao),
            "mediated" | "single-text" => Some(ProtocolKind::Mediated),
            "shuttle" => Some(ProtocolKind::Shuttle),
            _ => None,
        }
    }
    /// The name as written on the command line.
    pub fn as_str(&self) -> &'static str {
        match self {
            ProtocolKind::Sao => "sao",
            ProtocolKind::Mediated => "mediated",
            ProtocolKind::Shuttle => "shuttle",
        }
    }
}

/// How to run one session.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// The protocol.
    pub protocol: ProtocolKind,
    /// Strategy name per party (see [`crate::strategy::STRATEGY_NAMES`]).
    pub strategies: Vec<String>,
    /// Deadline in protocol rounds (one round = one offer carried).
    pub rounds: u32,
    /// Seed for random strategies and the mediator.
    pub seed: u64,
    /// Protocol round from which shuttle parties may talk directly.
    pub direct_from: Option<u32>,
    /// Protocol round at which the session is cut off unfinished (`None`: play to the
    /// deadline); see [`crate::protocol::Deadline::stop`].
    pub stop: Option<u32>,
}

impl RunSpec {
    /// The scenario's protocol defaults: shuttle when indirect with a mediator, single text
    /// with a mediator otherwise, SAO without one; each scenario round gives every party one
    /// offer (protocol rounds = scenario rounds × parties); every party plays `boulware`.
    pub fn defaults_for(s: &Scenario, n_parties: usize) -> Self {
        let n = n_parties.max(1) as u32;
        let protocol = match (s.mediator().is_some(), s.protocol.indirect) {
            (true, true) => ProtocolKind::Shuttle,
            (true, false) => ProtocolKind::Mediated,
            (false, _) => ProtocolKind::Sao,
        };
        RunSpec {
            protocol,
            strategies: vec!["boulware".to_string(); n_parties],
            rounds: s.protocol.rounds.max(1).saturating_mul(n),
            seed: 0,
            direct_from: s
                .protocol
                .direct_from_round
                .map(|r| r.saturating_sub(1).saturating_mul(n)),
            stop: None,
        }
    }
}

/// The result of one session in scenario terms.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// The agreed outcome (in [`ScenarioProblem::domain`]'s space), if any.
    pub agreement: Option<OutcomeId>,
    /// Per scenario issue: whether the agreement settles it.
    pub agreed_issues: Vec<bool>,
    /// Each party's utility of the result (BATNA without agreement).
    pub utilities: Vec<f64>,
    /// Protocol rounds used.
    pub rounds: u32,
    /// Scenario actor index of the party that walked away, if one did.
    pub walked_away: Option<usize>,
    /// The full session (trace included).
    pub session: Session,
}

impl ScenarioProblem {
    /// Builds the problem; continuous issues get `steps` values (fewer when the space would
    /// exceed what the parties can rank within the memory budget,
    /// [`detente_core::limits::max_outcomes`]).
    pub fn from_scenario(s: &Scenario, steps: usize) -> Result<Self, NegotiateError> {
        let mut steps = steps.max(2);
        let parties = s.parties().count();
        let max = detente_core::limits::max_outcomes(parties);
        let continuous = s
            .issues
            .iter()
            .any(|i| matches!(i.kind, IssueKind::Continuous { .. }));
        loop {
            match Self::build(s, steps) {
                Ok(p) if p.domain.space.cardinality() > max && continuous && steps > 3 => {
                    steps -= 1
                }
                Err(NegotiateError::TooLarge) if continuous && steps > 3 => steps -= 1,
                Ok(p) => {
                    let advice = if continuous {
                        " (continuous issues already have the fewest steps, 3)"
                    } else {
                        ""
                    };
                    p.domain.space.check_size(p.domain.n_parties(), advice)?;
                    return Ok(p);
                }
                other => return other,
            }
        }
    }

    fn build(s: &Scenario, steps: usize) -> Result<Self, NegotiateError> {
        let actors: Vec<usize> = s.parties().collect();
        if actors.is_empty() {
            return Err(NegotiateError::Invalid("the scenario has no party".into()));
        }
        let issues: Vec<usize> = (0..s.issues.len())
            .filter(|&i| actors.iter().all(|&a| s.on_agenda(a, i)))
            .filter(|&i| actors.iter().any(|&a| s.stance(a, i).is_some()))
            .collect();
        if issues.is_empty() {
            return Err(NegotiateError::Invalid(
                "no issue is on every party's agenda with a stance".into(),
            ));
        }
        // scale values of each domain issue's options
        let mut space_issues = Vec::new();
        let mut xs: Vec<Vec<f64>> = Vec::new();
        for &i in &issues {
            let is = &s.issues[i];
            match &is.kind {
                IssueKind::Continuous { min, max, .. } => {
                    let di = Issue::continuous(is.id.clone(), *min, *max, steps.max(2));
                    xs.push(di.values.clone().unwrap_or_default());
                    space_issues.push(di);
                }
                IssueKind::Discrete { options } => {
                    xs.push((0..options.len()).map(|k| k as f64).collect());
                    space_issues.push(Issue::discrete(is.id.clone(), options.clone()));
                }
            }
        }
        let space = OutcomeSpace::new(space_issues)?;
        let mut utilities = Vec::new();
        for &a in &actors {
            let mut weights = Vec::new();
            let mut evals = Vec::new();
            let mut vetoed = Vec::new();
            for (k, &i) in issues.iter().enumerate() {
                match s.stance(a, i) {
                    Some(st) => {
                        weights.push(st.salience.value.max(0.0));
                        evals.push(xs[k].iter().map(|&x| st.utility(&s.issues[i], x)).collect());
                        vetoed.push(xs[k].iter().map(|&x| !st.accepts(x)).collect());
                    }
                    None => {
                        weights.push(0.0);
                        evals.push(vec![0.0; xs[k].len()]);
                        vetoed.push(vec![false; xs[k].len()]);
                    }
                }
            }
            let total: f64 = weights.iter().sum();
            if total > 0.0 {
                weights.iter_mut().for_each(|w| *w /= total);
            }
            let actor = &s.actors[a];
            let mut u = AdditiveUtility::new(weights, evals);
            u.reservation = actor.batna.map(|b| b.value).unwrap_or(0.0);
            u.discount = actor.discount.unwrap_or(1.0);
            u.vetoed = vetoed;
            utilities.push(u);
        }
        let names = actors.iter().map(|&a| s.actors[a].id.clone()).collect();
        Ok(ScenarioProblem {
            domain: Domain::new(space, names, utilities)?,
            actors,
            issues,
            scenario_issues: s.issues.len(),
            mediator: s.mediator(),
        })
    }

    /// Runs one session (deterministic given `spec.seed`).
    pub fn run(&self, spec: &RunSpec) -> Result<RunResult, NegotiateError> {
        self.run_ranked(spec, &rank_all(&self.domain))
    }

    /// Runs one session with the parties' outcomes already ranked (`ranked[p]` as
    /// [`Ranked::new`] builds it for party p's utility), so that sessions can share rankings.
    pub fn run_ranked(
        &self,
        spec: &RunSpec,
        ranked: &[Ranked],
    ) -> Result<RunResult, NegotiateError> {
        let n = self.domain.n_parties();
        let mut parties: Vec<Box<dyn Strategy>> = Vec::with_capacity(n);
        for p in 0..n {
            let name = spec
                .strategies
                .get(p)
                .map(String::as_str)
                .unwrap_or("boulware");
            let seed = spec
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(p as u64);
            parties
                .push(by_name(name, seed).ok_or_else(|| {
                    NegotiateError::Invalid(format!("unknown strategy `{name}`"))
                })?);
        }
        let session = match spec.protocol {
            ProtocolKind::Sao => {
                let mut proto = Sao::new(spec.rounds);
                proto.deadline.stop = spec.stop;
                proto.run_ranked(&self.domain, ranked, &mut parties)
            }
            ProtocolKind::Mediated => {
                let mut proto = SingleText::new(spec.rounds);
                proto.deadline.stop = spec.stop;
                proto.run_ranked(
                    &self.domain,
                    ranked,
                    &mut parties,
                    &mut LearningMediator::new(spec.seed),
                )
            }
            ProtocolKind::Shuttle => {
                let mut proto = Shuttle::new(spec.rounds);
                proto.deadline.stop = spec.stop;
                proto.direct_from = spec.direct_from;
                proto.run_ranked(
                    &self.domain,
                    ranked,
                    &mut parties,
                    &mut LearningMediator::new(spec.seed),
                )
            }
        };
        let mut agreed_issues = vec![false; self.scenario_issues];
        if session.agreement.is_some() {
            for &i in &self.issues {
                agreed_issues[i] = true;
            }
        }
        Ok(RunResult {
            agreement: session.agreement,
            agreed_issues,
            utilities: session.utilities.clone(),
            rounds: session.rounds,
            walked_away: session.walked_away.map(|p| self.actors[p]),
            session,
        })
    }

    /// Scenario value of each issue in outcome `o`: (scenario issue index, scale value or
    /// option index).
    pub fn values(&self, o: OutcomeId) -> Vec<(usize, f64)> {
        self.issues
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let opt = self.domain.space.option_of(o, k);
                let x = self.domain.space.issues()[k]
                    .values
                    .as_ref()
                    .and_then(|v| v.get(opt).copied())
                    .unwrap_or(opt as f64);
                (i, x)
            })
            .collect()
    }
}

/// Builds the problem from a (possibly perturbed) scenario and runs one session: the call a
/// Monte Carlo simulation makes per run.
pub fn run_scenario(s: &Scenario, spec: &RunSpec) -> Result<RunResult, NegotiateError> {
    ScenarioProblem::from_scenario(s, DEFAULT_STEPS)?.run(spec)
}
