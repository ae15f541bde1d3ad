//! Live negotiation rooms (to be filled).

use axum::Router;

use crate::db::Db;
use crate::AppState;

/// The rooms' in-memory side.
#[derive(Clone)]
pub struct Hub {
    /// The database.
    pub db: Db,
}

impl Hub {
    /// A new hub.
    pub fn new(db: Db) -> Hub {
        Hub { db }
    }
}

/// The rooms' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
