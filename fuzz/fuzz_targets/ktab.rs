#![no_main]
//! The KTAB CSV and XML importers must never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detente_core::import::ktab::parse_csv(data, "fuzz.csv");
    let _ = detente_core::import::ktab::parse_xml(data, "fuzz.xml");
});
