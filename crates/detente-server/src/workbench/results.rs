//! A finished job's result, read from its `--json` document and drawn with the report's own
//! charts (`detente_report::charts`: outcome bars, by-round curves, causes, tornado) and
//! tables. The SVG the charts return is the only unescaped markup on a page.

use detente_app::report::cause_label;
use detente_core::Scenario;
use detente_report::charts;
use detente_report::{ByRound, Cause, Outcomes, TornadoRow};
use maud::{html, Markup, PreEscaped};
use serde_json::Value;

use super::{num, pct};
use crate::jobs::Kind;

/// The outcome classes, in the report's order.
const CLASSES: [&str; 4] = ["deal", "interim", "stalemate", "breakdown"];

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| num(x, 3)),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// The result of a job of `kind` on `scenario` (for readers' labels; ids without it).
pub fn render(kind: Kind, doc: &Value, scenario: Option<&Scenario>) -> Markup {
    match kind {
        Kind::Simulate => simulate(doc, scenario),
        Kind::Sensitivity => sensitivity(doc),
        Kind::Forecast => forecast(doc),
        Kind::Analyze => analyze(doc),
    }
}

fn outcomes_of(label: &str, r: &Value) -> Outcomes {
    Outcomes {
        label: label.to_string(),
        runs: r["runs"].as_u64().unwrap_or(0) as usize,
        classes: CLASSES
            .iter()
            .map(|c| {
                let o = &r["outcomes"][c];
                (c.to_string(), f(&o["p"]), f(&o["ci"][0]), f(&o["ci"][1]))
            })
            .collect(),
        calibrated: Vec::new(),
    }
}

fn outcome_table(id: &str, variants: &[(&str, &Value)]) -> Markup {
    html! {
        table.wb-table id=(id) {
            thead { tr { th { "Outcome" } @for (label, _) in variants { th.num { (label) } } } }
            tbody {
                @for c in CLASSES {
                    tr data-class=(c) {
                        td { (c) }
                        @for (_, r) in variants {
                            @let o = &r["outcomes"][c];
                            td.num { (pct(f(&o["p"]))) " " span.ci { "[" (pct(f(&o["ci"][0]))) ", " (pct(f(&o["ci"][1]))) "]" } }
                        }
                    }
                }
            }
        }
    }
}

fn simulate(doc: &Value, scenario: Option<&Scenario>) -> Markup {
    let base = outcomes_of("A", doc);
    let compare = doc.get("compare");
    let by_round = ByRound {
        classes: CLASSES.iter().map(|c| c.to_string()).collect(),
        rounds: doc["by_round"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        (
                            r["round"].as_u64().unwrap_or(0) as u32,
                            CLASSES.iter().map(|c| f(&r[c])).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let causes: Vec<Cause> = doc["causes"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(id, c)| Cause {
                    id: id.clone(),
                    label: scenario.map_or_else(|| id.clone(), |s| cause_label(s, id)),
                    p: f(&c["p"]),
                    lo: f(&c["ci"][0]),
                    hi: f(&c["ci"][1]),
                })
                .collect()
        })
        .unwrap_or_default();
    let issues = doc["issues"].as_object();
    html! {
        @if let Some(c) = compare {
            @let other = outcomes_of("B", &c["result"]);
            h2 { "Outcomes: variant A beside variant B" }
            p #variants { "A: the job's changes; B: " code { (text(&c["overlay"])) } }
            div.chart #chart-outcomes { (PreEscaped(charts::outcomes(&[&base, &other]))) }
            (outcome_table("outcome-table", &[("A", doc), ("B", &c["result"])]))
        } @else {
            h2 { "Outcomes" }
            div.chart #chart-outcomes { (PreEscaped(charts::outcomes(&[&base]))) }
            (outcome_table("outcome-table", &[("probability", doc)]))
        }
        p.meta { (text(&doc["runs"])) " runs, seed " (text(&doc["seed"])) ", mean rounds " (text(&doc["mean_rounds"])) }
        @if !by_round.rounds.is_empty() {
            h2 { "How the runs end, round by round" }
            div.chart #chart-by-round { (PreEscaped(charts::by_round(&by_round))) }
        }
        @if !causes.is_empty() {
            h2 { "Causes of breakdown" }
            div.chart #chart-causes { (PreEscaped(charts::causes(&causes))) }
        }
        @if let Some(issues) = issues {
            h2 { "Where the issues settle (deals)" }
            table.wb-table #issue-table {
                thead { tr { th { "Issue" } th.num { "Mean" } th.num { "10th percentile" } th.num { "90th percentile" } th.num { "Runs" } } }
                tbody {
                    @for (id, st) in issues {
                        tr {
                            td { code { (id) } }
                            td.num { (text(&st["mean"])) }
                            td.num { @if st.get("p10_label").is_some_and(|v| !v.is_null()) { (text(&st["p10_label"])) } @else { (text(&st["p10"])) } }
                            td.num { @if st.get("p90_label").is_some_and(|v| !v.is_null()) { (text(&st["p90_label"])) } @else { (text(&st["p90"])) } }
                            td.num { (text(&st["n"])) }
                        }
                    }
                }
            }
        }
    }
}

fn sensitivity(doc: &Value) -> Markup {
    let empty = Vec::new();
    let factors = doc["factors"].as_array().unwrap_or(&empty);
    let rows: Vec<TornadoRow> = factors
        .iter()
        .take(12)
        .map(|x| TornadoRow {
            input: text(&x["input"]),
            label: String::new(),
            low: f(&x["low"]),
            high: f(&x["high"]),
            delta_p_deal: f(&x["delta_p_deal"]),
            ci: Some((f(&x["delta_p_deal_ci"][0]), f(&x["delta_p_deal_ci"][1]))),
            delta_p_breakdown: f(&x["delta_p_breakdown"]),
        })
        .collect();
    html! {
        h2 { "What moves the odds" }
        p.meta { "Base: P(deal) " (pct(f(&doc["p_deal"]))) ", P(breakdown) " (pct(f(&doc["p_breakdown"]))) "; " (text(&doc["runs"])) " runs per variant, seed " (text(&doc["seed"])) "." }
        @if !rows.is_empty() { div.chart #chart-tornado { (PreEscaped(charts::tornado(&rows))) } }
        table.wb-table #factor-table {
            thead { tr { th { "Input" } th.num { "Low" } th.num { "High" } th.num { "Δ P(deal)" } th.num { "Δ P(breakdown)" } } }
            tbody {
                @for x in factors {
                    tr { td { code { (text(&x["input"])) } } td.num { (text(&x["low"])) } td.num { (text(&x["high"])) }
                         td.num { (pct(f(&x["delta_p_deal"]))) } td.num { (pct(f(&x["delta_p_breakdown"]))) } }
                }
            }
        }
    }
}

fn forecast(doc: &Value) -> Markup {
    let empty = Vec::new();
    let issues = doc["issues"].as_array().unwrap_or(&empty);
    let models: Vec<String> = issues
        .first()
        .and_then(|i| i["models"].as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let value = |v: &Value| {
        if v.get("outcome_label").is_some() {
            text(&v["outcome_label"])
        } else {
            text(&v["outcome"])
        }
    };
    html! {
        h2 { "Forecasts" }
        table.wb-table #forecast-table {
            thead { tr { th { "Issue" } th { "Status quo" } @for m in &models { th { (m) } } th { "Ensemble" } } }
            tbody {
                @for i in issues {
                    tr {
                        td { code { (text(&i["id"])) } }
                        td { @if i.get("status_quo_label").is_some() { (text(&i["status_quo_label"])) } @else { (text(&i["status_quo"])) } }
                        @for m in &models { td { (value(&i["models"][m])) } }
                        td.ensemble { @if i.get("ensemble_label").is_some() { (text(&i["ensemble_label"])) } @else { (text(&i["ensemble"])) } }
                    }
                }
            }
        }
    }
}

fn analyze(doc: &Value) -> Markup {
    let points = [
        ("Nash", "nash"),
        ("Kalai–Smorodinsky", "kalai_smorodinsky"),
        ("Utilitarian", "utilitarian"),
        ("Egalitarian", "egalitarian"),
    ];
    let kv = |v: &Value| -> String {
        v.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, x)| format!("{k}={}", text(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| "—".into())
    };
    html! {
        h2 { "Bargaining analysis" }
        p.meta {
            (text(&doc["outcomes"])) " outcomes; Pareto frontier of " (text(&doc["pareto"]["size"])) " points; ZOPA share "
            (pct(f(&doc["zopa"]["share"]))) "; " (doc["logrolls"].as_array().map_or(0, Vec::len)) " logroll(s)."
        }
        table.wb-table #analysis-table {
            thead { tr { th { "Point" } th { "Package" } th { "Utilities" } } }
            tbody {
                @for (name, key) in points {
                    tr data-point=(key) {
                        td { (name) }
                        @if doc[key].is_null() { td colspan="2" { "none (no rational outcome)" } }
                        @else { td { (kv(&doc[key]["outcome"])) } td { (kv(&doc[key]["utilities"])) } }
                    }
                }
            }
        }
    }
}
