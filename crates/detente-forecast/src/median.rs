//! Black's median voter: the capability·salience-weighted median of positions.

use crate::model::{Forecast, ForecastError, ForecastInput, Model};
use crate::stats::{per_issue, weighted_median};

/// Weighted median with weights c·s: the held position minimising Σ c·s·|x − p| (lower on ties).
#[derive(Debug, Clone, Copy, Default)]
pub struct Median;

impl Model for Median {
    fn id(&self) -> &'static str {
        "median"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        per_issue("median", input, weighted_median)
    }
}
