//! Any bytes as a cdrdao toc file beside the mixed-mode fixture's data
//! files: lexing, parsing, layout, every rule and rendering must return,
//! never panic; the medium it lays out must read.
//!
//! Run with `cargo +nightly fuzz run toc` from this folder.

#![no_main]

use std::path::Path;

use discscope::units::Lba;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let folder = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/cue/mixed"
    ));
    let report = discscope::lint::check_toc_bytes(data, folder);
    let _ = discscope::lint::render(&report, true);
    let Ok(analysis) = discscope::container::toc::analyse_bytes(data, folder) else {
        return;
    };
    let Ok(medium) = discscope::container::toc::medium(&analysis) else {
        return;
    };
    for track in medium.tracks.iter().take(8) {
        let _ = medium.read_sector(track.pregap_start());
        let _ = medium.read_sector(Lba(track.end().0.saturating_sub(1)));
    }
});
