//! A session's state as stored: the session row, its seats and its messages, read from and
//! written to the database (portable SQL, `$1` placeholders, times in Unix ms).

use sqlx::Row;

use super::protocol::{Kind, Proto};
use crate::db::{now_ms, Db};
use crate::error::{Result, ServerError};

/// Seat number meaning "every seat" in `to`.
pub const ALL: i64 = -1;

/// A session row.
#[derive(Debug, Clone)]
pub struct Session {
    /// Id (a token; never shown to seats).
    pub id: String,
    /// The facilitator's token.
    pub facilitator: String,
    /// Title.
    pub title: String,
    /// The scenario's TOML as the session started with it.
    pub scenario: String,
    /// The protocol.
    pub proto: Proto,
    /// Offers per party (single text: texts the mediator may put).
    pub rounds: u32,
    /// Wall-clock deadline (Unix ms), if any.
    pub deadline_at: Option<i64>,
    /// Seed of the agents.
    pub seed: u64,
    /// `open` or `ended`.
    pub state: String,
    /// The agreed package (option index per issue), if any.
    pub agreement: Option<Vec<usize>>,
    /// When it ended.
    pub ended_at: Option<i64>,
    /// Why it ended: `agreement`, `walk-away`, `rounds`, `time`, `facilitator`.
    pub end_reason: Option<String>,
    /// The debrief's cached comparison (JSON), once computed.
    pub debrief: Option<String>,
    /// Creation time.
    pub created_at: i64,
}

impl Session {
    /// True once the session has ended.
    pub fn ended(&self) -> bool {
        self.state == "ended"
    }
}

/// A seat.
#[derive(Debug, Clone)]
pub struct Seat {
    /// The seat's token.
    pub token: String,
    /// Seat number: parties 0..n in party order, then the mediator.
    pub seat: i64,
    /// `party` or `mediator`.
    pub role: String,
    /// The scenario actor id it plays.
    pub actor: String,
    /// `human` or `agent`.
    pub player: String,
    /// The agent's strategy (agents only).
    pub strategy: Option<String>,
}

impl Seat {
    /// True for a detente agent.
    pub fn is_agent(&self) -> bool {
        self.player == "agent"
    }
    /// True for the mediator's seat.
    pub fn is_mediator(&self) -> bool {
        self.role == "mediator"
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    /// Position in the session (from 1).
    pub seq: i64,
    /// Sender's seat.
    pub from: i64,
    /// Recipient's seat, or [`ALL`].
    pub to: i64,
    /// What it says.
    pub kind: Kind,
    /// The package, one option index per issue.
    pub package: Option<Vec<usize>>,
    /// Free text.
    pub note: String,
    /// When it was stored (Unix ms).
    pub at: i64,
}

impl Msg {
    /// True when `seat` may see this message while the session runs.
    pub fn visible_to(&self, seat: i64) -> bool {
        self.from == seat || self.to == seat || self.to == ALL
    }
}

fn package_of(s: Option<String>) -> Result<Option<Vec<usize>>> {
    match s {
        None => Ok(None),
        Some(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| ServerError::Internal(format!("stored package {t}: {e}"))),
    }
}

fn session_of(r: &sqlx::any::AnyRow) -> Result<Session> {
    let proto: String = r.try_get("protocol")?;
    Ok(Session {
        id: r.try_get("id")?,
        facilitator: r.try_get("facilitator_token")?,
        title: r.try_get("title")?,
        scenario: r.try_get("scenario")?,
        proto: Proto::parse(&proto)
            .ok_or_else(|| ServerError::Internal(format!("stored protocol {proto}")))?,
        rounds: r.try_get::<i64, _>("rounds")?.clamp(1, u32::MAX as i64) as u32,
        deadline_at: r.try_get("deadline_at")?,
        seed: r.try_get::<i64, _>("seed")? as u64,
        state: r.try_get("state")?,
        agreement: package_of(r.try_get("agreement")?)?,
        ended_at: r.try_get("ended_at")?,
        end_reason: r.try_get("end_reason")?,
        debrief: r.try_get("debrief")?,
        created_at: r.try_get("created_at")?,
    })
}

const SESSION_COLS: &str = "id, facilitator_token, title, scenario, protocol, rounds, deadline_at, seed, state, agreement, ended_at, end_reason, debrief, created_at";

/// The session with this id.
pub async fn session(db: &Db, id: &str) -> Result<Session> {
    let r = sqlx::query(&format!(
        "SELECT {SESSION_COLS} FROM sessions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| ServerError::NotFound("no such session".into()))?;
    session_of(&r)
}

/// The session whose facilitator token is `token` (404 otherwise).
pub async fn session_by_facilitator(db: &Db, token: &str) -> Result<Session> {
    if !crate::security::is_token(token) {
        return Err(ServerError::NotFound("no such page".into()));
    }
    let r = sqlx::query(&format!(
        "SELECT {SESSION_COLS} FROM sessions WHERE facilitator_token = $1"
    ))
    .bind(token)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| ServerError::NotFound("no such page".into()))?;
    session_of(&r)
}

/// Ids and deadlines of open sessions with a wall-clock deadline (for the timers).
pub async fn open_with_deadline(db: &Db) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT id, deadline_at FROM sessions WHERE state = 'open' AND deadline_at IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("deadline_at")?)))
        .collect()
}

fn seat_of(r: &sqlx::any::AnyRow) -> Result<Seat> {
    Ok(Seat {
        token: r.try_get("token")?,
        seat: r.try_get("seat")?,
        role: r.try_get("role")?,
        actor: r.try_get("actor")?,
        player: r.try_get("player")?,
        strategy: r.try_get("strategy")?,
    })
}

/// The seat with this token and its session id (404 for anything else).
pub async fn seat_by_token(db: &Db, token: &str) -> Result<(String, Seat)> {
    if !crate::security::is_token(token) {
        return Err(ServerError::NotFound("no such page".into()));
    }
    let r = sqlx::query(
        "SELECT session_id, token, seat, role, actor, player, strategy FROM seats WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| ServerError::NotFound("no such page".into()))?;
    Ok((r.try_get("session_id")?, seat_of(&r)?))
}

/// Every seat of a session, by seat number.
pub async fn seats(db: &Db, session: &str) -> Result<Vec<Seat>> {
    let rows = sqlx::query(
        "SELECT token, seat, role, actor, player, strategy FROM seats WHERE session_id = $1 ORDER BY seat",
    )
    .bind(session)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(seat_of).collect()
}

/// Every message of a session, in order.
pub async fn messages(db: &Db, session: &str) -> Result<Vec<Msg>> {
    let rows = sqlx::query(
        "SELECT seq, from_seat, to_seat, kind, package, note, created_at FROM messages WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Msg {
                seq: r.try_get("seq")?,
                from: r.try_get("from_seat")?,
                to: r.try_get("to_seat")?,
                kind: Kind::parse(&kind)
                    .ok_or_else(|| ServerError::Internal(format!("stored kind {kind}")))?,
                package: package_of(r.try_get("package")?)?,
                note: r.try_get("note")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// What a new session is made of.
pub struct NewSession {
    /// Title.
    pub title: String,
    /// Scenario TOML.
    pub scenario: String,
    /// Protocol.
    pub proto: Proto,
    /// Rounds.
    pub rounds: u32,
    /// Minutes of wall-clock time, if limited.
    pub minutes: Option<u32>,
    /// Seed.
    pub seed: u64,
    /// Seats: (role, actor id, player, strategy).
    pub seats: Vec<(String, String, String, Option<String>)>,
}

/// Stores a new session and its seats; returns (session id, facilitator token, seat tokens).
pub async fn create(db: &Db, s: &NewSession) -> Result<(String, String, Vec<String>)> {
    let id = crate::security::token();
    let facilitator = crate::security::token();
    let now = now_ms();
    let deadline = s.minutes.map(|m| now + m as i64 * 60_000);
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (id, facilitator_token, title, scenario, protocol, rounds, deadline_at, seed, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)",
    )
    .bind(&id)
    .bind(&facilitator)
    .bind(&s.title)
    .bind(&s.scenario)
    .bind(s.proto.as_str())
    .bind(s.rounds as i64)
    .bind(deadline)
    .bind(s.seed as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut tokens = Vec::new();
    for (k, (role, actor, player, strategy)) in s.seats.iter().enumerate() {
        let t = crate::security::token();
        sqlx::query(
            "INSERT INTO seats (token, session_id, seat, role, actor, player, strategy) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&t)
        .bind(&id)
        .bind(k as i64)
        .bind(role)
        .bind(actor)
        .bind(player)
        .bind(strategy.clone())
        .execute(&mut *tx)
        .await?;
        tokens.push(t);
    }
    tx.commit().await?;
    Ok((id, facilitator, tokens))
}

/// A message to append.
pub struct NewMsg<'a> {
    /// Sender's seat.
    pub from: i64,
    /// Recipient's seat, or [`ALL`].
    pub to: i64,
    /// Kind.
    pub kind: Kind,
    /// Package.
    pub package: Option<&'a [usize]>,
    /// Note.
    pub note: &'a str,
    /// Time (Unix ms).
    pub at: i64,
}

/// Appends a message (the caller holds the session's lock); returns its sequence number.
pub async fn append(db: &Db, session: &str, m: NewMsg<'_>) -> Result<i64> {
    let NewMsg {
        from,
        to,
        kind,
        package,
        note,
        at,
    } = m;
    let r = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS m FROM messages WHERE session_id = $1")
        .bind(session)
        .fetch_one(&db.pool)
        .await?;
    let seq: i64 = r.try_get::<i64, _>("m")? + 1;
    let package = package
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO messages (session_id, seq, from_seat, to_seat, kind, package, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(session)
    .bind(seq)
    .bind(from)
    .bind(to)
    .bind(kind.as_str())
    .bind(package)
    .bind(note)
    .bind(at)
    .execute(&db.pool)
    .await
    .map_err(|e| match &e {
        // Another server process on the same database stored a message of this session
        // between our read and our write (the per-session lock is per process): nothing was
        // stored; the client may send again.
        sqlx::Error::Database(d) if d.is_unique_violation() => ServerError::Conflict(
            "another message of this session was stored at the same moment; nothing was stored: send it again".into(),
        ),
        _ => ServerError::Db(e),
    })?;
    Ok(seq)
}

/// Marks a session ended (once: a session already ended is left as it is).
pub async fn end(db: &Db, session: &str, reason: &str, agreement: Option<&[usize]>) -> Result<()> {
    let agreement = agreement
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    sqlx::query(
        "UPDATE sessions SET state = 'ended', end_reason = $1, agreement = $2, ended_at = $3 WHERE id = $4 AND state = 'open'",
    )
    .bind(reason)
    .bind(agreement)
    .bind(now_ms())
    .bind(session)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Caches the debrief's comparison.
pub async fn store_debrief(db: &Db, session: &str, json: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET debrief = $1 WHERE id = $2")
        .bind(json)
        .bind(session)
        .execute(&db.pool)
        .await?;
    Ok(())
}
