//! Black's median voter: the capability·salience-weighted median of positions.

use crate::model::{Forecast, ForecastError, ForecastInput, Model};
use crate::stats::weighted_median;

/// Weighted median with weights c·s: the held position minimising Σ c·s·|x − p| (lower on ties).
#[derive(Debug, Clone, Copy, Default)]
pub struct Median;

impl Model for Median {
    fn id(&self) -> &'static str {
        "median"
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
                weighted_median(&is.position, &w, is.status_quo)
            })
            .collect();
        Ok(Forecast {
            model: "median",
            outcomes,
            rounds: Vec::new(),
            diagnostics: Vec::new(),
        })
    }
}
