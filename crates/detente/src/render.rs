//! Rendering for the terminal: errors as miette diagnostics (or JSON), tables with comfy-table.

use std::io::Write;
use std::process::ExitCode;

use comfy_table::{presets, ContentArrangement, Table};
use detente_core::diag::{offset_of, Problem, Problems};
use detente_core::LoadError;
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde_json::json;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// A scenario or imported file could not be loaded.
    Load(LoadError),
    /// The command line asked for something impossible.
    Usage(String),
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::Load(e)
    }
}

/// One located problem, in the shape miette renders.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{headline}")]
struct Located {
    headline: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[diagnostic(severity)]
    severity: miette::Severity,
}

/// Prints problems as miette diagnostics on stderr, with source carets where a location is known.
pub fn print_problems(problems: &Problems, source_text: &str) {
    for p in &problems.items {
        eprintln!("{}", render_problem(p, source_text));
    }
}

fn render_problem(p: &Problem, source_text: &str) -> String {
    let span = p
        .span
        .clone()
        .or_else(|| offset_of(source_text, p.line, p.column).map(|o| o..o))
        .map(|r| SourceSpan::from(r.start..r.end.max(r.start)));
    let where_ = if p.line > 0 {
        if p.column > 0 {
            format!("{}:{}:{}", p.file, p.line, p.column)
        } else {
            format!("{}:{}", p.file, p.line)
        }
    } else {
        p.file.clone()
    };
    let field = if p.field.is_empty() {
        String::new()
    } else {
        format!(" `{}`:", p.field)
    };
    let kind = if p.is_error() { "" } else { "warning: " };
    let Some(span) = span.filter(|_| p.line > 0 && !source_text.is_empty()) else {
        let kind = if p.is_error() { "error" } else { "warning" };
        return format!("{kind}: {where_}:{field} {}", p.message);
    };
    let span = Some(span);
    let d = Located {
        headline: format!("{kind}{where_}:{field} {}", p.message),
        src: NamedSource::new(p.file.clone(), source_text.to_string()),
        span,
        label: if p.field.is_empty() {
            "here".into()
        } else {
            p.field.clone()
        },
        severity: if p.is_error() {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        },
    };
    format!("{:?}", miette::Report::new(d))
}

/// JSON form of one problem.
pub fn problem_json(p: &Problem) -> serde_json::Value {
    json!({
        "message": p.message,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "field": p.field,
    })
}

impl CliError {
    /// Renders the error (JSON on stdout with `--json`, diagnostics on stderr otherwise) and returns exit code 1.
    pub fn report(self, json: bool) -> ExitCode {
        match self {
            CliError::Load(LoadError::Invalid {
                file,
                source_text,
                problems,
            }) => {
                if json {
                    let errs: Vec<_> = problems.errors().map(problem_json).collect();
                    let warns: Vec<_> = problems.warnings().map(problem_json).collect();
                    print_json(
                        &json!({"error": format!("{} error(s) in {file}", errs.len()), "errors": errs, "warnings": warns}),
                    );
                } else {
                    print_problems(&problems, &source_text);
                    eprintln!("error: {} error(s) in {file}", problems.errors().count());
                }
            }
            CliError::Load(e) => emit(json, &e.to_string()),
            CliError::Usage(m) => emit(json, &m),
        }
        ExitCode::from(1)
    }
}

fn emit(json: bool, msg: &str) {
    if json {
        print_json(&json!({"error": msg}));
    } else {
        eprintln!("error: {msg}");
    }
}

/// Prints a JSON value on stdout, pretty, ignoring a closed pipe.
pub fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

/// Prints text on stdout, ignoring a closed pipe.
pub fn print_text(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
}

/// A table in detente's house style, with the given header.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.to_vec());
    t
}
