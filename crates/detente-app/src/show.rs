//! `show`, `validate` and `scenarios`: documents about scenarios themselves.

use detente_core::builtin::BUILTINS;
use detente_core::diag::{Problem, Problems};
use detente_core::{IssueKind, Scenario, Target};
use serde_json::{json, Value};

/// What an event's effect changes, as `kind actor/issue`: `position iran/enrichment_level`.
pub fn target_text(s: &Scenario, t: &Target) -> String {
    match *t {
        Target::Position { actor, issue } => {
            format!("position {}/{}", s.actors[actor].id, s.issues[issue].id)
        }
        Target::Salience { actor, issue } => {
            format!("salience {}/{}", s.actors[actor].id, s.issues[issue].id)
        }
        Target::Capability { actor } => format!("capability {}", s.actors[actor].id),
        Target::Batna { actor } => format!("batna {}", s.actors[actor].id),
    }
}

/// The `show --json` document.
pub fn scenario_json(s: &Scenario) -> Value {
    let actors: Vec<_> = s
        .actors
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "name": a.name, "role": a.role.as_str(),
                "capability": a.capability.value,
                "capability_range": a.capability.is_uncertain().then(|| a.capability.bounds()),
                "risk": a.risk.map(|r| r.value),
                "batna": a.batna.map(|b| b.value),
                "discount": a.discount,
                "pressures": a.pressures,
            })
        })
        .collect();
    let issues: Vec<_> = s
        .issues
        .iter()
        .map(|i| {
            let mut v = json!({
                "id": i.id, "name": i.name, "description": i.description,
                "status_quo": i.status_quo.value, "off_agenda_for": i.off_agenda_for,
            });
            match &i.kind {
                IssueKind::Continuous { min, max, unit } => {
                    v["kind"] = json!("continuous");
                    v["min"] = json!(min);
                    v["max"] = json!(max);
                    v["unit"] = json!(unit);
                }
                IssueKind::Discrete { options } => {
                    v["kind"] = json!("discrete");
                    v["options"] = json!(options);
                    v["status_quo_label"] = json!(i.label(i.status_quo.value));
                }
            }
            v
        })
        .collect();
    let positions: Vec<_> = s
        .stances
        .iter()
        .map(|st| {
            let issue = &s.issues[st.issue];
            let mut v = json!({
                "actor": s.actors[st.actor].id, "issue": issue.id,
                "position": st.position.value, "salience": st.salience.value,
            });
            if issue.is_discrete() {
                v["position_label"] = json!(issue.label(st.position.value));
            }
            if let Some(r) = &st.red_line {
                v["red_line"] = json!({"min": r.min, "max": r.max});
            }
            v
        })
        .collect();
    let events: Vec<_> = s
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.id, "description": e.description, "round": e.round, "date": e.date,
                "probability": e.probability.value, "escalation": e.escalation,
                "effects": e.effects.iter().map(|f| json!({"target": target_text(s, &f.target), "amount": f.amount.value})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "title": s.meta.title,
        "date": s.meta.date,
        "description": s.meta.description,
        "actors": actors,
        "issues": issues,
        "positions": positions,
        "events": events,
        "protocol": {
            "mediator": s.protocol.mediator, "indirect": s.protocol.indirect, "rounds": s.protocol.rounds,
            "deadline": s.protocol.deadline, "direct_from_round": s.protocol.direct_from_round,
        },
    })
}

/// One located problem as JSON: message, file, line, column, field.
pub fn problem_json(p: &Problem) -> Value {
    json!({
        "message": p.message,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "field": p.field,
    })
}

/// The `validate --json` document of a scenario that loaded, with its warnings.
pub fn valid_json(warnings: &Problems) -> Value {
    let warnings: Vec<_> = warnings.items.iter().map(problem_json).collect();
    json!({"valid": true, "errors": [], "warnings": warnings})
}

/// The `validate --json` document of a scenario that did not load.
pub fn invalid_json(problems: &Problems) -> Value {
    let errors: Vec<_> = problems.errors().map(problem_json).collect();
    let warnings: Vec<_> = problems.warnings().map(problem_json).collect();
    json!({"valid": false, "errors": errors, "warnings": warnings})
}

/// The `scenarios --json` document: the built-in scenarios, the first the default.
pub fn builtins_json() -> Value {
    let list: Vec<_> = BUILTINS
        .iter()
        .enumerate()
        .map(|(i, b)| json!({"name": b.name, "summary": b.summary, "default": i == 0}))
        .collect();
    json!({ "scenarios": list })
}
