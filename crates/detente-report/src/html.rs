//! The self-contained HTML page.

use std::fmt::Write;

use crate::{charts, escape, Forecasts, IssueRow, ReportInput, TornadoRow};

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #1f77b4;padding-bottom:.2em;margin-top:2em}\
h3{margin-bottom:.3em}.meta{color:#666}.how{color:#555;font-style:italic;margin:.2em 0 .6em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em;max-width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:left;vertical-align:top}\
th{background:#f3f6fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}figure{margin:.5em 0 1.5em}svg{max-width:100%;height:auto;display:block}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1em 2em}p,ul,ol,dl{max-width:62em}.err{color:#b00}footer{margin-top:3em;color:#888;font-size:.85em}\
td.id,.id,.nw{white-space:nowrap}.id{color:#666;font-size:.85em}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em;border:1px solid #888}\
table.fit{width:100%;table-layout:auto}table.fit td,table.fit th{padding:.3em .45em}\
.summary{background:#f7f9fc;border:1px solid #d5deea;border-radius:6px;padding:.2em 1.2em 1em;margin:1.2em 0}.summary h2{margin-top:.6em}.summary h3{font-size:1.05em;margin:1em 0 .3em}.summary p{margin:.3em 0}\
.big{font-size:1.25em}.disagree{color:#b35900;font-weight:600}\
.legend{display:flex;flex-wrap:wrap;gap:.25em 1.2em;font-size:.88em;margin:.3em 0 .2em;color:#333}.legend>span{white-space:nowrap}\
.mk{display:inline-block;width:.85em;height:.85em;margin-right:.35em;vertical-align:-.08em}.mk.sq{border:1px solid #888}.mk.dot{border-radius:50%}\
.mk.line{height:0;width:1.5em;border-top:3px solid;vertical-align:.3em}.mk.dash{height:0;width:1.5em;border-top:2px dashed;vertical-align:.3em}\
.mk.g{width:auto;height:auto;font-size:1em;vertical-align:0;line-height:1}.mk.wh{width:1.1em;height:.7em;border-left:1px solid #000;border-right:1px solid #000;background:linear-gradient(#000,#000) center/100% 1px no-repeat}\
dl.gloss dt{font-weight:600;margin-top:.5em}dl.gloss dd{margin-left:1.2em}ol.sources li{margin:.3em 0}details summary{cursor:pointer;color:#1f5f99}\
.js-only{display:none}.js .js-only{display:block}.legend [role=button]{cursor:pointer;border-radius:3px}.legend [role=button]:hover{background:#eef3f8}\
.legend [role=button]:focus-visible,svg .mk:focus-visible{outline:2px solid #1f5f99;outline-offset:2px}\
#tip{position:absolute;z-index:10;max-width:30em;background:#fff;border:1px solid #999;border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.2);padding:.35em .6em;font-size:.85em;line-height:1.35;pointer-events:none}#tip b{display:block;margin-bottom:.15em}\
@media screen{svg .off{display:none}.legend .off{opacity:.45;text-decoration:line-through}}\
@media print{@page{size:A4;margin:14mm 12mm}body{max-width:none;margin:0;padding:0;font-size:10pt}h1{margin-top:0}h2{margin-top:1.2em;break-after:avoid;page-break-after:avoid}h3{break-after:avoid;page-break-after:avoid}\
figure,.keep,.legend,tr,li,p,dl.gloss dt,dl.gloss dd,.summary h3{break-inside:avoid;page-break-inside:avoid}tr:first-child{break-after:avoid;page-break-after:avoid}.how,.summary h3,h2+p{break-after:avoid;page-break-after:avoid}.how.after{break-after:auto;page-break-after:auto}.grid{display:block}.summary{background:none}\
svg{max-width:100%;height:auto}details:not([open]){display:none}footer{margin-top:1em}.js .js-only,#tip{display:none}}";

/// The page's one script (progressive: the page reads fully without it, and print is
/// unchanged): actor toggles in the legends, tooltips on hover and keyboard focus.
pub(crate) const SCRIPT: &str = include_str!("report.js");

/// Says what the script adds; shown only when it runs, never in print.
const HINT: &str = "<p class=\"how js-only\">Click an actor in a legend (or tab to it and press Enter) to hide or show its marks in every chart. Hover over a mark, or tab to it, for what lies behind it: an actor's position on every issue, an offer's package issue by issue.</p>\n";

pub(crate) fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A count with thousands separators: 10000 → `10,000`.
fn count(n: usize) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    o
}

/// A change in probability in signed percentage points, never `-0.0`.
fn points(x: f64) -> String {
    let v = 100.0 * x;
    if v.abs() < 0.05 {
        "0.0".to_string()
    } else {
        format!("{v:+.1}").replace('-', "−")
    }
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

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(crate) enum Mark {
    /// A filled square (bars, bands).
    Square,
    /// A dot (points).
    Dot,
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A glyph (▲, ✕) in the colour.
    Glyph(&'static str),
    /// A 95 % interval whisker.
    Whisker,
}

/// A legend under a chart: one entry per mark, text escaped here.
pub(crate) fn legend(items: &[(Mark, String, String)]) -> String {
    let items: Vec<LegendItem> = items
        .iter()
        .map(|(m, c, t)| (*m, c.clone(), t.clone(), None))
        .collect();
    legend_actors(&items)
}

/// A legend entry: mark, colour, text, and the actor it stands for, if any.
type LegendItem = (Mark, String, String, Option<String>);

/// A legend whose entries may stand for an actor (`data-actor`): the page's script makes them
/// toggles that hide and show the actor's marks in every chart.
fn legend_actors(items: &[LegendItem]) -> String {
    let mut o = String::from("<div class=\"legend\">");
    for (mark, colour, text, actor) in items {
        let m = match mark {
            Mark::Square => format!("<span class=\"mk sq\" style=\"background:{colour}\"></span>"),
            Mark::Dot => format!("<span class=\"mk dot\" style=\"background:{colour}\"></span>"),
            Mark::Line => {
                format!("<span class=\"mk line\" style=\"border-color:{colour}\"></span>")
            }
            Mark::Dashed => {
                format!("<span class=\"mk dash\" style=\"border-color:{colour}\"></span>")
            }
            Mark::Glyph(g) => format!("<span class=\"mk g\" style=\"color:{colour}\">{g}</span>"),
            Mark::Whisker => "<span class=\"mk wh\"></span>".to_string(),
        };
        let attr = actor
            .as_ref()
            .map_or(String::new(), |a| format!(" data-actor=\"{}\"", escape(a)));
        let _ = write!(o, "<span{attr}>{m}{}</span>", escape(text));
    }
    o.push_str("</div>");
    o
}

/// A chart with its legend.
fn figure(svg: &str, legend: &str) -> String {
    format!("<figure class=\"chart\">{svg}{legend}</figure>")
}

/// Text with a break opportunity after each underscore, so that long option ids wrap at their
/// word boundaries instead of running off the page.
fn wrap_ids(s: &str) -> String {
    escape(s).replace('_', "_<wbr>")
}

/// A class row of [`crate::Outcomes`]: (class, p, ci low, ci high).
type ClassRow = (String, f64, f64, f64);

/// The class with the highest share, with its index.
fn top_class(o: &crate::Outcomes) -> Option<(usize, &ClassRow)> {
    o.classes
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(&a.0)))
}

/// True if every calibrated probability lies within 10 points of equal odds.
fn near_uniform(calibrated: &[f64]) -> bool {
    let n = calibrated.len().max(1) as f64;
    !calibrated.is_empty() && calibrated.iter().all(|x| (x - 1.0 / n).abs() < 0.1)
}

/// A tornado row's input in words.
fn input_name(t: &TornadoRow) -> &str {
    if t.label.is_empty() {
        &t.input
    } else {
        &t.label
    }
}

/// One input's effect in a sentence.
fn effect_sentence(t: &TornadoRow) -> String {
    let ci = t.ci.map_or(String::new(), |(lo, hi)| {
        format!(" (95% interval {} to {})", points(lo), points(hi))
    });
    let noise = match t.ci {
        Some((lo, hi)) if lo <= 0.0 && hi >= 0.0 => " Within noise at the runs used.",
        None if t.delta_p_deal.abs() < 0.02 => " Within noise at the runs used.",
        _ => "",
    };
    format!(
        "<b>{}</b>: from {} to {}, the chance of a deal moves by {} points{ci} and the chance of breakdown by {} points.{noise}",
        escape(input_name(t)),
        num(t.low),
        num(t.high),
        points(t.delta_p_deal),
        points(t.delta_p_breakdown),
    )
}

/// The summary at the top: the answer, the package, what moves it, what would tip it.
pub(crate) fn summary(r: &ReportInput) -> String {
    let mut o = String::from("<section class=\"summary\" id=\"summary\">\n<h2>In brief</h2>\n");
    o.push_str("<h3>Most likely outcome</h3>\n");
    match r
        .outcomes
        .as_ref()
        .and_then(|out| top_class(out).map(|t| (out, t)))
    {
        Some((out, (k, (class, p, lo, hi)))) => {
            let _ = writeln!(
                o,
                "<p class=\"big\">{}<b>{}</b>: {} of {} simulated futures <span class=\"meta\">(share of simulated futures; 95% interval {} – {})</span></p>",
                swatch(class),
                escape(class),
                pct(*p),
                count(out.runs),
                pct(*lo),
                pct(*hi)
            );
            if let Some(c) = out.calibrated.get(k) {
                let n = out.calibrated.len().max(1) as f64;
                let _ = write!(
                    o,
                    "<p>Calibrated probability: <b>{}</b>. Calibrated means the share of futures pulled toward equal odds by how overconfident the simulation proved on past negotiations whose outcome is known.",
                    pct(*c)
                );
                if near_uniform(&out.calibrated) {
                    let _ = write!(
                        o,
                        " Here every calibrated probability sits close to equal odds ({} each) because the backtest found no skill beyond a uniform forecast: on past negotiations the simulation did no better than giving every outcome the same chance. Read the shares as what the model implies, not as tested odds.",
                        pct(1.0 / n)
                    );
                }
                o.push_str(" <a href=\"#calibration\">How far to trust these numbers</a>.</p>\n");
            }
        }
        None => o.push_str("<p>No simulation was run.</p>\n"),
    }
    o.push_str("<h3>Most likely package</h3>\n");
    match &r.settled {
        Some(rows) if !rows.is_empty() => {
            o.push_str("<p class=\"how\">Where each issue settles in the simulated futures that settle it: the central value (for an issue with named options, the option nearest the mean) and the range holding the middle 80% of settlements (10th to 90th percentile).</p>\n<table class=\"fit\"><tr><th>issue</th><th>settles at</th><th>middle 80% (p10 – p90)</th><th class=\"num\">settled in</th></tr>\n");
            for s in rows {
                let spread = if s.p10.is_empty() && s.p90.is_empty() {
                    "—".to_string()
                } else if s.p10 == s.p90 {
                    format!("always {}", wrap_ids(&s.p10))
                } else {
                    format!("{} – {}", wrap_ids(&s.p10), wrap_ids(&s.p90))
                };
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td><b>{}</b></td><td>{spread}</td><td class=\"num\">{}</td></tr>",
                    escape(&s.name),
                    wrap_ids(&s.value),
                    pct(s.settled)
                );
            }
            o.push_str("</table>\n");
        }
        _ => o.push_str("<p>No simulated future settled any issue.</p>\n"),
    }
    o.push_str("<h3>What moves the odds most</h3>\n");
    match &r.tornado {
        Some(t) if !t.is_empty() => {
            o.push_str("<ol>\n");
            for row in t.iter().take(3) {
                let _ = writeln!(o, "<li>{}</li>", effect_sentence(row));
            }
            o.push_str("</ol>\n");
        }
        _ => o.push_str("<p>The sensitivity analysis was not run.</p>\n"),
    }
    o.push_str("<h3>What would tip it</h3>\n");
    match (&r.outcomes, &r.whatif) {
        (Some(base), Some(w)) => {
            let b = top_class(base);
            let v = top_class(w);
            match (b, v) {
                (Some((_, bc)), Some((_, vc))) if bc.0 != vc.0 => {
                    let _ = writeln!(
                        o,
                        "<p>The what-if <b>{}</b> flips the most likely outcome from {} ({}) to <b>{}</b> ({} of its simulated futures).</p>",
                        escape(&w.label),
                        escape(&bc.0),
                        pct(bc.1),
                        escape(&vc.0),
                        pct(vc.1)
                    );
                }
                (Some((_, bc)), Some((k, _))) => {
                    let after = w.classes.get(k).map_or(0.0, |c| c.1);
                    let _ = writeln!(
                        o,
                        "<p>The what-if <b>{}</b> does not change the most likely outcome: {} goes from {} to {} of simulated futures.</p>",
                        escape(&w.label),
                        escape(&bc.0),
                        pct(bc.1),
                        pct(after)
                    );
                }
                _ => o.push_str("<p>No what-if result.</p>\n"),
            }
        }
        _ => o.push_str("<p>No what-if was run (run <code>detente report --compare OVERLAY</code> to test one against the base scenario).</p>\n"),
    }
    o.push_str("</section>\n");
    o
}

/// Legend of the actors on one issue (in the scenario's actor colours) and the status quo.
fn actor_legend(r: &ReportInput, ids: &[&str], status_quo: bool) -> String {
    let mut items = Vec::new();
    for (k, a) in r.actors.iter().enumerate() {
        if ids.contains(&a.id.as_str()) {
            items.push((
                Mark::Dot,
                charts::css(charts::actor_colour(k)),
                format!("{} ({})", a.name, a.id),
                Some(a.id.clone()),
            ));
        }
    }
    for id in ids {
        if !r.actors.iter().any(|a| a.id == *id) {
            items.push((
                Mark::Dot,
                charts::css(charts::actor_colour(r.actors.len())),
                id.to_string(),
                Some(id.to_string()),
            ));
        }
    }
    if status_quo {
        items.push((
            Mark::Dashed,
            charts::css(charts::STATUS_QUO),
            "status quo".to_string(),
            None,
        ));
    }
    legend_actors(&items)
}

/// A value on an issue's scale as text: the option label, or the number.
fn scale_text(issue: &IssueRow, x: f64) -> String {
    if issue.options.is_empty() {
        num(x)
    } else {
        issue
            .options
            .get(x.round().max(0.0) as usize)
            .cloned()
            .unwrap_or_else(|| num(x))
    }
}

/// The tooltip of an actor's dot on `issue`'s position chart: where it stands there, then its
/// position on every issue (its ideal package) with its salience.
fn stance_tip(r: &ReportInput, id: &str, issue: &IssueRow) -> String {
    let name = r
        .actors
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_string(), |a| format!("{} ({id})", a.name));
    let mut t = name;
    if let Some((_, x, s)) = issue.stances.iter().find(|st| st.0 == id) {
        let _ = write!(
            t,
            " on {}: {}, salience {}",
            issue.name,
            scale_text(issue, *x),
            num(*s)
        );
    }
    t.push_str("\nIts position on every issue (salience):");
    for i in &r.issues {
        if let Some((_, x, s)) = i.stances.iter().find(|st| st.0 == id) {
            let _ = write!(t, "\n{}: {} ({})", i.name, scale_text(i, *x), num(*s));
        }
    }
    t
}

/// The bargaining space: the plane, a legend with each side's offers, and a caption that says
/// exactly what is drawn.
fn plane_section(r: &ReportInput, p: &crate::Plane) -> String {
    let name = |id: &str| {
        r.actors
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let (nx, ny) = (name(&p.parties.0), name(&p.parties.1));
    let offers = charts::plane_offers(p);
    let groups = charts::offer_groups(&offers);
    let crossing = !p.crossing.is_empty()
        || offers
            .iter()
            .any(|o| o.utilities.0.is_none() || o.utilities.1.is_none());
    let mut items: Vec<LegendItem> = vec![(
        Mark::Dot,
        charts::css(charts::PLANE_CLOUD),
        "a possible package".to_string(),
        None,
    )];
    if crossing {
        items.push((
            Mark::Square,
            charts::css(charts::RED_LINE_STRIP),
            "crosses a party's red lines".to_string(),
            None,
        ));
    }
    items.push((
        Mark::Square,
        charts::css(charts::ZOPA),
        "better than no deal for both".to_string(),
        None,
    ));
    items.push((
        Mark::Dashed,
        charts::css(charts::BATNA),
        "BATNAs (values of no deal)".to_string(),
        None,
    ));
    items.push((
        Mark::Line,
        charts::css(charts::FRONTIER),
        "Pareto frontier".to_string(),
        None,
    ));
    for (pt, glyph, text) in [
        (p.nash, "✕", "Nash"),
        (p.ks, "+", "Kalai–Smorodinsky (KS)"),
        (p.agreement, "◯", "agreement"),
    ] {
        if pt.is_some() {
            items.push((
                Mark::Glyph(glyph),
                charts::css(charts::POINT),
                text.to_string(),
                None,
            ));
        }
    }
    let mut sides = Vec::new();
    for side in 0..3u8 {
        let Some(first) = offers.iter().find(|o| o.side == side) else {
            continue;
        };
        let n = offers.iter().filter(|o| o.side == side).count();
        let distinct = groups.iter().filter(|g| g.offer.side == side).count();
        let who = if first.by.is_empty() {
            "the mediator".to_string()
        } else {
            name(&first.by)
        };
        let what = if side == 2 {
            format!("proposals by {who} (mediator)")
        } else {
            format!("offers by {who}")
        };
        items.push((
            Mark::Glyph(charts::OFFER_GLYPHS[side as usize]),
            charts::css(charts::actor_colour_of(&r.actors, &first.by)),
            format!(
                "{what}: {n} in all, {distinct} different package{}",
                if distinct == 1 { "" } else { "s" }
            ),
            Some(first.by.clone()).filter(|b| !b.is_empty()),
        ));
        sides.push(format!(
            "{} {}",
            charts::OFFER_GLYPHS[side as usize],
            escape(&if side == 2 {
                format!("{who}, the mediator")
            } else {
                who
            })
        ));
    }
    let drawn = p.outcomes.len() + p.crossing.len();
    let scope = if p.space > drawn as u64 {
        format!(
            "a sample of {} of the {} packages; ",
            count(drawn),
            count(p.space as usize)
        )
    } else if p.space > 0 {
        format!("all {} packages; ", count(p.space as usize))
    } else {
        String::new()
    };
    let sample = format!(" ({scope}packages that would land on the same spot share a dot)");
    let strip = if crossing {
        let share = if drawn > 0 && !p.crossing.is_empty() {
            format!(
                " {} of the sampled packages cross a red line.",
                pct(p.crossing.len() as f64 / drawn as f64)
            )
        } else {
            String::new()
        };
        format!(
            " A package that crosses a party's red lines is unacceptable to it whatever else it holds: it sits in the shaded strip left of the vertical axis if it crosses a red line of {}, below the horizontal axis if it crosses one of {}, in the corner if both.{share}",
            escape(&nx),
            escape(&ny)
        )
    } else {
        String::new()
    };
    let mut o = format!(
        "<div class=\"keep\"><h2>The bargaining space</h2>\n<p class=\"how\">Grey dots are the possible packages{sample}, placed by what each is worth to {} (across) and to {} (up), from 0 to 1, where 1 is everything the party wants.{strip} The dashed lines are the BATNAs, what each party gets without a deal; in the tinted area both prefer the package to no deal. The dark line is the Pareto frontier. ✕ marks the Nash bargaining solution and + the Kalai–Smorodinsky solution (KS){}.</p>\n",
        escape(&nx),
        escape(&ny),
        if p.agreement.is_some() {
            "; the ring is the agreement the run reached"
        } else {
            ""
        }
    );
    if !offers.is_empty() {
        let rounds = offers.iter().any(|o| o.round > 0);
        let _ = writeln!(
            o,
            "<p class=\"how\">Coloured marks are the offers of one negotiation run ({}): one mark for each different package a side put forward, in its colour ({}){}</p>",
            escape(&p.note),
            sides.join(", "),
            match (rounds, groups.len() > charts::MAX_ROUND_LABELS) {
                (true, false) => "; the numbers beside a mark are the protocol rounds in which it was made (“1–7 (4×)”: four times from round 1 to round 7), and a thin line joins each side's offers in round order.",
                (true, true) => "; the numbers beside each side's first and last different offers are the protocol rounds in which they were made (“1–7 (4×)”: four times from round 1 to round 7; the other marks give theirs on hover), and a thin line joins each side's offers in round order.",
                (false, _) => "; a thin line joins each side's offers in the order they were made.",
            }
        );
    }
    o.push_str(HINT);
    o.push_str(&figure(
        &charts::plane(p, &r.actors),
        &legend_actors(&items),
    ));
    o.push_str("</div>\n");
    o
}

/// Models whose forecasts on one issue lie more than a third of the scale apart: (lowest
/// model, its text, highest model, its text).
fn disagreement(
    f: &Forecasts,
    row: usize,
    issue: Option<&IssueRow>,
) -> Option<(String, String, String, String)> {
    let vals = f.values.get(row)?;
    let width = issue.map_or(1.0, |i| i.range.1 - i.range.0);
    let finite = || vals.iter().enumerate().filter(|(_, v)| v.is_finite());
    let lo = finite()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k, *v));
    let hi = finite()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k, *v));
    let (lo, hi) = (lo?, hi?);
    if width > 0.0 && hi.1 - lo.1 > width / 3.0 {
        let text = |k: usize| f.rows[row].2.get(k).cloned().unwrap_or_default();
        Some((
            f.models.get(lo.0).cloned().unwrap_or_default(),
            text(lo.0),
            f.models.get(hi.0).cloned().unwrap_or_default(),
            text(hi.0),
        ))
    } else {
        None
    }
}

/// A model that cycles instead of settling: over its last six rounds its forecast changes
/// direction at least twice and spans more than a tenth of the scale, or turns once over more
/// than a quarter of it. Returns the span.
fn cycles(values: &[f64], width: f64) -> Option<(f64, f64)> {
    if values.len() < 5 || width <= 0.0 {
        return None;
    }
    let tail = &values[values.len().saturating_sub(6)..];
    let steps: Vec<f64> = tail
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| d.abs() > 0.01 * width)
        .collect();
    let turns = steps.windows(2).filter(|w| w[0] * w[1] < 0.0).count();
    let lo = tail.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = tail.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = hi - lo;
    ((turns >= 2 && span > 0.1 * width) || (turns >= 1 && span > 0.25 * width)).then_some((lo, hi))
}

const GLOSSARY: &[(&str, &str, &str)] = &[
    ("batna", "BATNA", "Best alternative to a negotiated agreement: what a party gets if talks fail, on the same 0–1 utility scale as the packages. A party accepts nothing worth less to it than its BATNA."),
    ("zopa", "ZOPA", "Zone of possible agreement: the packages every party prefers to its BATNA. If it is empty, no deal is rational for all sides."),
    ("nash", "Nash bargaining solution", "The package that maximises the product of the parties' gains over their BATNAs: a standard benchmark of a fair, efficient split."),
    ("ks", "Kalai–Smorodinsky solution", "The efficient package at which each party gets the same share of the most it could hope for beyond its BATNA."),
    ("pareto", "Pareto frontier", "The packages that cannot be improved for one party without making another worse off."),
    ("deal", "Deal", "The talks end in an agreement that settles the issues on the table."),
    ("interim", "Interim", "A partial or temporary understanding: some issues settled, the rest deferred."),
    ("stalemate", "Stalemate", "The window closes with neither agreement nor rupture: talks stall and the status quo holds."),
    ("breakdown", "Breakdown", "The talks collapse: a walk-out, an escalation, a threat carried out or a spoiler."),
    ("share", "Share of simulated futures", "The fraction of the Monte Carlo runs (each drawing the uncertain inputs anew) that ended a given way; its 95% interval reflects the number of runs only, not whether the model is right."),
    ("calibrated", "Calibrated probability", "The share of simulated futures pulled toward equal odds by the overconfidence the simulation showed on past negotiations with known outcomes (the backtest). When the backtest finds no skill, calibrated probabilities sit close to equal odds."),
    ("status-quo", "Status quo", "Where an issue stands today, and where it stays if nothing is agreed."),
    ("salience", "Salience", "How much an actor cares about an issue, from 0 (not at all) to 1 (above all else)."),
];

/// Splits a trailing `(path/file.ext)` off a citation: (citation, local file).
fn split_file(citation: &str) -> (String, Option<String>) {
    let t = citation.trim_end();
    if let Some(body) = t.strip_suffix(')') {
        if let Some(k) = body.rfind('(') {
            let inner = &body[k + 1..];
            if inner.contains('/') && inner.contains('.') && !inner.contains(' ') {
                return (body[..k].trim_end().to_string(), Some(inner.to_string()));
            }
        }
    }
    (t.to_string(), None)
}

/// Renders the report as one HTML document with inline CSS and SVG and one small inline script
/// that only enhances it (actor toggles, tooltips); nothing is fetched.
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
    o.push_str(&summary(r));
    // Outcome probabilities first: the question every reader asks.
    if let Some(out) = &r.outcomes {
        let _ = write!(o, "<div class=\"keep\"><h2>How does it end?</h2>\n<p class=\"how\">Share of {} simulated futures ending in each class; whiskers are 95% intervals.{}</p>\n", count(out.runs), if r.whatif.is_some() { " Solid bars: base scenario; pale outlined bars: the what-if variant." } else { "" });
        let mut vars = vec![out];
        if let Some(w) = &r.whatif {
            vars.push(w);
        }
        let mut items: Vec<(Mark, String, String)> = out
            .classes
            .iter()
            .map(|c| (Mark::Square, charts::class_css(&c.0), c.0.clone()))
            .collect();
        items.push((Mark::Whisker, String::new(), "95% interval".into()));
        if let Some(w) = &r.whatif {
            items.push((
                Mark::Square,
                "#ffffff".into(),
                format!("pale outlined bars: what-if {}", w.label),
            ));
        }
        o.push_str(&figure(&charts::outcomes(&vars), &legend(&items)));
        o.push_str("</div>\n");
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
            let _ = write!(
                o,
                "<tr><td class=\"nw\">{}{}</td>",
                swatch(class),
                escape(class)
            );
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
            o.push_str("<p class=\"how after\" id=\"calibration\"><b>How far to trust these numbers.</b> The shares say how often the simulated futures end each way; they are not tested odds. Calibrated: the share of runs pulled toward equal odds by the factor fitted on historical cases (the simulation's measured overconfidence); this is the probability the backtest (<code>detente report --backtest</code>) scores.");
            if near_uniform(&out.calibrated) {
                o.push_str(" Here the calibrated column sits close to equal odds because the backtest found no skill beyond a uniform forecast: read the shares as the model's view, not as a track record.");
            }
            o.push_str("</p>\n");
        }
    }
    if let Some(b) = &r.by_round {
        let last = b.rounds.last().map(|r| r.1.clone()).unwrap_or_default();
        let open = (1.0 - last.iter().sum::<f64>()).max(0.0);
        let mut items = vec![(
            Mark::Square,
            charts::open_css(),
            format!("still negotiating ({} at the last round)", pct(open)),
        )];
        for (j, c) in b.classes.iter().enumerate().rev() {
            items.push((
                Mark::Square,
                charts::class_css(c),
                format!("{c} ({})", pct(last.get(j).copied().unwrap_or(0.0))),
            ));
        }
        let _ = write!(o, "<div class=\"keep\"><h2>How the talks end, round by round</h2>\n<p class=\"how\">Share of the simulated futures that have ended in each class by the end of each round, stacked; the grey band on top is the futures still negotiating.</p>\n{}</div>\n", figure(&charts::by_round(b), &legend(&items)));
    }
    if let Some(c) = &r.causes {
        let _ = write!(o, "<div class=\"keep\"><h2>Why talks broke down</h2>\n<p class=\"how\">Share of all simulated futures that broke down this way (together: the breakdown probability); whiskers are 95% intervals.</p>\n");
        if c.is_empty() {
            o.push_str("<p>No simulated future broke down.</p>\n");
        } else {
            let items = vec![
                (
                    Mark::Square,
                    charts::class_css("breakdown"),
                    "share of all futures that broke down this way".to_string(),
                ),
                (Mark::Whisker, String::new(), "95% interval".to_string()),
            ];
            let _ = writeln!(o, "{}", figure(&charts::causes(c), &legend(&items)));
        }
        o.push_str("</div>\n");
    }
    if let Some(t) = &r.tornado {
        let runs = if r.sensitivity_runs > 0 {
            format!(" of {} futures each", count(r.sensitivity_runs))
        } else {
            String::new()
        };
        let noise = if t.iter().any(|x| x.ci.is_some()) {
            format!(" Whiskers: conservative 95% intervals of the change in P(deal), treating the low and high variants as independent samples{runs}; both variants replay the same random numbers, so the true uncertainty is smaller. An effect whose whisker crosses zero may be noise.")
        } else {
            format!(" Effects under about 2 points are within noise at the runs used{runs}.")
        };
        let items = vec![
            (
                Mark::Square,
                charts::class_css("deal"),
                "change in P(deal)".to_string(),
            ),
            (
                Mark::Square,
                charts::class_css("breakdown"),
                "change in P(breakdown)".to_string(),
            ),
            (
                Mark::Whisker,
                String::new(),
                "95% interval of the change in P(deal)".to_string(),
            ),
        ];
        let _ = write!(o, "<div class=\"keep\"><h2>What moves the odds</h2>\n<p class=\"how\">Each input set to its low and then its high value, all else drawn as usual with the same random numbers; bars show the change in percentage points.{noise}</p>\n{}</div>\n", figure(&charts::tornado(t), &legend(&items)));
        o.push_str("<details><summary>The effects as a table</summary>\n<table class=\"fit\"><tr><th>input</th><th class=\"num\">low</th><th class=\"num\">high</th><th class=\"num\">Δ P(deal), points</th><th class=\"num\">95% interval</th><th class=\"num\">Δ P(breakdown), points</th></tr>\n");
        for x in t {
            let _ = writeln!(
                o,
                "<tr><td>{}<br><span class=\"id\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(input_name(x)),
                escape(&x.input),
                num(x.low),
                num(x.high),
                points(x.delta_p_deal),
                x.ci.map_or(String::new(), |(lo, hi)| format!("{} to {}", points(lo), points(hi))),
                points(x.delta_p_breakdown)
            );
        }
        o.push_str("</table>\n</details>\n");
    }
    if let Some(rows) = &r.settled {
        o.push_str("<h2>The settled package</h2>\n<p class=\"how\">Issue by issue, where the simulated futures that settled it ended up: the central value, the 10th and 90th percentiles, and how many futures settled it at all (deals and interim understandings; an interim understanding may leave issues open).</p>\n<table class=\"fit\"><tr><th>issue</th><th>status quo</th><th>10th percentile</th><th>central</th><th>90th percentile</th><th>spread (hover a bar)</th><th class=\"num\">settled in</th></tr>\n");
        for s in rows {
            let sq = r
                .issues
                .iter()
                .find(|i| i.id == s.id)
                .map_or(String::new(), |i| wrap_ids(&i.status_quo));
            let _ = writeln!(
                o,
                "<tr><td>{}<br><span class=\"id\">{}</span></td><td>{sq}</td><td>{}</td><td><b>{}</b></td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.name),
                escape(&s.id),
                wrap_ids(&s.p10),
                wrap_ids(&s.value),
                wrap_ids(&s.p90),
                mini_histogram(&s.histogram),
                pct(s.settled)
            );
        }
        o.push_str("</table>\n");
    }
    if !r.events.is_empty() {
        let fired = r.events.iter().any(|e| e.fired.is_some());
        let _ = write!(o, "<h2>Events</h2>\n<p class=\"how\">What may happen while the talks run, in time order: when, how likely{}, and what it changes if it happens.</p>\n<table class=\"fit\"><tr><th>when</th><th>event</th><th class=\"num\">probability</th>{}<th>what it changes</th></tr>\n",
            if fired { ", how often it fired in the simulated futures" } else { "" },
            if fired { "<th class=\"num\">fired in</th>" } else { "" });
        for e in &r.events {
            let mut changes: Vec<String> = e.changes.iter().map(|c| escape(c)).collect();
            if e.escalation {
                changes.insert(0, "<b>ends the talks in breakdown</b>".to_string());
            }
            let _ = write!(
                o,
                "<tr><td class=\"id\">{}</td><td><b>{}</b><br>{}</td><td class=\"num\">{}</td>",
                escape(&e.when),
                escape(&e.name),
                escape(&e.description),
                escape(&e.probability)
            );
            if fired {
                let _ = write!(
                    o,
                    "<td class=\"num\">{}</td>",
                    e.fired.map(pct).unwrap_or_default()
                );
            }
            let _ = writeln!(o, "<td>{}</td></tr>", changes.join("<br>"));
        }
        o.push_str("</table>\n");
    }
    let _ = write!(o, "<h2>Who is at the table</h2>\n<p class=\"how\">The colour of each actor is the same in every chart.</p>\n<table><tr><th>actor</th><th>name</th><th>role</th><th class=\"num\">capability</th><th class=\"num\">BATNA</th></tr>\n");
    for (k, a) in r.actors.iter().enumerate() {
        let _ = writeln!(
            o,
            "<tr><td class=\"id\"><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            charts::css(charts::actor_colour(k)),
            escape(&a.id),
            escape(&a.name),
            escape(&a.role),
            num(a.capability),
            a.batna.map(num).unwrap_or_default()
        );
    }
    o.push_str("</table>\n<h2>Issues and positions</h2>\n<p class=\"how\">Each dot is an actor: where it stands (x) and how much it cares (y); the dashed line is the status quo.</p>\n");
    o.push_str(HINT);
    o.push_str("<div class=\"grid\">\n");
    for i in &r.issues {
        let ids: Vec<&str> = i.stances.iter().map(|s| s.0.as_str()).collect();
        let _ = writeln!(
            o,
            "<figure class=\"chart\"><h3>{}</h3><p class=\"meta\">{} · status quo: {}</p>{}{}</figure>",
            escape(&i.name),
            wrap_ids(&i.scale),
            escape(&i.status_quo),
            charts::positions(i, &r.actors, &|id| stance_tip(r, id, i)),
            actor_legend(r, &ids, true)
        );
    }
    o.push_str("</div>\n");
    if let Some(f) = &r.forecasts {
        let _ = write!(o, "<h2>Where each issue settles: forecasts</h2>\n<p class=\"how\">Each model's forecast; the ensemble is their mean (nearest option for discrete issues). Where the models lie more than a third of the scale apart, the ensemble averages incompatible answers and is marked.</p>\n<table class=\"fit\"><tr><th>issue</th><th>status quo</th>");
        for m in &f.models {
            let _ = write!(o, "<th>{}</th>", escape(m));
        }
        o.push_str("<th>ensemble</th></tr>\n");
        let mut split = Vec::new();
        for (k, (issue, sq, vals, ens)) in f.rows.iter().enumerate() {
            let row = r.issues.iter().find(|i| &i.id == issue);
            let name = row.map_or_else(|| issue.clone(), |i| i.name.clone());
            let _ = write!(
                o,
                "<tr><td>{}<br><span class=\"id\">{}</span></td><td>{}</td>",
                escape(&name),
                escape(issue),
                wrap_ids(sq)
            );
            for v in vals {
                let _ = write!(o, "<td>{}</td>", wrap_ids(v));
            }
            match disagreement(f, k, row) {
                Some(d) => {
                    let _ = writeln!(
                        o,
                        "<td><span class=\"disagree\">models disagree</span><br>{} (mean)</td></tr>",
                        wrap_ids(ens)
                    );
                    split.push((name, d));
                }
                None => {
                    let _ = writeln!(o, "<td><b>{}</b></td></tr>", wrap_ids(ens));
                }
            }
        }
        o.push_str("</table>\n");
        if !split.is_empty() {
            let _ = write!(o, "<p><span class=\"disagree\">Models disagree</span> by more than a third of the scale on {} of {} issues. There the ensemble is an average of incompatible answers, not a forecast: read the models one by one.</p>\n<ul>\n", split.len(), f.rows.len());
            for (name, (lm, lt, hm, ht)) in &split {
                let _ = writeln!(
                    o,
                    "<li><b>{}</b>: {} says {}, {} says {}.</li>",
                    escape(name),
                    escape(lm),
                    wrap_ids(lt),
                    escape(hm),
                    wrap_ids(ht)
                );
            }
            o.push_str("</ul>\n");
        }
        if !f.trajectories.is_empty() {
            o.push_str("<p class=\"how\">Round by round: how each dynamic model's forecast moves as actors challenge, bargain and give way (BDM: the weighted median of positions; SMP: the probability-weighted expected outcome).</p>\n<div class=\"grid\">\n");
            let mut order: Vec<&String> = Vec::new();
            for (issue, _, _) in &f.trajectories {
                if !order.contains(&issue) {
                    order.push(issue);
                }
            }
            for issue in order {
                let series: Vec<(String, Vec<f64>)> = f
                    .trajectories
                    .iter()
                    .filter(|t| &t.0 == issue)
                    .map(|t| (t.1.clone(), t.2.clone()))
                    .collect();
                let row = r
                    .issues
                    .iter()
                    .find(|i| &i.id == issue)
                    .cloned()
                    .unwrap_or(IssueRow {
                        id: issue.clone(),
                        name: issue.clone(),
                        scale: String::new(),
                        status_quo: String::new(),
                        status_quo_value: f64::NAN,
                        range: (0.0, 1.0),
                        options: vec![],
                        stances: vec![],
                    });
                let width = row.range.1 - row.range.0;
                let t = |x: f64| {
                    if row.options.is_empty() {
                        num(x)
                    } else {
                        row.options
                            .get(x.round().max(0.0) as usize)
                            .cloned()
                            .unwrap_or_default()
                    }
                };
                // One chart per model: each model's path is readable on its own.
                for (m, v) in &series {
                    let items = vec![
                        (Mark::Line, charts::css(charts::model_colour(m)), m.clone()),
                        (
                            Mark::Dashed,
                            charts::css(charts::STATUS_QUO),
                            "status quo".to_string(),
                        ),
                    ];
                    let note = cycles(v, width).map_or(String::new(), |(lo, hi)| {
                        format!(
                            "<p class=\"how after\">{} does not settle: in its last rounds it swings between {} and {}, so its forecast is wherever the cycle stops at the last round, not a resting point.</p>",
                            escape(m),
                            wrap_ids(&t(lo)),
                            wrap_ids(&t(hi))
                        )
                    });
                    let _ = writeln!(
                        o,
                        "<figure class=\"chart\"><h3>{} — {}</h3><p class=\"meta\">{}</p>{}{}{note}</figure>",
                        escape(issue),
                        escape(m),
                        escape(&row.name),
                        charts::trajectory(&row, std::slice::from_ref(&(m.clone(), v.clone()))),
                        legend(&items)
                    );
                }
            }
            o.push_str("</div>\n");
        }
    }
    if let Some(p) = &r.plane {
        o.push_str(&plane_section(r, p));
    }
    o.push_str("<h2>Glossary</h2>\n<dl class=\"gloss\">\n");
    for (id, term, text) in GLOSSARY {
        let _ = writeln!(o, "<dt id=\"g-{id}\">{term}</dt><dd>{text}</dd>");
    }
    o.push_str("</dl>\n");
    if !r.sources.is_empty() {
        o.push_str("<h2>Sources</h2>\n<ol class=\"sources\">\n");
        for s in &r.sources {
            let (citation, file) = split_file(&s.citation);
            let _ = write!(o, "<li>{}", escape(&citation));
            match s.url.as_deref() {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                    let _ = write!(o, ". <a href=\"{}\">{}</a>", escape(u), escape(u));
                }
                Some(u) => {
                    let _ = write!(o, " <span class=\"meta\">(file: {})</span>", escape(u));
                }
                None => {}
            }
            if let Some(f) = file {
                let _ = write!(
                    o,
                    " <span class=\"meta\">(local copy: {})</span>",
                    escape(&f)
                );
            }
            let _ = writeln!(o, " <span class=\"id\">[{}]</span></li>", escape(&s.id));
        }
        o.push_str("</ol>\n");
    }
    o.push_str("<footer>Generated by detente. Models and definitions: docs/models.md, docs/analysis.md, docs/outcomes.md.</footer>\n");
    let _ = write!(o, "<script>\n{SCRIPT}</script>\n</body></html>\n");
    o
}

pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A small inline histogram of settled values: one bar per option or bin, its height the share
/// of settling futures, its label and share in a tooltip (hover), drawn as plain SVG.
fn mini_histogram(bins: &[(String, f64)]) -> String {
    if bins.is_empty() || bins.iter().all(|(_, p)| *p <= 0.0) {
        return "—".to_string();
    }
    let (w, h, gap) = (14.0, 28.0, 2.0);
    let top = bins.iter().map(|(_, p)| *p).fold(0.0, f64::max).max(1e-12);
    let width = bins.len() as f64 * (w + gap);
    let mut o = format!(
        "<svg class=\"hist\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\" role=\"img\" aria-label=\"distribution of settled values\">",
        h + 2.0,
        h + 2.0
    );
    for (k, (label, p)) in bins.iter().enumerate() {
        let bh = (p / top * h).max(if *p > 0.0 { 1.0 } else { 0.0 });
        let x = k as f64 * (w + gap);
        let _ = write!(
            o,
            "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{bh}\" fill=\"#4e79a7\"><title>{}: {}</title></rect><rect x=\"{x}\" y=\"{h}\" width=\"{w}\" height=\"1\" fill=\"#bbb\"/>",
            h - bh,
            escape(label),
            pct(*p)
        );
    }
    o.push_str("</svg>");
    o
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
            sources: vec![
                SourceRow {
                    id: "seed-000".into(),
                    citation: "Annahar: 'Muscat talks' (seeds/000_fd43.txt)".into(),
                    url: None,
                },
                SourceRow {
                    id: "jcpoa".into(),
                    citation: "Joint Comprehensive Plan of Action (2015)".into(),
                    url: Some("https://example.org/jcpoa".into()),
                },
            ],
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
                status_quo_value: 5.0,
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
                values: vec![vec![4.0, 3.0]],
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
                ..Plane::default()
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
            tornado: Some(vec![
                TornadoRow {
                    input: "actors.a.batna".into(),
                    label: "A: BATNA (value of no deal)".into(),
                    low: 0.2,
                    high: 0.4,
                    delta_p_deal: -0.2,
                    ci: Some((-0.33, -0.07)),
                    delta_p_breakdown: 0.1,
                },
                TornadoRow {
                    input: "events.strike.effects[0].amount".into(),
                    label: "Strike: effect on A's salience of X".into(),
                    low: -0.1,
                    high: 0.3,
                    delta_p_deal: 0.05,
                    ci: Some((-0.08, 0.18)),
                    delta_p_breakdown: -0.0001,
                },
                TornadoRow {
                    input: "actors.a.capability".into(),
                    label: String::new(),
                    low: 0.5,
                    high: 1.5,
                    delta_p_deal: 0.0,
                    ci: None,
                    delta_p_breakdown: 0.0,
                },
                TornadoRow {
                    input: "actors.b.capability".into(),
                    label: "B: capability".into(),
                    low: 0.5,
                    high: 1.5,
                    delta_p_deal: 0.01,
                    ci: None,
                    delta_p_breakdown: 0.0,
                },
            ]),
            sensitivity_runs: 200,
            whatif: None,
            settled: Some(vec![SettledRow {
                id: "x".into(),
                name: "X".into(),
                value: "3.4".into(),
                p10: "2".into(),
                p90: "5".into(),
                settled: 0.5,
                histogram: vec![
                    ("0–2".into(), 0.2),
                    ("2–4".into(), 0.5),
                    ("4–6".into(), 0.3),
                ],
            }]),
            events: vec![EventRow {
                id: "strike".into(),
                name: "Strike".into(),
                when: "round 2".into(),
                description: "A strike <b>".into(),
                probability: "0.3 (0.1–0.5)".into(),
                fired: Some(0.31),
                changes: vec!["A's salience of X +0.2".into()],
                escalation: false,
            }],
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
    use crate::{ActorRow, Plane, PlaneOffer};

    #[test]
    fn user_text_is_escaped() {
        let h = to_html(&sample());
        assert!(!h.contains("<script>alert"));
        assert!(h.contains("Test &lt;script&gt;"));
        assert!(h.contains("A &amp; B"));
    }

    /// Nothing fetched: no URL anywhere in the page, and no attribute or CSS rule that could
    /// load one; no script but the report's own, inline (see `the_script_is_small_and_inert`).
    pub(crate) fn assert_self_contained(h: &str) {
        // The SVG namespace is a name, never fetched; a link is followed only when clicked.
        let h = &without_links(&h.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""));
        let own = format!("<script>\n{SCRIPT}</script>");
        assert!(h.matches("<script").count() <= 1, "one script at most");
        let h = &h.replace(&own, "");
        assert!(!h.contains("<script"), "no script but the report's own");
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

    /// The page without its `<a href>` elements (links load nothing until clicked).
    pub(crate) fn without_links(h: &str) -> String {
        let mut o = String::new();
        let mut rest = h;
        while let Some(k) = rest.find("<a href=") {
            o.push_str(&rest[..k]);
            rest = rest[k..].split_once("</a>").map_or("", |x| x.1);
        }
        o.push_str(rest);
        o
    }

    #[test]
    fn the_page_is_self_contained() {
        let h = to_html(&sample());
        assert_self_contained(&h);
        // Outcomes, round by round, causes, tornado, positions, trajectory, plane.
        // (The settled package's mini histograms are inline SVG too, but not charts.)
        let charts = h.matches("<svg").count() - h.matches("<svg class=\"hist\"").count();
        assert_eq!(charts, 7, "every chart is inline SVG");
        assert!(h.contains("How the talks end, round by round"));
        assert!(h.contains("Why talks broke down"));
        assert!(!h.contains("chart could not be drawn"));
    }

    #[test]
    fn the_script_is_small_and_inert() {
        let h = to_html(&sample());
        assert_eq!(h.matches("<script>").count(), 1);
        assert!(
            h.ends_with("</script>\n</body></html>\n"),
            "last, after the content"
        );
        assert!(SCRIPT.len() < 6000, "small: {} bytes", SCRIPT.len());
        // It loads nothing, writes no markup from text, stores nothing.
        for bad in [
            "fetch",
            "XMLHttpRequest",
            "import",
            "eval",
            "Function(",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "src",
            "href",
            "http",
            "url(",
            "WebSocket",
            "Storage",
            "cookie",
            "setTimeout",
            "</",
        ] {
            assert!(!SCRIPT.contains(bad), "{bad}");
        }
        // The backtest page has no actor marks: no script.
        let b = crate::backtest_to_html(&super::tests_support::backtest_sample());
        assert!(!b.contains("<script"));
    }

    #[test]
    fn the_page_reads_and_prints_without_the_script() {
        let h = to_html(&sample());
        // Every interactive mark carries its tooltip as an SVG title, which browsers show on
        // hover without any script.
        let marks = h.matches("<g class=\"mk\"").count();
        assert!(marks >= 6, "{marks}");
        for m in h.split("<g class=\"mk\"").skip(1) {
            let head = m.split('>').next().unwrap_or_default();
            assert!(!head.contains("tabindex"), "focus is the script's to add");
            assert!(m
                .split("</g>")
                .next()
                .unwrap_or_default()
                .contains("<title>"));
        }
        // Hiding an actor is a screen-only rule; print shows every mark and no tooltip or hint.
        assert!(h.contains("@media screen{svg .off{display:none}"));
        let print = &h[h.find("@media print").expect("print")..];
        assert!(print.contains(".js .js-only,#tip{display:none}"));
        // The hint about clicking and hovering shows only when the script runs.
        assert!(h.contains("<p class=\"how js-only\">Click an actor in a legend"));
        assert!(h.contains(".js-only{display:none}.js .js-only{display:block}"));
    }

    #[test]
    fn every_actor_toggle_has_marks_to_toggle() {
        let mut r = sample();
        r.actors.push(ActorRow {
            id: "b".into(),
            name: "B".into(),
            role: "party".into(),
            capability: 1.0,
            batna: Some(0.3),
        });
        let h = to_html(&r);
        let toggles: Vec<&str> = h
            .split("<span data-actor=\"")
            .skip(1)
            .filter_map(|x| x.split('"').next())
            .collect();
        assert!(
            toggles.contains(&"a") && toggles.contains(&"b"),
            "{toggles:?}"
        );
        for a in toggles {
            // In the position chart (dot and name) and the plane (offers).
            let marks = h
                .matches(&format!("<g class=\"mk\" data-actor=\"{a}\">"))
                .count();
            assert!(marks >= 2, "{a}: {marks}");
            assert!(h.contains(&format!("<tspan data-actor=\"{a}\">{a}</tspan>")));
        }
        // A dot's tooltip: where the actor stands here, then on every issue.
        assert!(h.contains("<title>B (b) on X: 8, salience 0.9\nIts position on every issue (salience):\nX: 8 (0.9)</title>"));
    }

    /// A plane whose first party repeats one offer four times, as a hard-liner does.
    fn hardliner_plane() -> Plane {
        let pkg = |v: &str| vec![("Issue <1>".to_string(), v.to_string())];
        let offer =
            |side: u8, by: &str, round: u32, u: (Option<f64>, Option<f64>), v: &str| PlaneOffer {
                side,
                by: by.into(),
                round,
                utilities: u,
                package: pkg(v),
            };
        Plane {
            parties: ("a".into(), "b".into()),
            outcomes: vec![(0.2, 0.8), (0.6, 0.6)],
            crossing: vec![(None, Some(0.7)), (Some(0.9), None)],
            space: 40,
            frontier: vec![(0.2, 0.8), (0.6, 0.6)],
            batnas: (0.3, 0.3),
            offers: vec![
                offer(0, "a", 1, (Some(1.0), None), "all for a"),
                offer(1, "b", 2, (Some(0.2), Some(0.8)), "most for b"),
                offer(0, "a", 3, (Some(1.0), None), "all for a"),
                offer(2, "m", 3, (Some(0.6), Some(0.6)), "split"),
                offer(2, "m", 3, (Some(0.6), Some(0.6)), "split"),
                offer(1, "b", 4, (Some(0.6), Some(0.6)), "split"),
                offer(0, "a", 5, (Some(1.0), None), "all for a"),
                offer(0, "a", 7, (Some(1.0), None), "all for a"),
            ],
            agreement: Some((0.6, 0.6)),
            agreement_package: pkg("split"),
            note: "shuttle protocol".into(),
            ..Plane::default()
        }
    }

    #[test]
    fn repeated_offers_are_one_mark_with_their_rounds() {
        let mut r = sample();
        r.actors.push(ActorRow {
            id: "m".into(),
            name: "Med".into(),
            role: "mediator".into(),
            capability: 1.0,
            batna: None,
        });
        r.plane = Some(hardliner_plane());
        let svg = charts::plane(r.plane.as_ref().expect("plane"), &r.actors);
        // One mark for a's one package, two for b's, one for the mediator's.
        assert_eq!(svg.matches("<g class=\"mk\" data-actor=\"a\">").count(), 1);
        assert_eq!(svg.matches("<g class=\"mk\" data-actor=\"b\">").count(), 2);
        assert_eq!(svg.matches("<g class=\"mk\" data-actor=\"m\">").count(), 1);
        // Labelled with its rounds, in a's colour; the tooltip says them in words.
        let blue = charts::css(charts::actor_colour(0));
        assert!(
            svg.contains(&format!("fill=\"{blue}\">1–7 (4×)</text>")),
            "{svg}"
        );
        assert!(svg.contains("<title>Offer by A in rounds 1, 3, 5 and 7 (4 times)\nWorth 1.00 to A; crosses a red line of b\nIssue &lt;1&gt;: all for a</title>"));
        // The mediator's proposal to both parties in round 3 is one proposal.
        assert!(svg.contains("<title>Proposal by Med in round 3\n"));
        assert!(svg.contains("<title>The agreement of the run\nWorth 0.60 to A; 0.60 to b\nIssue &lt;1&gt;: split</title>"));
        // Each side's offers joined in round order.
        assert_eq!(svg.matches("<polyline points=").count(), 3);
        // The strips of red-line crossings, named on the axes.
        assert_eq!(svg.matches(">red line</text>").count(), 2);
        // The legend lists each side's offers, as toggles.
        let h = to_html(&r);
        assert!(h.contains("<span data-actor=\"a\"><span class=\"mk g\" style=\"color:#1f77b4\">▲</span>offers by A: 4 in all, 1 different package</span>"));
        assert!(h.contains(">▼</span>offers by b: 2 in all, 2 different packages</span>"));
        assert!(h.contains(
            ">◆</span>proposals by Med (mediator): 2 in all, 1 different package</span>"
        ));
        // The caption says what is drawn.
        assert!(h.contains("Grey dots are the possible packages (a sample of 4 of the 40 packages; packages that would land on the same spot share a dot)"));
        assert!(h.contains("50.0% of the sampled packages cross a red line"));
        assert!(h.contains(
            "(▲ A, ▼ b, ◆ Med, the mediator); the numbers beside a mark are the protocol rounds"
        ));
    }

    #[test]
    fn a_long_run_numbers_only_each_sides_first_and_last_offer() {
        let mut p = hardliner_plane();
        p.offers = (1..=40u32)
            .map(|k| PlaneOffer {
                side: (k % 2) as u8,
                by: if k % 2 == 0 { "a" } else { "b" }.into(),
                round: k,
                utilities: (Some(k as f64 / 40.0), Some(1.0 - k as f64 / 40.0)),
                package: vec![("I".into(), format!("v{k}"))],
            })
            .collect();
        let r = ReportInput {
            plane: Some(p),
            ..sample()
        };
        let svg = charts::plane(r.plane.as_ref().expect("plane"), &r.actors);
        // 40 marks, 4 round labels (2, 40 for a; 1, 39 for b).
        assert_eq!(svg.matches("<g class=\"mk\" data-actor=").count(), 40);
        for k in ["1", "2", "39", "40"] {
            assert!(svg.contains(&format!("\">{k}</text>")), "{k}");
        }
        assert!(!svg.contains("\">20</text>"));
        assert!(
            to_html(&r).contains("the numbers beside each side's first and last different offers")
        );
    }

    #[test]
    fn rounds_read_short_on_the_chart() {
        assert_eq!(charts::rounds_text(&[9]), "9");
        assert_eq!(charts::rounds_text(&[1, 3]), "1, 3");
        assert_eq!(charts::rounds_text(&[1, 3, 5]), "1, 3, 5");
        assert_eq!(charts::rounds_text(&[2, 4, 6, 8]), "2–8 (4×)");
        assert_eq!(charts::rounds_text(&[0, 0]), "", "unknown rounds: no label");
    }

    #[test]
    fn a_plane_without_offers_draws_its_trace() {
        // The sample gives the bare trace: each offer still a mark, with no rounds to tell.
        let s = sample();
        let svg = charts::plane(s.plane.as_ref().expect("plane"), &s.actors);
        assert_eq!(svg.matches("<g class=\"mk\"").count(), 3 + 3);
        assert!(!svg.contains("red line"), "nothing crosses one");
        let h = to_html(&s);
        assert!(h.contains("a thin line joins each side's offers in the order they were made"));
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
            outline(&charts::plane(s.plane.as_ref().expect("plane"), &s.actors))
        );
        insta::assert_snapshot!(
            "outcomes",
            outline(&charts::outcomes(&[s.outcomes.as_ref().expect("outcomes")]))
        );
        insta::assert_snapshot!(
            "tornado",
            outline(&charts::tornado(s.tornado.as_ref().expect("tornado")))
        );
        insta::assert_snapshot!(
            "positions",
            outline(&charts::positions(&s.issues[0], &s.actors, &|_| {
                String::new()
            }))
        );
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

    /// The summary section of a page.
    fn summary_of(h: &str) -> String {
        let a = h.find("<section class=\"summary\"").expect("summary");
        let b = h[a..].find("</section>").expect("end") + a;
        h[a..b + "</section>".len()].to_string()
    }

    #[test]
    fn the_summary_comes_first_and_answers_the_question() {
        let h = to_html(&sample());
        let s = summary_of(&h);
        // Before every other section.
        assert!(h.find("<section class=\"summary\"") < h.find("<h2>How does it end?</h2>"));
        insta::assert_snapshot!("summary", s.replace("><", ">\n<"));
        assert!(s.contains("share of simulated futures"));
        assert!(s.contains("Calibrated probability: <b>45.0%</b>"));
        assert!(s.contains("href=\"#calibration\""));
        assert!(h.contains("id=\"calibration\""), "the link has a target");
        // The three largest effects, in words, with their intervals.
        assert!(s.contains("<b>A: BATNA (value of no deal)</b>"));
        assert!(s.contains("(95% interval −33.0 to −7.0)"));
        assert!(s.contains("actors.a.capability"), "no label: the path");
        assert!(!s.contains("B: capability"), "only three");
        assert!(s.contains("No what-if was run"));
    }

    #[test]
    fn the_summary_says_what_would_tip_it() {
        let mut r = sample();
        let mut w = r.outcomes.clone().expect("outcomes");
        w.label = "strike.toml".into();
        w.classes = vec![
            ("deal".into(), 0.2, 0.1, 0.3),
            ("breakdown".into(), 0.8, 0.7, 0.9),
        ];
        r.whatif = Some(w.clone());
        let s = summary(&r);
        assert!(
            s.contains(
                "flips the most likely outcome from deal (50.0%) to <b>breakdown</b> (80.0%"
            ),
            "{s}"
        );
        w.classes[0].1 = 0.55;
        w.classes[1].1 = 0.45;
        r.whatif = Some(w);
        let s = summary(&r);
        assert!(s.contains("does not change the most likely outcome"), "{s}");
        // Nothing simulated: the summary says so instead of inventing an answer.
        let empty = summary(&ReportInput::default());
        assert!(empty.contains("No simulation was run"));
        assert!(empty.contains("not run"));
    }

    #[test]
    fn tornado_shows_names_intervals_and_no_negative_zero() {
        let s = sample();
        let svg = charts::tornado(s.tornado.as_ref().expect("tornado"));
        assert!(svg.contains("A: BATNA (value of no deal)"));
        assert!(!svg.contains("\nactors.a.batna\n"));
        assert!(
            !svg.contains("\n-0\n") && !svg.contains("-0.0"),
            "no negative zero"
        );
        let h = to_html(&s);
        assert!(h.contains("conservative 95% intervals"));
        assert!(
            h.contains("<span class=\"id\">actors.a.batna</span>"),
            "the path stays in the table"
        );
        assert!(!points(-0.00001).contains('−'));
    }

    #[test]
    fn charts_draw_no_minor_gridlines() {
        let s = sample();
        // A 0–10 axis with minor lines had hundreds of them; major ones only now.
        let svg = charts::positions(&s.issues[0], &s.actors, &|_| String::new());
        assert!(
            svg.matches("<line").count() + svg.matches("<polyline").count() < 60,
            "{}",
            svg.len()
        );
        assert!(svg.len() < 20_000, "{}", svg.len());
    }

    #[test]
    fn trajectories_show_whole_rounds_and_option_names() {
        let issue = IssueRow {
            id: "d".into(),
            name: "D".into(),
            scale: "low < mid < high".into(),
            status_quo: "low".into(),
            status_quo_value: 0.0,
            range: (0.0, 2.0),
            options: vec!["low".into(), "mid".into(), "high".into()],
            stances: vec![],
        };
        let svg = charts::trajectory(
            &issue,
            &[("bdm".into(), vec![0.0, 2.0, 0.0, 2.0, 0.0, 2.0])],
        );
        for t in ["low", "mid", "high", "1", "5"] {
            assert!(svg.contains(&format!(">\n{t}\n</text>")), "{t}");
        }
        assert!(!svg.contains("\n1.0\n") && !svg.contains("\n0.5\n"));
        let mut r = sample();
        r.issues.push(issue);
        r.forecasts.as_mut().expect("forecasts").trajectories =
            vec![("d".into(), "bdm".into(), vec![0.0, 2.0, 0.0, 2.0, 0.0, 2.0])];
        assert!(to_html(&r)
            .contains("bdm does not settle: in its last rounds it swings between low and high"));
        assert!(cycles(&[1.0, 1.0, 1.0, 1.0, 1.0], 1.0).is_none());
        assert!(
            cycles(&[0.0, 0.2, 0.4, 0.6, 0.8], 1.0).is_none(),
            "a trend is not a cycle"
        );
    }

    #[test]
    fn actors_keep_their_colour_and_every_chart_has_a_legend() {
        let mut s = sample();
        s.actors.push(ActorRow {
            id: "b".into(),
            name: "B".into(),
            role: "party".into(),
            capability: 1.0,
            batna: None,
        });
        let ids = s.actors.clone();
        let mut moved = s.issues[0].clone();
        moved.stances.reverse();
        let blue = charts::css(charts::actor_colour(0)).to_uppercase();
        let red = charts::css(charts::actor_colour(1)).to_uppercase();
        for svg in [
            charts::positions(&s.issues[0], &ids, &|_| String::new()),
            charts::positions(&moved, &ids, &|_| String::new()),
        ] {
            let up = svg.to_uppercase();
            assert!(up.contains(&blue) && up.contains(&red));
        }
        let h = to_html(&s);
        let charts_n = h.matches("<figure class=\"chart\">").count();
        assert_eq!(
            charts_n,
            h.matches("<svg").count() - h.matches("<svg class=\"hist\"").count(),
            "every chart is a chart figure"
        );
        for fig in h.split("<figure class=\"chart\">").skip(1) {
            let fig = fig.split("</figure>").next().unwrap_or_default();
            assert!(
                fig.contains("<div class=\"legend\">"),
                "{}",
                &fig[..fig.len().min(200)]
            );
        }
        // The status quo is marked and named on the position chart.
        assert!(h.contains("status quo</span>"));
    }

    #[test]
    fn models_that_disagree_are_named() {
        let mut r = sample();
        let h = to_html(&r);
        assert!(!h.contains("models disagree"), "4 and 3 on 0–10 agree");
        r.forecasts.as_mut().expect("forecasts").values = vec![vec![0.5, 9.0]];
        r.forecasts.as_mut().expect("forecasts").rows[0].2 = vec!["0.5".into(), "9".into()];
        let h = to_html(&r);
        assert!(h.contains("<span class=\"disagree\">models disagree</span>"));
        assert!(h.contains("<li><b>X</b>: mean says 0.5, bdm says 9.</li>"));
    }

    #[test]
    fn package_events_glossary_and_sources_are_on_the_page() {
        let h = to_html(&sample());
        for s in [
            "<h2>The settled package</h2>",
            "<h2>Events</h2>",
            "<h2>Glossary</h2>",
            "Kalai–Smorodinsky solution",
            "BATNA",
            "ZOPA",
            "Interim",
            "Stalemate",
            "Breakdown",
            "Calibrated probability",
            "A strike &lt;b&gt;",
            "A&#39;s salience of X +0.2",
            "0.3 (0.1–0.5)",
            // The settled values' spread: one bar per bin, its share on hover.
            "<svg class=\"hist\"",
            "<title>2–4: 50.0%</title>",
        ] {
            assert!(h.contains(s), "{s}");
        }
        // Citations read as citations; the local file is named apart; URLs are links.
        assert!(h.contains("<li>Annahar: &#39;Muscat talks&#39; <span class=\"meta\">(local copy: seeds/000_fd43.txt)</span>"));
        assert!(h.contains("<a href=\"https://example.org/jcpoa\">"));
    }

    #[test]
    fn the_page_prints_on_a4_without_cutting_charts() {
        let h = to_html(&sample());
        assert!(h.contains("@media print{@page{size:A4"));
        let print = &h[h.find("@media print").expect("print")..];
        assert!(print.contains("figure,") && print.contains("break-inside:avoid"));
    }
}
