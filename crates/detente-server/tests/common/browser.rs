//! A real headless Chromium for the browser tests, driven over WebDriver (fantoccini) through
//! Debian's `chromedriver` (packages `chromium` and `chromium-driver`). Screenshots go to
//! `target/screenshots/server-*.png` for review.
//!
//! Without the packages, [`Browser::start`] returns `None` and the test says it skipped; CI
//! installs them and sets `DETENTE_REQUIRE_BROWSER=1`, which turns their absence into a failure.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A WebDriver session on headless Chromium.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Where screenshots are kept.
pub fn screenshot_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

impl Browser {
    /// Starts chromedriver and a headless Chromium at 1280×900, or `None` when they are not
    /// installed and not required.
    pub async fn start() -> Option<Browser> {
        if !(std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists())
        {
            if std::env::var_os("DETENTE_REQUIRE_BROWSER").is_some() {
                panic!("Chromium and chromedriver are required (DETENTE_REQUIRE_BROWSER) but {CHROMIUM} or {CHROMEDRIVER} is missing");
            }
            eprintln!("skipped: no {CHROMIUM} / {CHROMEDRIVER} (apt-get install chromium chromium-driver)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-quic",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let t0 = Instant::now();
        let client = loop {
            let r = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match r {
                Ok(c) => break c,
                Err(e) if t0.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a WebDriver session: {e}"),
            }
        };
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Saves a screenshot of the window as `target/screenshots/server-{name}.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let p = screenshot_dir().join(format!("server-{name}.png"));
        std::fs::write(&p, png).unwrap();
        p
    }

    /// Waits (up to `secs` seconds) for an element matching `css`.
    pub async fn wait_for(&self, css: &str, secs: u64) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(secs))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` within {secs} s: {e}"))
    }

    /// Clicks the first element matching `css` (found again if the page replaced it between
    /// the lookup and the click, as live pages do).
    pub async fn click(&self, css: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            match self.client.find(Locator::Css(css)).await {
                Ok(e) => match e.click().await {
                    Ok(_) => return,
                    Err(err) => last = err.to_string(),
                },
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("cannot click `{css}` within 5 s: {last}")
    }

    /// The text of the first element matching `css` (found again if the page replaced it
    /// between the lookup and the read, as live pages do).
    pub async fn text_of(&self, css: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            match self.client.find(Locator::Css(css)).await {
                Ok(e) => match e.text().await {
                    Ok(t) => return t,
                    Err(err) => last = err.to_string(),
                },
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no readable element `{css}` within 5 s: {last}")
    }

    /// The attribute `name` of the first element matching `css`, if both exist (found again
    /// if the page replaced the element meanwhile).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        for _ in 0..20 {
            let Ok(e) = self.client.find(Locator::Css(css)).await else {
                return None;
            };
            match e.attr(name).await {
                Ok(v) => return v,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        None
    }

    /// Ends the session and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.stop();
    }

    /// Stops chromedriver and every Chromium process of this session's profile (killing the
    /// driver alone would leave a browser behind when a test fails before `close`).
    fn stop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = Command::new("pkill")
            .args(["-f", "--"])
            .arg(format!(
                "--user-data-dir={}",
                self._profile.path().display()
            ))
            .status();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop();
    }
}
