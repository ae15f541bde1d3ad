//! Located problems in user input: what went wrong, where, in which field, and what was expected.

use std::fmt;
use std::ops::Range;

/// How serious a problem is: errors reject the input, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted but probably not what the user meant.
    Warning,
}

/// One problem in a user's file, with its location (1-based line and column; 0 = unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Name of the file (or source) the problem is in.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub column: usize,
    /// Dotted path of the offending field, e.g. `actors[2].capability`; empty when none applies.
    pub field: String,
    /// What is wrong, in one sentence without a trailing period.
    pub message: String,
    /// Byte range in the source, when known (for rendering a caret).
    pub span: Option<Range<usize>>,
}

impl Problem {
    /// An error in `file` about `field`.
    pub fn error(
        file: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            field: field.into(),
            message: message.into(),
            span: None,
        }
    }

    /// A warning in `file` about `field`.
    pub fn warning(
        file: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, field, message)
        }
    }

    /// Sets line and column (1-based).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Sets the byte span within `src` and derives line and column from it.
    pub fn spanned(mut self, src: &str, span: Range<usize>) -> Self {
        let (l, c) = line_col(src, span.start);
        self.line = l;
        self.column = c;
        self.span = Some(span);
        self
    }

    /// Like [`Problem::spanned`], with line and column looked up in a prebuilt [`LineIndex`]
    /// (use this when locating many problems in one text: each lookup is logarithmic).
    pub fn spanned_in(mut self, lines: &LineIndex<'_>, span: Range<usize>) -> Self {
        let (l, c) = lines.line_col(span.start);
        self.line = l;
        self.column = c;
        self.span = Some(span);
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {kind}")?;
        if !self.field.is_empty() {
            write!(f, ": `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The start of every line of a text, built once so that locating many offsets stays linear
/// overall (`line_col` on the raw text scans from the start each time).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the lines of `src` (lines end at `\n`).
    pub fn new(src: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { src, starts }
    }

    /// The indexed text.
    pub fn text(&self) -> &'a str {
        self.src
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True for an index of nothing (never: an empty text has one empty line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Same as [`line_col`] on the indexed text.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut off = offset.min(self.src.len());
        while off > 0 && !self.src.is_char_boundary(off) {
            off -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= off);
        let start = self.starts[line - 1];
        (line, self.src[start..off].chars().count() + 1)
    }

    /// Byte range of 1-based `line` without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let mut end = self
            .starts
            .get(line)
            .map(|&s| s - 1)
            .unwrap_or(self.src.len());
        if end > start && self.src.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }

    /// Text of 1-based `line` without its line terminator.
    pub fn line(&self, line: usize) -> Option<&'a str> {
        self.line_range(line).map(|r| &self.src[r])
    }

    /// Same as [`offset_of`] on the indexed text.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(self.src.len());
        let l = &self.src[start..end];
        let col = column.max(1) - 1;
        let within = l.char_indices().nth(col).map(|(b, _)| b).unwrap_or(l.len());
        Some(start + within)
    }
}

/// Converts a byte offset in `src` into a 1-based (line, column) pair; columns count characters.
///
/// Scans `src` up to `offset`: to locate many offsets in one text, build a [`LineIndex`].
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let mut off = offset;
    while off > 0 && !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset of the start of 1-based `line` (and character `column`) in `src`, if it exists.
pub fn offset_of(src: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.max(1) - 1;
            let within = l.char_indices().nth(col).map(|(b, _)| b).unwrap_or(l.len());
            return Some(start + within);
        }
        start += l.len();
    }
    None
}

/// A value the user wrote, in backticks for a message: whole when short, else its first 40
/// characters, an ellipsis and its length (a 70,000-character cell must not fill the terminal).
pub fn quote(s: &str) -> String {
    const MAX: usize = 40;
    let n = s.chars().count();
    if n <= MAX + 10 {
        format!("`{s}`")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("`{head}…` ({n} characters)")
    }
}

/// The text of `bytes` without a leading UTF-8 byte-order mark, or an error locating the first
/// byte that is not UTF-8.
pub fn decode_utf8<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, LoadError> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(b).map_err(|e| {
        let good = e.valid_up_to();
        let (line, column) = line_col(&String::from_utf8_lossy(&b[..good]), good);
        let mut problems = Problems::new();
        problems.push(
            Problem::error(
                file,
                "",
                format!(
                    "not valid UTF-8 (bad byte 0x{:02x} at offset {good}); save the file as UTF-8",
                    b[good]
                ),
            )
            .at(line, column),
        );
        LoadError::Invalid {
            file: file.into(),
            source_text: String::from_utf8_lossy(b).into_owned(),
            problems,
        }
    })
}

/// Several problems found in one input; an error if any of them is an error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problems {
    /// The problems, in the order they were found.
    pub items: Vec<Problem>,
}

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one problem.
    pub fn push(&mut self, p: Problem) {
        self.items.push(p);
    }
    /// True if any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Problem::is_error)
    }
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.items.iter().filter(|p| p.is_error())
    }
    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.items.iter().filter(|p| !p.is_error())
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Why a scenario (or an imported file) could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The input was read but has errors; `source_text` is kept for rendering.
    #[error("{} error(s) in {file}", problems.errors().count())]
    Invalid {
        /// File name as the user gave it.
        file: String,
        /// The text that was parsed (lossily decoded), for rendering carets.
        source_text: String,
        /// Every problem found, errors and warnings.
        problems: Problems,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shortened_in_messages() {
        assert_eq!(quote("abc"), "`abc`");
        let long = "5".repeat(70_000);
        let q = quote(&long);
        assert!(q.len() < 80 && q.ends_with("(70000 characters)"), "{q}");
    }

    #[test]
    fn line_col_counts_from_one() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 7), (2, 4));
        assert_eq!(line_col(s, 8), (3, 1));
        assert_eq!(offset_of(s, 3, 1), Some(8));
        assert_eq!(offset_of(s, 2, 3), Some(5));
    }

    #[test]
    fn the_line_index_agrees_with_the_scan() {
        for s in ["", "a", "ab\ncdé\nf", "\n\n", "x\r\ny\r\n", "é\nàb\n\nc"] {
            let idx = LineIndex::new(s);
            for off in 0..=s.len() + 2 {
                assert_eq!(idx.line_col(off), line_col(s, off), "{s:?} at {off}");
            }
            for line in 0..=idx.len() + 1 {
                for col in 0..4 {
                    if let Some(o) = offset_of(s, line, col) {
                        assert_eq!(idx.offset_of(line, col), Some(o), "{s:?} {line}:{col}");
                    }
                }
            }
        }
        let idx = LineIndex::new("ab\r\ncd\nef");
        assert_eq!(idx.line(1), Some("ab"));
        assert_eq!(idx.line(2), Some("cd"));
        assert_eq!(idx.line(3), Some("ef"));
        assert_eq!(idx.line(4), None);
    }

    #[test]
    fn display_names_file_line_column_and_field() {
        let p = Problem::error("a.toml", "actors[0].capability", "must be > 0, found -1").at(4, 14);
        assert_eq!(
            p.to_string(),
            "a.toml:4:14: error: `actors[0].capability`: must be > 0, found -1"
        );
    }
}
