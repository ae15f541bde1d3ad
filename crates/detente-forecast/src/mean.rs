//! The compromise model: the capability·salience-weighted mean of positions.

use crate::model::{Forecast, ForecastError, ForecastInput, Model};
use crate::stats::weighted_mean;

/// Weighted mean ("compromise model"): Σ c·s·x / Σ c·s per issue; the status quo when all weights are 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mean;

impl Model for Mean {
    fn id(&self) -> &'static str {
        "mean"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        input.check()?;
        let outcomes = input
            .issues
            .iter()
            .map(|is| {
                let w: Vec<f64> = input
                    .capability
                    .iter()
                    .zip(&is.salience)
                    .map(|(c, s)| c * s)
                    .collect();
                weighted_mean(&is.position, &w, is.status_quo)
            })
            .collect();
        Ok(Forecast {
            model: "mean",
            outcomes,
            rounds: Vec::new(),
            diagnostics: Vec::new(),
        })
    }
}
