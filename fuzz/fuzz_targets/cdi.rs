//! Any bytes as a DiscJuggler image: the footer, the descriptor's blocks,
//! the layout, the sectors it maps and the subchannel after them must read
//! or fail with an error, never panic, in bounded time and memory.
//!
//! Run with `cargo +nightly fuzz run cdi` from this folder; seed the
//! corpus with `../tests/fixtures/cdi/hostile/*.cdi` for depth.

#![no_main]

use std::path::Path;
use std::sync::Arc;

use discscope::io::MemorySource;
use libfuzzer_sys::fuzz_target;

#[path = "common/exercise.rs"]
mod exercise;

fuzz_target!(|data: &[u8]| {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.cdi"));
    if let Ok(medium) = discscope::container::cdi::open_reader(Path::new("fuzz.cdi"), source) {
        exercise::medium(medium);
    }
});
