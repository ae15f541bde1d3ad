//! Small helpers shared by every TOML reader with located errors (scenarios here, case
//! outcomes in `detente-backtest`).

use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

/// The byte span of a TOML item, when it has one.
pub fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Value(v) => v.span(),
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        Item::None => None,
    }
}

/// The kind of a TOML item, for "expected …, found …" messages.
pub fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

/// The candidate within edit distance 2 of `name`, closest first (for "did you mean" hints).
pub fn closest<'s>(name: &str, candidates: &[&'s str]) -> Option<&'s str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A table (standard or inline) with its span, its dotted path and, for an element of an array
/// of tables, its index there.
pub struct Tab<'t> {
    /// The table.
    pub t: &'t dyn TableLike,
    /// Where it is in the source.
    pub span: Option<Range<usize>>,
    /// Its dotted path (`actors[2]`, `meta`); empty for the document root.
    pub path: String,
    /// Its index in its array of tables (0 otherwise).
    pub index: usize,
}

impl<'t> Tab<'t> {
    /// A table that is not an element of an array.
    pub fn new(t: &'t dyn TableLike, span: Option<Range<usize>>, path: String) -> Self {
        Tab {
            t,
            span,
            path,
            index: 0,
        }
    }

    /// The dotted path of `key` in this table.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// The field accessors every TOML reader with located errors shares (the scenario reader, the
/// case-outcome reader): a reader says how it records an error, and gets `get`, `missing`,
/// `string`, `id`, `check_keys` and `tables` with the same messages everywhere.
pub trait Fields {
    /// Records an error about `field` at `span`.
    fn error(&mut self, span: Option<Range<usize>>, field: &str, msg: String);

    /// Called with every field found and its span (the scenario reader keeps them to locate
    /// later problems).
    fn found(&mut self, _field: &str, _span: &Range<usize>) {}

    /// Whether `field` was already reported as a misspelt key, so not again as missing.
    fn misspelt(&self, _field: &str) -> bool {
        false
    }

    /// Called when an unknown key looks like a misspelling of the absent key `field`.
    fn note_misspelt(&mut self, _field: String) {}

    /// The item under `key` and its span (the key's, or the table's, when the item has none).
    fn get<'t>(&mut self, t: &Tab<'t>, key: &str) -> Option<(&'t Item, Option<Range<usize>>)> {
        let (k, item) = t.t.get_key_value(key)?;
        let span = item_span(item)
            .or_else(|| k.span())
            .or_else(|| t.span.clone());
        if let Some(s) = &span {
            self.found(&t.field(key), s);
        }
        Some((item, span))
    }

    /// Reports the required `key` of `t` as missing (unless reported as misspelt).
    fn missing(&mut self, t: &Tab, key: &str, what: &str) {
        let field = t.field(key);
        if self.misspelt(&field) {
            return;
        }
        self.error(
            t.span.clone(),
            &field,
            format!("missing required key `{key}`; expected {what}"),
        );
    }

    /// The string under `key`; a missing required key or a non-string is reported.
    fn string(&mut self, t: &Tab, key: &str, required: bool) -> Option<String> {
        let Some((item, span)) = self.get(t, key) else {
            if required {
                self.missing(t, key, "a string");
            }
            return None;
        };
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(
                    span,
                    &t.field(key),
                    format!("expected a string, found {}", type_name(item)),
                );
                None
            }
        }
    }

    /// The identifier under `key` (required): letters, digits, `_` or `-`.
    fn id(&mut self, t: &Tab, key: &str) -> Option<String> {
        let s = self.string(t, key, true)?;
        let ok = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            let span = self
                .get(t, key)
                .and_then(|(_, s)| s)
                .or_else(|| t.span.clone());
            self.error(
                span,
                &t.field(key),
                format!(
                    "invalid id {}; expected letters, digits, `_` or `-`",
                    crate::diag::quote(&s)
                ),
            );
            return None;
        }
        Some(s)
    }

    /// Reports every key of `t` not in `allowed`, with a "did you mean" hint.
    fn check_keys(&mut self, t: &Tab, allowed: &[&str]) {
        for (k, _) in t.t.iter() {
            if allowed.contains(&k) {
                continue;
            }
            let span =
                t.t.key(k)
                    .and_then(|key| key.span())
                    .or_else(|| t.span.clone());
            let hint = match closest(k, allowed) {
                Some(c) => {
                    if !t.t.contains_key(c) {
                        self.note_misspelt(t.field(c));
                    }
                    format!("; did you mean `{c}`?")
                }
                None => ";".to_string(),
            };
            self.error(
                span,
                &t.field(k),
                format!(
                    "unknown key `{k}`{hint} expected one of: {}",
                    allowed.join(", ")
                ),
            );
        }
    }

    /// The array of tables under `key` (`[[key]]` or `key = [{..}, ..]`); `None` when absent
    /// (reported if `required`) or not an array of tables (reported).
    fn tables<'t>(&mut self, t: &Tab<'t>, key: &str, required: bool) -> Option<Vec<Tab<'t>>> {
        let Some((item, span)) = self.get(t, key) else {
            if required {
                self.missing(t, key, &format!("at least one [[{key}]] table"));
            }
            return None;
        };
        let field = t.field(key);
        let mut out = Vec::new();
        match item {
            Item::ArrayOfTables(a) => {
                for (index, tb) in a.iter().enumerate() {
                    let path = format!("{field}[{index}]");
                    let span = tb.span().or_else(|| span.clone());
                    if let Some(s) = &span {
                        self.found(&path, s);
                    }
                    out.push(Tab {
                        t: tb,
                        span,
                        path,
                        index,
                    });
                }
            }
            Item::Value(Value::Array(a)) => {
                for (index, v) in a.iter().enumerate() {
                    let path = format!("{field}[{index}]");
                    match v.as_inline_table() {
                        Some(it) => {
                            if let Some(s) = v.span() {
                                self.found(&path, &s);
                            }
                            out.push(Tab {
                                t: it,
                                span: v.span(),
                                path,
                                index,
                            });
                        }
                        None => self.error(v.span(), &path, "expected an inline table".into()),
                    }
                }
            }
            other => {
                self.error(
                    span,
                    &field,
                    format!(
                        "expected an array of tables ([[{key}]]), found {}",
                        type_name(other)
                    ),
                );
                return None;
            }
        }
        Some(out)
    }
}
