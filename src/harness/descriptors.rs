//! The targets for images a descriptor describes: cdrdao toc files and
//! the Nero, Alcohol, DiscJuggler and CHD containers. Each lays out its
//! medium and then drives it as a disc ([`disc`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{sectors, survey_all};
use crate::io::MemorySource;
use crate::medium::Medium;
use crate::units::Lba;

/// Any bytes as a cdrdao toc file beside the mixed-mode fixture's data
/// files: every rule and rendering, then the medium it lays out.
pub fn toc(data: &[u8]) {
    let folder = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cue/mixed"
    ));
    let report = crate::lint::check_toc_bytes(data, folder);
    let _ = crate::lint::render(&report, true);
    let Ok(analysis) = crate::container::toc::analyse_bytes(data, folder) else {
        return;
    };
    if let Ok(medium) = crate::container::toc::medium(&analysis) {
        disc(medium);
    }
}

/// Any bytes as a Nero image.
pub fn nrg(data: &[u8]) {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.nrg"));
    if let Ok(medium) = crate::container::nrg::open_reader(Path::new("fuzz.nrg"), source) {
        disc(medium);
    }
}

/// Any bytes as an Alcohol descriptor with `fuzz.mdf` (40 raw sectors with
/// subchannel, patterned) and `fuzz.md0` (10 more) beside it, written once
/// per process.
pub fn mds(data: &[u8]) {
    // One folder for the process, kept (a thread-local one would register
    // a destructor, which LeakSanitizer reports as a leak).
    static FOLDER: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let folder = FOLDER.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("discscope-harness-mds")
            .tempdir()
            .ok()?
            .keep();
        let sector: Vec<u8> = (0..2448u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("fuzz.mdf"), sector.repeat(40)).ok()?;
        std::fs::write(dir.join("fuzz.md0"), sector.repeat(10)).ok()?;
        Some(dir)
    });
    let Some(folder) = folder else { return };
    if let Ok(medium) = crate::container::mds::open_bytes(&folder.join("fuzz.mds"), data) {
        disc(medium);
    }
}

/// Any bytes as a DiscJuggler image.
pub fn cdi(data: &[u8]) {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.cdi"));
    if let Ok(medium) = crate::container::cdi::open_reader(Path::new("fuzz.cdi"), source) {
        disc(medium);
    }
}

/// What every disc container's target does with a medium that opened:
/// each structure's text, the sectors and subchannel at each track's
/// edges, then everything `info` and `ls -R` do.
fn disc(medium: Medium) {
    for structure in &medium.structures {
        for field in &structure.fields {
            let _ = field.text();
        }
    }
    let sub = crate::subchannel::SubFile::of(&medium);
    for track in medium.tracks.iter().take(8) {
        for lba in [
            track.pregap_start(),
            track.start,
            Lba(track.end().0.saturating_sub(1)),
        ] {
            let _ = medium.read_sector(lba);
            if let Some(sub) = &sub {
                let _ = sub.q(lba);
            }
        }
    }
    sectors(&medium);
    survey_all(Arc::new(medium));
}

/// Any bytes as a `.chd`, opened from memory: every sector the medium
/// maps (at most 512) read with its map entries, the subchannel, and the
/// check `verify` runs when the header claims a modest logical size (a few
/// bytes of map can claim gigabytes of copies to hash).
pub fn chd(data: &[u8]) {
    let source = Arc::new(MemorySource::new(data.to_vec(), "fuzz.chd"));
    let Ok(medium) = crate::container::chd::open_source(source, Path::new("fuzz.chd")) else {
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
    if let Some(sub) = crate::subchannel::SubFile::of(&medium) {
        let _ = sub.q(Lba(0));
    }
    let version = data
        .get(12..16)
        .and_then(|v| v.try_into().ok())
        .map_or(0, u32::from_be_bytes);
    let at = if version == 5 { 32 } else { 28 };
    let claimed = data
        .get(at..at + 8)
        .and_then(|v| v.try_into().ok())
        .map_or(u64::MAX, u64::from_be_bytes);
    if let Some(store) = store.filter(|_| claimed <= 64 << 20) {
        let _ = store.finish_check(&|_, _| {}, &std::sync::atomic::AtomicBool::new(false));
    }
}
