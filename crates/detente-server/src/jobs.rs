//! Background jobs: forecast, analyze, simulate (with a what-if comparison) and sensitivity
//! runs of a library scenario, computed by `detente-app` off the request path.
//!
//! A job is a row of table `jobs`: `queued` → `running` → `done` (its `result` is the CLI's
//! `--json` document), `failed` (its `error` says why) or `cancelled`. One runner task per
//! server takes the oldest queued job (an atomic `UPDATE … WHERE state = 'queued'`, so several
//! servers on one PostgreSQL database never run a job twice) and computes it in
//! `spawn_blocking`, one job at a time. Its progress goes through [`detente_app::Progress`]
//! into an in-memory map (live progress for the job page's server-sent events) and into the
//! row's `done`/`total` every half second. A cancellation (flag in the row, checked every half
//! second, and in memory) makes `Progress::cancelled` answer true and the engine stop.
//!
//! Jobs survive restarts: when the server stops, the job in hand is stopped and left
//! `running`; at start, jobs left `running` (by a stop or a crash) are queued again and run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use detente_app::forecast::ForecastOptions;
use detente_app::simulate::{SimOptions, Simulation, Variant};
use detente_app::{AppError, Loaded, Phase, Progress};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use tokio::sync::Notify;

use crate::db::{now_ms, Db};
use crate::error::ServerError;

/// What a job computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `detente forecast`: every model's forecast of every issue.
    Forecast,
    /// `detente analyze`: the exact bargaining analysis.
    Analyze,
    /// `detente simulate` (with `--compare` when [`JobParams::compare`] is set).
    Simulate,
    /// `detente sensitivity`: the tornado.
    Sensitivity,
}

impl Kind {
    /// Every kind, in the order the pages offer them.
    pub const ALL: [Kind; 4] = [
        Kind::Forecast,
        Kind::Analyze,
        Kind::Simulate,
        Kind::Sensitivity,
    ];

    /// The kind's name (the CLI command's).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Forecast => "forecast",
            Kind::Analyze => "analyze",
            Kind::Simulate => "simulate",
            Kind::Sensitivity => "sensitivity",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A job's settings (stored as JSON in `jobs.params`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobParams {
    /// Simulated futures (simulate; per variant for sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<usize>,
    /// Master seed (simulate, sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Steps per continuous issue (analyze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<usize>,
    /// `--set PATH=VALUE` changes applied to the scenario before the run.
    #[serde(default)]
    pub sets: Vec<String>,
    /// Simulate only: the changes of a second variant, simulated under the same settings and
    /// shown beside the first (`compare` in the document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Vec<String>>,
}

impl JobParams {
    /// The simulation options of this job with `threads` worker threads.
    pub fn sim_options(&self, threads: Option<usize>) -> SimOptions {
        SimOptions {
            threads,
            ..SimOptions::new(self.runs.unwrap_or(0), self.seed.unwrap_or(1))
        }
    }
}

/// How a what-if variant given as `--set` lines is named in a comparison document (its
/// `compare.overlay`).
pub fn variant_name(sets: &[String]) -> String {
    if sets.is_empty() {
        "baseline (no changes)".to_string()
    } else {
        format!("--set {}", sets.join(" --set "))
    }
}

/// Computes a job: the `--json` document `detente <kind>` prints for `loaded` with the job's
/// changes and settings. This is the whole of the engine work of a job.
pub fn compute(
    kind: Kind,
    loaded: &Loaded,
    p: &JobParams,
    threads: Option<usize>,
    progress: &dyn Progress,
) -> Result<Value, AppError> {
    let changed = if p.sets.is_empty() {
        loaded.clone()
    } else {
        loaded.changed(detente_app::load::apply_sets(&loaded.scenario, &p.sets)?)
    };
    match kind {
        Kind::Forecast => {
            detente_app::forecast::document(&changed, &ForecastOptions::default(), progress)
        }
        Kind::Analyze => {
            let steps = detente_app::limits::steps(
                p.steps
                    .unwrap_or(detente_negotiate::scenario::DEFAULT_STEPS),
            )?;
            if progress.cancelled() {
                return Err(AppError::Cancelled);
            }
            let problem = detente_app::Problem::from_loaded(&changed, steps)?;
            Ok(detente_app::analyze::document(&problem))
        }
        Kind::Simulate => {
            let opts = p.sim_options(threads);
            match &p.compare {
                None => detente_app::simulate::document(&changed.scenario, &opts, None, progress),
                Some(other) => {
                    let cfg = opts.config()?;
                    let variant = detente_app::load::apply_sets(&loaded.scenario, other)?;
                    let result = detente_app::simulate::simulate(
                        &changed.scenario,
                        &cfg,
                        Phase::Simulate,
                        progress,
                    )?;
                    let vresult = detente_app::simulate::simulate(
                        &variant,
                        &cfg,
                        Phase::SimulateVariant,
                        progress,
                    )?;
                    let sim = Simulation {
                        result,
                        variant: Some(Variant {
                            overlay: variant_name(other),
                            scenario: variant,
                            result: vresult,
                        }),
                    };
                    Ok(detente_app::simulate::to_json(&changed.scenario, &sim))
                }
            }
        }
        Kind::Sensitivity => {
            detente_app::sensitivity::document(&changed.scenario, &p.sim_options(threads), progress)
        }
    }
}

/// A job's state.
pub mod state {
    /// Waiting for the runner.
    pub const QUEUED: &str = "queued";
    /// Being computed.
    pub const RUNNING: &str = "running";
    /// Finished; the result is stored.
    pub const DONE: &str = "done";
    /// Finished with an error.
    pub const FAILED: &str = "failed";
    /// Stopped on request.
    pub const CANCELLED: &str = "cancelled";

    /// Whether `s` is a final state.
    pub fn is_final(s: &str) -> bool {
        matches!(s, DONE | FAILED | CANCELLED)
    }
}

/// A job as stored (without its result document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobStatus {
    /// The job's id.
    pub id: String,
    /// The scenario it runs on.
    pub scenario_id: String,
    /// What it computes.
    pub kind: String,
    /// Its settings.
    pub params: Value,
    /// queued, running, done, failed or cancelled.
    pub state: String,
    /// Units of work done (live while it runs).
    pub done: i64,
    /// Units of work expected (0 while unknown).
    pub total: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// Whether a cancellation was asked for.
    pub cancel_requested: bool,
    /// When it was queued (Unix ms).
    pub created_at: i64,
    /// When it last started (Unix ms).
    pub started_at: Option<i64>,
    /// When it ended (Unix ms).
    pub finished_at: Option<i64>,
}

const STATUS_COLUMNS: &str = "id, scenario_id, kind, params, state, done, total, error, cancel_requested, created_at, started_at, finished_at";

fn status_of(r: &sqlx::any::AnyRow) -> Result<JobStatus, ServerError> {
    let params: String = r.try_get("params")?;
    Ok(JobStatus {
        id: r.try_get("id")?,
        scenario_id: r.try_get("scenario_id")?,
        kind: r.try_get("kind")?,
        params: serde_json::from_str(&params).unwrap_or(Value::Null),
        state: r.try_get("state")?,
        done: r.try_get("done")?,
        total: r.try_get("total")?,
        error: r.try_get("error")?,
        cancel_requested: r.try_get::<i64, _>("cancel_requested")? != 0,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// Why a job did not give a result.
enum Failure {
    /// Stopped: on request, or because the server stops.
    Cancelled,
    /// Failed; the sentence the job page shows.
    Failed(String),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Cancelled => Failure::Cancelled,
            other => Failure::Failed(other.to_string()),
        }
    }
}

/// Live progress of the job in hand.
#[derive(Debug, Default)]
struct Live {
    done: AtomicU64,
    total: AtomicU64,
    /// Total announced for the whole job before its phases start (0: take the phases').
    planned: u64,
    cancel: AtomicBool,
}

/// The [`Progress`] a job's engine reports to.
struct JobProgress {
    live: Arc<Live>,
    shutdown: Arc<AtomicBool>,
}

impl Progress for JobProgress {
    fn start(&self, _phase: Phase, len: u64) {
        let base = self.live.done.load(Ordering::Relaxed);
        let total = self.live.planned.max(base + len);
        self.live.total.store(total, Ordering::Relaxed);
    }
    fn tick(&self) {
        self.live.done.fetch_add(1, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.live.cancel.load(Ordering::Relaxed) || self.shutdown.load(Ordering::Relaxed)
    }
}

struct Inner {
    threads: Option<usize>,
    live: Mutex<HashMap<String, Arc<Live>>>,
    wake: Notify,
    shutdown: Arc<AtomicBool>,
    runner: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// The job runner: a handle (cheap to clone) on the runner task and the live progress.
#[derive(Clone)]
pub struct Jobs {
    /// The database jobs are stored in.
    pub db: Db,
    inner: Arc<Inner>,
}

/// Last creation time handed out, so that jobs queued in the same millisecond keep their order.
static LAST_CREATED: AtomicI64 = AtomicI64::new(0);

fn created_now() -> i64 {
    let now = now_ms();
    let mut last = LAST_CREATED.load(Ordering::Relaxed);
    loop {
        let t = now.max(last + 1);
        match LAST_CREATED.compare_exchange(last, t, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return t,
            Err(x) => last = x,
        }
    }
}

/// A new id for a job or an uploaded scenario: 20 random hex digits.
pub fn new_id() -> String {
    crate::security::token()[..20].to_string()
}

/// Whether `s` has the shape of an id from [`new_id`].
pub fn is_id(s: &str) -> bool {
    s.len() == 20
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Jobs {
    /// Queues again the jobs a stopped server left `running` (cancelled instead when their
    /// cancellation was asked for) and starts the runner with `threads` engine threads.
    pub async fn start(db: Db, threads: Option<usize>) -> Result<Jobs, ServerError> {
        sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE state = 'running' AND cancel_requested <> 0",
        )
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
        sqlx::query("UPDATE jobs SET state = 'queued', done = 0 WHERE state = 'running'")
            .execute(&db.pool)
            .await?;
        let threads = detente_app::limits::threads(threads)
            .map_err(|e| ServerError::BadConfig(e.to_string()))?;
        let jobs = Jobs {
            db,
            inner: Arc::new(Inner {
                threads,
                live: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                shutdown: Arc::new(AtomicBool::new(false)),
                runner: Mutex::new(None),
            }),
        };
        let runner = tokio::spawn(jobs.clone().run());
        *jobs.runner() = Some(runner);
        Ok(jobs)
    }

    fn runner(&self) -> std::sync::MutexGuard<'_, Option<tokio::task::JoinHandle<()>>> {
        self.inner.runner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Live>>> {
        self.inner.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the server is stopping (the runner takes no more jobs; event streams end).
    pub fn stopping(&self) -> bool {
        self.inner.shutdown.load(Ordering::Relaxed)
    }

    /// Stops the runner: the job in hand is stopped and left `running` (queued again at the
    /// next start). Waits for the runner to end.
    pub async fn shutdown(&self) {
        self.inner.shutdown.store(true, Ordering::Relaxed);
        self.inner.wake.notify_one();
        let handle = self.runner().take();
        if let Some(h) = handle {
            let _ = tokio::time::timeout(Duration::from_secs(30), h).await;
        }
    }

    /// Queues a job; its id.
    pub async fn submit(
        &self,
        scenario_id: &str,
        kind: Kind,
        params: &JobParams,
    ) -> Result<String, ServerError> {
        let id = new_id();
        let params = serde_json::to_string(params)
            .map_err(|e| ServerError::Internal(format!("job parameters: {e}")))?;
        sqlx::query(
            "INSERT INTO jobs (id, scenario_id, kind, params, state, done, total, cancel_requested, created_at) VALUES ($1, $2, $3, $4, 'queued', 0, 0, 0, $5)",
        )
        .bind(&id)
        .bind(scenario_id)
        .bind(kind.as_str())
        .bind(params)
        .bind(created_now())
        .execute(&self.db.pool)
        .await?;
        self.inner.wake.notify_one();
        Ok(id)
    }

    /// The job `id` as stored, with live progress when it is being computed here.
    pub async fn status(&self, id: &str) -> Result<Option<JobStatus>, ServerError> {
        let row = sqlx::query(&format!("SELECT {STATUS_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut st = status_of(&row)?;
        if st.state == state::RUNNING {
            if let Some(l) = self.live().get(id) {
                st.done = l.done.load(Ordering::Relaxed) as i64;
                st.total = l.total.load(Ordering::Relaxed) as i64;
            }
        }
        Ok(Some(st))
    }

    /// The job `id` (404 when there is none).
    pub async fn get(&self, id: &str) -> Result<JobStatus, ServerError> {
        self.status(id)
            .await?
            .ok_or_else(|| ServerError::NotFound(format!("there is no job `{id}`")))
    }

    /// The stored result document of job `id` (`None` until it is done).
    pub async fn result(&self, id: &str) -> Result<Option<String>, ServerError> {
        let row = sqlx::query("SELECT result FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        match row {
            Some(r) => Ok(r.try_get("result")?),
            None => Ok(None),
        }
    }

    /// The latest jobs, newest first (of one scenario when `scenario` is given).
    pub async fn list(
        &self,
        scenario: Option<&str>,
        limit: i64,
    ) -> Result<Vec<JobStatus>, ServerError> {
        let rows = match scenario {
            Some(s) => {
                sqlx::query(&format!(
                    "SELECT {STATUS_COLUMNS} FROM jobs WHERE scenario_id = $1 ORDER BY created_at DESC LIMIT $2"
                ))
                .bind(s)
                .bind(limit)
                .fetch_all(&self.db.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {STATUS_COLUMNS} FROM jobs ORDER BY created_at DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.db.pool)
                .await?
            }
        };
        rows.iter().map(status_of).collect()
    }

    /// Cancels job `id`: a queued job at once, a running one at its next progress tick.
    /// A finished job cannot be cancelled (409).
    pub async fn cancel(&self, id: &str) -> Result<(), ServerError> {
        let now = now_ms();
        let q = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = $1 WHERE id = $2 AND state = 'queued'",
        )
        .bind(now)
        .bind(id)
        .execute(&self.db.pool)
        .await?;
        if q.rows_affected() > 0 {
            return Ok(());
        }
        let r =
            sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = $1 AND state = 'running'")
                .bind(id)
                .execute(&self.db.pool)
                .await?;
        if r.rows_affected() > 0 {
            if let Some(l) = self.live().get(id) {
                l.cancel.store(true, Ordering::Relaxed);
            }
            return Ok(());
        }
        let st = self.get(id).await?;
        Err(ServerError::Conflict(format!(
            "job {id} is {} already; only a queued or running job can be cancelled",
            st.state
        )))
    }

    /// The runner: takes queued jobs one at a time until the server stops.
    async fn run(self) {
        while !self.stopping() {
            match self.claim().await {
                Ok(Some(job)) => {
                    if let Err(e) = self.run_one(job).await {
                        eprintln!("detente-server: job runner: {e}");
                    }
                }
                Ok(None) => {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(1), self.inner.wake.notified())
                            .await;
                }
                Err(e) => {
                    eprintln!("detente-server: job runner: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Marks the oldest queued job running (atomically, so that no two runners take it).
    async fn claim(&self) -> Result<Option<JobStatus>, ServerError> {
        loop {
            let row = sqlx::query(
                "SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1",
            )
            .fetch_optional(&self.db.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let id: String = row.try_get("id")?;
            let r = sqlx::query(
                "UPDATE jobs SET state = 'running', started_at = $1, done = 0, total = 0 WHERE id = $2 AND state = 'queued'",
            )
            .bind(now_ms())
            .bind(&id)
            .execute(&self.db.pool)
            .await?;
            if r.rows_affected() == 1 {
                return self.status(&id).await;
            }
        }
    }

    async fn finish(
        &self,
        id: &str,
        state: &str,
        result: Option<String>,
        error: Option<String>,
        live: &Live,
    ) -> Result<(), ServerError> {
        let total = live.total.load(Ordering::Relaxed).max(1) as i64;
        let done = if state == state::DONE {
            total
        } else {
            live.done.load(Ordering::Relaxed) as i64
        };
        sqlx::query(
            "UPDATE jobs SET state = $1, result = $2, error = $3, done = $4, total = $5, finished_at = $6 WHERE id = $7",
        )
        .bind(state)
        .bind(result)
        .bind(error)
        .bind(done)
        .bind(total)
        .bind(now_ms())
        .bind(id)
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    async fn run_one(&self, job: JobStatus) -> Result<(), ServerError> {
        let id = job.id.clone();
        let params: Result<JobParams, _> = serde_json::from_value(job.params.clone());
        let kind = Kind::parse(&job.kind);
        let planned = match (&params, kind) {
            (Ok(p), Some(Kind::Simulate)) => {
                p.runs.unwrap_or(0) as u64 * if p.compare.is_some() { 2 } else { 1 }
            }
            _ => 0,
        };
        let live = Arc::new(Live {
            planned,
            total: AtomicU64::new(planned),
            cancel: AtomicBool::new(job.cancel_requested),
            ..Live::default()
        });
        self.live().insert(id.clone(), live.clone());
        let outcome = self.compute_job(&job, params, kind, &live).await;
        let r = match outcome {
            Ok(doc) => self.finish(&id, state::DONE, Some(doc), None, &live).await,
            Err(Failure::Cancelled) if self.stopping() => Ok(()),
            Err(Failure::Cancelled) => self.finish(&id, state::CANCELLED, None, None, &live).await,
            Err(Failure::Failed(e)) => self.finish(&id, state::FAILED, None, Some(e), &live).await,
        };
        self.live().remove(&id);
        r
    }

    /// Loads the job's scenario and computes its document in a blocking thread, writing its
    /// progress to the database every half second and picking up cancellations from there.
    async fn compute_job(
        &self,
        job: &JobStatus,
        params: Result<JobParams, serde_json::Error>,
        kind: Option<Kind>,
        live: &Arc<Live>,
    ) -> Result<String, Failure> {
        let params =
            params.map_err(|e| Failure::Failed(format!("the job's settings do not read: {e}")))?;
        let kind =
            kind.ok_or_else(|| Failure::Failed(format!("unknown job kind `{}`", job.kind)))?;
        let stored = crate::workbench::library::find(&self.db, &job.scenario_id)
            .await
            .map_err(|e| Failure::Failed(e.public_message()))?;
        let progress = JobProgress {
            live: live.clone(),
            shutdown: self.inner.shutdown.clone(),
        };
        let threads = self.inner.threads;
        let mut handle = tokio::task::spawn_blocking(move || -> Result<String, Failure> {
            let loaded = stored.load()?;
            let doc = compute(kind, &loaded, &params, threads, &progress)?;
            serde_json::to_string(&doc)
                .map_err(|e| Failure::Failed(format!("cannot write the result: {e}")))
        });
        let mut every = tokio::time::interval(Duration::from_millis(500));
        every.tick().await;
        loop {
            tokio::select! {
                r = &mut handle => {
                    return r.unwrap_or_else(|e| {
                        eprintln!("detente-server: job {}: {e}", job.id);
                        Err(Failure::Failed("the computation failed unexpectedly (the server's log has the details)".into()))
                    });
                }
                _ = every.tick() => {
                    if let Err(e) = self.write_progress(&job.id, live).await {
                        eprintln!("detente-server: job {}: {e}", job.id);
                    }
                }
            }
        }
    }

    async fn write_progress(&self, id: &str, live: &Live) -> Result<(), ServerError> {
        sqlx::query("UPDATE jobs SET done = $1, total = $2 WHERE id = $3 AND state = 'running'")
            .bind(live.done.load(Ordering::Relaxed) as i64)
            .bind(live.total.load(Ordering::Relaxed) as i64)
            .bind(id)
            .execute(&self.db.pool)
            .await?;
        let row = sqlx::query("SELECT cancel_requested FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        if let Some(r) = row {
            if r.try_get::<i64, _>("cancel_requested")? != 0 {
                live.cancel.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}
