//! A CD or GD-ROM CHD's tracks on the disc: where each track's frames are
//! in the CHD, the LBAs they take, pregaps the file stores or not,
//! postgaps, and the 4-frame padding that is not part of the disc.
//!
//! LBA 0 is track 1's INDEX 01, as discscope reads the cue sheet
//! `chdman extractcd` writes (a pregap of track 1 lies before it). A
//! pregap the file does not store and a postgap read as zeros; padding
//! frames are skipped. On a GD-ROM a track's PAD frames are the gap up to the
//! next track: the next track's pregap, or, before the high-density area
//! at LBA 45000, the gap between the two areas (its second session).
//!
//! Sources: MAME `cdrom.cpp` (the `cdrom_file(chd_file *)` constructor:
//! physical, CHD and logical frame offsets; `logframeofs` adds an
//! unstored pregap before the track and a postgap after it) and
//! `chdman.cpp` (`do_extract_cd`: INDEX 00/01 for a stored pregap,
//! PREGAP for an unstored one, GDI track LBAs advance by FRAMES).

use crate::diagnostic::{Diagnostic, Location};
use crate::medium::{CdText, Gap, Index, Track, TrackFlags};
use crate::units::Lba;

use super::tracks::{Disc, TrackMeta};

/// Where a GD-ROM's high-density area starts.
pub const HIGH_DENSITY: i64 = 45_000;

/// A run of sectors and where they come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Run {
    /// The track's own view (its file), from its first sector.
    Stored,
    Gap(Gap),
}

/// One run of the address map, before it becomes an extent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub start: Lba,
    pub count: u64,
    /// Index into the tracks (None for the gap between GD-ROM areas).
    pub track: Option<usize>,
    pub run: Run,
}

/// A track's place: the medium's track and the runs of CHD frames its
/// view shows, in order (a GD-ROM pregap, then the track's frames).
#[derive(Clone, Debug)]
pub struct PlacedTrack {
    pub track: Track,
    /// (first frame, frames) runs of the CHD.
    pub segments: Vec<(u64, u64)>,
    pub data_size: u32,
    pub audio: bool,
}

/// Lays out the tracks. `stored_frames` is how many frames the logical
/// data holds: frames past it are findings, and the track is cut short.
pub fn lay_out(
    metas: &[TrackMeta],
    disc: Disc,
    stored_frames: u64,
    findings: &mut Vec<Diagnostic>,
) -> (Vec<PlacedTrack>, Vec<Piece>) {
    let gd = disc != Disc::Cd;
    let mut placed: Vec<PlacedTrack> = Vec::new();
    let mut pieces = Vec::new();
    let mut lba: i64 = 0;
    let mut chd_frame: u64 = 0;
    // A GD-ROM track's PAD frames: (first frame, count), placed with the
    // next track.
    let mut pending: Option<(u64, u64)> = None;
    for (i, meta) in metas.iter().enumerate() {
        let mut stored = meta.frames;
        let end = chd_frame.saturating_add(stored);
        if end > stored_frames {
            findings.push(
                Diagnostic::error(
                    "chd.track-past-end",
                    format!(
                        "track {}: its frames {chd_frame}..{end} run past the {stored_frames} frames the CHD holds; it is cut to what exists",
                        meta.number
                    ),
                )
                .at(Location::Sector(Lba(lba))),
            );
            stored = stored_frames.saturating_sub(chd_frame);
        }
        let pad = if gd { meta.pad.min(stored) } else { 0 };
        let own = stored - pad;
        let mut segments = Vec::new();
        // Pregap frames the view shows before INDEX 01, and those it does not.
        let mut in_view = 0u64;
        let mut unstored = 0u64;
        if let Some((pad_frame, pad_count)) = pending.take() {
            let crosses =
                lba < HIGH_DENSITY && lba.saturating_add(pad_count as i64) >= HIGH_DENSITY;
            if crosses {
                pieces.push(Piece {
                    start: Lba(lba),
                    count: pad_count,
                    track: None,
                    run: Run::Gap(Gap::SessionGap),
                });
                lba = lba.saturating_add(pad_count as i64);
            } else {
                segments.push((pad_frame, pad_count));
                in_view = pad_count;
            }
        }
        if meta.pregap > 0 {
            if meta.pregap_stored {
                if meta.pregap > own {
                    findings.push(
                        Diagnostic::error(
                            "chd.pregap-past-track",
                            format!(
                                "track {}: PREGAP:{} is stored (V in PGTYPE) but the track stores only {own} frames; INDEX 01 is put at its end",
                                meta.number, meta.pregap
                            ),
                        )
                        .at(Location::Sector(Lba(lba))),
                    );
                }
                in_view += meta.pregap.min(own);
            } else {
                unstored = meta.pregap;
                pieces.push(Piece {
                    start: Lba(lba),
                    count: meta.pregap,
                    track: Some(i),
                    run: Run::Gap(Gap::Pregap),
                });
                lba = lba.saturating_add(meta.pregap as i64);
            }
        }
        if own > 0 {
            segments.push((chd_frame, own));
        }
        let view: u64 = segments.iter().map(|(_, n)| n).sum();
        if view > 0 {
            pieces.push(Piece {
                start: Lba(lba),
                count: view,
                track: Some(i),
                run: Run::Stored,
            });
        }
        let pregap = in_view + unstored;
        let pregap_in_file = unstored == 0;
        let start = Lba(lba.saturating_add(in_view.min(view) as i64));
        let length = view.saturating_sub(in_view);
        lba = lba.saturating_add(view as i64);
        if meta.postgap > 0 {
            pieces.push(Piece {
                start: Lba(lba),
                count: meta.postgap,
                track: Some(i),
                run: Run::Gap(Gap::Postgap),
            });
            lba = lba.saturating_add(meta.postgap as i64);
        }
        if pad > 0 {
            pending = Some((chd_frame + own, pad));
        }
        // INDEX 00 where the pregap is stored (a PREGAP the file lacks has
        // none, as a cue sheet's PREGAP has none).
        let mut indexes = Vec::new();
        if in_view > 0 {
            indexes.push(Index {
                number: 0,
                lba: Lba(start.0.saturating_sub(in_view as i64)),
            });
        }
        indexes.push(Index {
            number: 1,
            lba: start,
        });
        let session = if gd
            && start.0 >= HIGH_DENSITY
            && placed.iter().any(|p| p.track.start.0 < HIGH_DENSITY)
        {
            2
        } else {
            1
        };
        placed.push(PlacedTrack {
            track: Track {
                number: u8::try_from(meta.number).unwrap_or(u8::MAX),
                session,
                mode: meta.mode,
                start,
                pregap,
                pregap_in_file,
                length,
                postgap: meta.postgap,
                indexes,
                file: Some(i),
                file_offset: Some(in_view * u64::from(meta.data_size)),
                flags: TrackFlags::default(),
                isrc: None,
                cd_text: CdText::default(),
                rem: Vec::new(),
            },
            segments,
            data_size: meta.data_size,
            audio: meta.mode.is_audio(),
        });
        chd_frame = chd_frame.saturating_add(meta.padded_frames());
    }
    // LBA 0 is track 1's INDEX 01: a pregap of track 1 lies before it.
    let shift = placed.first().map_or(0, |p| p.track.start.0);
    if shift != 0 {
        for piece in &mut pieces {
            piece.start = Lba(piece.start.0.saturating_sub(shift));
        }
        for p in &mut placed {
            p.track.start = Lba(p.track.start.0.saturating_sub(shift));
            for index in &mut p.track.indexes {
                index.lba = Lba(index.lba.0.saturating_sub(shift));
            }
        }
    }
    (placed, pieces)
}
