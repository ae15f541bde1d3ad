//! `detente serve`: the web workbench and live negotiation rooms (crate `detente-server`).

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::cli::CmdResult;
use crate::render::{print_json, CliError};

/// Flags of `detente serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Database: a SQLite file (created if missing), sqlite://FILE, or postgres://USER@HOST/DB.
    #[arg(long, default_value = "detente.db")]
    pub db: String,
    /// Threads for background jobs (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Starts the server and serves until Ctrl-C (which exits at once: every accepted message and
/// job change is already committed; running jobs are queued again at the next start).
pub fn run(a: &Args, json: bool) -> CmdResult {
    detente_app::limits::threads(a.threads).map_err(CliError::from)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the server's runtime: {e}")))?;
    let config = detente_server::Config {
        addr: a.addr,
        db: a.db.clone(),
        job_threads: a.threads,
        ..detente_server::Config::default()
    };
    rt.block_on(async {
        let (addr, server) = detente_server::bind(&config, std::future::pending())
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?;
        if json {
            print_json(&serde_json::json!({ "url": format!("http://{addr}/"), "db": a.db }));
        } else {
            println!(
                "detente serve: http://{addr}/ (database {}); Ctrl-C stops",
                a.db
            );
        }
        server
            .await
            .map_err(|e| CliError::Usage(format!("the server stopped: {e}")))?;
        Ok(ExitCode::SUCCESS)
    })
}
