//! Building a [`ForecastInput`] from a detente scenario.

use detente_core::Scenario;

use crate::model::{ForecastInput, IssueInput};

impl ForecastInput {
    /// Every actor with its capability; per issue each actor's position and salience (point
    /// values). Actors without a stance, or for whom the issue is off the agenda, get salience 0
    /// and sit at the status quo. Discrete issues use option indices.
    pub fn from_scenario(s: &Scenario) -> Self {
        let issues = s
            .issues
            .iter()
            .enumerate()
            .map(|(i, is)| {
                let (min, max) = is.range();
                let sq = is.status_quo.value;
                let mut position = Vec::with_capacity(s.actors.len());
                let mut salience = Vec::with_capacity(s.actors.len());
                for a in 0..s.actors.len() {
                    match s.stance(a, i).filter(|_| s.on_agenda(a, i)) {
                        Some(st) => {
                            position.push(st.position.value);
                            salience.push(st.salience.value);
                        }
                        None => {
                            position.push(sq);
                            salience.push(0.0);
                        }
                    }
                }
                IssueInput {
                    id: is.id.clone(),
                    min,
                    max,
                    options: is.options().map(<[String]>::to_vec),
                    status_quo: sq,
                    position,
                    salience,
                }
            })
            .collect();
        ForecastInput {
            actors: s.actors.iter().map(|a| a.id.clone()).collect(),
            capability: s.actors.iter().map(|a| a.capability.value).collect(),
            issues,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn muscat_maps_every_actor_and_issue() {
        let s = detente_core::builtin::muscat();
        let f = ForecastInput::from_scenario(&s);
        assert_eq!(f.actors.len(), s.actors.len());
        assert_eq!(f.issues.len(), s.issues.len());
        f.check().expect("consistent");
        let missiles = f
            .issues
            .iter()
            .find(|i| i.id == "missile_limits")
            .expect("issue");
        let iran = f.actors.iter().position(|a| a == "iran").expect("iran");
        assert_eq!(missiles.salience[iran], 0.0, "off the agenda for Iran");
    }
}
