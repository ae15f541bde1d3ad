//! SVG charts drawn with plotters. Only ids and numbers go into the SVG; free text stays in
//! the surrounding HTML, where it is escaped.

use plotters::prelude::*;

use crate::{IssueRow, Outcomes, Plane, TornadoRow};

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

/// Each actor's position (x) against its salience (y) on one issue.
pub fn positions(issue: &IssueRow) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (x0, x1) = pad(issue.range.0, issue.range.1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, 0.0..1.08)
            .map_err(|e| e.to_string())?;
        let opts = issue.options.clone();
        chart
            .configure_mesh()
            .x_desc("position")
            .y_desc("salience")
            .x_label_formatter(&|x| {
                if opts.is_empty() {
                    format!("{x:.3}")
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_string()
                } else {
                    let k = x.round();
                    if (x - k).abs() < 1e-9 && k >= 0.0 && (k as usize) < opts.len() {
                        opts[k as usize].clone()
                    } else {
                        String::new()
                    }
                }
            })
            .x_labels(if issue.options.is_empty() {
                10
            } else {
                issue.options.len()
            })
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(issue.stances.iter().enumerate().map(|(k, (id, x, s))| {
                let c = PALETTE[k % PALETTE.len()];
                EmptyElement::at((*x, *s))
                    + Circle::new((0, 0), 5, c.filled())
                    + Text::new(
                        id.clone(),
                        (7, -12),
                        ("sans-serif", 13).into_font().color(&BLACK),
                    )
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// A model's round-by-round forecast on one issue.
pub fn trajectory(values: &[f64], range: (f64, f64)) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let lo = values.iter().copied().fold(range.0, f64::min);
        let hi = values.iter().copied().fold(range.1, f64::max);
        let (y0, y1) = pad(lo, hi);
        let n = values.len().max(2) as f64 - 1.0;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..n, y0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("round")
            .y_desc("forecast")
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                values.iter().enumerate().map(|(t, v)| (t as f64, *v)),
                PALETTE[0].stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                values
                    .iter()
                    .enumerate()
                    .map(|(t, v)| Circle::new((t as f64, *v), 3, PALETTE[0].filled())),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

/// The two-party utility plane: outcomes, frontier, Nash/KS points, BATNAs and the trace.
pub fn plane(p: &Plane) -> String {
    let mut buf = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.02..1.02, -0.02..1.02)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc(format!("utility of {}", p.parties.0))
            .y_desc(format!("utility of {}", p.parties.1))
            .draw()
            .map_err(|e| e.to_string())?;
        let grey = RGBColor(200, 200, 200);
        chart
            .draw_series(
                p.outcomes
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 1, grey.filled())),
            )
            .map_err(|e| e.to_string())?;
        let (bx, by) = p.batnas;
        chart
            .draw_series(LineSeries::new(
                vec![(bx, -0.02), (bx, 1.02)],
                RED.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?
            .label("BATNAs")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED));
        chart
            .draw_series(LineSeries::new(
                vec![(-0.02, by), (1.02, by)],
                RED.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                p.frontier.iter().copied(),
                PALETTE[0].stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label("Pareto frontier")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[0].stroke_width(2))
            });
        let colours = [PALETTE[2], PALETTE[3], PALETTE[4]];
        for who in 0..3u8 {
            let pts: Vec<(f64, f64)> = p
                .trace
                .iter()
                .filter(|t| t.0 == who)
                .map(|t| (t.1, t.2))
                .collect();
            if pts.is_empty() {
                continue;
            }
            let c = colours[who as usize];
            let name = match who {
                0 => format!("offers by {}", p.parties.0),
                1 => format!("offers by {}", p.parties.1),
                _ => "mediator proposals".to_string(),
            };
            chart
                .draw_series(
                    pts.iter()
                        .map(|&(x, y)| TriangleMarker::new((x, y), 5, c.filled())),
                )
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| TriangleMarker::new((x + 8, y), 5, c.filled()));
        }
        for (pt, name, c) in [
            (p.nash, "Nash", BLACK),
            (p.ks, "Kalai–Smorodinsky", PALETTE[1]),
            (p.agreement, "agreement", PALETTE[4]),
        ] {
            if let Some((x, y)) = pt {
                chart
                    .draw_series(std::iter::once(Cross::new((x, y), 7, c.stroke_width(3))))
                    .map_err(|e| e.to_string())?
                    .label(name)
                    .legend(move |(x, y)| Cross::new((x + 8, y), 5, c.stroke_width(2)));
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerLeft)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}

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
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..n, 0.0..1.0)
            .map_err(|e| e.to_string())?;
        let names = classes.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("probability")
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
            let c = PALETTE[v % PALETTE.len()];
            for (k, (_, p, lo, hi)) in var.classes.iter().enumerate() {
                let x0 = k as f64 + 0.15 + v as f64 * w;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x0 + w * 0.9, *p)],
                        c.mix(0.8).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
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

/// Tornado: each input's effect on P(deal) (bars) and P(breakdown) (thin bars), largest first.
pub fn tornado(rows: &[TornadoRow]) -> String {
    let mut buf = String::new();
    let h = 40 + 26 * rows.len() as u32;
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut buf, (W + 160, h.max(120))).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let lim = rows
            .iter()
            .map(|r| r.delta_p_deal.abs().max(r.delta_p_breakdown.abs()))
            .fold(0.01, f64::max)
            * 1.1;
        let n = rows.len().max(1) as f64;
        let labels: Vec<String> = rows.iter().map(|r| r.input.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(300)
            .build_cartesian_2d(-lim..lim, 0.0..n)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("change in probability (input high − input low)")
            .y_labels(rows.len() * 2 + 1)
            .y_label_formatter(&|y| {
                let k = (n - y - 0.5).round();
                if (n - y - 0.5 - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len() {
                    labels[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, r) in rows.iter().enumerate() {
            let y = n - k as f64 - 1.0;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.45), (r.delta_p_deal, y + 0.85)],
                    PALETTE[0].filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.15), (r.delta_p_breakdown, y + 0.45)],
                    PALETTE[1].mix(0.7).filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    })();
    finish(buf, r)
}
