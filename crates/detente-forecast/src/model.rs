//! The shared model interface: inputs, outputs and the [`Model`] trait.

use serde::Serialize;

/// What every forecasting model takes: actors with capabilities, and per issue each actor's
/// position and salience.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastInput {
    /// Actor ids, in input order.
    pub actors: Vec<String>,
    /// Capability (power, clout) per actor; > 0.
    pub capability: Vec<f64>,
    /// The issues, in input order.
    pub issues: Vec<IssueInput>,
}

/// One issue's scale and every actor's stance on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueInput {
    /// Issue id.
    pub id: String,
    /// Lower end of the issue scale (for discrete issues 0).
    pub min: f64,
    /// Upper end of the issue scale (for discrete issues: number of options − 1).
    pub max: f64,
    /// Ordered option labels for a discrete issue (positions are then option indices).
    pub options: Option<Vec<String>>,
    /// The status quo on the issue scale.
    pub status_quo: f64,
    /// Position per actor, on the issue scale.
    pub position: Vec<f64>,
    /// Salience per actor in [0, 1]; 0 means the actor does not engage on this issue.
    pub salience: Vec<f64>,
}

/// Positions and the model's forecast after one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// The forecast per issue after this round.
    pub forecast: Vec<f64>,
    /// Positions after this round, indexed `[issue][actor]`.
    pub positions: Vec<Vec<f64>>,
}

/// A model's answer: where each issue settles, and the path there for round-based models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// The model's id (`mean`, `median`, `nash`, `bdm`, `smp`).
    pub model: &'static str,
    /// Settled value per issue, on the issue scale.
    pub outcomes: Vec<f64>,
    /// The model's forecast per issue from the input alone (round 0), for models with rounds;
    /// empty for static models.
    pub start: Vec<f64>,
    /// Rounds 1..R (round 0 is the input and is not listed); empty for static models.
    pub rounds: Vec<Round>,
    /// Named diagnostics (e.g. `converged`, `turns`), model-specific.
    pub diagnostics: Vec<(String, f64)>,
}

/// Why a model could not produce a forecast.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The input's vectors do not line up or hold invalid numbers.
    #[error("invalid forecast input: {0}")]
    InvalidInput(String),
    /// The model cannot handle this input (e.g. wrong number of issues).
    #[error("model `{model}` cannot run on this input: {reason}")]
    Unsupported {
        /// Model id.
        model: &'static str,
        /// Why not.
        reason: String,
    },
    /// The caller's [`Watch`] asked the model to stop before it finished.
    #[error("stopped before the forecast finished")]
    Cancelled,
}

/// How a long forecast reports progress and learns that it should stop: the model calls the
/// tick after each unit of work (a BDM round of one issue, an SMP turn); the tick returns
/// `false` to ask the model to stop, which then returns [`ForecastError::Cancelled`].
#[derive(Clone, Copy)]
pub struct Watch<'a> {
    tick: &'a (dyn Fn() -> bool + Sync),
}

impl<'a> Watch<'a> {
    /// A watch that calls `tick` after each unit of work.
    pub fn new(tick: &'a (dyn Fn() -> bool + Sync)) -> Self {
        Watch { tick }
    }

    /// Reports one unit of work done; `Err(Cancelled)` when the caller asked to stop.
    pub fn step(&self) -> Result<(), ForecastError> {
        if (self.tick)() {
            Ok(())
        } else {
            Err(ForecastError::Cancelled)
        }
    }
}

impl Watch<'static> {
    /// A watch that never stops a model and shows nothing.
    pub fn none() -> Self {
        Watch { tick: &|| true }
    }
}

impl std::fmt::Debug for Watch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

/// A forecasting model: one input in, one forecast out.
pub trait Model: Send + Sync {
    /// Short stable id, identical in code, files and reports (`bdm`, `smp`, …).
    fn id(&self) -> &'static str;
    /// Runs the model on all issues of `input`.
    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError>;

    /// The most units of work [`Model::forecast_watched`] reports on `input` (0 for models
    /// that finish at once); a progress bar's length.
    fn work(&self, _input: &ForecastInput) -> u64 {
        0
    }

    /// [`Model::forecast`], reporting each unit of work to `watch` and stopping with
    /// [`ForecastError::Cancelled`] when it asks to; the result is the same as `forecast`'s.
    fn forecast_watched(
        &self,
        input: &ForecastInput,
        _watch: Watch<'_>,
    ) -> Result<Forecast, ForecastError> {
        self.forecast(input)
    }
}

impl ForecastInput {
    /// Checks that every vector has one entry per actor and every number is finite.
    pub fn check(&self) -> Result<(), ForecastError> {
        let n = self.actors.len();
        if self.capability.len() != n {
            return Err(ForecastError::InvalidInput(format!(
                "{} capabilities for {} actors",
                self.capability.len(),
                n
            )));
        }
        if let Some(c) = self.capability.iter().find(|c| !c.is_finite() || **c < 0.0) {
            return Err(ForecastError::InvalidInput(format!(
                "capability {c} is not a finite number ≥ 0"
            )));
        }
        for is in &self.issues {
            if is.position.len() != n || is.salience.len() != n {
                return Err(ForecastError::InvalidInput(format!(
                    "issue `{}` has {} positions and {} saliences for {} actors",
                    is.id,
                    is.position.len(),
                    is.salience.len(),
                    n
                )));
            }
            if !(is.min.is_finite() && is.max.is_finite() && is.min <= is.max) {
                return Err(ForecastError::InvalidInput(format!(
                    "issue `{}` has an invalid range",
                    is.id
                )));
            }
            if is
                .position
                .iter()
                .chain(&is.salience)
                .any(|v| !v.is_finite())
            {
                return Err(ForecastError::InvalidInput(format!(
                    "issue `{}` holds a non-finite number",
                    is.id
                )));
            }
        }
        Ok(())
    }
}
