//! Shared by the integration tests: where the GENIUS reference data lives.

use std::path::PathBuf;

/// `../shared/data/genius` beside the checkout (or one level further up, for worktrees).
pub fn genius_dir() -> PathBuf {
    let near = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/genius"
    ));
    if near.exists() {
        return near;
    }
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../../shared/data/genius"
    ))
}
