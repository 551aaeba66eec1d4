//! The `chd` target: see `discscope::harness` for what it feeds the bytes
//! to. Run with `scripts/fuzz.sh` (or `cargo +nightly fuzz run chd` here;
//! seed the corpus with `../tests/fixtures/chd/*/*.chd` for depth).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    discscope::harness::run("chd", data);
});
