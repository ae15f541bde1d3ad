//! Why a command could not give its result.

use std::path::PathBuf;

use detente_core::LoadError;

/// Why a command failed. Every message is a sentence a front can show as is; a front that wants
/// its own words (a flag's name, a list of built-ins, an exception type) matches the variant.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A scenario, imported file, overlay or case could not be read, or has errors (located
    /// problems in [`LoadError::Invalid`]).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The scenario named is neither a file nor a built-in scenario.
    #[error("cannot read {}: there is no such file, and no built-in scenario has that name", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A text file (a calibration) is not UTF-8.
    #[error("{} is not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A calibration file does not parse.
    #[error("{}: {message}", path.display())]
    Calibration {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A folder was given where only a GENIUS domain can be a folder.
    #[error("{} is a folder; only GENIUS domains can be read from a folder", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
    },
    /// A GENIUS domain to analyse has no utility profiles.
    #[error("{} has no utility profiles: nothing to analyse (give --profile files)", path.display())]
    NoProfiles {
        /// The domain file or folder.
        path: PathBuf,
    },
    /// A forecasting model id that does not exist.
    #[error("unknown model `{model}`; expected one of: {}, or all", crate::forecast::MODELS.join(", "))]
    UnknownModel {
        /// The id given.
        model: String,
    },
    /// A forecasting model failed.
    #[error(transparent)]
    Forecast(#[from] detente_forecast::ForecastError),
    /// The scenario or domain cannot be turned into a negotiation, or a session failed.
    #[error(transparent)]
    Negotiate(#[from] detente_negotiate::NegotiateError),
    /// A protocol name that does not exist.
    #[error("unknown protocol `{0}`; expected sao, mediated or shuttle")]
    UnknownProtocol(String),
    /// A strategy was given for someone who is not a party.
    #[error("`{party}` is not a party (parties: {})", parties.join(", "))]
    NotAParty {
        /// The name given.
        party: String,
        /// The parties, in order.
        parties: Vec<String>,
    },
    /// A strategy name that does not exist.
    #[error("unknown strategy `{name}` (known: {})", detente_negotiate::strategy::STRATEGY_NAMES.join(", "))]
    UnknownStrategy {
        /// The name given.
        name: String,
    },
    /// An output file cannot or may not be written (exists without force, a link, a folder,
    /// an IO error).
    #[error("{0}")]
    Output(String),
    /// A job size past a documented limit (steps, rounds, runs, threads; docs/limits.md).
    #[error("{0}")]
    Limit(String),
    /// A simulation, sensitivity analysis or backtest was asked for zero runs.
    #[error("runs must be at least 1")]
    NoRuns,
    /// The simulation failed (a `--set` or overlay problem, a scenario that cannot be
    /// negotiated, threads). A changed scenario that is invalid is a [`AppError::Load`] of
    /// "the changed scenario" instead.
    #[error(transparent)]
    Sim(detente_sim::SimError),
    /// The backtest or calibration failed (cases that cannot be read come as
    /// [`AppError::Load`]).
    #[error(transparent)]
    Backtest(detente_backtest::BacktestError),
    /// Leave-one-out calibration needs at least three cases.
    #[error("{} holds {cases} case(s); leave-one-out calibration needs at least 3", dir.display())]
    TooFewCases {
        /// The folder of cases.
        dir: PathBuf,
        /// How many cases it holds.
        cases: usize,
    },
    /// A calibration could not be written as TOML.
    #[error("cannot write the calibration: {0}")]
    WriteCalibration(String),
    /// The caller asked to stop (see [`crate::Progress::cancelled`]).
    #[error("cancelled")]
    Cancelled,
}

impl From<detente_sim::SimError> for AppError {
    fn from(e: detente_sim::SimError) -> Self {
        match e {
            detente_sim::SimError::Invalid(problems) => AppError::Load(LoadError::Invalid {
                file: "the changed scenario".into(),
                source_text: String::new(),
                problems,
            }),
            other => AppError::Sim(other),
        }
    }
}

impl From<detente_backtest::BacktestError> for AppError {
    fn from(e: detente_backtest::BacktestError) -> Self {
        match e {
            detente_backtest::BacktestError::Load(l) => AppError::Load(l),
            other => AppError::Backtest(other),
        }
    }
}
