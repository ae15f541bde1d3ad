//! `detente scenarios`: list the built-in scenarios.

use std::process::ExitCode;

use detente_core::builtin::BUILTINS;

use crate::cli::CmdResult;
use crate::render::{print_json, print_text, table};

/// Lists the built-ins.
pub fn run(json: bool) -> CmdResult {
    if json {
        print_json(&detente_app::show::builtins_json());
    } else {
        let mut t = table(&["name", "summary", ""]);
        for (i, b) in BUILTINS.iter().enumerate() {
            t.add_row(vec![b.name, b.summary, if i == 0 { "default" } else { "" }]);
        }
        print_text(&t.to_string());
    }
    Ok(ExitCode::SUCCESS)
}
