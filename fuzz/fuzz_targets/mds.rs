//! Any bytes as an Alcohol descriptor, its data files (`*.mdf`, `*.md0`)
//! beside it: every block, the names, the DVD structures, DPM, the layout
//! and the sectors it maps must read or fail with an error, never panic,
//! in bounded time and memory.
//!
//! Run with `cargo +nightly fuzz run mds` from this folder; seed the
//! corpus with `../tests/fixtures/mds/*.mds` and `hostile/*.mds`.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common/exercise.rs"]
mod exercise;

/// A folder holding `fuzz.mdf` and `fuzz.md0`: 40 raw sectors with a
/// pattern, and 10 more.
fn folder() -> &'static PathBuf {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("discscope-fuzz-mds-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sector: Vec<u8> = (0..2448u32).map(|i| (i % 251) as u8).collect();
        let _ = std::fs::write(dir.join("fuzz.mdf"), sector.repeat(40));
        let _ = std::fs::write(dir.join("fuzz.md0"), sector.repeat(10));
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let path = folder().join("fuzz.mds");
    if let Ok(medium) = discscope::container::mds::open_bytes(&path, data) {
        exercise::medium(medium);
    }
});
