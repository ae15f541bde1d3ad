//! The analysts' workbench over a real server: uploads (valid, invalid with located errors),
//! the scenario page, what-if edits, background jobs (result equal to detente-app's document,
//! cancellation, survival across a restart on SQLite and PostgreSQL, server-sent events) and
//! error statuses.

mod common;

use std::time::{Duration, Instant};

use common::pg::Postgres;
use common::{Client, Server};
use detente_app::simulate::SimOptions;
use serde_json::{json, Value};

const MUSCAT: &str = "/scenarios/builtin-muscat-2026";

/// The built-in Muscat scenario's text with one actor's capability made a string (line 58).
fn bad_toml() -> String {
    let src = detente_core::builtin::BUILTINS[0].source;
    let line = "capability = { low = 0.45, mode = 0.55, high = 0.65 }";
    assert_eq!(src.lines().nth(57), Some(line), "the fixture line moved");
    src.replacen(line, "capability = \"lots\"", 1)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Submits a job from the scenario page's form; the job's id.
async fn submit(c: &Client, scenario: &str, form: &[(&str, &str)]) -> String {
    let r = c.post_form(&format!("{scenario}/jobs"), form).await;
    let status = r.status();
    let loc = location(&r);
    assert_eq!(status, 303, "{}", r.text().await.unwrap());
    loc.strip_prefix("/jobs/")
        .expect("redirect to the job")
        .to_string()
}

async fn status(c: &Client, id: &str) -> Value {
    let (s, v) = c.json(&format!("/api/jobs/{id}")).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Polls the job until `pred` holds (or panics after `secs`).
async fn wait_for(c: &Client, id: &str, secs: u64, pred: impl Fn(&Value) -> bool) -> Value {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = status(c, id).await;
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < end, "job {id} never got there: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn is_final(v: &Value) -> bool {
    matches!(v["state"].as_str(), Some("done" | "failed" | "cancelled"))
}

async fn scenario_count(c: &Client) -> usize {
    let (s, body) = c.text("/scenarios").await;
    assert_eq!(s, 200);
    body.matches("<tr class=\"scenario\"").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_stored_when_valid_and_shown_with_located_errors_when_not() {
    let server = Server::start().await;
    let c = server.client().await;
    assert_eq!(scenario_count(&c).await, 1, "the built-in scenario only");

    // Invalid: 422, the text with the offending line marked, the located problem, not stored.
    let r = c
        .upload("/scenarios", "bad.toml", bad_toml().as_bytes())
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"problems\""), "{body}");
    assert!(
        body.contains("class=\"line bad-line\" id=\"L58\""),
        "line 58 marked: {body}"
    );
    assert!(body.contains("href=\"#L58\""), "{body}");
    assert!(body.contains("bad.toml:58:14"), "{body}");
    assert!(body.contains("actors[0].capability"), "{body}");
    assert!(body.contains("expected a number, found a string"), "{body}");
    assert!(body.contains("<pre class=\"source\""), "{body}");
    // The text is shown escaped.
    assert!(
        body.contains("capability = <mark class=\"col\">&quot;</mark>lots&quot;"),
        "{body}"
    );
    assert_eq!(scenario_count(&c).await, 1, "nothing stored");

    // A BDM CSV that is not a BDM file at all: refused, located.
    let r = c
        .upload(
            "/scenarios",
            "x.csv",
            b"Actor,Capability,Position,Salience\nA,lots,10,0.5\n",
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"problems\""));
    assert_eq!(scenario_count(&c).await, 1);

    // Valid TOML: stored as written, redirect to its page.
    let src = detente_core::builtin::BUILTINS[0].source;
    let r = c.upload("/scenarios", "mine.toml", src.as_bytes()).await;
    assert_eq!(r.status(), 303);
    let page = location(&r);
    assert!(page.starts_with("/scenarios/"), "{page}");
    let (s, body) = c.text(&page).await;
    assert_eq!(s, 200);
    assert!(body.contains("id=\"matrix\""));
    assert!(body.contains("mine.toml"));
    assert_eq!(scenario_count(&c).await, 2);

    // A valid BDM CSV is imported as the CLI imports it.
    let csv = b"Actor,Capability,Position,Salience\nA,100,10,0.5\nB,50,90,0.8\nC,70,40,0.6\n";
    let r = c.upload("/scenarios", "three.csv", csv).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (s, body) = c.text(&location(&r)).await;
    assert_eq!(s, 200);
    assert!(body.contains("(bdm)"), "{body}");
    assert_eq!(scenario_count(&c).await, 3);

    // No file at all: 400.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let r = c
        .http
        .post(server.url("/scenarios"))
        .header("x-csrf-token", &c.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_page_shows_the_matrix_and_checks_what_ifs() {
    let server = Server::start().await;
    let c = server.client().await;
    let (s, body) = c.text(MUSCAT).await;
    assert_eq!(s, 200);
    for id in [
        "id=\"matrix\"",
        "id=\"run-form\"",
        "id=\"run-simulate\"",
        "id=\"run-compare\"",
        "id=\"paths\"",
    ] {
        assert!(body.contains(id), "{id}");
    }
    // A cell per stance with position and salience, as `detente show` has them.
    let show = detente_app::show::scenario_json(&detente_core::builtin::muscat());
    let p = &show["positions"][0];
    let cell = format!(
        "data-actor=\"{}\" data-issue=\"{}\"",
        p["actor"].as_str().unwrap(),
        p["issue"].as_str().unwrap()
    );
    assert!(body.contains(&cell), "{cell}");
    assert!(body.contains("actors.israel.capability"));

    // A bad path: refused with detente-app's message, 422, no job queued.
    let r = c
        .post_form(
            &format!("{MUSCAT}/jobs"),
            &[
                ("kind", "simulate"),
                ("sets", "actors.nobody.capability=0.2"),
                ("runs", "10"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"set-errors\""), "{body}");
    assert!(body.contains("no actor `nobody`"), "{body}");
    assert!(
        body.contains("actors.nobody.capability=0.2"),
        "the form keeps the text"
    );
    // A value the changed scenario refuses: 422 with the problem.
    let r = c
        .post_form(
            &format!("{MUSCAT}/whatif"),
            &[("sets", "positions.iran.stockpile.salience=7")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"problems\""));
    // A good change previews the changed matrix.
    let r = c
        .post_form(
            &format!("{MUSCAT}/whatif"),
            &[("sets", "positions.iran.stockpile.salience=0.123")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"preview-ok\""), "{body}");
    assert!(body.contains("(0.123)"), "{body}");
    // Bad numbers: 400; past the limits or zero: 422.
    for (runs, want) in [("abc", 400), ("-3", 400), ("0", 422), ("1000001", 422)] {
        let r = c
            .post_form(
                &format!("{MUSCAT}/jobs"),
                &[("kind", "simulate"), ("runs", runs)],
            )
            .await;
        assert_eq!(r.status(), want, "runs {runs}");
    }
    let r = c
        .post_form(
            &format!("{MUSCAT}/jobs"),
            &[("kind", "analyze"), ("steps", "1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = c
        .post_form(&format!("{MUSCAT}/jobs"), &[("kind", "oracle")])
        .await;
    assert_eq!(r.status(), 400);
    let r = c
        .post_form(
            &format!("{MUSCAT}/jobs"),
            &[("kind", "compare"), ("runs", "10")],
        )
        .await;
    assert_eq!(r.status(), 422, "a comparison without changes");
    let (_, body) = c.text("/jobs").await;
    assert!(body.contains("No jobs yet"), "nothing was queued");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulate_job_gives_detente_apps_document_and_a_page_with_charts() {
    let server = Server::start().await;
    let c = server.client().await;
    let sets = "actors.israel.capability=0.2";
    let id = submit(
        &c,
        MUSCAT,
        &[
            ("kind", "simulate"),
            ("runs", "300"),
            ("seed", "7"),
            ("sets", sets),
        ],
    )
    .await;
    let v = wait_for(&c, &id, 120, is_final).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["done"], v["total"]);
    assert_eq!(v["total"], 300);

    let r = c.get(&format!("/jobs/{id}/result.json")).await;
    assert_eq!(r.status(), 200);
    let got = r.text().await.unwrap();
    let s = detente_app::load::apply_sets(&detente_core::builtin::muscat(), &[sets.to_string()])
        .unwrap();
    let want = detente_app::simulate::document(
        &s,
        &SimOptions {
            threads: Some(2),
            ..SimOptions::new(300, 7)
        },
        None,
        &detente_app::Quiet,
    )
    .unwrap();
    // Byte for byte the document detente-app makes (compared as text: serde_json reads
    // floats back to the nearest value only with its float_roundtrip feature).
    assert_eq!(got, serde_json::to_string(&want).unwrap());

    let (s, page) = c.text(&format!("/jobs/{id}")).await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"job-state\""));
    assert!(page.contains(">done<"));
    assert!(page.contains("id=\"results\""));
    assert!(page.contains("id=\"chart-outcomes\"") && page.contains("<svg"));
    assert!(page.contains("id=\"download-report\""));
    // The scenario page lists the job.
    let (_, body) = c.text(MUSCAT).await;
    assert!(body.contains(&format!("data-id=\"{id}\"")));

    // A comparison of two variants runs both, side by side.
    let id2 = submit(
        &c,
        MUSCAT,
        &[
            ("kind", "compare"),
            ("runs", "100"),
            ("sets", ""),
            ("compare", "events.military_strike.probability=0"),
        ],
    )
    .await;
    let v = wait_for(&c, &id2, 120, is_final).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["total"], 200);
    let (_, doc) = c.json(&format!("/jobs/{id2}/result.json")).await;
    assert_eq!(doc["compare"]["result"]["runs"], 100);
    let (_, page) = c.text(&format!("/jobs/{id2}")).await;
    assert!(page.contains("variant A beside variant B"));

    // The HTML report of the job's variant is the report page.
    let r = c.get(&format!("/jobs/{id}/report.html")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
        "{}",
        &html[..100]
    );
    assert!(html.contains("<svg"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forecast_analyze_and_sensitivity_jobs_finish() {
    let server = Server::start().await;
    let c = server.client().await;
    let f = submit(&c, MUSCAT, &[("kind", "forecast")]).await;
    let a = submit(&c, MUSCAT, &[("kind", "analyze"), ("steps", "3")]).await;
    let s = submit(&c, MUSCAT, &[("kind", "sensitivity"), ("runs", "5")]).await;
    for (id, table) in [
        (f, "forecast-table"),
        (a, "analysis-table"),
        (s, "factor-table"),
    ] {
        let v = wait_for(&c, &id, 180, is_final).await;
        assert_eq!(v["state"], "done", "{v}");
        let (_, page) = c.text(&format!("/jobs/{id}")).await;
        assert!(page.contains(table), "{table}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_job_can_be_cancelled_and_a_queued_one_too() {
    let server = Server::start().await;
    let c = server.client().await;
    let long = submit(&c, MUSCAT, &[("kind", "simulate"), ("runs", "1000000")]).await;
    let queued = submit(&c, MUSCAT, &[("kind", "simulate"), ("runs", "10")]).await;
    wait_for(&c, &long, 60, |v| {
        v["state"] == "running" && v["done"].as_i64() > Some(0)
    })
    .await;
    // The queued one is cancelled at once.
    let r = c.post_form(&format!("/jobs/{queued}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(&c, &queued).await["state"], "cancelled");
    // The running one stops at its next tick.
    let r = c.post_form(&format!("/jobs/{long}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    let v = wait_for(&c, &long, 30, is_final).await;
    assert_eq!(v["state"], "cancelled", "{v}");
    assert!(v["done"].as_i64().unwrap() < 1_000_000);
    // A finished job cannot be cancelled; it has no result.
    let r = c.post_form(&format!("/jobs/{long}/cancel"), &[]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        c.get(&format!("/jobs/{long}/result.json")).await.status(),
        409
    );
    server.stop().await;
}

/// A job running when the server stops, and one queued behind it, both run after a restart
/// over the same database.
async fn jobs_survive_a_restart(db: &str, first: Server) {
    let c = first.client().await;
    let long = submit(&c, MUSCAT, &[("kind", "simulate"), ("runs", "1000000")]).await;
    let small = submit(
        &c,
        MUSCAT,
        &[("kind", "simulate"), ("runs", "50"), ("seed", "3")],
    )
    .await;
    let before = wait_for(&c, &long, 60, |v| v["state"] == "running").await;
    let dir = first.stop().await;

    let second = Server::start_with(db).await;
    let c = second.client().await;
    assert_eq!(
        status(&c, &small).await["state"]
            .as_str()
            .map(|s| s == "queued" || s == "running"),
        Some(true)
    );
    // The running job was queued again and runs anew.
    let again = wait_for(&c, &long, 60, |v| {
        v["state"] == "running" && v["started_at"].as_i64() > before["started_at"].as_i64()
    })
    .await;
    assert!(again["cancel_requested"] == false);
    let r = c.post_form(&format!("/jobs/{long}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    let v = wait_for(&c, &small, 120, is_final).await;
    assert_eq!(v["state"], "done", "{v}");
    let (_, doc) = c.json(&format!("/jobs/{small}/result.json")).await;
    assert_eq!(doc["runs"], 50);
    second.stop().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_survive_a_restart_on_sqlite() {
    let first = Server::start().await;
    let db = first.db.clone();
    jobs_survive_a_restart(&db, first).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_survive_a_restart_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let url = pg.database("detente_workbench");
    let first = Server::start_with(&url).await;
    jobs_survive_a_restart(&url, first).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_sent_events_bring_progress_and_the_final_state() {
    let server = Server::start().await;
    let c = server.client().await;
    let id = submit(&c, MUSCAT, &[("kind", "simulate"), ("runs", "20000")]).await;
    let mut r = c.get(&format!("/jobs/{id}/events")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut text = String::new();
    let end = Instant::now() + Duration::from_secs(120);
    while let Some(chunk) = tokio::time::timeout_at(tokio::time::Instant::from_std(end), r.chunk())
        .await
        .expect("the stream ends")
        .unwrap()
    {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let events: Vec<(&str, Value)> = text
        .split("\n\n")
        .filter_map(|e| {
            let name = e.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = e.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name, serde_json::from_str(data).unwrap()))
        })
        .collect();
    let (last_name, last) = events.last().expect("events").clone();
    assert_eq!(last_name, "state");
    assert_eq!(last["state"], "done");
    assert_eq!(last["done"], 20000);
    assert!(events.iter().any(|(n, _)| *n == "progress"), "{text}");
    assert!(
        events
            .iter()
            .any(|(_, v)| v["state"] == "running" && v["done"].as_i64() > Some(0)),
        "live progress: {text}"
    );
    // A finished job's stream gives its final state at once.
    let r = c.get(&format!("/jobs/{id}/events")).await;
    let t = r.text().await.unwrap();
    assert!(t.contains("event: state"), "{t}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_and_bad_input_are_4xx_never_500() {
    let server = Server::start().await;
    let c = server.client().await;
    for path in [
        "/scenarios/builtin-nope",
        "/scenarios/0123456789abcdef0123",
        "/scenarios/..%2F..%2Fetc",
        "/jobs/nope",
        "/jobs/0123456789abcdef0123/events",
        "/jobs/x/result.json",
        "/jobs/x/report.html",
    ] {
        let (s, body) = c.text(path).await;
        assert_eq!(s, 404, "{path}: {body}");
    }
    let (s, v) = c.json("/api/jobs/nope").await;
    assert_eq!(s, 404);
    assert!(v["error"].as_str().unwrap().contains("no job"), "{v}");
    let r = c.post_form("/jobs/nope/cancel", &[]).await;
    assert_eq!(r.status(), 404);
    let r = c
        .post_form("/scenarios/builtin-nope/jobs", &[("kind", "simulate")])
        .await;
    assert_eq!(r.status(), 404);
    // Binary junk as an upload: 422, not a 500.
    let r = c
        .upload("/scenarios", "junk.toml", &[0xff, 0xfe, 0x00, 0x01])
        .await;
    assert_eq!(r.status(), 422);
    // No CSRF token: refused.
    let r = c
        .http
        .post(server.url(&format!("{MUSCAT}/jobs")))
        .form(&[("kind", "simulate")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Assets are served.
    assert_eq!(c.get("/assets/workbench.js").await.status(), 200);
    assert_eq!(c.get("/assets/workbench.css").await.status(), 200);
    server.stop().await;
}

/// The reference data beside the repository (`../shared/data`).
fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genius_domains_and_ktab_files_upload_as_the_cli_reads_them() {
    let dir = shared("genius/LaptopA");
    if !dir.exists() {
        eprintln!("skipped: no reference data at {}", dir.display());
        return;
    }
    let server = Server::start().await;
    let c = server.client().await;
    // A GENIUS domain and its two profiles, in one upload.
    let mut form = reqwest::multipart::Form::new();
    for f in [
        "Laptop-A-domain.xml",
        "Laptop-A-prof1.xml",
        "Laptop-A-prof2.xml",
    ] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(f));
    }
    let r = c
        .http
        .post(server.url("/scenarios"))
        .header("x-csrf-token", &c.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = location(&r);
    let (s, body) = c.text(&page).await;
    assert_eq!(s, 200);
    assert!(
        body.contains("(genius)") && body.contains("id=\"matrix\""),
        "{body}"
    );
    // It is analysed under GENIUS's convention, as `detente analyze FOLDER`.
    let id = submit(&c, &page, &[("kind", "analyze")]).await;
    let v = wait_for(&c, &id, 60, is_final).await;
    assert_eq!(v["state"], "done", "{v}");
    let r = c.get(&format!("/jobs/{id}/result.json")).await;
    let got = r.text().await.unwrap();
    let problem = detente_app::problem::load_problem(&detente_app::Source::file(&dir), 11).unwrap();
    assert_eq!(
        got,
        serde_json::to_string(&detente_app::analyze::document(&problem)).unwrap()
    );
    // The domain alone has no parties: refused with the reason, nothing stored.
    let domain = std::fs::read(dir.join("Laptop-A-domain.xml")).unwrap();
    let r = c.upload("/scenarios", "Laptop-A-domain.xml", &domain).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("without profiles"), "{body}");
    assert!(!body.contains("/tmp/"), "no temporary paths: {body}");
    // A KTAB CSV.
    let ktab = shared("ktab/dummyData_3Dim.csv");
    let r = c
        .upload(
            "/scenarios",
            "dummyData_3Dim.csv",
            &std::fs::read(ktab).unwrap(),
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, body) = c.text(&location(&r)).await;
    assert!(body.contains("(ktab)"), "{body}");
    assert_eq!(scenario_count(&c).await, 3);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_can_be_queued_over_the_json_api() {
    let server = Server::start().await;
    let c = server.client().await;
    let api = format!("/api{MUSCAT}/jobs");
    // The same job as the form's, as JSON: 202 with its status and links; the same document.
    let (s, v) = c
        .post_json(
            &api,
            &json!({"kind": "simulate", "runs": 300, "seed": 7, "sets": ["actors.israel.capability=0.2"]}),
        )
        .await;
    assert_eq!(s, 202, "{v}");
    let id = v["id"].as_str().expect("the job's id").to_string();
    assert_eq!(v["links"]["status"], format!("/api/jobs/{id}"));
    let done = wait_for(&c, &id, 120, is_final).await;
    assert_eq!(done["state"], "done", "{done}");
    let by_form = submit(
        &c,
        MUSCAT,
        &[
            ("kind", "simulate"),
            ("runs", "300"),
            ("seed", "7"),
            ("sets", "actors.israel.capability=0.2"),
        ],
    )
    .await;
    wait_for(&c, &by_form, 120, is_final).await;
    let a = c.text(&format!("/jobs/{id}/result.json")).await.1;
    let b = c.text(&format!("/jobs/{by_form}/result.json")).await.1;
    assert_eq!(a, b, "the API and the form run the same job");
    // Refusals are JSON errors with the reason.
    for (body, status, says) in [
        (json!({"kind": "dance"}), 400, "unknown job kind"),
        (json!({"kind": "simulate", "runs": "many"}), 400, "runs"),
        (json!({"kind": "simulate", "runs": 2_000_000}), 422, "runs"),
        (
            json!({"kind": "simulate", "sets": ["actors.nobody.capability=1"]}),
            422,
            "cannot be applied",
        ),
        (json!({"kind": "simulate", "sets": [1]}), 400, "PATH=VALUE"),
        (
            json!({"kind": "simulate", "colour": "red"}),
            400,
            "unknown field",
        ),
        (json!(["simulate"]), 400, "object"),
    ] {
        let (s, v) = c.post_json(&api, &body).await;
        assert_eq!(s, status, "{body}: {v}");
        let e = v["error"].as_str().unwrap_or_default();
        assert!(e.contains(says), "{body}: {e}");
    }
    let (s, v) = c
        .post_json("/api/scenarios/no-such/jobs", &json!({"kind": "forecast"}))
        .await;
    assert_eq!(s, 404, "{v}");
    server.stop().await;
}
