//! The protections every route has: CSRF (cookie + token, Origin), body limit, rate limit,
//! clear 4xx errors (JSON under /api), no 500 on junk.

mod common;

use common::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_the_csrf_token_or_from_another_site_is_refused() {
    let server = Server::start().await;
    let c = server.client().await;
    // No token at all.
    let r = c
        .http
        .post(server.url("/sessions"))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("CSRF"));
    // A wrong token.
    let r = c
        .http
        .post(server.url("/sessions?_csrf=0000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The right token, but from another origin.
    let r = c
        .http
        .post(server.url("/sessions"))
        .header("x-csrf-token", &c.csrf)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Origin"));
    // A client without the cookie (a cross-site form) cannot guess it either.
    let bare = reqwest::Client::new();
    let r = bare
        .post(server.url("/api/anything"))
        .header("x-csrf-token", &c.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let j: serde_json::Value = r.json().await.unwrap();
    assert!(j["error"].as_str().unwrap().contains("CSRF cookie"), "{j}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_unknown_routes_get_clear_4xx() {
    let server = Server::start().await;
    let c = server.client().await;
    // A body declared over the limit is refused from its headers alone (raw HTTP: the body
    // is never sent).
    for path in ["/scenarios", "/api/s/x/messages"] {
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nContent-Type: application/json\r\n\r\n",
            detente_server::MAX_BODY_BYTES + 1
        );
        sock.write_all(req.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = sock.read(&mut buf).await.unwrap();
        let head = String::from_utf8_lossy(&buf[..n]);
        assert!(head.starts_with("HTTP/1.1 413"), "{head}");
        assert!(head.contains("too large"), "{head}");
    }
    let (s, j) = c.json("/api/no/such/route").await;
    assert_eq!(s, 404);
    assert!(j["error"].is_string(), "{j}");
    let (s, body) = c.text("/no/such/page?<script>").await;
    assert_eq!(s, 404);
    assert!(!body.contains("<script>"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_credential_has_its_own_rate_limit() {
    let server = Server::start_config(detente_server::Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db: tempfile::tempdir()
            .unwrap()
            .keep()
            .join("d.db")
            .to_string_lossy()
            .into_owned(),
        rate: (1, 5),
        ..detente_server::Config::default()
    })
    .await;
    let c = server.client().await; // one request used
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(c.get("/").await.status().as_u16());
    }
    assert!(codes.contains(&429), "{codes:?}");
    // Another token's quota is untouched.
    let t = detente_server::security::token();
    let s = c.get(&format!("/s/{t}")).await.status();
    assert_ne!(s, 429);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_scenario_is_shown_as_text_on_every_page() {
    let server = Server::start().await;
    let c = server.client().await;
    // The Muscat scenario with markup in its title, an actor's name and a description.
    const EVIL: &str = "<img src=x onerror=alert(1)>";
    let src = detente_core::builtin::BUILTINS[0]
        .source
        .replacen(
            "title = \"US–Iran nuclear talks, Muscat round (February 2026)\"",
            &format!("title = \"Talks {EVIL}\""),
            1,
        )
        .replacen("name = \"Iran\"", &format!("name = \"Iran {EVIL}\""), 1)
        .replacen(
            "name = \"Oman\"",
            "name = \"Oman</script><script>alert(2)</script>\"",
            1,
        );
    assert!(src.contains(EVIL), "the fixture lines moved");
    let r = c.upload("/scenarios", "evil.toml", src.as_bytes()).await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let page = r
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let id = page.trim_start_matches("/scenarios/").to_string();
    // A simulation job and a room over it, played to its end by agents.
    let (s, job) = c
        .post_json(
            &format!("/api/scenarios/{id}/jobs"),
            &serde_json::json!({"kind": "simulate", "runs": 200, "seed": 1}),
        )
        .await;
    assert_eq!(s, 202, "{job}");
    let job = job["id"].as_str().unwrap().to_string();
    let t0 = std::time::Instant::now();
    loop {
        let (_, v) = c.json(&format!("/api/jobs/{job}")).await;
        if v["state"] == "done" {
            break;
        }
        assert!(t0.elapsed().as_secs() < 120, "{v}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (s, f) = c
        .post_json(
            "/api/sessions",
            &serde_json::json!({
                "scenario": format!("library:{id}"), "protocol": "shuttle", "rounds": 3,
                "seats": [{"player": "human"}, {"player": "agent", "strategy": "boulware"}],
                "mediator": {"player": "agent"},
            }),
        )
        .await;
    assert_eq!(s, 200, "{f}");
    let ft = f["facilitator"].as_str().unwrap().to_string();
    let seat = f["seats"][0]["token"].as_str().unwrap().to_string();
    let (s, _) = c
        .post_json(&format!("/api/f/{ft}/end"), &serde_json::json!({}))
        .await;
    assert_eq!(s, 200);
    let mut shown = 0;
    for path in [
        "/scenarios".to_string(),
        page.clone(),
        "/jobs".to_string(),
        format!("/jobs/{job}"),
        format!("/jobs/{job}/report.html"),
        format!("/sessions/new?scenario=library:{id}"),
        format!("/f/{ft}"),
        format!("/s/{seat}"),
        format!("/s/{seat}/debrief"),
        format!("/f/{ft}/debrief"),
    ] {
        let (s, body) = c.text(&path).await;
        assert_eq!(s, 200, "{path}");
        for raw in [EVIL, "<script>alert(2)"] {
            assert!(!body.contains(raw), "{path} contains raw markup {raw}");
        }
        shown += usize::from(body.contains("&lt;img src=x"));
    }
    // The names are there, as text.
    assert!(shown >= 5, "the markup reached only {shown} pages as text");
    server.stop().await;
}
