//! The Markdown summary.

use std::fmt::Write;

use crate::ReportInput;

/// Text for a Markdown cell or line: pipes escaped, HTML neutralised, one line.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// A change in probability in signed percentage points, never `-0.0`.
fn signed_points(x: f64) -> String {
    let v = 100.0 * x;
    if v.abs() < 0.05 {
        "0.0".to_string()
    } else {
        format!("{v:+.1}")
    }
}

/// Renders the report as Markdown (tables only, no charts).
pub fn to_markdown(r: &ReportInput) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", cell(&r.title));
    if !r.date.is_empty() {
        let _ = writeln!(o, "_{}_\n", cell(&r.date));
    }
    if !r.description.is_empty() {
        let _ = writeln!(o, "{}\n", cell(r.description.trim()));
    }
    if let Some(out) = &r.outcomes {
        let _ = writeln!(
            o,
            "## How does it end?\n\n{} simulated futures.\n",
            out.runs
        );
        let mut vars = vec![out];
        if let Some(w) = &r.whatif {
            vars.push(w);
        }
        let mut head = "| outcome |".to_string();
        let mut rule = "|---|".to_string();
        for v in &vars {
            let _ = write!(head, " {}: share of runs | 95% interval |", cell(&v.label));
            rule.push_str("---:|---:|");
            if !v.calibrated.is_empty() {
                head.push_str(" calibrated |");
                rule.push_str("---:|");
            }
        }
        let _ = writeln!(o, "{head}\n{rule}");
        for (k, (class, _, _, _)) in out.classes.iter().enumerate() {
            let _ = write!(o, "| {} |", cell(class));
            for v in &vars {
                if let Some((_, p, lo, hi)) = v.classes.get(k) {
                    let _ = write!(
                        o,
                        " {:.1}% | {:.1}–{:.1}% |",
                        100.0 * p,
                        100.0 * lo,
                        100.0 * hi
                    );
                }
                if !v.calibrated.is_empty() {
                    match v.calibrated.get(k) {
                        Some(c) => {
                            let _ = write!(o, " {:.1}% |", 100.0 * c);
                        }
                        None => o.push_str("  |"),
                    }
                }
            }
            o.push('\n');
        }
        o.push('\n');
        if vars.iter().any(|v| !v.calibrated.is_empty()) {
            o.push_str("Calibrated: the share of runs pulled toward equal odds by the factor fitted on historical cases.\n\n");
        }
    }
    if let Some(b) = &r.by_round {
        o.push_str("## How the talks end, round by round\n\nShare of runs ended in each class by the end of each round (cumulative).\n\n| round |");
        for c in &b.classes {
            let _ = write!(o, " {} |", cell(c));
        }
        o.push_str(" still negotiating |\n|---:|");
        for _ in &b.classes {
            o.push_str("---:|");
        }
        o.push_str("---:|\n");
        for (round, v) in &b.rounds {
            let _ = write!(o, "| {round} |");
            for x in v {
                let _ = write!(o, " {:.1}% |", 100.0 * x);
            }
            let _ = writeln!(
                o,
                " {:.1}% |",
                100.0 * (1.0 - v.iter().sum::<f64>()).max(0.0)
            );
        }
        o.push('\n');
    }
    if let Some(c) = &r.causes {
        o.push_str("## Why talks broke down\n\n");
        if c.is_empty() {
            o.push_str("No simulated future broke down.\n\n");
        } else {
            o.push_str("| cause | share of all runs | 95% interval |\n|---|---:|---:|\n");
            for x in c {
                let _ = writeln!(
                    o,
                    "| {} | {:.1}% | {:.1}–{:.1}% |",
                    cell(&x.label),
                    100.0 * x.p,
                    100.0 * x.lo,
                    100.0 * x.hi
                );
            }
            o.push('\n');
        }
    }
    if let Some(t) = &r.tornado {
        o.push_str(
            "## What moves the odds\n\n| input | Δ P(deal) | Δ P(breakdown) |\n|---|---:|---:|\n",
        );
        for f in t {
            let _ = writeln!(
                o,
                "| {} | {} pts | {} pts |",
                cell(if f.label.is_empty() {
                    &f.input
                } else {
                    &f.label
                }),
                signed_points(f.delta_p_deal),
                signed_points(f.delta_p_breakdown)
            );
        }
        o.push('\n');
    }
    o.push_str(
        "## Actors\n\n| actor | name | role | capability | BATNA |\n|---|---|---|---:|---:|\n",
    );
    for a in &r.actors {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            cell(&a.id),
            cell(&a.name),
            cell(&a.role),
            a.capability,
            a.batna.map(|b| b.to_string()).unwrap_or_default()
        );
    }
    o.push_str(
        "\n## Issues\n\n| issue | scale | status quo | positions (salience) |\n|---|---|---|---|\n",
    );
    for i in &r.issues {
        let stances: Vec<String> = i
            .stances
            .iter()
            .map(|(a, x, s)| {
                let pos = if i.options.is_empty() {
                    format!("{x}")
                } else {
                    i.options
                        .get(x.round().max(0.0) as usize)
                        .cloned()
                        .unwrap_or_default()
                };
                format!("{a}: {pos} ({s})")
            })
            .collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            cell(&i.name),
            cell(&i.scale),
            cell(&i.status_quo),
            cell(&stances.join(", "))
        );
    }
    if let Some(f) = &r.forecasts {
        let _ = write!(o, "\n## Forecasts\n\n| issue | status quo |");
        for m in &f.models {
            let _ = write!(o, " {} |", cell(m));
        }
        o.push_str(" ensemble |\n|---|---|");
        for _ in &f.models {
            o.push_str("---|");
        }
        o.push_str("---|\n");
        for (issue, sq, vals, ens) in &f.rows {
            let _ = write!(o, "| {} | {} |", cell(issue), cell(sq));
            for v in vals {
                let _ = write!(o, " {} |", cell(v));
            }
            let _ = writeln!(o, " **{}** |", cell(ens));
        }
    }
    if let Some(p) = &r.plane {
        let _ = writeln!(
            o,
            "\n## The bargaining space\n\n{} outcomes shown, {} Pareto-optimal utility pairs; BATNAs {} {:.3}, {} {:.3}.",
            p.outcomes.len(),
            p.frontier.len(),
            cell(&p.parties.0),
            p.batnas.0,
            cell(&p.parties.1),
            p.batnas.1
        );
        if let Some((x, y)) = p.nash {
            let _ = writeln!(o, "Nash point: ({x:.3}, {y:.3}).");
        }
        if let Some((x, y)) = p.ks {
            let _ = writeln!(o, "Kalai–Smorodinsky point: ({x:.3}, {y:.3}).");
        }
        let _ = writeln!(o, "Negotiation run: {}.", cell(&p.note));
    }
    if !r.sources.is_empty() {
        o.push_str("\n## Sources\n\n");
        for s in &r.sources {
            let url = s
                .url
                .as_deref()
                .map_or(String::new(), |u| format!(" <{u}>"));
            let _ = writeln!(o, "- {}{} [{}]", cell(&s.citation), url, cell(&s.id));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_snapshot() {
        let s = crate::html::tests_support::sample();
        insta::assert_snapshot!("markdown", super::to_markdown(&s));
    }

    #[test]
    fn backtest_markdown_snapshot() {
        let b = crate::html::tests_support::backtest_sample();
        insta::assert_snapshot!("backtest_markdown", crate::backtest_to_markdown(&b));
    }
}
