//! The pure part of `detente backtest`: historical cases with known outcomes, the scores that
//! compare forecasts with them, reference forecasts, and leave-one-out parameter selection.
//! Running the models is the caller's job; this crate reads files only in [`cases`].
//!
//! # Cases
//!
//! A backtest directory holds one folder per case, `<dir>/<id>/scenario.toml` (a detente
//! scenario, format 1) and `<dir>/<id>/outcome.toml` (what really happened), found by
//! [`discover`] in folder-name order.
//!
//! # The outcome file (format 1)
//!
//! ```toml
//! format = 1                # optional (a warning when missing); must be 1
//! class = "deal"            # required: deal | interim | stalemate | breakdown
//! date = "2015-07-14"       # required: "YYYY-MM-DD"
//! summary = "..."           # required: what happened
//! label_note = "..."        # optional: why this class
//!
//! [[sources]]               # zero or more
//! id = "jcpoa-text"         # required, unique: letters, digits, `_`, `-`
//! citation = "..."          # required
//! url = "https://..."       # optional
//!
//! [[issues]]                # zero or more; scenario issues not listed are not labelled
//! id = "enrichment_level"   # required: a scenario issue id, each listed at most once
//! status = "settled"        # required: settled | deferred | unsettled
//! value = 3.67              # settled only, and required then: a number in the issue's
//!                           # [min, max], or for a discrete issue an option label or a
//!                           # 0-based option index
//! date = "2015-07-14"       # optional, settled only: "YYYY-MM-DD"
//! source = "jcpoa-text"     # optional: the id of a [[sources]] entry
//! ```
//!
//! `[[sources]]` and `[[issues]]` may also be written as arrays of inline tables. Dates are
//! strings whose shape, month (01–12) and day (existing in that month, Gregorian leap years)
//! are checked. Unknown keys are errors with a did-you-mean hint. [`parse_outcome`] reports every
//! problem at once, each with file, line, column, dotted field (`issues[2].value`) and what was
//! expected, in a [`detente_core::LoadError::Invalid`] like the scenario reader's.
//!
//! # Metrics
//!
//! A class forecast is p = (p₀, p₁, p₂, p₃) over deal, interim, stalemate, breakdown
//! ([`Class4::ALL`] order); oₖ = 1 for the class that happened, 0 otherwise.
//!
//! - Brier score ([`brier`]): Σₖ (pₖ − oₖ)², in [0, 2], lower is better; uniform scores 0.75.
//! - Log score ([`log_score`]): ln qₐ for the actual class a, with
//!   qₖ = max(pₖ, ε) / Σⱼ max(pⱼ, ε) and ε = [`EPS`] = 10⁻³; higher is better, 0 is perfect,
//!   the worst case ln(ε / (1 + 3ε)) ≈ −6.911 (p = 0 on the actual class); uniform scores
//!   ln ¼ ≈ −1.386.
//! - Bootstrap interval ([`bootstrap_mean_ci`]): the 2.5 % and 97.5 % quantiles (linear
//!   interpolation at q·(R − 1)) of the means of R resamples with replacement, drawn by PCG-64
//!   from a seed, so deterministic.
//! - Reliability diagram ([`reliability`]): every (case, class k) pair's (pₖ, oₖ), pooled over
//!   classes, in B equal-width bins of [0, 1] (bin j = [j/B, (j+1)/B), the last closed); per
//!   bin the count, mean pₖ and share of oₖ = 1.
//! - Murphy decomposition ([`murphy`]), per class k with the same bins, summed over k, for N
//!   cases: REL = (1/N) Σₖ Σ_b n_kb (p̄_kb − ō_kb)², RES = (1/N) Σₖ Σ_b n_kb (ō_kb − baseₖ)²,
//!   UNC = Σₖ baseₖ(1 − baseₖ) with baseₖ the share of cases in class k; BS (the mean Brier
//!   score) = REL − RES + UNC exactly when forecasts are constant within each (class, bin),
//!   otherwise up to the within-bin variance and covariance terms.
//! - Issue error ([`issue_error_pct`]): |predicted − actual| / (max − min) × 100, option indices
//!   over n − 1 for a discrete issue of n options.
//!
//! # Baselines
//!
//! [`uniform`] (¼ each), [`base_rate`] (the other cases' class frequencies with add-one
//! smoothing: (cₖ + 1) / (m + 4)), [`status_quo`] (all mass on stalemate); for issues,
//! [`issue_baselines`]: the status quo and the mean position of the parties that take a stance.
//!
//! # Leave-one-out
//!
//! [`loo_select`] picks, for each case, the grid point with the lowest mean loss over the other
//! cases (ties → lowest index), so no case is scored with parameters fitted on it;
//! [`fit_all`] is the in-sample choice.
#![deny(missing_docs)]

pub mod baselines;
pub mod cases;
pub mod loo;
pub mod metrics;
pub mod outcome;
pub mod run;

pub use baselines::{base_rate, issue_baselines, status_quo, uniform};
pub use cases::{discover, discover_scenarios, load_outcome, CaseFiles};
pub use loo::{fit_all, loo_select};
pub use metrics::{bootstrap_mean_ci, brier, log_score, murphy, reliability, Bin, Murphy, EPS};
pub use outcome::{
    check_date, parse_outcome, parse_outcome_bytes, Class4, IssueOutcome, Outcome, Status,
};
pub use run::{
    backtest, calibrate, grid, load_cases, params_for, score_case, summarise, Backtest,
    BacktestConfig, Case, CaseScore, ParamsUsed, Summary,
};

use detente_core::{Issue, LoadError};

/// Why a backtest's cases could not be found or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// A path could not be read or listed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The cases path exists but is not a directory.
    #[error("{path} is not a directory; expected a folder with one subfolder per case (<id>/scenario.toml and <id>/outcome.toml)")]
    NotADirectory {
        /// The path given.
        path: String,
    },
    /// No subfolder holds a `scenario.toml`.
    #[error("no cases in {dir}: expected subfolders holding scenario.toml and outcome.toml")]
    NoCases {
        /// The directory searched.
        dir: String,
    },
    /// Case folders hold a `scenario.toml` but no `outcome.toml`.
    #[error("case folder(s) in {dir} without outcome.toml: {}", ids.join(", "))]
    MissingOutcome {
        /// The directory searched.
        dir: String,
        /// The ids (folder names) of the cases without an outcome file.
        ids: Vec<String>,
    },
    /// A scenario or outcome file has errors (or could not be read).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A case could not be simulated.
    #[error("case {0}: {1}")]
    Simulation(String, String),
}

/// The error of an issue forecast in percent of the issue's scale:
/// |predicted − actual| / (max − min) × 100, where a discrete issue of n options has scale
/// 0 … n − 1 (values are option indices). A scale of zero width gives 0.
pub fn issue_error_pct(issue: &Issue, predicted: f64, actual: f64) -> f64 {
    let (lo, hi) = issue.range();
    let width = hi - lo;
    if width <= 0.0 {
        return 0.0;
    }
    (predicted - actual).abs() / width * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_error_in_percent_of_the_scale() {
        let c = Issue::continuous("x", 0.0, 20.0, 20.0);
        assert!((issue_error_pct(&c, 3.67, 5.0) - 6.65).abs() < 1e-12);
        assert_eq!(issue_error_pct(&c, 20.0, 0.0), 100.0);
        let shifted = Issue::continuous("y", 10.0, 14.0, 10.0);
        assert_eq!(issue_error_pct(&shifted, 13.0, 12.0), 25.0);
        let d = Issue::discrete("d", vec!["a".into(), "b".into(), "c".into()], 0);
        assert_eq!(issue_error_pct(&d, 0.0, 1.0), 50.0);
        assert_eq!(issue_error_pct(&d, 2.0, 0.0), 100.0);
        assert_eq!(issue_error_pct(&d, 1.5, 1.0), 25.0);
        let one = Issue::discrete("o", vec!["only".into()], 0);
        assert_eq!(issue_error_pct(&one, 0.0, 0.0), 0.0);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let e = BacktestError::MissingOutcome {
            dir: "cases".into(),
            ids: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            e.to_string(),
            "case folder(s) in cases without outcome.toml: a, b"
        );
    }
}
