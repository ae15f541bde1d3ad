//! The rooms' HTML pages: the new-session form, the facilitator's page, a seat's page. Every
//! page works without the script (forms post, pages reload); `/assets/rooms.js` adds the live
//! score and live updates. Stable ids for browser tests are listed in docs/rooms.md.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::{Extension, Form};
use detente_core::builtin::BUILTINS;
use detente_negotiate::strategy::STRATEGY_NAMES;
use maud::{html, Markup};

use super::api::{self, CreateSpec, SeatCtx, SeatSpec, MEDIATOR_AGENT};
use super::game::{fmt_u, problem_of, Game};
use super::model::{self, Msg, Seat, ALL};
use super::protocol::{self, Draft, Kind, Proto};
use crate::error::{Result, ServerError};
use crate::page;
use crate::security::Csrf;
use crate::AppState;

/// The rooms' own stylesheet and script, linked at the top of every rooms page's body.
pub fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/rooms.css";
        script src="/assets/rooms.js" defer {}
    }
}

fn fmt_time(ms: i64) -> String {
    // UTC, minute precision; pages show it as written, scripts may localise `data-ms`.
    let secs = ms / 1000;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `GET /sessions/new?scenario=…`: the form to open a session.
pub async fn new_session(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup> {
    let choices = api::scenario_choices(&state.db).await?;
    let key = q
        .get("scenario")
        .cloned()
        .unwrap_or_else(|| BUILTINS[0].name.to_string());
    let (name, toml) = api::scenario_source(&state.db, &key).await?;
    let (scenario, problem) = tokio::task::spawn_blocking(move || problem_of(&toml, &name))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))??;
    let default_proto = if scenario.mediator().is_some() && scenario.protocol.indirect {
        Proto::Shuttle
    } else if scenario.mediator().is_some() {
        Proto::SingleText
    } else {
        Proto::Direct
    };
    let name_of = |id: &str| {
        scenario
            .actors
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    Ok(page::frame(
        "New negotiation room",
        &csrf,
        html! {
            (head())
            h1 { "New negotiation room" }
            form #scenario-pick method="get" action="/sessions/new" {
                label { "Scenario " select name="scenario" #scenario-choice {
                    @for (k, label) in &choices {
                        option value=(k) selected[*k == key] { (label) }
                    }
                } }
                " " button.secondary type="submit" { "Choose" }
            }
            form #new-session method="post" action=(page::action("/sessions", &csrf)) {
                input type="hidden" name="scenario" value=(key);
                div.card {
                    p { strong { (scenario.meta.title) } }
                    label { "Title " input type="text" name="title" #title maxlength="200" value=(scenario.meta.title); }
                    p { label { "Protocol " select name="protocol" #protocol {
                        @for p in Proto::ALL {
                            option value=(p.as_str()) selected[p == default_proto] { (p.describe()) }
                        }
                    } } }
                    p {
                        label { "Rounds (offers per party; single text: texts) " input type="number" name="rounds" #rounds min="1" max=(api::MAX_ROUNDS) value=(scenario.protocol.rounds.max(1)); }
                        " "
                        label { "Time limit in minutes (optional) " input type="number" name="minutes" #minutes min="1" max=(api::MAX_MINUTES); }
                    }
                    p { label { "Seed of the agents (optional) " input type="number" name="seed" #seed min="0"; } }
                }
                h2 { "Seats" }
                table #seats {
                    tr { th { "Seat" } th { "Played by" } th { "Agent strategy" } }
                    @for (k, id) in problem.party_ids.iter().enumerate() {
                        tr.seat {
                            td { (name_of(id)) " (party)" }
                            td { select name=(format!("player_{k}")) .seat-player {
                                option value="human" selected[k == 0] { "a person" }
                                option value="agent" selected[k != 0] { "a detente agent" }
                            } }
                            td { select name=(format!("strategy_{k}")) .seat-strategy {
                                @for s in STRATEGY_NAMES { option value=(s) { (s) } }
                            } }
                        }
                    }
                    tr.seat.mediator-seat {
                        td { (name_of(&problem.mediator_id)) " (mediator; shuttle and single text only)" }
                        td { select name="player_m" .seat-player #mediator-player {
                            option value="human" { "a person" }
                            option value="agent" selected { "a detente agent" }
                        } }
                        td { (MEDIATOR_AGENT) }
                    }
                }
                button #create-session type="submit" { "Open the room" }
            }
        },
    ))
}

/// `POST /sessions`: the form's session; redirects to the facilitator's page.
pub async fn create_form(
    State(state): State<AppState>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Redirect> {
    let num = |k: &str| -> Result<Option<u64>> {
        match f.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse::<u64>()
                .map(Some)
                .map_err(|_| ServerError::BadRequest(format!("`{k}` must be a whole number"))),
        }
    };
    let small = |k: &str| -> Result<Option<u32>> {
        num(k)?
            .map(|x| {
                u32::try_from(x).map_err(|_| ServerError::BadRequest(format!("`{k}` is too large")))
            })
            .transpose()
    };
    let mut seats = Vec::new();
    while let Some(p) = f.get(&format!("player_{}", seats.len())) {
        let k = seats.len();
        seats.push(SeatSpec {
            player: p.clone(),
            strategy: (p == "agent")
                .then(|| f.get(&format!("strategy_{k}")).cloned())
                .flatten(),
        });
    }
    let proto = f.get("protocol").cloned().unwrap_or_default();
    let mediator = (proto != "direct").then(|| SeatSpec {
        player: f.get("player_m").cloned().unwrap_or_else(|| "human".into()),
        strategy: None,
    });
    let spec = CreateSpec {
        scenario: f.get("scenario").cloned().unwrap_or_default(),
        protocol: proto,
        rounds: small("rounds")?,
        minutes: small("minutes")?,
        seed: num("seed")?,
        title: f.get("title").cloned(),
        seats,
        mediator,
    };
    let token = api::create_session(&state, spec).await?;
    Ok(Redirect::to(&format!("/f/{token}")))
}

fn status_line(s: &model::Session, clock: u32, budget: u32) -> Markup {
    html! {
        div #session-state data-state=(s.state) data-reason=[s.end_reason.as_deref()] {
            @if s.ended() {
                strong { "Ended" } " — "
                (match s.end_reason.as_deref() {
                    Some("agreement") => "the parties reached an agreement.",
                    Some("walk-away") => "a party walked away.",
                    Some("rounds") => "the rounds ran out without agreement.",
                    Some("time") => "the time ran out without agreement.",
                    Some("facilitator") => "the facilitator ended the session.",
                    _ => "",
                })
            } @else {
                strong { "Open" } " — " (clock) " of " (budget) " moves made"
                @if let Some(d) = s.deadline_at { "; ends at " span.deadline data-ms=(d) { (fmt_time(d)) } " at the latest" }
                "."
            }
        }
    }
}

/// `GET /f/{token}`: the facilitator's page.
pub async fn facilitator(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(token): Path<String>,
) -> Result<Markup> {
    let s = state.rooms.by_facilitator(&token).await?;
    let seats = model::seats(&state.db, &s.id).await?;
    let history = model::messages(&state.db, &s.id).await?;
    let rules = protocol::Rules {
        proto: s.proto,
        parties: seats.iter().filter(|x| !x.is_mediator()).count(),
        rounds: s.rounds,
    };
    Ok(page::frame(
        &s.title,
        &csrf,
        html! {
            (head())
            div #facilitator data-token=(token) {
                h1 { (s.title) }
                p.muted { "Facilitator's page — " (s.proto.describe()) ", " (s.rounds) " rounds. Keep this link to yourself: it ends the session." }
                (status_line(&s, rules.clock(&history), rules.budget()))
                p { (history.len()) " messages exchanged (their content is revealed in the debrief)." }
                h2 { "Seats" }
                ul #invite-links {
                    @for x in &seats {
                        li data-seat=(x.seat) {
                            (x.actor) " (" (x.role) "): "
                            @if x.is_agent() {
                                span.agent { "detente agent, " (x.strategy.as_deref().unwrap_or("")) }
                            } @else {
                                "invite link " a.invite href=(format!("/s/{}", x.token)) { "/s/" (x.token) }
                            }
                        }
                    }
                }
                @if s.ended() {
                    p { a #debrief-link href=(format!("/f/{token}/debrief")) { "Open the debrief" } }
                } @else {
                    form #end-form method="post" action=(page::action(&format!("/f/{token}/end"), &csrf)) {
                        button #end-session type="submit" { "End the session now" }
                    }
                }
            }
        },
    ))
}

/// `POST /f/{token}/end`: ends the session; back to the facilitator's page.
pub async fn end_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Redirect> {
    let s = model::session_by_facilitator(&state.db, &token).await?;
    state.rooms.end(&s.id).await?;
    Ok(Redirect::to(&format!("/f/{token}")))
}

/// The confidential brief of party `p` (its own page only).
fn brief(g: &Game, p: usize) -> Markup {
    let s = &g.scenario;
    let actor = s.actors.iter().position(|a| a.id == g.problem.party_ids[p]);
    let u = &g.problem.domain.utilities[p];
    let tables = u.tables();
    html! {
        section #brief.card {
            h2 { "Your confidential brief" }
            p #batna { "Your BATNA (best alternative to a negotiated agreement): " strong.batna { (fmt_u(u.reservation)) } " on the 0–1 utility scale. A package worth less is worse than no deal." }
            @if let Some(a) = actor.map(|a| &s.actors[a]) {
                @if !a.notes.is_empty() { p.muted { (a.notes) } }
            }
            table.brief-issues {
                tr { th { "Issue" } th { "Your position" } th.num { "Weight" } th { "Red line" } th { "Worth of each option to you (weight × value)" } }
                @for k in 0..g.issues() {
                    @let stance = actor.and_then(|a| stance_text(s, a, &g.problem.issue_ids[k]));
                    tr.brief-issue data-issue=(k) {
                        td { (g.issue_name(k)) }
                        td { @if let Some((pos, _)) = stance.as_ref() { (pos) } @else { "no stance" } }
                        td.num { (format!("{:.3}", u.weights[k])) }
                        td.red-line { @if let Some((_, red)) = stance.as_ref() { @if let Some(r) = red { (r) } @else { "none" } } }
                        td {
                            @for (o, w) in tables[k].iter().enumerate() {
                                span.opt-worth { (g.option_label(k, o)) ": " (if w.is_finite() { format!("{w:.3}") } else { "red line".into() }) }
                                " "
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Actor `a`'s position on the issue with id `issue`, and its red line, as text.
fn stance_text(
    s: &detente_core::Scenario,
    a: usize,
    issue: &str,
) -> Option<(String, Option<String>)> {
    let i = s.issues.iter().position(|x| x.id == issue)?;
    let st = s.stance(a, i)?;
    let is = &s.issues[i];
    let red = st.red_line.map(|r| match (r.min, r.max) {
        (Some(lo), Some(hi)) => format!("between {} and {}", is.label(lo), is.label(hi)),
        (Some(lo), None) => format!("at least {}", is.label(lo)),
        (None, Some(hi)) => format!("at most {}", is.label(hi)),
        (None, None) => "none".to_string(),
    });
    Some((is.label(st.position.value), red))
}

fn msg_item(g: &Game, seats: &[Seat], m: &Msg, me: Option<usize>) -> Markup {
    html! {
        li.msg.(m.kind.as_str()) data-seq=(m.seq) data-kind=(m.kind.as_str()) data-from=(m.from) {
            span.meta { "#" (m.seq) " " (fmt_time(m.at)) " — " strong { (api::seat_name(seats, m.from)) } " → " (api::seat_name(seats, m.to)) ": " span.kind { (m.kind.as_str()) } }
            @if let Some(p) = &m.package {
                ul.package {
                    @for (i, v) in g.describe(p) { li { (i) ": " strong { (v) } } }
                }
                @if let Some(me) = me { span.worth-of { "worth to you: " (fmt_u(g.utility(me, p))) } }
            }
            @if !m.note.is_empty() { p.note { (m.note) } }
        }
    }
}

/// `GET /s/{token}`: a seat's page.
pub async fn seat(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup> {
    seat_view(&state, &csrf, &token, &q, None).await
}

/// The seat's page; `q` may choose the package in the builder (`issue_k` or `package`), and
/// `refused` is why the seat's last message was not stored (shown above the builder).
async fn seat_view(
    state: &AppState,
    csrf: &str,
    token: &str,
    q: &HashMap<String, String>,
    refused: Option<&str>,
) -> Result<Markup> {
    let c = SeatCtx::load(state, token).await?;
    let history = model::messages(&state.db, &c.session.id).await?;
    let rules = c.rules();
    let g = c.game.lock().unwrap_or_else(|e| e.into_inner());
    let me = c.seat.seat;
    let party = c.party();
    let s = &c.session;
    let chosen = api::package_from_fields(&g, q)?;
    let table = protocol::on_table(me, &history).filter(|_| !s.ended());
    let open = protocol::open_for(&rules, me, &history).is_some();
    let kinds = rules.kinds(me);
    let puts: Vec<Kind> = kinds.iter().copied().filter(Kind::puts).collect();
    let recipients = rules.recipients(me);
    let left = rules.left(me, &history);
    let data = party.map(|p| g.tables_json(p).to_string());
    let start: Vec<usize> = chosen.clone().unwrap_or_else(|| {
        table
            .and_then(|m| m.package.clone())
            .unwrap_or_else(|| vec![0; g.issues()])
    });
    let act = page::action(&format!("/s/{token}/messages"), csrf);
    let markup = html! {
        (head())
        div #seat data-token=(token) data-seat=(me) data-role=(c.seat.role) {
            h1 { (s.title) }
            p.muted { "You are " strong #me { (c.seat.actor) } " (" (c.seat.role) ") — " (s.proto.describe()) ". Keep this link to yourself: it is your seat." }
            (status_line(s, rules.clock(&history), rules.budget()))
            @if let Some(why) = refused {
                p #refused.error role="alert" { "Not sent: " (why) }
            }
            @if s.ended() {
                p { a #debrief-link href=(format!("/s/{token}/debrief")) { "Open the debrief" } }
            }
            @if let Some(p) = party {
                (brief(&g, p))
            } @else {
                section #brief.card {
                    h2 { "Your role" }
                    p { "As mediator you see what is sent to you, carry offers (relay) and propose packages to one party or to all. The parties' briefs and utilities are confidential to them." }
                }
            }
            @if let Some(m) = table {
                section #on-table.card data-seq=(m.seq) {
                    h2 { "On the table" }
                    p { "From " (api::seat_name(&c.seats, m.from)) " (" (m.kind.as_str()) ", #" (m.seq) "):" }
                    ul.package { @for (i, v) in g.describe(m.package.as_deref().unwrap_or(&[])) { li { (i) ": " strong { (v) } } } }
                    @if let Some(p) = party {
                        p { "Worth to you: " strong.table-worth { (fmt_u(g.utility(p, m.package.as_deref().unwrap_or(&[])))) } }
                    }
                    @if party.is_some() && kinds.contains(&Kind::Accept) {
                        @if open {
                            @let signable = party.is_some_and(|p| g.utility(p, m.package.as_deref().unwrap_or(&[])).is_finite());
                            @if signable {
                                form.inline method="post" action=(act) {
                                    input type="hidden" name="kind" value="accept";
                                    button.accept type="submit" { "Accept" }
                                }
                                " "
                            } @else {
                                p.muted.across { "It crosses your red lines: you cannot accept it, only reject it or answer with an offer." }
                            }
                            form.inline method="post" action=(act) {
                                input type="hidden" name="kind" value="reject";
                                button.reject.secondary type="submit" { "Reject" }
                            }
                        } @else {
                            p.muted { "You have answered this package." }
                        }
                    }
                }
            }
            @if !s.ended() {
                section.card {
                    h2 { "Write" }
                    form #offer-builder method="post" action=(act) data-utility=[data] {
                        @if !puts.is_empty() {
                            table {
                                @for k in 0..g.issues() {
                                    tr {
                                        td { label for=(format!("issue_{k}")) { (g.issue_name(k)) } }
                                        td { select id=(format!("issue_{k}")) name=(format!("issue_{k}")) data-issue=(k) {
                                            @for o in 0..g.problem.domain.space.issues()[k].len() {
                                                option value=(o) selected[start.get(k) == Some(&o)] { (g.option_label(k, o)) }
                                            }
                                        } }
                                    }
                                }
                            }
                            @if let Some(p) = party {
                                p #worth-line { "What is this worth to me: " output #worth { (fmt_u(g.utility(p, &start))) } " (your BATNA " (fmt_u(g.problem.domain.utilities[p].reservation)) ")" }
                                button.secondary #value-package type="submit" formmethod="get" formaction=(format!("/s/{token}")) { "Value this package" }
                            }
                            @if let Some(l) = left { p.muted #left { (l) " left" } }
                        }
                        p {
                            label { "Kind " select name="kind" #kind {
                                @for k in kinds.iter().filter(|k| !matches!(k, Kind::Accept | Kind::Reject)) {
                                    option value=(k.as_str()) { (k.as_str()) }
                                }
                            } }
                            " "
                            label { "To " select name="to" #to {
                                @for r in &recipients {
                                    option value=(if *r == ALL { "all".to_string() } else { r.to_string() }) { (api::seat_name(&c.seats, *r)) }
                                }
                            } }
                        }
                        p { label { "Note " textarea name="note" #note maxlength=(protocol::MAX_NOTE) rows="3" cols="60" {} } }
                        button #send-offer type="submit" { "Send" }
                    }
                }
            }
            section.card {
                h2 { "Messages you can see" }
                ol #inbox reversed {
                    @for m in history.iter().rev().filter(|m| m.visible_to(me)) {
                        (msg_item(&g, &c.seats, m, party))
                    }
                }
            }
        }
    };
    Ok(page::frame(
        &format!("{} — {}", c.seat.actor, s.title),
        csrf,
        markup,
    ))
}

/// `POST /s/{token}/messages`: a form's message; back to the seat's page.
pub async fn message_form(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(token): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    match send_form(&state, &token, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/s/{token}")).into_response()),
        // Refused (a red line, no offers left, a wrong recipient…): the room again, with the
        // reason and the package as it was built, under the refusal's status.
        Err(e)
            if e.status().is_client_error() && e.status() != axum::http::StatusCode::NOT_FOUND =>
        {
            let status = e.status();
            let page = seat_view(&state, &csrf, &token, &f, Some(&e.public_message())).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn send_form(state: &AppState, token: &str, f: &HashMap<String, String>) -> Result<()> {
    let c = SeatCtx::load(state, token).await?;
    let kind = f
        .get("kind")
        .and_then(|k| Kind::parse(k))
        .ok_or_else(|| ServerError::BadRequest("choose what to send (`kind`)".into()))?;
    let to = match f.get("to").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => api::parse_to(&serde_json::Value::String(t.to_string()))?,
    };
    let package = if kind.puts() {
        let g = c.game.lock().unwrap_or_else(|e| e.into_inner());
        api::package_from_fields(&g, f)?
    } else {
        None
    };
    // Accept and reject answer the package on the table; they go to whoever put it.
    let to = if matches!(kind, Kind::Accept | Kind::Reject) {
        None
    } else {
        to
    };
    api::send(
        state,
        &c,
        Draft {
            kind,
            to,
            package,
            note: f.get("note").cloned().unwrap_or_default(),
        },
    )
    .await?;
    Ok(())
}
