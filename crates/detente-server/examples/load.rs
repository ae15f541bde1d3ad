//! Load test of `detente serve` (run by `bench/serve-load.sh`; loopback only): ROOMS concurrent
//! shuttle rooms whose seats are scripted clients exchanging offers through the mediator over
//! the JSON API; optionally the server is killed with SIGKILL part-way and restarted on the
//! same database, after which every acknowledged message is looked up again.
//!
//! ```sh
//! cargo run --release -p detente-server --example load -- \
//!     --detente target/release/detente --rooms 200 --exchanges 5 --kill-at 0.5 [--db FILE] [--json]
//! ```
//! Prints p50/p99/max latency of acknowledged messages, throughput, throttled requests,
//! connection errors while the server was down, the downtime, and "lost: 0" (it panics on a
//! lost message).

#[path = "../tests/common/scripted.rs"]
mod scripted;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use scripted::{quantile, Plan, ServerProcess};

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: cannot read `{v}`"))
        })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bin: PathBuf = arg(&args, "--detente").unwrap_or_else(|| "target/release/detente".into());
    let rooms: usize = arg(&args, "--rooms").unwrap_or(200);
    let exchanges: usize = arg(&args, "--exchanges").unwrap_or(5);
    let kill_at: Option<f64> = arg(&args, "--kill-at");
    let json = args.iter().any(|a| a == "--json");
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = arg(&args, "--db").unwrap_or_else(|| dir.path().join("load.db"));
    assert!(
        rooms > 0 && rooms <= 10_000 && exchanges > 0 && exchanges <= 100,
        "--rooms 1..=10000, --exchanges 1..=100"
    );
    if let Some(k) = kill_at {
        assert!(
            k > 0.0 && k < 1.0,
            "--kill-at is a share of the messages, in (0, 1)"
        );
    }
    let server = Arc::new(Mutex::new(ServerProcess::start(&bin, &db)));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let plan = Plan {
        rooms,
        exchanges,
        kill_at,
    };
    let out = rt.block_on(scripted::run(server.clone(), plan));
    let n = out.acks.len() as f64;
    let doc = serde_json::json!({
        "rooms": rooms,
        "messages": out.acks.len(),
        "seconds": out.seconds,
        "throughput_per_s": n / out.seconds,
        "latency_ms": {
            "p50": 1e3 * quantile(&out.latencies, 0.5),
            "p99": 1e3 * quantile(&out.latencies, 0.99),
            "max": 1e3 * quantile(&out.latencies, 1.0),
        },
        "throttled": out.throttled,
        "connection_errors": out.connection_errors,
        "killed": kill_at.is_some(),
        "downtime_s": out.downtime,
        "lost": 0,
    });
    if json {
        println!("{doc}");
    } else {
        println!(
            "{rooms} rooms, {} messages in {:.2} s: {:.0} messages/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} throttled (429), {} connection errors{}; lost: 0",
            out.acks.len(),
            out.seconds,
            n / out.seconds,
            doc["latency_ms"]["p50"].as_f64().unwrap(),
            doc["latency_ms"]["p99"].as_f64().unwrap(),
            doc["latency_ms"]["max"].as_f64().unwrap(),
            out.throttled,
            out.connection_errors,
            if kill_at.is_some() {
                format!("; killed with SIGKILL and restarted ({:.2} s down)", out.downtime)
            } else {
                String::new()
            }
        );
    }
}
