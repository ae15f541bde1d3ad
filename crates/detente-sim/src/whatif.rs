//! What-if changes: `--set path=value` and scenario overlays, applied on the TOML form of the
//! scenario so that the result is validated like any scenario file.

use detente_core::diag::{LineIndex, Problem, Problems};
use detente_core::format::{locate, parse_toml, to_toml};
use detente_core::{LoadError, Scenario};

use crate::SimError;

fn reparse(t: &toml::Table, what: &str) -> Result<Scenario, SimError> {
    let text = toml::to_string(t)
        .map_err(|e| SimError::WhatIf(format!("cannot write the changed scenario: {e}")))?;
    match parse_toml(&text, what) {
        Ok((s, _)) => Ok(s),
        Err(LoadError::Invalid { problems, .. }) => Err(SimError::Invalid(problems)),
        Err(e) => Err(SimError::WhatIf(e.to_string())),
    }
}

fn as_table(s: &Scenario) -> Result<toml::Table, SimError> {
    to_toml(s)
        .parse::<toml::Table>()
        .map_err(|e| SimError::WhatIf(format!("cannot read the scenario back: {e}")))
}

fn value_of(raw: &str) -> toml::Value {
    if let Ok(v) = raw.parse::<i64>() {
        return toml::Value::Integer(v);
    }
    if let Ok(v) = raw.parse::<f64>() {
        return toml::Value::Float(v);
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_string()),
    }
}

/// Finds the table in array `list` whose keys match `keys`.
fn entry<'t>(
    root: &'t mut toml::Table,
    list: &str,
    keys: &[(&str, &str)],
) -> Option<&'t mut toml::Table> {
    root.get_mut(list)?
        .as_array_mut()?
        .iter_mut()
        .filter_map(|v| v.as_table_mut())
        .find(|t| {
            keys.iter()
                .all(|(k, v)| t.get(*k).and_then(|x| x.as_str()) == Some(*v))
        })
}

/// Applies `path=value` overrides, e.g. `actors.israel.capability=0.2`,
/// `positions.iran.stockpile.salience=0.3`, `events.military_strike.probability=0`,
/// `issues.stockpile.status_quo=diluted_in_iran`, `protocol.rounds=12`.
pub fn apply_sets(s: &Scenario, sets: &[String]) -> Result<Scenario, SimError> {
    if sets.is_empty() {
        return Ok(s.clone());
    }
    let mut t = as_table(s)?;
    let mut changed = s.clone();
    for set in sets {
        let (path, raw) = set
            .split_once('=')
            .ok_or_else(|| SimError::WhatIf(format!("`{set}`: expected PATH=VALUE")))?;
        let parts: Vec<&str> = path.trim().split('.').collect();
        let value = value_of(raw.trim());
        let bad = |why: &str| SimError::WhatIf(format!("--set {path}: {why}"));
        let target: &mut toml::Table = match parts.as_slice() {
            ["actors", id, _] => entry(&mut t, "actors", &[("id", id)]).ok_or_else(|| bad(&format!("no actor `{id}`")))?,
            ["issues", id, _] => entry(&mut t, "issues", &[("id", id)]).ok_or_else(|| bad(&format!("no issue `{id}`")))?,
            ["events", id, _] => entry(&mut t, "events", &[("id", id)]).ok_or_else(|| bad(&format!("no event `{id}`")))?,
            ["threats", id, _] => entry(&mut t, "threats", &[("id", id)]).ok_or_else(|| bad(&format!("no threat `{id}`")))?,
            ["positions", a, i, _] => {
                entry(&mut t, "positions", &[("actor", a), ("issue", i)]).ok_or_else(|| bad(&format!("`{a}` has no position on `{i}`")))?
            }
            ["protocol", _] => t
                .entry("protocol")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(|| bad("protocol is not a table"))?,
            _ => {
                return Err(bad(
                    "expected actors.ID.FIELD, issues.ID.FIELD, positions.ACTOR.ISSUE.FIELD, events.ID.FIELD, threats.ID.FIELD or protocol.FIELD",
                ))
            }
        };
        let field = parts[parts.len() - 1];
        target.insert(field.to_string(), value);
        // Each change is checked on its own, so its errors name it (and only it).
        changed = match reparse(&t, "--set") {
            Ok(s) => s,
            Err(SimError::Invalid(problems)) => {
                let mut named = Problems::new();
                for p in problems.items {
                    named.push(Problem {
                        file: format!("--set {set}"),
                        line: 0,
                        column: 0,
                        span: None,
                        ..p
                    });
                }
                return Err(SimError::Invalid(named));
            }
            Err(e) => return Err(e),
        };
    }
    Ok(changed)
}

/// Where a problem of the merged scenario lies in the overlay: the overlay's own path of the
/// field (`actors[0].capability` for the overlay's first actor), or of the overlay entry that
/// holds it when the overlay does not write that field; None when the overlay has no part in it.
fn overlay_field(field: &str, merged: &toml::Table, overlay: &toml::Table) -> Option<String> {
    let top = field.split(['.', '[']).next().unwrap_or("");
    if !matches!(
        top,
        "actors" | "issues" | "events" | "threats" | "positions"
    ) {
        return overlay.contains_key(top).then(|| field.to_string());
    }
    let Some(rest) = field.strip_prefix(top).and_then(|r| r.strip_prefix('[')) else {
        return overlay.contains_key(top).then(|| top.to_string());
    };
    let (k, rest) = rest.split_once(']')?;
    let entry = merged
        .get(top)?
        .as_array()?
        .get(k.parse::<usize>().ok()?)?
        .as_table()?;
    let keys: &[&str] = if top == "positions" {
        &["actor", "issue"]
    } else {
        &["id"]
    };
    let entries = overlay.get(top)?.as_array()?;
    let j = entries.iter().position(|v| {
        v.as_table().is_some_and(|t| {
            keys.iter()
                .all(|key| t.get(*key).is_some() && t.get(*key) == entry.get(*key))
        })
    })?;
    let first = rest
        .trim_start_matches('.')
        .split(['.', '['])
        .next()
        .unwrap_or("");
    let written = entries[j].as_table().is_some_and(|t| t.contains_key(first));
    Some(if first.is_empty() || written {
        format!("{top}[{j}]{rest}")
    } else {
        format!("{top}[{j}]")
    })
}

/// The problems of the merged scenario, located in the overlay text `src` named `name`.
fn in_overlay(
    problems: Problems,
    merged: &toml::Table,
    overlay: &toml::Table,
    src: &str,
    name: &str,
) -> Problems {
    let lines = LineIndex::new(src);
    let mut out = Problems::new();
    for p in problems.items {
        let mut q = Problem {
            file: name.to_string(),
            line: 0,
            column: 0,
            span: None,
            ..p.clone()
        };
        match overlay_field(&p.field, merged, overlay) {
            Some(f) => {
                if let Some(span) = locate(src, &f) {
                    q = q.spanned_in(&lines, span);
                }
                q.field = f;
            }
            None => {
                q.message = format!(
                    "{} (at `{}` of the scenario the overlay changes)",
                    q.message, p.field
                );
            }
        }
        out.push(q);
    }
    out
}

/// One located error in the overlay.
fn overlay_error(
    src: &str,
    name: &str,
    span: Option<std::ops::Range<usize>>,
    msg: String,
) -> SimError {
    let mut p = Problem::error(name, "", msg);
    if let Some(s) = span {
        p = p.spanned_in(&LineIndex::new(src), s);
    }
    let mut problems = Problems::new();
    problems.push(p);
    SimError::Invalid(problems)
}

/// Applies an overlay (a partial scenario TOML): entries with the same id (positions: the same
/// actor and issue) have the overlay's fields replaced, new entries are added, and top-level
/// tables (`meta`, `protocol`, `outcomes`) are merged key by key.
pub fn apply_overlay(s: &Scenario, overlay: &str, name: &str) -> Result<Scenario, SimError> {
    let mut t = as_table(s)?;
    let o: toml::Table = overlay.parse().map_err(|e: toml::de::Error| {
        overlay_error(
            overlay,
            name,
            e.span(),
            format!("not valid TOML: {}", e.message().trim_end()),
        )
    })?;
    let written = o.clone();
    for (key, value) in o {
        match (key.as_str(), value) {
            ("actors" | "issues" | "events" | "threats" | "positions", toml::Value::Array(items)) => {
                for item in items {
                    let toml::Value::Table(it) = item else {
                        return Err(SimError::WhatIf(format!("{name}: `{key}` must hold tables")));
                    };
                    let keys: Vec<(String, String)> = if key == "positions" {
                        ["actor", "issue"].iter().filter_map(|k| it.get(*k).and_then(|v| v.as_str()).map(|v| (k.to_string(), v.to_string()))).collect()
                    } else {
                        it.get("id").and_then(|v| v.as_str()).map(|v| vec![("id".to_string(), v.to_string())]).unwrap_or_default()
                    };
                    let need = if key == "positions" { 2 } else { 1 };
                    if keys.len() != need {
                        return Err(SimError::WhatIf(format!("{name}: every `{key}` entry needs {}", if need == 2 { "`actor` and `issue`" } else { "an `id`" })));
                    }
                    let kref: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                    match entry(&mut t, &key, &kref) {
                        Some(existing) => existing.extend(it),
                        None => {
                            let list = t.entry(key.clone()).or_insert_with(|| toml::Value::Array(Vec::new()));
                            if let Some(a) = list.as_array_mut() {
                                a.push(toml::Value::Table(it));
                            }
                        }
                    }
                }
            }
            ("meta" | "protocol" | "outcomes" | "models", toml::Value::Table(tb)) => {
                let dst = t.entry(key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let Some(d) = dst.as_table_mut() {
                    d.extend(tb);
                }
            }
            ("format", v) => {
                t.insert(key, v);
            }
            (k, _) => return Err(overlay_error(overlay, name, locate(overlay, k), format!("cannot overlay `{k}`; expected actors, issues, positions, events, threats, meta, protocol, outcomes or models"))),
        }
    }
    match reparse(&t, name) {
        Err(SimError::Invalid(problems)) => Err(SimError::Invalid(in_overlay(
            problems, &t, &written, overlay, name,
        ))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_changes_one_number_and_is_validated() {
        let s = detente_core::builtin::muscat();
        let t = apply_sets(
            &s,
            &[
                "actors.israel.capability=0.2".into(),
                "positions.iran.stockpile.salience=0.3".into(),
            ],
        )
        .expect("valid");
        let i = t.actor_index("israel").expect("israel");
        assert_eq!(t.actors[i].capability.value, 0.2);
        assert!(!t.actors[i].capability.is_uncertain());
        assert!(apply_sets(&s, &["actors.nobody.capability=1".into()]).is_err());
        assert!(matches!(
            apply_sets(&s, &["positions.iran.stockpile.salience=3".into()]),
            Err(SimError::Invalid(_))
        ));
        assert!(apply_sets(&s, &["colour".into()]).is_err());
    }

    #[test]
    fn overlay_replaces_fields_and_adds_entries() {
        let s = detente_core::builtin::muscat();
        let o = "[[actors]]\nid = \"usa\"\nbatna = 0.1\n[[events]]\nid = \"snapback\"\nround = 3\nprobability = 0.2\nescalation = true\n[protocol]\nrounds = 12\n";
        let t = apply_overlay(&s, o, "overlay.toml").expect("valid");
        let u = t.actor_index("usa").expect("usa");
        assert_eq!(t.actors[u].batna.map(|b| b.value), Some(0.1));
        assert_eq!(t.protocol.rounds, 12);
        assert_eq!(t.events.len(), s.events.len() + 1);
    }

    fn problems(r: Result<Scenario, SimError>) -> Vec<Problem> {
        match r {
            Err(SimError::Invalid(p)) => p.items,
            other => panic!("expected located problems, got {other:?}"),
        }
    }

    #[test]
    fn overlay_errors_are_located_in_the_overlay() {
        let s = detente_core::builtin::muscat();
        let o = "# a small overlay\n[[actors]]\nid = \"iran\"\ncapability = -1\n\n[[positions]]\nactor = \"iran\"\nissue = \"stockpile\"\nsalience = 2\n";
        let p = problems(apply_overlay(&s, o, "o.toml"));
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().all(|p| p.file == "o.toml"), "{p:?}");
        let cap = p
            .iter()
            .find(|p| p.field == "actors[0].capability")
            .expect("capability");
        assert_eq!(cap.line, 4, "{cap:?}");
        let sal = p
            .iter()
            .find(|p| p.field == "positions[0].salience")
            .expect("salience");
        assert_eq!(sal.line, 9, "{sal:?}");
        // Syntax errors and keys that cannot be overlaid have a line too.
        let p = problems(apply_overlay(
            &s,
            "[[actors]]\nid = \"iran\"\ncapability = = 1\n",
            "o.toml",
        ));
        assert_eq!(p[0].line, 3, "{p:?}");
        let p = problems(apply_overlay(&s, "\ncolour = 1\n", "o.toml"));
        assert_eq!(p[0].line, 2, "{p:?}");
    }

    #[test]
    fn one_bad_set_is_one_error_naming_it() {
        let s = detente_core::builtin::muscat();
        let p = problems(apply_sets(
            &s,
            &[
                "actors.usa.capability=0.5".into(),
                "actors.iran.capability=nan".into(),
            ],
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].file, "--set actors.iran.capability=nan");
        assert_eq!(p[0].line, 0);
        assert!(p[0].message.contains("finite"), "{p:?}");
    }
}
