//! `detente serve` as a process: bad configuration is refused with a message, and a crash
//! (SIGKILL while scripted clients exchange messages in several rooms) loses no acknowledged
//! message: after a restart on the same SQLite file every one is there.

#[path = "../../detente-server/tests/common/scripted.rs"]
mod scripted;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_detente"))
}

#[test]
fn a_bad_database_or_address_is_refused_with_a_message() {
    let out = Command::new(bin())
        .args(["serve", "--db", "mysql://x/y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("postgres://"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(bin())
        .args(["serve", "--addr", &addr, "--db"])
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot listen on"), "{err}");
    let out = Command::new(bin())
        .args(["serve", "--db"])
        .arg(dir.path().join("no/such/folder/x.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
}

#[test]
fn a_killed_server_loses_no_acknowledged_message() {
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(Mutex::new(scripted::ServerProcess::start(
        &bin(),
        &dir.path().join("crash.db"),
    )));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let plan = scripted::Plan {
        rooms: 12,
        exchanges: 3,
        kill_at: Some(0.4),
    };
    // `run` panics when an acknowledged message is missing after the restart.
    let out = rt.block_on(scripted::run(server, plan));
    assert_eq!(out.acks.len(), 12 * 3 * 4);
}
