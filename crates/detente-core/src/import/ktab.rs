//! KTAB SMP inputs: the CSV and XML scenario files KTAB's `smpc` reads.
//!
//! Formats and quirks: `../shared/data/ktab/MODEL.md` §3. CSV: line 1 `name, description,
//! nActors, nDims`; line 2 a header; then `name, description, capability, pos_1, sal_1, …`
//! with positions and saliences on a 0–100 scale and an optional trailing comma. XML: a
//! `<Scenario>` with `name`, `desc`, `prngSeed`, optional `<ModelParameters>`, `<Dimensions>`,
//! `<Actors>` and a required `<IdealAdjustment>`. Inputs smpc rejects are rejected here too.

use quick_xml::events::Event as XmlEvent;
use quick_xml::Reader;

use crate::diag::{LoadError, Problem, Problems};
use crate::model::{Actor, Issue, Param, Role, Scenario, Shape, Stance};

/// One KTAB actor.
#[derive(Debug, Clone, PartialEq)]
pub struct KtabActor {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Capability (power, influence), ≥ 0.
    pub capability: f64,
    /// Position per dimension, 0–100.
    pub positions: Vec<f64>,
    /// Salience per dimension, 0–100.
    pub saliences: Vec<f64>,
    /// 1-based line where the actor is written (0 when unknown).
    pub line: usize,
}

/// One entry of the ideal-adjustment (accommodation) matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct IdealAdjust {
    /// Actor whose ideal moves.
    pub adjusting: String,
    /// Actor whose position it moves toward.
    pub reference: String,
    /// Weight A\[i\]\[j\].
    pub adjust: f64,
    /// 1-based line of the `<iaPair>` (0 when unknown).
    pub line: usize,
}

/// A KTAB SMP scenario as written in the file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KtabScenario {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Dimension names.
    pub dims: Vec<String>,
    /// Actors in file order.
    pub actors: Vec<KtabActor>,
    /// The XML's seed, as written.
    pub seed: Option<String>,
    /// Model parameters (name, value) as written in the XML.
    pub params: Vec<(String, String)>,
    /// The XML's ideal-adjustment matrix entries.
    pub ideal_adjustment: Vec<IdealAdjust>,
}

const MAX_DEPTH: usize = 32;
const MAX_ACTORS: usize = 250;

/// Splits a CSV line the way KTAB's reader does: commas, trimmed fields, `"…"` quotes stripped.
fn fields(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    let mut quoted = false;
    for (col, ch) in (1..).zip(line.chars()) {
        if ch == '"' {
            quoted = !quoted;
        } else if ch == ',' && !quoted {
            out.push((start, cur.trim().to_string()));
            cur.clear();
            start = col + 1;
        } else {
            cur.push(ch);
        }
    }
    out.push((start, cur.trim().to_string()));
    out
}

/// Parses a KTAB SMP CSV.
pub fn parse_csv(bytes: &[u8], file: &str) -> Result<KtabScenario, LoadError> {
    let text = crate::diag::decode_utf8(bytes, file)?;
    let mut p = Problems::new();
    let err = |p: &mut Problems, line: usize, col: usize, field: &str, msg: String| {
        p.push(Problem::error(file, field, msg).at(line, col))
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut s = KtabScenario::default();
    let (mut n_actors, mut n_dims) = (0usize, 0usize);
    match lines.first() {
        None => err(
            &mut p,
            1,
            1,
            "",
            "the file is empty; expected `name, description, nActors, nDims` on line 1".into(),
        ),
        Some(l) => {
            let f = fields(l);
            if f.len() < 4 {
                err(
                    &mut p,
                    1,
                    1,
                    "",
                    format!(
                        "line 1 has {} fields; expected `name, description, nActors, nDims`",
                        f.len()
                    ),
                );
            } else {
                s.name = f[0].1.clone();
                s.description = f[1].1.clone();
                match f[2].1.parse::<usize>() {
                    Ok(v) if (3..=MAX_ACTORS).contains(&v) => n_actors = v,
                    _ => err(
                        &mut p,
                        1,
                        f[2].0,
                        "nActors",
                        format!(
                            "number of actors `{}` must be an integer from 3 to {MAX_ACTORS}",
                            f[2].1
                        ),
                    ),
                }
                match f[3].1.parse::<usize>() {
                    Ok(v) if (1..=100).contains(&v) => n_dims = v,
                    _ => err(
                        &mut p,
                        1,
                        f[3].0,
                        "nDims",
                        format!(
                            "number of dimensions `{}` must be an integer from 1 to 100",
                            f[3].1
                        ),
                    ),
                }
            }
        }
    }
    if p.has_errors() {
        return Err(LoadError::Invalid {
            file: file.into(),
            source_text: text.into(),
            problems: p,
        });
    }
    let width = 3 + 2 * n_dims;
    match lines.get(1) {
        None => err(&mut p, 2, 1, "", "missing the header line".into()),
        Some(l) => {
            let f = fields(l);
            let f: Vec<_> = f.into_iter().take(width).collect();
            if f.len() < width {
                err(
                    &mut p,
                    2,
                    1,
                    "",
                    format!(
                        "the header has {} fields; expected {width} for {n_dims} dimension(s)",
                        f.len()
                    ),
                );
            } else {
                s.dims = (0..n_dims)
                    .map(|d| {
                        f[3 + 2 * d]
                            .1
                            .trim_end_matches(" Position")
                            .trim()
                            .to_string()
                    })
                    .collect();
            }
        }
    }
    for (idx, l) in lines.iter().enumerate().skip(2) {
        let line = idx + 1;
        if l.trim().is_empty() {
            continue;
        }
        let mut f = fields(l);
        if f.len() == width + 1 && f[width].1.is_empty() {
            f.pop(); // trailing comma
        }
        if f.len() != width {
            err(&mut p, line, 1, "", format!("row has {} fields; expected {width} (name, description, capability, then position and salience for {n_dims} dimension(s))", f.len()));
            continue;
        }
        let num = |k: usize, what: &str, lo: f64, hi: f64, p: &mut Problems| -> Option<f64> {
            match f[k].1.parse::<f64>() {
                Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Some(v),
                Ok(v) => {
                    err(
                        p,
                        line,
                        f[k].0,
                        what,
                        format!(
                            "{what} is {}; expected a number in [{}, {}]",
                            crate::format_input(v),
                            crate::format_input(lo),
                            crate::format_input(hi)
                        ),
                    );
                    None
                }
                Err(_) => {
                    err(
                        p,
                        line,
                        f[k].0,
                        what,
                        format!("{what} `{}` is not a number", f[k].1),
                    );
                    None
                }
            }
        };
        let cap = num(2, "capability", 0.0, 1e8, &mut p);
        let mut pos = Vec::new();
        let mut sal = Vec::new();
        for d in 0..n_dims {
            pos.push(num(3 + 2 * d, "position", 0.0, 100.0, &mut p));
            sal.push(num(4 + 2 * d, "salience", 0.0, 100.0, &mut p));
        }
        let (Some(cap), Some(pos), Some(sal)) = (
            cap,
            pos.into_iter().collect::<Option<Vec<_>>>(),
            sal.into_iter().collect::<Option<Vec<_>>>(),
        ) else {
            continue;
        };
        if sal.iter().sum::<f64>() > 100.0 + 1e-9 {
            err(
                &mut p,
                line,
                1,
                "salience",
                format!(
                    "saliences of `{}` sum to {}; KTAB allows at most 100",
                    f[0].1,
                    sal.iter().sum::<f64>()
                ),
            );
        }
        s.actors.push(KtabActor {
            name: f[0].1.clone(),
            description: f[1].1.clone(),
            capability: cap,
            positions: pos,
            saliences: sal,
            line,
        });
    }
    if !p.has_errors() && s.actors.len() != n_actors {
        err(
            &mut p,
            1,
            1,
            "nActors",
            format!(
                "line 1 declares {n_actors} actors but the file has {}",
                s.actors.len()
            ),
        );
    }
    duplicate_names(&s.actors, file, &mut p);
    if p.has_errors() {
        return Err(LoadError::Invalid {
            file: file.into(),
            source_text: text.into(),
            problems: p,
        });
    }
    Ok(s)
}

/// Parses a KTAB SMP XML scenario.
pub fn parse_xml(bytes: &[u8], file: &str) -> Result<KtabScenario, LoadError> {
    let text = crate::diag::decode_utf8(bytes, file)?;
    let mut p = Problems::new();
    let mut s = KtabScenario::default();
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut actor: Option<(KtabActor, usize)> = None;
    let mut pair: Option<(String, String, Option<f64>, usize)> = None;
    let mut seen_ia = false;
    let mut seen_actors = false;
    let mut text_seen = false;
    let span = |pos: usize| pos..(pos + 1).min(text.len()).max(pos);
    let lines = crate::diag::LineIndex::new(text);
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(XmlEvent::Start(e)) => {
                if path.len() >= MAX_DEPTH {
                    p.push(
                        Problem::error(
                            file,
                            "",
                            format!("elements nested deeper than {MAX_DEPTH}"),
                        )
                        .spanned_in(&lines, span(before)),
                    );
                    break;
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match name.as_str() {
                    "Actor" => {
                        actor = Some((
                            KtabActor {
                                name: String::new(),
                                description: String::new(),
                                capability: f64::NAN,
                                positions: vec![],
                                saliences: vec![],
                                line: lines.line_col(before).0,
                            },
                            before,
                        ))
                    }
                    "iaPair" => pair = Some((String::new(), String::new(), None, before)),
                    "IdealAdjustment" => seen_ia = true,
                    "Actors" => seen_actors = true,
                    _ => {}
                }
                text_seen = false;
                path.push(name);
            }
            Ok(XmlEvent::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "dCoord" || name == "dSal" {
                    p.push(
                        Problem::error(
                            file,
                            &name,
                            format!("empty <{name}>; expected a number from 0 to 100"),
                        )
                        .spanned_in(&lines, span(before)),
                    );
                }
                if name == "IdealAdjustment" {
                    seen_ia = true;
                }
            }
            Ok(XmlEvent::Text(t)) => {
                let raw = match t.unescape() {
                    Ok(r) => r.trim().to_string(),
                    Err(e) => {
                        p.push(
                            Problem::error(file, "", format!("cannot read text: {e}"))
                                .spanned_in(&lines, span(before)),
                        );
                        break;
                    }
                };
                if raw.is_empty() {
                    continue;
                }
                text_seen = true;
                let here = path.last().map(String::as_str).unwrap_or("");
                let parent = if path.len() >= 2 {
                    path[path.len() - 2].as_str()
                } else {
                    ""
                };
                let number = |field: &str, lo: f64, hi: f64, p: &mut Problems| -> Option<f64> {
                    match raw.parse::<f64>() {
                        Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Some(v),
                        _ => {
                            p.push(
                                Problem::error(
                                    file,
                                    field,
                                    format!(
                                        "<{field}> is {}; expected a number from {lo} to {hi}",
                                        crate::diag::quote(&raw)
                                    ),
                                )
                                .spanned_in(&lines, span(before)),
                            );
                            None
                        }
                    }
                };
                match (parent, here) {
                    ("Scenario", "name") => s.name = raw.clone(),
                    ("Scenario", "desc") => s.description = raw.clone(),
                    ("Scenario", "prngSeed") => s.seed = Some(raw.clone()),
                    ("ModelParameters", param) => s.params.push((param.to_string(), raw.clone())),
                    ("Dimensions", "dName") => s.dims.push(raw.clone()),
                    ("Actor", "name") => {
                        if let Some((a, _)) = actor.as_mut() {
                            a.name = raw.clone();
                        }
                    }
                    ("Actor", "description") => {
                        if let Some((a, _)) = actor.as_mut() {
                            a.description = raw.clone();
                        }
                    }
                    ("Actor", "capability") => {
                        let v = number("capability", 0.0, 1e8, &mut p);
                        if let (Some((a, _)), Some(v)) = (actor.as_mut(), v) {
                            a.capability = v;
                        }
                    }
                    ("Position", "dCoord") => {
                        let v = number("dCoord", 0.0, 100.0, &mut p);
                        if let (Some((a, _)), Some(v)) = (actor.as_mut(), v) {
                            a.positions.push(v);
                        }
                    }
                    ("Salience", "dSal") => {
                        let v = number("dSal", 0.0, 100.0, &mut p);
                        if let (Some((a, _)), Some(v)) = (actor.as_mut(), v) {
                            a.saliences.push(v);
                        }
                    }
                    ("iaPair", "adjustingIdeal") => {
                        if let Some(q) = pair.as_mut() {
                            q.0 = raw.clone();
                        }
                    }
                    ("iaPair", "referencePos") => {
                        if let Some(q) = pair.as_mut() {
                            q.1 = raw.clone();
                        }
                    }
                    ("iaPair", "adjust") => {
                        let v = number("adjust", -10.0, 10.0, &mut p);
                        if let Some(q) = pair.as_mut() {
                            q.2 = v;
                        }
                    }
                    _ => {}
                }
            }
            Ok(XmlEvent::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if (name == "dCoord" || name == "dSal") && !text_seen {
                    p.push(
                        Problem::error(
                            file,
                            &name,
                            format!("empty <{name}>; expected a number from 0 to 100"),
                        )
                        .spanned_in(&lines, span(before)),
                    );
                }
                text_seen = true;
                if name == "Actor" {
                    if let Some((a, pos)) = actor.take() {
                        if a.name.is_empty() || a.capability.is_nan() {
                            p.push(
                                Problem::error(
                                    file,
                                    "Actor",
                                    "<Actor> needs <name> and <capability>",
                                )
                                .spanned_in(&lines, span(pos)),
                            );
                        }
                        s.actors.push(a);
                    }
                }
                if name == "iaPair" {
                    if let Some((adj, refp, v, pos)) = pair.take() {
                        match v {
                            Some(v) if !adj.is_empty() && !refp.is_empty() => {
                                s.ideal_adjustment.push(IdealAdjust {
                                    adjusting: adj,
                                    reference: refp,
                                    adjust: v,
                                    line: lines.line_col(pos).0,
                                })
                            }
                            _ => p.push(
                                Problem::error(
                                    file,
                                    "iaPair",
                                    "<iaPair> needs <adjustingIdeal>, <referencePos> and <adjust>",
                                )
                                .spanned_in(&lines, span(pos)),
                            ),
                        }
                    }
                }
                path.pop();
            }
            Ok(XmlEvent::DocType(_)) => {
                p.push(
                    Problem::error(
                        file,
                        "",
                        "DOCTYPE declarations are not accepted in KTAB XML",
                    )
                    .spanned_in(&lines, span(before)),
                );
                break;
            }
            Ok(XmlEvent::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let pos = reader.error_position() as usize;
                p.push(
                    Problem::error(file, "", format!("malformed XML: {e}"))
                        .spanned_in(&lines, span(pos)),
                );
                break;
            }
        }
    }
    if !p.has_errors() {
        let end = text.len().saturating_sub(1);
        if !seen_actors || s.actors.len() < 3 {
            p.push(
                Problem::error(
                    file,
                    "Actors",
                    format!("found {} actors; KTAB needs at least 3", s.actors.len()),
                )
                .spanned_in(&lines, span(end)),
            );
        }
        if s.dims.is_empty() {
            p.push(
                Problem::error(
                    file,
                    "Dimensions",
                    "no <dName> in <Dimensions>; expected at least one dimension",
                )
                .spanned_in(&lines, span(end)),
            );
        }
        for a in &s.actors {
            if a.positions.len() != s.dims.len() || a.saliences.len() != s.dims.len() {
                p.push(
                    Problem::error(
                        file,
                        "Actor",
                        format!(
                            "actor `{}` has {} positions and {} saliences for {} dimensions",
                            a.name,
                            a.positions.len(),
                            a.saliences.len(),
                            s.dims.len()
                        ),
                    )
                    .spanned_in(&lines, span(end)),
                );
            }
        }
        if !seen_ia {
            p.push(
                Problem::error(file, "IdealAdjustment", "missing <IdealAdjustment>: KTAB's SMP requires the ideal-adjustment list (smpc rejects this file too)")
                    .spanned_in(&lines, span(end)),
            );
        }
        for ia in &s.ideal_adjustment {
            for who in [&ia.adjusting, &ia.reference] {
                if !s.actors.iter().any(|a| &a.name == who) {
                    p.push(
                        Problem::error(
                            file,
                            "iaPair",
                            format!("<iaPair> names unknown actor `{who}`"),
                        )
                        .at(ia.line, 1),
                    );
                }
            }
        }
    }
    duplicate_names(&s.actors, file, &mut p);
    if p.has_errors() {
        return Err(LoadError::Invalid {
            file: file.into(),
            source_text: text.into(),
            problems: p,
        });
    }
    Ok(s)
}

/// Two actors with the same name are an error (KTAB tells actors apart by name: the
/// ideal-adjustment pairs would be ambiguous), located at the second with the first's line.
fn duplicate_names(actors: &[KtabActor], file: &str, p: &mut Problems) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for a in actors {
        if a.name.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(a.name.as_str()) {
            p.push(
                Problem::error(
                    file,
                    "name",
                    format!(
                        "actor `{}` appears twice (lines {first} and {}); actor names must be unique",
                        a.name, a.line
                    ),
                )
                .at(a.line, 1),
            );
        } else {
            seen.insert(&a.name, a.line);
        }
    }
}

impl KtabScenario {
    /// The scenario: dimensions → continuous issues on 0–100, every actor a party, saliences / 100,
    /// the XML's parameters, seed and ideal-adjustment matrix kept in `models.smp`.
    pub fn to_scenario(&self) -> Scenario {
        let mut s = Scenario::default();
        s.meta.title = if self.name.is_empty() {
            "KTAB scenario".into()
        } else {
            self.name.clone()
        };
        s.meta.description = self.description.clone();
        let ids = super::unique_slugs(self.actors.iter().map(|a| a.name.as_str()));
        for (a, id) in self.actors.iter().zip(ids) {
            let mut actor = Actor::new(id, a.name.clone(), Role::Party, a.capability);
            actor.notes = a.description.clone();
            s.actors.push(actor);
        }
        let dim_ids = super::unique_slugs(self.dims.iter().map(String::as_str));
        for ((d, name), id) in self.dims.iter().enumerate().zip(dim_ids) {
            // KTAB has no status quo; the capability·salience-weighted mean position stands in for it.
            let (mut num, mut den) = (0.0, 0.0);
            for a in &self.actors {
                num += a.capability * a.saliences[d] * a.positions[d];
                den += a.capability * a.saliences[d];
            }
            let sq = if den > 0.0 { num / den } else { 50.0 };
            let mut issue = Issue::continuous(id, 0.0, 100.0, sq);
            issue.name = name.clone();
            s.issues.push(issue);
        }
        for (ai, a) in self.actors.iter().enumerate() {
            for d in 0..self.dims.len() {
                s.stances.push(Stance {
                    actor: ai,
                    issue: d,
                    position: Param::fixed(a.positions[d]),
                    salience: Param::fixed(a.saliences[d] / 100.0),
                    shape: Shape::Linear,
                    red_line: None,
                });
            }
        }
        let mut smp = toml::Table::new();
        if let Some(seed) = &self.seed {
            smp.insert("seed".into(), toml::Value::String(seed.clone()));
        }
        if !self.params.is_empty() {
            let params: toml::Table = self
                .params
                .iter()
                .map(|(k, v)| (k.clone(), toml::Value::String(v.clone())))
                .collect();
            smp.insert("parameters".into(), toml::Value::Table(params));
        }
        if !self.ideal_adjustment.is_empty() {
            let ia = self
                .ideal_adjustment
                .iter()
                .map(|e| {
                    let mut t = toml::Table::new();
                    t.insert("adjusting".into(), toml::Value::String(e.adjusting.clone()));
                    t.insert("reference".into(), toml::Value::String(e.reference.clone()));
                    t.insert("adjust".into(), toml::Value::Float(e.adjust));
                    toml::Value::Table(t)
                })
                .collect();
            smp.insert("ideal_adjustment".into(), toml::Value::Array(ia));
        }
        if !smp.is_empty() {
            s.models.insert("smp".into(), toml::Value::Table(smp));
        }
        s
    }
}

/// Parses a KTAB CSV or XML file (told apart by its first non-blank character) into a scenario.
pub fn import(bytes: &[u8], file: &str) -> Result<(Scenario, Problems), LoadError> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let is_xml = b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<');
    let k = if is_xml {
        parse_xml(bytes, file)?
    } else {
        parse_csv(bytes, file)?
    };
    let mut warnings = Problems::new();
    if k.actors.iter().any(|a| a.capability == 0.0) {
        warnings.push(Problem::warning(
            file,
            "capability",
            "an actor has capability 0; it cannot influence any model",
        ));
    }
    let mut s = k.to_scenario();
    warnings.push(super::note_invented_status_quo(
        &mut s,
        file,
        "KTAB",
        "the capability·salience-weighted mean of the positions",
    ));
    // Distinct names can still make the same id (`A b` and `a_b`): the later one is renamed.
    let mut first_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (j, (a, actor)) in k.actors.iter().zip(&s.actors).enumerate() {
        let base = super::bdm::slug(&a.name);
        match first_of.get(&base) {
            Some(&i) if actor.id != base => warnings.push(
                Problem::warning(
                    file,
                    "name",
                    format!(
                        "actors `{}` (line {}) and `{}` (line {}) make the same id `{base}`; the second is imported as `{}`",
                        k.actors[i].name, k.actors[i].line, a.name, a.line, actor.id
                    ),
                )
                .at(a.line, 1),
            ),
            Some(_) => {}
            None => {
                first_of.insert(base, j);
            }
        }
    }
    // detente requires capability > 0: a zero-capability KTAB actor is kept with a negligible one.
    for a in &mut s.actors {
        if a.capability.value == 0.0 {
            a.capability = Param::fixed(1e-9);
        }
    }
    Ok((s, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../../shared/data/ktab/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("reference data beside the repo")
    }

    fn errors(r: Result<KtabScenario, LoadError>) -> Vec<Problem> {
        match r {
            Err(LoadError::Invalid { problems, .. }) => problems.errors().cloned().collect(),
            Ok(_) => panic!("expected an error"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_runnable_reference_file_imports() {
        for (f, actors, dims) in [
            ("dummyData_3Dim.csv", 7, 3),
            ("dummyData_3Dim-no-final-comma.csv", 7, 3),
            ("dummyData_6Dim.csv", 27, 6),
            ("SOE-Policy.csv", 26, 1),
            ("SOE-Competitive.csv", 34, 1),
            ("SOE-Pol-Comp.csv", 13, 2),
            ("dummyData-a040.csv", 40, 1),
            ("dummyData-a080.csv", 80, 1),
            ("dummyData-a160.csv", 160, 1),
            ("smpExample_restored.xml", 5, 3),
        ] {
            let (s, _) = import(&data(f), f).unwrap_or_else(|e| panic!("{f}: {e:?}"));
            assert_eq!((s.actors.len(), s.issues.len()), (actors, dims), "{f}");
            let v = crate::validate::validate(&s);
            assert!(!v.has_errors(), "{f}: {v}");
        }
    }

    #[test]
    fn the_xml_keeps_parameters_seed_and_ideal_adjustment() {
        let k = parse_xml(&data("smpExample_restored.xml"), "x.xml").expect("valid");
        assert_eq!(k.seed.as_deref(), Some("03507583219545544127"));
        assert!(k
            .params
            .iter()
            .any(|(n, v)| n == "StateTransitions" && v == "Stochastic"));
        assert_eq!(k.ideal_adjustment.len(), 6);
        assert_eq!(k.actors[0].positions, vec![52.8, 39.8, 39.6]);
        let s = k.to_scenario();
        let text = crate::format::to_toml(&s);
        let (back, _) = crate::format::parse_toml(&text, "x.toml").expect("reads back");
        assert_eq!(back, s);
        assert!(back.models["smp"]["ideal_adjustment"]
            .as_array()
            .is_some_and(|a| a.len() == 6));
    }

    #[test]
    fn the_two_files_smpc_rejects_are_rejected() {
        let e = errors(parse_xml(&data("smpExample.xml"), "smpExample.xml"));
        assert!(
            e.iter().any(|p| p.message.contains("empty <dCoord>")),
            "{e:?}"
        );
        assert!(e[0].line > 1);
        let e = errors(parse_xml(&data("dummyData_3Dim.xml"), "dummyData_3Dim.xml"));
        assert!(
            e.iter().any(|p| p.message.contains("IdealAdjustment")),
            "{e:?}"
        );
    }

    #[test]
    fn names_that_make_the_same_id_are_imported_with_a_warning_naming_both_lines() {
        let csv = "s,d,3,1\nActor,Desc,Power,P Position,P Salience\nA b,x,1,50,50\nc,x,1,20,50\na_b,x,1,10,50\n";
        let (s, w) = import(csv.as_bytes(), "k.csv").expect("imports");
        assert_eq!(s.actors[2].id, "a_b_2");
        let w: Vec<_> = w.items.iter().filter(|p| p.field == "name").collect();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].message.contains("(line 3)") && w[0].message.contains("(line 5)"),
            "{w:?}"
        );
        assert_eq!(w[0].line, 5);
    }

    #[test]
    fn csv_errors_name_line_and_column() {
        let e = errors(parse_csv(
            b"s,d,3,1\nActor,Desc,Power,P,S\na,x,1,50,50\nb,x,1,150,50\nc,x,1,50\n",
            "t.csv",
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            (e[0].line, e[0].column, e[0].field.as_str()),
            (4, 7, "position")
        );
        assert_eq!(e[1].line, 5);
        let e = errors(parse_csv(b"s,d,x,1\n", "t.csv"));
        assert_eq!(e[0].field, "nActors");
        let e = errors(parse_csv(
            b"s,d,4,1\nActor,Desc,Power,P,S\na,x,1,50,50\nb,x,1,50,50\nc,x,1,50,50\n",
            "t.csv",
        ));
        assert!(e[0].message.contains("declares 4 actors"), "{e:?}");
    }

    #[test]
    fn hostile_xml_is_rejected_without_panicking() {
        let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><Scenario><name>&lol2;</name></Scenario>";
        assert!(parse_xml(bomb, "b.xml").is_err());
        let deep = "<a>".repeat(10_000);
        assert!(parse_xml(deep.as_bytes(), "d.xml").is_err());
        assert!(parse_xml(b"<Scenario><name>\xff</name></Scenario>", "u.xml").is_err());
        assert!(parse_xml(
            b"<Scenario><Actors><Actor><capability>NaN</capability></Actor></Actors></Scenario>",
            "n.xml"
        )
        .is_err());
    }
}
