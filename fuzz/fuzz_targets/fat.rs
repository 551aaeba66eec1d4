//! The `fat` target: see `discscope::harness` for what it feeds the bytes
//! to. Run with `scripts/fuzz.sh` (or `cargo +nightly fuzz run fat` here).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    discscope::harness::run("fat", data);
});
