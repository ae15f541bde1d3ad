//! `detente report`: the summary, the round-by-round and breakdown-cause sections, the
//! calibrated column, inputs in words, the settled package, events, glossary and sources, and
//! the backtest page (`--backtest`), all self-contained.

mod common;

use common::{copy_cases, detente};

/// Nothing on the page is fetched: no links, no external resources, at most one script and
/// that one inline (the report's own: actor toggles and tooltips), loading nothing. The SVG
/// namespace is a name, not a resource.
fn assert_self_contained(html: &str) {
    let h = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    // In-page links (the summary's link to the calibration caveat) load nothing.
    let h = h.replace("<a href=\"#", "<a ");
    assert!(h.matches("<script").count() <= 1, "one script at most");
    assert_eq!(
        h.matches("<script").count(),
        h.matches("<script>").count(),
        "inline"
    );
    if let Some((_, rest)) = h.split_once("<script>") {
        let script = rest.split("</script>").next().unwrap_or_default();
        for bad in [
            "fetch",
            "XMLHttpRequest",
            "import",
            "eval",
            "innerHTML",
            "http",
        ] {
            assert!(!script.contains(bad), "the script uses {bad}");
        }
    }
    for bad in [
        "<link", "<img", "<iframe", "src=", "href=", "url(", "@import",
    ] {
        assert!(!h.contains(bad), "found {bad}");
    }
    assert!(!h.contains("chart could not be drawn"));
}

#[test]
fn the_scenario_report_shows_rounds_causes_and_calibrated_odds() {
    let dir = tempfile::tempdir().expect("tmp");
    let html = dir.path().join("r.html");
    let h = html.to_str().expect("utf8");
    detente()
        .args([
            "report",
            "-o",
            h,
            "--runs",
            "300",
            "--sensitivity-runs",
            "0",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).expect("read");
    assert_self_contained(&text);
    for section in [
        "<h2>How does it end?</h2>",
        "<h2>How the talks end, round by round</h2>",
        "<h2>Why talks broke down</h2>",
    ] {
        assert!(text.contains(section), "{section}");
    }
    assert!(text.contains("<th>calibrated</th>"));
    // Causes carry the scenario's names, not raw ids.
    assert!(text.contains("escalation by United States") || text.contains("walk-out by"));
    assert!(!text.contains("escalation:usa"));
    // outcomes, round by round, causes, positions (8 issues), trajectories, plane
    assert!(text.matches("<svg").count() >= 12);
    // The bargaining space: both parties' offers and the mediator's proposals, each different
    // package once with the rounds it was made in, its package issue by issue, and the offers
    // that cross the other side's red lines drawn too.
    for side in [
        ">offers by Iran: ",
        ">offers by United States: ",
        ">proposals by Oman (mediator): ",
    ] {
        assert!(text.contains(side), "{side}");
    }
    let offers: Vec<&str> = text
        .split("<title>Offer by ")
        .skip(1)
        .map(|t| t.split("</title>").next().unwrap_or_default())
        .collect();
    assert!(
        offers.iter().any(|t| t.contains(" in rounds ")),
        "a repeated offer"
    );
    assert!(offers.iter().all(|t| t.contains("\nEnrichment level: ")));
    assert!(
        offers.iter().any(|t| t.contains("% U-235")),
        "with the unit"
    );
    assert!(offers
        .iter()
        .any(|t| t.contains("crosses a red line of United States")));

    let md = dir.path().join("r.md");
    detente()
        .args(["report", "-o", md.to_str().expect("utf8"), "--format", "md"])
        .args(["--runs", "100", "--sensitivity-runs", "0"])
        .assert()
        .success();
    let md = std::fs::read_to_string(&md).expect("read");
    assert!(md.contains("## How the talks end, round by round"));
    assert!(md.contains("| round | deal | interim | stalemate | breakdown | still negotiating |"));
    assert!(md.contains("## Why talks broke down"));
    assert!(md.contains(" calibrated |"));
}

#[test]
fn the_backtest_page_scores_the_cases() {
    let cases = copy_cases(&["dayton-1995", "hanoi-2019"]);
    let dir = tempfile::tempdir().expect("tmp");
    let html = dir.path().join("b.html");
    detente()
        .args(["report", "--backtest"])
        .arg(cases.path())
        .args(["-o", html.to_str().expect("utf8"), "--runs", "60"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).expect("read");
    assert_self_contained(&text);
    for s in [
        "<h2>How good are the forecasts?</h2>",
        "<h2>Are the probabilities calibrated?</h2>",
        "<h2>Case by case</h2>",
        "<h2>Where the issues settled</h2>",
        "detente (out of sample)",
        "uniform",
        "dayton-1995",
        "hanoi-2019",
    ] {
        assert!(text.contains(s), "{s}");
    }
    // Reliability, cases, issue errors; no scenario sections.
    assert_eq!(text.matches("<svg").count(), 3);
    assert!(!text.contains("How does it end?"));

    let md = dir.path().join("b.md");
    detente()
        .args(["report", "--backtest"])
        .arg(cases.path())
        .args([
            "-o",
            md.to_str().expect("utf8"),
            "--format",
            "md",
            "--runs",
            "60",
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&md).expect("read");
    for s in [
        "## Scores",
        "## Reliability",
        "## Cases",
        "## Settled issues",
    ] {
        assert!(md.contains(s), "{s}");
    }
}

#[test]
fn backtest_takes_no_scenario_and_params_need_backtest() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("x.html");
    let o = out.to_str().expect("utf8");
    detente()
        .args(["report", "muscat", "--backtest", "cases", "-o", o])
        .assert()
        .failure();
    detente()
        .args(["report", "--params", "cal.toml", "-o", o])
        .assert()
        .failure();
    assert!(!out.exists());
}

/// The summary opens the page: the most likely outcome with its share and calibrated
/// probability, the package, the three inputs that move the odds (in words), and the what-if
/// that flips the answer.
#[test]
fn the_report_opens_with_a_summary_in_words() {
    let dir = tempfile::tempdir().expect("tmp");
    let overlay = dir.path().join("strike.toml");
    std::fs::write(
        &overlay,
        "[[events]]\nid = \"military_strike\"\nround = 1\nprobability = 1.0\n",
    )
    .expect("write");
    let html = dir.path().join("r.html");
    detente()
        .args(["report", "-o", html.to_str().expect("utf8")])
        .args(["--runs", "200", "--sensitivity-runs", "20", "--compare"])
        .arg(&overlay)
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).expect("read");
    assert_self_contained(&text);
    let start = text.find("<section class=\"summary\"").expect("summary");
    let end = text[start..].find("</section>").expect("end") + start;
    let summary = &text[start..end];
    assert!(start < text.find("<h2>How does it end?</h2>").expect("outcomes"));
    for s in [
        "<h3>Most likely outcome</h3>",
        "simulated futures",
        "share of simulated futures",
        "Calibrated probability:",
        "href=\"#calibration\"",
        "<h3>Most likely package</h3>",
        "Enrichment level",
        "<h3>What moves the odds most</h3>",
        "<h3>What would tip it</h3>",
        "flips the most likely outcome",
        "<b>breakdown</b>",
    ] {
        assert!(summary.contains(s), "{s}");
    }
    assert_eq!(summary.matches("<li>").count(), 3, "three inputs");
    assert!(!summary.contains("<b>actors."), "inputs in words");
    assert!(!summary.contains("<b>events."), "inputs in words");
    // The tornado's labels are names, never raw paths.
    let tornado = &text[text.find("<h2>What moves the odds</h2>").expect("tornado")..];
    let svg = &tornado[..tornado.find("</svg>").expect("svg")];
    assert!(!svg.contains("\nactors.") && !svg.contains("\nevents."));
    assert!(!svg.contains("\n-0\n") && !svg.contains("-0.0"));
    for s in [
        "<h2>The settled package</h2>",
        "<h2>Events</h2>",
        "Netanyahu visit",
        "United States salience of agenda scope +0.1",
        "ends the talks in breakdown",
        "<h2>Glossary</h2>",
        "Kalai–Smorodinsky",
        "(local copy: seeds/000_fd43804848db53ca.txt)",
        "models disagree",
    ] {
        assert!(text.contains(s), "{s}");
    }
    // Without --compare the summary says no what-if was run.
    let plain = dir.path().join("p.html");
    detente()
        .args(["report", "-o", plain.to_str().expect("utf8")])
        .args(["--runs", "50", "--sensitivity-runs", "0"])
        .assert()
        .success();
    let plain = std::fs::read_to_string(&plain).expect("read");
    assert!(plain.contains("No what-if was run"));
    assert!(plain.contains("The sensitivity analysis was not run."));
}
