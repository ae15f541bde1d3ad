//! Live negotiation rooms: a facilitator opens a session from a scenario; each party (and the
//! mediator, where the protocol has one) plays in its own seat, as a person or a detente agent;
//! everything said is stored before a request returns; a debrief after the end puts the
//! outcome on the bargaining plane and beside the simulated futures. See docs/rooms.md.
//!
//! - [`model`]: the stored session, seats and messages;
//! - [`protocol`]: who may send what to whom, agreement and deadline rules;
//! - [`game`]: the session's negotiation problem (detente-app, detente-negotiate);
//! - [`agents`]: detente agents in empty seats;
//! - [`api`]: the JSON API and the write path every message takes;
//! - [`pages`]: the HTML pages;
//! - [`debrief`]: the debrief.

pub mod agents;
pub mod api;
pub mod debrief;
pub mod game;
pub mod model;
pub mod pages;
pub mod protocol;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::broadcast;

use crate::db::{now_ms, Db};
use crate::error::{Result, ServerError};
use crate::AppState;
use game::Game;
use model::Session;
use protocol::Rules;

/// The rooms' stylesheet, served at `/assets/rooms.css`.
pub const STYLE: &str = include_str!("../../assets/rooms.css");
/// The rooms' script, served at `/assets/rooms.js` (live score, live updates).
pub const SCRIPT: &str = include_str!("../../assets/rooms.js");

/// Most agent moves made after one stored message (a guard; sessions end far sooner).
const MAX_AGENT_STEPS: usize = 400;

/// One live session's in-memory side.
struct Cell {
    /// Serialises writes to the session (message numbering, agents' turns, the end).
    lock: tokio::sync::Mutex<()>,
    /// Tells connected clients that something changed (the message count; nothing else).
    tx: broadcast::Sender<i64>,
    /// The session's problem, built once.
    game: Mutex<Option<Arc<Mutex<Game>>>>,
}

/// The rooms' in-memory side: per session a write lock, a notification channel and the
/// negotiation problem. Everything else is in the database.
#[derive(Clone)]
pub struct Hub {
    /// The database.
    pub db: Db,
    cells: Arc<Mutex<HashMap<String, Arc<Cell>>>>,
}

impl Hub {
    /// A new hub; starts the wall-clock timers of open sessions.
    pub fn new(db: Db) -> Hub {
        let hub = Hub {
            db,
            cells: Arc::new(Mutex::new(HashMap::new())),
        };
        let h = hub.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Ok(open) = model::open_with_deadline(&h.db).await {
                    for (id, at) in open {
                        h.timer(id, at);
                    }
                }
            });
        }
        hub
    }

    fn cell(&self, id: &str) -> Arc<Cell> {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        cells
            .entry(id.to_string())
            .or_insert_with(|| {
                Arc::new(Cell {
                    lock: tokio::sync::Mutex::new(()),
                    tx: broadcast::channel(64).0,
                    game: Mutex::new(None),
                })
            })
            .clone()
    }

    /// Subscribes to a session's change notifications.
    pub fn subscribe(&self, id: &str) -> broadcast::Receiver<i64> {
        self.cell(id).tx.subscribe()
    }

    fn notify(&self, id: &str, n: i64) {
        let _ = self.cell(id).tx.send(n);
    }

    /// The session's problem (built on first use, in a blocking thread).
    pub async fn game(&self, s: &Session) -> Result<Arc<Mutex<Game>>> {
        let cell = self.cell(&s.id);
        if let Some(g) = cell.game.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Ok(g);
        }
        let toml = s.scenario.clone();
        let g = tokio::task::spawn_blocking(move || Game::new(&toml))
            .await
            .map_err(|e| ServerError::Internal(format!("building the problem: {e}")))??;
        let g = Arc::new(Mutex::new(g));
        // Only running sessions keep their problem in memory; an ended one (a debrief) builds
        // it again when asked.
        if !s.ended() {
            *cell.game.lock().unwrap_or_else(|e| e.into_inner()) = Some(g.clone());
        }
        Ok(g)
    }

    /// Ends a session whose wall-clock deadline has passed (at `at`): a timer.
    pub fn timer(&self, id: String, at: i64) {
        let h = self.clone();
        tokio::spawn(async move {
            let wait = (at - now_ms()).max(0) as u64;
            tokio::time::sleep(std::time::Duration::from_millis(wait + 50)).await;
            let _ = h.settle(&id).await;
        });
    }

    /// The session of a facilitator token, settled (clock and agents brought up to date);
    /// 404 for a malformed or unknown token.
    pub async fn by_facilitator(&self, token: &str) -> Result<Session> {
        let s = model::session_by_facilitator(&self.db, token).await?;
        self.settle(&s.id).await
    }

    /// Under the session's lock: ends it when time is up, lets agents act, ends it when the
    /// history says so. Returns the session as it is afterwards.
    pub async fn settle(&self, id: &str) -> Result<Session> {
        let cell = self.cell(id);
        let _guard = cell.lock.lock().await;
        self.settle_locked(id).await
    }

    /// [`Hub::settle`] for a caller that holds the lock.
    async fn settle_locked(&self, id: &str) -> Result<Session> {
        let mut changed = false;
        for _ in 0..MAX_AGENT_STEPS {
            let s = model::session(&self.db, id).await?;
            if s.ended() {
                break;
            }
            if s.deadline_at.is_some_and(|d| now_ms() >= d) {
                model::end(&self.db, id, "time", None).await?;
                changed = true;
                break;
            }
            let history = model::messages(&self.db, id).await?;
            let seats = model::seats(&self.db, id).await?;
            let game = self.game(&s).await?;
            let rules = Rules {
                proto: s.proto,
                parties: seats.iter().filter(|x| !x.is_mediator()).count(),
                rounds: s.rounds,
            };
            if let Some((reason, agreement)) = protocol::ending(&rules, &history) {
                model::end(&self.db, id, reason, agreement.as_deref()).await?;
                changed = true;
                break;
            }
            // The first agent (by seat) with something to do acts.
            let now = now_ms();
            let (seed, start, deadline) = (s.seed, s.created_at, s.deadline_at);
            let moves = tokio::task::spawn_blocking(move || {
                let g = game.lock().unwrap_or_else(|e| e.into_inner());
                let ctx = agents::Ctx {
                    game: &g,
                    rules,
                    seed,
                    start,
                    deadline,
                };
                seats
                    .iter()
                    .map(|seat| (seat.seat, ctx.act(seat, &history, now)))
                    .find(|(_, out)| !out.is_empty())
            })
            .await
            .map_err(|e| ServerError::Internal(format!("an agent failed: {e}")))?;
            let Some((from, outs)) = moves else { break };
            for o in outs {
                let m = model::NewMsg {
                    from,
                    to: o.to,
                    kind: o.kind,
                    package: o.package.as_deref(),
                    note: &o.note,
                    at: now,
                };
                model::append(&self.db, id, m).await?;
            }
            changed = true;
        }
        let s = model::session(&self.db, id).await?;
        if s.ended() {
            self.cell(id)
                .game
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
        }
        if changed {
            let n = model::messages(&self.db, id).await?.len() as i64;
            self.notify(id, n);
        }
        Ok(s)
    }

    /// Stores a message from a seat (checked by `check` under the lock against the current
    /// history), then settles the session. `check` returns the message to store.
    pub async fn post(
        &self,
        id: &str,
        from: i64,
        check: impl FnOnce(&Session, &[model::Msg]) -> Result<protocol::Admitted>,
    ) -> Result<Session> {
        let cell = self.cell(id);
        let _guard = cell.lock.lock().await;
        // The clock and agents first: a session past its deadline refuses the message.
        let s = self.settle_locked(id).await?;
        if s.ended() {
            return Err(ended(&s));
        }
        let history = model::messages(&self.db, id).await?;
        let (to, kind, package, note) = check(&s, &history)?;
        let m = model::NewMsg {
            from,
            to,
            kind,
            package: package.as_deref(),
            note: &note,
            at: now_ms(),
        };
        model::append(&self.db, id, m).await?;
        self.notify(id, history.len() as i64 + 1);
        self.settle_locked(id).await
    }

    /// Ends a session at the facilitator's request.
    pub async fn end(&self, id: &str) -> Result<Session> {
        let cell = self.cell(id);
        let _guard = cell.lock.lock().await;
        let s = self.settle_locked(id).await?;
        if !s.ended() {
            model::end(&self.db, id, "facilitator", None).await?;
            cell.game.lock().unwrap_or_else(|e| e.into_inner()).take();
            let n = model::messages(&self.db, id).await?.len() as i64;
            self.notify(id, n);
        }
        model::session(&self.db, id).await
    }
}

/// The 409 for a message to an ended session.
pub fn ended(s: &Session) -> ServerError {
    ServerError::Conflict(format!(
        "the session has ended ({}); no more messages are taken",
        s.end_reason.as_deref().unwrap_or("ended")
    ))
}

async fn style() -> Response {
    crate::page::asset(STYLE, "text/css; charset=utf-8")
}

async fn script() -> Response {
    crate::page::asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// The rooms' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/rooms.css", get(style))
        .route("/assets/rooms.js", get(script))
        .route("/sessions/new", get(pages::new_session))
        .route("/sessions", post(pages::create_form))
        .route("/api/sessions", post(api::create))
        .route("/f/{token}", get(pages::facilitator))
        .route("/f/{token}/end", post(pages::end_form))
        .route("/f/{token}/debrief", get(debrief::facilitator_page))
        .route("/api/f/{token}/state", get(api::facilitator_state))
        .route("/api/f/{token}/end", post(api::end))
        .route("/s/{token}", get(pages::seat))
        .route("/s/{token}/messages", post(pages::message_form))
        .route("/s/{token}/events", get(api::events))
        .route("/s/{token}/debrief", get(debrief::seat_page))
        .route("/api/s/{token}/state", get(api::seat_state))
        .route("/api/s/{token}/messages", post(api::message))
        .route("/api/s/{token}/value", get(api::value))
}
