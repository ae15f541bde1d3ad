//! Property test: whatever a client sends to the JSON API — any JSON value, any text, any
//! package, any recipient — the answer is 200 or a 4xx with a JSON `{"error": …}`, never a 5xx
//! and never a dropped connection; and the room still answers afterwards.

mod common;

use std::sync::OnceLock;

use common::{Client, Server};
use proptest::prelude::*;
use serde_json::{json, Value};

struct World {
    rt: tokio::runtime::Runtime,
    _server: Server,
    client: Client,
    seats: Vec<String>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (server, client, seats) = rt.block_on(async {
            let server = Server::start_config(detente_server::Config {
                addr: "127.0.0.1:0".parse().unwrap(),
                db: tempfile::tempdir()
                    .unwrap()
                    .keep()
                    .join("fuzz.db")
                    .to_string_lossy()
                    .into_owned(),
                rate: (100_000, 100_000),
                ..detente_server::Config::default()
            })
            .await;
            let client = server.client().await;
            let (s, f) = client
                .post_json(
                    "/api/sessions",
                    &json!({
                        "scenario": "muscat-2026", "protocol": "shuttle", "rounds": 60,
                        "seats": [{"player": "human"}, {"player": "human"}],
                        "mediator": {"player": "human"},
                    }),
                )
                .await;
            assert_eq!(s, 200, "{f}");
            let seats = f["seats"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["token"].as_str().unwrap().to_string())
                .collect();
            (server, client, seats)
        });
        World {
            rt,
            _server: server,
            client,
            seats,
        }
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| json!(x)),
        "[a-z_\\-]{0,12}".prop_map(Value::String),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A message body: mostly well-formed keys with arbitrary values, sometimes anything at all.
fn body() -> impl Strategy<Value = Value> {
    let kind = prop_oneof![
        Just(json!("offer")),
        Just(json!("accept")),
        Just(json!("reject")),
        Just(json!("note")),
        Just(json!("relay")),
        Just(json!("proposal")),
        Just(json!("walk-away")),
        json_value(),
    ];
    let package = prop_oneof![
        prop::collection::vec(0u64..6, 0..9).prop_map(|v| json!(v)),
        json_value(),
    ];
    prop_oneof![
        3 => (kind, json_value(), package, json_value()).prop_map(|(k, to, p, n)| {
            json!({"kind": k, "to": to, "package": p, "note": n})
        }),
        1 => json_value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_message_body_gets_a_server_error(seat in 0usize..3, b in body(), raw in prop::option::of(".{0,80}")) {
        let w = world();
        // Skip walk-aways that would end the room early: they are valid and tested elsewhere.
        prop_assume!(b["kind"] != "walk-away");
        let token = &w.seats[seat];
        let (status, v) = w.rt.block_on(async {
            let path = format!("/api/s/{token}/messages");
            match &raw {
                Some(text) => {
                    let r = w.client.http
                        .post(format!("{}{}", w.client.base, path))
                        .header("x-csrf-token", &w.client.csrf)
                        .header("content-type", "application/json")
                        .body(text.clone())
                        .send()
                        .await
                        .unwrap();
                    let s = r.status();
                    (s, serde_json::from_str(&r.text().await.unwrap()).unwrap_or(Value::Null))
                }
                None => w.client.post_json(&path, &b).await,
            }
        });
        prop_assert!(status.as_u16() == 200 || status.is_client_error(), "{status}: {v} for {b}");
        if status.is_client_error() {
            prop_assert!(v["error"].is_string(), "{status}: {v}");
        }
        let (s, st) = w.rt.block_on(w.client.json(&format!("/api/s/{token}/state")));
        prop_assert_eq!(s.as_u16(), 200, "{}", st);
    }
}
