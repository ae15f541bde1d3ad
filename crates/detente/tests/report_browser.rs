//! The Muscat report as a reader sees it: rendered by headless Chromium at 1280 px, no table
//! wider than its container, no sideways scrolling, every chart a figure with a legend; the
//! page's script works (a legend entry hides and shows its actor's marks in every chart, by
//! mouse and keyboard; a mark shows its package in a tooltip on focus and hover) and changes
//! nothing in print. Keeps screenshots (1280 px, the plane with an actor hidden and a tooltip
//! open, print media at A4 width, and the A4 PDF) in `target/screenshots/`.
//!
//! Needs Debian's `/usr/bin/chromium`; without it the test says so and passes (CI installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::detente;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Run in the page after the report's own script: what its interactivity does, on screen.
/// Problems and facts go to `window.detenteProblems` and `window.detenteFacts`.
const INTERACT: &str = r#"<script>
(function () {
  var P = window.detenteProblems = [], F = window.detenteFacts = [];
  var d = document, all = function (s) { return Array.prototype.slice.call(d.querySelectorAll(s)); };
  if (!d.documentElement.classList.contains('js')) { P.push('the report script did not run'); return; }
  var shown = function (e) { return e.getClientRects().length > 0; };
  var marks = function (a) { return all('svg .mk').filter(function (g) { return g.getAttribute('data-actor') === a; }); };
  var charts = function (a) {
    var set = new Set();
    marks(a).filter(shown).forEach(function (g) { set.add(g.closest('figure')); });
    return set.size;
  };
  // 1. The actor with marks in the most charts: a click hides them all, Enter shows them again.
  var entries = all('.legend [data-actor]');
  if (!entries.length) { P.push('no legend entry names an actor'); return; }
  var best = entries[0], most = 0;
  entries.forEach(function (e) { var n = charts(e.getAttribute('data-actor')); if (n > most) { most = n; best = e; } });
  var a = best.getAttribute('data-actor');
  var other = entries.map(function (e) { return e.getAttribute('data-actor'); })
    .filter(function (x) { return x !== a && charts(x) > 0; })[0];
  if (most < 2) P.push('no actor has marks in two charts: ' + a + ' in ' + most);
  if (best.getAttribute('role') !== 'button' || best.tabIndex !== 0) P.push('a legend entry is not a keyboard button');
  var before = marks(a).filter(shown).length;
  best.click();
  var left = marks(a).filter(shown).length;
  if (left > 0) P.push('after a click on ' + a + ': ' + left + ' of its marks still shown');
  if (all('svg [data-actor]').some(function (e) { return e.getAttribute('data-actor') === a && shown(e) && e.tagName !== 'tspan'; }))
    P.push('a label or line of ' + a + ' still shown');
  if (entries.some(function (e) { return e.getAttribute('data-actor') === a && e.getAttribute('aria-pressed') !== 'false'; }))
    P.push('a legend entry of ' + a + ' does not say it is off');
  if (!other || charts(other) === 0) P.push('hiding ' + a + ' hid every other actor too');
  // A label shared with another actor reads without the hidden name or a stray comma.
  all('svg text.lbl').forEach(function (t) {
    var text = Array.prototype.map.call(t.children, function (s) {
      return getComputedStyle(s).display === 'none' ? '' : s.textContent;
    }).join('');
    if (/^, |, $|, , /.test(text) || text.split(', ').indexOf(a) >= 0) P.push('a shared label reads "' + text + '"');
  });
  F.push('click hid ' + before + ' marks of ' + a + ' in ' + most + ' charts');
  best.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  if (charts(a) !== most || marks(a).filter(shown).length !== before) P.push('Enter did not show ' + a + ' again');
  else F.push('Enter showed ' + a + ' again');
  // 2. An offer in the bargaining plane: focus shows its package, Escape closes it.
  var tip = d.getElementById('tip');
  var offer = all('svg .mk').filter(function (g) { return /^Offer by/.test(g.getAttribute('data-tip') || ''); })[0];
  var issues = all('.grid figure h3').map(function (h) { return h.textContent + ': '; });
  if (!tip || !offer) { P.push('no tooltip or no offer mark'); return; }
  if (offer.tabIndex !== 0) P.push('an offer mark cannot take the keyboard focus');
  offer.focus();
  var r = tip.getBoundingClientRect();
  if (tip.hidden || !shown(tip)) P.push('focus on an offer shows no tooltip');
  else if (!issues.some(function (i) { return tip.textContent.indexOf(i) >= 0; })) P.push('the tooltip shows no package: ' + tip.textContent);
  else if (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) P.push('the tooltip runs off the window');
  else F.push('tooltip: ' + tip.textContent.slice(0, 60));
  d.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  if (shown(tip)) P.push('Escape leaves the tooltip open');
  offer.blur();
  // Hover on an actor's dot: its position on every issue.
  var dot = all('svg .mk').filter(function (g) { return /Its position on every issue/.test(g.getAttribute('data-tip') || ''); })[0];
  if (!dot) P.push('no position dot with a tooltip');
  else {
    dot.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    if (!shown(tip) || tip.textContent.indexOf('Its position on every issue') < 0) P.push('hover on a dot shows no tooltip');
    else F.push('hover on a dot shows its positions');
    dot.dispatchEvent(new MouseEvent('mouseout', { bubbles: true }));
    if (shown(tip)) P.push('the tooltip stays after the mouse leaves');
  }
})();
</script>"#;

/// The same page in print: hiding an actor changes nothing, no tooltip, no hint.
const INTERACT_PRINT: &str = r#"<script>
(function () {
  var P = window.detenteProblems = [], F = window.detenteFacts = [];
  var d = document, e = d.querySelector('.legend [data-actor]');
  if (!e) { P.push('no legend entry names an actor'); return; }
  var a = e.getAttribute('data-actor');
  e.click();
  var hidden = Array.prototype.filter.call(d.querySelectorAll('svg [data-actor]'), function (m) {
    return m.getAttribute('data-actor') === a && getComputedStyle(m).display === 'none';
  }).length;
  if (hidden) P.push('in print, hiding ' + a + ' hid ' + hidden + ' marks');
  Array.prototype.forEach.call(d.querySelectorAll('.js-only, #tip'), function (m) {
    if (getComputedStyle(m).display !== 'none') P.push('in print, shown: ' + (m.id || m.className));
  });
  F.push('print keeps every mark of ' + a);
})();
</script>"#;

/// Run in the page after layout: the checks, as JSON in `<pre id="detente-check">`.
const CHECK: &str = r#"<script>
(function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var problems = (window.detenteProblems || []).slice();
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
    charts: charts.length, problems: problems, facts: window.detenteFacts || []
  }) + ':END' + '_CHECK';
  document.body.appendChild(out);
})();
</script>"#;

/// For the screenshot of the interactivity: the bargaining space alone, one actor hidden by
/// its legend entry, an offer's tooltip open by keyboard focus.
const SHOW_INTERACTION: &str = r#"<script>
(function () {
  var d = document;
  var h = Array.prototype.filter.call(d.querySelectorAll('h2'), function (x) { return /bargaining space/.test(x.textContent); })[0];
  var n = h.parentElement;
  while (n.previousElementSibling) { n = n.previousElementSibling; n.style.display = 'none'; }
  d.querySelector('.legend [data-actor="usa"]').click();
  var offers = Array.prototype.filter.call(d.querySelectorAll('svg .mk'), function (g) { return /^Offer by/.test(g.getAttribute('data-tip') || ''); });
  offers[Math.floor(offers.length / 2)].focus({ preventScroll: true });
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
    facts: Vec<String>,
}

/// Loads `html` with `before` (interaction checks) and the layout checks injected at `width`
/// px and returns what they found.
fn check(dir: &Path, html: &str, before: &str, width: u32, name: &str) -> Check {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(
        &page,
        html.replace("</body>", &format!("{before}{CHECK}</body>")),
    )
    .expect("write");
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
    let strings = |k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Check {
        height: v["height"].as_u64().unwrap_or(0),
        tables: v["tables"].as_u64().unwrap_or(0),
        charts: v["charts"].as_u64().unwrap_or(0),
        problems: strings("problems"),
        facts: strings("facts"),
    }
}

/// The page as print media lays it out, in a screen window: print rules on, screen rules off.
fn as_print(html: &str) -> String {
    html.replace("@media print{", "@media all{")
        .replace("@media screen{", "@media not all{")
}

#[test]
fn the_muscat_report_fits_1280_px_and_every_chart_has_a_legend() {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var_os("DETENTE_REQUIRE_BROWSER").is_none(),
            "{CHROMIUM} is missing but DETENTE_REQUIRE_BROWSER is set"
        );
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

    let c = check(dir.path(), &html, INTERACT, 1280, "screen");
    assert!(c.problems.is_empty(), "at 1280 px: {:#?}", c.problems);
    // The script did what it is for (the checks record each step that worked).
    for fact in [
        "click hid",
        "Enter showed",
        "tooltip: Offer by",
        "hover on a dot",
    ] {
        assert!(
            c.facts.iter().any(|f| f.starts_with(fact)),
            "{fact}: {:#?}",
            c.facts
        );
    }
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
    let b = check(dir.path(), &broken, "", 1280, "broken");
    assert!(
        b.problems
            .iter()
            .any(|p| p.starts_with("table wider than its container"))
            && b.problems
                .iter()
                .any(|p| p.starts_with("chart without a legend")),
        "{b:?}"
    );

    // And they catch a page whose script does not run.
    let k = html.find("<script>").expect("the report's script");
    let scriptless = format!("{}</body></html>\n", &html[..k]);
    let n = check(dir.path(), &scriptless, INTERACT, 1280, "scriptless");
    assert_eq!(n.problems, ["the report script did not run"], "{n:?}");
    // Without it the page still reads: the same layout, and every mark keeps its tooltip as
    // an SVG title.
    let n = check(dir.path(), &scriptless, "", 1280, "scriptless-layout");
    assert!(
        n.problems.is_empty(),
        "without the script: {:#?}",
        n.problems
    );
    assert_eq!(n.charts, c.charts);
    let marks: Vec<&str> = scriptless.split("<g class=\"mk\"").skip(1).collect();
    assert!(marks.len() > 40, "{}", marks.len());
    assert!(
        marks.iter().all(|m| m
            .split("</g>")
            .next()
            .unwrap_or_default()
            .contains("<title>")),
        "every mark has its title"
    );

    // Print media at A4 width (210 mm at 96 dpi, less the page margins): the same checks, and
    // the script changes nothing there.
    let print = as_print(&html);
    let p = check(dir.path(), &print, INTERACT_PRINT, 718, "print");
    assert!(p.problems.is_empty(), "in print: {:#?}", p.problems);
    assert!(
        p.facts.iter().any(|f| f.starts_with("print keeps")),
        "{p:?}"
    );

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
    // The bargaining space with the United States hidden and an offer's tooltip open (the
    // sections above it are left out of this picture).
    let interactive = dir.path().join("interactive.html");
    std::fs::write(
        &interactive,
        html.replace("</body>", &format!("{SHOW_INTERACTION}</body>")),
    )
    .expect("write");
    shot("muscat-interactive.png", 1280, 1120, &interactive);
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
