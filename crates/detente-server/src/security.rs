//! Tokens, CSRF protection and rate limits.
//!
//! - **Tokens**: 32 random bytes from the OS generator, hex-encoded (64 characters): one per
//!   seat, one per session's facilitator, one per CSRF cookie. A token is the only credential;
//!   an unknown token gets the same 404 as a missing page.
//! - **CSRF**: every response sets a `detente_csrf` cookie (SameSite=Strict, HttpOnly) when the
//!   request had none, and hands its value to the page (forms put it in their action URL as
//!   `_csrf`, scripts send it as `x-csrf-token`). A request that changes anything (any method
//!   but GET/HEAD) must carry the cookie and the same value in the header or the query, and an
//!   `Origin` header, when present, must name this host.
//! - **Rate limits**: a token bucket per credential (the token in the path, else the client's
//!   address), refilled at [`RATE_PER_SECOND`] with bursts of [`RATE_BURST`].

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::RngCore;

use crate::error::ServerError;

/// Name of the CSRF cookie.
pub const CSRF_COOKIE: &str = "detente_csrf";
/// Requests per second a credential may make, sustained.
pub const RATE_PER_SECOND: u32 = 30;
/// Requests a credential may make in a burst.
pub const RATE_BURST: u32 = 120;

/// A new unguessable token: 32 bytes from the OS's generator, as 64 hex digits.
pub fn token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// True when `s` has the shape of a token (so that anything else is rejected before a lookup).
pub fn is_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The CSRF token of the request being handled (request extension set by [`csrf`]).
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

fn cookie_value(req: &Request) -> Option<String> {
    req.headers().get_all(COOKIE).iter().find_map(|h| {
        h.to_str().ok()?.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == CSRF_COOKIE && is_token(v)).then(|| v.to_string())
        })
    })
}

fn query_csrf(req: &Request) -> Option<String> {
    req.uri().query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "_csrf").then(|| v.to_string())
    })
}

/// Middleware: the CSRF cookie and check (see the module documentation).
pub async fn csrf(mut req: Request, next: Next) -> Response {
    let cookie = cookie_value(&req);
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Some(origin) = req.headers().get(ORIGIN) {
            let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://").map(|(_, h)| h.to_string()));
            if origin.as_bytes() != b"null" && host.is_some() && origin_host.as_deref() != host {
                return ServerError::Forbidden(
                    "cross-site request refused (its Origin is not this server)".into(),
                )
                .into_response();
            }
        }
        let given = req
            .headers()
            .get("x-csrf-token")
            .and_then(|h| h.to_str().ok().map(str::to_string))
            .or_else(|| query_csrf(&req));
        match (&cookie, given) {
            (Some(c), Some(g)) if *c == g => {}
            (None, _) => {
                return ServerError::Forbidden(
                    "missing CSRF cookie: load the page again and resubmit".into(),
                )
                .into_response()
            }
            _ => {
                return ServerError::Forbidden(
                    "missing or wrong CSRF token: load the page again and resubmit".into(),
                )
                .into_response()
            }
        }
    }
    let (value, fresh) = match cookie {
        Some(c) => (c, false),
        None => (token(), true),
    };
    req.extensions_mut().insert(Csrf(value.clone()));
    let mut resp = next.run(req).await;
    if fresh {
        let c = format!("{CSRF_COOKIE}={value}; Path=/; SameSite=Strict; HttpOnly");
        if let Ok(h) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(SET_COOKIE, h);
        }
    }
    resp
}

/// Per-credential rate limiter.
pub type Limiter = Arc<DefaultKeyedRateLimiter<String>>;

/// A new limiter with the default quota.
pub fn limiter() -> Limiter {
    limiter_with(RATE_PER_SECOND, RATE_BURST)
}

/// A limiter refilling `per_second` with bursts of `burst` (both at least 1).
pub fn limiter_with(per_second: u32, burst: u32) -> Limiter {
    let q = Quota::per_second(NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN));
    Arc::new(RateLimiter::keyed(q))
}

/// The credential a request is counted against: the first token in its path, else the client.
fn credential(req: &Request) -> String {
    if let Some(t) = req.uri().path().split('/').find(|s| is_token(s)) {
        return t.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".to_string())
}

/// Middleware: answers 429 when the request's credential is over its quota.
pub async fn rate_limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/assets/") {
        return next.run(req).await;
    }
    let key = credential(&req);
    if limiter.check_key(&key).is_err() {
        return ServerError::TooMany.into_response();
    }
    let r = next.run(req).await;
    if limiter.len() > 100_000 {
        limiter.retain_recent();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unguessable_and_recognised() {
        let a = token();
        let b = token();
        assert_ne!(a, b);
        assert!(is_token(&a) && is_token(&b));
        assert!(!is_token("abc"));
        assert!(!is_token(&a.to_uppercase()));
        assert!(!is_token(&format!("{}g", &a[..63])));
    }

    #[test]
    fn the_limiter_refuses_a_burst_beyond_its_quota() {
        let l = limiter_with(1, 3);
        let k = "x".to_string();
        assert!((0..3).all(|_| l.check_key(&k).is_ok()));
        assert!(l.check_key(&k).is_err());
        assert!(l.check_key(&"y".to_string()).is_ok());
    }
}
