//! End-to-end in a real headless Chromium (WebDriver, Debian's chromium + chromium-driver): what
//! a user does, through the pages. Screenshots of every page visited are saved in
//! `target/screenshots/server-*.png` for review.

mod common;

use std::time::{Duration, Instant};

use common::browser::Browser;
use common::Server;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_renders_and_links_both_halves() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let server = Server::start().await;
    b.client.goto(&server.url("/")).await.unwrap();
    b.wait_for("header.top a.brand", 10).await;
    let text = b.text_of("main").await;
    assert!(
        text.contains("Workbench") && text.contains("Negotiation rooms"),
        "{text}"
    );
    b.screenshot("start").await;
    b.close().await;
    server.stop().await;
}

/// Polls `f` every 100 ms until it returns `Some`, for at most `secs` seconds.
async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let t0 = Instant::now();
    loop {
        if let Some(t) = f().await {
            return t;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attr(b: &Browser, css: &str, name: &str) -> Option<String> {
    b.attr(css, name).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_uploads_a_broken_file_sees_the_error_then_simulates_with_a_live_bar() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    // The Muscat scenario with one bad value: a capability written as a word.
    let muscat = detente_core::builtin::BUILTINS[0].source;
    let bad_line = muscat
        .lines()
        .position(|l| l.trim_start().starts_with("capability"))
        .expect("a capability line");
    let broken: String = muscat
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == bad_line {
                "capability = \"high\"\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, broken).unwrap();

    b.client.goto(&server.url("/scenarios")).await.unwrap();
    let input = b.wait_for("#upload-file", 10).await;
    input.send_keys(&file.to_string_lossy()).await.unwrap();
    b.click("#upload-submit").await;
    b.wait_for("#problems", 10).await;
    let problems = b.text_of("#problems").await;
    assert!(
        problems.contains("broken.toml") && problems.contains(&format!("{}", bad_line + 1)),
        "the problem names the file and line {}: {problems}",
        bad_line + 1
    );
    let marked = b.text_of(".bad-line").await;
    assert!(
        marked.contains("capability = \"high\""),
        "the marked line: {marked}"
    );
    b.screenshot("upload-error").await;

    // Simulate the built-in scenario: the job page's bar fills and the results appear.
    b.client
        .goto(&server.url("/scenarios/builtin-muscat-2026"))
        .await
        .unwrap();
    b.wait_for("#matrix", 10).await;
    b.screenshot("scenario").await;
    let runs = b.wait_for("#runs", 10).await;
    runs.clear().await.unwrap();
    runs.send_keys("20000").await.unwrap();
    b.click("#run-simulate").await;
    b.wait_for("progress#job-progress", 10).await;
    // The bar moves while the job runs (server-sent events), then the page shows the results.
    let mut seen = Vec::new();
    let t0 = Instant::now();
    loop {
        if let Some(v) = attr(&b, "progress#job-progress", "value").await {
            seen.push(v);
        }
        if b.text_of("#job-state").await.contains("done") {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(240),
            "the job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.wait_for("#results #chart-outcomes", 30).await;
    let values: Vec<f64> = seen.iter().filter_map(|v| v.parse().ok()).collect();
    assert!(
        values.iter().any(|&v| v > 0.0),
        "the progress bar never moved: {seen:?}"
    );
    b.screenshot("job-done").await;

    // A what-if side by side: variant B without the new petroleum sanctions.
    b.client
        .goto(&server.url("/scenarios/builtin-muscat-2026"))
        .await
        .unwrap();
    let compare = b.wait_for("#compare", 10).await;
    compare
        .send_keys("events.petroleum_sanctions.probability=0")
        .await
        .unwrap();
    let runs = b.wait_for("#runs", 10).await;
    runs.clear().await.unwrap();
    runs.send_keys("4000").await.unwrap();
    b.click("#run-compare").await;
    let t0 = Instant::now();
    while !b.text_of("#job-state").await.contains("done") {
        assert!(
            t0.elapsed() < Duration::from_secs(240),
            "the comparison did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    b.wait_for("#results #variants", 30).await;
    let table = b.text_of("#outcome-table").await;
    assert!(table.contains('A') && table.contains('B'), "{table}");
    b.client
        .execute(
            "document.getElementById('results').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot("job-compare").await;
    b.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_plays_iran_against_an_agent_through_the_mediator_to_an_agreement() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let server = Server::start().await;
    // The facilitator opens a shuttle room: Iran a person, the United States a conceding
    // detente agent, the mediator a detente agent; 20 offers each.
    b.client.goto(&server.url("/sessions/new")).await.unwrap();
    b.wait_for("#new-session", 10).await;
    b.client
        .find(Locator::Css("select[name=strategy_1]"))
        .await
        .unwrap()
        .select_by_value("conceder")
        .await
        .unwrap();
    let rounds = b.wait_for("#rounds", 5).await;
    rounds.clear().await.unwrap();
    rounds.send_keys("20").await.unwrap();
    b.screenshot("new-session").await;
    b.click("#create-session").await;
    b.wait_for("#invite-links a.invite", 10).await;
    b.screenshot("facilitator").await;
    let facilitator = b.client.current_url().await.unwrap().to_string();
    let invite = attr(&b, "#invite-links a.invite", "href").await.unwrap();

    // Iran's room: its brief, an offer built issue by issue with its live worth.
    b.client.goto(&invite).await.unwrap();
    b.wait_for("#brief", 10).await;
    let worth_before = b.text_of("#worth").await;
    let selects = b
        .client
        .find_all(Locator::Css("#offer-builder select[data-issue]"))
        .await
        .unwrap();
    assert!(selects.len() >= 2, "one select per issue");
    // Choose, on every issue, the option Iran values most (from its own tables on the page).
    let tables: serde_json::Value =
        serde_json::from_str(&attr(&b, "#offer-builder", "data-utility").await.unwrap()).unwrap();
    let best: Vec<usize> = (0..selects.len())
        .map(|k| {
            let t = tables["tables"][k].as_array().unwrap();
            (0..t.len())
                .filter(|&o| t[o].is_number())
                .max_by(|&x, &y| t[x].as_f64().unwrap().total_cmp(&t[y].as_f64().unwrap()))
                .unwrap()
        })
        .collect();
    let choose_best = || async {
        for (k, o) in best.iter().enumerate() {
            b.client
                .find(Locator::Css(&format!("#offer-builder #issue_{k}")))
                .await
                .unwrap()
                .select_by_value(&o.to_string())
                .await
                .unwrap();
        }
    };
    // First a package across one of Iran's red lines: shown as such, and refused if sent.
    let vetoed = (0..selects.len()).find_map(|k| {
        let t = tables["tables"][k].as_array().unwrap();
        t.iter().position(|v| v.is_null()).map(|o| (k, o))
    });
    let (vk, vo) = vetoed.expect("Iran has a red line");
    choose_best().await;
    selects[vk].select_by_value(&vo.to_string()).await.unwrap();
    let w = b.text_of("#worth").await;
    assert!(w.contains("red line"), "worth of a vetoed package: {w}");
    b.click("#send-offer").await;
    let refused = b.wait_for("#refused", 10).await.text().await.unwrap();
    assert!(refused.contains("red line"), "{refused}");
    b.screenshot("room-refused").await;
    choose_best().await;
    let worth_after = eventually(10, "the live worth to update", || {
        let b = &b;
        let before = worth_before.clone();
        async move {
            let w = b.text_of("#worth").await;
            (w != before).then_some(w)
        }
    })
    .await;
    assert!(worth_after.parse::<f64>().is_ok(), "worth: {worth_after}");
    b.screenshot("room-offer").await;
    b.click("#send-offer").await;
    b.wait_for("#inbox .msg", 10).await;

    // The mediator relays the United States' offers and proposes bridges; Iran accepts a
    // package on the table once it is worth at least its BATNA, and rejects it otherwise.
    let batna: f64 = b
        .text_of("#batna strong")
        .await
        .parse()
        .expect("the BATNA is a number");
    let mut accepted = false;
    for _ in 0..80 {
        let state = attr(&b, "#session-state", "data-state")
            .await
            .unwrap_or_default();
        if state != "open" {
            break;
        }
        if b.client.find(Locator::Css("button.accept")).await.is_ok() {
            let table = b.text_of("#on-table").await;
            let worth = table
                .split("Worth to you:")
                .nth(1)
                .and_then(|t| t.split_whitespace().next())
                .and_then(|w| w.parse::<f64>().ok());
            if worth.is_some_and(|w| w >= batna) {
                b.screenshot("room-on-table").await;
                b.click("button.accept").await;
                accepted = true;
            } else {
                b.click("button.reject").await;
            }
        } else {
            // Nothing to answer: offer again (the agents answer every message).
            choose_best().await;
            b.click("#send-offer").await;
        }
        // The next page (or the live update in progress) has its state line, unless the
        // room answered with an error page.
        let mut present = false;
        for _ in 0..50 {
            if b.client.find(Locator::Css("#session-state")).await.is_ok() {
                present = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !present {
            let page = b.text_of("main").await;
            b.screenshot("room-error").await;
            panic!("the room answered with an error page: {page}");
        }
    }
    let state = eventually(20, "the session to end", || {
        let b = &b;
        async move {
            attr(b, "#session-state", "data-state")
                .await
                .filter(|s| s != "open")
        }
    })
    .await;
    assert!(accepted, "nothing was ever put to Iran");
    let why = b.text_of("#session-state").await;
    assert_eq!(state, "ended");
    assert!(
        why.to_lowercase().contains("agree"),
        "the session ended without an agreement: {why}"
    );
    b.screenshot("room-agreed").await;

    // The debrief, for the seat and the facilitator.
    let debrief = attr(&b, "#debrief-link", "href").await;
    let debrief = match debrief {
        Some(d) => d,
        None => format!("{invite}/debrief"),
    };
    b.client.goto(&debrief).await.unwrap();
    b.wait_for("#debrief-plane svg", 60).await;
    let outcome = b.text_of("#debrief-outcome").await;
    assert!(outcome.to_lowercase().contains("agree"), "{outcome}");
    b.wait_for("#debrief-sim", 60).await;
    b.wait_for("#debrief-timeline", 10).await;
    b.screenshot("debrief").await;
    for (id, name) in [
        ("debrief-plane", "debrief-plane"),
        ("debrief-sim", "debrief-sim"),
    ] {
        b.client
            .execute(
                &format!("document.getElementById('{id}').scrollIntoView()"),
                vec![],
            )
            .await
            .unwrap();
        b.screenshot(name).await;
    }
    b.client
        .goto(&format!("{facilitator}/debrief"))
        .await
        .unwrap();
    b.wait_for("#debrief-plane svg", 60).await;
    b.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_updates_live_when_the_other_side_writes() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let server = Server::start().await;
    let c = server.client().await;
    // Direct talks between two people; the test plays the United States over the API.
    let (s, f) = c
        .post_json(
            "/api/sessions",
            &serde_json::json!({
                "scenario": "muscat-2026", "protocol": "direct", "rounds": 4,
                "seats": [{"player": "human"}, {"player": "human"}],
            }),
        )
        .await;
    assert_eq!(s, 200, "{f}");
    let iran = f["seats"][0]["token"].as_str().unwrap().to_string();
    let us = f["seats"][1]["token"].as_str().unwrap().to_string();
    b.client
        .goto(&server.url(&format!("/s/{iran}")))
        .await
        .unwrap();
    b.wait_for("#inbox", 10).await;
    // A marker that a reload would wipe.
    b.client
        .execute("window.detenteMarker = 42; return 0;", vec![])
        .await
        .unwrap();
    let (_, st) = c.json(&format!("/api/s/{us}/state")).await;
    let package: Vec<usize> = st["brief"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_array()
                .unwrap()
                .iter()
                .position(|v| v.is_number())
                .unwrap()
        })
        .collect();
    let (s, v) = c
        .post_json(
            &format!("/api/s/{us}/messages"),
            &serde_json::json!({"kind": "offer", "package": package, "note": "LIVE-FROM-WASHINGTON"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // Iran's page shows the offer on its table and in its inbox, without a reload.
    let text = eventually(15, "the offer to appear live", || {
        let b = &b;
        async move {
            let t = b.text_of("#inbox").await;
            t.contains("LIVE-FROM-WASHINGTON").then_some(t)
        }
    })
    .await;
    assert!(text.contains("LIVE-FROM-WASHINGTON"));
    b.wait_for("#on-table", 5).await;
    let marker = b
        .client
        .execute("return window.detenteMarker || 0;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!(42), "the page was reloaded");
    b.screenshot("room-live").await;
    b.close().await;
    server.stop().await;
}
