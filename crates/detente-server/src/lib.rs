//! The web front of detente, started by `detente serve`: a workbench for analysts (a library
//! of scenarios, what-if edits, forecast/analyze/simulate/sensitivity as background jobs with
//! live progress, reports) and live negotiation rooms (a facilitator opens a session from a
//! scenario; each delegation plays in its own room with its confidential brief, the mediator
//! carries messages; detente agents fill empty seats; a debrief compares the outcome with the
//! bargaining space and the simulated futures).
//!
//! Like the CLI and the Python package, this crate is a front: every computation is a call to
//! `detente-app` or an engine. Storage is [`db`] (SQLite or PostgreSQL); pages are maud
//! templates ([`page`]); [`security`] has tokens, CSRF and rate limits; [`workbench`] and
//! [`jobs`] serve analysts; [`rooms`] serves live sessions.
#![deny(missing_docs)]

pub mod db;
mod error;
pub mod jobs;
pub mod page;
pub mod rooms;
pub mod security;
pub mod workbench;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use maud::html;
use tower_http::catch_panic::CatchPanicLayer;

pub use error::{ErrorMessage, Result, ServerError};

use db::Db;
use security::Csrf;

/// Largest request body accepted (a scenario upload is at most this big).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// Database: a SQLite file path (default `detente.db`), `sqlite://FILE` or `postgres://…`.
    pub db: String,
    /// Threads for background jobs' engines (`None`: all cores).
    pub job_threads: Option<usize>,
    /// Requests per second one credential may make, sustained, and in a burst.
    pub rate: (u32, u32),
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: "detente.db".into(),
            job_threads: None,
            rate: (security::RATE_PER_SECOND, security::RATE_BURST),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The background job runner.
    pub jobs: jobs::Jobs,
    /// The live rooms' in-memory side (notifications to connected clients).
    pub rooms: rooms::Hub,
}

/// All routes, with the middleware every request passes through (panic catcher, body limit,
/// rate limit, CSRF, JSON errors for the API).
pub fn router(state: AppState) -> Router {
    router_with_limiter(state, security::limiter())
}

/// [`router`] with a given rate limiter (tests use a small quota).
pub fn router_with_limiter(state: AppState, limiter: security::Limiter) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .merge(workbench::routes())
        .merge(rooms::routes())
        .fallback(not_found)
        .with_state(state)
        // Innermost first: panics become 500s, CSRF and rate limits are checked before any
        // handler, every error under /api becomes JSON, and a body over the limit is refused
        // by its Content-Length before it is read (413) or cut while it is read.
        .layer(CatchPanicLayer::custom(|_| {
            ServerError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn(security::csrf))
        .layer(middleware::from_fn_with_state(
            limiter,
            security::rate_limit,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(body_too_large))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Opens the database, resumes unfinished jobs, binds `config.addr`; returns the bound address
/// and the server's future (which runs until `shutdown` resolves).
pub async fn bind(
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(
    SocketAddr,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    let db = Db::open(&config.db).await?;
    let jobs = jobs::Jobs::start(db.clone(), config.job_threads).await?;
    let state = AppState {
        rooms: rooms::Hub::new(db.clone()),
        db,
        jobs,
    };
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServerError::BadConfig(format!("cannot listen on {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::BadConfig(format!("cannot listen on {}: {e}", config.addr)))?;
    let runner = state.jobs.clone();
    let limiter = security::limiter_with(config.rate.0, config.rate.1);
    let app =
        router_with_limiter(state, limiter).into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = async move {
        shutdown.await;
        runner.shutdown().await
    };
    let fut = async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    };
    Ok((addr, fut))
}

async fn home(Extension(Csrf(csrf)): Extension<Csrf>) -> maud::Markup {
    page::frame(
        "Start",
        &csrf,
        html! {
            h1 { "detente" }
            p { "Model, forecast and run mediated multi-party negotiations." }
            div.grid2 {
                div.card {
                    h2 { a href="/scenarios" { "Workbench" } }
                    p { "Open a scenario, change an input, run forecasts and simulations in the background and see the odds move." }
                }
                div.card {
                    h2 { a href="/sessions/new" { "Negotiation rooms" } }
                    p { "Play a negotiation: each delegation in its own room with its confidential brief, a mediator carrying messages, detente agents in empty seats." }
                }
            }
        },
    )
}

async fn style() -> Response {
    crate::page::asset(page::STYLE, "text/css; charset=utf-8")
}

async fn script() -> Response {
    crate::page::asset(page::SCRIPT, "text/javascript; charset=utf-8")
}

/// Middleware: a request whose declared length is over [`MAX_BODY_BYTES`] gets 413 at once.
async fn body_too_large(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        let msg = format!(
            "request body too large: at most {} MiB",
            MAX_BODY_BYTES / (1024 * 1024)
        );
        let api = req.uri().path().starts_with("/api/");
        let mut r = if api {
            Json(serde_json::json!({ "error": msg })).into_response()
        } else {
            page::error_page(StatusCode::PAYLOAD_TOO_LARGE, &msg).into_response()
        };
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        r.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
        return r;
    }
    next.run(req).await
}

async fn not_found() -> ServerError {
    ServerError::NotFound("no such page".into())
}

/// Middleware: `/api/…` requests and requests that accept JSON get errors as
/// `{"error": message}` instead of an HTML page (the status is kept).
async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.starts_with("application/json"));
    let resp = next.run(req).await;
    let status = resp.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let message = match resp.extensions().get::<ErrorMessage>() {
        Some(m) => m.0.clone(),
        // Rejections from axum's extractors (bad JSON, a body too large): their text.
        None => {
            let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            String::from_utf8_lossy(&bytes).trim().to_string()
        }
    };
    let status = if status == StatusCode::OK {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        status
    };
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Keeps `Arc` in the public API surface small: a shared handle to the state.
pub type Shared = Arc<AppState>;
