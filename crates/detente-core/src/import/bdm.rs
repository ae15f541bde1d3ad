//! BDM / Predictioneer-style CSV: one issue, one row per actor with capability, position and salience.
//!
//! Headers are matched case-insensitively with common variants (`Stakeholder`/`Actor`/`Name`,
//! `Capability`/`Clout`/`Power`/`Influence`, `Position`, `Salience`/`Importance`). Salience is
//! read on a [0, 1] scale; a file whose saliences all lie in [0, 100] with some above 1 is read
//! on a 0–100 scale and divided by 100 (with a warning). A column mixing the two scales (values
//! above 1 beside values strictly between 0 and 1) is an error at each odd value's line, and a
//! row with more values than the header has columns is an error, not a dropped value.

use crate::diag::{LineIndex, LoadError, Problem, Problems};
use crate::model::{Actor, Issue, Param, Role, Scenario, Shape, Stance};

/// One actor row as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct BdmRow {
    /// Actor name.
    pub actor: String,
    /// Capability (> 0).
    pub capability: f64,
    /// Position on the issue scale.
    pub position: f64,
    /// Salience in [0, 1] (after any 0–100 rescaling).
    pub salience: f64,
    /// 1-based line of the row in the file.
    pub line: usize,
}

/// The file's rows, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BdmTable {
    /// Actor rows.
    pub rows: Vec<BdmRow>,
}

const COLUMNS: [(&str, &[&str]); 4] = [
    (
        "actor",
        &[
            "actor",
            "stakeholder",
            "name",
            "player",
            "actors",
            "stakeholders",
        ],
    ),
    (
        "capability",
        &[
            "capability",
            "clout",
            "power",
            "influence",
            "capabilities",
            "resources",
        ],
    ),
    ("position", &["position", "positions", "stance"]),
    (
        "salience",
        &["salience", "importance", "saliency", "priority"],
    ),
];

/// Parses a BDM CSV; returns the table and its warnings, or every error found.
pub fn parse(bytes: &[u8], file: &str) -> Result<(BdmTable, Problems), LoadError> {
    let text = crate::diag::decode_utf8(bytes, file)?;
    let mut problems = Problems::new();
    let lines = LineIndex::new(text);
    let fail = |problems: Problems| LoadError::Invalid {
        file: file.into(),
        source_text: text.to_string(),
        problems,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            problems
                .push(Problem::error(file, "", format!("cannot read the header: {e}")).at(1, 1));
            return Err(fail(problems));
        }
        None => {
            problems.push(
                Problem::error(
                    file,
                    "",
                    "the file is empty; expected a header `actor,capability,position,salience`",
                )
                .at(1, 1),
            );
            return Err(fail(problems));
        }
    };
    let mut index = [usize::MAX; 4];
    for (c, name) in header.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let column = field_column(&lines, 1, c);
        match COLUMNS.iter().position(|(_, variants)| variants.contains(&lower.as_str())) {
            Some(k) if index[k] == usize::MAX => index[k] = c,
            Some(k) => problems.push(Problem::error(file, COLUMNS[k].0, format!("column `{}` appears twice (`{name}`)", COLUMNS[k].0)).at(1, column)),
            None if name.is_empty() && c + 1 == header.len() => {} // trailing comma
            None => problems.push(
                Problem::error(file, name, format!("unknown column `{name}`; expected actor, capability, position and salience"))
                    .at(1, column),
            ),
        }
    }
    for (k, (canon, variants)) in COLUMNS.iter().enumerate() {
        if index[k] == usize::MAX {
            problems.push(
                Problem::error(
                    file,
                    *canon,
                    format!(
                        "missing column `{canon}` (accepted headers: {})",
                        variants.join(", ")
                    ),
                )
                .at(1, 1),
            );
        }
    }
    if problems.has_errors() {
        return Err(fail(problems));
    }
    let mut table = BdmTable::default();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| line_at(&lines, p.byte() as usize))
                    .unwrap_or(0);
                problems
                    .push(Problem::error(file, "", format!("malformed CSV row: {e}")).at(line, 1));
                continue;
            }
        };
        let line = rec
            .position()
            .map(|p| line_at(&lines, p.byte() as usize))
            .unwrap_or(0);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let needed = index.iter().max().copied().unwrap_or(0) + 1;
        if rec.len() < needed {
            problems.push(
                Problem::error(
                    file,
                    "",
                    format!("row has {} fields; expected {}", rec.len(), header.len()),
                )
                .at(line, 1),
            );
            continue;
        }
        let extra: Vec<&str> = rec
            .iter()
            .skip(header.len())
            .filter(|f| !f.is_empty())
            .collect();
        if !extra.is_empty() {
            problems.push(
                Problem::error(
                    file,
                    "",
                    format!(
                        "row has {} fields but the header has {} columns; the extra value `{}` would be lost (quote a value that contains a comma)",
                        rec.len(),
                        header.len(),
                        extra[0]
                    ),
                )
                .at(line, field_column(&lines, line, header.len())),
            );
            continue;
        }
        let cell = |k: usize| rec.get(index[k]).unwrap_or("");
        let actor = cell(0).to_string();
        if actor.is_empty() {
            problems.push(Problem::error(file, "actor", "empty actor name").at(line, 1));
        }
        let mut num = |k: usize| -> Option<f64> {
            let s = cell(k);
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= crate::limits::MAX_MAGNITUDE => Some(v),
                Ok(v) if v.is_finite() => {
                    problems.push(
                        Problem::error(
                            file,
                            COLUMNS[k].0,
                            format!(
                                "{} is {v:e}; numbers must lie within ±1e12 so that sums and squares stay finite: rescale the column",
                                COLUMNS[k].0
                            ),
                        )
                        .at(line, field_column(&lines, line, index[k])),
                    );
                    None
                }
                Ok(v) => {
                    problems.push(
                        Problem::error(
                            file,
                            COLUMNS[k].0,
                            format!(
                                "{} is {}; expected a finite number",
                                COLUMNS[k].0,
                                crate::format_input(v)
                            ),
                        )
                        .at(line, field_column(&lines, line, index[k])),
                    );
                    None
                }
                Err(_) => {
                    problems.push(
                        Problem::error(
                            file,
                            COLUMNS[k].0,
                            format!("{} {} is not a number", COLUMNS[k].0, crate::diag::quote(s)),
                        )
                        .at(line, field_column(&lines, line, index[k])),
                    );
                    None
                }
            }
        };
        let (c, x, s) = (num(1), num(2), num(3));
        if let Some(c) = c {
            if c <= 0.0 {
                problems.push(
                    Problem::error(
                        file,
                        "capability",
                        format!(
                            "capability of `{actor}` is {}; expected > 0",
                            crate::format_input(c)
                        ),
                    )
                    .at(line, field_column(&lines, line, index[1])),
                );
            }
        }
        if let Some(s) = s {
            if !(0.0..=100.0).contains(&s) {
                problems.push(
                    Problem::error(
                        file,
                        "salience",
                        format!(
                            "salience of `{actor}` is {}; expected a number in [0, 1]",
                            crate::format_input(s)
                        ),
                    )
                    .at(line, field_column(&lines, line, index[3])),
                );
            }
        }
        if let (Some(c), Some(x), Some(s)) = (c, x, s) {
            table.rows.push(BdmRow {
                actor,
                capability: c,
                position: x,
                salience: s,
                line,
            });
        }
    }
    if table.rows.is_empty() && !problems.has_errors() {
        problems.push(
            Problem::error(
                file,
                "",
                "no actor rows; expected one row per actor after the header",
            )
            .at(2, 1),
        );
    }
    let mut seen = std::collections::HashMap::new();
    for r in &table.rows {
        if let Some(first) = seen.insert(r.actor.clone(), r.line) {
            problems.push(
                Problem::error(
                    file,
                    "actor",
                    format!("actor `{}` appears twice (first on line {first})", r.actor),
                )
                .at(r.line, 1),
            );
        }
    }
    let above: Vec<&BdmRow> = table.rows.iter().filter(|r| r.salience > 1.0).collect();
    let fractional: Vec<&BdmRow> = table
        .rows
        .iter()
        .filter(|r| r.salience > 0.0 && r.salience < 1.0)
        .collect();
    if !above.is_empty() && !fractional.is_empty() {
        // One column, two scales: which rows are wrong is a guess, by majority.
        let (odd, usual, msg) = if above.len() <= fractional.len() {
            (
                &above,
                &fractional,
                "above 1 while the other saliences read on a 0–1 scale",
            )
        } else {
            (
                &fractional,
                &above,
                "below 1 while the other saliences read on a 0–100 scale",
            )
        };
        let eg = usual[0];
        for r in odd.iter() {
            problems.push(
                Problem::error(
                    file,
                    "salience",
                    format!(
                        "salience of `{}` is {}, {msg} (e.g. {} on line {}); write every salience in [0, 1] or every one in [0, 100]",
                        r.actor, r.salience, eg.salience, eg.line
                    ),
                )
                .at(r.line, field_column(&lines, r.line, index[3])),
            );
        }
    } else if !above.is_empty() {
        problems.push(
            Problem::warning(
                file,
                "salience",
                "saliences above 1 found: reading the salience column on a 0–100 scale",
            )
            .at(1, index[3] + 1),
        );
        table.rows.iter_mut().for_each(|r| r.salience /= 100.0);
    }
    if problems.has_errors() {
        return Err(fail(problems));
    }
    Ok((table, problems))
}

/// 1-based line of a record starting at byte `off` (skipping a line terminator it may start on).
fn line_at(lines: &LineIndex<'_>, mut off: usize) -> usize {
    let b = lines.text().as_bytes();
    while off < b.len() && (b[off] == b'\r' || b[off] == b'\n') {
        off += 1;
    }
    lines.line_col(off).0
}

/// 1-based column where field `c` starts on 1-based `line` (best effort; quoted commas aside).
fn field_column(lines: &LineIndex<'_>, line: usize, c: usize) -> usize {
    let first = lines.line(line).unwrap_or("");
    let mut col = 1;
    for (k, part) in first.split(',').enumerate() {
        if k == c {
            return col + (part.len() - part.trim_start().len());
        }
        col += part.chars().count() + 1;
    }
    1
}

/// Makes a scenario id from a name: lowercase ASCII letters, digits and `_`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for ch in name.trim().chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch.to_ascii_lowercase());
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_').to_string();
    if s.is_empty() {
        "x".to_string()
    } else {
        s
    }
}

impl BdmTable {
    /// The scenario: one continuous issue spanning the positions, every actor a party.
    pub fn to_scenario(&self, title: &str) -> Scenario {
        let lo = self
            .rows
            .iter()
            .map(|r| r.position)
            .fold(f64::INFINITY, f64::min);
        let hi = self
            .rows
            .iter()
            .map(|r| r.position)
            .fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let mut s = Scenario::default();
        s.meta.title = title.to_string();
        s.meta.description = "Imported from a BDM / Predictioneer-style CSV (one issue).".into();
        let ids = super::unique_slugs(self.rows.iter().map(|r| r.actor.as_str()));
        for (r, id) in self.rows.iter().zip(ids) {
            s.actors
                .push(Actor::new(id, r.actor.clone(), Role::Party, r.capability));
        }
        // Status quo: unknown in BDM files; the weighted median of positions is the model's own start.
        let mut issue = Issue::continuous("issue", lo, hi, lo);
        issue.name = "Issue".into();
        let mut w: Vec<(f64, f64)> = self
            .rows
            .iter()
            .map(|r| (r.position, r.capability * r.salience))
            .collect();
        w.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = w.iter().map(|p| p.1).sum();
        let mut acc = 0.0;
        for (x, wt) in &w {
            acc += wt;
            if acc * 2.0 >= total {
                issue.status_quo = Param::fixed(*x);
                break;
            }
        }
        s.issues.push(issue);
        for (a, r) in self.rows.iter().enumerate() {
            s.stances.push(Stance {
                actor: a,
                issue: 0,
                position: Param::fixed(r.position),
                salience: Param::fixed(r.salience),
                shape: Shape::Linear,
                red_line: None,
            });
        }
        s
    }
}

/// Parses a BDM CSV and converts it into a scenario titled after the file.
pub fn import(bytes: &[u8], file: &str) -> Result<(Scenario, Problems), LoadError> {
    let (t, w) = parse(bytes, file)?;
    let title = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let mut s = t.to_scenario(title);
    let mut w = w;
    w.push(super::note_invented_status_quo(
        &mut s,
        file,
        "BDM",
        "the capability·salience-weighted median of the positions",
    ));
    Ok((s, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(src: &str) -> Vec<Problem> {
        match parse(src.as_bytes(), "t.csv") {
            Ok(_) => vec![],
            Err(LoadError::Invalid { problems, .. }) => problems.errors().cloned().collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn header_variants_bom_and_crlf() {
        let src = "\u{feff}Stakeholder,Clout,Position,Salience\r\nA,0.5,10,0.8\r\nB,1,20,0.4\r\n";
        let (t, w) = parse(src.as_bytes(), "t.csv").expect("valid");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 3);
        assert!(!w.has_errors());
        let s = t.to_scenario("t");
        assert_eq!(s.actors[0].id, "a");
        assert_eq!(s.issues[0].range(), (10.0, 20.0));
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let e = errs("actor,capability,position\nA,1,2\n");
        assert!(
            e.iter()
                .any(|p| p.message.contains("missing column `salience`")),
            "{e:?}"
        );
        let e = errs("actor,capability,position,salience,colour\nA,1,2,0.5,red\n");
        assert!(
            e.iter()
                .any(|p| p.message.contains("unknown column `colour`")
                    && p.line == 1
                    && p.column == 36),
            "{e:?}"
        );
    }

    #[test]
    fn bad_rows_are_located_and_never_dropped() {
        let e = errs("actor,capability,position,salience\nA,1,2,0.5\nB,x,2,0.5\nC,1,NaN,0.5\nD,-1,2,0.5\nE,1\n");
        let lines: Vec<usize> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{e:?}");
        assert_eq!(e[0].column, 3);
        assert_eq!(e[0].field, "capability");
    }

    #[test]
    fn non_utf8_is_rejected_with_a_location() {
        let e = match parse(
            b"actor,capability,position,salience\nA\xff,1,2,0.5\n",
            "t.csv",
        ) {
            Err(LoadError::Invalid { problems, .. }) => problems.items,
            _ => panic!("must fail"),
        };
        assert_eq!(e[0].line, 2);
    }

    #[test]
    fn round_trip_through_toml() {
        let (t, _) = parse(
            b"actor,capability,position,salience\nA,0.5,10,0.8\nB,1,20,0.4\n",
            "t.csv",
        )
        .expect("valid");
        let s = t.to_scenario("t");
        let text = crate::format::to_toml(&s);
        let (back, _) = crate::format::parse_toml(&text, "t.toml").expect("reads back");
        assert_eq!(s, back);
    }
}
