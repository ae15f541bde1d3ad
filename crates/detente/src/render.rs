//! Rendering for the terminal: errors as miette diagnostics (or JSON), tables with comfy-table.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width};
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

impl From<detente_app::AppError> for CliError {
    fn from(e: detente_app::AppError) -> Self {
        use detente_app::AppError;
        match e {
            AppError::Load(e) => CliError::Load(e),
            AppError::NotFound { path } => CliError::Usage(crate::load::not_found(&path)),
            other => CliError::Usage(other.to_string()),
        }
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

pub use detente_app::show::problem_json;

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

/// Width tables fit when stdout is not a terminal and `COLUMNS` says nothing usable.
pub const DEFAULT_WIDTH: u16 = 100;

/// The width tables must fit: the terminal's when stdout is one (comfy-table asks it), else
/// `COLUMNS` when it holds a width of at least 40, else [`DEFAULT_WIDTH`].
pub fn table_width() -> Option<u16> {
    if std::io::stdout().is_terminal() {
        return None;
    }
    Some(width_from(std::env::var("COLUMNS").ok().as_deref()))
}

fn width_from(columns: Option<&str>) -> u16 {
    columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(DEFAULT_WIDTH)
}

/// A table in detente's house style, with the given header. Cells wrap at spaces so that the
/// table fits [`table_width`] (the terminal, `COLUMNS` or 100 columns); ids, which hold no
/// spaces, stay whole.
pub fn table(header: &[&str]) -> Tbl {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = table_width() {
        t.set_width(w);
    }
    t.set_header(header.to_vec());
    Tbl(t)
}

/// A comfy-table that, when displayed, keeps every word (ids, numbers, `key=value`) whole:
/// each column is at least as wide as its longest word when all of them fit the width.
pub struct Tbl(Table);

impl std::ops::Deref for Tbl {
    type Target = Table;
    fn deref(&self) -> &Table {
        &self.0
    }
}

impl std::ops::DerefMut for Tbl {
    fn deref_mut(&mut self) -> &mut Table {
        &mut self.0
    }
}

impl std::fmt::Display for Tbl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some(width) = self.0.width() else {
            return write!(f, "{}", self.0);
        };
        let header: Vec<String> = self
            .0
            .header()
            .map(|h| h.cell_iter().map(|c| c.content()).collect())
            .unwrap_or_default();
        let rows: Vec<Vec<String>> = self
            .0
            .row_iter()
            .map(|r| r.cell_iter().map(|c| c.content()).collect())
            .collect();
        let n = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0));
        let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
        let longest: Vec<u32> = (0..n)
            .map(|c| {
                rows.iter()
                    .map(|r| cell(r, c))
                    .chain(header.get(c).cloned())
                    .flat_map(|text| {
                        text.split_whitespace()
                            .map(|w| w.chars().count() as u32)
                            .collect::<Vec<_>>()
                    })
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let groups = column_groups(&longest, u32::from(width));
        let mut first = true;
        for cols in groups {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
            if !header.is_empty() {
                t.set_header(cols.iter().map(|&c| cell(&header, c)).collect::<Vec<_>>());
            }
            for r in &rows {
                t.add_row(cols.iter().map(|&c| cell(r, c)).collect::<Vec<_>>());
            }
            let widths: Vec<u32> = cols.iter().map(|&c| longest[c]).collect();
            keep_words(&mut t, &widths, u32::from(width));
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// Wraps prose at spaces to the width tables fit (ids and numbers stay whole); lines after the
/// first of each paragraph get `indent`.
pub fn wrap(text: &str, indent: &str) -> String {
    let width = table(&[]).width().map_or(usize::MAX, usize::from);
    text.lines()
        .map(|line| wrap_line(line, indent, width))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_line(line: &str, indent: &str, width: usize) -> String {
    // A line that fits (a table's, or short prose) is left exactly as it is.
    if line.chars().count() <= width {
        return line.to_string();
    }
    let lead: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = String::new();
    let mut cur = lead.clone();
    let mut empty = true;
    for word in line.split_whitespace() {
        let len = cur.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            out.push_str(&cur);
            out.push('\n');
            cur = format!("{lead}{indent}{word}");
        } else {
            if !empty {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        empty = false;
    }
    out.push_str(&cur);
    out
}

/// Borders and padding of UTF8_FULL_CONDENSED for `n` columns: one rule per column plus one,
/// and one space either side of each cell.
fn overhead(n: usize) -> u32 {
    3 * n as u32 + 1
}

/// Splits columns whose longest words cannot all fit `width` side by side into several
/// tables, each repeating the first (id) column; a table that fits stays whole.
fn column_groups(longest: &[u32], width: u32) -> Vec<Vec<usize>> {
    let n = longest.len();
    if n <= 2 || longest.iter().sum::<u32>() + overhead(n) <= width {
        return vec![(0..n).collect()];
    }
    let mut groups = Vec::new();
    let mut cur = vec![0];
    let mut used = overhead(1) + longest[0];
    for (c, w) in longest.iter().enumerate().skip(1) {
        if cur.len() > 1 && used + 3 + w > width {
            groups.push(std::mem::replace(&mut cur, vec![0]));
            used = overhead(1) + longest[0];
        }
        cur.push(c);
        used += 3 + w;
    }
    groups.push(cur);
    groups
}

/// Left to right (the id column first), each column keeps its longest word whole while the
/// others can still get a few characters each.
fn keep_words(t: &mut Table, longest: &[u32], width: u32) {
    const MIN: u32 = 6;
    let mut used = overhead(longest.len()) + MIN * longest.len() as u32;
    for (c, w) in longest.iter().enumerate() {
        let extra = w.saturating_sub(MIN);
        if used + extra > width {
            continue;
        }
        used += extra;
        if let Some(col) = t.column_mut(c) {
            let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_at_spaces_and_keeps_words_whole() {
        let w = wrap_line(
            "  ! median on agenda_scope = nuclear_missiles_proxies: crosses",
            "  ",
            30,
        );
        for l in w.lines() {
            assert!(l.chars().count() <= 30 || !l.trim().contains(' '), "{w}");
        }
        assert!(w.contains("nuclear_missiles_proxies:"), "{w}");
        assert!(w.starts_with("  ! median"), "{w}");
        let row = "│ deal      ┆ 100.0%        ┆";
        assert_eq!(wrap_line(row, "  ", 100), row);
    }

    #[test]
    fn wide_matrices_split_into_tables_that_repeat_the_id_column() {
        assert_eq!(column_groups(&[10, 10, 10], 100), vec![vec![0, 1, 2]]);
        let g = column_groups(&[20, 34, 34, 34, 34], 100);
        assert!(g.len() > 1);
        for cols in &g {
            assert_eq!(cols[0], 0);
            let need: u32 = cols.iter().map(|&c| [20, 34, 34, 34, 34][c]).sum::<u32>();
            assert!(need + overhead(cols.len()) <= 100, "{g:?}");
        }
        assert_eq!(width_from(Some("80")), 80);
        assert_eq!(width_from(Some("x")), DEFAULT_WIDTH);
        assert_eq!(width_from(None), DEFAULT_WIDTH);
    }

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
