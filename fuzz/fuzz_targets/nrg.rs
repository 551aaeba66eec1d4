//! Any bytes as a Nero image: the footer, every chunk, the layout, the
//! sectors it maps and the subchannel after them must read or fail with
//! an error, never panic, in bounded time and memory.
//!
//! Run with `cargo +nightly fuzz run nrg` from this folder; seed the
//! corpus with `../tests/fixtures/nrg/hostile/*.nrg` and the gunzipped
//! fixtures for depth.

#![no_main]

use std::path::Path;
use std::sync::Arc;

use discscope::io::MemorySource;
use libfuzzer_sys::fuzz_target;

#[path = "common/exercise.rs"]
mod exercise;

fuzz_target!(|data: &[u8]| {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.nrg"));
    if let Ok(medium) = discscope::container::nrg::open_reader(Path::new("fuzz.nrg"), source) {
        exercise::medium(medium);
    }
});
