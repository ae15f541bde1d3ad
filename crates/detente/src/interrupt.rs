//! Ctrl-C: stop at once, cleanly.
//!
//! Output files are written whole or not at all (`output.rs`): the handler waits for a write in
//! progress to finish, clears the progress bar's line, says what happened and exits with 130
//! (the shell's code for SIGINT). Nothing half-written is left behind: a temporary file is
//! never open while the handler runs, and every result reaches disk only in that last write.

use std::sync::{Mutex, MutexGuard};

/// Held while an output file is written: the handler never exits in the middle of a write.
static WRITING: Mutex<()> = Mutex::new(());

/// Installs the handler; failing to install it (another handler already set) is not fatal:
/// the default SIGINT behaviour then applies, which is just as safe for output files written
/// by rename.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let _guard = writing();
        // Leaves the progress bar's partial line and starts the message on a line of its own.
        eprintln!("\ninterrupted (Ctrl-C)");
        std::process::exit(130);
    });
}

/// The guard an output write holds (see [`WRITING`]).
pub fn writing() -> MutexGuard<'static, ()> {
    WRITING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
