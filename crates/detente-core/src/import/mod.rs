//! Importers for other tools' formats: each parses into a raw, format-shaped structure first,
//! then converts that into a [`crate`] scenario.
pub mod bdm;
pub mod genius;
pub mod ktab;

/// Scenario ids for a list of names: slugs, made unique with `_2`, `_3`, … suffixes.
pub fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let base = bdm::slug(name);
            let mut id = base.clone();
            let mut k = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}_{k}");
                k += 1;
            }
            id
        })
        .collect()
}

/// Marks every issue of an imported scenario whose format has no status quo: says in the
/// issue's `description` (written into the scenario TOML) how the stand-in was chosen, and
/// returns the one warning the import reports.
pub fn note_invented_status_quo(
    s: &mut crate::model::Scenario,
    file: &str,
    format: &str,
    how: &str,
) -> crate::diag::Problem {
    let note = format!(
        "Status quo invented on import: {format} files have none, so it is {how}; replace it with the real one."
    );
    for issue in &mut s.issues {
        if issue.description.is_empty() {
            issue.description = note.clone();
        } else {
            issue.description = format!("{} {note}", issue.description);
        }
    }
    crate::diag::Problem::warning(
        file,
        "status_quo",
        format!(
            "{format} files have no status quo; each issue's is set to {how} (said in each issue's description); models that start from the status quo depend on it: set the real one"
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_unique_even_when_a_suffix_is_taken() {
        assert_eq!(
            super::unique_slugs(["A b", "a_b", "a b_2", "A B"]),
            vec!["a_b", "a_b_2", "a_b_2_2", "a_b_3"]
        );
    }
}
