//! The backtest page: forecasts scored against negotiations whose outcome is known.

use std::fmt::Write;

use crate::html::{head, num, pct, swatch};
use crate::markdown::cell;
use crate::{charts, escape, BacktestInput};

/// Predictors in the order of the per-issue table: the predictors of `issue_errors` first,
/// then any others in order of appearance.
fn predictors(b: &BacktestInput) -> Vec<String> {
    let mut out: Vec<String> = b.issue_errors.iter().map(|e| e.0.clone()).collect();
    for row in &b.issues {
        for (m, _) in &row.errors {
            if !out.contains(m) {
                out.push(m.clone());
            }
        }
    }
    out
}

fn error_of(row: &crate::IssueErrorRow, m: &str) -> Option<f64> {
    row.errors.iter().find(|e| e.0 == m).map(|e| e.1)
}

/// Renders a backtest as one self-contained HTML page (inline CSS and SVG, no scripts).
pub fn backtest_to_html(b: &BacktestInput) -> String {
    let mut o = head(&b.title);
    let _ = write!(
        o,
        "<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(&b.title),
        escape(&b.note)
    );
    // Scores.
    o.push_str("<h2>How good are the forecasts?</h2>\n<p class=\"how\">Mean scores over the cases, with 95% bootstrap intervals. Brier: 0 is perfect, 2 is certain and wrong (lower is better); log score: the log of the probability given to what happened (0 is perfect, higher is better). detente is scored out of sample: each case with parameters never fitted on it.</p>\n");
    o.push_str("<table><tr><th>forecaster</th><th>mean Brier</th><th>95% interval</th><th>mean log score</th><th>95% interval</th></tr>\n");
    for s in &b.scores {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3} – {:.3}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2} – {:.2}</td></tr>",
            escape(&s.name),
            s.brier.0,
            s.brier.1,
            s.brier.2,
            s.log_score.0,
            s.log_score.1,
            s.log_score.2
        );
    }
    o.push_str("</table>\n");
    // Reliability.
    if !b.reliability.is_empty() {
        o.push_str("<h2>Are the probabilities calibrated?</h2>\n<p class=\"how\">Every case × class pair, binned by the probability detente gave it: the bin's mean prediction (across) against how often that class happened (up). Points on the dashed diagonal are well calibrated; below it, overconfident. Point area is proportional to the pairs in the bin (the number beside it).</p>\n");
        let _ = writeln!(
            o,
            "<figure>{}</figure>",
            charts::reliability(&b.reliability)
        );
        if let Some((rel, res, unc)) = b.murphy {
            let _ = writeln!(
                o,
                "<p>Murphy decomposition of the one-vs-rest Brier score: reliability {rel:.3} (lower is better), resolution {res:.3} (higher is better), uncertainty {unc:.3}.</p>"
            );
        }
    }
    // Cases.
    if !b.cases.is_empty() {
        o.push_str("<h2>Case by case</h2>\n<p class=\"how\">The calibrated probability of each class, as scored; the black frame marks what happened, and the right column gives the probability it was given.</p>\n");
        let _ = writeln!(
            o,
            "<figure>{}</figure>",
            charts::case_bars(&b.classes, &b.cases)
        );
        o.push_str("<table><tr><th>case</th>");
        for c in &b.classes {
            let _ = write!(o, "<th>{}{}</th>", swatch(c), escape(c));
        }
        o.push_str(
            "<th>what happened</th><th>Brier</th><th>log score</th><th>parameters</th></tr>\n",
        );
        for c in &b.cases {
            let _ = write!(o, "<tr><td class=\"id\">{}</td>", escape(&c.id));
            for (j, class) in b.classes.iter().enumerate() {
                let p = c.p.get(j).copied().unwrap_or(0.0);
                if *class == c.actual {
                    let _ = write!(o, "<td class=\"num\"><b>{}</b></td>", pct(p));
                } else {
                    let _ = write!(o, "<td class=\"num\">{}</td>", pct(p));
                }
            }
            let _ = writeln!(
                o,
                "<td>{}{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.2}</td><td>{}</td></tr>",
                swatch(&c.actual),
                escape(&c.actual),
                c.brier,
                c.log_score,
                escape(&c.params)
            );
        }
        o.push_str("</table>\n");
    }
    // Issues.
    if !b.issue_errors.is_empty() {
        o.push_str("<h2>Where the issues settled</h2>\n<p class=\"how\">For every settled issue, how far each predictor's value was from the settled one, in % of the issue's range; bars are the means over the settled issues, best first (grey: baselines).</p>\n");
        let _ = writeln!(
            o,
            "<figure>{}</figure>",
            charts::issue_errors(&b.issue_errors)
        );
        let models = predictors(b);
        if !b.issues.is_empty() {
            o.push_str("<table><tr><th>case</th><th>issue</th>");
            for m in &models {
                let _ = write!(o, "<th>{}</th>", escape(m));
            }
            o.push_str("</tr>\n");
            for row in &b.issues {
                let best = row.errors.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
                let _ = write!(
                    o,
                    "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td>",
                    escape(&row.case),
                    escape(&row.issue)
                );
                for m in &models {
                    match error_of(row, m) {
                        Some(e) if e <= best + 1e-9 => {
                            let _ = write!(o, "<td class=\"num\"><b>{e:.1}</b></td>");
                        }
                        Some(e) => {
                            let _ = write!(o, "<td class=\"num\">{e:.1}</td>");
                        }
                        None => o.push_str("<td class=\"num\">–</td>"),
                    }
                }
                o.push_str("</tr>\n");
            }
            for (label, count) in [("mean", false), ("issues scored", true)] {
                let _ = write!(o, "<tr><th colspan=\"2\">{label}</th>");
                for m in &models {
                    match b.issue_errors.iter().find(|e| &e.0 == m) {
                        Some((_, _, n)) if count => {
                            let _ = write!(o, "<th class=\"num\">{n}</th>");
                        }
                        Some((_, e, _)) => {
                            let _ = write!(o, "<th class=\"num\">{e:.1}</th>");
                        }
                        None => o.push_str("<th></th>"),
                    }
                }
                o.push_str("</tr>\n");
            }
            o.push_str("</table>\n<p class=\"how\">Errors in % of the issue's range; bold: the best predictor on that issue; –: no prediction (the simulation settled the issue in none of its runs).</p>\n");
        }
    }
    o.push_str("<footer>Generated by detente backtest. Scores and cases: cases/README.md.</footer>\n</body></html>\n");
    o
}

/// Renders a backtest as Markdown tables.
pub fn backtest_to_markdown(b: &BacktestInput) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", cell(&b.title));
    if !b.note.is_empty() {
        let _ = writeln!(o, "_{}_\n", cell(&b.note));
    }
    o.push_str("## Scores\n\nLower Brier and higher log score are better; 95% bootstrap intervals.\n\n| forecaster | mean Brier | 95% interval | mean log score | 95% interval |\n|---|---:|---:|---:|---:|\n");
    for s in &b.scores {
        let _ = writeln!(
            o,
            "| {} | {:.3} | {:.3} – {:.3} | {:.2} | {:.2} – {:.2} |",
            cell(&s.name),
            s.brier.0,
            s.brier.1,
            s.brier.2,
            s.log_score.0,
            s.log_score.1,
            s.log_score.2
        );
    }
    if !b.reliability.is_empty() {
        o.push_str("\n## Reliability\n\n| predicted | pairs | mean predicted | observed |\n|---|---:|---:|---:|\n");
        for bin in &b.reliability {
            let (mp, ob) = if bin.n > 0 {
                (
                    format!("{:.2}", bin.mean_predicted),
                    format!("{:.2}", bin.observed),
                )
            } else {
                ("–".into(), "–".into())
            };
            let _ = writeln!(
                o,
                "| {}–{} | {} | {mp} | {ob} |",
                num(bin.lo),
                num(bin.hi),
                bin.n
            );
        }
        if let Some((rel, res, unc)) = b.murphy {
            let _ = writeln!(
                o,
                "\nMurphy decomposition: reliability {rel:.3}, resolution {res:.3}, uncertainty {unc:.3}."
            );
        }
    }
    if !b.cases.is_empty() {
        o.push_str("\n## Cases\n\n| case |");
        for c in &b.classes {
            let _ = write!(o, " {} |", cell(c));
        }
        o.push_str(" what happened | Brier | log score | parameters |\n|---|");
        for _ in &b.classes {
            o.push_str("---:|");
        }
        o.push_str("---|---:|---:|---|\n");
        for c in &b.cases {
            let _ = write!(o, "| {} |", cell(&c.id));
            for (j, class) in b.classes.iter().enumerate() {
                let p = 100.0 * c.p.get(j).copied().unwrap_or(0.0);
                if *class == c.actual {
                    let _ = write!(o, " **{p:.0}%** |");
                } else {
                    let _ = write!(o, " {p:.0}% |");
                }
            }
            let _ = writeln!(
                o,
                " {} | {:.3} | {:.2} | {} |",
                cell(&c.actual),
                c.brier,
                c.log_score,
                cell(&c.params)
            );
        }
    }
    if !b.issue_errors.is_empty() {
        o.push_str("\n## Settled issues\n\nMean error in % of the issue's range.\n\n| predictor | mean error | settled issues |\n|---|---:|---:|\n");
        for (m, e, n) in &b.issue_errors {
            let _ = writeln!(o, "| {} | {e:.1} | {n} |", cell(m));
        }
        let models = predictors(b);
        if !b.issues.is_empty() {
            o.push_str("\n| case | issue |");
            for m in &models {
                let _ = write!(o, " {} |", cell(m));
            }
            o.push_str("\n|---|---|");
            for _ in &models {
                o.push_str("---:|");
            }
            o.push('\n');
            for row in &b.issues {
                let _ = write!(o, "| {} | {} |", cell(&row.case), cell(&row.issue));
                for m in &models {
                    match error_of(row, m) {
                        Some(e) => {
                            let _ = write!(o, " {e:.1} |");
                        }
                        None => o.push_str(" – |"),
                    }
                }
                o.push('\n');
            }
        }
    }
    o
}
