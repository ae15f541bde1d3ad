//! Confidentiality of the rooms: with every seat's token (and the facilitator's), fetch every
//! page and API route that token opens, and check that no other seat's confidential data
//! appears: its utility tables as rendered, its red lines, its BATNA, the notes it wrote and
//! the messages addressed only to it. A token used on another kind of route is a 404.

mod common;

use common::{Client, Server};
use serde_json::{json, Value};

/// Every `<tr class="brief-issue" …>…</tr>` row of a page (a party's brief, as rendered).
fn brief_rows(html: &str) -> Vec<String> {
    let mut rows = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<tr class=\"brief-issue\"") {
        let end = rest[i..].find("</tr>").expect("row end") + i + 5;
        rows.push(rest[i..end].to_string());
        rest = &rest[end..];
    }
    rows
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = html.find(start)? + start.len();
    let j = html[i..].find(end)? + i;
    Some(&html[i..j])
}

/// What a seat (or the facilitator) can fetch with its token.
async fn visible(
    c: &Client,
    token: &str,
    facilitator: bool,
    n_issues: usize,
) -> Vec<(String, String)> {
    let paths: Vec<String> = if facilitator {
        vec![
            format!("/f/{token}"),
            format!("/api/f/{token}/state"),
            format!("/f/{token}/debrief"),
        ]
    } else {
        vec![
            format!("/s/{token}"),
            format!("/s/{token}?package={}", vec!["0"; n_issues].join(",")),
            format!("/api/s/{token}/state"),
            format!(
                "/api/s/{token}/value?package={}",
                vec!["1"; n_issues].join(",")
            ),
            format!("/s/{token}/debrief"),
        ]
    };
    let mut out = Vec::new();
    for p in paths {
        let (s, body) = c.text(&p).await;
        assert!(s.is_success() || s == 409 || s == 403, "{p}: {s}");
        out.push((p, body));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_seat_sees_another_seats_secrets() {
    let server = Server::start().await;
    let c = server.client().await;
    let (s, f) = c
        .post_json(
            "/api/sessions",
            &json!({
                "scenario": "muscat-2026", "protocol": "shuttle", "rounds": 3, "seed": 2,
                "seats": [{"player": "human"}, {"player": "human"}],
                "mediator": {"player": "human"},
            }),
        )
        .await;
    assert_eq!(s, 200, "{f}");
    let tokens: Vec<String> = f["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["token"].as_str().unwrap().to_string())
        .collect();
    let ft = f["facilitator"].as_str().unwrap().to_string();
    let (_, st) = c.json(&format!("/api/s/{}/state", tokens[0])).await;
    let n = st["issues"].as_array().unwrap().len();
    // An offer inside Iran's red lines (the first allowed option of each issue).
    let inside: Vec<usize> = st["brief"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_array()
                .unwrap()
                .iter()
                .position(Value::is_number)
                .unwrap()
        })
        .collect();
    let post = |seat: usize, body: Value| {
        let c = &c;
        let path = format!("/api/s/{}/messages", tokens[seat]);
        async move {
            let (s, v) = c.post_json(&path, &body).await;
            assert_eq!(s, 200, "{body}: {v}");
        }
    };
    // Secret notes: (text, writer, recipient).
    let notes: Vec<(&str, usize, usize)> = vec![
        ("IRAN-WRITES-q7Zx", 0, 2),
        ("IRAN-OFFER-NOTE-k2Pw", 0, 2),
        ("US-WRITES-m4Lr", 1, 2),
        ("FOR-IRAN-ONLY-v8Ny", 2, 0),
        ("FOR-US-ONLY-b3Hs", 2, 1),
        ("RELAY-TO-US-t5Qc", 2, 1),
    ];
    post(
        0,
        json!({"kind": "note", "note": "IRAN-WRITES-q7Zx our floor is 3.67"}),
    )
    .await;
    post(
        0,
        json!({"kind": "offer", "package": inside, "note": "IRAN-OFFER-NOTE-k2Pw"}),
    )
    .await;
    post(
        1,
        json!({"kind": "note", "note": "US-WRITES-m4Lr sanctions relief is cheap"}),
    )
    .await;
    post(
        2,
        json!({"kind": "note", "to": 0, "note": "FOR-IRAN-ONLY-v8Ny"}),
    )
    .await;
    post(
        2,
        json!({"kind": "note", "to": 1, "note": "FOR-US-ONLY-b3Hs"}),
    )
    .await;
    post(
        2,
        json!({"kind": "relay", "to": 1, "package": vec![1; n], "note": "RELAY-TO-US-t5Qc"}),
    )
    .await;
    // The confidential strings of each party, as its own page renders them.
    let mut brief: Vec<Vec<String>> = vec![Vec::new(); 2];
    for p in 0..2 {
        let (s, page) = c.text(&format!("/s/{}", tokens[p])).await;
        assert_eq!(s, 200);
        let rows = brief_rows(&page);
        assert_eq!(rows.len(), n, "party {p}'s brief has a row per issue");
        brief[p].extend(rows);
        let tables = between(&page, "data-utility=\"", "\"").expect("embedded utility");
        brief[p].push(tables.to_string());
        let batna = between(&page, "<p id=\"batna\">", "</p>").expect("BATNA paragraph");
        brief[p].push(batna.to_string());
        let (_, st) = c.json(&format!("/api/s/{}/state", tokens[p])).await;
        brief[p].push(st["brief"]["tables"].to_string());
        assert!(
            page.contains("red-line"),
            "red lines are shown to their party"
        );
    }
    // The two parties' briefs differ (else the check below would prove nothing).
    assert!(brief[0].iter().all(|x| !brief[1].contains(x)));
    // Another seat's brief, and every note this seat neither wrote nor received.
    let others_secrets = |me: Option<usize>| -> Vec<String> {
        let mut v: Vec<String> = (0..2)
            .filter(|&q| Some(q) != me)
            .flat_map(|q| brief[q].clone())
            .collect();
        v.extend(
            notes
                .iter()
                .filter(|(_, from, to)| me.is_none_or(|m| m != *from && m != *to))
                .map(|(t, _, _)| t.to_string()),
        );
        v
    };
    let check = |who: &str, pages: &[(String, String)], secrets: &[String]| {
        for (path, body) in pages {
            for secret in secrets {
                assert!(
                    !body.contains(secret.as_str()),
                    "{who}: {path} shows another seat's secret {secret:.80}"
                );
            }
        }
    };
    for (seat, token) in tokens.iter().enumerate() {
        let pages = visible(&c, token, false, n).await;
        check(&format!("seat {seat}"), &pages, &others_secrets(Some(seat)));
        // No seat sees another seat's token or the facilitator's (either would let it play
        // that seat or run the session).
        let mut keys: Vec<String> = tokens.iter().filter(|t| *t != token).cloned().collect();
        keys.push(ft.clone());
        check(&format!("seat {seat}"), &pages, &keys);
        // Each seat does see its own.
        let own = &pages[2].1;
        for (x, _, _) in notes.iter().filter(|(_, f, t)| *f == seat || *t == seat) {
            assert!(own.contains(x), "seat {seat} misses its own {x}");
        }
    }
    let pages = visible(&c, &ft, true, n).await;
    check("facilitator", &pages, &others_secrets(None));
    // The mediator's page shows no party's utilities; the value route is refused to it.
    let (s, _) = c
        .json(&format!(
            "/api/s/{}/value?package={}",
            tokens[2],
            vec!["0"; n].join(",")
        ))
        .await;
    assert_eq!(s, 403);
    // A token on another kind of route, or a malformed token, is a 404.
    for path in [
        format!("/f/{}", tokens[0]),
        format!("/api/f/{}/state", tokens[1]),
        format!("/f/{}/debrief", tokens[2]),
        format!("/s/{ft}"),
        format!("/api/s/{ft}/state"),
        format!("/s/{ft}/debrief"),
        format!("/s/{ft}/events"),
        format!("/api/s/{ft}/value?package=0"),
        format!("/api/s/{}/state", tokens[0].to_uppercase()),
        format!("/s/{}x", tokens[0]),
        format!("/api/s/{}/state", &tokens[0][..63]),
    ] {
        let (s, _) = c.text(&path).await;
        assert_eq!(s, 404, "{path}");
    }
    let (s, _) = c
        .post_json(
            &format!("/api/s/{ft}/messages"),
            &json!({"kind": "note", "note": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    // After the end the timeline is revealed to all, but no brief is.
    let (s, _) = c.post_json(&format!("/api/f/{ft}/end"), &json!({})).await;
    assert_eq!(s, 200);
    for token in &tokens {
        let (s, d) = c.text(&format!("/s/{token}/debrief")).await;
        assert_eq!(s, 200);
        for b in &brief {
            for secret in b {
                assert!(!d.contains(secret.as_str()), "the debrief shows a brief");
            }
        }
        assert!(d.contains("FOR-US-ONLY-b3Hs") && d.contains("IRAN-WRITES-q7Zx"));
    }
    server.stop().await;
}
