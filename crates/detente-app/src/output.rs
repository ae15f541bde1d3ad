//! Output files: written whole or not at all.
//!
//! A file is written to a temporary file in the same folder and renamed over its destination
//! once complete, so a full disk or an interrupted run leaves the destination as it was (never
//! a truncated report or a 0-byte scenario that a rerun would refuse as existing). A symbolic
//! link as destination is refused, dangling or not: detente never writes through a link. Both
//! fronts write their files through here (the CLI's `-o`, the Python package's `report`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::AppError;

/// Checks that `path` may be written: not a symbolic link, and absent unless `force`.
pub fn check_target(path: &Path, force: bool) -> Result<(), AppError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(AppError::Output(format!(
            "{} is a symbolic link; detente does not write through links: give the path of the file itself",
            path.display()
        ))),
        Ok(m) if m.is_dir() => Err(AppError::Output(format!(
            "{} is a folder; give a file name",
            path.display()
        ))),
        Ok(_) if !force => Err(AppError::Output(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Writes `text` to `path` atomically (temporary file in the same folder, then rename),
/// refusing symbolic links and, unless `force`, an existing file.
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), AppError> {
    check_target(path, force)?;
    let fail =
        |e: std::io::Error| AppError::Output(format!("cannot write {}: {e}", path.display()));
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".detente-").suffix(".tmp");
    // Like a file written directly: 0666 less the umask (tempfile's default is 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if force {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        // Fails rather than replace a file created meanwhile.
        tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_are_refused_and_files_replaced_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("out.html");
        std::os::unix::fs::symlink(dir.path().join("missing"), &link).expect("symlink");
        assert!(write_file(&link, "x", true).is_err());
        assert!(!dir.path().join("missing").exists());
        let f = dir.path().join("f.toml");
        write_file(&f, "one", false).expect("written");
        assert!(write_file(&f, "two", false).is_err());
        write_file(&f, "two", true).expect("replaced");
        assert_eq!(std::fs::read_to_string(&f).expect("read"), "two");
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).expect("meta").permissions().mode();
            assert_ne!(mode & 0o044, 0, "readable like any written file: {mode:o}");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }
}
