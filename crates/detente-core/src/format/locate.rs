//! Finding where a dotted field (`models.smp.parameters.VotingRule`, `actors[2].id`) sits in a
//! TOML text, for errors found after parsing.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Value};

/// Byte span of `field` in `src`, or of its closest parent present in the text.
pub fn locate(src: &str, field: &str) -> Option<Range<usize>> {
    let doc = ImDocument::parse(src).ok()?;
    let mut best: Option<Range<usize>> = None;
    let mut item: &Item = doc.as_item();
    let mut value: Option<&Value> = None;
    for seg in segments(field) {
        match seg {
            Seg::Key(k) => {
                let found = match value {
                    Some(v) => v.as_inline_table().and_then(|t| t.get_key_value(k)),
                    None => item.as_table_like().and_then(|t| t.get_key_value(k)),
                };
                let Some((key, it)) = found else { return best };
                best = key.span().or(it.span()).or(best);
                match it {
                    Item::Value(v) => value = Some(v),
                    _ => item = it,
                }
            }
            Seg::Index(i) => {
                if let Some(v) = value {
                    let Some(v) = v.as_array().and_then(|a| a.get(i)) else {
                        return best;
                    };
                    best = v.span().or(best);
                    value = Some(v);
                } else {
                    let Some(t) = item.as_array_of_tables().and_then(|a| a.get(i)) else {
                        return best;
                    };
                    best = t.span().or(best);
                    return locate_in_table(t, field, best);
                }
            }
        }
    }
    best
}

/// Continues a lookup inside an array-of-tables element (rare: only `events[i].…`-like paths).
fn locate_in_table(
    t: &toml_edit::Table,
    field: &str,
    best: Option<Range<usize>>,
) -> Option<Range<usize>> {
    let rest = field.split_once("].").map(|(_, r)| r);
    let Some(rest) = rest else { return best };
    let first = rest.split(['.', '[']).next()?;
    match t.get_key_value(first) {
        Some((k, it)) => k.span().or(it.span()).or(best),
        None => best,
    }
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(field: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in field.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Seg::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_elements() {
        let src = "title = 1\n[models.smp]\nseed = 4\nparameters = { VotingRule = \"X\" }\nideal_adjustment = [ { adjusting = \"a\" } ]\n";
        let at = |f: &str| locate(src, f).map(|r| &src[r]);
        assert_eq!(at("models.smp.seed"), Some("seed"));
        assert_eq!(at("models.smp.parameters.VotingRule"), Some("VotingRule"));
        assert_eq!(
            at("models.smp.ideal_adjustment[0].adjusting"),
            Some("adjusting")
        );
        // A missing leaf falls back to its closest parent present in the text.
        assert_eq!(at("models.smp.parameters.Nope"), Some("parameters"));
        assert_eq!(at("nothing"), None);
    }
}
