#![no_main]
//! The TOML scenario reader must return a model or located problems, never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((s, _)) = detente_core::format::parse_toml_bytes(data, "fuzz.toml") {
        // Whatever reads must write and read back.
        let text = detente_core::format::to_toml(&s);
        let _ = detente_core::format::parse_toml(&text, "back.toml");
    }
});
