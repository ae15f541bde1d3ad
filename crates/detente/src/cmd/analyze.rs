//! `detente analyze [FILE]`: exact analysis of a negotiation: Pareto frontier, Nash,
//! Kalai–Smorodinsky, utilitarian and egalitarian points, ZOPA and logrolls.
//!
//! A GENIUS folder (or domain file + `--profile`) is analysed under GENIUS's own convention
//! (the numbers NegMAS reports for GENIUS-normalised domains); any other input is loaded as a
//! scenario and turned into a negotiation problem (see `detente_negotiate::scenario`).

use std::path::Path;
use std::process::ExitCode;

use detente_core::import::genius::{load_files, load_folder};
use detente_core::{format_number, Scenario};
use detente_negotiate::analysis::{analyze, Analysis, Point};
use detente_negotiate::scenario::{RunSpec, ScenarioProblem};
use detente_negotiate::{Domain, OutcomeId};
use serde_json::{json, Map, Value};

use crate::cli::CmdResult;
use crate::load::{guess, From, Loaded, Source};
use crate::render::{print_json, print_text, table, CliError};

/// Arguments of `detente analyze`.
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
    Ok(Loaded {
        scenario: g.to_scenario(),
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
        let mut defaults = RunSpec::defaults_for(&Scenario::default(), n);
        defaults.rounds = 100;
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
    pub fn outcome_json(&self, o: OutcomeId) -> Value {
        let mut m = Map::new();
        for (k, (_, label)) in self.domain.space.labels(o).into_iter().enumerate() {
            m.insert(self.issue_ids[k].clone(), json!(label));
        }
        Value::Object(m)
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
            let opts = p.domain.space.issues();
            json!({
                "parties": [p.party_ids[l.a], p.party_ids[l.b]],
                "gives": {
                    p.party_ids[l.a].clone(): {"issue": ib, "to": p.party_ids[l.b]},
                    p.party_ids[l.b].clone(): {"issue": ia, "to": p.party_ids[l.a]},
                },
                "trade": {ia.clone(): opts[l.issue_a].options[l.option_a], ib.clone(): opts[l.issue_b].options[l.option_b]},
                "package": p.outcome_json(l.package),
                "gains": {p.party_ids[l.a].clone(): l.gain_a, p.party_ids[l.b].clone(): l.gain_b},
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

fn fmt_u(p: &Problem, u: &[f64]) -> String {
    p.party_ids
        .iter()
        .zip(u)
        .map(|(id, x)| format!("{id} {}", format_number(*x)))
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
        row.extend(pt.utilities.iter().map(|u| format_number(*u)));
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
                    "{} +{}, {} +{}",
                    p.party_ids[r.a],
                    format_number(r.gain_a),
                    p.party_ids[r.b],
                    format_number(r.gain_b)
                ),
            ]);
        }
        print_text("Logrolls:");
        print_text(&l.to_string());
    }
    Ok(ExitCode::SUCCESS)
}
