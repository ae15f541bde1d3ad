//! Test harness: a real server on 127.0.0.1 (any free port) over a fresh SQLite file (or a
//! given database URL), and an HTTP client that keeps cookies and sends the CSRF token like
//! the pages do.
#![allow(dead_code)]

pub mod browser;
pub mod pg;

use std::time::Duration;

use reqwest::{Client as Http, Response, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;

/// A running server and what it runs on.
pub struct Server {
    /// Base URL, e.g. `http://127.0.0.1:4321`.
    pub base: String,
    /// The database argument it was started with.
    pub db: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// A server over a new SQLite file in a temporary folder.
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("detente.db").to_string_lossy().into_owned();
        let mut s = Server::start_with(&db).await;
        s._dir = Some(dir);
        s
    }

    /// A server over `db` (a SQLite path or a postgres:// URL).
    pub async fn start_with(db: &str) -> Server {
        Server::start_config(detente_server::Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            db: db.to_string(),
            job_threads: Some(1),
            ..detente_server::Config::default()
        })
        .await
    }

    /// A server with this configuration.
    pub async fn start_config(config: detente_server::Config) -> Server {
        let db = config.db.clone();
        let (tx, rx) = oneshot::channel::<()>();
        let (addr, fut) = detente_server::bind(&config, async {
            let _ = rx.await;
        })
        .await
        .expect("server starts");
        let task = tokio::spawn(async move {
            fut.await.expect("server runs");
        });
        Server {
            base: format!("http://{addr}"),
            db,
            stop: Some(tx),
            task: Some(task),
            _dir: None,
        }
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A new client (its own cookies, so its own CSRF token).
    pub async fn client(&self) -> Client {
        Client::new(&self.base).await
    }

    /// Stops the server gracefully and waits for it; returns the temporary folder of its
    /// SQLite file (if it made one), so that the database can outlive the server.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        self._dir.take()
    }
}

/// An HTTP client with a cookie jar and the CSRF token of its first page.
pub struct Client {
    /// The underlying client.
    pub http: Http,
    /// Base URL.
    pub base: String,
    /// The CSRF token (the `detente_csrf` cookie's value).
    pub csrf: String,
}

impl Client {
    /// Loads the start page to get a CSRF cookie.
    pub async fn new(base: &str) -> Client {
        let http = Http::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let r = http.get(format!("{base}/")).send().await.unwrap();
        let csrf = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .find_map(|h| {
                let s = h.to_str().ok()?;
                let v = s.strip_prefix("detente_csrf=")?;
                Some(v.split(';').next()?.to_string())
            })
            .expect("the start page sets a CSRF cookie");
        Client {
            http,
            base: base.to_string(),
            csrf,
        }
    }

    /// GET `path`; the response.
    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    /// GET `path`: status and body text.
    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// GET `path` as JSON: status and document.
    pub async fn json(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{}", self.base, path))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let s = r.status();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// POST a form (urlencoded) to `path` with the CSRF token.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// POST JSON to `path` with the CSRF token: status and the JSON answer.
    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf)
            .header("accept", "application/json")
            .json(body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// POST a multipart form with one file field `file` to `path` with the CSRF token.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: &[u8]) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.http
            .post(format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}
