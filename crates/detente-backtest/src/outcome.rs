//! The outcome file of a historical case, `cases/<id>/outcome.toml`: what really happened,
//! read against the case's scenario with located errors (file, line, column, dotted field).
//!
//! See the crate documentation for the format.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use detente_core::diag::{decode_utf8, LoadError, Problem, Problems};
use detente_core::format::toml_util::{closest, type_name, Fields, Tab};
use detente_core::{Issue, IssueKind, Scenario, Source};
use serde::Serialize;
use toml_edit::{ImDocument, Item, Value};

/// The outcome file format version this build reads.
pub const OUTCOME_FORMAT_VERSION: i64 = 1;

/// The four outcome classes of a case, in report order (the same four as `detente simulate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class4 {
    /// A comprehensive agreement.
    Deal,
    /// A partial or interim agreement, some core issues deferred.
    Interim,
    /// No agreement, talks not broken off.
    Stalemate,
    /// Talks broken off, or an escalation.
    Breakdown,
}

impl Class4 {
    /// All classes in order; `ALL[c.index()] == c`.
    pub const ALL: [Class4; 4] = [
        Class4::Deal,
        Class4::Interim,
        Class4::Stalemate,
        Class4::Breakdown,
    ];

    /// The word used in outcome files: `deal`, `interim`, `stalemate` or `breakdown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Class4::Deal => "deal",
            Class4::Interim => "interim",
            Class4::Stalemate => "stalemate",
            Class4::Breakdown => "breakdown",
        }
    }

    /// Position in [`Class4::ALL`]: deal 0, interim 1, stalemate 2, breakdown 3.
    pub fn index(&self) -> usize {
        match self {
            Class4::Deal => 0,
            Class4::Interim => 1,
            Class4::Stalemate => 2,
            Class4::Breakdown => 3,
        }
    }

    /// The class named by its file word, if any.
    pub fn from_name(name: &str) -> Option<Class4> {
        Class4::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Class4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one issue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Decided, at a known value.
    Settled,
    /// Explicitly put off to later talks.
    Deferred,
    /// Left open (no agreement on it).
    Unsettled,
}

impl Status {
    /// All statuses in file-word order.
    pub const ALL: [Status; 3] = [Status::Settled, Status::Deferred, Status::Unsettled];

    /// The word used in outcome files: `settled`, `deferred` or `unsettled`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Settled => "settled",
            Status::Deferred => "deferred",
            Status::Unsettled => "unsettled",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to one scenario issue.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueOutcome {
    /// Index into the scenario's `issues`.
    pub issue: usize,
    /// Settled, deferred or unsettled.
    pub status: Status,
    /// The settled value (scale value, or 0-based option index of a discrete issue); `Some`
    /// exactly when `status` is settled.
    pub value: Option<f64>,
    /// When it was settled (`YYYY-MM-DD`), if given; settled issues only.
    pub date: Option<String>,
    /// Id of the declared source supporting this entry, if given.
    pub source: Option<String>,
}

/// The real outcome of a historical case.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Deal, interim, stalemate or breakdown.
    pub class: Class4,
    /// When the outcome was reached or observed (`YYYY-MM-DD`).
    pub date: String,
    /// What happened, in a sentence or two.
    pub summary: String,
    /// Why the class was chosen when it is debatable; empty when not given.
    pub label_note: String,
    /// The sources declared in `[[sources]]`, in file order (`id` always non-empty).
    pub sources: Vec<Source>,
    /// One entry per issue listed in `[[issues]]`, in file order; scenario issues not listed
    /// are not labelled.
    pub issues: Vec<IssueOutcome>,
}

impl Outcome {
    /// The entry for scenario issue `issue` (an index), if the file lists it.
    pub fn issue(&self, issue: usize) -> Option<&IssueOutcome> {
        self.issues.iter().find(|i| i.issue == issue)
    }
}

/// Like [`parse_outcome`], for raw bytes: non-UTF-8 input is rejected with the location of the
/// first bad byte.
pub fn parse_outcome_bytes(
    bytes: &[u8],
    file: &str,
    scenario: &Scenario,
) -> Result<(Outcome, Problems), LoadError> {
    parse_outcome(decode_utf8(bytes, file)?, file, scenario)
}

/// Parses and checks an outcome file against its case's scenario; returns the outcome with its
/// warnings, or every problem found (the same contract as `detente_core::format::parse_toml`).
///
/// `file` names the source in diagnostics. A leading UTF-8 BOM and CRLF line ends are accepted.
/// Every error carries a line, a column and a dotted field (`issues[2].value`).
pub fn parse_outcome(
    src: &str,
    file: &str,
    scenario: &Scenario,
) -> Result<(Outcome, Problems), LoadError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut r = Reader {
        file,
        src,
        problems: Problems::new(),
    };
    let outcome = r.document(scenario);
    let Reader { problems, .. } = r;
    match outcome {
        Some(o) if !problems.has_errors() => Ok((o, problems)),
        _ => Err(LoadError::Invalid {
            file: file.to_string(),
            source_text: src.to_string(),
            problems,
        }),
    }
}

/// Checks a `YYYY-MM-DD` date: its shape, a month 01–12 and a day that exists in that month
/// (leap years per the Gregorian calendar). The error says what is wrong.
pub fn check_date(s: &str) -> Result<(), String> {
    detente_core::model::check_iso_date(s).map(|_| ())
}

struct Reader<'a> {
    file: &'a str,
    src: &'a str,
    problems: Problems,
}

const ROOT_KEYS: &[&str] = &[
    "format",
    "class",
    "date",
    "summary",
    "label_note",
    "sources",
    "issues",
];
const SOURCE_KEYS: &[&str] = &["id", "citation", "url"];
const ISSUE_KEYS: &[&str] = &["id", "status", "value", "date", "source"];

impl Fields for Reader<'_> {
    fn error(&mut self, span: Option<Range<usize>>, field: &str, msg: String) {
        self.err(span, field, msg);
    }
}

impl Reader<'_> {
    fn push(&mut self, p: Problem, span: Option<Range<usize>>) {
        let p = match span {
            Some(s) => p.spanned(self.src, s),
            None => p,
        };
        self.problems.push(p);
    }

    fn err(&mut self, span: Option<Range<usize>>, field: &str, msg: impl Into<String>) {
        self.push(Problem::error(self.file, field, msg), span);
    }

    fn warn(&mut self, span: Option<Range<usize>>, field: &str, msg: impl Into<String>) {
        self.push(Problem::warning(self.file, field, msg), span);
    }

    fn document(&mut self, s: &Scenario) -> Option<Outcome> {
        let doc = match ImDocument::parse(self.src) {
            Ok(d) => d,
            Err(e) => {
                let msg = e.message().trim().to_string();
                self.err(e.span(), "", format!("not valid TOML: {msg}"));
                return None;
            }
        };
        // Missing top-level keys are reported at the start of the file.
        let root = Tab::new(doc.as_table(), Some(0..0), String::new());
        self.check_keys(&root, ROOT_KEYS);
        match self.get(&root, "format") {
            None => self.warn(
                Some(0..0),
                "format",
                "no `format` version given; reading as format = 1",
            ),
            Some((item, span)) => match item.as_integer() {
                Some(OUTCOME_FORMAT_VERSION) => {}
                Some(v) => self.err(
                    span,
                    "format",
                    format!("unsupported outcome format version {v}; this build reads version 1"),
                ),
                None => self.err(
                    span,
                    "format",
                    format!(
                        "expected an integer format version, found {}",
                        type_name(item)
                    ),
                ),
            },
        }
        let class = self.class(&root);
        let date = self.date(&root, true);
        let summary = self.string(&root, "summary", true);
        let label_note = self.string(&root, "label_note", false).unwrap_or_default();
        let sources = self.sources(&root);
        let issues = self.issues(&root, s, &sources);
        Some(Outcome {
            class: class?,
            date: date?,
            summary: summary?,
            label_note,
            sources,
            issues,
        })
    }

    fn class(&mut self, root: &Tab) -> Option<Class4> {
        let (item, span) = self.get(root, "class").or_else(|| {
            self.missing(
                root,
                "class",
                "one of `deal`, `interim`, `stalemate`, `breakdown`",
            );
            None
        })?;
        let words: Vec<&str> = Class4::ALL.iter().map(Class4::as_str).collect();
        let Some(word) = item.as_str() else {
            self.err(
                span,
                "class",
                format!(
                    "expected one of `deal`, `interim`, `stalemate`, `breakdown`, found {}",
                    type_name(item)
                ),
            );
            return None;
        };
        match Class4::from_name(word) {
            Some(c) => Some(c),
            None => {
                self.err(
                    span,
                    "class",
                    format!(
                        "unknown class `{word}`{} expected one of: {}",
                        hint(word, &words),
                        words.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn status(&mut self, t: &Tab) -> Option<Status> {
        let field = t.field("status");
        let words: Vec<&str> = Status::ALL.iter().map(Status::as_str).collect();
        let Some((item, span)) = self.get(t, "status") else {
            self.missing(t, "status", "one of `settled`, `deferred`, `unsettled`");
            return None;
        };
        let Some(word) = item.as_str() else {
            self.err(
                span,
                &field,
                format!(
                    "expected one of `settled`, `deferred`, `unsettled`, found {}",
                    type_name(item)
                ),
            );
            return None;
        };
        match Status::ALL.into_iter().find(|s| s.as_str() == word) {
            Some(s) => Some(s),
            None => {
                self.err(
                    span,
                    &field,
                    format!(
                        "unknown status `{word}`{} expected one of: {}",
                        hint(word, &words),
                        words.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date string under `date`.
    fn date(&mut self, t: &Tab, required: bool) -> Option<String> {
        let field = t.field("date");
        let Some((item, span)) = self.get(t, "date") else {
            if required {
                self.missing(t, "date", "a date string \"YYYY-MM-DD\"");
            }
            return None;
        };
        let Some(s) = item.as_str() else {
            let extra = if matches!(item, Item::Value(Value::Datetime(_))) {
                "; write the date in quotes, e.g. date = \"2015-07-14\""
            } else {
                ""
            };
            self.err(
                span,
                &field,
                format!(
                    "expected a date string \"YYYY-MM-DD\", found {}{extra}",
                    type_name(item)
                ),
            );
            return None;
        };
        match check_date(s) {
            Ok(()) => Some(s.to_string()),
            Err(msg) => {
                self.err(span, &field, msg);
                None
            }
        }
    }

    fn sources(&mut self, root: &Tab) -> Vec<Source> {
        let mut out: Vec<Source> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for t in self.tables(root, "sources", false).iter().flatten() {
            self.check_keys(t, SOURCE_KEYS);
            let id = self.id(t, "id");
            let citation = self.string(t, "citation", true);
            let url = self.string(t, "url", false);
            let k = t.index;
            let (Some(id), Some(citation)) = (id, citation) else {
                continue;
            };
            if let Some(first) = seen.get(&id) {
                let f = t.field("id");
                let span = self.span_of(t, "id");
                self.err(
                    span,
                    &f,
                    format!("duplicate source id `{id}` (first declared in sources[{first}])"),
                );
                continue;
            }
            seen.insert(id.clone(), k);
            out.push(Source { id, citation, url });
        }
        out
    }

    fn issues(&mut self, root: &Tab, s: &Scenario, sources: &[Source]) -> Vec<IssueOutcome> {
        let mut out = Vec::new();
        let mut seen: HashMap<usize, usize> = HashMap::new();
        let known_sources: Vec<&str> = sources.iter().map(|x| x.id.as_str()).collect();
        let known_issues: Vec<&str> = s.issues.iter().map(|i| i.id.as_str()).collect();
        for entry in self.tables(root, "issues", false).iter().flatten() {
            let t = &entry;
            self.check_keys(t, ISSUE_KEYS);
            let issue = match self.string(t, "id", true) {
                Some(name) => match s.issue_index(&name) {
                    Some(i) => Some(i),
                    None => {
                        let f = t.field("id");
                        let span = self.span_of(t, "id");
                        self.err(
                            span,
                            &f,
                            format!(
                                "unknown issue `{name}`{} the scenario's issues: {}",
                                hint(&name, &known_issues),
                                list_or_none(&known_issues)
                            ),
                        );
                        None
                    }
                },
                None => None,
            };
            let duplicate = match issue.map(|i| (i, seen.get(&i).copied())) {
                Some((i, Some(first))) => {
                    let f = t.field("id");
                    let span = self.span_of(t, "id");
                    self.err(
                        span,
                        &f,
                        format!(
                            "duplicate entry for issue `{}` (first given in issues[{first}]); list each issue once",
                            s.issues[i].id
                        ),
                    );
                    true
                }
                Some((i, None)) => {
                    seen.insert(i, entry.index);
                    false
                }
                None => false,
            };
            let status = self.status(t);
            let value = match (self.get(t, "value"), issue) {
                (Some((item, span)), Some(i)) => {
                    self.value(item, span, &t.field("value"), &s.issues[i])
                }
                _ => None,
            };
            let date = self.date(t, false);
            let source = self.string(t, "source", false);
            if let Some(src_id) = &source {
                if !known_sources.contains(&src_id.as_str()) {
                    let f = t.field("source");
                    let span = self.span_of(t, "source");
                    self.err(
                        span,
                        &f,
                        format!(
                            "source `{src_id}` is not declared{} declared sources: {}",
                            hint(src_id, &known_sources),
                            list_or_none(&known_sources)
                        ),
                    );
                }
            }
            if let (Some(st), Some(i)) = (status, issue) {
                let id = &s.issues[i].id;
                if st == Status::Settled {
                    if !t.t.contains_key("value") {
                        self.missing(
                            t,
                            "value",
                            &format!(
                                "the value issue `{id}` was settled at: {}",
                                expected_value(&s.issues[i])
                            ),
                        );
                    }
                } else {
                    for key in ["value", "date"] {
                        if t.t.contains_key(key) {
                            let f = t.field(key);
                            let span = self.span_of(t, key);
                            self.err(
                                span,
                                &f,
                                format!(
                                    "`{key}` applies to settled issues only; issue `{id}` is {st}"
                                ),
                            );
                        }
                    }
                }
            }
            if duplicate {
                continue;
            }
            if let (Some(issue), Some(status)) = (issue, status) {
                let settled = status == Status::Settled;
                out.push(IssueOutcome {
                    issue,
                    status,
                    value: value.filter(|_| settled),
                    date: date.filter(|_| settled),
                    source,
                });
            }
        }
        out
    }

    /// A settled value: a number on a continuous issue's scale, or an option label or 0-based
    /// option index of a discrete issue.
    fn value(
        &mut self,
        item: &Item,
        span: Option<Range<usize>>,
        field: &str,
        issue: &Issue,
    ) -> Option<f64> {
        let id = &issue.id;
        let Some(v) = item.as_value() else {
            self.err(
                span,
                field,
                format!(
                    "expected {}, found {}",
                    expected_value(issue),
                    type_name(item)
                ),
            );
            return None;
        };
        let number = match v {
            Value::Integer(i) => Some(*i.value() as f64),
            Value::Float(f) => Some(*f.value()),
            _ => None,
        };
        match (&issue.kind, v, number) {
            (IssueKind::Discrete { options }, Value::String(s), _) => {
                let label = s.value();
                match options.iter().position(|o| o == label) {
                    Some(k) => Some(k as f64),
                    None => {
                        let opts: Vec<&str> = options.iter().map(String::as_str).collect();
                        self.err(
                            span,
                            field,
                            format!(
                                "unknown option `{label}` of issue `{id}`{} expected one of: {}",
                                hint(label, &opts),
                                opts.join(", ")
                            ),
                        );
                        None
                    }
                }
            }
            (IssueKind::Discrete { options }, _, Some(x)) => {
                let n = options.len();
                if x.is_finite() && x.fract() == 0.0 && x >= 0.0 && x < n as f64 {
                    Some(x)
                } else {
                    self.err(
                        span,
                        field,
                        format!(
                            "{x} is not an option index of issue `{id}`; expected an integer from 0 to {} or one of: {}",
                            n.saturating_sub(1),
                            options.join(", ")
                        ),
                    );
                    None
                }
            }
            (IssueKind::Continuous { min, max, .. }, _, Some(x)) => {
                if !x.is_finite() {
                    self.err(span, field, format!("expected a finite number, found {x}"));
                    None
                } else if x < *min || x > *max {
                    self.err(
                        span,
                        field,
                        format!(
                            "value {} is outside the range of issue `{id}` [{}, {}]",
                            detente_core::format_number(x),
                            detente_core::format_number(*min),
                            detente_core::format_number(*max)
                        ),
                    );
                    None
                } else {
                    Some(x)
                }
            }
            _ => {
                self.err(
                    span,
                    field,
                    format!(
                        "expected {}, found {}",
                        expected_value(issue),
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    fn span_of(&mut self, t: &Tab, key: &str) -> Option<Range<usize>> {
        self.get(t, key)
            .and_then(|(_, s)| s)
            .or_else(|| t.span.clone())
    }
}

fn expected_value(issue: &Issue) -> String {
    match &issue.kind {
        IssueKind::Continuous { min, max, .. } => format!(
            "a number in [{}, {}]",
            detente_core::format_number(*min),
            detente_core::format_number(*max)
        ),
        IssueKind::Discrete { options } => format!(
            "an option label ({}) or a 0-based option index",
            options.join(", ")
        ),
    }
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// `"; did you mean `x`?"` for the candidate within edit distance 2, else `";"`.
fn hint(name: &str, candidates: &[&str]) -> String {
    match closest(name, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => ";".to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use detente_core::{Actor, Param, Role, Stance};

    /// Two parties and a mediator; `level` continuous on [0, 20] (sq 20), `sanctions` discrete
    /// (sq `full`).
    pub(crate) fn scenario() -> Scenario {
        let mut s = Scenario {
            actors: vec![
                Actor::new("us", "US", Role::Party, 1.0),
                Actor::new("iran", "Iran", Role::Party, 0.6),
                Actor::new("oman", "Oman", Role::Mediator, 0.2),
            ],
            issues: vec![
                Issue::continuous("level", 0.0, 20.0, 20.0),
                Issue::discrete(
                    "sanctions",
                    vec!["none".into(), "partial".into(), "full".into()],
                    2,
                ),
            ],
            ..Default::default()
        };
        let stance = |actor, issue, pos: f64| Stance {
            actor,
            issue,
            position: Param::fixed(pos),
            salience: Param::fixed(0.5),
            shape: Default::default(),
            red_line: None,
        };
        s.stances = vec![
            stance(0, 0, 3.67),
            stance(1, 0, 20.0),
            stance(2, 0, 10.0),
            stance(0, 1, 2.0),
        ];
        s
    }

    const GOOD: &str = r#"format = 1
class = "deal"
date = "2015-07-14"
summary = "JCPOA agreed in Vienna"
label_note = "comprehensive"
[[sources]]
id = "jcpoa-text"
citation = "Joint Comprehensive Plan of Action"
url = "https://example.invalid/jcpoa"
[[sources]]
id = "press"
citation = "Press reports"
[[issues]]
id = "level"
status = "settled"
value = 3.67
date = "2015-07-14"
source = "jcpoa-text"
[[issues]]
id = "sanctions"
status = "settled"
value = "partial"
"#;

    fn errors(src: &str) -> Vec<Problem> {
        match parse_outcome(src, "o.toml", &scenario()) {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid { problems, .. }) => problems.errors().cloned().collect(),
            Err(e) => panic!("{e}"),
        }
    }

    /// The one error of `src`, with its field, line and column.
    fn one_error(src: &str) -> Problem {
        let e = errors(src);
        assert_eq!(e.len(), 1, "{e:#?}");
        e.into_iter().next().expect("one")
    }

    #[test]
    fn reads_a_complete_outcome() {
        let (o, warnings) = parse_outcome(GOOD, "o.toml", &scenario()).expect("valid");
        assert!(warnings.items.is_empty(), "{warnings}");
        assert_eq!(o.class, Class4::Deal);
        assert_eq!(o.date, "2015-07-14");
        assert_eq!(o.summary, "JCPOA agreed in Vienna");
        assert_eq!(o.label_note, "comprehensive");
        assert_eq!(o.sources.len(), 2);
        assert_eq!(o.sources[0].id, "jcpoa-text");
        assert_eq!(
            o.sources[0].url.as_deref(),
            Some("https://example.invalid/jcpoa")
        );
        assert_eq!(o.sources[1].url, None);
        assert_eq!(
            o.issues,
            vec![
                IssueOutcome {
                    issue: 0,
                    status: Status::Settled,
                    value: Some(3.67),
                    date: Some("2015-07-14".into()),
                    source: Some("jcpoa-text".into()),
                },
                IssueOutcome {
                    issue: 1,
                    status: Status::Settled,
                    value: Some(1.0),
                    date: None,
                    source: None,
                },
            ]
        );
        assert_eq!(o.issue(1).map(|i| i.value), Some(Some(1.0)));
        assert!(o.issue(2).is_none());
    }

    #[test]
    fn class_words_and_indices() {
        for (k, c) in Class4::ALL.iter().enumerate() {
            assert_eq!(c.index(), k);
            assert_eq!(Class4::from_name(c.as_str()), Some(*c));
        }
        assert_eq!(Class4::Stalemate.index(), 2);
        assert_eq!(Class4::Breakdown.as_str(), "breakdown");
        assert_eq!(Class4::from_name("Deal"), None);
    }

    #[test]
    fn minimal_outcome_with_bom_crlf_and_option_index() {
        let src = "\u{feff}format = 1\r\nclass = \"stalemate\"\r\ndate = \"2016-02-29\"\r\nsummary = \"\"\r\n[[issues]]\r\nid = \"sanctions\"\r\nstatus = \"settled\"\r\nvalue = 0\r\n[[issues]]\r\nid = \"level\"\r\nstatus = \"deferred\"\r\n";
        let (o, _) = parse_outcome(src, "o.toml", &scenario()).expect("valid");
        assert_eq!(o.class, Class4::Stalemate);
        assert!(o.sources.is_empty());
        assert_eq!(o.issues[0].value, Some(0.0));
        assert_eq!(o.issues[1].status, Status::Deferred);
        assert_eq!(o.issues[1].value, None);
    }

    #[test]
    fn missing_format_is_a_warning_and_a_wrong_one_an_error() {
        let src = GOOD.replace("format = 1\n", "");
        let (_, w) = parse_outcome(&src, "o.toml", &scenario()).expect("valid");
        assert_eq!(w.items.len(), 1);
        assert_eq!(w.items[0].field, "format");
        assert!(!w.has_errors());
        let e = one_error(&GOOD.replace("format = 1", "format = 2"));
        assert_eq!((e.field.as_str(), e.line, e.column), ("format", 1, 10));
    }

    #[test]
    fn bad_toml_is_located() {
        let e = one_error("format = 1\nclass = \"deal\n");
        assert!(e.message.starts_with("not valid TOML"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let e = one_error(&GOOD.replace("label_note =", "lable_note ="));
        assert_eq!(e.field, "lable_note");
        assert_eq!((e.line, e.column), (5, 1));
        assert!(e.message.contains("did you mean `label_note`"), "{e}");
        let e = one_error(&GOOD.replace(
            "status = \"settled\"\nvalue = \"partial\"",
            "status = \"settled\"\nvalu = \"partial\"\nvalue = 1",
        ));
        assert_eq!(e.field, "issues[1].valu");
        assert_eq!((e.line, e.column), (22, 1));
        assert!(e.message.contains("did you mean `value`"), "{e}");
        let e = one_error(&GOOD.replace(
            "citation = \"Press reports\"",
            "citation = \"P\"\nulr = \"x\"",
        ));
        assert_eq!(e.field, "sources[1].ulr");
        assert!(e.message.contains("did you mean `url`"), "{e}");
    }

    #[test]
    fn missing_class_and_date_are_errors_at_the_file_start() {
        let src = GOOD
            .replace("class = \"deal\"\n", "")
            .replace("date = \"2015-07-14\"\nsummary", "summary");
        let e = errors(&src);
        let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["class", "date"]);
        assert!(e.iter().all(|p| (p.line, p.column) == (1, 1)), "{e:?}");
        assert!(e[0].message.contains("missing required key `class`"));
        let e = one_error(&GOOD.replace("summary = \"JCPOA agreed in Vienna\"\n", ""));
        assert_eq!(e.field, "summary");
    }

    #[test]
    fn unknown_class_suggests_the_closest() {
        let e = one_error(&GOOD.replace("class = \"deal\"", "class = \"dael\""));
        assert_eq!((e.field.as_str(), e.line, e.column), ("class", 2, 9));
        assert!(e.message.contains("unknown class `dael`"), "{e}");
        assert!(e.message.contains("did you mean `deal`"), "{e}");
        let e = one_error(&GOOD.replace("class = \"deal\"", "class = 3"));
        assert!(e.message.contains("found an integer"), "{e}");
    }

    #[test]
    fn dates_are_checked_for_shape_month_and_day() {
        assert!(check_date("2015-07-14").is_ok());
        assert!(check_date("2016-02-29").is_ok());
        assert!(check_date("2000-02-29").is_ok());
        assert!(check_date("1900-02-29")
            .unwrap_err()
            .contains("has 28 days"));
        assert!(check_date("2015-02-29").is_err());
        assert!(check_date("2015-04-31")
            .unwrap_err()
            .contains("has 30 days"));
        assert!(check_date("2015-13-01").unwrap_err().contains("month 13"));
        assert!(check_date("2015-00-01").is_err());
        assert!(check_date("2015-07-00").is_err());
        assert!(check_date("2015-7-14").unwrap_err().contains("YYYY-MM-DD"));
        assert!(check_date("2015/07/14").is_err());
        assert!(check_date("2015-07-14T00").is_err());
        assert!(check_date("２015-07-14").is_err());
        let e = one_error(&GOOD.replace(
            "date = \"2015-07-14\"\nsummary",
            "date = \"2015-06-31\"\nsummary",
        ));
        assert_eq!((e.field.as_str(), e.line, e.column), ("date", 3, 8));
        let e = one_error(&GOOD.replace(
            "date = \"2015-07-14\"\nsummary",
            "date = 2015-07-14\nsummary",
        ));
        assert!(e.message.contains("in quotes"), "{e}");
        let e = one_error(&GOOD.replace(
            "date = \"2015-07-14\"\nsource",
            "date = \"14.07.2015\"\nsource",
        ));
        assert_eq!((e.field.as_str(), e.line), ("issues[0].date", 17));
    }

    #[test]
    fn unknown_and_duplicate_issues() {
        let e = one_error(&GOOD.replace("id = \"level\"", "id = \"levle\""));
        assert_eq!(
            (e.field.as_str(), e.line, e.column),
            ("issues[0].id", 14, 6)
        );
        assert!(e.message.contains("unknown issue `levle`"), "{e}");
        assert!(e.message.contains("did you mean `level`"), "{e}");
        assert!(e.message.contains("level, sanctions"), "{e}");
        let e = one_error(&GOOD.replace(
            "id = \"sanctions\"\nstatus = \"settled\"\nvalue = \"partial\"",
            "id = \"level\"\nstatus = \"deferred\"",
        ));
        assert_eq!((e.field.as_str(), e.line), ("issues[1].id", 20));
        assert!(e.message.contains("first given in issues[0]"), "{e}");
    }

    #[test]
    fn unknown_status() {
        let e = one_error(&GOOD.replace(
            "status = \"settled\"\nvalue = \"partial\"",
            "status = \"setled\"\nvalue = \"partial\"",
        ));
        assert_eq!(
            (e.field.as_str(), e.line, e.column),
            ("issues[1].status", 21, 10)
        );
        assert!(e.message.contains("did you mean `settled`"), "{e}");
    }

    #[test]
    fn settled_needs_a_value_and_only_settled_may_have_one() {
        let e = one_error(&GOOD.replace("value = \"partial\"\n", ""));
        assert_eq!(
            (e.field.as_str(), e.line, e.column),
            ("issues[1].value", 19, 1)
        );
        assert!(e.message.contains("missing required key `value`"), "{e}");
        assert!(e.message.contains("none, partial, full"), "{e}");
        let e = errors(&GOOD.replace(
            "status = \"settled\"\nvalue = 3.67",
            "status = \"unsettled\"\nvalue = 3.67",
        ));
        let fields: Vec<(&str, usize)> = e.iter().map(|p| (p.field.as_str(), p.line)).collect();
        assert_eq!(
            fields,
            vec![("issues[0].value", 16), ("issues[0].date", 17)]
        );
        assert!(e[0].message.contains("issue `level` is unsettled"), "{e:?}");
    }

    #[test]
    fn values_are_checked_against_the_issue() {
        let e = one_error(&GOOD.replace("value = 3.67", "value = 25"));
        assert_eq!(
            (e.field.as_str(), e.line, e.column),
            ("issues[0].value", 16, 9)
        );
        assert!(
            e.message
                .contains("outside the range of issue `level` [0, 20]"),
            "{e}"
        );
        assert!(errors(&GOOD.replace("value = 3.67", "value = -0.5")).len() == 1);
        assert!(errors(&GOOD.replace("value = 3.67", "value = 20")).is_empty());
        let e = one_error(&GOOD.replace("value = 3.67", "value = \"low\""));
        assert!(e.message.contains("a number in [0, 20]"), "{e}");
        let e = one_error(&GOOD.replace("value = 3.67", "value = nan"));
        assert!(e.message.contains("finite"), "{e}");
        let e = one_error(&GOOD.replace("value = \"partial\"", "value = \"parital\""));
        assert_eq!((e.field.as_str(), e.line), ("issues[1].value", 22));
        assert!(e.message.contains("did you mean `partial`"), "{e}");
        let e = one_error(&GOOD.replace("value = \"partial\"", "value = 3"));
        assert!(e.message.contains("from 0 to 2"), "{e}");
        assert!(errors(&GOOD.replace("value = \"partial\"", "value = 1.5")).len() == 1);
        assert!(errors(&GOOD.replace("value = \"partial\"", "value = -1")).len() == 1);
        assert!(errors(&GOOD.replace("value = \"partial\"", "value = true")).len() == 1);
        let (o, _) = parse_outcome(
            &GOOD.replace("value = \"partial\"", "value = 2"),
            "o.toml",
            &scenario(),
        )
        .expect("index");
        assert_eq!(o.issues[1].value, Some(2.0));
    }

    #[test]
    fn sources_must_be_declared_once() {
        let e = one_error(&GOOD.replace("source = \"jcpoa-text\"", "source = \"jcpoa\""));
        assert_eq!(
            (e.field.as_str(), e.line, e.column),
            ("issues[0].source", 18, 10)
        );
        assert!(e.message.contains("source `jcpoa` is not declared"), "{e}");
        assert!(e.message.contains("jcpoa-text, press"), "{e}");
        let e = one_error(&GOOD.replace("id = \"press\"", "id = \"jcpoa-text\""));
        assert_eq!((e.field.as_str(), e.line), ("sources[1].id", 11));
        assert!(e.message.contains("duplicate source id"), "{e}");
        let e = one_error(&GOOD.replace("citation = \"Press reports\"\n", ""));
        assert_eq!(e.field, "sources[1].citation");
        assert_eq!(e.line, 10);
    }

    #[test]
    fn several_errors_are_reported_at_once() {
        let src = GOOD
            .replace("class = \"deal\"", "class = \"peace\"")
            .replace("value = 3.67", "value = 99")
            .replace("source = \"jcpoa-text\"", "source = \"nope\"");
        let e = errors(&src);
        let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["class", "issues[0].value", "issues[0].source"]);
        assert!(e.iter().all(|p| p.line > 0 && p.column > 0), "{e:?}");
        assert!(e.iter().all(|p| p.file == "o.toml"));
    }

    #[test]
    fn inline_arrays_of_tables_and_wrong_types() {
        let src = "format = 1\nclass = \"breakdown\"\ndate = \"2019-05-08\"\nsummary = \"s\"\nissues = [{ id = \"level\", status = \"unsettled\" }]\n";
        let (o, _) = parse_outcome(src, "o.toml", &scenario()).expect("inline");
        assert_eq!(o.issues[0].status, Status::Unsettled);
        let e = one_error(&src.replace(
            "issues = [{ id = \"level\", status = \"unsettled\" }]",
            "issues = 3",
        ));
        assert_eq!(e.field, "issues");
        assert!(e.message.contains("array of tables"), "{e}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located() {
        let mut bytes = b"format = 1\nclass = \"".to_vec();
        bytes.push(0xff);
        match parse_outcome_bytes(&bytes, "o.toml", &scenario()) {
            Err(LoadError::Invalid { problems, .. }) => {
                assert_eq!(problems.items[0].line, 2);
                assert!(problems.items[0].message.contains("UTF-8"));
            }
            other => panic!("{other:?}"),
        }
    }
}
