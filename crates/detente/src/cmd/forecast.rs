//! `detente forecast [FILE]`: where does each issue settle, model by model?

use std::process::ExitCode;

use clap::ValueEnum;
use detente_core::{format_number, Scenario};
use detente_forecast::{
    Bdm, BdmParams, BdmVariant, Forecast, ForecastInput, Mean, Median, Model, Nash,
};
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::load::{load, Source};
use crate::render::{print_json, print_text, table, CliError};

/// Every model id `forecast` knows, in display order.
pub const MODELS: [&str; 4] = ["mean", "median", "nash", "bdm"];

/// Which BDM capitulation rule to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Variant {
    /// The rule as the paper states it (default).
    Corrected,
    /// The public replication's behaviour, exactly.
    Replication,
}

/// Arguments of `detente forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario (a TOML file, a BDM CSV, or a built-in name).
    #[command(flatten)]
    pub source: Source,
    /// Models to run, comma-separated (mean, median, nash, bdm) or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub model: Vec<String>,
    /// Rounds for round-based models.
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
    /// BDM capitulation rule.
    #[arg(long, value_enum, default_value = "corrected")]
    pub bdm_variant: Variant,
    /// Show per-round positions of round-based models.
    #[arg(long)]
    pub trace: bool,
}

fn models(a: &Args) -> Result<Vec<Box<dyn Model>>, CliError> {
    let mut ids: Vec<&str> = Vec::new();
    for m in &a.model {
        match m.as_str() {
            "all" => ids.extend(MODELS),
            m if MODELS.contains(&m) => {
                ids.push(MODELS[MODELS.iter().position(|x| *x == m).unwrap_or(0)])
            }
            other => {
                return Err(CliError::Usage(format!(
                    "unknown model `{other}`; expected one of: {}, or all",
                    MODELS.join(", ")
                )))
            }
        }
    }
    ids.dedup();
    let variant = match a.bdm_variant {
        Variant::Corrected => BdmVariant::Corrected,
        Variant::Replication => BdmVariant::Replication,
    };
    Ok(ids
        .into_iter()
        .map(|id| -> Box<dyn Model> {
            match id {
                "mean" => Box::new(Mean),
                "median" => Box::new(Median),
                "nash" => Box::new(Nash),
                _ => Box::new(Bdm::new(BdmParams {
                    rounds: a.rounds,
                    variant,
                    ..BdmParams::default()
                })),
            }
        })
        .collect())
}

/// Runs the chosen models on a scenario.
pub fn run_models(
    s: &Scenario,
    models: &[Box<dyn Model>],
) -> Result<(ForecastInput, Vec<Forecast>), CliError> {
    let input = ForecastInput::from_scenario(s);
    let mut out = Vec::new();
    for m in models {
        out.push(
            m.forecast(&input)
                .map_err(|e| CliError::Usage(e.to_string()))?,
        );
    }
    Ok((input, out))
}

/// The ensemble forecast of one issue: the mean of the models' outcomes (nearest option if discrete).
pub fn ensemble(s: &Scenario, issue: usize, forecasts: &[Forecast]) -> f64 {
    if forecasts.is_empty() {
        return s.issues[issue].status_quo.value;
    }
    let m = forecasts.iter().map(|f| f.outcomes[issue]).sum::<f64>() / forecasts.len() as f64;
    if s.issues[issue].is_discrete() {
        m.round()
    } else {
        m
    }
}

fn value_json(s: &Scenario, issue: usize, x: f64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(x));
    if s.issues[issue].is_discrete() {
        m.insert("outcome_label".into(), json!(s.issues[issue].label(x)));
    }
    m
}

/// The `forecast --json` document.
pub fn forecast_json(s: &Scenario, input: &ForecastInput, forecasts: &[Forecast]) -> Value {
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(i, is)| {
            let mut models = Map::new();
            for f in forecasts {
                let mut m = value_json(s, i, f.outcomes[i]);
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
            let mut v = json!({"id": is.id, "status_quo": is.status_quo.value, "models": models, "ensemble": ens});
            if is.is_discrete() {
                v["status_quo_label"] = json!(is.label(is.status_quo.value));
                v["ensemble_label"] = json!(is.label(ens));
            }
            v
        })
        .collect();
    json!({ "issues": issues })
}

fn show(s: &Scenario, issue: usize, x: f64) -> String {
    let is = &s.issues[issue];
    if is.is_discrete() {
        is.label(x)
    } else {
        format_number(x)
    }
}

/// Runs the forecast.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let models = models(a)?;
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let s = &loaded.scenario;
    let (input, forecasts) = run_models(s, &models)?;
    if json {
        print_json(&forecast_json(s, &input, &forecasts));
        return Ok(ExitCode::SUCCESS);
    }
    let mut header = vec!["issue".to_string(), "status quo".to_string()];
    header.extend(forecasts.iter().map(|f| f.model.to_string()));
    header.push("ensemble".into());
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&hdr);
    for (i, is) in s.issues.iter().enumerate() {
        let mut row = vec![is.id.clone(), show(s, i, is.status_quo.value)];
        row.extend(forecasts.iter().map(|f| show(s, i, f.outcomes[i])));
        row.push(show(s, i, ensemble(s, i, &forecasts)));
        t.add_row(row);
    }
    let mut out = format!("{}: where each issue settles\n{t}\n", loaded.name);
    if a.trace {
        for f in forecasts.iter().filter(|f| !f.rounds.is_empty()) {
            for (i, is) in s.issues.iter().enumerate() {
                let engaged: Vec<usize> = (0..input.actors.len())
                    .filter(|&k| input.issues[i].salience[k] > 0.0)
                    .collect();
                let mut header = vec!["round".to_string(), "forecast".to_string()];
                header.extend(engaged.iter().map(|&k| input.actors[k].clone()));
                let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
                let mut t = table(&hdr);
                let w: Vec<f64> = input
                    .capability
                    .iter()
                    .zip(&input.issues[i].salience)
                    .map(|(c, s)| c * s)
                    .collect();
                let start = detente_forecast::stats::weighted_median(
                    &input.issues[i].position,
                    &w,
                    input.issues[i].status_quo,
                );
                let mut row = vec!["0 (input)".to_string(), show(s, i, start)];
                row.extend(
                    engaged
                        .iter()
                        .map(|&k| show(s, i, input.issues[i].position[k])),
                );
                t.add_row(row);
                for (r, round) in f.rounds.iter().enumerate() {
                    let mut row = vec![(r + 1).to_string(), show(s, i, round.forecast[i])];
                    row.extend(engaged.iter().map(|&k| show(s, i, round.positions[i][k])));
                    t.add_row(row);
                }
                out.push_str(&format!("\n{} trace: {}\n{t}\n", f.model, is.id));
            }
        }
    }
    print_text(&out);
    Ok(ExitCode::SUCCESS)
}
