//! Background jobs (to be filled by the workbench).

use crate::db::Db;
use crate::error::ServerError;

/// The job runner.
#[derive(Clone)]
pub struct Jobs {
    /// The database jobs are stored in.
    pub db: Db,
}

impl Jobs {
    /// Starts the runner.
    pub async fn start(db: Db, _threads: Option<usize>) -> Result<Jobs, ServerError> {
        Ok(Jobs { db })
    }
}
