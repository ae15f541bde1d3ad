//! A scenario's page: its meta, actors, issues and position/salience matrix (the data of
//! `detente show`), the what-if form (`--set PATH=VALUE` lines, checked by `detente-app`), the
//! buttons that queue forecast / analyze / simulate / sensitivity jobs and a side-by-side
//! comparison of two variants, and the scenario's jobs.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use detente_app::AppError;
use detente_core::limits::MAX_RUNS;
use detente_core::Scenario;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::library::{self, Stored};
use super::{frame, num};
use crate::error::ServerError;
use crate::jobs::{JobParams, Kind};
use crate::security::Csrf;
use crate::AppState;

/// Runs offered by default (a 95 % interval of about ±3 points on each probability).
pub const DEFAULT_RUNS: usize = 1000;

/// The fields of the what-if and run form (all text, checked here so that a bad value gets a
/// sentence, not a rejection).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunForm {
    /// `forecast`, `analyze`, `simulate`, `sensitivity` or `compare`.
    pub kind: Option<String>,
    /// `PATH=VALUE` lines (variant A).
    pub sets: Option<String>,
    /// `PATH=VALUE` lines of variant B (comparison).
    pub compare: Option<String>,
    /// Simulated futures.
    pub runs: Option<String>,
    /// Master seed.
    pub seed: Option<String>,
    /// Steps per continuous issue (analyze).
    pub steps: Option<String>,
}

/// The `PATH=VALUE` lines of a textarea (blank lines and `#` comments skipped).
pub fn set_lines(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A refused form: its status and what to show above it.
struct Refusal {
    status: StatusCode,
    message: Markup,
    /// The same as one plain sentence (for the JSON API).
    text: String,
}

impl Refusal {
    fn bad(msg: String) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            message: html! { p.error { (msg) } },
            text: msg,
        }
    }
    fn unprocessable(msg: String) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: html! { p.error { (msg) } },
            text: msg,
        }
    }

    /// The refusal as the JSON API's error.
    fn into_error(self) -> ServerError {
        if self.status == StatusCode::BAD_REQUEST {
            ServerError::BadRequest(self.text)
        } else {
            ServerError::Unprocessable(self.text)
        }
    }
}

fn parse_num<T: std::str::FromStr>(name: &str, v: Option<&str>, default: T) -> Result<T, Refusal> {
    match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            Refusal::bad(format!(
                "{name}: `{s}` is not a whole number of the accepted size"
            ))
        }),
    }
}

/// Checks the form's settings for `kind` against `detente_app::limits`; the job's parameters.
fn params_of(form: &RunForm, kind: Kind, compare: bool) -> Result<JobParams, Refusal> {
    let mut p = JobParams {
        sets: set_lines(form.sets.as_deref()),
        ..JobParams::default()
    };
    let lim = |e: AppError| Refusal::unprocessable(e.to_string());
    match kind {
        Kind::Forecast => {}
        Kind::Analyze => {
            let steps = parse_num(
                "steps",
                form.steps.as_deref(),
                detente_negotiate::scenario::DEFAULT_STEPS,
            )?;
            p.steps = Some(detente_app::limits::steps(steps).map_err(lim)?);
        }
        Kind::Simulate | Kind::Sensitivity => {
            let runs = parse_num("runs", form.runs.as_deref(), DEFAULT_RUNS)?;
            if runs == 0 {
                return Err(lim(AppError::NoRuns));
            }
            p.runs = Some(detente_app::limits::runs("runs", runs).map_err(lim)?);
            p.seed = Some(parse_num("seed", form.seed.as_deref(), 1u64)?);
        }
    }
    if compare {
        let other = set_lines(form.compare.as_deref());
        if p.sets.is_empty() && other.is_empty() {
            return Err(Refusal::unprocessable(
                "a comparison needs changes in at least one of the two variants".into(),
            ));
        }
        p.compare = Some(other);
    }
    Ok(p)
}

/// Loads `stored` and applies both variants' changes; the changed scenario of variant A, or
/// the refusal with the problems located by `detente-app`.
async fn check_changes(
    stored: &Stored,
    sets: Vec<String>,
    compare: Vec<String>,
) -> Result<Result<(Scenario, Option<Scenario>), Refusal>, ServerError> {
    let stored = stored.clone();
    let r = tokio::task::spawn_blocking(move || -> Result<_, (String, AppError)> {
        let loaded = stored.load().map_err(|e| ("scenario".to_string(), e))?;
        let a = detente_app::load::apply_sets(&loaded.scenario, &sets)
            .map_err(|e| ("changes".to_string(), e))?;
        let b = if compare.is_empty() {
            None
        } else {
            Some(
                detente_app::load::apply_sets(&loaded.scenario, &compare)
                    .map_err(|e| ("variant B".to_string(), e))?,
            )
        };
        Ok((a, b))
    })
    .await
    .map_err(|e| ServerError::Internal(format!("checking changes: {e}")))?;
    Ok(r.map_err(|(which, e)| Refusal {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: html! {
            p.error { "The " (which) " cannot be applied:" }
            (library::problems_view(&e, "--set", ""))
        },
        text: format!("the {which} cannot be applied: {e}"),
    }))
}

/// `GET /scenarios/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let stored = library::find(&state.db, &id).await?;
    render(&state, &csrf, &stored, &RunForm::default(), None, None).await
}

/// `POST /scenarios/{id}/whatif`: checks the changes and shows the changed scenario.
pub async fn whatif(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(id): Path<String>,
    Form(form): Form<RunForm>,
) -> Result<Response, ServerError> {
    let stored = library::find(&state.db, &id).await?;
    let sets = set_lines(form.sets.as_deref());
    let compare = set_lines(form.compare.as_deref());
    match check_changes(&stored, sets.clone(), compare).await? {
        Err(refusal) => render(&state, &csrf, &stored, &form, Some(refusal), None).await,
        Ok((a, _)) => render(&state, &csrf, &stored, &form, None, Some((sets, a))).await,
    }
}

/// `POST /scenarios/{id}/jobs`: queues the job the pressed button asks for and redirects to
/// its page; refused settings or changes re-show the form with the reasons (400/422).
pub async fn submit(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(id): Path<String>,
    Form(form): Form<RunForm>,
) -> Result<Response, ServerError> {
    let stored = library::find(&state.db, &id).await?;
    match queue(&state, &stored, &form).await? {
        Ok(job) => Ok(Redirect::to(&format!("/jobs/{job}")).into_response()),
        Err(r) => render(&state, &csrf, &stored, &form, Some(r), None).await,
    }
}

/// Checks a run request and queues its job; the job's id, or why it was refused.
async fn queue(
    state: &AppState,
    stored: &Stored,
    form: &RunForm,
) -> Result<Result<String, Refusal>, ServerError> {
    let asked = form.kind.clone().unwrap_or_default();
    let (kind, compare) = match asked.as_str() {
        "compare" => (Kind::Simulate, true),
        k => match Kind::parse(k) {
            Some(k) => (k, false),
            None => {
                return Ok(Err(Refusal::bad(format!(
                    "unknown job kind `{asked}`; expected forecast, analyze, simulate, sensitivity or compare"
                ))))
            }
        },
    };
    let params = match params_of(form, kind, compare) {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let other = params.compare.clone().unwrap_or_default();
    if let Err(r) = check_changes(stored, params.sets.clone(), other).await? {
        return Ok(Err(r));
    }
    Ok(Ok(state.jobs.submit(&stored.id, kind, &params).await?))
}

/// `POST /api/scenarios/{id}/jobs`: the same request as the run form, as JSON —
/// `{"kind": "simulate", "sets": ["PATH=VALUE", …], "compare": […], "runs": 10000, "seed": 1,
/// "steps": 11}` (`sets`/`compare` may also be one string of lines) — answered 202 with the
/// job's status and links (`GET /api/jobs/{id}` follows it).
pub async fn submit_api(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ServerError> {
    let stored = library::find(&state.db, &id).await?;
    let v: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ServerError::BadRequest(format!("the body is not JSON: {e}")))?;
    let m = v
        .as_object()
        .ok_or_else(|| ServerError::BadRequest("the body must be a JSON object".into()))?;
    const FIELDS: [&str; 6] = ["kind", "sets", "compare", "runs", "seed", "steps"];
    if let Some(k) = m.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ServerError::BadRequest(format!(
            "unknown field `{k}` (fields: {})",
            FIELDS.join(", ")
        )));
    }
    let text = |k: &str| -> Result<Option<String>, ServerError> {
        match m.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(serde_json::Value::Number(n)) if k != "kind" => Ok(Some(n.to_string())),
            Some(serde_json::Value::Array(a)) if k == "sets" || k == "compare" => a
                .iter()
                .map(|x| {
                    x.as_str().map(str::to_string).ok_or_else(|| {
                        ServerError::BadRequest(format!(
                            "`{k}`: every entry must be a `PATH=VALUE` string, not {x}"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|l| Some(l.join("\n"))),
            Some(other) => Err(ServerError::BadRequest(format!("`{k}` cannot be {other}"))),
        }
    };
    let form = RunForm {
        kind: text("kind")?,
        sets: text("sets")?,
        compare: text("compare")?,
        runs: text("runs")?,
        seed: text("seed")?,
        steps: text("steps")?,
    };
    let job = queue(&state, &stored, &form)
        .await?
        .map_err(Refusal::into_error)?;
    let status = state.jobs.get(&job).await?;
    let mut doc = serde_json::json!(status);
    doc["links"] = serde_json::json!({
        "status": format!("/api/jobs/{job}"),
        "page": format!("/jobs/{job}"),
        "events": format!("/jobs/{job}/events"),
        "result": format!("/jobs/{job}/result.json"),
    });
    Ok((StatusCode::ACCEPTED, axum::Json(doc)).into_response())
}

/// The editable inputs of `s` with their current values, as `--set` paths.
pub fn editable_paths(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in &s.actors {
        out.push((
            format!("actors.{}.capability", a.id),
            num(a.capability.value, 4),
        ));
        if let Some(b) = a.batna {
            out.push((format!("actors.{}.batna", a.id), num(b.value, 4)));
        }
    }
    for st in &s.stances {
        let (a, i) = (&s.actors[st.actor].id, &s.issues[st.issue]);
        let pos = if i.is_discrete() {
            i.label(st.position.value)
        } else {
            num(st.position.value, 4)
        };
        out.push((format!("positions.{a}.{}.position", i.id), pos));
        out.push((
            format!("positions.{a}.{}.salience", i.id),
            num(st.salience.value, 4),
        ));
    }
    for i in &s.issues {
        let sq = if i.is_discrete() {
            i.label(i.status_quo.value)
        } else {
            num(i.status_quo.value, 4)
        };
        out.push((format!("issues.{}.status_quo", i.id), sq));
    }
    for e in &s.events {
        out.push((
            format!("events.{}.probability", e.id),
            num(e.probability.value, 4),
        ));
    }
    out.push(("protocol.rounds".into(), s.protocol.rounds.to_string()));
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| num(x, 4)),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The tables of `detente show` for `s`: actors, issues and the position/salience matrix.
pub fn scenario_tables(s: &Scenario) -> Markup {
    let doc = detente_app::show::scenario_json(s);
    let empty = Vec::new();
    let actors = doc["actors"].as_array().unwrap_or(&empty);
    let issues = doc["issues"].as_array().unwrap_or(&empty);
    let positions = doc["positions"].as_array().unwrap_or(&empty);
    let cell = |a: &Value, i: &Value| {
        positions
            .iter()
            .find(|p| p["actor"] == a["id"] && p["issue"] == i["id"])
    };
    html! {
        h2 { "Actors" }
        table #actors.wb-table {
            thead { tr { th { "Id" } th { "Name" } th { "Role" } th.num { "Capability" } th.num { "BATNA" } } }
            tbody {
                @for a in actors {
                    tr { td { code { (text(&a["id"])) } } td { (text(&a["name"])) } td { (text(&a["role"])) }
                         td.num { (text(&a["capability"])) } td.num { (text(&a["batna"])) } }
                }
            }
        }
        h2 { "Issues" }
        table #issues.wb-table {
            thead { tr { th { "Id" } th { "Name" } th { "Scale" } th { "Status quo" } } }
            tbody {
                @for i in issues {
                    tr {
                        td { code { (text(&i["id"])) } }
                        td { (text(&i["name"])) }
                        td {
                            @if i["kind"] == "discrete" {
                                (i["options"].as_array().map(|o| o.iter().map(text).collect::<Vec<_>>().join(" < ")).unwrap_or_default())
                            } @else {
                                (text(&i["min"])) "–" (text(&i["max"])) " " (text(&i["unit"]))
                            }
                        }
                        td { @if i["kind"] == "discrete" { (text(&i["status_quo_label"])) } @else { (text(&i["status_quo"])) } }
                    }
                }
            }
        }
        h2 { "Positions and salience" }
        p.hint { "Each cell: the actor's position on the issue, and (in brackets) how much the issue matters to it (salience, 0–1)." }
        table #matrix.wb-table {
            thead { tr { th { "Actor \\ issue" } @for i in issues { th { code { (text(&i["id"])) } } } } }
            tbody {
                @for a in actors {
                    tr {
                        th { code { (text(&a["id"])) } }
                        @for i in issues {
                            @if let Some(p) = cell(a, i) {
                                td.cell data-actor=(text(&a["id"])) data-issue=(text(&i["id"])) {
                                    span.position { @if p.get("position_label").is_some() { (text(&p["position_label"])) } @else { (text(&p["position"])) } }
                                    " "
                                    span.salience { "(" (text(&p["salience"])) ")" }
                                    @if p.get("red_line").is_some() { " " span.red-line title="red line" { "⛔" } }
                                }
                            } @else {
                                td.cell.empty { "—" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The whole scenario page, with the form as submitted, a refusal above it, or a preview of
/// the changed scenario.
async fn render(
    state: &AppState,
    csrf: &str,
    stored: &Stored,
    form: &RunForm,
    refusal: Option<Refusal>,
    preview: Option<(Vec<String>, Scenario)>,
) -> Result<Response, ServerError> {
    let st = stored.clone();
    let loaded = tokio::task::spawn_blocking(move || st.load())
        .await
        .map_err(|e| ServerError::Internal(format!("loading a scenario: {e}")))?
        .map_err(|e| {
            ServerError::Internal(format!("stored scenario {} does not load: {e}", stored.id))
        })?;
    let s = &loaded.scenario;
    let jobs = state.jobs.list(Some(&stored.id), 50).await?;
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    let base = format!("/scenarios/{}", stored.id);
    let runs = form
        .runs
        .clone()
        .unwrap_or_else(|| DEFAULT_RUNS.to_string());
    let seed = form.seed.clone().unwrap_or_else(|| "1".into());
    let steps = form
        .steps
        .clone()
        .unwrap_or_else(|| detente_negotiate::scenario::DEFAULT_STEPS.to_string());
    let body = html! {
        h1 #scenario-title { (s.meta.title) }
        p.meta {
            span #scenario-id { code { (stored.id) } } " · "
            @if !s.meta.date.is_empty() { (s.meta.date) " · " }
            (stored.file_name) " (" (stored.format) @if stored.builtin { ", built in" } ")"
        }
        @if !s.meta.description.is_empty() { p.description { (s.meta.description) } }
        @if !loaded.warnings.items.is_empty() {
            details #warnings { summary { (loaded.warnings.items.len()) " warning(s) from loading" }
                ul { @for w in &loaded.warnings.items { li { (w.file) @if w.line > 0 { ":" (w.line) } " " code { (w.field) } " — " (w.message) } } }
            }
        }
        @if let Some((sets, changed)) = &preview {
            section #preview {
                h2 { "Preview of the changed scenario" }
                p.ok #preview-ok { @if sets.is_empty() { "No changes: this is the scenario as stored." } @else { (sets.len()) " change(s) apply cleanly." } }
                (scenario_tables(changed))
            }
        }
        section #whatif {
            h2 { "What-if and runs" }
            @if let Some(r) = &refusal { div #set-errors.refusal { (r.message) } }
            form #run-form method="post" action=(crate::page::action(&format!("{base}/jobs"), csrf)) {
                div.wb-cols {
                    div {
                        label for="sets" { "Changes (variant A), one " code { "PATH=VALUE" } " per line, as " code { "--set" } }
                        textarea #sets name="sets" rows="6" placeholder="actors.israel.capability=0.2" { (form.sets.clone().unwrap_or_default()) }
                    }
                    div {
                        label for="compare" { "Variant B for a comparison (empty: A against the scenario as stored)" }
                        textarea #compare name="compare" rows="6" placeholder="events.military_strike.probability=0" { (form.compare.clone().unwrap_or_default()) }
                    }
                }
                div.wb-options {
                    label { "Runs " input #runs name="runs" type="number" min="1" max=(MAX_RUNS) value=(runs); }
                    label { "Seed " input #seed name="seed" type="number" min="0" value=(seed); }
                    label { "Steps (analyze) " input #steps name="steps" type="number" min="2" max=(detente_core::limits::MAX_STEPS) value=(steps); }
                }
                div.wb-buttons {
                    button #preview-changes type="submit" formaction=(crate::page::action(&format!("{base}/whatif"), csrf)) { "Check the changes" }
                    button #run-forecast type="submit" name="kind" value="forecast" { "Forecast" }
                    button #run-analyze type="submit" name="kind" value="analyze" { "Analyze" }
                    button #run-simulate type="submit" name="kind" value="simulate" { "Simulate" }
                    button #run-sensitivity type="submit" name="kind" value="sensitivity" { "Sensitivity" }
                    button #run-compare type="submit" name="kind" value="compare" { "Compare A and B" }
                }
            }
            details #paths {
                summary { "Editable paths and their current values" }
                table.wb-table { tbody {
                    @for (p, v) in editable_paths(s) { tr { td { code.path { (p) } } td.value { (v) } } }
                } }
            }
        }
        section #scenario-data { (scenario_tables(s)) }
        section {
            h2 { "Jobs of this scenario" }
            (super::jobs_pages::job_table(&jobs))
        }
    };
    let page = frame(&s.meta.title, csrf, body);
    Ok((status, page).into_response())
}
