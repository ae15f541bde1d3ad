//! The self-contained HTML page.

use std::fmt::Write;

use crate::{charts, escape, ReportInput};

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #1f77b4;padding-bottom:.2em;margin-top:2em}\
h3{margin-bottom:.3em}.meta{color:#666}.how{color:#555;font-style:italic;margin:.2em 0 .6em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:left}\
th{background:#f3f6fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:.5em 0 1.5em}svg{max-width:100%;height:auto}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:1em}.err{color:#b00}footer{margin-top:3em;color:#888;font-size:.85em}\
td.id{white-space:nowrap}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em;border:1px solid #888}";

pub(crate) fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The document head and the opening of the body.
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n",
        escape(title)
    )
}

/// A coloured square for a class, as in the charts.
pub(crate) fn swatch(class: &str) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        charts::class_css(class)
    )
}

/// Renders the report as one HTML document with inline CSS and SVG (no scripts, no network).
pub fn to_html(r: &ReportInput) -> String {
    let mut o = head(&r.title);
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
        let _ = write!(o, "<h2>How does it end?</h2>\n<p class=\"how\">Share of {} simulated futures ending in each class; whiskers are 95% intervals.{}</p>\n", out.runs, if r.whatif.is_some() { " Solid bars: base scenario; pale outlined bars: the what-if variant." } else { "" });
        let mut vars = vec![out];
        if let Some(w) = &r.whatif {
            vars.push(w);
        }
        let _ = writeln!(o, "<figure>{}</figure>", charts::outcomes(&vars));
        let _ = write!(o, "<table><tr><th>outcome</th>");
        for v in &vars {
            let _ = write!(
                o,
                "<th>{}: share of runs</th><th>95% interval</th>",
                escape(&v.label)
            );
            if !v.calibrated.is_empty() {
                o.push_str("<th>calibrated</th>");
            }
        }
        o.push_str("</tr>\n");
        for (k, (class, _, _, _)) in out.classes.iter().enumerate() {
            let _ = write!(o, "<tr><td>{}{}</td>", swatch(class), escape(class));
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
                if !v.calibrated.is_empty() {
                    let _ = write!(
                        o,
                        "<td class=\"num\">{}</td>",
                        v.calibrated.get(k).map(|c| pct(*c)).unwrap_or_default()
                    );
                }
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n");
        if vars.iter().any(|v| !v.calibrated.is_empty()) {
            o.push_str("<p class=\"how\">Calibrated: the share of runs pulled toward equal odds by the factor fitted on historical cases (the simulation's measured overconfidence); this is the probability the backtest scores.</p>\n");
        }
    }
    if let Some(b) = &r.by_round {
        let _ = write!(o, "<h2>How the talks end, round by round</h2>\n<p class=\"how\">Share of the simulated futures that have ended in each class by the end of each round, stacked; the grey band on top is the futures still negotiating.</p>\n<figure>{}</figure>\n", charts::by_round(b));
    }
    if let Some(c) = &r.causes {
        let _ = write!(o, "<h2>Why talks broke down</h2>\n<p class=\"how\">Share of all simulated futures that broke down this way (together: the breakdown probability); whiskers are 95% intervals.</p>\n");
        if c.is_empty() {
            o.push_str("<p>No simulated future broke down.</p>\n");
        } else {
            let _ = writeln!(o, "<figure>{}</figure>", charts::causes(c));
        }
    }
    if let Some(t) = &r.tornado {
        let _ = write!(o, "<h2>What moves the odds</h2>\n<p class=\"how\">Each input set to its low and then its high value, all else drawn as usual with the same random numbers. Green: change in P(deal); red: change in P(breakdown).</p>\n<figure>{}</figure>\n", charts::tornado(t));
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

pub(crate) fn num(x: f64) -> String {
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
                calibrated: vec![0.45, 0.55],
            }),
            by_round: Some(ByRound {
                classes: vec!["deal".into(), "breakdown".into()],
                rounds: vec![
                    (1, vec![0.0, 0.1]),
                    (2, vec![0.2, 0.3]),
                    (3, vec![0.5, 0.5]),
                ],
            }),
            causes: Some(vec![
                Cause {
                    id: "walkout:a".into(),
                    label: "walk-out by A <&>".into(),
                    p: 0.3,
                    lo: 0.22,
                    hi: 0.39,
                },
                Cause {
                    id: "event:strike".into(),
                    label: "event: strike".into(),
                    p: 0.2,
                    lo: 0.13,
                    hi: 0.29,
                },
            ]),
            tornado: Some(vec![TornadoRow {
                input: "actors.a.batna".into(),
                delta_p_deal: -0.2,
                delta_p_breakdown: 0.1,
            }]),
            whatif: None,
        }
    }

    /// A small fixed backtest for tests.
    pub(crate) fn backtest_sample() -> BacktestInput {
        let classes: Vec<String> = ["deal", "interim", "stalemate", "breakdown"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        BacktestInput {
            title: "Backtest <b>".into(),
            note: "cases: 2 cases, 100 runs each (seed 1)".into(),
            classes,
            cases: vec![
                CaseRow {
                    id: "camp-david-1978".into(),
                    p: vec![0.6, 0.2, 0.1, 0.1],
                    shares: vec![0.8, 0.1, 0.05, 0.05],
                    actual: "deal".into(),
                    brier: 0.22,
                    log_score: -0.51,
                    params: "held_out".into(),
                },
                CaseRow {
                    id: "hanoi-2019".into(),
                    p: vec![0.5, 0.0, 0.2, 0.3],
                    shares: vec![0.6, 0.0, 0.1, 0.3],
                    actual: "stalemate".into(),
                    brier: 0.98,
                    log_score: -1.61,
                    params: "unseen".into(),
                },
            ],
            scores: vec![
                ScoreRow {
                    name: "detente (out of sample)".into(),
                    brier: (0.6, 0.22, 0.98),
                    log_score: (-1.06, -1.61, -0.51),
                },
                ScoreRow {
                    name: "uniform".into(),
                    brier: (0.75, 0.75, 0.75),
                    log_score: (-1.39, -1.39, -1.39),
                },
            ],
            reliability: vec![
                ReliabilityBin {
                    lo: 0.0,
                    hi: 0.2,
                    n: 3,
                    mean_predicted: 0.07,
                    observed: 0.0,
                },
                ReliabilityBin {
                    lo: 0.2,
                    hi: 0.4,
                    n: 3,
                    mean_predicted: 0.23,
                    observed: 0.33,
                },
                ReliabilityBin {
                    lo: 0.4,
                    hi: 0.6,
                    n: 2,
                    mean_predicted: 0.55,
                    observed: 0.5,
                },
                ReliabilityBin {
                    lo: 0.6,
                    hi: 1.0,
                    n: 0,
                    mean_predicted: 0.0,
                    observed: 0.0,
                },
            ],
            murphy: Some((0.02, 0.05, 0.19)),
            issue_errors: vec![
                ("simulation".into(), 12.5, 2),
                ("bdm".into(), 20.0, 2),
                ("status_quo".into(), 50.0, 2),
            ],
            issues: vec![
                IssueErrorRow {
                    case: "camp-david-1978".into(),
                    issue: "sinai".into(),
                    errors: vec![
                        ("simulation".into(), 5.0),
                        ("bdm".into(), 10.0),
                        ("status_quo".into(), 100.0),
                    ],
                },
                IssueErrorRow {
                    case: "hanoi-2019".into(),
                    issue: "sanctions".into(),
                    errors: vec![("bdm".into(), 30.0), ("status_quo".into(), 0.0)],
                },
            ],
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

    /// No scripts and nothing fetched: no URL anywhere in the page, and no attribute or CSS
    /// rule that could load one.
    pub(crate) fn assert_self_contained(h: &str) {
        // The SVG namespace is a name, never fetched.
        let h = &h.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!h.contains("<script"), "no scripts");
        for bad in [
            "http://",
            "https://",
            "//www.",
            "src=",
            "href=",
            "xlink:href",
            "@import",
            "url(",
            "<link",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "<foreignObject",
        ] {
            assert!(!h.contains(bad), "found {bad}");
        }
    }

    #[test]
    fn the_page_is_self_contained() {
        let h = to_html(&sample());
        assert_self_contained(&h);
        // Outcomes, round by round, causes, tornado, positions, trajectory, plane.
        assert_eq!(h.matches("<svg").count(), 7, "every chart is inline SVG");
        assert!(h.contains("How the talks end, round by round"));
        assert!(h.contains("Why talks broke down"));
        assert!(!h.contains("chart could not be drawn"));
    }

    #[test]
    fn the_backtest_page_is_self_contained() {
        let h = crate::backtest_to_html(&super::tests_support::backtest_sample());
        assert_self_contained(&h);
        // Reliability, cases, issue errors.
        assert_eq!(h.matches("<svg").count(), 3, "every chart is inline SVG");
        assert!(h.contains("Backtest &lt;b&gt;"));
        assert!(!h.contains("chart could not be drawn"));
    }

    #[test]
    fn empty_inputs_still_draw() {
        use crate::{BacktestInput, ByRound};
        let empty = ByRound {
            classes: vec!["deal".into()],
            rounds: vec![],
        };
        let one = ByRound {
            classes: vec!["deal".into()],
            rounds: vec![(1, vec![1.0])],
        };
        for svg in [
            charts::by_round(&empty),
            charts::by_round(&one),
            charts::causes(&[]),
            charts::reliability(&[]),
            charts::case_bars(&[], &[]),
            charts::issue_errors(&[]),
        ] {
            assert!(svg.starts_with("<svg"), "{svg}");
        }
        let h = crate::backtest_to_html(&BacktestInput::default());
        assert!(h.contains("How good are the forecasts?"));
        assert!(!h.contains("chart could not be drawn"));
    }

    #[test]
    fn chart_labels_are_escaped() {
        let svg = charts::causes(sample().causes.as_ref().expect("causes"));
        assert!(svg.contains("walk-out by A &lt;&amp;&gt;"));
    }

    #[test]
    fn calibrated_probabilities_sit_beside_the_shares() {
        let h = to_html(&sample());
        assert!(h.contains("<th>base: share of runs</th><th>95% interval</th><th>calibrated</th>"));
        assert!(h.contains("<td class=\"num\">50.0%</td><td class=\"num\">40.0% – 60.0%</td><td class=\"num\">45.0%</td>"));
    }

    #[test]
    fn the_four_classes_keep_their_colours() {
        let mut seen = Vec::new();
        for c in ["deal", "interim", "stalemate", "breakdown"] {
            let css = charts::class_css(c);
            assert!(!seen.contains(&css), "{c} has its own colour");
            seen.push(css);
        }
        // The same colour for a class in the bars and in the bands.
        let s = sample();
        let green = charts::class_css("deal").to_uppercase();
        let bars = charts::outcomes(&[s.outcomes.as_ref().expect("outcomes")]);
        let bands = charts::by_round(s.by_round.as_ref().expect("by round"));
        assert!(bars.to_uppercase().contains(&green));
        assert!(bands.to_uppercase().contains(&green));
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
        insta::assert_snapshot!(
            "by_round",
            outline(&charts::by_round(s.by_round.as_ref().expect("by round")))
        );
        insta::assert_snapshot!(
            "causes",
            outline(&charts::causes(s.causes.as_ref().expect("causes")))
        );
        let b = super::tests_support::backtest_sample();
        insta::assert_snapshot!("reliability", outline(&charts::reliability(&b.reliability)));
        insta::assert_snapshot!(
            "case_bars",
            outline(&charts::case_bars(&b.classes, &b.cases))
        );
        insta::assert_snapshot!(
            "issue_errors",
            outline(&charts::issue_errors(&b.issue_errors))
        );
    }

    /// The section headings of a page, in order: the page's structure.
    fn headings(h: &str) -> String {
        h.split("<h2>")
            .skip(1)
            .filter_map(|p| p.split("</h2>").next())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn page_structure_snapshots() {
        insta::assert_snapshot!("page_sections", headings(&to_html(&sample())));
        insta::assert_snapshot!(
            "backtest_sections",
            headings(&crate::backtest_to_html(
                &super::tests_support::backtest_sample()
            ))
        );
    }
}
