//! SVG charts drawn with plotters, and an overlay of marks the page's script works with
//! (actor toggles, tooltips). Text that goes into the SVG is escaped: plotters escapes its
//! labels, the overlay escapes tooltips and names.

use std::fmt::Write;

use plotters::prelude::*;

use crate::{
    ActorRow, ByRound, CaseRow, Cause, IssueRow, Outcomes, Plane, PlaneOffer, ReliabilityBin,
    TornadoRow,
};

const W: u32 = 640;
const H: u32 = 340;
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(127, 127, 127),
];

/// Major gridlines (minor ones are not drawn: they were most of the page's weight).
const GRID: RGBColor = RGBColor(225, 225, 225);

/// Actor colours, by the actor's place in the scenario: the same actor has the same colour in
/// every chart and legend.
const ACTORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of the actor at index `k` of the scenario's actor list.
pub(crate) fn actor_colour(k: usize) -> RGBColor {
    ACTORS[k % ACTORS.len()]
}

/// The colour of a forecasting model in the trajectory charts.
pub(crate) fn model_colour(model: &str) -> RGBColor {
    match model {
        "bdm" => RGBColor(31, 119, 180),
        "smp" => RGBColor(148, 103, 189),
        "mean" => RGBColor(140, 86, 75),
        "median" => RGBColor(23, 190, 207),
        "nash" => RGBColor(188, 189, 34),
        _ => RGBColor(127, 127, 127),
    }
}

/// The packages in the bargaining plane.
pub(crate) const PLANE_CLOUD: RGBColor = RGBColor(160, 160, 160);

/// The plane's lines and points, in greys and black: every colour of the palette belongs to an
/// actor, and the offers are drawn in their actors' colours.
pub(crate) const FRONTIER: RGBColor = RGBColor(40, 40, 40);
pub(crate) const BATNA: RGBColor = RGBColor(90, 90, 90);
/// Nash, Kalai–Smorodinsky and the agreement (told apart by shape and named on the chart).
pub(crate) const POINT: RGBColor = RGBColor(0, 0, 0);
/// The area both parties prefer to no deal.
pub(crate) const ZOPA: RGBColor = RGBColor(214, 236, 214);
/// The strips of packages that cross a party's red lines.
pub(crate) const RED_LINE_STRIP: RGBColor = RGBColor(240, 214, 214);

/// The status quo line in position and trajectory charts.
pub(crate) const STATUS_QUO: RGBColor = RGBColor(90, 90, 90);

/// A colour as CSS.
pub(crate) fn css(c: RGBColor) -> String {
    let RGBColor(r, g, b) = c;
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Runs still negotiating (the top band of the round-by-round chart).
const OPEN: RGBColor = RGBColor(225, 225, 225);

/// The fixed colour of an outcome class: the same in every chart and legend.
pub(crate) fn class_colour(class: &str) -> RGBColor {
    match class {
        "deal" => RGBColor(44, 160, 44),
        "interim" => RGBColor(31, 119, 180),
        "stalemate" => RGBColor(255, 127, 14),
        "breakdown" => RGBColor(214, 39, 40),
        _ => RGBColor(148, 103, 189),
    }
}

/// The class colour as a CSS colour, for HTML legends and swatches.
pub(crate) fn class_css(class: &str) -> String {
    css(class_colour(class))
}

/// The background of the round-by-round chart's top band, as CSS.
pub(crate) fn open_css() -> String {
    css(OPEN)
}

/// A scale value as axis text: the option label on a discrete scale (blank between options),
/// else the number without trailing zeros (and never `-0`).
fn scale_tick(x: f64, options: &[String]) -> String {
    if options.is_empty() {
        let t = format!("{x:.3}");
        let t = t.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        }
    } else {
        let k = x.round();
        if (x - k).abs() < 1e-9 && k >= 0.0 && (k as usize) < options.len() {
            options[k as usize].clone()
        } else {
            String::new()
        }
    }
}

/// A change in probability as signed percentage points for an axis, never `-0`.
fn points_tick(x: f64) -> String {
    let v = 100.0 * x;
    if v.abs() < 0.05 {
        "0".to_string()
    } else if (v - v.round()).abs() < 1e-6 {
        format!("{v:+.0}")
    } else {
        format!("{v:+.1}")
    }
}

/// Text cut to `n` characters with an ellipsis.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Label formatter for a category axis over `0..n` with ticks at every half unit: the label
/// of row `k` (drawn top to bottom when `flip`) sits at `k + 0.5`, other ticks are blank.
fn category_label(labels: &[String], v: f64, flip: bool) -> String {
    let n = labels.len() as f64;
    let pos = if flip { n - v - 0.5 } else { v - 0.5 };
    let k = pos.round();
    if (pos - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len() {
        labels[k as usize].clone()
    } else {
        String::new()
    }
}

/// Width in pixels for an axis of text labels in the charts' 17-point font (about 14 px on screen).
fn label_width(labels: &[String], min: u32, max: u32) -> u32 {
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    (chars * 15 / 2 + 18).clamp(min, max)
}

/// A rectangle's outline as a closed path: plotters' SVG rectangles ignore the stroke width.
fn frame<C: Copy>(a: (C, C), b: (C, C), style: ShapeStyle) -> PathElement<(C, C)> {
    PathElement::new(vec![a, (b.0, a.1), b, (a.0, b.1), a], style)
}

fn finish(buf: String, r: Result<(), String>) -> String {
    match r {
        Ok(()) => buf,
        Err(e) => format!(
            "<p class=\"err\">chart could not be drawn: {}</p>",
            crate::escape(&e)
        ),
    }
}

fn pad(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        let m = (hi - lo) * 0.05;
        (lo - m, hi + m)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

/// Raw SVG drawn over a plotters chart, for marks the page's script works with: each mark is
/// a group that names its actor (`data-actor`, which the legends' toggles hide and show) and
/// carries its tooltip as an SVG `<title>` (shown on hover without the script; the script
/// turns it into a tooltip that also opens on keyboard focus). Text is escaped here.
#[derive(Default)]
struct Overlay(String);

impl Overlay {
    /// A mark: `shape` is SVG markup of numbers and colours only.
    fn mark(&mut self, actor: Option<&str>, tip: &str, shape: &str) {
        let _ = write!(
            self.0,
            "<g class=\"mk\"{}><title>{}</title>{shape}</g>",
            actor_attr(actor),
            crate::escape(tip)
        );
    }

    /// Markup of numbers and colours only, for one actor or for none.
    fn raw(&mut self, actor: Option<&str>, shape: &str) {
        match actor {
            Some(_) => {
                let _ = write!(self.0, "<g{}>{shape}</g>", actor_attr(actor));
            }
            None => self.0.push_str(shape),
        }
    }

    /// A text label with its top left corner at (x, y), for one actor or for none.
    fn text(&mut self, actor: Option<&str>, x: i32, y: i32, text: &str) {
        let _ = write!(
            self.0,
            "<text{} x=\"{x}\" y=\"{y}\" dy=\"0.76em\" {LABEL_FONT}>{}</text>",
            actor_attr(actor),
            crate::escape(text)
        );
    }

    /// The ids of actors that share a place, as one label: each id hides with its actor, and
    /// the script shows a separator only between visible ids.
    fn names(&mut self, x: i32, y: i32, ids: &[&str]) {
        let _ = write!(
            self.0,
            "<text class=\"lbl\" x=\"{x}\" y=\"{y}\" dy=\"0.76em\" {LABEL_FONT}>"
        );
        for (k, id) in ids.iter().enumerate() {
            if k > 0 {
                self.0.push_str("<tspan class=\"sep\">, </tspan>");
            }
            let _ = write!(
                self.0,
                "<tspan{}>{}</tspan>",
                actor_attr(Some(id)),
                crate::escape(id)
            );
        }
        self.0.push_str("</text>");
    }

    /// The chart with the overlay drawn last, before its closing tag (a chart that could not
    /// be drawn stays as it is).
    fn onto(self, mut svg: String) -> String {
        if svg.starts_with("<svg") {
            if let Some(k) = svg.rfind("</svg>") {
                svg.insert_str(k, &self.0);
            }
        }
        svg
    }
}

/// The font of overlay labels: as plotters draws a 16-point label.
const LABEL_FONT: &str = "font-family=\"sans-serif\" font-size=\"13\" fill=\"#000000\"";

fn actor_attr(actor: Option<&str>) -> String {
    actor.map_or(String::new(), |a| {
        format!(" data-actor=\"{}\"", crate::escape(a))
    })
}

/// The colour of actor `id` by its place among `actors` (an unknown id: the next colour).
pub(crate) fn actor_colour_of(actors: &[ActorRow], id: &str) -> RGBColor {
    actor_colour(
        actors
            .iter()
            .position(|a| a.id == id)
            .unwrap_or(actors.len()),
    )
}

/// Each actor's position (x) against its salience (y) on one issue, in the actor's colour
/// (by its place in `actors`, the scenario's actors), with the status quo as a dashed line.
/// Each dot names its actor (`data-actor`) and carries `tip(actor id)` as its tooltip.
pub fn positions(issue: &IssueRow, actors: &[ActorRow], tip: &dyn Fn(&str) -> String) -> String {
    let mut buf = String::new();
    let mut ov = Overlay::default();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (x0, x1) = pad(issue.range.0, issue.range.1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(84)
            .x_label_area_size(42)
            .y_label_area_size(54)
            .build_cartesian_2d(x0..x1, 0.0..1.12)
            .map_err(|e| e.to_string())?;
        // Option names cut to the room between two ticks (the full names are above the chart).
        let room = if issue.options.len() > 1 {
            (W as f64 - 54.0 - 12.0 - 84.0) / (1.1 * (issue.options.len() - 1) as f64)
        } else {
            W as f64
        };
        let fit = ((room / 7.5) as usize).clamp(6, 22);
        let opts: Vec<String> = issue.options.iter().map(|o| cut(o, fit)).collect();
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_desc("position")
            .y_desc("salience")
            .y_labels(6)
            .x_label_formatter(&|x| scale_tick(*x, &opts))
            .x_labels(if issue.options.is_empty() {
                10
            } else {
                issue.options.len()
            })
            .draw()
            .map_err(|e| e.to_string())?;
        let sq = issue.status_quo_value;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(sq, 0.0), (sq, 1.12)],
                6,
                4,
                STATUS_QUO.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        for (id, x, s) in &issue.stances {
            let (px, py) = chart.backend_coord(&(*x, *s));
            ov.mark(
                Some(id),
                &tip(id),
                &format!(
                    "<circle cx=\"{px}\" cy=\"{py}\" r=\"6\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
                    css(actor_colour_of(actors, id))
                ),
            );
        }
        // One label per place: actors at the same point share it instead of overprinting.
        let mut places: Vec<((f64, f64), Vec<&str>)> = Vec::new();
        for (id, x, s) in &issue.stances {
            match places
                .iter_mut()
                .find(|p| (p.0 .0 - x).abs() < 1e-9 && (p.0 .1 - s).abs() < 1e-9)
            {
                Some(p) => p.1.push(id),
                None => places.push(((*x, *s), vec![id])),
            }
        }
        // Labels right of their dot, or left of it in the right third of the chart so that
        // they stay inside; a label that would sit on an earlier one moves down a line.
        let mut taken: Vec<(i32, i32, i32)> = Vec::new();
        let mut sorted = places.clone();
        sorted.sort_by(|a, b| b.0 .1.total_cmp(&a.0 .1).then(a.0 .0.total_cmp(&b.0 .0)));
        for (at, ids) in &sorted {
            let w = 8 * ids.join(", ").chars().count() as i32;
            let (px, py) = chart.backend_coord(at);
            let right = (at.0 - x0) < 0.66 * (x1 - x0);
            let lx = if right { px + 9 } else { px - 9 - w };
            let mut ly = py - 18;
            while taken
                .iter()
                .any(|&(tx, ty, tw)| (ly - ty).abs() < 15 && lx < tx + tw && tx < lx + w)
            {
                ly += 15;
            }
            taken.push((lx, ly, w));
            ov.names(lx, ly, ids);
        }
        root.present().map_err(|e| e.to_string())
    })();
    ov.onto(finish(buf, r))
}

/// The round-by-round forecasts of the dynamic models on one issue (one line per model, in the
/// model's colour), rounds as whole numbers, option names on a discrete scale, the status quo
/// dashed.
pub fn trajectory(issue: &IssueRow, series: &[(String, Vec<f64>)]) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, 280)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let all = series.iter().flat_map(|s| s.1.iter().copied());
        let lo = all.clone().fold(issue.range.0, f64::min);
        let hi = all.fold(issue.range.1, f64::max);
        let (y0, y1) = pad(lo, hi);
        let rounds = series.iter().map(|s| s.1.len()).max().unwrap_or(0).max(2) - 1;
        let n = rounds as f64;
        // Option names in full up to 32 characters (a label area of at most 260 px), cut
        // beyond: the full names are above the chart.
        let opts: Vec<String> = issue.options.iter().map(|o| cut(o, 32)).collect();
        let ly = if opts.is_empty() {
            54
        } else {
            label_width(&opts, 54, 260)
        };
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(42)
            .y_label_area_size(ly)
            .build_cartesian_2d(0.0..n, y0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_desc("round")
            .x_labels((rounds + 1).min(13))
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .y_labels(if opts.is_empty() { 6 } else { opts.len() })
            .y_label_formatter(&|y| scale_tick(*y, &opts))
            .draw()
            .map_err(|e| e.to_string())?;
        let sq = issue.status_quo_value;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, sq), (n, sq)],
                6,
                4,
                STATUS_QUO.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        for (model, values) in series {
            let c = model_colour(model);
            chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(t, v)| (t as f64, *v)),
                    c.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(
                    values
                        .iter()
                        .enumerate()
                        .map(|(t, v)| Circle::new((t as f64, *v), 3, c.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Where a package that crosses a party's red lines sits on that party's axis: in a strip
/// beyond 0, shaded, from `-STRIP` to `-0.03`.
const STRIP: f64 = 0.15;
const STRIP_AT: f64 = -0.09;

/// Beyond this many different offers, only each side's first and last are labelled with
/// their rounds (every mark still gives its rounds in its tooltip).
pub(crate) const MAX_ROUND_LABELS: usize = 30;

/// The shape of an offer's mark, by who made it: ▲ the x party, ▼ the y party, ◆ the mediator.
pub(crate) const OFFER_GLYPHS: [&str; 3] = ["▲", "▼", "◆"];

/// The offers of the plane, grouped: one per side and different package, in order of first
/// appearance, with the rounds in which it was made.
pub(crate) struct OfferGroup<'a> {
    /// The first offer of the group (side, actor, utilities, package).
    pub offer: &'a PlaneOffer,
    /// The rounds in which it was made (0: unknown), in order.
    pub rounds: Vec<u32>,
}

/// The plane's offers: `offers`, or the bare `trace` when `offers` is empty.
pub(crate) fn plane_offers(p: &Plane) -> Vec<PlaneOffer> {
    if !p.offers.is_empty() {
        return p.offers.clone();
    }
    p.trace
        .iter()
        .map(|&(side, x, y)| PlaneOffer {
            side,
            by: match side {
                0 => p.parties.0.clone(),
                1 => p.parties.1.clone(),
                _ => String::new(),
            },
            round: 0,
            utilities: (Some(x), Some(y)),
            package: Vec::new(),
        })
        .collect()
}

/// One group per side and different package (or utility pair, without packages).
pub(crate) fn offer_groups(offers: &[PlaneOffer]) -> Vec<OfferGroup<'_>> {
    let mut groups: Vec<OfferGroup> = Vec::new();
    for o in offers {
        let same = |g: &&mut OfferGroup| {
            g.offer.side == o.side
                && if o.package.is_empty() {
                    g.offer.utilities == o.utilities
                } else {
                    g.offer.package == o.package
                }
        };
        match groups.iter_mut().find(|g| same(g)) {
            // A mediator's proposal goes to each party in the same round: once.
            Some(g) if g.rounds.last() == Some(&o.round) && o.round > 0 => {}
            Some(g) => g.rounds.push(o.round),
            None => groups.push(OfferGroup {
                offer: o,
                rounds: vec![o.round],
            }),
        }
    }
    groups
}

/// The rounds of a repeated offer, short: `9`, `1, 3`, `1, 3, 5`, `1–7 (4×)`; empty when the
/// rounds are unknown.
pub(crate) fn rounds_text(rounds: &[u32]) -> String {
    if rounds.contains(&0) {
        return String::new();
    }
    match rounds {
        [] => String::new(),
        [_] | [_, _] | [_, _, _] => rounds
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        [first, .., last] => format!("{first}–{last} ({}×)", rounds.len()),
    }
}

/// The rounds of a repeated offer in words, for its tooltip.
fn rounds_words(rounds: &[u32]) -> String {
    if rounds.contains(&0) {
        return match rounds.len() {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
    }
    let list: Vec<String> = rounds.iter().map(u32::to_string).collect();
    match list.as_slice() {
        [] => String::new(),
        [one] => format!(" in round {one}"),
        [init @ .., last] => format!(
            " in rounds {} and {last} ({} times)",
            init.join(", "),
            rounds.len()
        ),
    }
}

/// A package issue by issue, one line each, for a tooltip.
fn package_lines(package: &[(String, String)]) -> String {
    package
        .iter()
        .map(|(issue, value)| format!("\n{issue}: {value}"))
        .collect()
}

/// Greedy label placement: each label takes the first free spot beside its mark (right, left,
/// above, below), else moves down until free; marks count as taken.
#[derive(Default)]
struct Placer(Vec<(i32, i32, i32, i32)>);

impl Placer {
    fn take(&mut self, x: i32, y: i32, w: i32, h: i32) {
        self.0.push((x, y, w, h));
    }

    /// True if a `w` × `h` box at (x, y) keeps 2 pixels from everything taken.
    fn free(&self, x: i32, y: i32, w: i32, h: i32) -> bool {
        let m = 2;
        !self.0.iter().any(|&(tx, ty, tw, th)| {
            x < tx + tw + m && tx < x + w + m && y < ty + th + m && ty < y + h + m
        })
    }

    /// A spot for a `w` × 15 label beside a mark at (px, py) within `bounds` (x0, y0, x1, y1):
    /// right, left, above or below the mark, moved inside the bounds; if all are taken, the
    /// nearest free spot further out, and then `true` (draw a leader line to the mark).
    fn place(
        &mut self,
        px: i32,
        py: i32,
        w: i32,
        bounds: (i32, i32, i32, i32),
    ) -> ((i32, i32), bool) {
        let h = 15;
        let inside = |(x, y): (i32, i32)| {
            (
                x.clamp(bounds.0, (bounds.2 - w).max(bounds.0)),
                y.clamp(bounds.1, (bounds.3 - h).max(bounds.1)),
            )
        };
        let near = [
            (px + 12, py - 8),
            (px - 12 - w, py - 8),
            (px - w / 2, py - 27),
            (px - w / 2, py + 12),
        ]
        .map(inside);
        if let Some(&spot) = near.iter().find(|&&(x, y)| self.free(x, y, w, h)) {
            self.take(spot.0, spot.1, w, h);
            return (spot, false);
        }
        // Further out, ring by ring: above and below the near spots, then beside them.
        let mut far = Vec::new();
        for k in 1..=8 {
            for &(x, y) in &near {
                far.push(inside((x, y - 17 * k)));
                far.push(inside((x, y + 17 * k)));
                far.push(inside((x + 14 * k, y)));
                far.push(inside((x - 14 * k, y)));
            }
        }
        let spot = far
            .into_iter()
            .find(|&(x, y)| self.free(x, y, w, h))
            .unwrap_or(near[0]);
        self.take(spot.0, spot.1, w, h);
        (spot, true)
    }
}

/// A thin grey line from a mark at (px, py) to the nearest point of a `w` × 15 label at `at`.
fn leader(px: i32, py: i32, at: (i32, i32), w: i32) -> String {
    let x = px.clamp(at.0, at.0 + w);
    let y = py.clamp(at.1, at.1 + 15);
    format!(
        "<line x1=\"{px}\" y1=\"{py}\" x2=\"{x}\" y2=\"{y}\" stroke=\"#777777\" stroke-width=\"0.8\"/>"
    )
}

/// A label's width in pixels at the overlay font.
fn text_width(s: &str) -> i32 {
    7 * s.chars().count() as i32 + 2
}

/// The two-party utility plane: every sampled package as a grey dot (those that cross a
/// party's red lines in a shaded strip beyond that party's axis), the BATNAs dashed with the
/// area both prefer to no deal tinted, the Pareto frontier, Nash (✕), Kalai–Smorodinsky (+),
/// the agreement (◯), and the run's offers: one mark per side and different package (▲ the x
/// party, ▼ the y party, ◆ the mediator) in the colour of whoever made it (by its place in
/// `actors`), labelled with the rounds in which it was made and joined in round order.
pub fn plane(p: &Plane, actors: &[ActorRow]) -> String {
    let mut buf = String::new();
    let mut ov = Overlay::default();
    let offers = plane_offers(p);
    let x_strip =
        p.crossing.iter().any(|c| c.0.is_none()) || offers.iter().any(|o| o.utilities.0.is_none());
    let y_strip =
        p.crossing.iter().any(|c| c.1.is_none()) || offers.iter().any(|o| o.utilities.1.is_none());
    let x0 = if x_strip { -STRIP } else { -0.02 };
    let y0 = if y_strip { -STRIP } else { -0.02 };
    let at = |u: (Option<f64>, Option<f64>)| (u.0.unwrap_or(STRIP_AT), u.1.unwrap_or(STRIP_AT));
    let name = |id: &str| {
        actors
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let (nx, ny) = (name(&p.parties.0), name(&p.parties.1));
    let worth = |u: (Option<f64>, Option<f64>)| {
        let part = |v: Option<f64>, who: &str| match v {
            Some(v) => format!("{v:.2} to {who}"),
            None => format!("crosses a red line of {who}"),
        };
        format!("\nWorth {}; {}", part(u.0, &nx), part(u.1, &ny))
    };
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (760, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(42)
            .y_label_area_size(54)
            .build_cartesian_2d(x0..1.02, y0..1.02)
            .map_err(|e| e.to_string())?;
        let tick = |v: f64| {
            if v < -0.005 {
                String::new()
            } else {
                format!("{:.1}", v.max(0.0))
            }
        };
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_desc(format!("utility of {}", p.parties.0))
            .y_desc(format!("utility of {}", p.parties.1))
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .draw()
            .map_err(|e| e.to_string())?;
        let shade = RED_LINE_STRIP.mix(0.55).filled();
        if x_strip {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y0), (-0.03, 1.02)],
                    shade,
                )))
                .map_err(|e| e.to_string())?;
        }
        if y_strip {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y0), (1.02, -0.03)],
                    shade,
                )))
                .map_err(|e| e.to_string())?;
        }
        let (bx, by) = p.batnas;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(bx.max(0.0), by.max(0.0)), (1.02, 1.02)],
                ZOPA.mix(0.5).filled(),
            )))
            .map_err(|e| e.to_string())?;
        // The cloud, one dot per 2-pixel cell: the shape of the space, not every package.
        let mut seen = std::collections::HashSet::new();
        let cloud: Vec<(f64, f64)> = p
            .outcomes
            .iter()
            .map(|&(x, y)| (x, y))
            .chain(p.crossing.iter().map(|&c| at(c)))
            .filter(|pt| {
                let (px, py) = chart.backend_coord(pt);
                seen.insert((px / 2, py / 2))
            })
            .collect();
        chart
            .draw_series(
                cloud
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 2, PLANE_CLOUD.filled())),
            )
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                p.frontier.iter().copied(),
                FRONTIER.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;

        // The overlay: BATNAs (one dashed line each), strip names, offers, the three points,
        // labels.
        let (left, top) = chart.backend_coord(&(x0, 1.02));
        let (right, bottom) = chart.backend_coord(&(1.02, y0));
        for (a, b) in [((bx, y0), (bx, 1.02)), ((x0, by), (1.02, by))] {
            let (a, b) = (chart.backend_coord(&a), chart.backend_coord(&b));
            let _ = write!(
                ov.0,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"7 4\"/>",
                a.0,
                a.1,
                b.0,
                b.1,
                css(BATNA)
            );
        }
        let bounds = (left + 2, top + 2, right - 2, bottom - 2);
        let mut placer = Placer::default();
        // The strips are named where the axes' numbers are.
        if x_strip {
            let (sx, _) = chart.backend_coord(&(STRIP_AT, 0.0));
            let _ = write!(
                ov.0,
                "<text x=\"{sx}\" y=\"{}\" text-anchor=\"middle\" dy=\"0.76em\" {STRIP_FONT}>red line</text>",
                bottom + 6
            );
        }
        if y_strip {
            let (_, sy) = chart.backend_coord(&(0.0, STRIP_AT));
            let _ = write!(
                ov.0,
                "<text x=\"{}\" y=\"{sy}\" text-anchor=\"end\" dy=\"0.35em\" {STRIP_FONT}>red line</text>",
                left - 6
            );
        }
        let groups = offer_groups(&offers);
        let px = |u: (Option<f64>, Option<f64>)| chart.backend_coord(&at(u));
        // Each side's offers joined in round order, under the marks.
        for side in 0..3u8 {
            let path: Vec<(i32, i32)> = offers
                .iter()
                .filter(|o| o.side == side)
                .map(|o| px(o.utilities))
                .collect();
            if path.len() > 1 {
                let by = offers
                    .iter()
                    .find(|o| o.side == side)
                    .map(|o| o.by.as_str());
                let pts: Vec<String> = path.iter().map(|(x, y)| format!("{x},{y}")).collect();
                ov.raw(
                    by.filter(|b| !b.is_empty()),
                    &format!(
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-opacity=\"0.45\"/>",
                        pts.join(" "),
                        css(actor_colour_of(actors, by.unwrap_or_default()))
                    ),
                );
            }
        }
        for g in &groups {
            let (x, y) = px(g.offer.utilities);
            placer.take(x - 7, y - 7, 14, 14);
        }
        // Nash, Kalai–Smorodinsky and the agreement; points that coincide share a label.
        let mut points: Vec<((f64, f64), Vec<&str>)> = Vec::new();
        for (pt, label, what, package) in [
            (
                p.agreement,
                "agreement",
                "The agreement of the run",
                &p.agreement_package,
            ),
            (p.nash, "Nash", "Nash bargaining solution", &p.nash_package),
            (p.ks, "KS", "Kalai–Smorodinsky solution", &p.ks_package),
        ] {
            let Some(pt) = pt else { continue };
            let tip = format!(
                "{what}{}{}",
                worth((Some(pt.0), Some(pt.1))),
                package_lines(package)
            );
            let (x, y) = chart.backend_coord(&pt);
            let shape = match label {
                "agreement" => format!(
                    "<circle cx=\"{x}\" cy=\"{y}\" r=\"9\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>",
                    css(POINT)
                ),
                "Nash" => format!(
                    "<path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"{}\" stroke-width=\"3\"/>",
                    x - 6, y - 6, x + 6, y + 6, x - 6, y + 6, x + 6, y - 6, css(POINT)
                ),
                _ => format!(
                    "<path d=\"M{} {y}L{} {y}M{x} {}L{x} {}\" stroke=\"{}\" stroke-width=\"3\"/>",
                    x - 8, x + 8, y - 8, y + 8, css(POINT)
                ),
            };
            ov.mark(None, &tip, &shape);
            placer.take(x - 9, y - 9, 18, 18);
            match points
                .iter_mut()
                .find(|q| (q.0 .0 - pt.0).abs() < 1e-9 && (q.0 .1 - pt.1).abs() < 1e-9)
            {
                Some(q) => q.1.push(label),
                None => points.push((pt, vec![label])),
            }
        }
        for g in &groups {
            let o = g.offer;
            let (x, y) = px(o.utilities);
            let c = css(actor_colour_of(actors, &o.by));
            let d = 7;
            let shape = match o.side {
                0 => format!(
                    "<path d=\"M{x} {}L{} {}L{} {}Z\"",
                    y - d,
                    x + d,
                    y + d * 3 / 4,
                    x - d,
                    y + d * 3 / 4
                ),
                1 => format!(
                    "<path d=\"M{x} {}L{} {}L{} {}Z\"",
                    y + d,
                    x + d,
                    y - d * 3 / 4,
                    x - d,
                    y - d * 3 / 4
                ),
                _ => format!(
                    "<path d=\"M{x} {}L{} {y}L{x} {}L{} {y}Z\"",
                    y - d,
                    x + d,
                    y + d,
                    x - d
                ),
            };
            let who = if o.by.is_empty() {
                "the mediator".to_string()
            } else {
                name(&o.by)
            };
            let kind = if o.side == 2 { "Proposal" } else { "Offer" };
            let tip = format!(
                "{kind} by {who}{}{}{}",
                rounds_words(&g.rounds),
                worth(o.utilities),
                package_lines(&o.package)
            );
            ov.mark(
                Some(&o.by).filter(|b| !b.is_empty()).map(String::as_str),
                &tip,
                &format!("{shape} fill=\"{c}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"),
            );
        }
        for (pt, labels) in &points {
            let text = labels.join(", ");
            let (x, y) = chart.backend_coord(pt);
            let w = text_width(&text);
            let (at, far) = placer.place(x, y, w, bounds);
            if far {
                ov.raw(None, &leader(x, y, at, w));
            }
            ov.text(None, at.0, at.1, &text);
        }
        // Round labels in the colour of whoever made the offer; on a crowded chart only each
        // side's first and last different offers.
        let thin = groups.len() > MAX_ROUND_LABELS;
        for (k, g) in groups.iter().enumerate() {
            let side = g.offer.side;
            let first = !groups[..k].iter().any(|h| h.offer.side == side);
            let last = !groups[k + 1..].iter().any(|h| h.offer.side == side);
            let text = rounds_text(&g.rounds);
            if text.is_empty() || (thin && !first && !last) {
                continue;
            }
            let (x, y) = px(g.offer.utilities);
            let w = text_width(&text);
            let (at, far) = placer.place(x, y, w, bounds);
            let by = Some(g.offer.by.as_str()).filter(|b| !b.is_empty());
            let c = css(actor_colour_of(actors, &g.offer.by));
            let line = if far {
                leader(x, y, at, w)
            } else {
                String::new()
            };
            ov.raw(
                by,
                &format!(
                    "{line}<text x=\"{}\" y=\"{}\" dy=\"0.76em\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\" fill=\"{c}\">{}</text>",
                    at.0,
                    at.1,
                    crate::escape(&text)
                ),
            );
        }
        root.present().map_err(|e| e.to_string())
    })();
    ov.onto(finish(buf, r))
}

/// The font of the red-line strips' names.
const STRIP_FONT: &str = "font-family=\"sans-serif\" font-size=\"13\" fill=\"#8a4a4a\"";

/// Outcome-class probabilities as bars with 95 % interval whiskers, one group per variant.
pub fn outcomes(variants: &[&Outcomes]) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let classes: Vec<String> = variants
            .first()
            .map(|v| v.classes.iter().map(|c| c.0.clone()).collect())
            .unwrap_or_default();
        let n = classes.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(54)
            .build_cartesian_2d(0.0..n, 0.0..1.0)
            .map_err(|e| e.to_string())?;
        let names = classes.clone();
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_x_mesh()
            .y_desc("probability")
            .y_label_formatter(&|y| percent(*y))
            .x_labels(classes.len() * 2 + 1)
            .x_label_formatter(&|x| {
                let k = (x - 0.5).round();
                if (x - 0.5 - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
                    names[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        let m = variants.len().max(1) as f64;
        let w = 0.7 / m;
        for (v, var) in variants.iter().enumerate() {
            for (k, (class, p, lo, hi)) in var.classes.iter().enumerate() {
                // The base variant solid, a what-if variant pale with an outline.
                let c = class_colour(class);
                let x0 = k as f64 + 0.15 + v as f64 * w;
                let corners = [(x0, 0.0), (x0 + w * 0.9, *p)];
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        corners,
                        c.mix(if v == 0 { 0.85 } else { 0.3 }).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
                if v > 0 {
                    chart
                        .draw_series(std::iter::once(frame(
                            corners[0],
                            corners[1],
                            c.stroke_width(2),
                        )))
                        .map_err(|e| e.to_string())?;
                }
                let xm = x0 + w * 0.45;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(xm, *lo), (xm, *hi)],
                        BLACK.stroke_width(1),
                    )))
                    .map_err(|e| e.to_string())?;
                for y in [*lo, *hi] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(xm - w * 0.15, y), (xm + w * 0.15, y)],
                            BLACK.stroke_width(1),
                        )))
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Tornado: each input's effect on P(deal) (thick bars, with the 95 % interval when known) and
/// on P(breakdown) (thin bars), largest first; labels are the inputs in words.
pub fn tornado(rows: &[TornadoRow]) -> String {
    let mut buf = String::new();
    let h = 60 + 30 * rows.len() as u32;
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            cut(
                if r.label.is_empty() {
                    &r.input
                } else {
                    &r.label
                },
                58,
            )
        })
        .collect();
    let ly = label_width(&labels, 160, 450);
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (940, h.max(120))).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let lim = rows
            .iter()
            .map(|r| {
                let ci = r.ci.map_or(0.0, |c| c.0.abs().max(c.1.abs()));
                r.delta_p_deal.abs().max(r.delta_p_breakdown.abs()).max(ci)
            })
            .fold(0.01, f64::max)
            * 1.1;
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(42)
            .y_label_area_size(ly)
            .build_cartesian_2d(-lim..lim, 0.0..n)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .x_desc("change in probability, percentage points (input high − input low)")
            .x_label_formatter(&|x| points_tick(*x))
            .y_labels(rows.len() * 2 + 1)
            .y_label_formatter(&|y| category_label(&labels, *y, true))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n)],
                BLACK.stroke_width(1),
            )))
            .map_err(|e| e.to_string())?;
        for (k, r) in rows.iter().enumerate() {
            let y = n - k as f64 - 1.0;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.45), (r.delta_p_deal, y + 0.85)],
                    class_colour("deal").filled(),
                )))
                .map_err(|e| e.to_string())?;
            if let Some((lo, hi)) = r.ci {
                let ym = y + 0.65;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(lo, ym), (hi, ym)],
                        BLACK.stroke_width(1),
                    )))
                    .map_err(|e| e.to_string())?;
                for x in [lo, hi] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, ym - 0.13), (x, ym + 0.13)],
                            BLACK.stroke_width(1),
                        )))
                        .map_err(|e| e.to_string())?;
                }
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.15), (r.delta_p_breakdown, y + 0.4)],
                    class_colour("breakdown").mix(0.7).filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// A share as text: one decimal, two when it is below 0.1 % but not zero.
fn share_text(p: f64) -> String {
    if p > 0.0 && p < 0.001 {
        format!("{:.2}%", 100.0 * p)
    } else {
        format!("{:.1}%", 100.0 * p)
    }
}

/// Tick label of a probability axis whose range ends at `lim`: whole percent, or one decimal
/// when the axis is short.
fn pct_tick(x: f64, lim: f64) -> String {
    if lim < 0.1 {
        format!("{:.1}%", 100.0 * x)
    } else {
        percent(x)
    }
}

/// How the talks end, round by round: the cumulative share of runs ended in each class as
/// stacked bands (first class at the bottom), topped by the runs still negotiating. The legend,
/// with each band's share at the last round, is in the page.
pub fn by_round(b: &ByRound) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W + 120, 330)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let plot = root.clone();
        let k = b.classes.len();
        let mut rows = b.rounds.clone();
        // Every run is still negotiating when round 1 starts.
        if rows.first().is_some_and(|r| r.0 == 1) {
            rows.insert(0, (0, vec![0.0; k]));
        }
        let x0 = rows.first().map_or(0, |r| r.0) as f64;
        let x1 = rows.last().map_or(1, |r| r.0).max(x0 as u32 + 1) as f64;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, 0.0..1.0)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_desc("round")
            .y_desc("share of runs ended")
            .x_labels(((x1 - x0) as usize + 1).min(16))
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .y_labels(6)
            .y_label_formatter(&|y| percent(*y))
            .draw()
            .map_err(|e| e.to_string())?;
        // Band j lies between the sum of the first j shares and the sum of the first j + 1.
        let level = |j: usize| -> Vec<(f64, f64)> {
            rows.iter()
                .map(|(r, v)| (*r as f64, v.iter().take(j).sum::<f64>().min(1.0)))
                .collect()
        };
        for j in 0..=k {
            let colour = b.classes.get(j).map_or(OPEN, |c| class_colour(c));
            let mut pts = level(j);
            let upper = if j < k {
                level(j + 1)
            } else {
                rows.iter().map(|(r, _)| (*r as f64, 1.0)).collect()
            };
            pts.reverse();
            let mut poly = upper.clone();
            poly.extend(pts);
            chart
                .draw_series(std::iter::once(Polygon::new(poly, colour.filled())))
                .map_err(|e| e.to_string())?;
            if j < k {
                chart
                    .draw_series(LineSeries::new(upper, WHITE.stroke_width(1)))
                    .map_err(|e| e.to_string())?;
            }
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Why talks broke down: one bar per cause (share of all runs) with its 95 % interval,
/// largest first.
pub fn causes(rows: &[Cause]) -> String {
    let mut buf = String::new();
    let n = rows.len();
    let h = (64 + 32 * n as u32).max(140);
    let labels: Vec<String> = rows.iter().map(|c| c.label.clone()).collect();
    let ly = label_width(&labels, 120, 420);
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W + 160, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let lim = rows.iter().map(|c| c.hi.max(c.p)).fold(0.01, f64::max) * 1.18;
        let nf = n.max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(40)
            .y_label_area_size(ly)
            .build_cartesian_2d(0.0..lim, 0.0..nf)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .x_desc("share of all runs")
            .x_label_formatter(&|x| pct_tick(*x, lim))
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|y| category_label(&labels, *y, true))
            .draw()
            .map_err(|e| e.to_string())?;
        let c = class_colour("breakdown");
        let font = ("sans-serif", 16).into_font().color(&BLACK);
        for (k, cause) in rows.iter().enumerate() {
            let y = nf - k as f64 - 1.0;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.2), (cause.p, y + 0.8)],
                    c.mix(0.85).filled(),
                )))
                .map_err(|e| e.to_string())?;
            let ym = y + 0.5;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(cause.lo, ym), (cause.hi, ym)],
                    BLACK.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            for x in [cause.lo, cause.hi] {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, y + 0.32), (x, y + 0.68)],
                        BLACK.stroke_width(1),
                    )))
                    .map_err(|e| e.to_string())?;
            }
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((cause.hi.max(cause.p), ym))
                        + Text::new(share_text(cause.p), (6, -7), font.clone()),
                ))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Reliability diagram: per bin, the mean predicted probability against how often the class
/// happened, point area proportional to the pairs in the bin, with the diagonal of perfect
/// calibration.
pub fn reliability(bins: &[ReliabilityBin]) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (560, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.03..1.03, -0.03..1.03)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_desc("predicted probability (bin mean)")
            .y_desc("observed frequency")
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|x| percent(*x))
            .y_label_formatter(&|y| percent(*y))
            .draw()
            .map_err(|e| e.to_string())?;
        let grey = RGBColor(140, 140, 140);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                6,
                4,
                grey.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?
            .label("perfect calibration")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], grey));
        let used: Vec<&ReliabilityBin> = bins.iter().filter(|b| b.n > 0).collect();
        let nmax = used.iter().map(|b| b.n).max().unwrap_or(1) as f64;
        let c = PALETTE[0];
        chart
            .draw_series(LineSeries::new(
                used.iter().map(|b| (b.mean_predicted, b.observed)),
                c.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
        let font = ("sans-serif", 16).into_font().color(&BLACK);
        chart
            .draw_series(used.iter().map(|b| {
                // Area proportional to n.
                let radius = (18.0 * (b.n as f64 / nmax).sqrt()).max(3.0).round() as i32;
                EmptyElement::at((b.mean_predicted, b.observed))
                    + Circle::new((0, 0), radius, c.mix(0.55).filled())
                    + Circle::new((0, 0), radius, c.stroke_width(1))
                    + Text::new(format!("{}", b.n), (radius + 3, -radius - 6), font.clone())
            }))
            .map_err(|e| e.to_string())?
            .label("detente (number: pairs in the bin)")
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, c.mix(0.55).filled()));
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 17))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Per case, the probabilities of the classes as one stacked bar; the class that happened is
/// framed in black and named on the right with the probability it was given.
pub fn case_bars(classes: &[String], cases: &[CaseRow]) -> String {
    let mut buf = String::new();
    let n = cases.len();
    let h = (84 + 28 * n as u32).max(160);
    let labels: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
    let ly = label_width(&labels, 100, 260);
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W + 160, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (top, rest) = root.split_vertically(34);
        let font = ("sans-serif", 17).into_font().color(&BLACK);
        let mut x = ly as i32 + 12;
        for c in classes {
            top.draw(&Rectangle::new(
                [(x, 12), (x + 14, 26)],
                class_colour(c).filled(),
            ))
            .map_err(|e| e.to_string())?;
            top.draw(&Text::new(c.clone(), (x + 20, 12), font.clone()))
                .map_err(|e| e.to_string())?;
            x += 34 + 8 * c.chars().count() as i32;
        }
        top.draw(&frame((x, 11), (x + 14, 27), BLACK.stroke_width(3)))
            .map_err(|e| e.to_string())?;
        top.draw(&Text::new("what happened", (x + 20, 12), font.clone()))
            .map_err(|e| e.to_string())?;
        let nf = n.max(1) as f64;
        let mut chart = ChartBuilder::on(&rest)
            .margin(12)
            .margin_right(170)
            .x_label_area_size(40)
            .y_label_area_size(ly)
            .build_cartesian_2d(0.0..1.0, 0.0..nf)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .x_desc("probability given to each class")
            .x_labels(6)
            .x_label_formatter(&|x| percent(*x))
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|y| category_label(&labels, *y, true))
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, case) in cases.iter().enumerate() {
            let y = nf - k as f64 - 1.0;
            let mut x = 0.0;
            let mut actual = None;
            for (j, c) in classes.iter().enumerate() {
                let p = case.p.get(j).copied().unwrap_or(0.0);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y + 0.2), (x + p, y + 0.8)],
                        class_colour(c).mix(0.9).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
                if *c == case.actual {
                    actual = Some((x, p));
                }
                x += p;
            }
            if let Some((xa, pa)) = actual {
                chart
                    .draw_series(std::iter::once(frame(
                        (xa, y + 0.1),
                        (xa + pa, y + 0.9),
                        BLACK.stroke_width(3),
                    )))
                    .map_err(|e| e.to_string())?;
                let (px, py) = chart.backend_coord(&(1.0, y + 0.5));
                root.draw(&Rectangle::new(
                    [(px + 12, py - 6), (px + 24, py + 6)],
                    class_colour(&case.actual).filled(),
                ))
                .map_err(|e| e.to_string())?;
                root.draw(&Text::new(
                    format!("{}: {}", case.actual, percent(pa)),
                    (px + 30, py - 7),
                    font.clone(),
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// Mean error of each predictor on settled issues (in % of the issue's range), best first;
/// the status-quo and midpoint baselines in grey.
pub fn issue_errors(rows: &[(String, f64, usize)]) -> String {
    let mut buf = String::new();
    let mut rows: Vec<&(String, f64, usize)> = rows.iter().collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1));
    let n = rows.len();
    let h = (64 + 30 * n as u32).max(140);
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let ly = label_width(&labels, 100, 240);
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let lim = rows.iter().map(|r| r.1).fold(1.0, f64::max) * 1.15;
        let nf = n.max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(ly)
            .build_cartesian_2d(0.0..lim, 0.0..nf)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 17))
            .axis_desc_style(("sans-serif", 18))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_y_mesh()
            .x_desc("mean error (% of the issue's range)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|y| category_label(&labels, *y, true))
            .draw()
            .map_err(|e| e.to_string())?;
        let font = ("sans-serif", 16).into_font().color(&BLACK);
        for (k, (name, e, _)) in rows.iter().enumerate() {
            let y = nf - k as f64 - 1.0;
            let c = if matches!(name.as_str(), "status_quo" | "midpoint") {
                RGBColor(160, 160, 160)
            } else {
                PALETTE[0]
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.2), (*e, y + 0.8)],
                    c.mix(0.85).filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((*e, y + 0.5))
                        + Text::new(format!("{e:.1}"), (5, -7), font.clone()),
                ))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}
