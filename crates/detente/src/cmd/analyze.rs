//! `detente analyze [FILE]`: exact analysis of a negotiation: Pareto frontier, Nash,
//! Kalai–Smorodinsky, utilitarian and egalitarian points, ZOPA and logrolls.
//!
//! A GENIUS folder (or domain file + `--profile`) is analysed under GENIUS's own convention
//! (the numbers NegMAS reports for GENIUS-normalised domains); any other input is loaded as a
//! scenario and turned into a negotiation problem (see `detente_negotiate::scenario`).

use std::path::Path;
use std::process::ExitCode;

use detente_core::import::genius::{load_files, load_folder};
use detente_negotiate::analysis::{analyze, Analysis, Logroll, Point};
use detente_negotiate::scenario::{RunSpec, ScenarioProblem};
use detente_negotiate::{Domain, OutcomeId};
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::load::{guess, From, Loaded, Source};
use crate::render::{print_json, print_text, table, CliError};

/// `detente analyze`: the exact bargaining analysis of a negotiation between the parties,
/// from their utilities and BATNAs (reservation values) on the scenario's issues: the Pareto
/// frontier of the rational outcomes, the Nash, Kalai–Smorodinsky, utilitarian and egalitarian
/// points, the zone of possible agreement (ZOPA) and logrolls (trades of one issue for another).
/// Continuous issues are discretised into `--steps` values. No influence model and no
/// randomness: stakeholders, events and uncertainty ranges are not used.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario, or a GENIUS folder / domain file.
    #[command(flatten)]
    pub source: Source,
    /// Steps a continuous issue is discretised into (2 to 1000).
    #[arg(long, default_value_t = detente_negotiate::scenario::DEFAULT_STEPS, value_parser = crate::flags::steps)]
    pub steps: usize,
}

/// A negotiation problem ready for analysis or a session, with display ids.
pub struct Problem {
    /// The domain.
    pub domain: Domain,
    /// Party ids, in party order.
    pub party_ids: Vec<String>,
    /// Issue ids, in domain issue order.
    pub issue_ids: Vec<String>,
    /// The mediator's id (the scenario's mediator, or `mediator`).
    pub mediator_id: String,
    /// Protocol defaults of the scenario (SAO for GENIUS domains).
    pub defaults: RunSpec,
    /// What was loaded.
    pub name: String,
}

fn is_genius(src: &Source) -> Option<&Path> {
    let path = src.file.as_deref()?;
    if !path.exists() {
        return None;
    }
    let fmt = src.from.unwrap_or_else(|| {
        let bytes = if path.is_dir() {
            None
        } else {
            crate::load::read(path).ok()
        };
        guess(path, bytes.as_deref())
    });
    (fmt == From::Genius).then_some(path)
}

/// Imports a GENIUS folder (or domain file + profiles) as a scenario.
pub fn import_genius(path: &Path, profiles: &[std::path::PathBuf]) -> Result<Loaded, CliError> {
    let (g, warnings) = if path.is_dir() {
        load_folder(path)?
    } else {
        let profiles: Vec<&Path> = profiles.iter().map(|p| p.as_path()).collect();
        load_files(path, &profiles)?
    };
    if g.profiles.is_empty() {
        let name = path.display().to_string();
        let mut problems = detente_core::Problems::new();
        problems.push(detente_core::Problem::error(
            &name,
            "",
            "a GENIUS domain without profiles has no parties to import; give one --profile FILE per party, or import the folder that holds the domain and its profiles",
        ));
        return Err(CliError::Load(detente_core::LoadError::Invalid {
            file: name,
            source_text: String::new(),
            problems,
        }));
    }
    let name = path.display().to_string();
    let mut scenario = g.to_scenario();
    let mut warnings = warnings;
    warnings.push(detente_core::import::note_invented_status_quo(
        &mut scenario,
        &name,
        "GENIUS",
        "the first option",
    ));
    Ok(Loaded {
        scenario,
        warnings,
        text: String::new(),
        name: path.display().to_string(),
    })
}

fn neg_err(e: detente_negotiate::NegotiateError) -> CliError {
    CliError::Usage(e.to_string())
}

/// Loads the problem named by `src` (GENIUS directly, anything else through a scenario).
pub fn load_problem(src: &Source, steps: usize, json: bool) -> Result<Problem, CliError> {
    if let Some(path) = is_genius(src) {
        let (g, warnings) = if path.is_dir() {
            load_folder(path)?
        } else {
            let profiles: Vec<&Path> = src.profiles.iter().map(|p| p.as_path()).collect();
            load_files(path, &profiles)?
        };
        if !json {
            // Warnings come from several files: printed located, one line each.
            crate::render::print_problems(&warnings, "");
        }
        if g.profiles.is_empty() {
            return Err(CliError::Usage(format!(
                "{} has no utility profiles: nothing to analyse (give --profile files)",
                path.display()
            )));
        }
        let domain = Domain::from_genius(&g).map_err(neg_err)?;
        let n = domain.n_parties();
        // The same defaults as the scenario the domain imports into: SAO with a deadline of
        // `GENIUS_DEADLINE` offers (`genius_rounds` scenario rounds × parties).
        let defaults = RunSpec::defaults_for(&g.to_scenario(), n);
        return Ok(Problem {
            domain,
            party_ids: g.party_ids(),
            issue_ids: g.issue_ids(),
            mediator_id: "mediator".into(),
            defaults,
            name: path.display().to_string(),
        });
    }
    let loaded: Loaded = crate::load::load(src)?;
    loaded.print_warnings(json);
    let s = &loaded.scenario;
    let prob = ScenarioProblem::from_scenario(s, steps).map_err(neg_err)?;
    let defaults = RunSpec::defaults_for(s, prob.domain.n_parties());
    Ok(Problem {
        party_ids: prob.domain.parties.clone(),
        issue_ids: prob
            .domain
            .space
            .issues()
            .iter()
            .map(|i| i.name.clone())
            .collect(),
        mediator_id: s
            .mediator()
            .map(|m| s.actors[m].id.clone())
            .unwrap_or_else(|| "mediator".into()),
        defaults,
        name: loaded.name.clone(),
        domain: prob.domain,
    })
}

impl Problem {
    /// `{issue_id: value_label}` of outcome `o`.
    /// A continuous issue's value is a number, a discrete issue's option a label.
    pub fn outcome_json(&self, o: OutcomeId) -> Value {
        let mut m = Map::new();
        for k in 0..self.issue_ids.len() {
            m.insert(
                self.issue_ids[k].clone(),
                self.option_json(k, self.domain.space.option_of(o, k)),
            );
        }
        Value::Object(m)
    }

    /// Option `option` of issue `issue`: its number on a continuous (discretised) issue, its
    /// label on a discrete one.
    pub fn option_json(&self, issue: usize, option: usize) -> Value {
        let is = &self.domain.space.issues()[issue];
        match &is.values {
            Some(values) => json!(values[option]),
            None => json!(is.options[option]),
        }
    }

    /// `{party_id: u}`.
    pub fn utilities_json(&self, u: &[f64]) -> Value {
        let mut m = Map::new();
        for (id, x) in self.party_ids.iter().zip(u) {
            m.insert(id.clone(), json!(x));
        }
        Value::Object(m)
    }

    fn point_json(&self, p: &Option<Point>) -> Value {
        match p {
            Some(p) => json!({"outcome": self.outcome_json(p.outcome),
                              "utilities": self.utilities_json(&p.utilities)}),
            None => Value::Null,
        }
    }

    /// `issue=value, …` of outcome `o`.
    pub fn outcome_text(&self, o: OutcomeId) -> String {
        self.domain
            .space
            .labels(o)
            .iter()
            .enumerate()
            .map(|(k, (_, v))| format!("{}={v}", self.issue_ids[k]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The `analyze --json` document.
pub fn analysis_json(p: &Problem, a: &Analysis) -> Value {
    let points: Vec<Value> = a
        .frontier
        .iter()
        .map(|f| {
            json!({"outcome": p.outcome_json(f.outcomes[0]),
                   "utilities": p.utilities_json(&f.utilities),
                   "outcomes_count": f.outcomes.len()})
        })
        .collect();
    let logrolls: Vec<Value> = a
        .logrolls
        .iter()
        .map(|l| {
            let (ia, ib) = (&p.issue_ids[l.issue_a], &p.issue_ids[l.issue_b]);
            json!({
                "parties": [p.party_ids[l.a], p.party_ids[l.b]],
                "gives": {
                    p.party_ids[l.a].clone(): {"issue": ib, "to": p.party_ids[l.b]},
                    p.party_ids[l.b].clone(): {"issue": ia, "to": p.party_ids[l.a]},
                },
                "trade": {ia.clone(): p.option_json(l.issue_a, l.option_a), ib.clone(): p.option_json(l.issue_b, l.option_b)},
                "package": p.outcome_json(l.package),
                // A gain is null when it is unbounded: the opposite trade crosses that party's
                // red line (listed in `opposite_crosses_red_line`), so only this trade is
                // acceptable to it.
                "gains": {p.party_ids[l.a].clone(): finite(l.gain_a), p.party_ids[l.b].clone(): finite(l.gain_b)},
                "opposite_crosses_red_line": red_line_parties(p, l),
            })
        })
        .collect();
    json!({
        "outcomes": a.outcomes,
        "pareto": {"size": a.frontier.len(), "outcomes_on_frontier": a.outcomes_on_frontier(),
                   "size_without_rationality": a.frontier_all_size, "points": points},
        "nash": p.point_json(&a.nash),
        "kalai_smorodinsky": p.point_json(&a.kalai_smorodinsky),
        "utilitarian": p.point_json(&a.utilitarian),
        "egalitarian": p.point_json(&a.egalitarian),
        "zopa": {"size": a.zopa.size, "share": a.zopa.share},
        "logrolls": logrolls,
        "disagreement": p.utilities_json(&a.disagreement),
        "reservations": p.utilities_json(&a.reservations),
        "ranges": p.party_ids.iter().zip(&a.ranges).map(|(id, r)| (id.clone(), json!(r))).collect::<Map<_, _>>(),
    })
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// `[{"party": …, "issue": …}]`: whose red line the opposite trade crosses, on which issue.
fn red_line_parties(p: &Problem, l: &Logroll) -> Value {
    let mut v = Vec::new();
    if l.red_line_a() {
        v.push(json!({"party": p.party_ids[l.a], "issue": p.issue_ids[l.issue_a]}));
    }
    if l.red_line_b() {
        v.push(json!({"party": p.party_ids[l.b], "issue": p.issue_ids[l.issue_b]}));
    }
    Value::Array(v)
}

/// A utility for people: three decimals, trailing zeros dropped (JSON keeps full precision).
pub fn utility_text(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// One party's gain from a logroll in words: a number, or why there is none.
fn gain_text(party: &str, gain: f64, issue: &str) -> String {
    if gain.is_finite() {
        format!("{party} +{}", utility_text(gain))
    } else {
        format!("{party}: the opposite trade crosses its red line on {issue}")
    }
}

fn fmt_u(p: &Problem, u: &[f64]) -> String {
    p.party_ids
        .iter()
        .zip(u)
        .map(|(id, x)| format!("{id} {}", utility_text(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the analysis.
pub fn run(a: &Args, json: bool) -> CmdResult {
    let p = load_problem(&a.source, a.steps, json)?;
    let an = analyze(&p.domain);
    if json {
        print_json(&analysis_json(&p, &an));
        return Ok(ExitCode::SUCCESS);
    }
    print_text(&format!(
        "{}: {} outcomes, {} parties; frontier {} points; ZOPA {} outcomes ({:.1}%)",
        p.name,
        an.outcomes,
        p.party_ids.len(),
        an.frontier.len(),
        an.zopa.size,
        100.0 * an.zopa.share
    ));
    let mut t = table(&["Solution", "Outcome", "Utilities"]);
    for (name, pt) in [
        ("Nash", &an.nash),
        ("Kalai–Smorodinsky", &an.kalai_smorodinsky),
        ("Utilitarian", &an.utilitarian),
        ("Egalitarian", &an.egalitarian),
    ] {
        match pt {
            Some(pt) => t.add_row(vec![
                name.to_string(),
                p.outcome_text(pt.outcome),
                fmt_u(&p, &pt.utilities),
            ]),
            None => t.add_row(vec![
                name.to_string(),
                "no rational outcome".into(),
                String::new(),
            ]),
        };
    }
    print_text(&t.to_string());
    let mut header = vec!["#"];
    header.extend(p.party_ids.iter().map(String::as_str));
    header.push("Outcome");
    let mut f = table(&header);
    let shown = an.frontier.len().min(25);
    for (k, pt) in an.frontier.iter().take(shown).enumerate() {
        let mut row = vec![(k + 1).to_string()];
        row.extend(pt.utilities.iter().map(|u| utility_text(*u)));
        row.push(p.outcome_text(pt.outcomes[0]));
        f.add_row(row);
    }
    print_text("Pareto frontier (rational outcomes):");
    print_text(&f.to_string());
    if an.frontier.len() > shown {
        print_text(&format!(
            "… {} more points (use --json)",
            an.frontier.len() - shown
        ));
    }
    if !an.logrolls.is_empty() {
        let mut l = table(&["Trade", "Gains"]);
        for r in an.logrolls.iter().take(10) {
            l.add_row(vec![
                format!(
                    "{} concedes {} to {}; {} concedes {} to {}",
                    p.party_ids[r.a],
                    p.issue_ids[r.issue_b],
                    p.party_ids[r.b],
                    p.party_ids[r.b],
                    p.issue_ids[r.issue_a],
                    p.party_ids[r.a]
                ),
                format!(
                    "{}; {}",
                    gain_text(&p.party_ids[r.a], r.gain_a, &p.issue_ids[r.issue_a]),
                    gain_text(&p.party_ids[r.b], r.gain_b, &p.issue_ids[r.issue_b]),
                ),
            ]);
        }
        print_text("Logrolls:");
        print_text(&l.to_string());
    }
    Ok(ExitCode::SUCCESS)
}
