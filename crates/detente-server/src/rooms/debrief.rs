//! The debrief, open to every seat and the facilitator once the session has ended: the
//! outcome on the bargaining plane (detente-report's chart: Pareto frontier, Nash and KS
//! points, BATNAs, every package put during the session), the full timeline, and the outcome
//! beside the futures detente-app's `simulate` draws for the session's scenario and protocol.

use axum::extract::{Path, State};
use axum::Extension;
use detente_app::report::plane_frame;
use detente_app::Quiet;
use detente_negotiate::analysis::analyze;
use detente_report::{ActorRow, Plane, PlaneOffer};
use detente_sim::SimConfig;
use maud::{html, Markup, PreEscaped};
use serde_json::{json, Value};

use super::api::{self, SeatCtx};
use super::game::{fmt_u, Game};
use super::model::{self, Msg, Seat, Session};
use super::pages::head;
use super::protocol::Kind;
use crate::error::{Result, ServerError};
use crate::page;
use crate::security::Csrf;
use crate::AppState;

/// Simulated futures the debrief compares the session with.
pub const SIM_RUNS: usize = 200;

fn finite(u: f64) -> Option<f64> {
    u.is_finite().then_some(u)
}

/// The plane of a two-party session (`None` with more parties), as SVG.
fn plane_svg(g: &Game, s: &Session, seats: &[Seat], history: &[Msg]) -> Option<String> {
    let d = &g.problem.domain;
    if d.n_parties() != 2 {
        return None;
    }
    let an = analyze(d);
    let pkg = |o: u64| g.describe(&g.package(o));
    let u2 = |p: &[usize]| (g.utility(0, p), g.utility(1, p));
    let puts: Vec<&Msg> = history
        .iter()
        .filter(|m| matches!(m.kind, Kind::Offer | Kind::Proposal) && m.package.is_some())
        .collect();
    let side = |from: i64| if from >= 2 { 2u8 } else { from as u8 };
    let offers: Vec<PlaneOffer> = puts
        .iter()
        .enumerate()
        .filter_map(|(k, m)| {
            let p = m.package.as_deref()?;
            let (x, y) = u2(p);
            Some(PlaneOffer {
                side: side(m.from),
                by: api::seat_name(seats, m.from),
                round: k as u32 + 1,
                utilities: (finite(x), finite(y)),
                package: g.describe(p),
            })
        })
        .collect();
    let trace = puts
        .iter()
        .filter_map(|m| {
            let (x, y) = u2(m.package.as_deref()?);
            (x.is_finite() && y.is_finite()).then_some((side(m.from), x, y))
        })
        .collect();
    let plane = Plane {
        trace,
        agreement: s.agreement.as_deref().map(u2),
        note: format!(
            "live session, {}, {}",
            s.proto.as_str(),
            if s.agreement.is_some() {
                "agreement reached"
            } else {
                "no agreement"
            }
        ),
        offers,
        nash_package: an.nash.as_ref().map_or_else(Vec::new, |q| pkg(q.outcome)),
        ks_package: an
            .kalai_smorodinsky
            .as_ref()
            .map_or_else(Vec::new, |q| pkg(q.outcome)),
        agreement_package: s
            .agreement
            .as_deref()
            .map_or_else(Vec::new, |p| g.describe(p)),
        ..plane_frame(d, &an)
    };
    let actors: Vec<ActorRow> = d
        .parties
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let a = g.scenario.actors.iter().find(|a| &a.id == id);
            ActorRow {
                id: id.clone(),
                name: a.map(|a| a.name.clone()).unwrap_or_else(|| id.clone()),
                role: "party".into(),
                capability: a.map(|a| a.capability.value).unwrap_or(0.0),
                batna: Some(d.utilities[k].reservation),
            }
        })
        .collect();
    Some(detente_report::plane_svg(&plane, &actors))
}

/// The simulated comparison: computed once per session (detente-app's `simulate` with the
/// session's seed and protocol, [`SIM_RUNS`] runs) and cached with the session.
async fn simulated(
    state: &AppState,
    s: &Session,
    scenario: detente_core::Scenario,
) -> Result<Value> {
    if let Some(d) = &s.debrief {
        if let Ok(v) = serde_json::from_str(d) {
            return Ok(v);
        }
    }
    let cfg = SimConfig {
        runs: SIM_RUNS,
        seed: s.seed,
        threads: Some(1),
        protocol: Some(s.proto.engine()),
        params: detente_sim::Params::default(),
    };
    let v = tokio::task::spawn_blocking(move || -> Result<Value> {
        let failed = |e: String| ServerError::Unprocessable(format!("the simulation failed: {e}"));
        // One chunk holding every run: its records give the per-run utilities, and reduced it
        // is exactly `simulate`'s result.
        let chunk = detente_app::simulate::chunk(&scenario, &cfg, 0..SIM_RUNS as u64, &Quiet)
            .map_err(|e| failed(e.to_string()))?;
        let deals: Vec<Vec<f64>> = chunk
            .records
            .iter()
            .filter(|r| r.class == detente_sim::Class::Deal)
            .map(|r| r.utilities.clone())
            .collect();
        let r = detente_sim::reduce(&scenario, &cfg, vec![chunk])
            .map_err(|e| failed(e.to_string()))?;
        Ok(json!({
            "runs": r.runs,
            "seed": r.seed,
            "classes": r.outcomes.iter().map(|(c, o)| json!({"class": c.as_str(), "p": o.p, "lo": o.ci[0], "hi": o.ci[1]})).collect::<Vec<_>>(),
            "utilities": r.utilities.iter().enumerate().map(|(p, (a, u))| {
                let mut d: Vec<f64> = deals.iter().filter_map(|x| x.get(p).copied()).filter(|x| x.is_finite()).collect();
                d.sort_by(f64::total_cmp);
                json!({"party": a, "mean": u, "deal_utilities": d})
            }).collect::<Vec<_>>(),
        }))
    })
    .await
    .map_err(|e| ServerError::Internal(e.to_string()))??;
    model::store_debrief(&state.db, &s.id, &v.to_string()).await?;
    Ok(v)
}

/// The `q` quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let k = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

/// The session's outcome class in the simulation's terms.
fn class_of(s: &Session) -> &'static str {
    match (s.agreement.is_some(), s.end_reason.as_deref()) {
        (true, _) => "deal",
        (false, Some("walk-away")) => "breakdown",
        _ => "stalemate",
    }
}

async fn render(state: &AppState, csrf: &str, s: Session, back: String) -> Result<Markup> {
    if !s.ended() {
        return Err(ServerError::Conflict(
            "the debrief opens once the session has ended".into(),
        ));
    }
    let seats = model::seats(&state.db, &s.id).await?;
    let history = model::messages(&state.db, &s.id).await?;
    let game = state.rooms.game(&s).await?;
    let (svg, game) = {
        let (s2, seats2, h2, g2) = (s.clone(), seats.clone(), history.clone(), game.clone());
        let svg = tokio::task::spawn_blocking(move || {
            let g = g2.lock().unwrap_or_else(|e| e.into_inner());
            plane_svg(&g, &s2, &seats2, &h2)
        })
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?;
        (svg, game)
    };
    // The simulation needs the scenario only; no lock is held across the await.
    let scenario = game
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .scenario
        .clone();
    let sim = simulated(state, &s, scenario).await?;
    let g = game.lock().unwrap_or_else(|e| e.into_inner());
    let parties = g.parties();
    let utilities: Vec<f64> = (0..parties)
        .map(|p| match &s.agreement {
            Some(a) => g.utility(p, a),
            None => g.problem.domain.utilities[p].reservation,
        })
        .collect();
    let class = class_of(&s);
    let p_class = sim["classes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["class"] == class))
        .and_then(|c| c["p"].as_f64())
        .unwrap_or(0.0);
    let markup = html! {
        (head())
        div #debrief {
            h1 { "Debrief: " (s.title) }
            p { a href=(back) { "Back" } }
            section #debrief-outcome.card data-class=(class) {
                h2 { "Outcome" }
                @if let Some(a) = &s.agreement {
                    p { strong { "Agreement" } ":" }
                    ul.package { @for (i, v) in g.describe(a) { li { (i) ": " strong { (v) } } } }
                } @else {
                    p { strong { "No agreement" } " (" (s.end_reason.as_deref().unwrap_or("ended")) "); each party falls back on its BATNA." }
                }
                table {
                    tr { th { "Party" } th.num { "Utility of the outcome" } th.num { "BATNA" } }
                    @for p in 0..parties {
                        tr { td { (g.problem.party_ids[p]) } td.num { (fmt_u(utilities[p])) } td.num { (fmt_u(g.problem.domain.utilities[p].reservation)) } }
                    }
                }
            }
            @if let Some(svg) = svg {
                section #debrief-plane.card {
                    h2 { "The bargaining plane" }
                    p.muted { "Every package on the plane by its worth to each party; the line is the Pareto frontier, with the Nash and Kalai–Smorodinsky points; dashed lines are the BATNAs; the marks are the offers and proposals of this session." }
                    div.plane { (PreEscaped(svg)) }
                }
            }
            section #debrief-sim.card {
                h2 { "Beside the simulated futures" }
                p { "detente simulated " (sim["runs"]) " futures of this scenario under the same protocol (seed " (sim["seed"]) ")." }
                table {
                    tr { th { "Outcome" } th.num { "P" } th.num { "95 % interval" } th { "" } }
                    @for c in sim["classes"].as_array().into_iter().flatten() {
                        tr.sim-class data-class=[c["class"].as_str()] {
                            td { (c["class"].as_str().unwrap_or("")) }
                            td.num { (format!("{:.0} %", c["p"].as_f64().unwrap_or(0.0) * 100.0)) }
                            td.num { (format!("{:.0}–{:.0} %", c["lo"].as_f64().unwrap_or(0.0) * 100.0, c["hi"].as_f64().unwrap_or(0.0) * 100.0)) }
                            td { @if c["class"] == class { strong { "← this session" } } }
                        }
                    }
                }
                p #debrief-class { "This session ended in " strong { (class) } "; " (format!("{:.0} %", p_class * 100.0)) " of the simulated futures ended that way." }
                table #debrief-utilities {
                    tr { th { "Party" } th.num { "This session" } th.num { "Simulated mean (all runs)" } th.num { "Simulated deals: 10th–50th–90th percentile" } th.num { "Simulated deals worth less than this session" } }
                    @for p in 0..parties {
                        @let row = sim["utilities"].as_array().and_then(|a| a.iter().find(|x| x["party"] == g.problem.party_ids[p].as_str()));
                        @let mean = row.and_then(|x| x["mean"].as_f64());
                        @let deals: Vec<f64> = row.and_then(|x| x["deal_utilities"].as_array()).map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
                        tr {
                            td { (g.problem.party_ids[p]) }
                            td.num { (fmt_u(utilities[p])) }
                            td.num { @if let Some(m) = mean { (format!("{m:.3}")) } @else { "—" } }
                            td.num { @if deals.is_empty() { "no simulated deal" } @else { (format!("{:.3} – {:.3} – {:.3}", quantile(&deals, 0.1), quantile(&deals, 0.5), quantile(&deals, 0.9))) } }
                            td.num { @if deals.is_empty() { "—" } @else { (format!("{:.0} % of {}", 100.0 * deals.iter().filter(|&&d| d < utilities[p]).count() as f64 / deals.len() as f64, deals.len())) } }
                        }
                    }
                }
                p.muted { "What compares and what does not: the simulation plays the whole scenario — events, threats, shifting positions, interim packages — with engine agents, while this room played the static negotiation problem with the scenario's positions as they stand. The outcome classes and the 0–1 utility scale are the same; an interim package cannot happen in a room. The simulated means are over all runs, deals and failures alike; the percentiles are over the simulated deals only, each valued by the simulation at the end of its run." }
            }
            section #debrief-timeline.card {
                h2 { "The full timeline" }
                ol.timeline {
                    @for m in &history {
                        li.msg.(m.kind.as_str()) data-seq=(m.seq) {
                            "#" (m.seq) " " strong { (api::seat_name(&seats, m.from)) } " → " (api::seat_name(&seats, m.to)) ": " (m.kind.as_str())
                            @if let Some(p) = &m.package {
                                " — " (g.line(p))
                                " (" @for q in 0..parties { (g.problem.party_ids[q]) " " (fmt_u(g.utility(q, p))) @if q + 1 < parties { ", " } } ")"
                            }
                            @if !m.note.is_empty() { p.note { (m.note) } }
                        }
                    }
                }
            }
        }
    };
    Ok(page::frame(&format!("Debrief — {}", s.title), csrf, markup))
}

/// `GET /s/{token}/debrief`.
pub async fn seat_page(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(token): Path<String>,
) -> Result<Markup> {
    let c = SeatCtx::load(&state, &token).await?;
    render(&state, &csrf, c.session, format!("/s/{token}")).await
}

/// `GET /f/{token}/debrief`.
pub async fn facilitator_page(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    Path(token): Path<String>,
) -> Result<Markup> {
    let s = state.rooms.by_facilitator(&token).await?;
    render(&state, &csrf, s, format!("/f/{token}")).await
}
