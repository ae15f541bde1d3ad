//! detente side of bench/negotiate.sh: times the same tasks as bench/negotiate_negmas.py and
//! prints one JSON object.
//!
//! Usage: negotiate_bench GENIUS_DIR GEN_DIR REPS [--only million|parties]

use std::path::Path;
use std::time::Instant;

use detente_core::import::genius::load_folder;
use detente_negotiate::analysis::{analyze, pareto_frontier};
use detente_negotiate::preferences::stream_utilities;
use detente_negotiate::protocol::{Protocol, Sao};
use detente_negotiate::strategy::{Strategy, TimeDependent};
use detente_negotiate::{AdditiveUtility, Domain, Issue, OutcomeSpace};
use serde_json::{json, Value};

const DOMAINS: &[&str] = &[
    "LaptopA",
    "RentalHouseC",
    "IntegerDomain",
    "ItexvsCypress",
    "EnglandZimbabwe",
    "AmsterdamB",
    "SmartPhone",
    "Travel",
];

/// Median seconds per call over `reps` samples. Calls under 1 ms are timed in batches of as
/// many calls as fit in about 1 ms (per-call time = batch time / batch size), so that timer
/// overhead does not dominate microsecond tasks.
fn median<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let t = Instant::now();
    let first = std::hint::black_box(f());
    let once = t.elapsed().as_secs_f64();
    let batch = if once < 1e-3 {
        ((1e-3 / once.max(1e-9)).ceil() as usize).clamp(1, 100_000)
    } else {
        1
    };
    let mut times = Vec::new();
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(f());
        }
        times.push(t.elapsed().as_secs_f64() / batch as f64);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (times[times.len() / 2], first)
}

/// Pareto frontier (rational outcomes) + Nash point, from the utility functions.
fn pareto_nash(d: &Domain) -> usize {
    let cols = d.utility_columns();
    let res: Vec<f64> = d.utilities.iter().map(|u| u.reservation).collect();
    let front = pareto_frontier(&cols, Some(&res));
    let dis: Vec<f64> = cols
        .iter()
        .zip(&res)
        .map(|(c, r)| c.iter().copied().fold(f64::INFINITY, f64::min).max(*r))
        .collect();
    let nash = front
        .iter()
        .map(|p| {
            p.utilities
                .iter()
                .zip(&dis)
                .map(|(u, d)| u - d)
                .product::<f64>()
        })
        .fold(f64::NEG_INFINITY, f64::max);
    std::hint::black_box(nash);
    front.len()
}

fn generated(path: &Path) -> Domain {
    let g: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let ni = g["n_issues"].as_u64().unwrap() as usize;
    let nv = g["n_values"].as_u64().unwrap() as usize;
    let issues = (0..ni)
        .map(|k| Issue::discrete(format!("i{k}"), (0..nv).map(|v| v.to_string()).collect()))
        .collect();
    let space = OutcomeSpace::new(issues).unwrap();
    let ws = g["weights"].as_array().unwrap();
    let ts = g["tables"].as_array().unwrap();
    let utilities: Vec<AdditiveUtility> = ws
        .iter()
        .zip(ts)
        .map(|(w, t)| {
            let w = w
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            let t = t
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    row.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap())
                        .collect()
                })
                .collect();
            AdditiveUtility::new(w, t)
        })
        .collect();
    let names = (0..utilities.len()).map(|k| format!("p{k}")).collect();
    Domain::new(space, names, utilities).unwrap()
}

/// Two-party frontier of a large domain: stream utilities into two columns, prefilter, one sort.
fn million(d: &Domain) -> usize {
    let n = d.space.cardinality() as usize;
    let mut cols = Vec::new();
    for u in &d.utilities {
        let mut c = Vec::with_capacity(n);
        stream_utilities(&u.tables(), |x| c.push(x));
        cols.push(c);
    }
    pareto_frontier(&cols, Some(&[0.0, 0.0])).len()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = Path::new(&args[1]);
    let gen = Path::new(&args[2]);
    let reps: usize = args[3].parse().unwrap();
    let only = args.get(5).map(String::as_str);
    let mut out = json!({});
    if only.is_none() {
        let mut pn = json!({});
        for name in DOMAINS {
            let (g, _) = load_folder(&data.join(name)).unwrap();
            let d = Domain::from_genius(&g).unwrap();
            let (t, size) = median(reps, || pareto_nash(&d));
            let (ta, a) = median(reps, || analyze(&d));
            pn[name] = json!({"median_s": t, "pareto_size": size, "full_analysis_s": ta,
                              "outcomes": a.outcomes});
            eprintln!(
                "detente pareto+nash {name}: {:.4} ms (full analysis {:.4} ms)",
                t * 1e3,
                ta * 1e3
            );
        }
        out["pareto_nash"] = pn;
        let mut sao = json!({});
        for name in ["LaptopA", "ItexvsCypress"] {
            let (g, _) = load_folder(&data.join(name)).unwrap();
            let d = Domain::from_genius(&g).unwrap();
            let (t, s) = median(reps, || {
                let mut p: Vec<Box<dyn Strategy>> = vec![
                    Box::new(TimeDependent::boulware()),
                    Box::new(TimeDependent::conceder()),
                ];
                Sao::new(100).run(&d, &mut p)
            });
            sao[name] = json!({"median_s": t, "steps": s.rounds, "agreement": s.agreement.is_some(),
                               "utilities": s.utilities});
            eprintln!("detente sao {name}: {:.4} ms, {} rounds", t * 1e3, s.rounds);
        }
        out["sao"] = sao;
    }
    if only.is_none() || only == Some("million") {
        let d = generated(&gen.join("gen_million.json"));
        let (t, size) = median(reps, || million(&d));
        out["million"] =
            json!({"outcomes": d.space.cardinality(), "median_s": t, "pareto_size": size});
        eprintln!("detente 1M pareto: {:.4} s ({size} points)", t);
    }
    if only.is_none() || only == Some("parties") {
        let mut mp = json!({});
        for nv in [10, 20] {
            let d = generated(&gen.join(format!("gen_parties_{nv}.json")));
            let (t, size) = median(reps.min(3), || {
                let cols = d.utility_columns();
                pareto_frontier(&cols, Some(&vec![0.0; d.n_parties()])).len()
            });
            mp[(nv * nv * nv).to_string()] = json!({"parties": d.n_parties(), "outcomes": d.space.cardinality(),
                                                   "median_s": t, "pareto_size": size});
            eprintln!(
                "detente 100-party pareto {} outcomes: {:.4} s ({size} points)",
                nv * nv * nv,
                t
            );
        }
        out["many_parties"] = mp;
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
