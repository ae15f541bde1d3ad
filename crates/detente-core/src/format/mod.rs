//! The TOML scenario format (version 1): reading with located errors, and writing.
//!
//! See `docs/scenario-format.md` for the format itself.

mod locate;
mod read;
pub mod toml_util;
mod write;

pub use locate::locate;
pub use read::{parse_toml, parse_toml_bytes, SpanMap};
pub use write::to_toml;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;
