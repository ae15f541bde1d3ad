//! The self-contained HTML page.

use std::fmt::Write;

use crate::{charts, escape, ReportInput};

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #1f77b4;padding-bottom:.2em;margin-top:2em}\
h3{margin-bottom:.3em}.meta{color:#666}.how{color:#555;font-style:italic;margin:.2em 0 .6em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:left}\
th{background:#f3f6fa}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:.5em 0 1.5em}svg{max-width:100%;height:auto}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:1em}.err{color:#b00}footer{margin-top:3em;color:#888;font-size:.85em}";

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// Renders the report as one HTML document with inline CSS and SVG (no scripts, no network).
pub fn to_html(r: &ReportInput) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n",
        escape(&r.title)
    );
    let _ = write!(
        o,
        "<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(&r.title),
        escape(&r.date)
    );
    if !r.description.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", escape(&r.description));
    }
    // Outcome probabilities first: the question every reader asks.
    if let Some(out) = &r.outcomes {
        let _ = write!(o, "<h2>How does it end?</h2>\n<p class=\"how\">Share of {} simulated futures ending in each class; whiskers are 95% intervals.{}</p>\n", out.runs, if r.whatif.is_some() { " Blue: base scenario; red: the what-if variant." } else { "" });
        let mut vars = vec![out];
        if let Some(w) = &r.whatif {
            vars.push(w);
        }
        let _ = writeln!(o, "<figure>{}</figure>", charts::outcomes(&vars));
        let _ = write!(o, "<table><tr><th>outcome</th>");
        for v in &vars {
            let _ = write!(o, "<th>{}</th><th>95% interval</th>", escape(&v.label));
        }
        o.push_str("</tr>\n");
        for (k, (class, _, _, _)) in out.classes.iter().enumerate() {
            let _ = write!(o, "<tr><td>{}</td>", escape(class));
            for v in &vars {
                if let Some((_, p, lo, hi)) = v.classes.get(k) {
                    let _ = write!(
                        o,
                        "<td class=\"num\">{}</td><td class=\"num\">{} – {}</td>",
                        pct(*p),
                        pct(*lo),
                        pct(*hi)
                    );
                }
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n");
    }
    if let Some(t) = &r.tornado {
        let _ = write!(o, "<h2>What moves the odds</h2>\n<p class=\"how\">Each input set to its low and then its high value, all else drawn as usual with the same random numbers. Blue: change in P(deal); red: change in P(breakdown).</p>\n<figure>{}</figure>\n", charts::tornado(t));
    }
    let _ = write!(o, "<h2>Who is at the table</h2>\n<table><tr><th>actor</th><th>name</th><th>role</th><th>capability</th><th>BATNA</th></tr>\n");
    for a in &r.actors {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&a.id),
            escape(&a.name),
            escape(&a.role),
            num(a.capability),
            a.batna.map(num).unwrap_or_default()
        );
    }
    o.push_str("</table>\n<h2>Issues and positions</h2>\n<p class=\"how\">Each dot is an actor: where it stands (x) and how much it cares (y).</p>\n<div class=\"grid\">\n");
    for i in &r.issues {
        let _ = writeln!(
            o,
            "<figure><h3>{}</h3><p class=\"meta\">{} · status quo: {}</p>{}</figure>",
            escape(&i.name),
            escape(&i.scale),
            escape(&i.status_quo),
            charts::positions(i)
        );
    }
    o.push_str("</div>\n");
    if let Some(f) = &r.forecasts {
        let _ = write!(o, "<h2>Where each issue settles: forecasts</h2>\n<p class=\"how\">Each model's forecast; the ensemble is their mean (nearest option for discrete issues).</p>\n<table><tr><th>issue</th><th>status quo</th>");
        for m in &f.models {
            let _ = write!(o, "<th>{}</th>", escape(m));
        }
        o.push_str("<th>ensemble</th></tr>\n");
        for (issue, sq, vals, ens) in &f.rows {
            let _ = write!(o, "<tr><td>{}</td><td>{}</td>", escape(issue), escape(sq));
            for v in vals {
                let _ = write!(o, "<td>{}</td>", escape(v));
            }
            let _ = writeln!(o, "<td><b>{}</b></td></tr>", escape(ens));
        }
        o.push_str("</table>\n");
        if !f.trajectories.is_empty() {
            o.push_str("<p class=\"how\">Round by round: how each dynamic model's forecast moves as actors challenge, bargain and give way (BDM: the weighted median of positions; SMP: the probability-weighted expected outcome).</p>\n<div class=\"grid\">\n");
            for (issue, model, vals) in &f.trajectories {
                let range = r
                    .issues
                    .iter()
                    .find(|i| &i.id == issue)
                    .map(|i| i.range)
                    .unwrap_or((0.0, 1.0));
                let _ = writeln!(
                    o,
                    "<figure><h3>{} — {}</h3>{}</figure>",
                    escape(issue),
                    escape(model),
                    charts::trajectory(vals, range)
                );
            }
            o.push_str("</div>\n");
        }
    }
    if let Some(p) = &r.plane {
        let _ = write!(
            o,
            "<h2>The bargaining space</h2>\n<p class=\"how\">Every package as a point (utility of {} across, of {} up). Packages above and to the right of both red BATNA lines beat no deal for both; the blue line is the Pareto frontier. Triangles are the offers made in one negotiation run: {}.</p>\n<figure>{}</figure>\n",
            escape(&p.parties.0),
            escape(&p.parties.1),
            escape(&p.note),
            charts::plane(p)
        );
    }
    if !r.sources.is_empty() {
        o.push_str("<h2>Sources</h2>\n<ul>\n");
        for s in &r.sources {
            let _ = writeln!(o, "<li>{}</li>", escape(s));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<footer>Generated by detente. Models and definitions: docs/models.md, docs/analysis.md, docs/outcomes.md.</footer>\n</body></html>\n");
    o
}

fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::*;

    /// A small fixed report input for tests.
    pub(crate) fn sample() -> ReportInput {
        ReportInput {
            title: "Test <script>alert(1)</script>".into(),
            date: "2026-02-06".into(),
            description: "A & B".into(),
            sources: vec!["seed".into()],
            actors: vec![ActorRow {
                id: "a".into(),
                name: "A".into(),
                role: "party".into(),
                capability: 1.0,
                batna: Some(0.3),
            }],
            issues: vec![IssueRow {
                id: "x".into(),
                name: "X".into(),
                scale: "0–10".into(),
                status_quo: "5".into(),
                range: (0.0, 10.0),
                options: vec![],
                stances: vec![("a".into(), 2.0, 0.5), ("b".into(), 8.0, 0.9)],
            }],
            forecasts: Some(Forecasts {
                models: vec!["mean".into(), "bdm".into()],
                rows: vec![(
                    "x".into(),
                    "5".into(),
                    vec!["4".into(), "3".into()],
                    "3.5".into(),
                )],
                trajectories: vec![("x".into(), "bdm".into(), vec![5.0, 4.0, 3.0])],
            }),
            plane: Some(Plane {
                parties: ("a".into(), "b".into()),
                outcomes: vec![(0.1, 0.9), (0.5, 0.5), (0.9, 0.1)],
                frontier: vec![(0.1, 0.9), (0.5, 0.5), (0.9, 0.1)],
                nash: Some((0.5, 0.5)),
                ks: Some((0.5, 0.5)),
                batnas: (0.3, 0.3),
                trace: vec![(0, 0.9, 0.1), (1, 0.1, 0.9), (2, 0.5, 0.5)],
                agreement: Some((0.5, 0.5)),
                note: "shuttle".into(),
            }),
            outcomes: Some(Outcomes {
                label: "base".into(),
                runs: 100,
                classes: vec![
                    ("deal".into(), 0.5, 0.4, 0.6),
                    ("breakdown".into(), 0.5, 0.4, 0.6),
                ],
            }),
            tornado: Some(vec![TornadoRow {
                input: "actors.a.batna".into(),
                delta_p_deal: -0.2,
                delta_p_breakdown: 0.1,
            }]),
            whatif: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::sample;
    use super::*;

    #[test]
    fn user_text_is_escaped() {
        let h = to_html(&sample());
        assert!(!h.contains("<script>alert"));
        assert!(h.contains("Test &lt;script&gt;"));
        assert!(h.contains("A &amp; B"));
    }

    #[test]
    fn the_page_is_self_contained() {
        let h = to_html(&sample());
        assert!(!h.contains("<script"), "no scripts");
        for bad in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!h.contains(bad), "{bad}");
        }
        assert!(h.matches("<svg").count() >= 5, "every chart is inline SVG");
    }

    /// Element names and counts of the SVG charts: the structure, not float coordinates.
    fn outline(svg: &str) -> String {
        let mut counts = std::collections::BTreeMap::new();
        for part in svg.split('<').skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
                .collect();
            if !name.starts_with('/') && !name.is_empty() {
                *counts.entry(name).or_insert(0) += 1;
            }
        }
        counts
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn chart_structure_snapshots() {
        let s = sample();
        insta::assert_snapshot!(
            "plane",
            outline(&charts::plane(s.plane.as_ref().expect("plane")))
        );
        insta::assert_snapshot!(
            "outcomes",
            outline(&charts::outcomes(&[s.outcomes.as_ref().expect("outcomes")]))
        );
        insta::assert_snapshot!(
            "tornado",
            outline(&charts::tornado(s.tornado.as_ref().expect("tornado")))
        );
        insta::assert_snapshot!("positions", outline(&charts::positions(&s.issues[0])));
    }
}
