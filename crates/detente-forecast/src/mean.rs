//! The compromise model: the capability·salience-weighted mean of positions.

use crate::model::{Forecast, ForecastError, ForecastInput, Model};
use crate::stats::{per_issue, weighted_mean};

/// Weighted mean ("compromise model"): Σ c·s·x / Σ c·s per issue; the status quo when all weights are 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mean;

impl Model for Mean {
    fn id(&self) -> &'static str {
        "mean"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        per_issue("mean", input, weighted_mean)
    }
}
