//! The Muscat report as a reader sees it: rendered by headless Chromium at 1280 px, no table
//! wider than its container, no sideways scrolling, every chart a figure with a legend. Keeps
//! screenshots (1280 px, print media at A4 width, and the A4 PDF) in `target/screenshots/`.
//!
//! Needs Debian's `/usr/bin/chromium`; without it the test says so and passes (CI installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::detente;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Run in the page after layout: the checks, as JSON in `<pre id="detente-check">`.
const CHECK: &str = r#"<script>
(function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var problems = [];
  var tables = document.querySelectorAll('table');
  tables.forEach(function (t) {
    var box = t.parentElement.getBoundingClientRect();
    var r = t.getBoundingClientRect();
    if (t.scrollWidth > t.parentElement.clientWidth + 1 || r.right > box.right + 1) {
      var head = t.querySelector('th');
      problems.push('table wider than its container: ' + (head ? head.textContent : '?') +
        ' ' + Math.round(r.width) + ' > ' + Math.round(box.width));
    }
  });
  document.querySelectorAll('td, th').forEach(function (c) {
    if (c.scrollWidth > c.clientWidth + 1) {
      problems.push('table cell overflows: ' + c.textContent.slice(0, 40));
    }
  });
  var charts = document.querySelectorAll('figure.chart');
  charts.forEach(function (f, k) {
    var svg = f.querySelector('svg');
    var legend = f.querySelector('.legend');
    var name = (f.querySelector('h3') || f.previousElementSibling || {}).textContent || ('chart ' + k);
    if (!svg) problems.push('chart without a drawing: ' + name);
    if (!legend || legend.getBoundingClientRect().height < 8 || legend.textContent.trim() === '') {
      problems.push('chart without a legend: ' + name);
    }
    if (svg && svg.getBoundingClientRect().right > f.getBoundingClientRect().right + 1) {
      problems.push('chart wider than its figure: ' + name);
    }
  });
  document.querySelectorAll('svg').forEach(function (s) {
    if (!s.closest('figure.chart') && !s.classList.contains('hist')) problems.push('an svg outside a chart figure');
  });
  var doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push('page scrolls sideways: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
  }
  var out = document.createElement('pre');
  out.id = 'detente-check';
  out.textContent = 'DETENTE' + '_CHECK:' + JSON.stringify({
    width: doc.clientWidth, height: doc.scrollHeight, tables: tables.length,
    charts: charts.length, problems: problems
  }) + ':END' + '_CHECK';
  document.body.appendChild(out);
})();
</script>"#;

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Headless Chromium with a throwaway profile; `timeout` stops a hung browser.
fn chromium(profile: &Path, args: &[String]) -> std::process::Output {
    Command::new("timeout")
        .arg("180")
        .arg(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

fn url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().expect("path").display())
}

#[derive(Debug)]
struct Check {
    height: u64,
    tables: u64,
    charts: u64,
    problems: Vec<String>,
}

/// Loads `html` with the checks injected at `width` px and returns what they found.
fn check(dir: &Path, html: &str, width: u32, name: &str) -> Check {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html.replace("</body>", &format!("{CHECK}</body>"))).expect("write");
    let out = chromium(
        &dir.join(format!("profile-{name}")),
        &[
            format!("--window-size={width},1000"),
            "--run-all-compositor-stages-before-draw".into(),
            "--virtual-time-budget=5000".into(),
            "--dump-dom".into(),
            url(&page),
        ],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split("DETENTE_CHECK:")
        .nth(1)
        .and_then(|x| x.split(":END_CHECK").next())
        .unwrap_or_else(|| {
            panic!(
                "no check result; chromium said: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    Check {
        height: v["height"].as_u64().unwrap_or(0),
        tables: v["tables"].as_u64().unwrap_or(0),
        charts: v["charts"].as_u64().unwrap_or(0),
        problems: v["problems"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[test]
fn the_muscat_report_fits_1280_px_and_every_chart_has_a_legend() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!(
            "SKIPPED: {CHROMIUM} is missing; install Debian's chromium (apt-get install -y chromium) to run the browser test"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let overlay = dir.path().join("strike.toml");
    std::fs::write(
        &overlay,
        "[[events]]\nid = \"military_strike\"\nround = 1\nprobability = 1.0\n",
    )
    .expect("write");
    let report = dir.path().join("muscat.html");
    detente()
        .args([
            "report",
            "muscat-2026",
            "-o",
            report.to_str().expect("utf8"),
        ])
        .args(["--runs", "400", "--sensitivity-runs", "30", "--compare"])
        .arg(&overlay)
        .assert()
        .success();
    let html = std::fs::read_to_string(&report).expect("read");
    let shots = screenshots();
    std::fs::write(shots.join("muscat-report.html"), &html).expect("keep the page");

    let c = check(dir.path(), &html, 1280, "screen");
    assert!(c.problems.is_empty(), "at 1280 px: {:#?}", c.problems);
    // Outcomes, package, effects, settled package, events, actors, forecasts.
    assert!(c.tables >= 7, "{c:?}");
    assert!(c.charts >= 20, "{c:?}");
    // Every inline SVG but the settled package's mini histograms is a chart figure.
    assert_eq!(
        c.charts as usize,
        html.matches("<svg").count() - html.matches("<svg class=\"hist\"").count()
    );

    // The checks do catch a table that runs off the page and a chart without a legend.
    let long_id = "an_id_that_does_not_wrap_".repeat(12);
    let broken = html
        .replacen(
            "<h2>Events</h2>",
            &format!("<table><tr><td class=\"id\">{long_id}</td></tr></table><h2>Events</h2>"),
            1,
        )
        .replacen("<div class=\"legend\">", "<div class=\"nolegend\">", 1);
    let b = check(dir.path(), &broken, 1280, "broken");
    assert!(
        b.problems
            .iter()
            .any(|p| p.starts_with("table wider than its container"))
            && b.problems
                .iter()
                .any(|p| p.starts_with("chart without a legend")),
        "{b:?}"
    );

    // Print media at A4 width (210 mm at 96 dpi, less the page margins): the same checks.
    let print = html.replace("@media print{", "@media all{");
    let p = check(dir.path(), &print, 718, "print");
    assert!(p.problems.is_empty(), "in print: {:#?}", p.problems);

    // Screenshots to look at: the whole page at 1280 px, print media at A4 width, the A4 PDF.
    let shot = |name: &str, width: u32, height: u64, page: &Path| {
        let out = shots.join(name);
        let _ = std::fs::remove_file(&out);
        chromium(
            &dir.path().join(format!("profile-{name}")),
            &[
                format!("--window-size={width},{}", height.clamp(1000, 30_000)),
                format!("--screenshot={}", out.display()),
                url(page),
            ],
        );
        assert!(out.exists(), "{name} written");
    };
    shot("muscat-1280.png", 1280, c.height, &report);
    let print_page = dir.path().join("print-media.html");
    std::fs::write(&print_page, &print).expect("write");
    shot("muscat-print-media.png", 718, p.height, &print_page);
    let pdf = shots.join("muscat-a4.pdf");
    let _ = std::fs::remove_file(&pdf);
    chromium(
        &dir.path().join("profile-pdf"),
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            url(&report),
        ],
    );
    assert!(pdf.exists(), "PDF written");
}
