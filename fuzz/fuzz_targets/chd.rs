//! Any bytes as a `.chd`: opening (header, map, metadata, track layout),
//! reading every sector the medium maps (hunks decoded through the chd
//! crate's codecs under catch_unwind), the map entries of each, and the
//! check verify runs must return, never panic.
//!
//! Run with `cargo +nightly fuzz run chd` from this folder; seed the corpus
//! with `../tests/fixtures/chd/*/*.chd` for depth.

#![no_main]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use discscope::io::MemorySource;
use discscope::units::Lba;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.chd"));
    let Ok(medium) = discscope::container::chd::open_source(source, Path::new("fuzz.chd"))
    else {
        return;
    };
    let store = medium.store.clone();
    if let Some(store) = &store {
        store.start_check();
    }
    let first = medium.first_lba().0;
    let end = medium.end_lba().0.min(first + 512);
    for lba in first..end {
        let _ = medium.read_sector(Lba(lba));
        if let Some(store) = &store {
            let _ = store.structures_at(Lba(lba));
        }
    }
    if let Some(sub) = discscope::subchannel::SubFile::of(&medium) {
        let _ = sub.q(Lba(0));
    }
    // The check hashes every logical byte (as chdman's verify does): only
    // for inputs that claim a modest logical size (a few bytes of map can
    // claim gigabytes of copies).
    let version = data.get(12..16).map_or(0, |v| u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
    let at = if version == 5 { 32 } else { 28 };
    let claimed = data
        .get(at..at + 8)
        .map_or(u64::MAX, |v| u64::from_be_bytes(v.try_into().unwrap_or([0xFF; 8])));
    if let Some(store) = store.filter(|_| claimed <= 64 << 20) {
        let _ = store.finish_check(&|_, _| {}, &AtomicBool::new(false));
    }
});
