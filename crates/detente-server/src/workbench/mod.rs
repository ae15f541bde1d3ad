//! The analysts' workbench: the scenario library ([`library`]), a scenario's page with what-if
//! edits and job buttons ([`scenario`]), the jobs' pages, live progress, downloads and JSON
//! status ([`jobs_pages`]), and the rendering of results with the report's charts
//! ([`results`]). Every computation is a call to `detente-app` (see [`crate::jobs`]).
//!
//! Routes: `GET /scenarios`, `POST /scenarios` (upload), `GET /scenarios/{id}`,
//! `POST /scenarios/{id}/whatif`, `POST /scenarios/{id}/jobs`, `GET /jobs`, `GET /jobs/{id}`,
//! `GET /jobs/{id}/events` (server-sent events), `POST /jobs/{id}/cancel`,
//! `GET /jobs/{id}/result.json`, `GET /jobs/{id}/report.html`, `GET /api/jobs/{id}`,
//! `GET /assets/workbench.js`, `GET /assets/workbench.css`.

pub mod jobs_pages;
pub mod library;
pub mod results;
pub mod scenario;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};

use crate::AppState;

/// The workbench's stylesheet, served at `/assets/workbench.css`.
pub const STYLE: &str = include_str!("../../assets/workbench.css");
/// The workbench's script (live progress over server-sent events), served at
/// `/assets/workbench.js`. Every page works without it.
pub const SCRIPT: &str = include_str!("../../assets/workbench.js");

/// The workbench's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/workbench.css", get(style))
        .route("/assets/workbench.js", get(script))
        .route("/scenarios", get(library::index).post(library::upload))
        .route("/scenarios/{id}", get(scenario::page))
        .route("/scenarios/{id}/whatif", post(scenario::whatif))
        .route("/scenarios/{id}/jobs", post(scenario::submit))
        .route("/api/scenarios/{id}/jobs", post(scenario::submit_api))
        .route("/jobs", get(jobs_pages::index))
        .route("/jobs/{id}", get(jobs_pages::page))
        .route("/jobs/{id}/events", get(jobs_pages::events))
        .route("/jobs/{id}/cancel", post(jobs_pages::cancel))
        .route("/jobs/{id}/result.json", get(jobs_pages::result_json))
        .route("/jobs/{id}/report.html", get(jobs_pages::report_html))
        .route("/api/jobs/{id}", get(jobs_pages::api_status))
}

async fn style() -> Response {
    crate::page::asset(STYLE, "text/css; charset=utf-8")
}

async fn script() -> Response {
    crate::page::asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// A workbench page: the shared frame, with the workbench's stylesheet and script linked at
/// the top of the body.
pub fn frame(title: &str, csrf: &str, body: Markup) -> Markup {
    crate::page::frame(
        title,
        csrf,
        html! {
            link rel="stylesheet" href="/assets/workbench.css";
            script src="/assets/workbench.js" defer {}
            div.workbench { (body) }
        },
    )
}

/// A number for people: up to `digits` decimals, trailing zeros dropped.
pub fn num(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A probability as a percentage with one decimal.
pub fn pct(p: f64) -> String {
    if p.is_finite() {
        format!("{:.1} %", p * 100.0)
    } else {
        "—".into()
    }
}
