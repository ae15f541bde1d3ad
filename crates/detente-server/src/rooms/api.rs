//! The rooms' JSON API (scripted clients, load tests, the pages' script) and what it shares
//! with the form routes: creating a session, a seat's view of the state, posting a message.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path as FsPath;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use detente_core::builtin::BUILTINS;
use detente_negotiate::strategy::STRATEGY_NAMES;
use serde_json::{json, Value};
use sqlx::Row;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::game::{problem_of, Game};
use super::model::{self, Msg, Seat, Session, ALL};
use super::protocol::{self, Draft, Kind, Proto, Rules};
use crate::db::Db;
use crate::error::{Result, ServerError};
use crate::AppState;

/// Largest number of rounds a session may have.
pub const MAX_ROUNDS: u32 = 60;
/// Longest wall-clock limit, in minutes.
pub const MAX_MINUTES: u32 = 24 * 60;
/// The mediator agent's name.
pub const MEDIATOR_AGENT: &str = "learning-mediator";

/// Who sits in a seat, as asked for.
#[derive(Debug, Clone)]
pub struct SeatSpec {
    /// `human` or `agent`.
    pub player: String,
    /// The agent's strategy.
    pub strategy: Option<String>,
}

/// A new session, as asked for by the form or the API.
#[derive(Debug, Clone)]
pub struct CreateSpec {
    /// A built-in scenario's name, or `library:<id>` for a scenario of the library.
    pub scenario: String,
    /// `shuttle`, `direct` or `single-text`.
    pub protocol: String,
    /// Offers per party (single text: texts); `None`: the scenario's rounds.
    pub rounds: Option<u32>,
    /// Minutes of wall-clock time, if limited.
    pub minutes: Option<u32>,
    /// Seed of the agents (`None`: a random one).
    pub seed: Option<u64>,
    /// Title (`None`: the scenario's).
    pub title: Option<String>,
    /// One per party, in party order.
    pub seats: Vec<SeatSpec>,
    /// The mediator's seat (protocols with a mediator; `None`: a person).
    pub mediator: Option<SeatSpec>,
}

/// Scenarios a session can start from: (key, label).
pub async fn scenario_choices(db: &Db) -> Result<Vec<(String, String)>> {
    let mut v: Vec<(String, String)> = BUILTINS
        .iter()
        .map(|b| (b.name.to_string(), format!("{} — {}", b.name, b.summary)))
        .collect();
    let rows = sqlx::query("SELECT id, name FROM scenarios ORDER BY created_at DESC")
        .fetch_all(&db.pool)
        .await?;
    for r in rows {
        let id: String = r.try_get("id")?;
        let name: String = r.try_get("name")?;
        v.push((format!("library:{id}"), format!("{name} (library)")));
    }
    Ok(v)
}

/// The TOML and a name of the scenario `key` names (a built-in, or `library:<id>`: the
/// uploaded file loaded with detente-app's loaders and written as TOML).
pub async fn scenario_source(db: &Db, key: &str) -> Result<(String, String)> {
    if let Some(b) = detente_core::builtin::find(key) {
        return Ok((b.name.to_string(), b.source.to_string()));
    }
    let Some(id) = key.strip_prefix("library:") else {
        return Err(ServerError::BadRequest(format!(
            "unknown scenario `{key}`: give a built-in name ({}) or library:<id>",
            BUILTINS
                .iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let row = sqlx::query("SELECT name, file_name, format, source FROM scenarios WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| ServerError::BadRequest(format!("no scenario `{id}` in the library")))?;
    let name: String = row.try_get("name")?;
    let file_name: String = row.try_get("file_name")?;
    let format: String = row.try_get("format")?;
    let source: String = row.try_get("source")?;
    let toml = tokio::task::spawn_blocking(move || -> Result<String> {
        let fmt = match format.as_str() {
            "bdm" => detente_app::Format::Bdm,
            "ktab" => detente_app::Format::Ktab,
            "genius" => detente_app::Format::Genius,
            _ => detente_app::Format::Toml,
        };
        let loaded = match fmt {
            detente_app::Format::Toml => {
                detente_app::load::from_toml(source.as_bytes(), &file_name)
            }
            f => {
                detente_app::load::import(f, FsPath::new(&file_name), Some(source.as_bytes()), &[])
            }
        }
        .map_err(|e| ServerError::Unprocessable(format!("the scenario cannot be loaded: {e}")))?;
        Ok(detente_core::format::to_toml(&loaded.scenario))
    })
    .await
    .map_err(|e| ServerError::Internal(e.to_string()))??;
    Ok((name, toml))
}

/// Creates a session: checks the spec against the scenario, stores it, lets agents open.
/// Returns the facilitator token.
pub async fn create_session(state: &AppState, spec: CreateSpec) -> Result<String> {
    let proto = Proto::parse(&spec.protocol).ok_or_else(|| {
        ServerError::BadRequest(format!(
            "unknown protocol `{}`: shuttle, direct or single-text",
            spec.protocol
        ))
    })?;
    let (name, toml) = scenario_source(&state.db, &spec.scenario).await?;
    let t = toml.clone();
    let (scenario, problem) = tokio::task::spawn_blocking(move || problem_of(&t, &name))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))??;
    let n = problem.domain.n_parties();
    if spec.seats.len() != n {
        return Err(ServerError::BadRequest(format!(
            "this scenario has {n} parties ({}); give one seat for each",
            problem.party_ids.join(", ")
        )));
    }
    let rounds = spec.rounds.unwrap_or(scenario.protocol.rounds.max(1));
    if rounds == 0 || rounds > MAX_ROUNDS {
        return Err(ServerError::BadRequest(format!(
            "rounds must be between 1 and {MAX_ROUNDS}"
        )));
    }
    if let Some(m) = spec.minutes {
        if m == 0 || m > MAX_MINUTES {
            return Err(ServerError::BadRequest(format!(
                "minutes must be between 1 and {MAX_MINUTES}"
            )));
        }
    }
    let mut seats = Vec::new();
    for (k, s) in spec.seats.iter().enumerate() {
        let who = &problem.party_ids[k];
        let strategy = match s.player.as_str() {
            "human" => None,
            "agent" => {
                let st = s.strategy.clone().unwrap_or_else(|| "boulware".into());
                if !STRATEGY_NAMES.contains(&st.as_str()) {
                    return Err(ServerError::BadRequest(format!(
                        "unknown strategy `{st}` for {who}: one of {}",
                        STRATEGY_NAMES.join(", ")
                    )));
                }
                Some(st)
            }
            p => {
                return Err(ServerError::BadRequest(format!(
                    "seat of {who}: player `{p}` is neither human nor agent"
                )))
            }
        };
        seats.push(("party".to_string(), who.clone(), s.player.clone(), strategy));
    }
    if proto.has_mediator() {
        let m = spec.mediator.clone().unwrap_or(SeatSpec {
            player: "human".into(),
            strategy: None,
        });
        let strategy = match m.player.as_str() {
            "human" => None,
            "agent" => match m.strategy.as_deref() {
                None | Some(MEDIATOR_AGENT) => Some(MEDIATOR_AGENT.to_string()),
                Some(o) => {
                    return Err(ServerError::BadRequest(format!(
                        "unknown mediator strategy `{o}`: the mediator agent is {MEDIATOR_AGENT}"
                    )))
                }
            },
            p => {
                return Err(ServerError::BadRequest(format!(
                    "mediator seat: player `{p}` is neither human nor agent"
                )))
            }
        };
        seats.push((
            "mediator".into(),
            problem.mediator_id.clone(),
            m.player.clone(),
            strategy,
        ));
    } else if spec.mediator.as_ref().is_some_and(|m| m.player == "agent") {
        return Err(ServerError::BadRequest(
            "direct talks have no mediator seat".into(),
        ));
    }
    let title = spec
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| scenario.meta.title.clone());
    if title.chars().count() > 200 {
        return Err(ServerError::BadRequest(
            "the title is too long: at most 200 characters".into(),
        ));
    }
    let seed = spec.seed.unwrap_or_else(rand::random::<u64>) & (i64::MAX as u64);
    let new = model::NewSession {
        title,
        scenario: toml,
        proto,
        rounds,
        minutes: spec.minutes,
        seed,
        seats,
    };
    let (id, facilitator, _) = model::create(&state.db, &new).await?;
    let s = state.rooms.settle(&id).await?;
    if let Some(at) = s.deadline_at {
        state.rooms.timer(id, at);
    }
    Ok(facilitator)
}

fn seat_spec(v: &Value, what: &str) -> Result<SeatSpec> {
    let o = v
        .as_object()
        .ok_or_else(|| ServerError::BadRequest(format!("{what}: expected an object")))?;
    for k in o.keys() {
        if k != "player" && k != "strategy" {
            return Err(ServerError::BadRequest(format!(
                "{what}: unknown field `{k}`"
            )));
        }
    }
    Ok(SeatSpec {
        player: o
            .get("player")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ServerError::BadRequest(format!("{what}: `player` (human or agent) is required"))
            })?
            .to_string(),
        strategy: match o.get("strategy") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(x) => {
                return Err(ServerError::BadRequest(format!(
                    "{what}: `strategy` must be a string, not {x}"
                )))
            }
        },
    })
}

fn json_body(body: &Bytes) -> Result<serde_json::Map<String, Value>> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ServerError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ServerError::BadRequest(
            "the body must be a JSON object".into(),
        )),
    }
}

fn opt_u64(m: &serde_json::Map<String, Value>, k: &str) -> Result<Option<u64>> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            ServerError::BadRequest(format!("`{k}` must be a whole number ≥ 0, not {v}"))
        }),
    }
}

fn small(v: Option<u64>, k: &str) -> Result<Option<u32>> {
    v.map(|x| u32::try_from(x).map_err(|_| ServerError::BadRequest(format!("`{k}` is too large"))))
        .transpose()
}

/// `POST /api/sessions`: creates a session from JSON (see docs/rooms.md); answers the
/// facilitator's token and page and every seat's link.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>> {
    let m = json_body(&body)?;
    const FIELDS: [&str; 8] = [
        "scenario", "protocol", "rounds", "minutes", "seed", "title", "seats", "mediator",
    ];
    if let Some(k) = m.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ServerError::BadRequest(format!("unknown field `{k}`")));
    }
    let s = |k: &str| -> Result<Option<String>> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(ServerError::BadRequest(format!(
                "`{k}` must be a string, not {v}"
            ))),
        }
    };
    let seats = match m.get("seats") {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(k, v)| seat_spec(v, &format!("seats[{k}]")))
            .collect::<Result<Vec<_>>>()?,
        _ => {
            return Err(ServerError::BadRequest(
                "`seats` must be an array with one {\"player\": \"human\"|\"agent\", \"strategy\": …} per party".into(),
            ))
        }
    };
    let spec = CreateSpec {
        scenario: s("scenario")?.unwrap_or_else(|| BUILTINS[0].name.to_string()),
        protocol: s("protocol")?.unwrap_or_else(|| "shuttle".into()),
        rounds: small(opt_u64(&m, "rounds")?, "rounds")?,
        minutes: small(opt_u64(&m, "minutes")?, "minutes")?,
        seed: opt_u64(&m, "seed")?,
        title: s("title")?,
        seats,
        mediator: match m.get("mediator") {
            None | Some(Value::Null) => None,
            Some(v) => Some(seat_spec(v, "mediator")?),
        },
    };
    let f = create_session(&state, spec).await?;
    let s = model::session_by_facilitator(&state.db, &f).await?;
    Ok(Json(facilitator_json(&state, &s).await?))
}

async fn facilitator_json(state: &AppState, s: &Session) -> Result<Value> {
    let seats = model::seats(&state.db, &s.id).await?;
    let count = model::messages(&state.db, &s.id).await?.len();
    Ok(json!({
        "facilitator": s.facilitator,
        "page": format!("/f/{}", s.facilitator),
        "title": s.title,
        "protocol": s.proto.as_str(),
        "rounds": s.rounds,
        "deadline_at": s.deadline_at,
        "state": s.state,
        "end_reason": s.end_reason,
        "messages": count,
        "debrief": s.ended().then(|| format!("/f/{}/debrief", s.facilitator)),
        "seats": seats.iter().map(|x| json!({
            "seat": x.seat,
            "role": x.role,
            "actor": x.actor,
            "player": x.player,
            "strategy": x.strategy,
            "token": x.token,
            "link": format!("/s/{}", x.token),
        })).collect::<Vec<_>>(),
    }))
}

/// `GET /api/f/{token}/state`: the facilitator's view (no brief, no message content).
pub async fn facilitator_state(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>> {
    let s = state.rooms.by_facilitator(&token).await?;
    Ok(Json(facilitator_json(&state, &s).await?))
}

/// `POST /api/f/{token}/end`: the facilitator ends the session.
pub async fn end(State(state): State<AppState>, Path(token): Path<String>) -> Result<Json<Value>> {
    let s = model::session_by_facilitator(&state.db, &token).await?;
    let s = state.rooms.end(&s.id).await?;
    Ok(Json(facilitator_json(&state, &s).await?))
}

/// A seat, its session (settled: the clock checked, agents done) and its problem.
pub struct SeatCtx {
    /// The session.
    pub session: Session,
    /// The seat.
    pub seat: Seat,
    /// Every seat.
    pub seats: Vec<Seat>,
    /// The problem.
    pub game: std::sync::Arc<std::sync::Mutex<Game>>,
}

impl SeatCtx {
    /// Loads the seat of `token` (404 for a malformed or unknown token).
    pub async fn load(state: &AppState, token: &str) -> Result<SeatCtx> {
        let (sid, seat) = model::seat_by_token(&state.db, token).await?;
        let session = state.rooms.settle(&sid).await?;
        let seats = model::seats(&state.db, &sid).await?;
        let game = state.rooms.game(&session).await?;
        Ok(SeatCtx {
            session,
            seat,
            seats,
            game,
        })
    }

    /// The session's rules.
    pub fn rules(&self) -> Rules {
        Rules {
            proto: self.session.proto,
            parties: self.seats.iter().filter(|s| !s.is_mediator()).count(),
            rounds: self.session.rounds,
        }
    }

    /// The party index of this seat, if it is a party.
    pub fn party(&self) -> Option<usize> {
        (!self.seat.is_mediator()).then_some(self.seat.seat as usize)
    }
}

/// Name of a seat number as shown (`all` for everyone).
pub fn seat_name(seats: &[Seat], n: i64) -> String {
    if n == ALL {
        return "all".into();
    }
    seats
        .iter()
        .find(|s| s.seat == n)
        .map(|s| s.actor.clone())
        .unwrap_or_else(|| format!("seat {n}"))
}

/// One message as JSON; `worth_for`: the party whose utility of the package to add.
pub fn msg_json(g: &Game, seats: &[Seat], m: &Msg, worth_for: Option<usize>) -> Value {
    let mut v = json!({
        "seq": m.seq,
        "from": m.from,
        "from_name": seat_name(seats, m.from),
        "to": if m.to == ALL { json!("all") } else { json!(m.to) },
        "to_name": seat_name(seats, m.to),
        "kind": m.kind.as_str(),
        "note": m.note,
        "at": m.at,
    });
    if let Some(p) = &m.package {
        v["package"] = json!(p);
        v["package_labels"] = Value::Object(
            g.describe(p)
                .into_iter()
                .map(|(i, l)| (i, Value::String(l)))
                .collect(),
        );
        if let Some(me) = worth_for {
            let u = g.utility(me, p);
            v["worth"] = if u.is_finite() { json!(u) } else { Value::Null };
        }
    }
    v
}

/// What this seat may see, as JSON.
pub fn seat_json(c: &SeatCtx, history: &[Msg]) -> Value {
    let g = c.game.lock().unwrap_or_else(|e| e.into_inner());
    let rules = c.rules();
    let me = c.seat.seat;
    let visible: Vec<Value> = history
        .iter()
        .filter(|m| m.visible_to(me))
        .map(|m| msg_json(&g, &c.seats, m, c.party()))
        .collect();
    let table = protocol::on_table(me, history).map(|m| msg_json(&g, &c.seats, m, c.party()));
    let s = &c.session;
    let mut doc = json!({
        "session": {
            "title": s.title,
            "protocol": s.proto.as_str(),
            "rounds": s.rounds,
            "clock": rules.clock(history),
            "budget": rules.budget(),
            "deadline_at": s.deadline_at,
            "state": s.state,
            "end_reason": s.end_reason,
            "agreement": s.agreement,
            "debrief": s.ended().then(|| format!("/s/{}/debrief", c.seat.token)),
        },
        "me": {
            "seat": me,
            "role": c.seat.role,
            "actor": c.seat.actor,
            "kinds": rules.kinds(me).iter().map(Kind::as_str).collect::<Vec<_>>(),
            "recipients": rules.recipients(me).iter().map(|&r| if r == ALL { json!("all") } else { json!(r) }).collect::<Vec<_>>(),
            "left": rules.left(me, history),
            "open": protocol::open_for(&rules, me, history).is_some(),
        },
        "seats": c.seats.iter().map(|x| json!({"seat": x.seat, "role": x.role, "actor": x.actor})).collect::<Vec<_>>(),
        "issues": (0..g.issues()).map(|k| json!({
            "id": g.problem.issue_ids[k],
            "name": g.issue_name(k),
            "options": (0..g.problem.domain.space.issues()[k].len()).map(|o| g.option_label(k, o)).collect::<Vec<_>>(),
            "values": (0..g.problem.domain.space.issues()[k].len()).map(|o| g.problem.option_json(k, o)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "on_table": table,
        "messages": visible,
    });
    if let Some(p) = c.party() {
        doc["brief"] = g.tables_json(p);
    }
    doc
}

/// `GET /api/s/{token}/state`: what this seat may see.
pub async fn seat_state(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>> {
    let c = SeatCtx::load(&state, &token).await?;
    let history = model::messages(&state.db, &c.session.id).await?;
    Ok(Json(seat_json(&c, &history)))
}

/// Reads a recipient: a seat number or "all".
pub fn parse_to(v: &Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s == "all" => Ok(Some(ALL)),
        Value::String(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| {
                ServerError::BadRequest(format!(
                    "`to` must be a seat number or \"all\", not \"{s}\""
                ))
            }),
        Value::Number(n) => n.as_i64().filter(|n| *n >= 0).map(Some).ok_or_else(|| {
            ServerError::BadRequest(format!("`to` must be a seat number or \"all\", not {n}"))
        }),
        other => Err(ServerError::BadRequest(format!(
            "`to` must be a seat number or \"all\", not {other}"
        ))),
    }
}

/// Stores a draft from this seat (checked under the session's lock); the session afterwards.
pub async fn send(state: &AppState, c: &SeatCtx, draft: Draft) -> Result<Session> {
    if c.session.ended() {
        return Err(super::ended(&c.session));
    }
    let rules = c.rules();
    let me = c.seat.seat;
    let (game, party) = (c.game.clone(), c.party());
    state
        .rooms
        .post(&c.session.id, me, move |_, history| {
            let admitted = protocol::admit(&rules, me, draft, history)?;
            if let (Some(p), Kind::Offer | Kind::Accept, Some(pkg)) =
                (party, admitted.1, &admitted.2)
            {
                let g = game.lock().unwrap_or_else(|e| e.into_inner());
                within_red_lines(&g, p, pkg, admitted.1)?;
            }
            Ok(admitted)
        })
        .await
}

/// A delegation cannot offer or accept a package across its own red lines (its mandate from
/// home, as the engine's parties never do): 422 naming the issues and the options.
fn within_red_lines(g: &Game, p: usize, pkg: &[usize], kind: Kind) -> Result<()> {
    if g.utility(p, pkg).is_finite() {
        return Ok(());
    }
    let tables = g.problem.domain.utilities[p].tables();
    let crossed: Vec<String> = pkg
        .iter()
        .enumerate()
        .filter(|&(k, &o)| !tables[k][o].is_finite())
        .map(|(k, &o)| format!("{} = {}", g.issue_name(k), g.option_label(k, o)))
        .collect();
    Err(ServerError::Unprocessable(format!(
        "you cannot {} this package: it crosses your red lines ({}); your delegation has no mandate to sign it",
        kind.as_str(),
        crossed.join("; ")
    )))
}

/// `POST /api/s/{token}/messages`: `{"kind", "to", "package", "note"}`; answers the seat's
/// state afterwards (agents have answered by then).
pub async fn message(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Json<Value>> {
    let c = SeatCtx::load(&state, &token).await?;
    let m = json_body(&body)?;
    if let Some(k) = m
        .keys()
        .find(|k| !["kind", "to", "package", "note"].contains(&k.as_str()))
    {
        return Err(ServerError::BadRequest(format!(
            "unknown field `{k}` (fields: kind, to, package, note)"
        )));
    }
    let kind = match m.get("kind") {
        Some(Value::String(k)) => Kind::parse(k).ok_or_else(|| {
            ServerError::BadRequest(format!(
                "unknown kind `{k}`: offer, accept, reject, note, walk-away, relay or proposal"
            ))
        })?,
        _ => {
            return Err(ServerError::BadRequest(
                "`kind` (a string) is required".into(),
            ))
        }
    };
    let to = parse_to(m.get("to").unwrap_or(&Value::Null))?;
    let package = match m.get("package") {
        None | Some(Value::Null) => None,
        Some(p) => Some(c.game.lock().unwrap_or_else(|e| e.into_inner()).parse(p)?),
    };
    let note = match m.get("note") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            return Err(ServerError::BadRequest(format!(
                "`note` must be a string, not {v}"
            )))
        }
    };
    if c.session.ended() {
        return Err(super::ended(&c.session));
    }
    send(
        &state,
        &c,
        Draft {
            kind,
            to,
            package,
            note,
        },
    )
    .await?;
    let c = SeatCtx::load(&state, &token).await?;
    let history = model::messages(&state.db, &c.session.id).await?;
    Ok(Json(seat_json(&c, &history)))
}

/// Reads a package from form or query fields `issue_0`, `issue_1`, … (option indices).
pub fn package_from_fields(g: &Game, q: &HashMap<String, String>) -> Result<Option<Vec<usize>>> {
    if let Some(p) = q.get("package") {
        let v: Vec<usize> = p
            .split(',')
            .map(|x| {
                x.trim().parse::<usize>().map_err(|_| {
                    ServerError::BadRequest(format!("`package`: `{x}` is not an option index"))
                })
            })
            .collect::<Result<_>>()?;
        g.check(&v)?;
        return Ok(Some(v));
    }
    if !(0..g.issues()).any(|k| q.contains_key(&format!("issue_{k}"))) {
        return Ok(None);
    }
    let v = (0..g.issues())
        .map(|k| {
            let f = format!("issue_{k}");
            q.get(&f)
                .ok_or_else(|| {
                    ServerError::BadRequest(format!("`{f}` ({}) is missing", g.issue_name(k)))
                })?
                .trim()
                .parse::<usize>()
                .map_err(|_| ServerError::BadRequest(format!("`{f}` must be an option index")))
        })
        .collect::<Result<Vec<_>>>()?;
    g.check(&v)?;
    Ok(Some(v))
}

/// `GET /api/s/{token}/value?package=0,2,1` (or `issue_0=…&issue_1=…`): what a package is
/// worth to this party.
pub async fn value(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>> {
    let c = SeatCtx::load(&state, &token).await?;
    let Some(p) = c.party() else {
        return Err(ServerError::Forbidden(
            "the mediator has no utility of its own".into(),
        ));
    };
    let g = c.game.lock().unwrap_or_else(|e| e.into_inner());
    let pkg = package_from_fields(&g, &q)?.ok_or_else(|| {
        ServerError::BadRequest("give `package=i,j,…` or `issue_0=…&issue_1=…`".into())
    })?;
    let u = g.utility(p, &pkg);
    let batna = g.problem.domain.utilities[p].reservation;
    Ok(Json(json!({
        "package": pkg,
        "utility": if u.is_finite() { json!(u) } else { Value::Null },
        "red_line": !u.is_finite(),
        "batna": batna,
        "above_batna": u.is_finite() && u >= batna,
    })))
}

/// `GET /s/{token}/events`: server-sent events; each `update` event carries only the
/// session's message count (clients then fetch their state).
pub async fn events(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    let (sid, _) = model::seat_by_token(&state.db, &token).await?;
    let rx = state.rooms.subscribe(&sid);
    let first = tokio_stream::once(Ok(Event::default().event("hello").data("0")));
    let rest = BroadcastStream::new(rx).filter_map(|r| {
        r.ok()
            .map(|n| Ok(Event::default().event("update").data(n.to_string())))
    });
    Ok(Sse::new(first.chain(rest)).keep_alive(KeepAlive::default()))
}
