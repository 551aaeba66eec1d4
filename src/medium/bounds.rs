//! The addresses a disc can have. Descriptors give positions and lengths
//! as 32-bit numbers; read as they are, a hostile one spans billions of
//! sectors that every pass over the map (verification, the disc map) would
//! walk. Containers clip their layout to these bounds and say so.

use super::{Extent, ExtentData, Track};
use crate::diagnostic::Diagnostic;
use crate::units::Lba;

/// One past the last address any disc has, with room to spare: a
/// dual-layer DVD has about 4.2 million sectors, a 120-minute CD 540,000.
pub const MAX_LBA: i64 = 20_000_000;
/// The first address: discs start at -150; no pregap before that lasts
/// longer than 100 minutes.
pub const MIN_LBA: i64 = -450_000;

/// The most sectors one track or pregap a descriptor gives may span
/// (about 370 hours): no disc is longer, and the bound keeps every sum of
/// them far from overflow.
pub const MAX_TRACK_SECTORS: u64 = 100_000_000;

/// [`bound`], with the finding `code` (a container's `*.too-long`) when
/// anything was cut.
pub fn clip(
    extents: &mut Vec<Extent>,
    tracks: &mut [Track],
    code: &'static str,
) -> Option<Diagnostic> {
    bound(extents, tracks).then(|| {
        Diagnostic::error(
            code,
            format!(
                "the tracks reach past LBA {MAX_LBA} or before {MIN_LBA}, further than any disc; they are cut there"
            ),
        )
    })
}

/// Clips `extents` and `tracks` to [`MIN_LBA`]..[`MAX_LBA`]; whether
/// anything was cut. Tracks are kept (extents name them by index), those
/// wholly outside shrunk to nothing at the bound.
fn bound(extents: &mut Vec<Extent>, tracks: &mut [Track]) -> bool {
    let mut cut = false;
    extents.retain_mut(|extent| {
        let (start, end) = (extent.start.0, extent.end().0);
        if end <= MIN_LBA || start >= MAX_LBA {
            cut = true;
            return false;
        }
        if start < MIN_LBA {
            let skip = MIN_LBA.abs_diff(start);
            extent.data = match extent.data {
                ExtentData::File { file, offset } => ExtentData::File {
                    file,
                    offset: offset
                        .saturating_add(skip.saturating_mul(u64::from(extent.sector_size))),
                },
                ExtentData::Strided {
                    file,
                    offset,
                    stride,
                } => ExtentData::Strided {
                    file,
                    offset: offset.saturating_add(skip.saturating_mul(stride)),
                    stride,
                },
                ExtentData::Zero(gap) => ExtentData::Zero(gap),
            };
            extent.start = Lba(MIN_LBA);
            extent.count = extent.count.saturating_sub(skip);
            cut = true;
        }
        if extent.end().0 > MAX_LBA {
            extent.count = MAX_LBA.abs_diff(extent.start.0);
            cut = true;
        }
        true
    });
    for track in tracks.iter_mut() {
        let clip = |lba: i64| lba.clamp(MIN_LBA, MAX_LBA);
        let (first, start, end) = (track.pregap_start().0, track.start.0, track.end().0);
        let clipped = (clip(first), clip(start), clip(end));
        if clipped == (first, start, end) {
            continue;
        }
        cut = true;
        track.pregap = clipped.1.abs_diff(clipped.0);
        track.start = Lba(clipped.1);
        track.length = clipped.2.abs_diff(clipped.1);
        track
            .indexes
            .retain(|i| i.lba.0 >= MIN_LBA && i.lba.0 < MAX_LBA);
        for index in &mut track.indexes {
            if index.number == 1 {
                index.lba = track.start;
            }
        }
        if track.pregap == 0 {
            track.indexes.retain(|i| i.number != 0);
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::medium::{CdText, Gap, Index, TrackFlags, TrackMode};

    fn track(start: i64, pregap: u64, length: u64) -> Track {
        Track {
            number: 1,
            session: 1,
            mode: TrackMode::Audio,
            start: Lba(start),
            pregap,
            pregap_in_file: true,
            length,
            postgap: 0,
            indexes: vec![Index {
                number: 1,
                lba: Lba(start),
            }],
            file: Some(0),
            file_offset: Some(0),
            flags: TrackFlags::default(),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        }
    }

    #[test]
    fn a_layout_past_any_disc_is_clipped() {
        let mut extents = vec![
            Extent {
                start: Lba(-1_000_000),
                count: 1_000_010,
                sector_size: 2352,
                track: Some(0),
                data: ExtentData::File { file: 0, offset: 0 },
            },
            Extent {
                start: Lba(10),
                count: 4_000_000_000,
                sector_size: 2352,
                track: Some(1),
                data: ExtentData::Zero(Gap::Missing),
            },
            Extent {
                start: Lba(4_000_000_010),
                count: 5,
                sector_size: 2352,
                track: Some(2),
                data: ExtentData::Zero(Gap::Missing),
            },
        ];
        let mut tracks = vec![
            track(0, 1_000_000, 10),
            track(10, 0, 4_000_000_000),
            track(4_000_000_010, 0, 5),
        ];
        assert!(bound(&mut extents, &mut tracks));
        assert_eq!(extents.len(), 2);
        assert_eq!(extents[0].start, Lba(MIN_LBA));
        assert_eq!(
            extents[0].data,
            ExtentData::File {
                file: 0,
                offset: 550_000 * 2352
            }
        );
        assert_eq!(extents[1].end(), Lba(MAX_LBA));
        assert_eq!(tracks[0].pregap, 450_000);
        assert_eq!(tracks[1].end(), Lba(MAX_LBA));
        assert_eq!((tracks[2].start, tracks[2].length), (Lba(MAX_LBA), 0));
        let mut fine = vec![track(0, 150, 35)];
        assert!(!bound(&mut Vec::new(), &mut fine));
    }
}
