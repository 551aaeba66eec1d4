//! Twin fixtures: the same disc in two containers must read the same, track
//! for track and byte for byte.

use std::path::Path;

use discscope::container;
use discscope::medium::Medium;
use discscope::units::Lba;

/// Opens an image that must open.
pub fn open(path: &Path) -> Medium {
    container::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (number, session, mode, start, pregap, length) of each track.
pub fn table(medium: &Medium) -> Vec<(u8, u8, String, i64, u64, u64)> {
    medium
        .tracks
        .iter()
        .map(|t| {
            (
                t.number,
                t.session,
                t.mode.cue_name().to_owned(),
                t.start.0,
                t.pregap,
                t.length,
            )
        })
        .collect()
}

/// The sector at `lba` as stored, or zeros of the track's size where the
/// medium has none (its twin may keep an unstored gap it lacks).
fn sector_or_zeros(medium: &Medium, lba: Lba, size: usize) -> Vec<u8> {
    medium
        .read_sector(lba)
        .map_or_else(|_| vec![0; size], |s| s.bytes)
}

/// Asserts `a` and `b` hold the same disc: the same track table, and the
/// same bytes in every sector from the first address either maps to the
/// last.
pub fn assert_same_disc(a: &Medium, b: &Medium, what: &str) {
    assert_eq!(table(a), table(b), "{what}: track tables");
    let first = a.first_lba().0.min(b.first_lba().0);
    let end = a.end_lba().0.max(b.end_lba().0);
    for lba in first..end {
        let size = a
            .sector_size_at(Lba(lba))
            .or(b.sector_size_at(Lba(lba)))
            .unwrap_or(2352) as usize;
        let left = sector_or_zeros(a, Lba(lba), size);
        let right = sector_or_zeros(b, Lba(lba), size);
        assert!(left == right, "{what}: LBA {lba} differs");
    }
}
