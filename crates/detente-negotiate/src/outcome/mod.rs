//! Outcome spaces: discrete and discretised continuous issues, enumerated by mixed-radix index.
//!
//! An outcome is a [`OutcomeId`]: the mixed-radix number whose digits are the per-issue option
//! indices, the first issue most significant (the order of a Cartesian product). Nothing here
//! materialises the space; [`OutcomeSpace::decode`] and [`OutcomeSpace::encode`] convert.

use crate::NegotiateError;

/// Index of one outcome in its space (mixed-radix over the issues' option indices).
pub type OutcomeId = u64;

/// One issue: a name and its ordered options (labels).
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The issue's name (or id).
    pub name: String,
    /// Labels of the options, in order.
    pub options: Vec<String>,
    /// The numeric value of each option when the issue was discretised from a continuous scale.
    pub values: Option<Vec<f64>>,
}

impl Issue {
    /// A discrete issue with the given option labels.
    pub fn discrete(name: impl Into<String>, options: Vec<String>) -> Self {
        Issue {
            name: name.into(),
            options,
            values: None,
        }
    }

    /// A continuous issue on `[min, max]`, discretised into `steps` evenly spaced values.
    pub fn continuous(name: impl Into<String>, min: f64, max: f64, steps: usize) -> Self {
        let steps = steps.max(1);
        let values: Vec<f64> = (0..steps)
            .map(|k| {
                if steps == 1 {
                    min
                } else {
                    min + (max - min) * k as f64 / (steps - 1) as f64
                }
            })
            .collect();
        Issue {
            name: name.into(),
            options: values.iter().map(|v| format_value(*v)).collect(),
            values: Some(values),
        }
    }

    /// Number of options.
    pub fn len(&self) -> usize {
        self.options.len()
    }

    /// True when the issue has no option.
    pub fn is_empty(&self) -> bool {
        self.options.is_empty()
    }
}

/// Short label for a discretised value (no trailing zeros).
fn format_value(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A Cartesian product of issues, indexed without being materialised.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpace {
    issues: Vec<Issue>,
    strides: Vec<u64>,
    cardinality: u64,
}

impl OutcomeSpace {
    /// Builds the space; every issue needs at least one option and the product must fit in u64.
    pub fn new(issues: Vec<Issue>) -> Result<Self, NegotiateError> {
        if issues.is_empty() {
            return Err(NegotiateError::EmptySpace("no issue".into()));
        }
        let mut strides = vec![0u64; issues.len()];
        let mut card: u64 = 1;
        for (k, issue) in issues.iter().enumerate().rev() {
            if issue.is_empty() {
                return Err(NegotiateError::EmptySpace(format!(
                    "issue `{}` has no option",
                    issue.name
                )));
            }
            strides[k] = card;
            card = card
                .checked_mul(issue.len() as u64)
                .ok_or(NegotiateError::TooLarge)?;
        }
        Ok(OutcomeSpace {
            issues,
            strides,
            cardinality: card,
        })
    }

    /// The issues, in order.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Number of options of each issue (the radices).
    pub fn radices(&self) -> Vec<usize> {
        self.issues.iter().map(Issue::len).collect()
    }

    /// Refuses a space that `parties` parties could not rank within
    /// [`detente_core::limits::OUTCOME_MEMORY_BYTES`]; the message names the issue sizes and the
    /// largest issue, and `advice` says what else to change.
    pub fn check_size(&self, parties: usize, advice: &str) -> Result<(), NegotiateError> {
        use detente_core::limits::{
            max_outcomes, BYTES_PER_OUTCOME_AND_PARTY, OUTCOME_MEMORY_BYTES,
        };
        let n = self.cardinality();
        let max = max_outcomes(parties);
        if n <= max {
            return Ok(());
        }
        let sizes: Vec<String> = self
            .issues
            .iter()
            .map(|i| format!("{} {}", i.name, i.len()))
            .collect();
        let largest = self.issues.iter().max_by_key(|i| i.len());
        let mib = (n as f64 * parties.max(2) as f64 * BYTES_PER_OUTCOME_AND_PARTY as f64)
            / (1u64 << 20) as f64;
        Err(NegotiateError::Invalid(format!(
            "the outcome space has {n} outcomes ({}); {} parties would need about {mib:.0} MiB to rank them, above the {} MiB budget (at most {max} outcomes for {} parties): drop options from the largest issue{}{advice} (see docs/limits.md)",
            sizes.join(" × "),
            parties,
            OUTCOME_MEMORY_BYTES >> 20,
            parties,
            largest.map(|i| format!(" (`{}`, {} options)", i.name, i.len())).unwrap_or_default(),
        )))
    }

    /// Number of outcomes.
    pub fn cardinality(&self) -> u64 {
        self.cardinality
    }

    /// Per-issue option indices of outcome `id` (written into `out`).
    pub fn decode_into(&self, id: OutcomeId, out: &mut [usize]) {
        for (k, s) in self.strides.iter().enumerate() {
            out[k] = ((id / s) % self.issues[k].len() as u64) as usize;
        }
    }

    /// Per-issue option indices of outcome `id`.
    pub fn decode(&self, id: OutcomeId) -> Vec<usize> {
        let mut v = vec![0; self.issues.len()];
        self.decode_into(id, &mut v);
        v
    }

    /// Option index of issue `issue` in outcome `id`.
    pub fn option_of(&self, id: OutcomeId, issue: usize) -> usize {
        ((id / self.strides[issue]) % self.issues[issue].len() as u64) as usize
    }

    /// The outcome with these per-issue option indices (taken modulo each issue's size).
    pub fn encode(&self, options: &[usize]) -> OutcomeId {
        options
            .iter()
            .zip(&self.strides)
            .zip(&self.issues)
            .map(|((o, s), i)| (*o % i.len()) as u64 * s)
            .sum()
    }

    /// The outcome `id` with issue `issue` set to option `option`.
    pub fn with_option(&self, id: OutcomeId, issue: usize, option: usize) -> OutcomeId {
        let cur = self.option_of(id, issue) as u64;
        id - cur * self.strides[issue]
            + (option % self.issues[issue].len()) as u64 * self.strides[issue]
    }

    /// (issue name, option label) pairs of outcome `id`.
    pub fn labels(&self, id: OutcomeId) -> Vec<(&str, &str)> {
        self.issues
            .iter()
            .enumerate()
            .map(|(k, i)| (i.name.as_str(), i.options[self.option_of(id, k)].as_str()))
            .collect()
    }

    /// Human-readable description of outcome `id`: `issue=value, …`.
    pub fn describe(&self, id: OutcomeId) -> String {
        self.labels(id)
            .iter()
            .map(|(i, v)| format!("{i}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space() -> OutcomeSpace {
        OutcomeSpace::new(vec![
            Issue::discrete("a", vec!["x".into(), "y".into()]),
            Issue::continuous("b", 0.0, 1.0, 3),
        ])
        .unwrap()
    }

    #[test]
    fn mixed_radix_round_trip() {
        let s = space();
        assert_eq!(s.cardinality(), 6);
        for id in 0..6 {
            assert_eq!(s.encode(&s.decode(id)), id);
        }
        assert_eq!(s.decode(4), vec![1, 1]);
        assert_eq!(s.labels(5), vec![("a", "y"), ("b", "1")]);
        assert_eq!(s.issues()[1].options, vec!["0", "0.5", "1"]);
        assert_eq!(s.with_option(4, 1, 2), 5);
        assert_eq!(s.with_option(4, 0, 0), 1);
    }

    #[test]
    fn overflow_is_an_error() {
        let issues = (0..10)
            .map(|k| Issue::continuous(format!("i{k}"), 0.0, 1.0, 100_000))
            .collect();
        assert!(matches!(
            OutcomeSpace::new(issues),
            Err(NegotiateError::TooLarge)
        ));
    }
}
