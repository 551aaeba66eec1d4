//! The `toc` target: see `discscope::harness` for what it feeds the bytes
//! to. Run with `scripts/fuzz.sh` (or `cargo +nightly fuzz run toc` here).

// The sheet goes through every rule, the ones `container::dialect` shares
// between cue sheets and toc files included.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    discscope::harness::run("toc", data);
});
