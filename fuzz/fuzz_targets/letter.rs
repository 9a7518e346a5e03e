//! Fuzz target: see `checks::letter` for what is asserted.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::letter(data));
