//! Why a request failed, as the client sees it: a 4xx status with a sentence for anything the
//! client did, a 500 with no details (the details go to the server's log) for anything else.
//! Pages get an HTML error page; `/api/…` routes and `Accept: application/json` get JSON
//! `{"error": …}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A request's failure.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The server cannot start with this configuration (address, database).
    #[error("{0}")]
    BadConfig(String),
    /// Malformed or invalid input.
    #[error("{0}")]
    BadRequest(String),
    /// Input that parses but cannot be processed (a scenario with errors, a refused job).
    #[error("{0}")]
    Unprocessable(String),
    /// No such thing (or not visible with this token: the same answer, on purpose).
    #[error("{0}")]
    NotFound(String),
    /// The request is not allowed (a missing or wrong CSRF token, a seat writing out of turn).
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (a session that has ended).
    #[error("{0}")]
    Conflict(String),
    /// Too many requests for this token.
    #[error("too many requests; slow down and try again in a second")]
    TooMany,
    /// The database failed.
    #[error("storage error: {0}")]
    Db(#[from] sqlx::Error),
    /// Anything else that is the server's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServerError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::Conflict(_) => StatusCode::CONFLICT,
            ServerError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            ServerError::BadConfig(_) | ServerError::Db(_) | ServerError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The message a client may see (server faults say only that they happened).
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "internal server error (the server's log has the details)".to_string()
        } else {
            self.to_string()
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            eprintln!("detente-server: {self}");
        }
        // The error page or JSON is chosen by `error::negotiate_format` (a middleware marks
        // API requests); by default, an HTML page.
        let mut resp = crate::page::error_page(status, &self.public_message()).into_response();
        *resp.status_mut() = status;
        resp.extensions_mut()
            .insert(ErrorMessage(self.public_message()));
        resp
    }
}

/// The message of an error response, kept so the API middleware can answer in JSON instead.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

/// Shorthand for handler results.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;
