//! GENIUS XML importer: a domain file (root `<negotiation_template>`) plus one utility-space file
//! per party (root `<utility_space>`), parsed into the raw [`GeniusDomain`].
//!
//! Utilities follow GENIUS's convention: each discrete issue's evaluations are divided by that
//! issue's largest evaluation; integer issues use their linear evaluator `slope·x + offset`.
//! Weights are kept as written (a warning is given when they do not sum to 1).
//!
//! Hostile input is rejected with located problems, never a panic: custom entities are not
//! expanded, nesting deeper than [`MAX_DEPTH`] is refused, non-UTF-8 bytes and non-finite
//! numbers are errors, and a UTF-8 BOM and CRLF line ends are accepted.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::diag::{line_col, LoadError, Problem, Problems};

/// Deepest element nesting accepted in a GENIUS file.
pub const MAX_DEPTH: usize = 64;

/// Largest GENIUS file accepted, in bytes.
pub const MAX_BYTES: usize = crate::limits::MAX_INPUT_BYTES as usize;

/// Largest number of values an integer issue may have.
pub const MAX_INTEGER_VALUES: i64 = 1_000_000;

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq)]
pub enum GeniusIssueKind {
    /// A discrete issue: its values as written, in file order.
    Discrete(Vec<String>),
    /// An integer issue: every integer from `lower` to `upper` inclusive.
    Integer {
        /// Smallest value.
        lower: i64,
        /// Largest value.
        upper: i64,
    },
}

/// One issue of a GENIUS domain.
#[derive(Debug, Clone, PartialEq)]
pub struct GeniusIssue {
    /// The issue's name.
    pub name: String,
    /// The `index` attribute, when given.
    pub index: Option<i64>,
    /// Its values.
    pub kind: GeniusIssueKind,
}

impl GeniusIssue {
    /// Number of values the issue can take.
    pub fn len(&self) -> usize {
        match &self.kind {
            GeniusIssueKind::Discrete(v) => v.len(),
            GeniusIssueKind::Integer { lower, upper } => (upper - lower + 1).max(0) as usize,
        }
    }

    /// True when the issue has no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Label of the value at position `i` (the value as written, or the integer).
    pub fn label(&self, i: usize) -> String {
        match &self.kind {
            GeniusIssueKind::Discrete(v) => v.get(i).cloned().unwrap_or_default(),
            GeniusIssueKind::Integer { lower, .. } => (lower + i as i64).to_string(),
        }
    }
}

/// How one profile evaluates one issue.
#[derive(Debug, Clone, PartialEq)]
pub enum GeniusEvaluation {
    /// Per-value evaluations as written, in the domain's value order.
    Discrete(Vec<f64>),
    /// Linear evaluator of an integer issue: `slope·x + offset`.
    Linear {
        /// Slope.
        slope: f64,
        /// Offset.
        offset: f64,
    },
}

/// One party's utility space (a profile file).
#[derive(Debug, Clone, PartialEq)]
pub struct GeniusProfile {
    /// File name of the profile.
    pub file: String,
    /// Weight of each domain issue, as written.
    pub weights: Vec<f64>,
    /// Evaluation of each domain issue.
    pub evaluations: Vec<GeniusEvaluation>,
    /// `<reservation value>`, when given.
    pub reservation: Option<f64>,
    /// `<discount_factor value>`, when given.
    pub discount: Option<f64>,
}

impl GeniusProfile {
    /// Reservation value, 0 when the file gives none.
    pub fn reservation_or_zero(&self) -> f64 {
        self.reservation.unwrap_or(0.0)
    }

    /// Per-issue, per-value utilities under GENIUS's convention (before weighting).
    pub fn normalized_evaluations(&self, issues: &[GeniusIssue]) -> Vec<Vec<f64>> {
        self.evaluations
            .iter()
            .zip(issues)
            .map(|(ev, issue)| match ev {
                GeniusEvaluation::Discrete(v) => {
                    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    if max > 0.0 && max.is_finite() {
                        v.iter().map(|e| e / max).collect()
                    } else {
                        v.clone()
                    }
                }
                GeniusEvaluation::Linear { slope, offset } => {
                    let lower = match issue.kind {
                        GeniusIssueKind::Integer { lower, .. } => lower,
                        GeniusIssueKind::Discrete(_) => 0,
                    };
                    (0..issue.len())
                        .map(|i| slope * (lower + i as i64) as f64 + offset)
                        .collect()
                }
            })
            .collect()
    }
}

/// A GENIUS domain with its profiles, as the files give them.
#[derive(Debug, Clone, PartialEq)]
pub struct GeniusDomain {
    /// File name of the domain file.
    pub domain_file: String,
    /// The issues, in file order.
    pub issues: Vec<GeniusIssue>,
    /// One profile per party, in party order (profile file names sorted).
    pub profiles: Vec<GeniusProfile>,
}

impl GeniusDomain {
    /// Size of the Cartesian product of all issues' values.
    pub fn outcome_count(&self) -> u128 {
        self.issues.iter().map(|i| i.len() as u128).product()
    }

    /// File names of the profiles, in party order.
    pub fn profile_files(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.file.as_str()).collect()
    }
}

/// A scenario id from free text: letters, digits, `_` and `-` kept, anything else becomes `_`.
pub fn to_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "x".to_string()
    } else {
        id
    }
}

/// Makes `id` unique among `taken` by appending `_2`, `_3`, ….
fn unique(id: String, taken: &mut Vec<String>) -> String {
    let mut out = id.clone();
    let mut k = 2;
    while taken.contains(&out) {
        out = format!("{id}_{k}");
        k += 1;
    }
    taken.push(out.clone());
    out
}

impl GeniusDomain {
    /// Scenario ids of the issues (as [`GeniusDomain::to_scenario`] gives them), in order.
    pub fn issue_ids(&self) -> Vec<String> {
        let mut taken = Vec::new();
        self.issues
            .iter()
            .map(|i| unique(to_id(&i.name), &mut taken))
            .collect()
    }

    /// Scenario ids of the parties (from profile file names), in party order.
    pub fn party_ids(&self) -> Vec<String> {
        let mut taken = Vec::new();
        self.profiles
            .iter()
            .map(|p| {
                let stem = p.file.rsplit_once('.').map(|(s, _)| s).unwrap_or(&p.file);
                unique(to_id(stem), &mut taken)
            })
            .collect()
    }

    /// Converts to a detente scenario: each issue discrete (integer issues get options
    /// `lower..=upper`), each profile a party (capability 1) with one stance per issue:
    /// salience = weight as written, shape = table of GENIUS-normalised evaluations by option
    /// index, position = index of the best option; batna = reservation, discount = discount
    /// factor (when in (0, 1]). Party ids come from profile file names.
    pub fn to_scenario(&self) -> crate::model::Scenario {
        use crate::model::{Actor, Issue, Meta, Param, Role, Scenario, Shape, Stance};
        let mut taken = Vec::new();
        let issues: Vec<Issue> = self
            .issues
            .iter()
            .map(|gi| {
                let options = (0..gi.len()).map(|k| gi.label(k)).collect();
                let mut is = Issue::discrete(unique(to_id(&gi.name), &mut taken), options, 0);
                is.name = gi.name.clone();
                is
            })
            .collect();
        let mut taken = Vec::new();
        let mut actors = Vec::new();
        let mut stances = Vec::new();
        for (a, p) in self.profiles.iter().enumerate() {
            let stem = p.file.rsplit_once('.').map(|(s, _)| s).unwrap_or(&p.file);
            let mut actor = Actor::new(unique(to_id(stem), &mut taken), stem, Role::Party, 1.0);
            actor.batna = Some(Param::fixed(p.reservation_or_zero()));
            actor.discount = p.discount.filter(|d| *d > 0.0 && *d <= 1.0);
            actor.notes = format!("imported from GENIUS profile {}", p.file);
            actors.push(actor);
            for (k, evals) in p
                .normalized_evaluations(&self.issues)
                .into_iter()
                .enumerate()
            {
                let mut best = 0;
                for (o, e) in evals.iter().enumerate() {
                    if *e > evals[best] {
                        best = o;
                    }
                }
                stances.push(Stance {
                    actor: a,
                    issue: k,
                    position: Param::fixed(best as f64),
                    salience: Param::fixed(p.weights.get(k).copied().unwrap_or(0.0)),
                    shape: Shape::Table(
                        evals
                            .iter()
                            .enumerate()
                            .map(|(o, e)| (o as f64, *e))
                            .collect(),
                    ),
                    red_line: None,
                });
            }
        }
        let stem = self
            .domain_file
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(&self.domain_file);
        let protocol = crate::model::ProtocolDefaults {
            rounds: genius_rounds(actors.len()),
            ..Default::default()
        };
        Scenario {
            protocol,
            meta: Meta {
                title: format!("GENIUS domain {stem}"),
                description: format!(
                    "Imported from GENIUS files {} and {}.",
                    self.domain_file,
                    self.profile_files().join(", ")
                ),
                ..Meta::default()
            },
            actors,
            issues,
            stances,
            ..Scenario::default()
        }
    }
}

/// Offers a GENIUS session gets by default, as in GENIUS and NegMAS (a deadline of 100 steps).
pub const GENIUS_DEADLINE: u32 = 100;

/// Scenario rounds (each party makes one offer per round) that give `n_parties` parties
/// [`GENIUS_DEADLINE`] offers in all: 50 for a bilateral domain. Whether a GENIUS domain is
/// negotiated from its folder or from the scenario it was imported into, a session then gets
/// the same deadline.
pub fn genius_rounds(n_parties: usize) -> u32 {
    let n = n_parties.max(1) as u32;
    GENIUS_DEADLINE.div_ceil(n).max(1)
}

/// Root element kind of a GENIUS file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeniusRoot {
    /// `<negotiation_template>`: a domain file.
    Domain,
    /// `<utility_space>`: a profile.
    Profile,
}

/// Reads the root element of a GENIUS file, or `None` when it is neither kind (or unreadable).
pub fn root_kind(bytes: &[u8]) -> Option<GeniusRoot> {
    let text = decode(bytes).ok()?;
    let mut reader = Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return match e.name().as_ref() {
                    b"negotiation_template" => Some(GeniusRoot::Domain),
                    b"utility_space" => Some(GeniusRoot::Profile),
                    _ => None,
                };
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Strips a UTF-8 BOM and checks the text is UTF-8 (byte offset of the first bad byte otherwise).
fn decode(bytes: &[u8]) -> Result<String, usize> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(e.valid_up_to()),
    }
}

/// A parsed element tree node (only what GENIUS needs).
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    pos: usize,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// All descendants named `name` (depth-first), not descending into matches.
    fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            } else {
                c.find_all(name, out);
            }
        }
    }
}

/// Parser context: source text and file name for locating problems.
struct Ctx<'a> {
    file: &'a str,
    src: &'a str,
    lines: crate::diag::LineIndex<'a>,
    problems: Problems,
}

impl Ctx<'_> {
    fn error(&mut self, pos: usize, field: &str, msg: impl Into<String>) {
        let end = (pos + 1).min(self.src.len());
        let p = Problem::error(self.file, field, msg).spanned_in(&self.lines, pos..end.max(pos));
        self.problems.push(p);
    }
    fn warning(&mut self, pos: usize, field: &str, msg: impl Into<String>) {
        let end = (pos + 1).min(self.src.len());
        let p = Problem::warning(self.file, field, msg).spanned_in(&self.lines, pos..end.max(pos));
        self.problems.push(p);
    }
    fn invalid(self) -> LoadError {
        LoadError::Invalid {
            file: self.file.to_string(),
            source_text: self.src.to_string(),
            problems: self.problems,
        }
    }

    /// Parses a finite number attribute; records an error and returns None otherwise.
    fn number(&mut self, node: &Node, key: &str, field: &str) -> Option<f64> {
        let Some(raw) = node.attr(key) else {
            self.error(
                node.pos,
                field,
                format!("<{}> has no `{key}` attribute", node.name),
            );
            return None;
        };
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            Ok(_) => {
                self.error(
                    node.pos,
                    field,
                    format!(
                        "`{key}` must be a finite number, found {}",
                        crate::diag::quote(raw)
                    ),
                );
                None
            }
            Err(_) => {
                self.error(
                    node.pos,
                    field,
                    format!(
                        "`{key}` must be a number, found {}",
                        crate::diag::quote(raw)
                    ),
                );
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, key: &str, field: &str) -> Option<i64> {
        let raw = node.attr(key)?;
        match raw.trim().parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.error(
                    node.pos,
                    field,
                    format!(
                        "`{key}` must be an integer, found {}",
                        crate::diag::quote(raw)
                    ),
                );
                None
            }
        }
    }
}

/// Parses XML text into an element tree; errors are located.
fn parse_tree(bytes: &[u8], file: &str) -> Result<(String, Node), LoadError> {
    if bytes.len() > MAX_BYTES {
        let mut p = Problems::new();
        p.push(Problem::error(
            file,
            "",
            format!(
                "file is too large ({} bytes, at most {MAX_BYTES})",
                bytes.len()
            ),
        ));
        return Err(LoadError::Invalid {
            file: file.to_string(),
            source_text: String::new(),
            problems: p,
        });
    }
    let src = match decode(bytes) {
        Ok(s) => s,
        Err(at) => {
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let prefix = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let (l, c) = line_col(&prefix, prefix.len());
            let mut p = Problems::new();
            p.push(Problem::error(file, "", "file is not valid UTF-8").at(l, c));
            return Err(LoadError::Invalid {
                file: file.to_string(),
                source_text: lossy,
                problems: p,
            });
        }
    };
    let mut ctx = Ctx {
        file,
        src: &src,
        lines: crate::diag::LineIndex::new(&src),
        problems: Problems::new(),
    };
    let root = {
        let mut reader = Reader::from_str(&src);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            let before = reader.buffer_position() as usize;
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    if stack.len() > MAX_DEPTH {
                        ctx.error(
                            before,
                            "",
                            format!("elements nested deeper than {MAX_DEPTH}"),
                        );
                        break;
                    }
                    match element(&e, before) {
                        Ok(n) => stack.push(n),
                        Err(msg) => {
                            ctx.error(before, "", msg);
                            break;
                        }
                    }
                }
                Ok(Event::Empty(e)) => match element(&e, before) {
                    Ok(n) => {
                        if let Some(top) = stack.last_mut() {
                            top.children.push(n);
                        }
                    }
                    Err(msg) => {
                        ctx.error(before, "", msg);
                        break;
                    }
                },
                Ok(Event::End(_)) => {
                    if stack.len() > 1 {
                        if let Some(done) = stack.pop() {
                            if let Some(top) = stack.last_mut() {
                                top.children.push(done);
                            }
                        }
                    }
                }
                Ok(Event::Text(t)) => {
                    // Entity references in text are not expanded; a custom one is an error.
                    let raw = String::from_utf8_lossy(&t).into_owned();
                    if let Err(e) = quick_xml::escape::unescape(&raw) {
                        ctx.error(before, "", format!("cannot read text: {e}"));
                        break;
                    }
                }
                Ok(Event::Eof) => {
                    if stack.len() > 1 {
                        let pos = stack.last().map(|n| n.pos).unwrap_or(0);
                        let name = stack.last().map(|n| n.name.clone()).unwrap_or_default();
                        ctx.error(pos, "", format!("<{name}> is never closed"));
                    }
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    let pos = reader.error_position() as usize;
                    ctx.error(pos, "", format!("malformed XML: {e}"));
                    break;
                }
            }
        }
        stack.truncate(1);
        stack.pop().unwrap_or_default()
    };
    if ctx.problems.has_errors() {
        return Err(ctx.invalid());
    }
    let Some(top) = root.children.into_iter().next() else {
        ctx.error(0, "", "no root element");
        return Err(ctx.invalid());
    };
    Ok((src, top))
}

fn element(e: &BytesStart<'_>, pos: usize) -> Result<Node, String> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("malformed attribute in <{name}>: {err}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|err| format!("cannot read attribute `{key}` of <{name}>: {err}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        name,
        attrs,
        pos,
        children: Vec::new(),
    })
}

/// Parses a domain file (root `<negotiation_template>`) into its issues.
pub fn parse_domain(bytes: &[u8], file: &str) -> Result<(Vec<GeniusIssue>, Problems), LoadError> {
    let (src, root) = parse_tree(bytes, file)?;
    let mut ctx = Ctx {
        file,
        src: &src,
        lines: crate::diag::LineIndex::new(&src),
        problems: Problems::new(),
    };
    if root.name != "negotiation_template" {
        ctx.error(
            root.pos,
            "",
            format!(
                "expected a GENIUS domain (root <negotiation_template>), found <{}>",
                root.name
            ),
        );
        return Err(ctx.invalid());
    }
    let mut nodes = Vec::new();
    root.find_all("issue", &mut nodes);
    let mut issues = Vec::new();
    for (k, node) in nodes.iter().enumerate() {
        if let Some(issue) = read_issue(&mut ctx, node, k) {
            issues.push(issue);
        }
    }
    if nodes.is_empty() {
        ctx.error(root.pos, "issues", "the domain has no <issue>");
    }
    let mut seen = HashMap::new();
    for (k, issue) in issues.iter().enumerate() {
        if let Some(prev) = seen.insert(issue.name.clone(), k) {
            ctx.error(
                nodes.get(k).map(|n| n.pos).unwrap_or(0),
                &format!("issues[{k}].name"),
                format!(
                    "issue `{}` is defined twice (first as issue {prev})",
                    issue.name
                ),
            );
        }
    }
    if ctx.problems.has_errors() {
        return Err(ctx.invalid());
    }
    Ok((issues, ctx.problems))
}

fn read_issue(ctx: &mut Ctx<'_>, node: &Node, k: usize) -> Option<GeniusIssue> {
    let field = format!("issues[{k}]");
    let Some(name) = node.attr("name").map(str::to_string) else {
        ctx.error(node.pos, &field, "<issue> has no `name` attribute");
        return None;
    };
    let index = ctx.integer(node, "index", &format!("{field}.index"));
    let kind = node
        .attr("type")
        .or_else(|| node.attr("etype"))
        .or_else(|| node.attr("vtype"))
        .unwrap_or("discrete");
    match kind {
        "integer" => {
            let lower = ctx.integer(node, "lowerbound", &format!("{field}.lowerbound"));
            let upper = ctx.integer(node, "upperbound", &format!("{field}.upperbound"));
            let (Some(lower), Some(upper)) = (lower, upper) else {
                if node.attr("lowerbound").is_some() && node.attr("upperbound").is_some() {
                    return None; // a bound that is not an integer: reported above
                }
                ctx.error(
                    node.pos,
                    &field,
                    format!("integer issue `{name}` needs integer `lowerbound` and `upperbound`"),
                );
                return None;
            };
            if upper < lower || upper.saturating_sub(lower) >= MAX_INTEGER_VALUES {
                ctx.error(
                    node.pos,
                    &field,
                    format!("integer issue `{name}` has bounds {lower}..{upper}: need lowerbound <= upperbound and fewer than {MAX_INTEGER_VALUES} values"),
                );
                return None;
            }
            Some(GeniusIssue {
                name,
                index,
                kind: GeniusIssueKind::Integer { lower, upper },
            })
        }
        "discrete" => {
            let mut values = Vec::new();
            for (j, item) in node.children_named("item").enumerate() {
                match item.attr("value") {
                    Some(v) => values.push(v.to_string()),
                    None => ctx.error(
                        item.pos,
                        &format!("{field}.items[{j}]"),
                        "<item> has no `value` attribute",
                    ),
                }
            }
            if values.is_empty() {
                ctx.error(
                    node.pos,
                    &field,
                    format!("discrete issue `{name}` has no <item>"),
                );
                return None;
            }
            Some(GeniusIssue {
                name,
                index,
                kind: GeniusIssueKind::Discrete(values),
            })
        }
        other => {
            ctx.error(
                node.pos,
                &format!("{field}.type"),
                format!("unsupported issue type `{other}` (expected discrete or integer)"),
            );
            None
        }
    }
}

/// Parses a profile (root `<utility_space>`) against the domain's issues.
pub fn parse_profile(
    bytes: &[u8],
    file: &str,
    issues: &[GeniusIssue],
) -> Result<(GeniusProfile, Problems), LoadError> {
    let (src, root) = parse_tree(bytes, file)?;
    let mut ctx = Ctx {
        file,
        src: &src,
        lines: crate::diag::LineIndex::new(&src),
        problems: Problems::new(),
    };
    if root.name != "utility_space" {
        ctx.error(
            root.pos,
            "",
            format!(
                "expected a GENIUS profile (root <utility_space>), found <{}>",
                root.name
            ),
        );
        return Err(ctx.invalid());
    }
    let mut issue_nodes = Vec::new();
    root.find_all("issue", &mut issue_nodes);
    let mut weight_nodes = Vec::new();
    root.find_all("weight", &mut weight_nodes);

    let mut evaluations: Vec<Option<GeniusEvaluation>> = vec![None; issues.len()];
    let mut weights: Vec<Option<f64>> = vec![None; issues.len()];
    // profile issue index attribute -> domain issue position (for weights)
    let mut index_map: HashMap<i64, usize> = HashMap::new();
    for (k, node) in issue_nodes.iter().enumerate() {
        let field = format!("issues[{k}]");
        let name = node.attr("name").unwrap_or("");
        let Some(d) = issues.iter().position(|i| i.name == name) else {
            ctx.error(
                node.pos,
                &field,
                format!("issue `{name}` is not in the domain"),
            );
            continue;
        };
        if let Some(ix) = ctx.integer(node, "index", &format!("{field}.index")) {
            index_map.insert(ix, d);
        }
        if evaluations[d].is_some() {
            ctx.error(
                node.pos,
                &field,
                format!("issue `{name}` is evaluated twice"),
            );
            continue;
        }
        match &issues[d].kind {
            GeniusIssueKind::Integer { .. } => {
                let Some(ev) = node.children_named("evaluator").next() else {
                    ctx.error(
                        node.pos,
                        &field,
                        format!("integer issue `{name}` has no <evaluator>"),
                    );
                    continue;
                };
                let ftype = ev.attr("ftype").unwrap_or("linear");
                if ftype != "linear" {
                    ctx.error(
                        ev.pos,
                        &format!("{field}.evaluator.ftype"),
                        format!("unsupported evaluator `{ftype}` (only linear)"),
                    );
                    continue;
                }
                let slope = ctx.number(ev, "slope", &format!("{field}.evaluator.slope"));
                let offset = ev
                    .attr("offset")
                    .map(|_| ctx.number(ev, "offset", &format!("{field}.evaluator.offset")))
                    .unwrap_or(Some(0.0));
                if let (Some(slope), Some(offset)) = (slope, offset) {
                    evaluations[d] = Some(GeniusEvaluation::Linear { slope, offset });
                }
            }
            GeniusIssueKind::Discrete(values) => {
                let mut evals = vec![None; values.len()];
                for (j, item) in node.children_named("item").enumerate() {
                    let ifield = format!("{field}.items[{j}]");
                    let value = item.attr("value").unwrap_or("");
                    let Some(v) = values.iter().position(|x| x == value) else {
                        ctx.error(
                            item.pos,
                            &ifield,
                            format!(
                                "value {} is not a value of issue `{name}` in the domain",
                                crate::diag::quote(value)
                            ),
                        );
                        continue;
                    };
                    if let Some(e) = ctx.number(item, "evaluation", &format!("{ifield}.evaluation"))
                    {
                        if e < 0.0 {
                            ctx.warning(
                                item.pos,
                                &format!("{ifield}.evaluation"),
                                format!(
                                    "negative evaluation {} for `{value}`",
                                    crate::format_input(e)
                                ),
                            );
                        }
                        evals[v] = Some(e);
                    }
                }
                let missing: Vec<&str> = values
                    .iter()
                    .zip(&evals)
                    .filter(|(_, e)| e.is_none())
                    .map(|(v, _)| v.as_str())
                    .collect();
                if !missing.is_empty() {
                    ctx.error(
                        node.pos,
                        &field,
                        format!(
                            "issue `{name}` has no evaluation for: {}",
                            missing.join(", ")
                        ),
                    );
                    continue;
                }
                evaluations[d] = Some(GeniusEvaluation::Discrete(
                    evals.into_iter().map(|e| e.unwrap_or(0.0)).collect(),
                ));
            }
        }
    }
    for (k, w) in weight_nodes.iter().enumerate() {
        let field = format!("weights[{k}]");
        let Some(value) = ctx.number(w, "value", &format!("{field}.value")) else {
            continue;
        };
        let target = match ctx.integer(w, "index", &format!("{field}.index")) {
            Some(ix) => index_map
                .get(&ix)
                .copied()
                .or_else(|| issues.iter().position(|i| i.index == Some(ix))),
            None => (k < issues.len()).then_some(k),
        };
        match target {
            Some(d) => {
                if value < 0.0 {
                    ctx.error(w.pos, &field, format!("weight must be >= 0, found {value}"));
                }
                weights[d] = Some(value);
            }
            None => ctx.error(w.pos, &field, "<weight> refers to no issue of the domain"),
        }
    }
    let mut reservation = None;
    if let Some(r) = root.children_named("reservation").next() {
        reservation = ctx.number(r, "value", "reservation.value");
        if let Some(v) = reservation.filter(|v| !(0.0..=1.0).contains(v)) {
            ctx.error(
                r.pos,
                "reservation.value",
                format!(
                    "reservation value {} is outside [0, 1]; it is a utility, like the evaluations once normalised",
                    crate::format_input(v)
                ),
            );
        }
    }
    let mut discount = None;
    if let Some(r) = root.children_named("discount_factor").next() {
        discount = ctx.number(r, "value", "discount_factor.value");
        if let Some(d) = discount {
            if !(0.0..=1.0).contains(&d) {
                ctx.warning(
                    r.pos,
                    "discount_factor.value",
                    format!("discount factor {d} is outside [0, 1]"),
                );
            }
        }
    }
    for (d, issue) in issues.iter().enumerate() {
        if evaluations[d].is_none() && !ctx.problems.has_errors() {
            ctx.error(
                root.pos,
                "issues",
                format!("issue `{}` of the domain is not evaluated", issue.name),
            );
        }
        if weights[d].is_none() && !ctx.problems.has_errors() {
            ctx.error(
                root.pos,
                "weights",
                format!("issue `{}` of the domain has no <weight>", issue.name),
            );
        }
    }
    if ctx.problems.has_errors() {
        return Err(ctx.invalid());
    }
    let weights: Vec<f64> = weights.into_iter().map(|w| w.unwrap_or(0.0)).collect();
    let sum: f64 = weights.iter().sum();
    if (sum - 1.0).abs() > 1e-6 {
        ctx.warning(
            root.pos,
            "weights",
            format!("weights sum to {sum}, not 1 (kept as written)"),
        );
    }
    let profile = GeniusProfile {
        file: file.to_string(),
        weights,
        evaluations: evaluations
            .into_iter()
            .map(|e| e.unwrap_or(GeniusEvaluation::Discrete(Vec::new())))
            .collect(),
        reservation,
        discount,
    };
    Ok((profile, ctx.problems))
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    crate::limits::read_input(path)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Loads a domain file and its profiles (party order = `profiles` as given).
pub fn load_files(
    domain: &Path,
    profiles: &[&Path],
) -> Result<(GeniusDomain, Problems), LoadError> {
    let dname = file_name(domain);
    let (issues, mut problems) = parse_domain(&read(domain)?, &dname)?;
    let mut parsed = Vec::new();
    for p in profiles {
        let (profile, w) = parse_profile(&read(p)?, &file_name(p), &issues)?;
        problems.items.extend(w.items);
        parsed.push(profile);
    }
    if profiles.is_empty() {
        problems.push(Problem::warning(
            &dname,
            "",
            "only a domain file was given: issues imported, no preferences",
        ));
    }
    Ok((
        GeniusDomain {
            domain_file: dname,
            issues,
            profiles: parsed,
        },
        problems,
    ))
}

/// Loads a GENIUS folder: the domain file is found by its root element, the other XML files
/// with root `<utility_space>` are the profiles, in file-name order.
pub fn load_folder(dir: &Path) -> Result<(GeniusDomain, Problems), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .map(|x| x.eq_ignore_ascii_case("xml"))
                    .unwrap_or(false)
        })
        .collect();
    files.sort_by_key(|p| file_name(p));
    let mut domain = None;
    let mut profiles = Vec::new();
    // Files that may be the domain but cannot be read as XML (a bad byte, broken markup).
    let mut unreadable = Vec::new();
    for f in &files {
        let bytes = read(f)?;
        let kind = root_kind(&bytes);
        if kind.is_none()
            && (decode(&bytes).is_err()
                || String::from_utf8_lossy(&bytes).contains("<negotiation_template"))
        {
            unreadable.push((f.clone(), bytes));
            continue;
        }
        match kind {
            Some(GeniusRoot::Domain) if domain.is_none() => domain = Some(f.clone()),
            Some(GeniusRoot::Domain) => {
                let mut p = Problems::new();
                p.push(Problem::error(
                    file_name(f),
                    "",
                    "a second domain file (root <negotiation_template>) in the folder",
                ));
                return Err(LoadError::Invalid {
                    file: dir.display().to_string(),
                    source_text: String::new(),
                    problems: p,
                });
            }
            Some(GeniusRoot::Profile) => profiles.push(f.clone()),
            None => {}
        }
    }
    let Some(domain) = domain else {
        let mut p = Problems::new();
        let names: Vec<String> = unreadable.iter().map(|(f, _)| file_name(f)).collect();
        p.push(Problem::error(
            dir.display().to_string(),
            "",
            if names.is_empty() {
                "no GENIUS domain file (root <negotiation_template>) in the folder".to_string()
            } else {
                format!(
                    "no readable GENIUS domain file (root <negotiation_template>) in the folder; {} could not be read (see below)",
                    names.join(", ")
                )
            },
        ));
        for (f, bytes) in &unreadable {
            if let Err(LoadError::Invalid { problems, .. }) = parse_domain(bytes, &file_name(f)) {
                p.items.extend(problems.items);
            }
        }
        return Err(LoadError::Invalid {
            file: dir.display().to_string(),
            source_text: String::new(),
            problems: p,
        });
    };
    let refs: Vec<&Path> = profiles.iter().map(|p| p.as_path()).collect();
    load_files(&domain, &refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = r#"<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="colour" type="discrete" etype="discrete">
    <item index="1" value="red"/>
    <item index="2" value="blue"/>
  </issue>
  <issue index="2" name="n" type="integer" lowerbound="0" upperbound="2"/>
</objective>
</utility_space>
</negotiation_template>"#;

    const PROFILE: &str = r#"<utility_space>
<objective index="0" name="root">
  <issue index="1" name="colour" type="discrete">
    <item index="1" value="red" evaluation="2"/>
    <item index="2" value="blue" evaluation="4"/>
  </issue>
  <issue index="2" name="n" type="integer" lowerbound="0" upperbound="2">
    <evaluator ftype="linear" slope="0.5" offset="0.1"/>
  </issue>
  <weight index="1" value="0.6"/>
  <weight index="2" value="0.4"/>
</objective>
<reservation value="0.25"/>
<discount_factor value="0.9"/>
</utility_space>"#;

    #[test]
    fn parses_domain_and_profile() {
        let (issues, w) = parse_domain(DOMAIN.as_bytes(), "d.xml").unwrap();
        assert!(w.items.is_empty());
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].len(), 2);
        assert_eq!(issues[1].len(), 3);
        assert_eq!(issues[1].label(2), "2");
        let (p, w) = parse_profile(PROFILE.as_bytes(), "p.xml", &issues).unwrap();
        assert!(w.items.is_empty(), "{w}");
        assert_eq!(p.weights, vec![0.6, 0.4]);
        assert_eq!(p.reservation, Some(0.25));
        assert_eq!(p.discount, Some(0.9));
        let n = p.normalized_evaluations(&issues);
        assert_eq!(n[0], vec![0.5, 1.0]);
        assert_eq!(n[1], vec![0.1, 0.6, 1.1]);
    }

    #[test]
    fn bom_and_crlf_accepted() {
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend(DOMAIN.replace('\n', "\r\n").as_bytes());
        let (issues, _) = parse_domain(&b, "d.xml").unwrap();
        assert_eq!(issues.len(), 2);
        assert_eq!(root_kind(&b), Some(GeniusRoot::Domain));
    }

    fn first_error(e: LoadError) -> Problem {
        match e {
            LoadError::Invalid { problems, .. } => problems.errors().next().unwrap().clone(),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn malformed_is_located() {
        let bad = "<negotiation_template>\n<utility_space>\n  <issue name=\"a\" type=\"discrete\">\n</negotiation_template>";
        let p = first_error(parse_domain(bad.as_bytes(), "bad.xml").unwrap_err());
        assert_eq!(p.file, "bad.xml");
        assert!(p.line >= 2, "{p}");
        let nan = PROFILE.replace("evaluation=\"4\"", "evaluation=\"NaN\"");
        let (issues, _) = parse_domain(DOMAIN.as_bytes(), "d.xml").unwrap();
        let p = first_error(parse_profile(nan.as_bytes(), "p.xml", &issues).unwrap_err());
        assert_eq!(p.line, 5, "{p}");
        assert!(p.message.contains("finite"), "{p}");
        let inf = PROFILE.replace("value=\"0.6\"", "value=\"inf\"");
        assert!(parse_profile(inf.as_bytes(), "p.xml", &issues).is_err());
    }

    #[test]
    fn hostile_input_never_panics() {
        let deep = "<a>".repeat(10_000);
        assert!(parse_domain(deep.as_bytes(), "deep.xml").is_err());
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<negotiation_template><utility_space><objective><issue name="x" type="discrete"><item value="&b;"/></issue></objective></utility_space></negotiation_template>"#;
        let p = first_error(parse_domain(bomb.as_bytes(), "bomb.xml").unwrap_err());
        assert_eq!(p.line, 2, "{p}");
        let bytes = b"<negotiation_template>\xff\xfe</negotiation_template>";
        let p = first_error(parse_domain(bytes, "bin.xml").unwrap_err());
        assert!(p.message.contains("UTF-8"));
        assert!(parse_domain(b"", "empty.xml").is_err());
        assert!(parse_domain(b"<<<>>>", "junk.xml").is_err());
        let huge = format!(
            "<negotiation_template><issue name=\"i\" type=\"integer\" lowerbound=\"0\" upperbound=\"{}\"/></negotiation_template>",
            i64::MAX
        );
        assert!(parse_domain(huge.as_bytes(), "h.xml").is_err());
    }

    #[test]
    fn weights_not_summing_to_one_warn() {
        let (issues, _) = parse_domain(DOMAIN.as_bytes(), "d.xml").unwrap();
        let p = PROFILE.replace("value=\"0.6\"", "value=\"0.7\"");
        let (prof, w) = parse_profile(p.as_bytes(), "p.xml", &issues).unwrap();
        assert_eq!(prof.weights, vec![0.7, 0.4]);
        assert_eq!(w.warnings().count(), 1);
    }

    #[test]
    fn converts_to_a_scenario() {
        let (issues, _) = parse_domain(DOMAIN.as_bytes(), "d.xml").unwrap();
        let (p, _) = parse_profile(PROFILE.as_bytes(), "p one.xml", &issues).unwrap();
        let g = GeniusDomain {
            domain_file: "d.xml".into(),
            issues,
            profiles: vec![p],
        };
        let s = g.to_scenario();
        assert_eq!(s.actors[0].id, "p_one");
        assert_eq!(s.actors[0].batna.unwrap().value, 0.25);
        assert_eq!(s.issues[1].options().unwrap(), ["0", "1", "2"]);
        let st = s.stance(0, 0).unwrap();
        assert_eq!(st.position.value, 1.0);
        assert_eq!(st.salience.value, 0.6);
        assert_eq!(st.utility(&s.issues[0], 0.0), 0.5);
        let text = crate::format::to_toml(&s);
        let (back, _) = crate::format::parse_toml(&text, "round.toml").unwrap();
        assert_eq!(back.stances, s.stances);
        assert_eq!(back.actors, s.actors);
    }

    #[test]
    fn unknown_value_is_an_error() {
        let (issues, _) = parse_domain(DOMAIN.as_bytes(), "d.xml").unwrap();
        let p = PROFILE.replace("value=\"blue\"", "value=\"green\"");
        let e = first_error(parse_profile(p.as_bytes(), "p.xml", &issues).unwrap_err());
        assert!(e.message.contains("green"));
    }
}
