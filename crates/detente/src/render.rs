//! Rendering for the terminal: errors as miette diagnostics (or JSON), tables with comfy-table.

use std::io::Write;
use std::process::ExitCode;

use comfy_table::{presets, ContentArrangement, Table};
use detente_core::diag::{LineIndex, Problem, Problems};
use detente_core::LoadError;
use miette::{
    Diagnostic, MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};
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
    src: NamedSource<Excerpt>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[diagnostic(severity)]
    severity: miette::Severity,
}

/// The few lines around a problem, each cut to at most [`SHOWN_CHARS`] characters, numbered as
/// in the file. miette is given this excerpt rather than the whole text: rendering then costs
/// the same for the first and the ten-thousandth problem of a large file, and no line is long
/// enough to overflow miette's column arithmetic (which panics past 65,535 columns).
#[derive(Debug)]
struct Excerpt {
    text: String,
    /// 0-based line number, in the file, of the excerpt's first line.
    first_line: usize,
    /// Where the problem is in the excerpt, and its 0-based column in the file (for miette's
    /// `[file:line:column]` header).
    at: (usize, usize),
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.text.read_span(span, before, after)?;
        let column = if (before, after, span.offset()) == (0, 0, self.at.0) {
            self.at.1
        } else {
            c.column()
        };
        Ok(Box::new(MietteSpanContents::new(
            c.data(),
            *c.span(),
            c.line() + self.first_line,
            column,
            c.line_count(),
        )))
    }
}

/// How many characters of one source line a diagnostic shows at most.
const SHOWN_CHARS: usize = 160;

/// Byte offset of character `n` in `s` (its length when `s` is shorter).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(b, _)| b).unwrap_or(s.len())
}

/// At most [`SHOWN_CHARS`] characters of `line` around 0-based character `c0`, with `…` where
/// the line was cut; returns the text and the byte range of characters `c0..c0 + n` in it.
fn window(line: &str, c0: usize, n: usize) -> (String, std::ops::Range<usize>) {
    let total = line.chars().count();
    let c0 = c0.min(total);
    let from = c0
        .saturating_sub(SHOWN_CHARS / 2)
        .min(total.saturating_sub(SHOWN_CHARS));
    let to = (from + SHOWN_CHARS).min(total);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let body: String = line.chars().skip(from).take(to - from).collect();
    let start = out.len() + char_offset(&body, c0 - from);
    let end = out.len() + char_offset(&body, (c0 + n).min(to) - from);
    out.push_str(&body);
    if to < total {
        out.push('…');
    }
    (out, start..end.max(start))
}

/// Prints problems as miette diagnostics on stderr, with source carets where a location is known.
pub fn print_problems(problems: &Problems, source_text: &str) {
    let lines = LineIndex::new(source_text);
    for p in &problems.items {
        eprintln!("{}", render_problem(p, &lines));
    }
}

/// The excerpt of `lines` around `p` and the span to underline in it, when `p` is located.
fn excerpt(p: &Problem, lines: &LineIndex<'_>) -> Option<(Excerpt, SourceSpan)> {
    if p.line == 0 || lines.text().is_empty() {
        return None;
    }
    let this = lines.line(p.line)?;
    let c0 = p.column.max(1) - 1;
    // Underline the span's characters on its first line, or one character.
    let n = match &p.span {
        Some(s) if s.end > s.start => {
            let (l_end, c_end) = lines.line_col(s.end);
            if l_end == p.line {
                c_end.saturating_sub(c0 + 1)
            } else {
                this.chars().count().saturating_sub(c0)
            }
        }
        _ => 0,
    };
    let first = p.line.saturating_sub(1).max(1);
    let last = (p.line + 1).min(lines.len());
    let mut text = String::new();
    let mut span = 0..0;
    for l in first..=last {
        let Some(t) = lines.line(l) else { break };
        if l > first {
            text.push('\n');
        }
        if l == p.line {
            let (shown, r) = window(t, c0, n);
            span = text.len() + r.start..text.len() + r.end;
            text.push_str(&shown);
        } else {
            let (shown, _) = window(t, 0, 0);
            text.push_str(&shown);
        }
    }
    Some((
        Excerpt {
            text,
            first_line: first - 1,
            at: (span.start, c0),
        },
        SourceSpan::from(span),
    ))
}

fn render_problem(p: &Problem, lines: &LineIndex<'_>) -> String {
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
    let Some((src, span)) = excerpt(p, lines) else {
        let kind = if p.is_error() { "error" } else { "warning" };
        return format!("{kind}: {where_}:{field} {}", p.message);
    };
    let d = Located {
        headline: format!("{kind}{where_}:{field} {}", p.message),
        src: NamedSource::new(p.file.clone(), src),
        span: Some(span),
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

/// The first error writing standard output (other than a closed pipe), reported at exit.
static STDOUT_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn note_stdout(r: std::io::Result<()>) {
    if let Err(e) = r {
        // `detente show | head` closes the pipe early: not an error.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            if let Ok(mut slot) = STDOUT_ERROR.lock() {
                slot.get_or_insert_with(|| e.to_string());
            }
        }
    }
}

/// Flushes standard output and returns the first error writing it (a closed pipe aside), so
/// that `detente show > /dev/full` fails instead of exiting 0 with nothing written.
pub fn stdout_error() -> Option<String> {
    note_stdout(std::io::stdout().lock().flush());
    STDOUT_ERROR.lock().ok().and_then(|s| s.clone())
}

/// Prints a JSON value on stdout, pretty (a write error is reported at exit).
pub fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    note_stdout(
        serde_json::to_writer_pretty(&mut out, v)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
    );
}

/// Prints text on stdout (a write error is reported at exit).
pub fn print_text(s: &str) {
    let mut out = std::io::stdout().lock();
    note_stdout(writeln!(out, "{s}"));
}

/// A table in detente's house style, with the given header.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.to_vec());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_far_along_a_long_line_renders_an_excerpt() {
        // miette panics on columns past 65,535: the excerpt keeps lines short.
        let src = format!("a = 1\nb = \"{}\" oops\nc = 2\n", "x".repeat(70_000));
        let at = src.find("oops").expect("oops");
        let p = Problem::error("t.toml", "b", "unexpected `oops`")
            .spanned_in(&LineIndex::new(&src), at..at + 4);
        assert_eq!((p.line, p.column), (2, 70_008));
        let out = render_problem(&p, &LineIndex::new(&src));
        assert!(out.contains("t.toml:2:70008"), "{out}");
        assert!(out.contains("oops"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
    }

    #[test]
    fn any_location_in_any_text_renders_without_a_panic() {
        // A small deterministic generator: texts with multibyte characters, tabs, CRLF and long
        // lines; problems at any line, column and span, including past the end of the text.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n.max(1) as u64) as usize
        };
        let pieces = [
            "a", "é", "\t", "\r\n", "\n", "🙂", " ", "=", "\"", "\u{feff}",
        ];
        for _ in 0..400 {
            let mut src = String::new();
            for _ in 0..next(60) {
                let p = pieces[next(pieces.len())];
                let times = if next(10) == 0 { 20_000 } else { 1 + next(5) };
                src.push_str(&p.repeat(times));
            }
            let lines = LineIndex::new(&src);
            for _ in 0..5 {
                let start = next(src.len() + 3);
                let end = start + next(100_000);
                let mut p = Problem::error("f", "x", "m");
                p = match next(3) {
                    0 => p.spanned_in(&lines, start..end),
                    1 => p.at(next(lines.len() + 3), next(80_000)),
                    _ => Problem {
                        span: Some(start..end),
                        ..p.at(next(lines.len() + 3), next(80_000))
                    },
                };
                let out = render_problem(&p, &lines);
                assert!(out.contains('m'));
            }
        }
    }

    #[test]
    fn window_marks_the_cuts_and_maps_the_span() {
        let line = "é".repeat(1000);
        let (shown, r) = window(&line, 500, 3);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(&shown[r], "ééé");
        let (shown, r) = window("short", 9, 0);
        assert_eq!((shown.as_str(), r), ("short", 5..5));
    }
}
