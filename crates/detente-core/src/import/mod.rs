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
