//! The jobs' pages: the list, a job's page (state, live progress over server-sent events,
//! results with the report's charts, downloads), cancellation, the result document, the HTML
//! report of the variant a job ran, and the JSON status.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use detente_app::report::{ReportFormat, ReportOptions};
use maud::{html, Markup};
use serde_json::{json, Value};
use tokio_stream::wrappers::ReceiverStream;

use super::{frame, library};
use crate::error::ServerError;
use crate::jobs::{state, JobParams, JobStatus, Kind};
use crate::security::Csrf;
use crate::AppState;

fn time_text(ms: Option<i64>) -> String {
    match ms {
        None => "—".into(),
        Some(ms) => {
            let secs = ms.div_euclid(1000);
            let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
            // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
            let z = days + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z.rem_euclid(146_097);
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let d = doy - (153 * mp + 2) / 5 + 1;
            let m = if mp < 10 { mp + 3 } else { mp - 9 };
            let y = yoe + era * 400 + i64::from(m <= 2);
            format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            )
        }
    }
}

/// The percentage of a job's work done (0 while unknown).
fn percent(j: &JobStatus) -> i64 {
    if j.state == state::DONE {
        100
    } else if j.total > 0 {
        (j.done * 100 / j.total).clamp(0, 100)
    } else {
        0
    }
}

fn settings_text(j: &JobStatus) -> String {
    let p: JobParams = serde_json::from_value(j.params.clone()).unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(r) = p.runs {
        parts.push(format!("runs {r}"));
    }
    if let Some(s) = p.seed {
        parts.push(format!("seed {s}"));
    }
    if let Some(s) = p.steps {
        parts.push(format!("steps {s}"));
    }
    if !p.sets.is_empty() {
        parts.push(format!("--set {}", p.sets.join(" --set ")));
    }
    if let Some(c) = &p.compare {
        parts.push(format!("compared with {}", crate::jobs::variant_name(c)));
    }
    parts.join(", ")
}

/// A table of jobs (`#jobs`; one `tr.job` per job with `data-state`).
pub fn job_table(jobs: &[JobStatus]) -> Markup {
    html! {
        @if jobs.is_empty() {
            p #no-jobs { "No jobs yet." }
        } @else {
            table #jobs.wb-table {
                thead { tr { th { "Job" } th { "Kind" } th { "Settings" } th { "State" } th.num { "Progress" } th { "Queued" } } }
                tbody {
                    @for j in jobs {
                        tr.job data-id=(j.id) data-state=(j.state) {
                            td { a href={ "/jobs/" (j.id) } { code { (j.id) } } }
                            td { (j.kind) }
                            td { (settings_text(j)) }
                            td { span.(format!("state state-{}", j.state)) { (j.state) } }
                            td.num { (percent(j)) " %" }
                            td { (time_text(Some(j.created_at))) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /jobs`: the latest jobs.
pub async fn index(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
) -> Result<Markup, ServerError> {
    let jobs = state.jobs.list(None, 200).await?;
    Ok(frame(
        "Jobs",
        &csrf,
        html! {
            h1 { "Jobs" }
            (job_table(&jobs))
            p { a href="/scenarios" { "Scenario library" } }
        },
    ))
}

/// `GET /jobs/{id}`: state, progress (live with the script, a reload link without), results.
pub async fn page(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(id): Path<String>,
) -> Result<Markup, ServerError> {
    let j = state.jobs.get(&id).await?;
    let result = if j.state == state::DONE {
        state.jobs.result(&id).await?
    } else {
        None
    };
    let doc: Option<Value> = result.as_deref().and_then(|r| serde_json::from_str(r).ok());
    let scenario = library::find(&state.db, &j.scenario_id).await.ok();
    let loaded = scenario.as_ref().and_then(|s| s.load().ok());
    let final_ = state::is_final(&j.state);
    let kind = Kind::parse(&j.kind);
    let body = html! {
        section #job data-job=(j.id) data-state=(j.state) data-events={ "/jobs/" (j.id) "/events" } {
            h1 { (j.kind) " job " code { (j.id) } }
            p.meta {
                "Scenario: "
                @if let Some(s) = &scenario { a #job-scenario href={ "/scenarios/" (s.id) } { (s.name) } }
                @else { code { (j.scenario_id) } " (no longer in the library)" }
            }
            p #job-settings { "Settings: " (settings_text(&j)) }
            p { "State: " strong #job-state.(format!("state state-{}", j.state)) { (j.state) } }
            p.progress-line {
                @if j.total > 0 || final_ {
                    progress #job-progress max=(j.total.max(1)) value=(if j.state == state::DONE { j.total.max(1) } else { j.done }) { (percent(&j)) " %" }
                } @else {
                    progress #job-progress { "waiting" }
                }
                " "
                span #job-progress-text { (j.done) " / " (j.total) }
            }
            p.times { "Queued " (time_text(Some(j.created_at))) " · started " (time_text(j.started_at)) " · ended " (time_text(j.finished_at)) }
            @if !final_ {
                p #reload.noscript-hint { "This page does not update by itself without JavaScript: " a href={ "/jobs/" (j.id) } { "reload it" } " to see the progress." }
                form #cancel method="post" action=(crate::page::action(&format!("/jobs/{}/cancel", j.id), &csrf)) {
                    button #cancel-job type="submit" { @if j.cancel_requested { "Cancelling…" } @else { "Cancel this job" } }
                }
            }
            @if let Some(e) = &j.error { p #job-error.error { (e) } }
            @if let (Some(doc), Some(kind)) = (&doc, kind) {
                p #downloads {
                    a #download-json href={ "/jobs/" (j.id) "/result.json" } download { "Result (JSON, as --json)" }
                    " · "
                    a #download-report href={ "/jobs/" (j.id) "/report.html" } { "HTML report of this variant" }
                }
                section #results { (super::results::render(kind, doc, loaded.as_ref().map(|l| &l.scenario))) }
            }
        }
    };
    Ok(frame(&format!("{} job", j.kind), &csrf, body))
}

/// `POST /jobs/{id}/cancel`: cancels a queued or running job; back to its page.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    state.jobs.cancel(&id).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}

/// `GET /api/jobs/{id}`: the job's status as JSON (no result document).
pub async fn api_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ServerError> {
    let j = state.jobs.get(&id).await?;
    let mut v = json!(j);
    v["links"] = json!({
        "page": format!("/jobs/{id}"),
        "events": format!("/jobs/{id}/events"),
        "result": (j.state == state::DONE).then(|| format!("/jobs/{id}/result.json")),
        "report": (j.state == state::DONE).then(|| format!("/jobs/{id}/report.html")),
    });
    Ok(Json(v))
}

/// The event a job's status becomes: `progress` while it is not final, `state` at the end.
fn event_of(j: &JobStatus) -> Event {
    let data = json!({
        "state": j.state, "done": j.done, "total": j.total, "percent": percent(j),
        "error": j.error,
    });
    Event::default()
        .event(if state::is_final(&j.state) {
            "state"
        } else {
            "progress"
        })
        .data(data.to_string())
}

/// `GET /jobs/{id}/events`: server-sent events: `progress` whenever the progress or state
/// changes (checked every 250 ms), then one `state` event with the final state, and the
/// stream ends.
pub async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let first = state.jobs.get(&id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(16);
    let jobs = state.jobs.clone();
    tokio::spawn(async move {
        let mut last: Option<(String, i64, i64)> = None;
        let mut current = Some(first);
        loop {
            let Some(j) = current.take() else { return };
            let key = (j.state.clone(), j.done, j.total);
            if last.as_ref() != Some(&key) {
                if tx.send(Ok(event_of(&j))).await.is_err() {
                    return;
                }
                last = Some(key);
            }
            if state::is_final(&j.state) || jobs.stopping() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
            match jobs.status(&id).await {
                Ok(Some(j)) => current = Some(j),
                _ => return,
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn done_job(state: &AppState, id: &str) -> Result<(JobStatus, String), ServerError> {
    let j = state.jobs.get(id).await?;
    if j.state != state::DONE {
        return Err(ServerError::Conflict(format!(
            "job {id} is {}; only a finished job has a result",
            j.state
        )));
    }
    let r = state
        .jobs
        .result(id)
        .await?
        .ok_or_else(|| ServerError::Internal(format!("job {id} is done without a result")))?;
    Ok((j, r))
}

fn download(body: String, kind: &'static str, name: &str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(h) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(CONTENT_DISPOSITION, h);
    }
    r
}

/// `GET /jobs/{id}/result.json`: the job's `--json` document, exactly as stored.
pub async fn result_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let (j, r) = done_job(&state, &id).await?;
    Ok(download(
        r,
        "application/json",
        &format!("{}-{}.json", j.kind, j.id),
    ))
}

/// `GET /jobs/{id}/report.html`: what `detente report` writes for the scenario with the job's
/// changes (variant A), with the job's runs and seed (runs default to the report's 10 000 for
/// jobs without runs; the tornado uses at most the report's 200 runs per variant).
pub async fn report_html(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let (j, _) = done_job(&state, &id).await?;
    let stored = library::find(&state.db, &j.scenario_id).await?;
    let p: JobParams = serde_json::from_value(j.params.clone())
        .map_err(|e| ServerError::Internal(format!("job {id} settings: {e}")))?;
    let html = tokio::task::spawn_blocking(move || -> Result<String, detente_app::AppError> {
        let loaded = stored.load()?;
        let loaded = if p.sets.is_empty() {
            loaded
        } else {
            loaded.changed(detente_app::load::apply_sets(&loaded.scenario, &p.sets)?)
        };
        let runs = p.runs.unwrap_or(detente_app::report::DEFAULT_RUNS);
        let opts = ReportOptions {
            runs,
            sensitivity_runs: detente_app::report::DEFAULT_SENSITIVITY_RUNS.min(runs),
            seed: p.seed.unwrap_or(1),
            compare: None,
        };
        detente_app::report::report(&loaded, &opts, ReportFormat::Html, &detente_app::Quiet)
    })
    .await
    .map_err(|e| ServerError::Internal(format!("report of job {id}: {e}")))?
    .map_err(|e| ServerError::Unprocessable(format!("the report cannot be made: {e}")))?;
    let mut r = download(
        html,
        "text/html; charset=utf-8",
        &format!("report-{id}.html"),
    );
    r.headers_mut()
        .insert(CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    *r.status_mut() = StatusCode::OK;
    Ok(r)
}
