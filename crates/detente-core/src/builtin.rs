//! Built-in scenarios, embedded in the binary.

use crate::format::parse_toml;
use crate::model::Scenario;

/// A scenario shipped with detente.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Name used on the command line.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// The TOML text.
    pub source: &'static str,
}

/// Every built-in scenario; the first is the default.
pub const BUILTINS: &[Builtin] = &[Builtin {
    name: "muscat-2026",
    summary: "US–Iran nuclear talks mediated by Oman in Muscat, February 2026",
    source: include_str!("../../../scenarios/muscat-2026.toml"),
}];

/// The built-in scenario called `name`, if any.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The flagship Muscat scenario.
pub fn muscat() -> Scenario {
    let b = &BUILTINS[0];
    match parse_toml(b.source, "muscat-2026.toml") {
        Ok((s, _)) => s,
        // The embedded file is checked by a unit test; reaching this is a build defect.
        Err(e) => panic!("built-in scenario {} is invalid: {e}", b.name),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_parses_without_errors() {
        for b in super::BUILTINS {
            if let Err(crate::LoadError::Invalid { problems, .. }) =
                crate::format::parse_toml(b.source, b.name)
            {
                panic!("{}:\n{problems}", b.name);
            }
        }
    }
}
