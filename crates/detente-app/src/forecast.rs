//! `forecast`: where each issue settles, model by model, and the ensemble.

use detente_core::diag::Problems;
use detente_core::{LoadError, Problem, Scenario};
use detente_forecast::{
    convergence, Bdm, BdmParams, BdmVariant, Convergence, Forecast, ForecastInput, Mean, Median,
    Model, Nash, Smp, SmpParams, Watch,
};
use serde_json::{json, Map, Value};

use crate::progress::{phase, Phase, Progress};
use crate::{AppError, Loaded};

/// Every model id `forecast` knows, in display order.
pub const MODELS: [&str; 5] = ["mean", "median", "nash", "bdm", "smp"];

/// What to forecast with.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    /// Model ids (see [`MODELS`]) or `all`; duplicates are run once.
    pub models: Vec<String>,
    /// Rounds for BDM (default 10); for SMP, the most turns (default: its stopping rule).
    pub rounds: Option<usize>,
    /// BDM's capitulation rule.
    pub variant: BdmVariant,
}

impl Default for ForecastOptions {
    /// Every model, with its defaults.
    fn default() -> Self {
        ForecastOptions {
            models: vec!["all".into()],
            rounds: None,
            variant: BdmVariant::default(),
        }
    }
}

/// The models' forecasts of a scenario.
#[derive(Debug, Clone)]
pub struct Forecasts {
    /// What the models were given.
    pub input: ForecastInput,
    /// One forecast per model, in the order asked for.
    pub forecasts: Vec<Forecast>,
}

/// The SMP with the scenario's `[models.smp]` settings; a bad setting is reported at its place
/// in the scenario's text.
pub fn smp_model(loaded: &Loaded, max_turns: Option<usize>) -> Result<Smp, AppError> {
    let s = &loaded.scenario;
    let mut params = match s.models.get("smp") {
        None => SmpParams::default(),
        Some(v) => {
            let bad = |field: &str, message: String| {
                let mut p = Problem::error(&loaded.name, field, message);
                if let Some(span) = detente_core::format::locate(&loaded.text, field) {
                    p = p.spanned(&loaded.text, span);
                }
                let mut problems = Problems::new();
                problems.push(p);
                AppError::Load(LoadError::Invalid {
                    file: loaded.name.clone(),
                    source_text: loaded.text.clone(),
                    problems,
                })
            };
            let t = v.as_table().ok_or_else(|| {
                bad(
                    "models.smp",
                    format!("expected a table of SMP settings, found {}", v.type_str()),
                )
            })?;
            SmpParams::from_settings(t, s.actors.len(), |n| {
                s.actors.iter().position(|a| a.id == n || a.name == n)
            })
            .map_err(|e| bad(&e.field, e.message))?
        }
    };
    if let Some(t) = max_turns {
        params.max_turns = t;
    }
    Ok(Smp::new(params))
}

/// The models `ids` names (`all` for every one), set up for `loaded`.
pub fn build_models(
    ids: &[String],
    loaded: &Loaded,
    rounds: Option<usize>,
    variant: BdmVariant,
) -> Result<Vec<Box<dyn Model>>, AppError> {
    let mut chosen: Vec<&str> = Vec::new();
    for m in ids {
        match m.as_str() {
            "all" => chosen.extend(MODELS),
            m => match MODELS.iter().find(|x| **x == m) {
                Some(x) => chosen.push(x),
                None => {
                    return Err(AppError::UnknownModel {
                        model: m.to_string(),
                    })
                }
            },
        }
    }
    let mut seen = Vec::new();
    chosen.retain(|m| {
        let fresh = !seen.contains(m);
        seen.push(*m);
        fresh
    });
    chosen
        .into_iter()
        .map(|id| -> Result<Box<dyn Model>, AppError> {
            Ok(match id {
                "mean" => Box::new(Mean),
                "median" => Box::new(Median),
                "nash" => Box::new(Nash),
                "smp" => Box::new(smp_model(loaded, rounds)?),
                _ => Box::new(Bdm::new(BdmParams {
                    rounds: rounds.unwrap_or(BdmParams::default().rounds),
                    variant,
                    ..BdmParams::default()
                })),
            })
        })
        .collect()
}

/// Runs the models on a scenario: one [`Phase::Forecast`] tick per unit of work of a
/// round-based model ([`Model::work`]: BDM's rounds × issues, SMP's turns, which usually stop
/// before their most) and one per static model.
pub fn run_models(
    s: &Scenario,
    models: &[Box<dyn Model>],
    progress: &dyn Progress,
) -> Result<Forecasts, AppError> {
    let input = ForecastInput::from_scenario(s);
    let len = models.iter().map(|m| m.work(&input).max(1)).sum();
    let forecasts = phase(progress, Phase::Forecast, len, |tick| {
        let step = || {
            tick();
            true
        };
        models
            .iter()
            .map(|m| {
                let f = m.forecast_watched(&input, Watch::new(&step));
                if m.work(&input) == 0 {
                    tick();
                }
                f
            })
            .collect::<Result<Vec<_>, _>>()
    })??;
    Ok(Forecasts { input, forecasts })
}

/// Builds the models `opts` asks for and runs them on `loaded`.
pub fn forecast(
    loaded: &Loaded,
    opts: &ForecastOptions,
    progress: &dyn Progress,
) -> Result<Forecasts, AppError> {
    let models = build_models(&opts.models, loaded, opts.rounds, opts.variant)?;
    run_models(&loaded.scenario, &models, progress)
}

/// The `forecast --json` document of `loaded` under `opts`.
pub fn document(
    loaded: &Loaded,
    opts: &ForecastOptions,
    progress: &dyn Progress,
) -> Result<Value, AppError> {
    let f = forecast(loaded, opts, progress)?;
    Ok(to_json(&loaded.scenario, &f))
}

/// The ensemble forecast of one issue: the mean of the models' outcomes (nearest option if
/// discrete), taking a round-based model that did not converge at its settled value (the mean
/// over its cycle, or over the second half of its rounds) rather than its last round.
pub fn ensemble(s: &Scenario, issue: usize, forecasts: &[Forecast]) -> f64 {
    if forecasts.is_empty() {
        return s.issues[issue].status_quo.value;
    }
    let value = |f: &Forecast| match issue_convergence(s, issue, f) {
        Some(c) if !c.converged => c.settled,
        _ => f.outcomes[issue],
    };
    let m = forecasts.iter().map(value).sum::<f64>() / forecasts.len() as f64;
    if s.issues[issue].is_discrete() {
        m.round()
    } else {
        m
    }
}

/// `outcome` (the model's value: on a discrete issue, a possibly fractional option index) and,
/// on a discrete issue, `option` (the nearest option's index) and `outcome_label` (its label,
/// the one the table shows).
fn value_json(s: &Scenario, issue: usize, x: f64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(x));
    let is = &s.issues[issue];
    if is.is_discrete() {
        let last = is.range().1.max(0.0);
        m.insert("option".into(), json!(x.round().clamp(0.0, last) as u64));
        m.insert("outcome_label".into(), json!(is.label(x)));
    }
    m
}

/// The span of an issue's scale: max − min, or the option count − 1.
fn span(s: &Scenario, issue: usize) -> f64 {
    let (lo, hi) = s.issues[issue].range();
    hi - lo
}

/// How a round-based model's forecast of one issue ended (`None` for static models).
///
/// On a discrete issue the rounds are read as the nearest option, the one the table shows. A
/// model that reports its own stopping rule as met (SMP's `converged` diagnostic) has
/// converged.
pub fn issue_convergence(s: &Scenario, issue: usize, f: &Forecast) -> Option<Convergence> {
    let discrete = s.issues[issue].is_discrete();
    let series: Vec<f64> = f
        .rounds
        .iter()
        .map(|r| r.forecast[issue])
        .map(|x| if discrete { x.round() } else { x })
        .collect();
    let mut c = convergence(&series, span(s, issue))?;
    let own_rule = f
        .diagnostics
        .iter()
        .any(|(k, v)| k == "converged" && *v == 1.0);
    if own_rule && !c.converged {
        let last = f.outcomes[issue];
        c = Convergence {
            converged: true,
            cycle: None,
            settled: last,
            range: [last; 2],
        };
    }
    Some(c)
}

/// What a forecast `x` of `issue` violates: the actors whose declared red line it crosses, and
/// the actors for whom the issue is off the agenda when `x` moves it from its status quo.
pub fn violations(s: &Scenario, issue: usize, x: f64) -> (Vec<String>, Vec<String>) {
    // Discrete issues: the option the table shows.
    let x = if s.issues[issue].is_discrete() {
        x.round()
    } else {
        x
    };
    let crosses = s
        .stances
        .iter()
        .filter(|st| st.issue == issue)
        .filter(|st| st.red_line.is_some_and(|r| !r.accepts(x)))
        .map(|st| s.actors[st.actor].id.clone())
        .collect();
    let tol = 1e-3 * span(s, issue).abs().max(1e-9);
    let off = if (x - s.issues[issue].status_quo.value).abs() > tol {
        s.issues[issue].off_agenda_for.clone()
    } else {
        Vec::new()
    };
    (crosses, off)
}

/// The `forecast --json` document.
pub fn to_json(s: &Scenario, f: &Forecasts) -> Value {
    let (input, forecasts) = (&f.input, &f.forecasts);
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, is)| {
            let mut models = Map::new();
            for f in forecasts {
                let mut m = value_json(s, i, f.outcomes[i]);
                let (crosses, off) = violations(s, i, f.outcomes[i]);
                m.insert("crosses_red_lines".into(), json!(crosses));
                m.insert("off_agenda_moved_for".into(), json!(off));
                if let Some(c) = issue_convergence(s, i, f) {
                    m.insert("converged".into(), json!(c.converged));
                    m.insert("cycle".into(), json!(c.cycle));
                    if !c.converged {
                        // The forecast to read when the rounds did not settle: the mean over
                        // the cycle (or over the second half of the rounds), beside the last
                        // round's value in `outcome`.
                        let mut settled = value_json(s, i, c.settled);
                        settled.insert("range".into(), json!(c.range));
                        settled.insert(
                            "over".into(),
                            json!(if c.cycle.is_some() { "cycle" } else { "second_half" }),
                        );
                        m.insert("settled".into(), Value::Object(settled));
                    }
                }
                if !f.rounds.is_empty() {
                    let rounds: Vec<Value> = f
                        .rounds
                        .iter()
                        .enumerate()
                        .map(|(t, r)| {
                            let positions: Map<String, Value> =
                                input.actors.iter().zip(&r.positions[i]).map(|(a, x)| (a.clone(), json!(x))).collect();
                            json!({"round": t + 1, "forecast": r.forecast[i], "positions": positions})
                        })
                        .collect();
                    m.insert("rounds".into(), Value::Array(rounds));
                }
                models.insert(f.model.into(), Value::Object(m));
            }
            let ens = ensemble(s, i, forecasts);
            let (crosses, off) = violations(s, i, ens);
            let mut v = json!({"id": is.id, "status_quo": is.status_quo.value, "models": models, "ensemble": ens,
                               "ensemble_crosses_red_lines": crosses, "ensemble_off_agenda_moved_for": off});
            if is.is_discrete() {
                v["status_quo_label"] = json!(is.label(is.status_quo.value));
                v["ensemble_option"] = json!(ens.round().max(0.0) as u64);
                v["ensemble_label"] = json!(is.label(ens));
            }
            v
        })
        .collect();
    json!({ "issues": issues })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Quiet;

    #[test]
    fn every_model_forecasts_every_issue() {
        let l = crate::load::load(&crate::Source::default()).expect("muscat");
        let doc = document(&l, &ForecastOptions::default(), &Quiet).expect("forecast");
        let issues = doc["issues"].as_array().expect("issues");
        assert_eq!(issues.len(), l.scenario.issues.len());
        for i in issues {
            let models: Vec<&String> = i["models"].as_object().expect("models").keys().collect();
            assert_eq!(models.len(), MODELS.len());
        }
    }

    #[test]
    fn unknown_models_are_refused_by_name() {
        let l = crate::load::load(&crate::Source::default()).expect("muscat");
        let opts = ForecastOptions {
            models: vec!["mean".into(), "oracle".into()],
            ..ForecastOptions::default()
        };
        let e = forecast(&l, &opts, &Quiet).expect_err("oracle");
        assert_eq!(
            e.to_string(),
            "unknown model `oracle`; expected one of: mean, median, nash, bdm, smp, or all"
        );
    }
}
