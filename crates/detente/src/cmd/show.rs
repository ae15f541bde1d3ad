//! `detente show [FILE]`: actors, issues, the position/salience matrix and the event timeline.

use std::process::ExitCode;

use detente_app::show::{scenario_json, target_text};
use detente_core::{format_number, Dist, IssueKind, Param};

use crate::cli::CmdResult;
use crate::load::{load, PrintWarnings, Source};
use crate::render::{print_json, print_text, table};

/// Arguments of `detente show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario.
    #[command(flatten)]
    pub source: Source,
}

/// Displays a number with its uncertainty range, e.g. `0.7 (0.5–0.9)`.
pub fn param_text(p: &Param) -> String {
    match p.dist {
        None => format_number(p.value),
        Some(Dist::Normal { mean, sd }) => {
            format!("{} ± {}", format_number(mean), format_number(sd))
        }
        Some(_) => {
            let (lo, hi) = p.bounds();
            format!(
                "{} ({}–{})",
                format_number(p.value),
                format_number(lo),
                format_number(hi)
            )
        }
    }
}

/// Shows the scenario.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let loaded = load(&a.source)?;
    loaded.print_warnings(json);
    let s = &loaded.scenario;
    if json {
        print_json(&scenario_json(s));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    out.push_str(&s.meta.title);
    if !s.meta.date.is_empty() {
        out.push_str(&format!(" ({})", s.meta.date));
    }
    out.push('\n');
    let mut t = table(&["actor", "name", "role", "capability", "BATNA", "pressures"]);
    for a in &s.actors {
        t.add_row(vec![
            a.id.clone(),
            a.name.clone(),
            a.role.to_string(),
            param_text(&a.capability),
            a.batna.as_ref().map(param_text).unwrap_or_default(),
            a.pressures.join(", "),
        ]);
    }
    out.push_str(&format!("\nActors\n{t}\n"));
    let mut t = table(&["issue", "name", "scale", "status quo", "off agenda for"]);
    for i in &s.issues {
        let scale = match &i.kind {
            IssueKind::Continuous { min, max, unit } => {
                format!(
                    "{}–{}{}",
                    format_number(*min),
                    format_number(*max),
                    unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
                )
            }
            IssueKind::Discrete { options } => options.join(" < "),
        };
        t.add_row(vec![
            i.id.clone(),
            i.name.clone(),
            scale,
            i.label(i.status_quo.value),
            i.off_agenda_for.join(", "),
        ]);
    }
    out.push_str(&format!("\nIssues\n{t}\n"));
    let mut header = vec!["position (salience)".to_string()];
    header.extend(s.issues.iter().map(|i| i.id.clone()));
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&hdr);
    for (ai, a) in s.actors.iter().enumerate() {
        let mut row = vec![a.id.clone()];
        let mut any = false;
        for (ii, issue) in s.issues.iter().enumerate() {
            row.push(match s.stance(ai, ii) {
                Some(st) => {
                    any = true;
                    let red = if st.red_line.is_some() { " !" } else { "" };
                    format!(
                        "{} ({}){red}",
                        issue.label(st.position.value),
                        format_number(st.salience.value)
                    )
                }
                None if !s.on_agenda(ai, ii) => "off agenda".into(),
                None => "·".into(),
            });
        }
        if any {
            t.add_row(row);
        }
    }
    out.push_str(&format!("\nPositions (salience); ! = red line\n{t}\n"));
    if !s.events.is_empty() {
        let mut t = table(&["when", "event", "p", "effects"]);
        for e in &s.events {
            let when = match (e.round, &e.date) {
                (Some(r), Some(d)) => format!("round {r} ({d})"),
                (Some(r), None) => format!("round {r}"),
                (None, Some(d)) => d.clone(),
                (None, None) => String::new(),
            };
            let mut effects: Vec<String> = e
                .effects
                .iter()
                .map(|f| {
                    format!(
                        "{} {}{}",
                        target_text(s, &f.target),
                        if f.amount.value >= 0.0 { "+" } else { "" },
                        format_number(f.amount.value)
                    )
                })
                .collect();
            if e.escalation {
                effects.push("ESCALATION".into());
            }
            t.add_row(vec![
                when,
                format!("{}: {}", e.id, e.description),
                param_text(&e.probability),
                effects.join("; "),
            ]);
        }
        out.push_str(&format!("\nEvents\n{t}\n"));
    }
    let p = &s.protocol;
    out.push_str(&format!(
        "\nProtocol: {} talks{}, {} rounds{}{}",
        if p.indirect { "indirect" } else { "direct" },
        p.mediator
            .as_ref()
            .map(|m| format!(" mediated by {m}"))
            .unwrap_or_default(),
        p.rounds,
        p.deadline
            .as_ref()
            .map(|d| format!(", deadline {d}"))
            .unwrap_or_default(),
        p.direct_from_round
            .map(|r| format!(", direct contact from round {r}"))
            .unwrap_or_default(),
    ));
    print_text(&out);
    Ok(ExitCode::SUCCESS)
}
