//! A negotiation domain: an outcome space plus one named utility per party.

use detente_core::import::genius::GeniusDomain;

use crate::outcome::{Issue, OutcomeSpace};
use crate::preferences::AdditiveUtility;
use crate::NegotiateError;

/// An outcome space and the parties' utilities over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// The outcome space.
    pub space: OutcomeSpace,
    /// Party names, in order.
    pub parties: Vec<String>,
    /// One utility per party, in party order.
    pub utilities: Vec<AdditiveUtility>,
}

impl Domain {
    /// A domain; every utility must have one weight and one evaluation per option of each issue.
    pub fn new(
        space: OutcomeSpace,
        parties: Vec<String>,
        utilities: Vec<AdditiveUtility>,
    ) -> Result<Self, NegotiateError> {
        if parties.len() != utilities.len() {
            return Err(NegotiateError::Invalid(format!(
                "{} party names for {} utilities",
                parties.len(),
                utilities.len()
            )));
        }
        for (p, u) in parties.iter().zip(&utilities) {
            if u.weights.len() != space.issues().len()
                || u.evaluations.len() != space.issues().len()
            {
                return Err(NegotiateError::Invalid(format!(
                    "utility of `{p}` does not cover every issue"
                )));
            }
            for (issue, ev) in space.issues().iter().zip(&u.evaluations) {
                if ev.len() != issue.len() {
                    return Err(NegotiateError::Invalid(format!(
                        "utility of `{p}` has {} evaluations for the {} options of `{}`",
                        ev.len(),
                        issue.len(),
                        issue.name
                    )));
                }
            }
        }
        Ok(Domain {
            space,
            parties,
            utilities,
        })
    }

    /// The domain of a GENIUS import, under GENIUS's normalisation; discounting kept as data.
    /// Party names are the profile file names without extension.
    pub fn from_genius(g: &GeniusDomain) -> Result<Self, NegotiateError> {
        let issues: Vec<Issue> = g
            .issues
            .iter()
            .map(|i| Issue::discrete(i.name.clone(), (0..i.len()).map(|k| i.label(k)).collect()))
            .collect();
        let space = OutcomeSpace::new(issues)?;
        space.check_size(g.profiles.len(), "")?;
        let mut parties = Vec::new();
        let mut utilities = Vec::new();
        for p in &g.profiles {
            let name = p
                .file
                .rsplit_once('.')
                .map(|(a, _)| a.to_string())
                .unwrap_or_else(|| p.file.clone());
            parties.push(name);
            let mut u =
                AdditiveUtility::new(p.weights.clone(), p.normalized_evaluations(&g.issues));
            u.reservation = p.reservation_or_zero();
            u.discount = p.discount.filter(|d| *d > 0.0 && *d <= 1.0).unwrap_or(1.0);
            utilities.push(u);
        }
        Domain::new(space, parties, utilities)
    }

    /// Number of parties.
    pub fn n_parties(&self) -> usize {
        self.parties.len()
    }

    /// Every party's utility of every outcome: `columns[party][outcome]`.
    pub fn utility_columns(&self) -> Vec<Vec<f64>> {
        self.utilities
            .iter()
            .map(|u| u.all_utilities(&self.space))
            .collect()
    }
}
