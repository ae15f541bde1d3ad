//! The analysts' workbench (to be filled).

use axum::Router;

use crate::AppState;

/// The workbench's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
