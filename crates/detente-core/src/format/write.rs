//! Writing a scenario as TOML (format version 1) that reads back to the same model.

use std::fmt::Write;

use crate::model::*;

fn q(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// A float written so that it reads back bit-identical.
fn num(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn scale_value(x: f64, issue: Option<&Issue>) -> String {
    match issue.and_then(|i| i.options()) {
        Some(opts) if (x - x.round()).abs() < 1e-12 && x >= 0.0 && (x as usize) < opts.len() => {
            q(&opts[x as usize])
        }
        _ => num(x),
    }
}

fn param(p: &Param, issue: Option<&Issue>) -> String {
    let v = |x: f64| scale_value(x, issue);
    match p.dist {
        None => v(p.value),
        Some(Dist::Uniform { low, high }) => format!("{{ low = {}, high = {} }}", v(low), v(high)),
        Some(Dist::Triangular { low, mode, high }) => format!(
            "{{ low = {}, mode = {}, high = {} }}",
            v(low),
            v(mode),
            v(high)
        ),
        Some(Dist::Normal { mean, sd }) => format!("{{ mean = {}, sd = {} }}", v(mean), num(sd)),
    }
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// Writes `s` as a version-1 scenario file.
pub fn to_toml(s: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "format = {}\n", super::FORMAT_VERSION);
    let _ = writeln!(o, "[meta]\ntitle = {}", q(&s.meta.title));
    if !s.meta.date.is_empty() {
        let _ = writeln!(o, "date = {}", q(&s.meta.date));
    }
    if let Some(d) = &s.meta.as_of {
        let _ = writeln!(o, "as_of = {}", q(d));
    }
    if !s.meta.description.is_empty() {
        let _ = writeln!(o, "description = {}", q(&s.meta.description));
    }
    for src in &s.meta.sources {
        let _ = writeln!(o, "\n[[meta.sources]]");
        if !src.id.is_empty() {
            let _ = writeln!(o, "id = {}", q(&src.id));
        }
        let _ = writeln!(o, "citation = {}", q(&src.citation));
        if let Some(u) = &src.url {
            let _ = writeln!(o, "url = {}", q(u));
        }
    }
    for a in &s.actors {
        let _ = writeln!(
            o,
            "\n[[actors]]\nid = {}\nname = {}\nrole = {}",
            q(&a.id),
            q(&a.name),
            q(a.role.as_str())
        );
        let _ = writeln!(o, "capability = {}", param(&a.capability, None));
        if let Some(r) = &a.risk {
            let _ = writeln!(o, "risk = {}", param(r, None));
        }
        if !a.pressures.is_empty() {
            let _ = writeln!(o, "pressures = {}", list(&a.pressures));
        }
        if let Some(b) = &a.batna {
            let _ = writeln!(o, "batna = {}", param(b, None));
        }
        if let Some(d) = a.discount {
            let _ = writeln!(o, "discount = {}", num(d));
        }
        if let Some(w) = &a.war_cost {
            let _ = writeln!(o, "war_cost = {}", param(w, None));
        }
        if let Some(sp) = &a.spoiler {
            let _ = writeln!(o, "spoiler = {}", param(sp, None));
        }
        if let Some(r) = &a.ratify {
            let _ = writeln!(
                o,
                "ratify = {{ by = {}, threshold = {} }}",
                list(&r.by),
                num(r.threshold)
            );
        }
        if !a.notes.is_empty() {
            let _ = writeln!(o, "notes = {}", q(&a.notes));
        }
    }
    for i in &s.issues {
        let _ = writeln!(o, "\n[[issues]]\nid = {}\nname = {}", q(&i.id), q(&i.name));
        if !i.description.is_empty() {
            let _ = writeln!(o, "description = {}", q(&i.description));
        }
        match &i.kind {
            IssueKind::Continuous { min, max, unit } => {
                let _ = writeln!(
                    o,
                    "kind = \"continuous\"\nmin = {}\nmax = {}",
                    num(*min),
                    num(*max)
                );
                if let Some(u) = unit {
                    let _ = writeln!(o, "unit = {}", q(u));
                }
            }
            IssueKind::Discrete { options } => {
                let _ = writeln!(o, "kind = \"discrete\"\noptions = {}", list(options));
            }
        }
        let _ = writeln!(o, "status_quo = {}", param(&i.status_quo, Some(i)));
        if !i.off_agenda_for.is_empty() {
            let _ = writeln!(o, "off_agenda = {}", list(&i.off_agenda_for));
        }
    }
    for st in &s.stances {
        let issue = &s.issues[st.issue];
        let _ = writeln!(
            o,
            "\n[[positions]]\nactor = {}\nissue = {}",
            q(&s.actors[st.actor].id),
            q(&issue.id)
        );
        let _ = writeln!(
            o,
            "position = {}\nsalience = {}",
            param(&st.position, Some(issue)),
            param(&st.salience, None)
        );
        match &st.shape {
            Shape::Linear => {}
            Shape::Quadratic => {
                let _ = writeln!(o, "shape = \"quadratic\"");
            }
            Shape::Table(pts) => {
                let inner: Vec<String> = pts
                    .iter()
                    .map(|(x, u)| format!("[{}, {}]", scale_value(*x, Some(issue)), num(*u)))
                    .collect();
                let _ = writeln!(o, "shape = \"table\"\ntable = [{}]", inner.join(", "));
            }
        }
        if let Some(r) = &st.red_line {
            let mut parts = Vec::new();
            if let Some(m) = r.min {
                parts.push(format!("min = {}", scale_value(m, Some(issue))));
            }
            if let Some(m) = r.max {
                parts.push(format!("max = {}", scale_value(m, Some(issue))));
            }
            let _ = writeln!(o, "red_line = {{ {} }}", parts.join(", "));
        }
    }
    for e in &s.events {
        let _ = writeln!(o, "\n[[events]]\nid = {}", q(&e.id));
        if !e.description.is_empty() {
            let _ = writeln!(o, "description = {}", q(&e.description));
        }
        if let Some(r) = e.round {
            let _ = writeln!(o, "round = {r}");
        }
        if let Some(d) = &e.date {
            let _ = writeln!(o, "date = {}", q(d));
        }
        let _ = writeln!(o, "probability = {}", param(&e.probability, None));
        if e.escalation {
            let _ = writeln!(o, "escalation = true");
        }
        for eff in &e.effects {
            let _ = writeln!(o, "\n[[events.effects]]");
            let (kind, actor, issue) = match eff.target {
                Target::Position { actor, issue } => ("position", actor, Some(issue)),
                Target::Salience { actor, issue } => ("salience", actor, Some(issue)),
                Target::Capability { actor } => ("capability", actor, None),
                Target::Batna { actor } => ("batna", actor, None),
            };
            let _ = writeln!(o, "target = \"{kind}\"\nactor = {}", q(&s.actors[actor].id));
            if let Some(i) = issue {
                let _ = writeln!(o, "issue = {}", q(&s.issues[i].id));
            }
            let _ = writeln!(o, "amount = {}", param(&eff.amount, None));
        }
    }
    for t in &s.threats {
        let _ = writeln!(
            o,
            "\n[[threats]]\nid = {}\nby = {}\nagainst = {}",
            q(&t.id),
            q(&s.actors[t.by].id),
            q(&s.actors[t.against].id)
        );
        if !t.description.is_empty() {
            let _ = writeln!(o, "description = {}", q(&t.description));
        }
        if let Some(r) = t.round {
            let _ = writeln!(o, "round = {r}");
        }
        if let Some(r) = t.stalled {
            let _ = writeln!(o, "stalled = {r}");
        }
        let _ = writeln!(o, "credibility = {}", param(&t.credibility, None));
    }
    let p = &s.protocol;
    let _ = writeln!(o, "\n[protocol]");
    if let Some(m) = &p.mediator {
        let _ = writeln!(o, "mediator = {}", q(m));
    }
    let _ = writeln!(o, "indirect = {}\nrounds = {}", p.indirect, p.rounds);
    if let Some(d) = &p.deadline {
        let _ = writeln!(o, "deadline = {}", q(d));
    }
    if let Some(r) = p.direct_from_round {
        let _ = writeln!(o, "direct_from_round = {r}");
    }
    if !s.outcomes.core_issues.is_empty() || s.outcomes.interim_min_issues.is_some() {
        let _ = writeln!(o, "\n[outcomes]");
        if !s.outcomes.core_issues.is_empty() {
            let _ = writeln!(o, "core_issues = {}", list(&s.outcomes.core_issues));
        }
        if let Some(n) = s.outcomes.interim_min_issues {
            let _ = writeln!(o, "interim_min_issues = {n}");
        }
    }
    if !s.models.is_empty() {
        let mut wrap = toml::Table::new();
        wrap.insert("models".into(), toml::Value::Table(s.models.clone()));
        if let Ok(t) = toml::to_string(&wrap) {
            let _ = write!(o, "\n{t}");
        }
    }
    o
}
