//! Any bytes as a cue sheet beside the mixed-mode fixture's data files:
//! parse, every rule, rendering and repair must return, never panic.
//!
//! Run with `cargo +nightly fuzz run cue` from this folder.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let folder = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/cue/mixed"));
    let report = discscope::lint::check_bytes(data, folder);
    let _ = discscope::lint::render(&report, true);
    let _ = discscope::lint::repair(data, folder);
});
