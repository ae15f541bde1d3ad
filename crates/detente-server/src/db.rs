//! Storage: one connection pool over SQLite (the default, a file in WAL mode) or PostgreSQL
//! (`postgres://…`), both through sqlx's `Any` driver with the same migrations
//! (`migrations/`, embedded in the binary). Queries use `$1`-style parameters and portable
//! types only (TEXT, BIGINT, DOUBLE PRECISION), so every statement runs on both.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::ServerError;

/// The database behind the server.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool; every query goes through it.
    pub pool: AnyPool,
    /// Which server it is.
    pub kind: DbKind,
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Turns what the user gave `--db` into a URL: a `postgres://`/`postgresql://` or `sqlite:`
/// URL is kept; anything else is a path to a SQLite file (created when missing).
pub fn url_of(db: &str) -> Result<(String, DbKind), ServerError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok((db.to_string(), DbKind::Postgres))
    } else if let Some(rest) = db.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() {
            return Err(ServerError::BadConfig(format!(
                "--db {db}: expected a SQLite file path after sqlite://"
            )));
        }
        Ok((format!("sqlite://{path}?mode=rwc"), DbKind::Sqlite))
    } else if db.contains("://") {
        Err(ServerError::BadConfig(format!(
            "--db {db}: expected a SQLite file path, sqlite://FILE or postgres://…"
        )))
    } else if db.is_empty() {
        Err(ServerError::BadConfig(
            "--db: expected a SQLite file path or a postgres:// URL, got nothing".into(),
        ))
    } else {
        Ok((format!("sqlite://{db}?mode=rwc"), DbKind::Sqlite))
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn open(db: &str) -> Result<Db, ServerError> {
        sqlx::any::install_default_drivers();
        let (url, kind) = url_of(db)?;
        let opts: AnyConnectOptions = url
            .parse()
            .map_err(|e| ServerError::BadConfig(format!("--db {db}: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(if kind == DbKind::Sqlite { 4 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if kind == DbKind::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| ServerError::BadConfig(format!("--db {db}: cannot connect: {e}")))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| ServerError::BadConfig(format!("--db {db}: migrations failed: {e}")))?;
        Ok(Db { pool, kind })
    }
}

/// Now, in Unix milliseconds (the time every row carries).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_arguments_become_urls() {
        assert_eq!(
            url_of("data/x.db").unwrap(),
            ("sqlite://data/x.db?mode=rwc".into(), DbKind::Sqlite)
        );
        assert_eq!(url_of("postgres://u@h/d").unwrap().1, DbKind::Postgres);
        assert_eq!(
            url_of("sqlite:///tmp/a.db").unwrap().0,
            "sqlite:///tmp/a.db?mode=rwc"
        );
        assert!(url_of("mysql://x").is_err());
        assert!(url_of("").is_err());
    }
}
