//! Fuzz target: random incremental edits against a reference implementation (see fuzz/checks.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::edits(data));
