#![no_main]
//! The GENIUS domain and profile readers must never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((issues, _)) = detente_core::import::genius::parse_domain(data, "fuzz.xml") {
        let _ = detente_core::import::genius::parse_profile(data, "fuzz.xml", &issues);
    }
    let _ = detente_core::import::genius::parse_profile(data, "fuzz.xml", &[]);
});
