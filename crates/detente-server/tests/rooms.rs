//! Live negotiation rooms over HTTP: creating sessions (form and JSON), a scripted person
//! playing the Muscat talks against detente agents (deterministic), refused actions, a human
//! mediator, state surviving a restart, and a whole session on PostgreSQL.

mod common;

use common::pg::Postgres;
use common::{Client, Server};
use serde_json::{json, Value};

async fn create(c: &Client, body: Value) -> Value {
    let (s, v) = c.post_json("/api/sessions", &body).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Per issue, the options a seat's brief allows (not across its red lines).
fn allowed(st: &Value) -> Vec<Vec<usize>> {
    st["brief"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let t = t.as_array().unwrap();
            (0..t.len()).filter(|&o| t[o].is_number()).collect()
        })
        .collect()
}

/// A package inside the red lines of every brief in `states` (the first such option per issue).
fn within(states: &[&Value]) -> Vec<usize> {
    let sets: Vec<Vec<Vec<usize>>> = states.iter().map(|st| allowed(st)).collect();
    (0..sets[0].len())
        .map(|k| {
            *sets[0][k]
                .iter()
                .find(|o| sets.iter().all(|a| a[k].contains(o)))
                .expect("an option inside every red line")
        })
        .collect()
}

fn seat_link(f: &Value, seat: u64) -> String {
    f["seats"][seat as usize]["link"]
        .as_str()
        .expect("seat link")
        .to_string()
}

/// Muscat, shuttle: Iran played by a script, the US by a boulware agent, Oman by the mediator
/// agent.
fn muscat_shuttle(seed: u64, rounds: u32) -> Value {
    muscat_shuttle_with(seed, rounds, "boulware")
}

fn muscat_shuttle_with(seed: u64, rounds: u32, us: &str) -> Value {
    json!({
        "scenario": "muscat-2026",
        "protocol": "shuttle",
        "rounds": rounds,
        "seed": seed,
        "seats": [{"player": "human"}, {"player": "agent", "strategy": us}],
        "mediator": {"player": "agent"},
    })
}

/// The scripted person: accepts what is on the table when it is worth its BATNA plus a
/// margin that shrinks as its offers run out; otherwise rejects it and offers its own
/// package (its best at first, then what is on the table with its best option on the issue
/// it cares most about). Returns the final state.
async fn play(c: &Client, link: &str, turns: usize) -> Value {
    let api = format!("/api{link}");
    for _ in 0..turns {
        let (s, st) = c.json(&format!("{api}/state")).await;
        assert_eq!(s, 200, "{st}");
        if st["session"]["state"] == "ended" {
            return st;
        }
        let brief = &st["brief"];
        let tables: Vec<Vec<Option<f64>>> = brief["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_array().unwrap().iter().map(Value::as_f64).collect())
            .collect();
        let batna = brief["batna"].as_f64().unwrap();
        let best: Vec<usize> = tables
            .iter()
            .map(|t| {
                (0..t.len())
                    .max_by(|&a, &b| {
                        t[a].unwrap_or(-1.0)
                            .partial_cmp(&t[b].unwrap_or(-1.0))
                            .unwrap()
                    })
                    .unwrap()
            })
            .collect();
        let left = st["me"]["left"].as_u64().unwrap_or(0);
        let rounds = st["session"]["rounds"].as_u64().unwrap();
        let body = if st["me"]["open"] == true {
            let table = &st["on_table"];
            let worth = table["worth"].as_f64();
            let margin = 0.25 * left as f64 / rounds as f64;
            if worth.is_some_and(|w| w >= batna + margin) {
                json!({"kind": "accept", "note": "We can live with this."})
            } else {
                json!({"kind": "reject", "note": "Not acceptable to Tehran."})
            }
        } else if left == rounds {
            json!({"kind": "offer", "package": best, "note": "Our opening position."})
        } else {
            break;
        };
        let accept = body["kind"] == "accept";
        let (s, after) = c.post_json(&format!("{api}/messages"), &body).await;
        assert_eq!(s, 200, "{after}");
        if !accept && after["session"]["state"] == "open" && left > 0 {
            // Counter-offer: the package on the table with our best option where we care most.
            let mut p: Vec<usize> = st["on_table"]["package"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_u64().unwrap() as usize).collect())
                .unwrap_or_else(|| best.clone());
            // Never across our own red lines.
            for k in 0..tables.len() {
                if tables[k][p[k]].is_none() {
                    p[k] = best[k];
                }
            }
            let k = (0..tables.len())
                .filter(|&k| p[k] != best[k])
                .max_by(|&a, &b| {
                    let gain = |k: usize| {
                        tables[k][best[k]].unwrap_or(0.0) - tables[k][p[k]].unwrap_or(-1.0)
                    };
                    gain(a).partial_cmp(&gain(b)).unwrap()
                });
            if let Some(k) = k {
                p[k] = best[k];
            }
            let (s, v) = c
                .post_json(
                    &format!("{api}/messages"),
                    &json!({"kind": "offer", "package": p}),
                )
                .await;
            assert!(s == 200 || s == 409, "{s}: {v}");
        }
    }
    let (_, st) = c.json(&format!("{api}/state")).await;
    st
}

/// Plays a whole scripted session on `server`; returns (final state of the scripted seat,
/// the facilitator's view, the timeline as (from, to, kind, package)).
async fn scripted_session(server: &Server, seed: u64, us: &str) -> (Value, Value, Vec<Value>) {
    let c = server.client().await;
    let f = create(&c, muscat_shuttle_with(seed, 4, us)).await;
    let link = seat_link(&f, 0);
    let st = play(&c, &link, 80).await;
    let ftoken = f["facilitator"].as_str().unwrap();
    let (_, fac) = c.json(&format!("/api/f/{ftoken}/state")).await;
    let timeline = st["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!([m["from"], m["to"], m["kind"], m["package"]]))
        .collect();
    (st, fac, timeline)
}

fn check_outcome(st: &Value, fac: &Value) {
    assert_eq!(st["session"]["state"], "ended", "{st}");
    assert_eq!(fac["state"], "ended");
    let reason = st["session"]["end_reason"].as_str().unwrap();
    eprintln!(
        "scripted session: {reason} after {} messages: {}",
        fac["messages"],
        st["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| format!("{}>{}:{}", m["from"], m["to"], m["kind"].as_str().unwrap()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(
        ["agreement", "rounds", "walk-away"].contains(&reason),
        "{reason}"
    );
    if reason == "agreement" {
        // The agreement is the package the scripted party last endorsed.
        let mine = st["messages"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|m| m["from"] == 0 && (m["kind"] == "offer" || m["kind"] == "accept"))
            .expect("an endorsement");
        assert_eq!(mine["package"], st["session"]["agreement"]);
    }
    assert!(fac["messages"].as_u64().unwrap() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_created_by_form_and_by_json() {
    let server = Server::start().await;
    let c = server.client().await;
    let (s, page) = c.text("/sessions/new").await;
    assert_eq!(s, 200);
    for id in [
        "id=\"new-session\"",
        "id=\"protocol\"",
        "id=\"create-session\"",
        "muscat-2026",
    ] {
        assert!(page.contains(id), "{id} missing");
    }
    let r = c
        .post_form(
            &format!("/sessions?_csrf={}", c.csrf),
            &[
                ("scenario", "muscat-2026"),
                ("protocol", "direct"),
                ("rounds", "3"),
                ("minutes", ""),
                ("seed", "5"),
                ("title", "Training <b>room</b>"),
                ("player_0", "human"),
                ("strategy_0", "boulware"),
                ("player_1", "human"),
                ("strategy_1", "linear"),
                ("player_m", "agent"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/f/"), "{to}");
    let (s, fpage) = c.text(&to).await;
    assert_eq!(s, 200);
    assert!(fpage.contains("id=\"invite-links\""));
    assert!(
        fpage.contains("Training &lt;b&gt;room&lt;/b&gt;"),
        "escaped title"
    );
    assert_eq!(
        fpage.matches("class=\"invite\"").count(),
        2,
        "two human seats, no mediator in direct talks"
    );
    assert!(fpage.contains("id=\"end-session\""));
    // JSON: an agent party opens at once in shuttle talks.
    let f = create(&c, muscat_shuttle(9, 3)).await;
    assert_eq!(f["seats"].as_array().unwrap().len(), 3);
    assert_eq!(f["protocol"], "shuttle");
    let (s, st) = c.json(&format!("/api{}/state", seat_link(&f, 0))).await;
    assert_eq!(s, 200);
    assert!(
        st["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "relay"),
        "{st}"
    );
    // Bad requests get a sentence.
    for (body, want) in [
        (
            json!({"scenario": "nowhere", "seats": []}),
            "unknown scenario",
        ),
        (
            json!({"protocol": "telepathy", "seats": []}),
            "unknown protocol",
        ),
        (json!({"seats": [{"player": "human"}]}), "2 parties"),
        (
            json!({"seats": [{"player": "human"}, {"player": "agent", "strategy": "genius"}]}),
            "unknown strategy",
        ),
        (
            json!({"rounds": 0, "seats": [{"player": "human"}, {"player": "human"}]}),
            "rounds",
        ),
        (json!({"colour": "red", "seats": []}), "unknown field"),
    ] {
        let (s, v) = c.post_json("/api/sessions", &body).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(v["error"].as_str().unwrap().contains(want), "{v}");
    }
    let r = c
        .http
        .post(server.url("/api/sessions"))
        .header("x-csrf-token", &c.csrf)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_person_plays_muscat_against_agents_deterministically() {
    let server = Server::start().await;
    let (st, fac, timeline) = scripted_session(&server, 11, "boulware").await;
    check_outcome(&st, &fac);
    // The same seed and the same moves give the same session.
    let (st2, _, timeline2) = scripted_session(&server, 11, "boulware").await;
    assert_eq!(timeline, timeline2);
    assert_eq!(st["session"]["agreement"], st2["session"]["agreement"]);
    // Iran saw only what was addressed to it or sent by it.
    for m in st["messages"].as_array().unwrap() {
        assert!(m["from"] == 0 || m["to"] == 0 || m["to"] == "all", "{m}");
    }
    // The debrief opens for the seat after the end, with the plane and the comparison.
    let c = server.client().await;
    let (s, d) = c.text(&format!("{}/debrief", seat_link(&fac, 0))).await;
    assert_eq!(s, 200, "{d}");
    for id in [
        "id=\"debrief-plane\"",
        "<svg",
        "id=\"debrief-sim\"",
        "id=\"debrief-utilities\"",
        "id=\"debrief-timeline\"",
        "this session",
    ] {
        assert!(d.contains(id), "{id} missing");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_actions_get_clear_errors() {
    let server = Server::start().await;
    let c = server.client().await;
    let f = create(&c, muscat_shuttle(3, 3)).await;
    let api = format!("/api{}/messages", seat_link(&f, 0));
    let (_, st) = c.json(&format!("/api{}/state", seat_link(&f, 0))).await;
    let n = st["issues"].as_array().unwrap().len();
    let ok = vec![0; n];
    // In indirect talks a party writes only to the mediator.
    let (s, v) = c
        .post_json(&api, &json!({"kind": "offer", "to": 1, "package": ok}))
        .await;
    assert_eq!(s, 403, "{v}");
    assert!(v["error"].as_str().unwrap().contains("mediator"), "{v}");
    // A party cannot relay.
    let (s, _) = c
        .post_json(&api, &json!({"kind": "relay", "to": 2, "package": ok}))
        .await;
    assert_eq!(s, 403);
    // Bad packages, kinds, notes, JSON.
    let too_big = st["issues"][0]["options"].as_array().unwrap().len();
    let mut out_of_range = ok.clone();
    out_of_range[0] = too_big;
    for body in [
        json!({"kind": "offer", "package": [0]}),
        json!({"kind": "offer", "package": out_of_range}),
        json!({"kind": "offer", "package": {"no_such_issue": 1}}),
        json!({"kind": "offer", "package": "all of it"}),
        json!({"kind": "offer"}),
        json!({"kind": "bribe"}),
        json!({"kind": "note", "note": "x".repeat(2001)}),
        json!({"kind": "note", "to": "everyone", "note": "hi"}),
        json!({"kind": "note", "note": "hi", "extra": 1}),
    ] {
        let (s, v) = c.post_json(&api, &body).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(v["error"].is_string());
    }
    let r = c
        .http
        .post(server.url(&api))
        .header("x-csrf-token", &c.csrf)
        .header("content-type", "application/json")
        .body("[1,")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A package by issue id and value is understood.
    let inside = within(&[&st]);
    let by_id: serde_json::Map<String, Value> = st["issues"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, i)| {
            // Values as numbers on one issue, labels on the others.
            let v = if k == 0 {
                i["values"][inside[0]].clone()
            } else {
                i["options"][inside[k]].clone()
            };
            (i["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let (s, v) = c
        .post_json(&api, &json!({"kind": "offer", "package": by_id}))
        .await;
    assert_eq!(s, 200, "{v}");
    let mine = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["from"] == 0 && m["kind"] == "offer")
        .unwrap();
    assert_eq!(mine["package"], json!(inside));
    // A package across the party's own red lines is refused, naming them.
    let (s, v) = c
        .post_json(&api, &json!({"kind": "offer", "package": ok}))
        .await;
    assert_eq!(s, 422, "{v}");
    assert!(v["error"].as_str().unwrap().contains("red line"), "{v}");
    let (s, v) = c
        .post_json(&api, &json!({"kind": "note", "note": "We are listening."}))
        .await;
    assert_eq!(s, 200, "{v}");
    // The facilitator ends it; then every message is refused.
    let ft = f["facilitator"].as_str().unwrap();
    let (s, v) = c.post_json(&format!("/api/f/{ft}/end"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["end_reason"], "facilitator");
    let (s, v) = c
        .post_json(&api, &json!({"kind": "note", "note": "Hello?"}))
        .await;
    assert_eq!(s, 409, "{v}");
    // Unknown and malformed tokens are 404.
    let (s, _) = c.json(&format!("/api/s/{}/state", "0".repeat(64))).await;
    assert_eq!(s, 404);
    let (s, _) = c.json("/api/s/not-a-token/state").await;
    assert_eq!(s, 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_human_mediator_relays_and_proposes() {
    let server = Server::start().await;
    let c = server.client().await;
    let f = create(
        &c,
        json!({
            "scenario": "muscat-2026", "protocol": "shuttle", "rounds": 3, "seed": 4,
            "seats": [{"player": "agent", "strategy": "linear"}, {"player": "agent", "strategy": "conceder"}],
            "mediator": {"player": "human"},
        }),
    )
    .await;
    let med = format!("/api{}", seat_link(&f, 2));
    let (_, st) = c.json(&format!("{med}/state")).await;
    assert!(st.get("brief").is_none(), "the mediator has no brief");
    // Iran's agent opened to the mediator.
    let offer = st["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "offer" && m["from"] == 0 && m["to"] == 2)
        .expect("Iran's opening offer")
        .clone();
    assert_eq!(st["me"]["open"], true);
    // The mediator carries it to the US; the US agent answers at once.
    let (s, st) = c
        .post_json(
            &format!("{med}/messages"),
            &json!({"kind": "relay", "to": 1, "package": offer["package"], "note": "From Tehran."}),
        )
        .await;
    assert_eq!(s, 200, "{st}");
    let answers: Vec<&Value> = st["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["from"] == 1)
        .collect();
    assert!(!answers.is_empty(), "{st}");
    assert!(["accept", "reject"].contains(&answers[0]["kind"].as_str().unwrap()));
    if st["session"]["state"] == "open" {
        // A proposal to all parties: both agents answer.
        let (s, st) = c
            .post_json(
                &format!("{med}/messages"),
                &json!({"kind": "proposal", "to": "all", "package": offer["package"], "note": "A bridge."}),
            )
            .await;
        assert_eq!(s, 200, "{st}");
        let last = st["messages"].as_array().unwrap();
        let pseq = last
            .iter()
            .rev()
            .find(|m| m["kind"] == "proposal" && m["from"] == 2)
            .unwrap()["seq"]
            .as_u64()
            .unwrap();
        for p in [0, 1] {
            let answered = last.iter().any(|m| {
                m["from"] == p
                    && m["seq"].as_u64().unwrap() > pseq
                    && ["accept", "reject", "walk-away"].contains(&m["kind"].as_str().unwrap())
            });
            assert!(
                answered || st["session"]["state"] == "ended",
                "party {p}: {st}"
            );
        }
    }
    // The US seat saw the relay but not Iran's original message to the mediator.
    let (_, us) = c.json(&format!("/api{}/state", seat_link(&f, 1))).await;
    let msgs = us["messages"].as_array().unwrap();
    assert!(msgs
        .iter()
        .any(|m| m["kind"] == "relay" && m["note"] == "From Tehran."));
    assert!(!msgs.iter().any(|m| m["from"] == 0));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_restart() {
    let server = Server::start().await;
    let c = server.client().await;
    let f = create(
        &c,
        json!({
            "scenario": "muscat-2026", "protocol": "direct", "rounds": 3, "seed": 1,
            "seats": [{"player": "human"}, {"player": "human"}],
        }),
    )
    .await;
    let iran = format!("/api{}", seat_link(&f, 0));
    let us = format!("/api{}", seat_link(&f, 1));
    let (_, st) = c.json(&format!("{iran}/state")).await;
    let (_, ust) = c.json(&format!("{us}/state")).await;
    let package = within(&[&st, &ust]);
    let (s, v) = c
        .post_json(
            &format!("{iran}/messages"),
            &json!({"kind": "offer", "package": package, "note": "Before the restart."}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let db = server.db.clone();
    let dir = server.stop().await;
    let again = Server::start_with(&db).await;
    let c = again.client().await;
    let (s, st) = c.json(&format!("{us}/state")).await;
    assert_eq!(s, 200);
    assert_eq!(st["on_table"]["note"], "Before the restart.");
    assert_eq!(st["me"]["open"], true);
    // Play on: the US accepts, which is an agreement.
    let (s, st) = c
        .post_json(&format!("{us}/messages"), &json!({"kind": "accept"}))
        .await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["session"]["end_reason"], "agreement");
    assert_eq!(st["session"]["agreement"], json!(package));
    again.stop().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_pick_up_where_they_left_off_after_a_restart() {
    // The same scripted session, once straight through and once with a restart after three
    // turns: the agents (the US plays MiCRO, whose state is its own count of concessions),
    // rebuilt from the stored history, play on identically.
    let server = Server::start().await;
    let (straight, _, timeline) = scripted_session(&server, 17, "micro").await;
    let c = server.client().await;
    let f = create(&c, muscat_shuttle_with(17, 4, "micro")).await;
    let link = seat_link(&f, 0);
    play(&c, &link, 3).await;
    let db = server.db.clone();
    let dir = server.stop().await;
    let again = Server::start_with(&db).await;
    let c = again.client().await;
    let st = play(&c, &link, 80).await;
    let resumed: Vec<Value> = st["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!([m["from"], m["to"], m["kind"], m["package"]]))
        .collect();
    assert_eq!(resumed, timeline);
    assert_eq!(
        st["session"]["end_reason"],
        straight["session"]["end_reason"]
    );
    again.stop().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_runs_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let url = pg.database("detente_rooms");
    let server = Server::start_with(&url).await;
    let (st, fac, _) = scripted_session(&server, 11, "boulware").await;
    check_outcome(&st, &fac);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_alone_play_every_protocol_to_an_end() {
    let server = Server::start().await;
    let c = server.client().await;
    for (proto, strategies) in [
        ("shuttle", ["micro", "tit-for-tat"]),
        ("direct", ["boulware", "conceder"]),
        ("single-text", ["linear", "random"]),
    ] {
        let body = json!({
            "scenario": "muscat-2026", "protocol": proto, "rounds": 5, "seed": 21,
            "seats": [{"player": "agent", "strategy": strategies[0]}, {"player": "agent", "strategy": strategies[1]}],
            "mediator": if proto == "direct" { Value::Null } else { json!({"player": "agent"}) },
        });
        let f = create(&c, body.clone()).await;
        // Agents play as soon as the session opens; with every seat filled it ends at once.
        assert_eq!(f["state"], "ended", "{proto}: {f}");
        let reason = f["end_reason"].as_str().unwrap();
        assert!(
            ["agreement", "rounds", "walk-away"].contains(&reason),
            "{proto}: {reason}"
        );
        let again = create(&c, body).await;
        assert_eq!(again["end_reason"], f["end_reason"], "{proto}");
        assert_eq!(again["messages"], f["messages"], "{proto}");
        eprintln!("{proto}: {reason} after {} messages", f["messages"]);
        // The facilitator sees the debrief link and the debrief.
        let ft = f["facilitator"].as_str().unwrap();
        let (s, page) = c.text(&format!("/f/{ft}")).await;
        assert_eq!(s, 200);
        assert!(page.contains("id=\"debrief-link\""));
        let (s, d) = c.text(&format!("/f/{ft}/debrief")).await;
        assert_eq!(s, 200, "{d}");
        assert!(d.contains("id=\"debrief-class\""));
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seat_page_works_without_script() {
    let server = Server::start().await;
    let c = server.client().await;
    let f = create(
        &c,
        json!({
            "scenario": "muscat-2026", "protocol": "direct", "rounds": 2, "seed": 8,
            "seats": [{"player": "human"}, {"player": "human"}],
        }),
    )
    .await;
    let (iran, us) = (seat_link(&f, 0), seat_link(&f, 1));
    let (s, page) = c.text(&iran).await;
    assert_eq!(s, 200);
    for id in [
        "id=\"offer-builder\"",
        "id=\"issue_0\"",
        "id=\"worth\"",
        "id=\"send-offer\"",
        "id=\"value-package\"",
        "id=\"inbox\"",
        "id=\"session-state\"",
        "id=\"brief\"",
        "/assets/rooms.js",
    ] {
        assert!(page.contains(id), "{id} missing");
    }
    // "What is this worth to me" without script: the form's GET renders the score.
    let (_, st) = c.json(&format!("/api{iran}/state")).await;
    let (_, ust) = c.json(&format!("/api{us}/state")).await;
    // A package inside both parties' red lines, so that one can offer it and the other accept.
    let fields: Vec<(String, String)> = within(&[&st, &ust])
        .iter()
        .enumerate()
        .map(|(k, o)| (format!("issue_{k}"), o.to_string()))
        .collect();
    let q: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let (_, v) = c.json(&format!("/api{iran}/value?{}", q.join("&"))).await;
    let (s, valued) = c.text(&format!("{iran}?{}", q.join("&"))).await;
    assert_eq!(s, 200);
    let shown = match v["utility"].as_f64() {
        Some(u) => format!("{u:.3}"),
        None => "red line".into(),
    };
    assert!(
        valued.contains(&format!("<output id=\"worth\">{shown}")),
        "{shown}"
    );
    // An offer by form post, then the other seat accepts by form post.
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend([("kind", "offer"), ("to", "1"), ("note", "By form.")]);
    let r = c
        .post_form(&format!("{iran}/messages?_csrf={}", c.csrf), &form)
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = c.text(&us).await;
    assert!(page.contains("class=\"msg offer\""));
    assert!(
        page.contains("class=\"accept\""),
        "an accept button for the package on the table"
    );
    let r = c
        .post_form(
            &format!("{us}/messages?_csrf={}", c.csrf),
            &[("kind", "accept")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = c.text(&us).await;
    assert!(page.contains("data-state=\"ended\"") && page.contains("id=\"debrief-link\""));
    // A form without the CSRF token is refused.
    let r = c
        .http
        .post(server.url(&format!("{iran}/messages")))
        .form(&[("kind", "note"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_in_direct_talks_play_the_engines_alternating_offers() {
    use detente_negotiate::scenario::{ProtocolKind, RunSpec, ScenarioProblem, DEFAULT_STEPS};
    let server = Server::start().await;
    let c = server.client().await;
    let scenario = detente_core::builtin::muscat();
    let problem = ScenarioProblem::from_scenario(&scenario, DEFAULT_STEPS).unwrap();
    for (a, b, rounds) in [
        ("boulware", "conceder", 5),
        ("linear", "tit-for-tat", 4),
        ("micro", "boulware", 3),
    ] {
        let f = create(
            &c,
            json!({
                "scenario": "muscat-2026", "protocol": "direct", "rounds": rounds, "seed": 5,
                "seats": [{"player": "agent", "strategy": a}, {"player": "agent", "strategy": b}],
            }),
        )
        .await;
        let engine = problem
            .run(&RunSpec {
                protocol: ProtocolKind::Sao,
                strategies: vec![a.into(), b.into()],
                rounds: rounds * 2,
                seed: 5,
                direct_from: None,
                stop: None,
            })
            .unwrap();
        // The room's timeline, as the engine writes its trace: (from, kind, outcome).
        let (_, st) = c.json(&format!("/api{}/state", seat_link(&f, 0))).await;
        let room: Vec<(u64, String, Option<u64>)> = st["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let o = m["package"].as_array().map(|p| {
                    let p: Vec<usize> = p.iter().map(|x| x.as_u64().unwrap() as usize).collect();
                    problem.domain.space.encode(&p)
                });
                (
                    m["from"].as_u64().unwrap(),
                    m["kind"].as_str().unwrap().to_string(),
                    o,
                )
            })
            .collect();
        let trace: Vec<(u64, String, Option<u64>)> = engine
            .session
            .trace
            .iter()
            .map(|m| {
                let from = match m.from {
                    detente_negotiate::protocol::Actor::Party(p) => p as u64,
                    detente_negotiate::protocol::Actor::Mediator => 9,
                };
                // A walk-away carries no package in a room.
                let o = m.outcome.filter(|_| m.kind.as_str() != "walk-away");
                (from, m.kind.as_str().to_string(), o)
            })
            .collect();
        assert_eq!(room, trace, "{a} vs {b}, {rounds} rounds");
        let agreement = st["session"]["agreement"].as_array().map(|p| {
            let p: Vec<usize> = p.iter().map(|x| x.as_u64().unwrap() as usize).collect();
            problem.domain.space.encode(&p)
        });
        assert_eq!(agreement, engine.agreement, "{a} vs {b}");
    }
    server.stop().await;
}

/// Moves a session's wall-clock deadline (the shortest limit a form allows is a minute).
async fn set_deadline(db: &str, facilitator: &str, at: i64) {
    let d = detente_server::db::Db::open(db).await.unwrap();
    sqlx::query("UPDATE sessions SET deadline_at = $1 WHERE facilitator_token = $2")
        .bind(at)
        .bind(facilitator)
        .execute(&d.pool)
        .await
        .unwrap();
    d.pool.close().await;
}

async fn state_in_db(db: &str, facilitator: &str) -> (String, Option<String>) {
    use sqlx::Row;
    let d = detente_server::db::Db::open(db).await.unwrap();
    let r = sqlx::query("SELECT state, end_reason FROM sessions WHERE facilitator_token = $1")
        .bind(facilitator)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    let out = (r.get("state"), r.get("end_reason"));
    d.pool.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_ends_sessions_on_requests_and_by_timer() {
    let server = Server::start().await;
    let c = server.client().await;
    let body = json!({
        "scenario": "muscat-2026", "protocol": "direct", "rounds": 3, "minutes": 30,
        "seats": [{"player": "human"}, {"player": "human"}],
    });
    // Checked on a request: a session past its deadline refuses messages.
    let f = create(&c, body.clone()).await;
    assert!(f["deadline_at"].as_i64().unwrap() > detente_server::db::now_ms() + 29 * 60_000);
    let ft = f["facilitator"].as_str().unwrap().to_string();
    set_deadline(&server.db, &ft, detente_server::db::now_ms() - 1).await;
    let (s, v) = c
        .post_json(
            &format!("/api{}/messages", seat_link(&f, 0)),
            &json!({"kind": "note", "note": "Too late?"}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(
        state_in_db(&server.db, &ft).await,
        ("ended".into(), Some("time".into()))
    );
    // By the timer, with nobody asking: timers of open sessions restart with the server.
    let g = create(&c, body).await;
    let gt = g["facilitator"].as_str().unwrap().to_string();
    let db = server.db.clone();
    let dir = server.stop().await;
    set_deadline(&db, &gt, detente_server::db::now_ms() + 2000).await;
    let again = Server::start_with(&db).await;
    assert_eq!(state_in_db(&db, &gt).await.0, "open");
    tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
    assert_eq!(
        state_in_db(&db, &gt).await,
        ("ended".into(), Some("time".into()))
    );
    again.stop().await;
    drop(dir);
}
