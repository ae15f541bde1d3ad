//! The page frame every HTML page shares (header, navigation, the stylesheet and script
//! links), error pages, and small helpers for templates. Pages are maud templates: every
//! interpolated value is HTML-escaped unless wrapped in `PreEscaped` (used only for the
//! report's own SVG charts, which escape their text themselves).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

/// The stylesheet, embedded in the binary and served at `/assets/style.css`.
pub const STYLE: &str = include_str!("../assets/style.css");
/// The progressive script, embedded and served at `/assets/app.js`: live progress bars
/// (server-sent events), the live "what is this worth to me" score, room updates. Every page
/// works without it (forms post, pages reload).
pub const SCRIPT: &str = include_str!("../assets/app.js");

/// A whole page: `title`, the CSRF token forms on it carry, and its body.
pub fn frame(title: &str, csrf: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(csrf);
                title { (title) " · detente" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "detente" }
                    nav {
                        a href="/scenarios" { "Workbench" }
                        a href="/sessions/new" { "New negotiation room" }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The page of an error response.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    frame(
        status.canonical_reason().unwrap_or("Error"),
        "",
        html! {
            h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("Error")) }
            p.error { (message) }
            p { a href="/" { "Back to the start page" } }
        },
    )
}

/// A form's action URL with the CSRF token attached (`?_csrf=…`), for forms that post.
pub fn action(path: &str, csrf: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}_csrf={csrf}")
}

/// An embedded asset (stylesheet or script) as a response of type `kind`, revalidated on every
/// load (`no-cache`) so that a new server version is picked up at once.
pub fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
