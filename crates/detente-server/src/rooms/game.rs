//! A session's negotiation problem: the scenario it started with, turned into the engine's
//! domain by detente-app (`Problem::from_scenario`), each party's outcomes ranked once; and the
//! conversions between packages as clients write them and option indices.

use detente_app::problem::Problem;
use detente_core::{IssueKind, Scenario};
use detente_negotiate::protocol::{rank_all, Ranked};
use detente_negotiate::scenario::DEFAULT_STEPS;
use detente_negotiate::OutcomeId;
use serde_json::Value;

use crate::error::ServerError;

/// A session's problem.
pub struct Game {
    /// The scenario.
    pub scenario: Scenario,
    /// The negotiation problem (domain, party ids, issue ids, mediator id).
    pub problem: Problem,
    /// Each party's outcomes, ranked.
    pub ranked: Vec<Ranked>,
}

/// Reads a scenario's TOML (as stored with a session or a built-in) into a problem.
pub fn problem_of(toml: &str, name: &str) -> Result<(Scenario, Problem), ServerError> {
    let loaded = detente_app::load::from_toml(toml.as_bytes(), name)
        .map_err(|e| ServerError::Unprocessable(format!("the scenario cannot be read: {e}")))?;
    let problem = Problem::from_scenario(&loaded, DEFAULT_STEPS).map_err(|e| {
        ServerError::Unprocessable(format!("the scenario is not a negotiation: {e}"))
    })?;
    Ok((loaded.scenario, problem))
}

impl Game {
    /// The game of a stored scenario.
    pub fn new(toml: &str) -> Result<Game, ServerError> {
        let (scenario, problem) = problem_of(toml, "session scenario")?;
        let ranked = rank_all(&problem.domain);
        Ok(Game {
            scenario,
            problem,
            ranked,
        })
    }

    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.problem.domain.n_parties()
    }

    /// Number of issues.
    pub fn issues(&self) -> usize {
        self.problem.domain.space.issues().len()
    }

    /// The scenario issue behind domain issue `k`.
    pub fn scenario_issue(&self, k: usize) -> Option<&detente_core::Issue> {
        let id = &self.problem.issue_ids[k];
        self.scenario.issues.iter().find(|i| &i.id == id)
    }

    /// Display name of domain issue `k`.
    pub fn issue_name(&self, k: usize) -> String {
        self.scenario_issue(k)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| self.problem.issue_ids[k].clone())
    }

    /// Display label of option `o` of issue `k` (with the unit of a continuous issue).
    pub fn option_label(&self, k: usize, o: usize) -> String {
        let label = self.problem.domain.space.issues()[k].options[o].clone();
        match self.scenario_issue(k).map(|i| &i.kind) {
            Some(IssueKind::Continuous { unit: Some(u), .. }) if !u.is_empty() => {
                format!("{label} {u}")
            }
            _ => label,
        }
    }

    /// The package, issue by issue: (issue name, option label).
    pub fn describe(&self, p: &[usize]) -> Vec<(String, String)> {
        p.iter()
            .enumerate()
            .map(|(k, &o)| (self.issue_name(k), self.option_label(k, o)))
            .collect()
    }

    /// The package as one line.
    pub fn line(&self, p: &[usize]) -> String {
        self.describe(p)
            .iter()
            .map(|(i, v)| format!("{i}: {v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The outcome id of a (validated) package.
    pub fn outcome(&self, p: &[usize]) -> OutcomeId {
        self.problem.domain.space.encode(p)
    }

    /// The package of an outcome id.
    pub fn package(&self, o: OutcomeId) -> Vec<usize> {
        self.problem.domain.space.decode(o)
    }

    /// Party `p`'s utility of a package (−∞ across a red line).
    pub fn utility(&self, p: usize, pkg: &[usize]) -> f64 {
        self.problem.domain.utilities[p].eval_options(pkg)
    }

    /// Checks option indices: one per issue, each within its issue's options.
    pub fn check(&self, p: &[usize]) -> Result<(), ServerError> {
        let radices = self.problem.domain.space.radices();
        if p.len() != radices.len() {
            return Err(ServerError::BadRequest(format!(
                "the package has {} values; this negotiation has {} issues ({})",
                p.len(),
                radices.len(),
                self.problem.issue_ids.join(", ")
            )));
        }
        for (k, (&o, &r)) in p.iter().zip(&radices).enumerate() {
            if o >= r {
                return Err(ServerError::BadRequest(format!(
                    "option {o} of issue `{}` does not exist (it has options 0 to {})",
                    self.problem.issue_ids[k],
                    r - 1
                )));
            }
        }
        Ok(())
    }

    /// Reads a package written as `[option index, …]` or `{issue id: value}` (a value is the
    /// option's label or number, as `option_json` writes it, or its index as a string `"#k"`).
    pub fn parse(&self, v: &Value) -> Result<Vec<usize>, ServerError> {
        let p = match v {
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_u64().map(|u| u as usize).ok_or_else(|| {
                        ServerError::BadRequest(format!(
                            "package entries must be option indices (whole numbers ≥ 0), not {x}"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Value::Object(m) => {
                for key in m.keys() {
                    if !self.problem.issue_ids.contains(key) {
                        return Err(ServerError::BadRequest(format!(
                            "unknown issue `{key}` in the package (issues: {})",
                            self.problem.issue_ids.join(", ")
                        )));
                    }
                }
                let mut out = Vec::new();
                for (k, id) in self.problem.issue_ids.iter().enumerate() {
                    let x = m.get(id).ok_or_else(|| {
                        ServerError::BadRequest(format!("the package has no value for `{id}`"))
                    })?;
                    let n = self.problem.domain.space.issues()[k].len();
                    let found = (0..n).find(|&o| {
                        let j = self.problem.option_json(k, o);
                        match (x, &j) {
                            (Value::Number(a), Value::Number(b)) => {
                                (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(0.0)).abs()
                                    < 1e-9
                            }
                            (Value::String(a), Value::String(b)) => a == b,
                            (Value::String(a), _) => {
                                self.problem.domain.space.issues()[k].options[o] == *a
                                    || self.option_label(k, o) == *a
                            }
                            _ => false,
                        }
                    });
                    out.push(found.ok_or_else(|| {
                        ServerError::BadRequest(format!("`{x}` is not an option of issue `{id}`"))
                    })?);
                }
                out
            }
            other => {
                return Err(ServerError::BadRequest(format!(
                    "a package is an array of option indices or an object {{issue id: value}}, not {other}"
                )))
            }
        };
        self.check(&p)?;
        Ok(p)
    }

    /// Party `p`'s utility tables (weight × evaluation per option; `null` across a red line)
    /// and its BATNA: what its own seat page embeds for the live score.
    pub fn tables_json(&self, p: usize) -> Value {
        let u = &self.problem.domain.utilities[p];
        let tables: Vec<Vec<Value>> = u
            .tables()
            .iter()
            .map(|t| {
                t.iter()
                    .map(|x| {
                        if x.is_finite() {
                            serde_json::json!((x * 1e6).round() / 1e6)
                        } else {
                            Value::Null
                        }
                    })
                    .collect()
            })
            .collect();
        serde_json::json!({"tables": tables, "batna": u.reservation})
    }
}

/// A utility as shown: three decimals, or "red line" across one.
pub fn fmt_u(u: f64) -> String {
    if u.is_finite() {
        format!("{u:.3}")
    } else {
        "red line (unacceptable)".to_string()
    }
}
