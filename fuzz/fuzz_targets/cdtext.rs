//! The `cdtext` target: see `discscope::harness` for what it feeds the bytes
//! to. Run with `scripts/fuzz.sh` (or `cargo +nightly fuzz run cdtext` here).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    discscope::harness::run("cdtext", data);
});
