//! Scripted clients against a real `detente serve` process, for the load test
//! (`examples/load.rs`, run by `bench/serve-load.sh`) and the crash test
//! (`crates/detente/tests/serve_cli.rs`): many shuttle rooms whose seats (two parties and the
//! mediator) are all played by scripts over the JSON API, each message acknowledged by the
//! server's answer; the server killed with SIGKILL part-way and restarted on the same database;
//! then every acknowledged message looked up again.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A `detente serve` child process on a fixed port and database.
pub struct ServerProcess {
    bin: PathBuf,
    db: PathBuf,
    /// Port on 127.0.0.1.
    pub port: u16,
    child: Option<Child>,
}

impl ServerProcess {
    /// Starts `bin serve` on a free port over `db` and waits until it answers.
    pub fn start(bin: &Path, db: &Path) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut s = ServerProcess {
            bin: bin.to_path_buf(),
            db: db.to_path_buf(),
            port,
            child: None,
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        let child = Command::new(&self.bin)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{}", self.port),
                "--db",
            ])
            .arg(&self.db)
            .args(["--threads", "1", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("detente serve starts");
        self.child = Some(child);
        let t0 = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "detente serve did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Base URL.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: the process dies at once, whatever it was doing.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL");
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same port and database.
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// One acknowledged message: the server answered 200 with it in the sender's view.
#[derive(Debug, Clone)]
pub struct Ack {
    /// Room number.
    pub room: usize,
    /// The sender's seat token.
    pub token: String,
    /// Sequence number the server gave it.
    pub seq: i64,
    /// Its kind.
    pub kind: String,
    /// Its note (unique per message).
    pub note: String,
}

/// What a load run measured.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Acknowledged messages.
    pub acks: Vec<Ack>,
    /// Latency of every acknowledged request, in seconds.
    pub latencies: Vec<f64>,
    /// Requests answered 429 (retried after a pause).
    pub throttled: usize,
    /// Requests that failed at the connection (the server was down; retried).
    pub connection_errors: usize,
    /// Wall-clock seconds of the exchange phase.
    pub seconds: f64,
    /// Seconds from the kill until the server answered again.
    pub downtime: f64,
}

/// The plan of a run.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Concurrent rooms.
    pub rooms: usize,
    /// Exchanges per room: party 0 offers, the mediator relays, party 1 counters, the mediator
    /// relays back (four messages each).
    pub exchanges: usize,
    /// Kill the server with SIGKILL once this share of all messages is acknowledged (`None`:
    /// never).
    pub kill_at: Option<f64>,
}

struct Seat {
    token: String,
    seat: i64,
}

struct Room {
    parties: [Seat; 2],
    mediator: Seat,
    /// Per party and issue, the options inside the party's red lines (a party cannot offer
    /// across them).
    allowed: [Vec<Vec<usize>>; 2],
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The client's CSRF token, from the start page's cookie (retrying while the server is down).
async fn csrf(c: &reqwest::Client, base: &str) -> String {
    loop {
        if let Ok(r) = c.get(format!("{base}/")).send().await {
            if let Some(v) = r.headers().get_all("set-cookie").iter().find_map(|h| {
                let s = h.to_str().ok()?.strip_prefix("detente_csrf=")?;
                Some(s.split(';').next()?.to_string())
            }) {
                return v;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// POSTs JSON until the server answers (retrying connection errors and 429s); the status and
/// document, and the latency of the answered attempt.
async fn post(
    c: &reqwest::Client,
    token: &str,
    url: &str,
    body: &Value,
    stats: &Counters,
) -> (u16, Value, f64) {
    loop {
        let t0 = Instant::now();
        match c
            .post(url)
            .header("x-csrf-token", token)
            .json(body)
            .send()
            .await
        {
            Err(_) => {
                stats.conn.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(r) if r.status() == 429 => {
                stats.throttled.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(r) => {
                let status = r.status().as_u16();
                match r.text().await {
                    Ok(t) => {
                        let v = serde_json::from_str(&t).unwrap_or(Value::String(t));
                        return (status, v, t0.elapsed().as_secs_f64());
                    }
                    Err(_) => {
                        stats.conn.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        }
    }
}

#[derive(Default)]
struct Counters {
    throttled: AtomicUsize,
    conn: AtomicUsize,
    acked: AtomicUsize,
}

async fn create_room(
    c: &reqwest::Client,
    csrf: &str,
    base: &str,
    rounds: usize,
    stats: &Counters,
) -> Room {
    let body = json!({
        "scenario": "muscat-2026",
        "protocol": "shuttle",
        "rounds": rounds,
        "seed": 1,
        "seats": [{"player": "human"}, {"player": "human"}],
        "mediator": {"player": "human"},
    });
    let (s, v, _) = post(c, csrf, &format!("{base}/api/sessions"), &body, stats).await;
    assert_eq!(s, 200, "creating a session: {v}");
    let seats = v["seats"].as_array().expect("seats");
    let find = |role: &str, k: usize| -> Seat {
        let x = seats
            .iter()
            .filter(|x| x["role"] == role)
            .nth(k)
            .unwrap_or_else(|| panic!("no {role} seat {k}: {v}"));
        Seat {
            token: x["token"].as_str().unwrap().to_string(),
            seat: x["seat"].as_i64().unwrap(),
        }
    };
    let parties = [find("party", 0), find("party", 1)];
    let mediator = find("mediator", 0);
    let mut allowed: [Vec<Vec<usize>>; 2] = [Vec::new(), Vec::new()];
    for (j, p) in parties.iter().enumerate() {
        let (s, st) = get_state(c, base, &p.token).await;
        assert_eq!(s, 200, "{st}");
        allowed[j] = st["brief"]["tables"]
            .as_array()
            .expect("the party's brief")
            .iter()
            .map(|t| {
                let t = t.as_array().unwrap();
                (0..t.len()).filter(|&o| t[o].is_number()).collect()
            })
            .collect();
    }
    Room {
        parties,
        mediator,
        allowed,
    }
}

async fn get_state(c: &reqwest::Client, base: &str, token: &str) -> (u16, Value) {
    loop {
        if let Ok(r) = c.get(format!("{base}/api/s/{token}/state")).send().await {
            let s = r.status().as_u16();
            if s == 429 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            if let Ok(t) = r.text().await {
                return (s, serde_json::from_str(&t).unwrap_or(Value::String(t)));
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends one message from `from` and records it when acknowledged: the answer is 200 and the
/// sender's view holds a message with this note.
#[allow(clippy::too_many_arguments)]
async fn send(
    c: &reqwest::Client,
    csrf: &str,
    base: &str,
    room: usize,
    from: &Seat,
    body: Value,
    stats: &Counters,
    log: &Mutex<(Vec<Ack>, Vec<f64>)>,
) {
    let url = format!("{base}/api/s/{}/messages", from.token);
    let note = body["note"].as_str().unwrap().to_string();
    let (s, v, dt) = post(c, csrf, &url, &body, stats).await;
    assert_eq!(s, 200, "room {room}: {body} was refused: {v}");
    let m = v["messages"]
        .as_array()
        .and_then(|ms| ms.iter().rev().find(|m| m["note"] == note.as_str()))
        .unwrap_or_else(|| panic!("room {room}: the answer does not show the message sent: {v}"));
    let mut l = log.lock().unwrap();
    l.0.push(Ack {
        room,
        token: from.token.clone(),
        seq: m["seq"].as_i64().unwrap(),
        kind: m["kind"].as_str().unwrap().to_string(),
        note,
    });
    l.1.push(dt);
    stats.acked.fetch_add(1, Ordering::Relaxed);
}

#[allow(clippy::too_many_arguments)]
async fn play(
    c: reqwest::Client,
    csrf: String,
    base: String,
    k: usize,
    room: Room,
    plan: Plan,
    stats: Arc<Counters>,
    log: Arc<Mutex<(Vec<Ack>, Vec<f64>)>>,
) {
    let pkg = |party: usize, i: usize| -> Vec<usize> {
        room.allowed[party]
            .iter()
            .enumerate()
            .map(|(j, opts)| opts[(i + j + k) % opts.len()])
            .collect()
    };
    for i in 0..plan.exchanges {
        let a = pkg(0, i);
        let b = pkg(1, i);
        let steps = [
            (
                &room.parties[0],
                json!({"kind": "offer", "package": a, "note": format!("r{k} x{i} offer 0")}),
            ),
            (
                &room.mediator,
                json!({"kind": "relay", "to": room.parties[1].seat, "package": a, "note": format!("r{k} x{i} relay 1")}),
            ),
            (
                &room.parties[1],
                json!({"kind": "offer", "package": b, "note": format!("r{k} x{i} offer 1")}),
            ),
            (
                &room.mediator,
                json!({"kind": "relay", "to": room.parties[0].seat, "package": b, "note": format!("r{k} x{i} relay 0")}),
            ),
        ];
        for (from, body) in steps {
            send(&c, &csrf, &base, k, from, body, &stats, &log).await;
        }
    }
}

/// Runs the plan against `server` (killing and restarting it when the plan says so); then
/// looks every acknowledged message up again. Panics on a lost message.
pub async fn run(server: Arc<Mutex<ServerProcess>>, plan: Plan) -> Outcome {
    let base = server.lock().unwrap().base();
    let c = http();
    let csrf = csrf(&c, &base).await;
    let stats = Arc::new(Counters::default());
    let log = Arc::new(Mutex::new((Vec::new(), Vec::new())));
    let mut rooms = Vec::new();
    for _ in 0..plan.rooms {
        rooms.push(create_room(&c, &csrf, &base, plan.exchanges + 2, &stats).await);
    }
    let total = plan.rooms * plan.exchanges * 4;
    let killed = Arc::new(AtomicBool::new(false));
    let downtime = Arc::new(Mutex::new(0.0));
    let t0 = Instant::now();
    let killer = plan.kill_at.map(|share| {
        let (stats, server, killed, downtime) = (
            stats.clone(),
            server.clone(),
            killed.clone(),
            downtime.clone(),
        );
        tokio::task::spawn_blocking(move || {
            while (stats.acked.load(Ordering::Relaxed) as f64) < share * total as f64 {
                std::thread::sleep(Duration::from_millis(5));
            }
            let t = Instant::now();
            let mut s = server.lock().unwrap();
            s.kill9();
            killed.store(true, Ordering::SeqCst);
            s.restart();
            *downtime.lock().unwrap() = t.elapsed().as_secs_f64();
        })
    });
    let tasks: Vec<_> = rooms
        .into_iter()
        .enumerate()
        .map(|(k, room)| {
            tokio::spawn(play(
                c.clone(),
                csrf.clone(),
                base.clone(),
                k,
                room,
                plan,
                stats.clone(),
                log.clone(),
            ))
        })
        .collect();
    for t in tasks {
        t.await.expect("a room's client failed");
    }
    let seconds = t0.elapsed().as_secs_f64();
    if let Some(k) = killer {
        k.await.unwrap();
        assert!(killed.load(Ordering::SeqCst), "the server was not killed");
    }
    let (acks, latencies) = std::mem::take(&mut *log.lock().unwrap());
    assert_eq!(acks.len(), total, "every message acknowledged in the end");
    // Every acknowledged message is in its sender's view, with its number, kind and note.
    let mut by_token: std::collections::HashMap<&str, Vec<&Ack>> = Default::default();
    for a in &acks {
        by_token.entry(a.token.as_str()).or_default().push(a);
    }
    for (token, list) in by_token {
        let (s, st) = get_state(&c, &base, token).await;
        assert_eq!(s, 200, "{st}");
        let msgs = st["messages"].as_array().unwrap();
        for a in list {
            let found = msgs.iter().any(|m| {
                m["seq"].as_i64() == Some(a.seq)
                    && m["kind"] == a.kind.as_str()
                    && m["note"] == a.note.as_str()
            });
            assert!(found, "lost: acknowledged message {a:?} is not stored");
        }
    }
    let downtime = *downtime.lock().unwrap();
    Outcome {
        acks,
        latencies,
        throttled: stats.throttled.load(Ordering::Relaxed),
        connection_errors: stats.conn.load(Ordering::Relaxed),
        seconds,
        downtime,
    }
}

/// The `q`-quantile of `xs` (nearest rank).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}
