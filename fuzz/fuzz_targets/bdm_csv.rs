#![no_main]
//! The BDM CSV importer must never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detente_core::import::bdm::import(data, "fuzz.csv");
});
