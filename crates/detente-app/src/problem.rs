//! A negotiation problem for `analyze` and `negotiate`: a GENIUS domain read under GENIUS's own
//! convention (the numbers NegMAS reports for GENIUS-normalised domains), or a scenario turned
//! into a negotiation (see `detente_negotiate::scenario`).

use std::path::PathBuf;

use detente_core::diag::Problems;
use detente_core::import::genius::{GeniusDomain, GeniusIssueKind};
use detente_negotiate::scenario::{RunSpec, ScenarioProblem};
use detente_negotiate::{Domain, OutcomeId};
use serde_json::{json, Map, Value};

use crate::load::{format_of, load, read_genius, Format, Source};
use crate::{AppError, Loaded};

/// A negotiation problem ready for analysis or a session, with display ids.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The domain.
    pub domain: Domain,
    /// Party ids, in party order.
    pub party_ids: Vec<String>,
    /// Issue ids, in domain issue order.
    pub issue_ids: Vec<String>,
    /// Per domain issue, the value of its first option when the options are consecutive
    /// integers (a GENIUS integer issue): its outcomes are written as numbers.
    pub integer_from: Vec<Option<i64>>,
    /// The mediator's id (the scenario's mediator, or `mediator`).
    pub mediator_id: String,
    /// Protocol defaults of the scenario (SAO for GENIUS domains).
    pub defaults: RunSpec,
    /// What was loaded.
    pub name: String,
}

impl Problem {
    /// The problem of a GENIUS domain, under GENIUS's convention.
    pub fn from_genius(g: &GeniusDomain, name: &str) -> Result<Problem, AppError> {
        let domain = Domain::from_genius(g)?;
        let n = domain.n_parties();
        // The same defaults as the scenario the domain imports into: SAO with a deadline of
        // `GENIUS_DEADLINE` offers (`genius_rounds` scenario rounds × parties).
        let defaults = RunSpec::defaults_for(&g.to_scenario(), n);
        Ok(Problem {
            domain,
            party_ids: g.party_ids(),
            issue_ids: g.issue_ids(),
            integer_from: g
                .issues
                .iter()
                .map(|i| match i.kind {
                    GeniusIssueKind::Integer { lower, .. } => Some(lower),
                    GeniusIssueKind::Discrete(_) => None,
                })
                .collect(),
            mediator_id: "mediator".into(),
            defaults,
            name: name.to_string(),
        })
    }

    /// The problem of a scenario: continuous issues discretised into `steps` values.
    pub fn from_scenario(loaded: &Loaded, steps: usize) -> Result<Problem, AppError> {
        let s = &loaded.scenario;
        let prob = ScenarioProblem::from_scenario(s, crate::limits::steps(steps)?)?;
        let defaults = RunSpec::defaults_for(s, prob.domain.n_parties());
        let issue_ids: Vec<String> = prob
            .domain
            .space
            .issues()
            .iter()
            .map(|i| i.name.clone())
            .collect();
        Ok(Problem {
            party_ids: prob.domain.parties.clone(),
            integer_from: vec![None; issue_ids.len()],
            issue_ids,
            mediator_id: s
                .mediator()
                .map(|m| s.actors[m].id.clone())
                .unwrap_or_else(|| "mediator".into()),
            defaults,
            name: loaded.name.clone(),
            domain: prob.domain,
        })
    }

    /// The problem of a loaded scenario: its GENIUS domain under GENIUS's convention when it
    /// was imported from one, the scenario otherwise.
    pub fn from_loaded(loaded: &Loaded, steps: usize) -> Result<Problem, AppError> {
        match &loaded.genius {
            Some(g) => Problem::from_genius(g, &loaded.name),
            None => Problem::from_scenario(loaded, steps),
        }
    }

    /// The option `option` of issue `issue`: its number on a continuous (discretised) or
    /// integer issue, its label on a categorical one.
    pub fn option_json(&self, issue: usize, option: usize) -> Value {
        let is = &self.domain.space.issues()[issue];
        match (&is.values, self.integer_from.get(issue).copied().flatten()) {
            (Some(values), _) => json!(values[option]),
            (None, Some(lower)) => json!(lower + option as i64),
            (None, None) => json!(is.options[option]),
        }
    }

    /// `{issue_id: value}` of outcome `o` (see [`Problem::option_json`]).
    pub fn outcome_json(&self, o: OutcomeId) -> Value {
        let mut m = Map::new();
        for k in 0..self.issue_ids.len() {
            m.insert(
                self.issue_ids[k].clone(),
                self.option_json(k, self.domain.space.option_of(o, k)),
            );
        }
        Value::Object(m)
    }

    /// `{party_id: u}`.
    pub fn utilities_json(&self, u: &[f64]) -> Value {
        let mut m = Map::new();
        for (id, x) in self.party_ids.iter().zip(u) {
            m.insert(id.clone(), json!(x));
        }
        Value::Object(m)
    }
}

/// What a problem is read from: a GENIUS domain as its files give it, or a loaded scenario.
#[derive(Debug, Clone)]
pub enum ProblemSource {
    /// A GENIUS folder, or a domain file with its profiles.
    Genius {
        /// The domain.
        domain: GeniusDomain,
        /// The folder or domain file.
        path: PathBuf,
        /// Warnings found while reading (from several files, so not located in one text).
        warnings: Problems,
    },
    /// Any other input, loaded as a scenario.
    Scenario(Box<Loaded>),
}

impl ProblemSource {
    /// Reads what `src` names: a GENIUS folder or domain file directly, anything else through
    /// [`load`].
    pub fn read(src: &Source) -> Result<ProblemSource, AppError> {
        if format_of(src) == Some(Format::Genius) {
            if let Some(path) = src.file.as_deref() {
                let (domain, warnings) = read_genius(path, &src.profiles)?;
                return Ok(ProblemSource::Genius {
                    domain,
                    path: path.to_path_buf(),
                    warnings,
                });
            }
        }
        Ok(ProblemSource::Scenario(Box::new(load(src)?)))
    }

    /// The warnings found while reading, and the text they are located in (empty for GENIUS
    /// files).
    pub fn warnings(&self) -> (&Problems, &str) {
        match self {
            ProblemSource::Genius { warnings, .. } => (warnings, ""),
            ProblemSource::Scenario(l) => (&l.warnings, &l.text),
        }
    }

    /// The problem (a scenario's continuous issues discretised into `steps` values).
    pub fn problem(&self, steps: usize) -> Result<Problem, AppError> {
        match self {
            ProblemSource::Genius { domain, path, .. } => {
                if domain.profiles.is_empty() {
                    return Err(AppError::NoProfiles { path: path.clone() });
                }
                Problem::from_genius(domain, &path.display().to_string())
            }
            ProblemSource::Scenario(l) => Problem::from_scenario(l, steps),
        }
    }
}

/// Loads the problem named by `src` (see [`ProblemSource`]).
pub fn load_problem(src: &Source, steps: usize) -> Result<Problem, AppError> {
    ProblemSource::read(src)?.problem(steps)
}
