//! Decoding a scenario from TOML text, recording the span of every field for diagnostics.

use std::collections::HashMap;
use std::ops::Range;

use toml_edit::{ImDocument, Item, Value};

use crate::diag::{LoadError, Problem, Problems};
use crate::model::*;
use crate::validate::validate;

use super::toml_util::{closest, item_span, type_name, Fields, Tab};

/// Byte spans of the fields read from a file, keyed by dotted field path (`actors[0].capability`).
#[derive(Debug, Clone, Default)]
pub struct SpanMap(pub HashMap<String, Range<usize>>);

impl SpanMap {
    /// The span of `field`, or of its closest recorded parent (`a[0].b.c` → `a[0].b` → `a[0]`).
    pub fn find(&self, field: &str) -> Option<Range<usize>> {
        let mut f = field;
        loop {
            if let Some(s) = self.0.get(f) {
                return Some(s.clone());
            }
            let cut = f.rfind(['.', '['])?;
            f = &f[..cut];
        }
    }
}

/// Like [`parse_toml`], for raw bytes: non-UTF-8 input is rejected with the location of the first bad byte.
pub fn parse_toml_bytes(bytes: &[u8], file: &str) -> Result<(Scenario, Problems), LoadError> {
    parse_toml(crate::diag::decode_utf8(bytes, file)?, file)
}

/// Parses and validates a scenario; returns it with its warnings, or every error found.
///
/// `file` names the source in diagnostics. A leading UTF-8 BOM and CRLF line ends are accepted.
pub fn parse_toml(src: &str, file: &str) -> Result<(Scenario, Problems), LoadError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut d = Decoder {
        file,
        src,
        lines: crate::diag::LineIndex::new(src),
        problems: Problems::new(),
        spans: SpanMap::default(),
        typos: Default::default(),
    };
    let scenario = d.document();
    if let Some(s) = &scenario {
        let decode_fields: Vec<String> = d.problems.errors().map(|p| p.field.clone()).collect();
        for p in validate(s).items {
            // A list that lost entries to decode errors is not reported again as empty.
            let covered = decode_fields
                .iter()
                .any(|f| *f == p.field || f.starts_with(&format!("{}[", p.field)));
            if covered {
                continue;
            }
            let p = match d.spans.find(&p.field) {
                Some(span) => Problem {
                    file: file.to_string(),
                    ..p
                }
                .spanned_in(&d.lines, span),
                None => Problem {
                    file: file.to_string(),
                    ..p
                },
            };
            d.problems.push(p);
        }
    }
    let Decoder { problems, .. } = d;
    match scenario {
        Some(s) if !problems.has_errors() => Ok((s, problems)),
        _ => Err(LoadError::Invalid {
            file: file.to_string(),
            source_text: src.to_string(),
            problems,
        }),
    }
}

struct Decoder<'a> {
    file: &'a str,
    src: &'a str,
    lines: crate::diag::LineIndex<'a>,
    problems: Problems,
    spans: SpanMap,
    /// Fields whose key was misspelt (`actors[0].capabilty` reported as a typo of
    /// `actors[0].capability`): not reported again as missing.
    typos: std::collections::HashSet<String>,
}

impl Fields for Decoder<'_> {
    fn error(&mut self, span: Option<Range<usize>>, field: &str, msg: String) {
        self.err(span, field, msg);
    }

    fn found(&mut self, field: &str, span: &Range<usize>) {
        self.spans.0.insert(field.to_string(), span.clone());
    }

    fn misspelt(&self, field: &str) -> bool {
        self.typos.contains(field)
    }

    fn note_misspelt(&mut self, field: String) {
        self.typos.insert(field);
    }
}

impl<'a> Decoder<'a> {
    fn err(&mut self, span: Option<Range<usize>>, field: &str, msg: impl Into<String>) {
        let p = Problem::error(self.file, field, msg);
        let p = match span {
            Some(s) => p.spanned_in(&self.lines, s),
            None => p,
        };
        self.problems.push(p);
    }

    fn warn(&mut self, span: Option<Range<usize>>, field: &str, msg: impl Into<String>) {
        let p = Problem::warning(self.file, field, msg);
        let p = match span {
            Some(s) => p.spanned_in(&self.lines, s),
            None => p,
        };
        self.problems.push(p);
    }

    fn document(&mut self) -> Option<Scenario> {
        let doc = match ImDocument::parse(self.src) {
            Ok(d) => d,
            Err(e) => {
                let msg = e.message().trim().to_string();
                self.err(e.span(), "", format!("not valid TOML: {msg}"));
                return None;
            }
        };
        let root = Tab::new(doc.as_table(), None, String::new());
        self.check_keys(
            &root,
            &[
                "format",
                "meta",
                "actors",
                "issues",
                "positions",
                "events",
                "threats",
                "protocol",
                "outcomes",
                "models",
            ],
        );
        if !root.t.contains_key("format") {
            self.warn(
                Some(0..0),
                "format",
                "no `format` version given; reading as format = 1",
            );
        }
        if let Some((item, span)) = self.get(&root, "format") {
            match item.as_integer() {
                Some(v) if v == super::FORMAT_VERSION => {}
                Some(v) => self.err(
                    span,
                    "format",
                    format!("unsupported format version {v}; this build reads version 1"),
                ),
                None => self.err(
                    span,
                    "format",
                    format!(
                        "expected an integer format version, found {}",
                        type_name(item)
                    ),
                ),
            }
        }
        let mut s = Scenario::default();
        if let Some(t) = self.table(&root, "meta", true) {
            s.meta = self.meta(&t);
        }
        let actor_tabs = self.tables(&root, "actors", true);
        if actor_tabs.as_ref().is_some_and(|v| v.is_empty()) {
            self.err(
                item_span(root.t.get("actors").unwrap_or(&Item::None)),
                "actors",
                "the actor list is empty; expected at least one [[actors]] table",
            );
        }
        // Past the limits, stop before the per-entry work (references are looked up by id).
        let n_actors = actor_tabs.as_ref().map_or(0, Vec::len);
        let n_issues = root
            .t
            .get("issues")
            .and_then(|i| i.as_array_of_tables())
            .map_or(0, |a| a.len());
        let over = [
            ("actors", crate::limits::too_many_actors(n_actors)),
            ("issues", crate::limits::too_many_issues(n_issues)),
        ];
        if over.iter().any(|(_, m)| m.is_some()) {
            for (list, msg) in over {
                if let Some(msg) = msg {
                    let span = item_span(root.t.get(list).unwrap_or(&Item::None));
                    self.err(span, list, msg);
                }
            }
            return None;
        }
        for t in actor_tabs.iter().flatten() {
            if let Some(a) = self.actor(t) {
                s.actors.push(a);
            }
        }
        self.duplicates(s.actors.iter().map(|a| a.id.as_str()), "actors");
        let issue_tabs = self.tables(&root, "issues", true);
        if issue_tabs.as_ref().is_some_and(|v| v.is_empty()) {
            self.err(
                item_span(root.t.get("issues").unwrap_or(&Item::None)),
                "issues",
                "the issue list is empty; expected at least one [[issues]] table",
            );
        }
        for t in issue_tabs.iter().flatten() {
            if let Some(i) = self.issue(t, &s) {
                s.issues.push(i);
            }
        }
        self.duplicates(s.issues.iter().map(|i| i.id.as_str()), "issues");
        let mut seen_stances = std::collections::HashSet::new();
        for t in self.tables(&root, "positions", false).iter().flatten() {
            if let Some(st) = self.stance(t, &s) {
                if !seen_stances.insert((st.actor, st.issue)) {
                    let field = format!("{}.issue", t.path);
                    let span = self.spans.find(&field);
                    self.err(
                        span,
                        &field,
                        format!(
                            "duplicate position of `{}` on `{}`; each actor has at most one position per issue",
                            s.actors[st.actor].id, s.issues[st.issue].id
                        ),
                    );
                } else {
                    s.stances.push(st);
                }
            }
        }
        for t in self.tables(&root, "events", false).iter().flatten() {
            if let Some(e) = self.event(t, &s) {
                s.events.push(e);
            }
        }
        self.duplicates(s.events.iter().map(|e| e.id.as_str()), "events");
        for t in self.tables(&root, "threats", false).iter().flatten() {
            if let Some(th) = self.threat(t, &s) {
                s.threats.push(th);
            }
        }
        self.duplicates(s.threats.iter().map(|t| t.id.as_str()), "threats");
        if let Some(t) = self.table(&root, "protocol", false) {
            s.protocol = self.protocol(&t, &s);
        }
        if let Some(t) = self.table(&root, "outcomes", false) {
            s.outcomes = self.outcome_rules(&t, &s);
        }
        if let Some((item, span)) = self.get(&root, "models") {
            if item.is_table_like() {
                match toml::from_str::<toml::Table>(self.src) {
                    Ok(mut all) => {
                        if let Some(toml::Value::Table(m)) = all.remove("models") {
                            s.models = m;
                        }
                    }
                    Err(e) => self.err(
                        span,
                        "models",
                        format!("cannot read model settings: {}", e.message()),
                    ),
                }
            } else {
                self.err(
                    span,
                    "models",
                    format!(
                        "expected a table of model settings, found {}",
                        type_name(item)
                    ),
                );
            }
        }
        Some(s)
    }

    fn duplicates<'s>(&mut self, ids: impl Iterator<Item = &'s str>, list: &str) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (k, id) in ids.enumerate() {
            if let Some(first) = seen.get(id) {
                let field = format!("{list}[{k}].id");
                let span = self.spans.find(&field);
                self.err(
                    span,
                    &field,
                    format!("duplicate id `{id}` (first used by {list}[{first}])"),
                );
            } else {
                seen.insert(id, k);
            }
        }
    }

    fn table<'t>(&mut self, t: &Tab<'t>, key: &str, required: bool) -> Option<Tab<'t>> {
        let Some((item, span)) = self.get(t, key) else {
            if required {
                self.missing(t, key, "a table");
            }
            return None;
        };
        let field = t.field(key);
        match item.as_table_like() {
            Some(tl) => Some(Tab::new(tl, span, field)),
            None => {
                self.err(
                    span,
                    &field,
                    format!("expected a table, found {}", type_name(item)),
                );
                None
            }
        }
    }

    fn strings(&mut self, t: &Tab, key: &str) -> Vec<String> {
        let Some((item, span)) = self.get(t, key) else {
            return Vec::new();
        };
        let field = t.field(key);
        match item.as_array() {
            Some(a) => {
                let mut out = Vec::new();
                for (i, v) in a.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => {
                            if let Some(sp) = v.span() {
                                self.spans.0.insert(format!("{field}[{i}]"), sp);
                            }
                            out.push(s.to_string())
                        }
                        None => self.err(v.span(), &format!("{field}[{i}]"), "expected a string"),
                    }
                }
                out
            }
            None => {
                self.err(
                    span,
                    &field,
                    format!("expected an array of strings, found {}", type_name(item)),
                );
                Vec::new()
            }
        }
    }

    fn number_value(&mut self, v: &Value, field: &str) -> Option<f64> {
        let x = match v {
            Value::Integer(i) => *i.value() as f64,
            Value::Float(f) => *f.value(),
            _ => {
                self.err(
                    v.span(),
                    field,
                    format!(
                        "expected a number, found {}",
                        type_name(&Item::Value(v.clone()))
                    ),
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.err(
                v.span(),
                field,
                format!("expected a finite number, found {}", crate::format_input(x)),
            );
            return None;
        }
        Some(x)
    }

    fn number(&mut self, t: &Tab, key: &str, required: bool) -> Option<f64> {
        let Some((item, span)) = self.get(t, key) else {
            if required {
                self.missing(t, key, "a number");
            }
            return None;
        };
        let field = t.field(key);
        match item.as_value() {
            Some(v) => self.number_value(v, &field),
            None => {
                self.err(
                    span,
                    &field,
                    format!("expected a number, found {}", type_name(item)),
                );
                None
            }
        }
    }

    fn integer(&mut self, t: &Tab, key: &str, min: i64) -> Option<u32> {
        let (item, span) = self.get(t, key)?;
        let field = t.field(key);
        match item.as_integer() {
            Some(v) if v >= min && v <= u32::MAX as i64 => Some(v as u32),
            Some(v) => {
                self.err(
                    span,
                    &field,
                    format!("expected an integer ≥ {min}, found {v}"),
                );
                None
            }
            None => {
                self.err(
                    span,
                    &field,
                    format!("expected an integer, found {}", type_name(item)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, t: &Tab, key: &str) -> Option<bool> {
        let (item, span) = self.get(t, key)?;
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                let field = t.field(key);
                self.err(
                    span,
                    &field,
                    format!("expected true or false, found {}", type_name(item)),
                );
                None
            }
        }
    }

    /// A number or a distribution table; `scale` turns option labels into indices for discrete issues.
    fn param(
        &mut self,
        t: &Tab,
        key: &str,
        required: bool,
        scale: Option<&Issue>,
    ) -> Option<Param> {
        let Some((item, span)) = self.get(t, key) else {
            if required {
                self.missing(
                    t,
                    key,
                    "a number or a distribution such as { low = 0.5, mode = 0.7, high = 0.9 }",
                );
            }
            return None;
        };
        let field = t.field(key);
        if let Some(tl) = item.as_table() {
            let tab = Tab::new(tl, span, field.clone());
            return self.param_table(tab, &field, scale);
        }
        let Some(v) = item.as_value() else {
            self.err(
                span,
                &field,
                format!(
                    "expected a number or a distribution, found {}",
                    type_name(item)
                ),
            );
            return None;
        };
        self.param_value(v, &field, scale)
    }

    fn scalar(&mut self, v: &Value, field: &str, scale: Option<&Issue>) -> Option<f64> {
        if let (Value::String(s), Some(issue)) = (v, scale) {
            return match issue.options() {
                Some(opts) => match opts.iter().position(|o| o == s.value()) {
                    Some(i) => Some(i as f64),
                    None => {
                        self.err(
                            v.span(),
                            field,
                            format!(
                                "unknown option `{}` of issue `{}`; expected one of: {}",
                                s.value(),
                                issue.id,
                                opts.join(", ")
                            ),
                        );
                        None
                    }
                },
                None => {
                    self.err(v.span(), field, format!("expected a number on the scale of continuous issue `{}`, found a string", issue.id));
                    None
                }
            };
        }
        self.number_value(v, field)
    }

    fn param_value(&mut self, v: &Value, field: &str, scale: Option<&Issue>) -> Option<Param> {
        let Some(it) = v.as_inline_table() else {
            return self.scalar(v, field, scale).map(Param::fixed);
        };
        let tab = Tab::new(it, v.span(), field.to_string());
        self.param_table(tab, field, scale)
    }

    /// A distribution written as a table (inline `{ low = …, high = … }` or a `[x.field]` section).
    fn param_table(&mut self, tab: Tab, field: &str, scale: Option<&Issue>) -> Option<Param> {
        let span = tab.span.clone();
        self.check_keys(&tab, &["value", "low", "mode", "high", "mean", "sd"]);
        let get = |d: &mut Self, k: &str| -> Option<f64> {
            let (item, _) = d.get(&tab, k)?;
            let f = format!("{field}.{k}");
            item.as_value().and_then(|v| d.scalar(v, &f, scale))
        };
        let (value, low, mode, high, mean, sd) = (
            get(self, "value"),
            get(self, "low"),
            get(self, "mode"),
            get(self, "high"),
            get(self, "mean"),
            get(self, "sd"),
        );
        let bad = |d: &mut Self, msg: &str| {
            d.err(span.clone(), field, msg.to_string());
            None
        };
        if value.is_some() && mode.is_some() {
            return bad(
                self,
                "give `value` or `mode`, not both: each names the most likely value",
            );
        }
        let dist = match (low, mode.or(value), high, mean, sd) {
            (Some(l), None, Some(h), None, None) => Dist::Uniform { low: l, high: h },
            (Some(l), Some(m), Some(h), None, None) => Dist::Triangular { low: l, mode: m, high: h },
            (None, None, None, Some(m), Some(s)) => Dist::Normal { mean: m, sd: s },
            // `{ value = x }` and `{ mode = x }` alike: a fixed x.
            (None, Some(x), None, None, None) => return Some(Param::fixed(x)),
            _ => {
                return bad(
                    self,
                    "expected a distribution: { low, high } (uniform), { low, mode, high } (triangular) or { mean, sd } (normal)",
                )
            }
        };
        match dist {
            Dist::Uniform { low, high } if low > high => {
                return bad(
                    self,
                    &format!(
                        "low {} is above high {}",
                        crate::format_input(low),
                        crate::format_input(high)
                    ),
                )
            }
            Dist::Triangular { low, mode, high } if !(low <= mode && mode <= high) => {
                return bad(
                    self,
                    &format!(
                        "expected low ≤ mode ≤ high, found {}, {}, {}",
                        crate::format_input(low),
                        crate::format_input(mode),
                        crate::format_input(high)
                    ),
                )
            }
            Dist::Normal { sd, .. } if sd <= 0.0 => {
                return bad(
                    self,
                    &format!("sd must be > 0, found {}", crate::format_input(sd)),
                )
            }
            _ => {}
        }
        Some(Param {
            value: dist.center(),
            dist: Some(dist),
        })
    }

    fn meta(&mut self, t: &Tab) -> Meta {
        self.check_keys(t, &["title", "date", "as_of", "description", "sources"]);
        let as_of = self.string(t, "as_of", false);
        if let Some(d) = &as_of {
            if crate::model::parse_iso_date(d).is_none() {
                let f = t.field("as_of");
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    format!("`{d}` is not a date; expected YYYY-MM-DD (e.g. \"2026-02-07\")"),
                );
            }
        }
        let mut m = Meta {
            title: self.string(t, "title", true).unwrap_or_default(),
            date: self.string(t, "date", false).unwrap_or_default(),
            as_of,
            description: self.string(t, "description", false).unwrap_or_default(),
            sources: Vec::new(),
        };
        for s in self.tables(t, "sources", false).iter().flatten() {
            self.check_keys(s, &["id", "citation", "url"]);
            // An id is optional; when given it follows the rule of every other id.
            let id = if self.get(s, "id").is_some() {
                self.id(s, "id").unwrap_or_default()
            } else {
                String::new()
            };
            m.sources.push(Source {
                id,
                citation: self.string(s, "citation", true).unwrap_or_default(),
                url: self.string(s, "url", false),
            });
        }
        m
    }

    fn actor(&mut self, t: &Tab) -> Option<Actor> {
        self.check_keys(
            t,
            &[
                "id",
                "name",
                "role",
                "capability",
                "risk",
                "pressures",
                "batna",
                "discount",
                "war_cost",
                "ratify",
                "spoiler",
                "notes",
            ],
        );
        let id = self.id(t, "id");
        let name = self.string(t, "name", false);
        let role = match self.get(t, "role") {
            None => Role::Party,
            Some((item, span)) => match item.as_str() {
                Some("party") => Role::Party,
                Some("mediator") => Role::Mediator,
                Some("stakeholder") => Role::Stakeholder,
                _ => {
                    let f = t.field("role");
                    self.err(
                        span,
                        &f,
                        format!(
                            "expected `party`, `mediator` or `stakeholder`, found {}",
                            show(item)
                        ),
                    );
                    Role::Party
                }
            },
        };
        let capability = self.param(t, "capability", true, None);
        let risk = self.param(t, "risk", false, None);
        let pressures = self.strings(t, "pressures");
        let batna = self.param(t, "batna", false, None);
        let discount = self.number(t, "discount", false);
        let war_cost = self.param(t, "war_cost", false, None);
        let spoiler = self.param(t, "spoiler", false, None);
        let ratify = self.table(t, "ratify", false).map(|r| {
            self.check_keys(&r, &["by", "threshold"]);
            if !r.t.contains_key("by") {
                self.missing(&r, "by", "a list of the domestic actors' ids");
            }
            Ratify {
                by: self.strings(&r, "by"),
                threshold: self.number(&r, "threshold", false).unwrap_or(0.5),
            }
        });
        let notes = self.string(t, "notes", false).unwrap_or_default();
        let id = id?;
        // A missing or bad capability is an error already reported: the actor is kept with a
        // stand-in so that references to it and the rest of the file are still checked.
        let capability = capability.unwrap_or(Param::fixed(1.0));
        Some(Actor {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            role,
            capability,
            risk,
            pressures,
            batna,
            discount,
            war_cost,
            ratify,
            spoiler,
            notes,
        })
    }

    fn threat(&mut self, t: &Tab, s: &Scenario) -> Option<Threat> {
        self.check_keys(
            t,
            &[
                "id",
                "description",
                "by",
                "against",
                "round",
                "stalled",
                "credibility",
            ],
        );
        let id = self.id(t, "id");
        let description = self.string(t, "description", false).unwrap_or_default();
        let ids: Vec<&str> = s.actors.iter().map(|a| a.id.as_str()).collect();
        let by = self.reference(t, "by", "actor", ids.clone());
        let against = self.reference(t, "against", "actor", ids);
        let round = self.integer(t, "round", 1);
        let stalled = self.integer(t, "stalled", 1);
        let credibility = self
            .param(t, "credibility", false, None)
            .unwrap_or(Param::fixed(1.0));
        Some(Threat {
            id: id?,
            description,
            by: by?,
            against: against?,
            round,
            stalled,
            credibility,
        })
    }

    fn issue(&mut self, t: &Tab, s: &Scenario) -> Option<Issue> {
        self.check_keys(
            t,
            &[
                "id",
                "name",
                "description",
                "kind",
                "min",
                "max",
                "unit",
                "options",
                "status_quo",
                "off_agenda",
            ],
        );
        let id = self.id(t, "id");
        let name = self.string(t, "name", false);
        let description = self.string(t, "description", false).unwrap_or_default();
        let kind_word = self.string(t, "kind", false);
        let has_options = t.t.contains_key("options");
        let discrete = match kind_word.as_deref() {
            None => has_options,
            Some("discrete") => true,
            Some("continuous") => false,
            Some(other) => {
                let f = t.field("kind");
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    format!("expected `continuous` or `discrete`, found `{other}`"),
                );
                has_options
            }
        };
        let kind = if discrete {
            for k in ["min", "max", "unit"] {
                if let Some((_, span)) = self.get(t, k) {
                    let f = t.field(k);
                    self.err(span, &f, format!("`{k}` applies to continuous issues only; a discrete issue lists `options`"));
                }
            }
            let options = self.strings(t, "options");
            if options.is_empty() {
                let f = t.field("options");
                let span = self.spans.find(&f).or_else(|| t.span.clone());
                self.err(
                    span,
                    &f,
                    "a discrete issue needs a non-empty list of options",
                );
                return None;
            }
            IssueKind::Discrete { options }
        } else {
            let min = self.number(t, "min", true);
            let max = self.number(t, "max", true);
            let unit = self.string(t, "unit", false);
            IssueKind::Continuous {
                min: min?,
                max: max?,
                unit,
            }
        };
        let id = id?;
        let mut issue = Issue {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            description,
            kind,
            status_quo: Param::fixed(0.0),
            off_agenda_for: Vec::new(),
        };
        issue.status_quo = self.param(t, "status_quo", true, Some(&issue))?;
        issue.off_agenda_for = self.strings(t, "off_agenda");
        for (k, a) in issue.off_agenda_for.iter().enumerate() {
            if s.actor_index(a).is_none() {
                let f = format!("{}.off_agenda[{k}]", t.path);
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    unknown_ref("actor", a, s.actors.iter().map(|a| a.id.as_str())),
                );
            }
        }
        Some(issue)
    }

    fn reference(&mut self, t: &Tab, key: &str, kind: &str, ids: Vec<&str>) -> Option<usize> {
        let name = self.string(t, key, true)?;
        match ids.iter().position(|i| *i == name) {
            Some(i) => Some(i),
            None => {
                let f = t.field(key);
                let span = self.spans.find(&f);
                self.err(span, &f, unknown_ref(kind, &name, ids.into_iter()));
                None
            }
        }
    }

    fn stance(&mut self, t: &Tab, s: &Scenario) -> Option<Stance> {
        self.check_keys(
            t,
            &[
                "actor", "issue", "position", "salience", "shape", "table", "red_line", "notes",
            ],
        );
        let actor = self.reference(
            t,
            "actor",
            "actor",
            s.actors.iter().map(|a| a.id.as_str()).collect(),
        );
        let issue = self.reference(
            t,
            "issue",
            "issue",
            s.issues.iter().map(|i| i.id.as_str()).collect(),
        );
        let iss = issue.map(|i| &s.issues[i]);
        let position = self.param(t, "position", true, iss);
        let salience = self.param(t, "salience", true, None);
        let _ = self.string(t, "notes", false);
        let shape = match self.string(t, "shape", false).as_deref() {
            None | Some("linear") => Shape::Linear,
            Some("quadratic") => Shape::Quadratic,
            Some("table") => Shape::Table(Vec::new()),
            Some(other) => {
                let f = t.field("shape");
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    format!("expected `linear`, `quadratic` or `table`, found `{other}`"),
                );
                Shape::Linear
            }
        };
        let shape = match (shape, self.get(t, "table")) {
            (Shape::Table(_), Some((item, span))) => {
                Shape::Table(self.table_points(item, span, &t.field("table"), iss)?)
            }
            (Shape::Table(_), None) => {
                self.missing(
                    t,
                    "table",
                    "a list of [value, utility] points for shape = \"table\"",
                );
                return None;
            }
            (sh, Some((_, span))) => {
                let f = t.field("table");
                self.err(span, &f, "`table` needs shape = \"table\"");
                sh
            }
            (sh, None) => sh,
        };
        let red_line = match self.table(t, "red_line", false) {
            Some(rt) => {
                self.check_keys(&rt, &["min", "max"]);
                let get = |d: &mut Self, k: &str| {
                    let (item, _) = d.get(&rt, k)?;
                    let f = format!("{}.{k}", rt.path);
                    item.as_value().and_then(|v| d.scalar(v, &f, iss))
                };
                let r = RedLine {
                    min: get(self, "min"),
                    max: get(self, "max"),
                };
                if r.min.is_none() && r.max.is_none() {
                    self.err(
                        rt.span.clone(),
                        &rt.path,
                        "a red line needs `min`, `max` or both",
                    );
                }
                Some(r)
            }
            None => None,
        };
        Some(Stance {
            actor: actor?,
            issue: issue?,
            position: position?,
            salience: salience?,
            shape,
            red_line,
        })
    }

    fn table_points(
        &mut self,
        item: &Item,
        span: Option<Range<usize>>,
        field: &str,
        iss: Option<&Issue>,
    ) -> Option<Vec<(f64, f64)>> {
        let Some(arr) = item.as_array() else {
            self.err(
                span,
                field,
                format!(
                    "expected an array of [value, utility] pairs, found {}",
                    type_name(item)
                ),
            );
            return None;
        };
        let mut pts = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            let f = format!("{field}[{i}]");
            match v.as_array() {
                Some(pair) if pair.len() == 2 => {
                    let x = pair.get(0).and_then(|x| self.scalar(x, &f, iss));
                    let u = pair.get(1).and_then(|u| self.number_value(u, &f));
                    if let (Some(x), Some(u)) = (x, u) {
                        pts.push((x, u));
                    }
                }
                _ => self.err(v.span(), &f, "expected a [value, utility] pair"),
            }
        }
        if pts.is_empty() {
            self.err(
                span,
                field,
                "a utility table needs at least one [value, utility] point",
            );
            return None;
        }
        if pts.windows(2).any(|w| w[1].0 <= w[0].0) {
            self.err(
                span,
                field,
                "table points must be in strictly increasing order of value",
            );
            return None;
        }
        Some(pts)
    }

    fn event(&mut self, t: &Tab, s: &Scenario) -> Option<Event> {
        self.check_keys(
            t,
            &[
                "id",
                "description",
                "round",
                "date",
                "probability",
                "escalation",
                "effects",
            ],
        );
        let id = self.id(t, "id");
        let description = self.string(t, "description", false).unwrap_or_default();
        let round = self.integer(t, "round", 1);
        let date = self.string(t, "date", false);
        let probability = self
            .param(t, "probability", false, None)
            .unwrap_or(Param::fixed(1.0));
        let escalation = self.boolean(t, "escalation").unwrap_or(false);
        let mut effects = Vec::new();
        for e in self.tables(t, "effects", false).iter().flatten() {
            if let Some(eff) = self.effect(e, s) {
                effects.push(eff);
            }
        }
        Some(Event {
            id: id?,
            description,
            round,
            date,
            probability,
            escalation,
            effects,
        })
    }

    fn effect(&mut self, t: &Tab, s: &Scenario) -> Option<Effect> {
        self.check_keys(t, &["target", "actor", "issue", "amount"]);
        let what = self.string(t, "target", true)?;
        let actor = self.reference(
            t,
            "actor",
            "actor",
            s.actors.iter().map(|a| a.id.as_str()).collect(),
        );
        let needs_issue = matches!(what.as_str(), "position" | "salience");
        let issue = if needs_issue {
            self.reference(
                t,
                "issue",
                "issue",
                s.issues.iter().map(|i| i.id.as_str()).collect(),
            )
        } else {
            if let Some((_, span)) = self.get(t, "issue") {
                let f = t.field("issue");
                self.err(
                    span,
                    &f,
                    format!("`issue` applies only to position and salience effects, not `{what}`"),
                );
            }
            None
        };
        let amount = self.param(t, "amount", true, None);
        let target = match what.as_str() {
            "position" => Target::Position {
                actor: actor?,
                issue: issue?,
            },
            "salience" => Target::Salience {
                actor: actor?,
                issue: issue?,
            },
            "capability" => Target::Capability { actor: actor? },
            "batna" => Target::Batna { actor: actor? },
            other => {
                let f = t.field("target");
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    format!(
                        "expected `position`, `salience`, `capability` or `batna`, found `{other}`"
                    ),
                );
                return None;
            }
        };
        Some(Effect {
            target,
            amount: amount?,
        })
    }

    fn protocol(&mut self, t: &Tab, s: &Scenario) -> ProtocolDefaults {
        self.check_keys(
            t,
            &[
                "mediator",
                "indirect",
                "rounds",
                "deadline",
                "direct_from_round",
            ],
        );
        let mediator = self.string(t, "mediator", false);
        if let Some(m) = &mediator {
            if s.actor_index(m).is_none() {
                let f = t.field("mediator");
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    unknown_ref("actor", m, s.actors.iter().map(|a| a.id.as_str())),
                );
            }
        }
        let d = ProtocolDefaults::default();
        ProtocolDefaults {
            mediator,
            indirect: self.boolean(t, "indirect").unwrap_or(d.indirect),
            rounds: self.integer(t, "rounds", 1).unwrap_or(d.rounds),
            deadline: self.string(t, "deadline", false),
            direct_from_round: self.integer(t, "direct_from_round", 1),
        }
    }

    fn outcome_rules(&mut self, t: &Tab, s: &Scenario) -> OutcomeRules {
        self.check_keys(t, &["core_issues", "interim_min_issues"]);
        let core_issues = self.strings(t, "core_issues");
        for (k, i) in core_issues.iter().enumerate() {
            if s.issue_index(i).is_none() {
                let f = format!("{}.core_issues[{k}]", t.path);
                let span = self.spans.find(&f);
                self.err(
                    span,
                    &f,
                    unknown_ref("issue", i, s.issues.iter().map(|i| i.id.as_str())),
                );
            }
        }
        OutcomeRules {
            core_issues,
            interim_min_issues: self.integer(t, "interim_min_issues", 1),
        }
    }
}

fn show(item: &Item) -> String {
    match item.as_str() {
        Some(s) => crate::diag::quote(s),
        None => type_name(item).to_string(),
    }
}

fn unknown_ref<'s>(kind: &str, name: &str, known: impl Iterator<Item = &'s str>) -> String {
    let known: Vec<&str> = known.collect();
    let hint = match closest(name, &known) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => ";".to_string(),
    };
    format!(
        "unknown {kind} `{name}`{hint} known {kind}s: {}",
        if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
format = 1
[meta]
title = "t"
[[actors]]
id = "a"
capability = { low = 0.5, mode = 0.7, high = 0.9 }
batna = 0.2
[[actors]]
id = "b"
role = "stakeholder"
capability = 1
pressures = ["a"]
[[issues]]
id = "x"
min = 0
max = 10
status_quo = 5
[[issues]]
id = "y"
options = ["none", "some", "all"]
status_quo = "some"
[[positions]]
actor = "a"
issue = "y"
position = "all"
salience = 0.5
red_line = { min = "some" }
[[positions]]
actor = "b"
issue = "x"
position = 3
salience = { low = 0.2, high = 0.4 }
shape = "table"
table = [[0, 0.0], [3, 1.0], [10, 0.0]]
[[events]]
id = "e"
round = 2
probability = 0.5
[[events.effects]]
target = "batna"
actor = "a"
amount = -0.1
"#;

    fn errors(src: &str) -> Vec<Problem> {
        match parse_toml(src, "t.toml") {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid { problems, .. }) => problems.errors().cloned().collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn reads_a_complete_scenario() {
        let (s, warnings) = parse_toml(GOOD, "t.toml").expect("valid");
        assert_eq!(s.actors.len(), 2);
        assert_eq!(s.actors[0].capability.value, 0.7);
        assert_eq!(s.issues[1].status_quo.value, 1.0);
        assert_eq!(s.stances[0].position.value, 2.0);
        assert_eq!(
            s.stances[0].red_line,
            Some(RedLine {
                min: Some(1.0),
                max: None
            })
        );
        assert!((s.stances[1].salience.value - 0.3).abs() < 1e-12);
        assert_eq!(s.events[0].effects[0].target, Target::Batna { actor: 0 });
        assert!(!warnings.has_errors());
    }

    #[test]
    fn writing_and_reading_back_gives_the_same_model() {
        let (s, _) = parse_toml(GOOD, "t.toml").expect("valid");
        let text = crate::format::to_toml(&s);
        let (back, _) = parse_toml(&text, "back.toml").unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_eq!(s, back);
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let src = GOOD.replace("batna = 0.2", "batma = 0.2");
        let e = errors(&src);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "actors[0].batma");
        assert_eq!((e[0].line, e[0].column), (8, 1));
        assert!(
            e[0].message.contains("did you mean `batna`"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn several_errors_are_reported_at_once() {
        let src = GOOD
            .replace("salience = 0.5", "salience = 1.5")
            .replace("position = 3", "position = 30")
            .replace(
                "actor = \"a\"\nissue = \"y\"",
                "actor = \"zz\"\nissue = \"y\"",
            );
        let e = errors(&src);
        let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"positions[0].actor"), "{fields:?}");
        assert!(
            e.iter()
                .any(|p| p.message.contains("outside the issue's range")),
            "{e:?}"
        );
        assert!(e.iter().all(|p| p.line > 0), "{e:?}");
    }

    #[test]
    fn salience_out_of_range_points_at_the_value() {
        let src = GOOD.replace("salience = 0.5", "salience = 1.5");
        let e = errors(&src);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "positions[0].salience");
        assert_eq!(e[0].line, 27);
        assert_eq!(e[0].column, 12);
    }

    #[test]
    fn unknown_option_and_red_line_excluding_everything() {
        let e = errors(&GOOD.replace("position = \"all\"", "position = \"most\""));
        assert!(e[0].message.contains("unknown option `most`"), "{e:?}");
        let e = errors(&GOOD.replace(
            "red_line = { min = \"some\" }",
            "red_line = { min = \"all\", max = \"none\" }",
        ));
        assert!(
            e.iter()
                .any(|p| p.message.contains("excludes every option")),
            "{e:?}"
        );
    }

    #[test]
    fn empty_lists_duplicates_and_bad_toml() {
        let e = errors("format = 1\nactors = []\nissues = []\n[meta]\ntitle = \"t\"\n");
        assert!(
            e.iter()
                .any(|p| p.field == "actors" && p.message.contains("empty")),
            "{e:?}"
        );
        assert!(e.iter().any(|p| p.field == "issues"), "{e:?}");
        let e = errors(&GOOD.replace("id = \"b\"", "id = \"a\""));
        assert!(
            e.iter().any(|p| p.message.contains("duplicate id `a`")),
            "{e:?}"
        );
        let e = errors("format = 1\n[meta\n");
        assert!(e[0].message.starts_with("not valid TOML"), "{e:?}");
        assert_eq!(e[0].line, 2);
        let e = errors(&GOOD.replace("status_quo = 5", "status_quo = nan"));
        assert!(e.iter().any(|p| p.message.contains("finite")), "{e:?}");
    }

    #[test]
    fn value_and_mode_alone_are_both_a_fixed_number() {
        for d in ["{ value = 0.7 }", "{ mode = 0.7 }"] {
            let src = GOOD.replacen("capability = 1\n", &format!("capability = {d}\n"), 1);
            assert_ne!(src, GOOD);
            let (s, _) = parse_toml(&src, "t.toml").unwrap_or_else(|e| panic!("{d}: {e:?}"));
            assert_eq!(s.actors[1].capability, Param::fixed(0.7), "{d}");
        }
        let src = GOOD.replacen(
            "capability = 1\n",
            "capability = { value = 0.7, mode = 0.6 }\n",
            1,
        );
        let e = errors(&src);
        assert!(e.iter().any(|p| p.message.contains("not both")), "{e:?}");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let src = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        assert!(parse_toml(&src, "t.toml").is_ok());
    }
}
