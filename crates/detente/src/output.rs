//! Output files, written through `detente_app::output` (whole or not at all, never through a
//! link), and the report format from OUT's extension.

use std::path::Path;

use crate::render::CliError;

/// Checks that `path` may be written: not a symbolic link, and absent unless `force`.
pub fn check_target(path: &Path, force: bool) -> Result<(), CliError> {
    Ok(detente_app::output::check_target(path, force)?)
}

/// Writes `text` to `path` whole or not at all (`detente_app::output::write_file`); Ctrl-C
/// waits until it is done (see interrupt.rs).
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), CliError> {
    let _writing = crate::interrupt::writing();
    Ok(detente_app::output::write_file(path, text, force)?)
}

/// The report format: `--format` when given, else the extension of OUT (`.md`/`.markdown`:
/// Markdown, anything else HTML); a `--format` contradicting a known extension is refused.
pub fn report_format(out: &Path, flag: Option<&str>) -> Result<&'static str, CliError> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_ext = match ext.as_deref() {
        Some("md" | "markdown") => Some("md"),
        Some("html" | "htm") => Some("html"),
        _ => None,
    };
    let by_flag = match flag {
        Some("md") => Some("md"),
        Some("html") => Some("html"),
        Some(other) => {
            return Err(CliError::Usage(format!(
                "unknown --format `{other}`; expected html or md"
            )))
        }
        None => None,
    };
    match (by_flag, by_ext) {
        (Some(f), Some(e)) if f != e => Err(CliError::Usage(format!(
            "--format {f} contradicts the extension of {}; drop --format or name the file .{}",
            out.display(),
            if f == "md" { "md" } else { "html" }
        ))),
        (Some(f), _) | (None, Some(f)) => Ok(f),
        (None, None) => Ok("html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension_unless_the_flag_says_otherwise() {
        let p = Path::new;
        assert_eq!(report_format(p("x.md"), None).ok(), Some("md"));
        assert_eq!(report_format(p("x.MARKDOWN"), None).ok(), Some("md"));
        assert_eq!(report_format(p("x.html"), None).ok(), Some("html"));
        assert_eq!(report_format(p("x"), None).ok(), Some("html"));
        assert_eq!(report_format(p("x.txt"), Some("md")).ok(), Some("md"));
        assert!(report_format(p("x.md"), Some("html")).is_err());
        assert!(report_format(p("x.html"), Some("md")).is_err());
    }
}
