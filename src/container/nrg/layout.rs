//! From the sessions the chunks describe to tracks and the address map.
//!
//! Disc at once: the cue points give each track's INDEX 00 and INDEX 01
//! and the lead-out as LBAs; the DAO records give the file offsets of the
//! pregap, INDEX 01 and the end, so both the pregap and the track are
//! stored. Track at once: every track has a 150-sector pregap that is not
//! stored (the first one before LBA 0), then its data, as libmirage and
//! cd-info lay them out; later sessions begin after the usual lead-out,
//! lead-in and pregap.
//!
//! Best effort: a track whose data runs past the data area (into the
//! chunks, or past the file) keeps what is there and marks the rest
//! missing; tracks that overlap the one before are cut where it ends; cue
//! points that disagree with the DAO offsets give way to the offsets. Each
//! is a finding with the offset of the record at fault.

use super::parse::{CuePoint, DaoTrack, SessionData, TaoTrack};
use super::records::mode_of;
use crate::container::cue::layout::{LATER_LEAD_OUT_SECTORS, LEAD_IN_SECTORS, LEAD_OUT_SECTORS};
use crate::diagnostic::{Diagnostic, Location};
use crate::medium::{
    CdText, Extent, ExtentData, Gap, Index, MAX_TRACK_SECTORS, Track, TrackFlags, TrackMode,
};
use crate::units::Lba;

/// The pregap each track-at-once track has and the image does not store.
const TAO_PREGAP: i64 = 150;

/// The laid-out image.
#[derive(Debug, Default)]
pub struct NrgLayout {
    pub tracks: Vec<Track>,
    pub extents: Vec<Extent>,
    pub catalog: Option<String>,
}

/// How a mode code stores a track: its mode, sector bytes and stride.
fn storage(
    code: u32,
    declared: Option<u16>,
    control: u8,
    at: u64,
    found: &mut Vec<Diagnostic>,
) -> (TrackMode, u32, u64) {
    if let Some((mode, size, sub)) = mode_of(code) {
        let stride = u64::from(size) + if sub { 96 } else { 0 };
        if let Some(declared) = declared.filter(|&d| u64::from(d) != stride) {
            found.push(
                Diagnostic::warning(
                    "nrg.sector-size",
                    format!(
                        "the record gives {declared}-byte sectors but mode {code:#04x} stores {stride}; the mode's size is used"
                    ),
                )
                .at(Location::Offset(at)),
            );
        }
        return (mode, size, stride);
    }
    let data = control & 0x4 != 0;
    let (mode, size) = match declared {
        Some(2048) => (TrackMode::Mode1_2048, 2048),
        Some(2336) => (TrackMode::Mode2_2336, 2336),
        _ if data => (TrackMode::Mode1_2352, 2352),
        _ => (TrackMode::Audio, 2352),
    };
    found.push(
        Diagnostic::warning(
            "nrg.mode",
            format!("mode code {code:#04x} is not one discscope knows; read as {mode}"),
        )
        .at(Location::Offset(at)),
    );
    (mode, size, u64::from(size))
}

/// Builds tracks and extents one run at a time.
struct Builder<'a> {
    layout: NrgLayout,
    found: &'a mut Vec<Diagnostic>,
    /// One past the last address placed.
    cursor: Option<i64>,
    /// Bytes of the image holding sector data (the chunks begin there).
    data_end: u64,
}

impl Builder<'_> {
    /// Places `count` sectors of `size` bytes, `stride` apart, from file
    /// offset `offset` at `start`: what the data area holds, then missing
    /// ones.
    fn stored(
        &mut self,
        start: i64,
        count: u64,
        (size, stride): (u32, u64),
        offset: u64,
        track: usize,
        at: u64,
    ) {
        let available = self.data_end.saturating_sub(offset) / stride.max(1);
        // No disc is longer than this; a hostile length is cut to it.
        let count = count.min(MAX_TRACK_SECTORS);
        let have = count.min(available);
        if have < count {
            self.found.push(
                Diagnostic::error(
                    "nrg.track-past-end",
                    format!(
                        "track data from byte {offset:#x} runs past the image's data, which ends at {:#x}: the last {} sectors are missing",
                        self.data_end,
                        count - have
                    ),
                )
                .at(Location::Offset(at)),
            );
        }
        let data = if stride == u64::from(size) {
            ExtentData::File { file: 0, offset }
        } else {
            ExtentData::Strided {
                file: 0,
                offset,
                stride,
            }
        };
        self.push(start, have, size, Some(track), data);
        self.push(
            start + have as i64,
            count - have,
            size,
            Some(track),
            ExtentData::Zero(Gap::Missing),
        );
    }

    fn push(&mut self, start: i64, count: u64, size: u32, track: Option<usize>, data: ExtentData) {
        Extent::place(
            &mut self.layout.extents,
            &mut self.cursor,
            start,
            count,
            size,
            track,
            data,
        );
    }

    /// A session gap from the cursor to `start`.
    fn gap_to(&mut self, start: i64) {
        if let Some(cursor) = self.cursor.filter(|&c| c < start) {
            self.push(
                cursor,
                (start - cursor) as u64,
                2352,
                None,
                ExtentData::Zero(Gap::SessionGap),
            );
        }
    }
}

/// Lays out every session.
pub fn lay_out(
    sessions: &[SessionData],
    data_end: u64,
    cd_text: &crate::container::cdtext::DecodedText,
    found: &mut Vec<Diagnostic>,
) -> NrgLayout {
    let mut builder = Builder {
        layout: NrgLayout::default(),
        found,
        cursor: None,
        data_end,
    };
    for (index, session) in sessions.iter().enumerate() {
        let number = u8::try_from(index + 1).unwrap_or(99);
        match session {
            SessionData::Dao {
                mcn,
                first_track,
                tracks,
                cues,
                ..
            } => {
                if builder.layout.catalog.is_none() && !mcn.is_empty() {
                    builder.layout.catalog = Some(mcn.clone());
                }
                dao(&mut builder, number, *first_track, tracks, cues);
            }
            SessionData::Tao { tracks } => tao(&mut builder, number, tracks),
        }
    }
    for track in &mut builder.layout.tracks {
        track.cd_text = cd_text.track(track.number);
    }
    builder.layout
}

fn next_number(builder: &Builder<'_>, first: u8, i: usize) -> u8 {
    let previous = builder.layout.tracks.last().map_or(0, |t| t.number);
    let declared = usize::from(first) + i;
    if (1..=99).contains(&first) && declared <= 99 && declared > usize::from(previous) {
        declared as u8
    } else {
        previous.saturating_add(1).min(99)
    }
}

fn dao(builder: &mut Builder<'_>, session: u8, first: u8, tracks: &[DaoTrack], cues: &[CuePoint]) {
    let cue = |track: u8, index: u8| cues.iter().find(|c| c.track == track && c.index == index);
    for (i, record) in tracks.iter().enumerate() {
        let number = next_number(builder, first, i);
        let control = cue(number, 1).map_or(0, |c| c.control >> 4);
        let (mode, size, stride) = storage(
            u32::from(record.mode),
            Some(record.sector_size),
            control,
            record.at,
            builder.found,
        );
        if control & 0x4 != 0 && mode.is_audio()
            || control & 0x4 == 0 && !mode.is_audio() && cue(number, 1).is_some()
        {
            builder.found.push(
                Diagnostic::warning(
                    "nrg.control-mode",
                    format!(
                        "track {number}: its cue point's control says {} but its mode is {mode}",
                        if control & 0x4 != 0 { "data" } else { "audio" }
                    ),
                )
                .at(Location::Offset(record.at)),
            );
        }
        let (index0, index1, end) = (
            record.index0,
            record.index1.max(record.index0),
            record.end.max(record.index1.max(record.index0)),
        );
        if record.index1 < record.index0 || record.end < record.index1 {
            builder.found.push(
                Diagnostic::error(
                    "nrg.offsets",
                    format!(
                        "track {number}: its offsets do not rise (index 0 {:#x}, index 1 {:#x}, end {:#x})",
                        record.index0, record.index1, record.end
                    ),
                )
                .at(Location::Offset(record.at)),
            );
        }
        for (from, to, what) in [(index0, index1, "pregap"), (index1, end, "track")] {
            if !(to - from).is_multiple_of(stride) {
                builder.found.push(
                    Diagnostic::warning(
                        "nrg.partial-sector",
                        format!("track {number}: its {what} is not a whole number of {stride}-byte sectors; the rest is ignored"),
                    )
                    .at(Location::Offset(record.at)),
                );
            }
        }
        let pregap = ((index1 - index0) / stride).min(MAX_TRACK_SECTORS);
        let length = ((end - index1) / stride).min(MAX_TRACK_SECTORS);
        let after = builder.cursor;
        let start = match cue(number, 1) {
            Some(c) => c.lba,
            None => after.map_or(0, |a| a.saturating_add(pregap as i64)),
        };
        if let Some(c) = cue(number, 0).filter(|c| c.lba != start - pregap as i64) {
            builder.found.push(
                Diagnostic::warning(
                    "nrg.cue-dao-mismatch",
                    format!(
                        "track {number}: its cue point puts INDEX 00 at LBA {} but the DAO offsets give a {pregap}-sector pregap before LBA {start}; the offsets are used",
                        c.lba
                    ),
                )
                .at(Location::Offset(c.at)),
            );
        }
        let mut first_lba = start - pregap as i64;
        let mut skip = 0u64;
        if let Some(previous_end) = after.filter(|&e| e > first_lba) {
            let overlap = (previous_end - first_lba) as u64;
            builder.found.push(
                Diagnostic::error(
                    "nrg.overlap",
                    format!(
                        "track {number} begins at LBA {first_lba}, inside the track before (which ends at {previous_end}); its first {overlap} sectors are left out"
                    ),
                )
                .at(Location::Offset(record.at)),
            );
            skip = overlap.min(pregap + length);
            first_lba = previous_end;
        } else {
            builder.gap_to(first_lba);
        }
        let track_index = builder.layout.tracks.len();
        let offset = index0.saturating_add(skip.saturating_mul(stride));
        builder.stored(
            first_lba,
            pregap + length - skip,
            (size, stride),
            offset,
            track_index,
            record.at,
        );
        let start = start.max(first_lba);
        let mut indexes = Vec::new();
        if start > first_lba {
            indexes.push(Index {
                number: 0,
                lba: Lba(first_lba),
            });
        }
        indexes.push(Index {
            number: 1,
            lba: Lba(start),
        });
        let end_lba = first_lba + (pregap + length - skip) as i64;
        for point in cues
            .iter()
            .filter(|c| c.track == number && (2..=99).contains(&c.index))
        {
            if point.lba > start && point.lba < end_lba {
                indexes.push(Index {
                    number: point.index,
                    lba: Lba(point.lba),
                });
            }
        }
        let isrc = record.isrc.trim_matches(char::from(0)).trim();
        builder.layout.tracks.push(Track {
            number,
            session,
            mode,
            start: Lba(start),
            pregap: (start - first_lba) as u64,
            pregap_in_file: true,
            length: (end_lba - start).max(0) as u64,
            postgap: 0,
            indexes,
            file: Some(0),
            file_offset: Some(index1.max(offset)),
            flags: TrackFlags::from_control(control),
            isrc: (!isrc.is_empty()).then(|| isrc.to_owned()),
            cd_text: CdText::default(),
            rem: Vec::new(),
        });
    }
    if let (Some(lead_out), Some(end)) = (cue(0xAA, 1).or(cue(0xAA, 0)), builder.cursor)
        && lead_out.lba != end
    {
        builder.found.push(
            Diagnostic::warning(
                "nrg.lead-out",
                format!(
                    "the lead-out cue point is at LBA {} but the session's data ends at {end}",
                    lead_out.lba
                ),
            )
            .at(Location::Offset(lead_out.at)),
        );
    }
}

fn tao(builder: &mut Builder<'_>, session: u8, tracks: &[TaoTrack]) {
    // The first session's first pregap is before LBA 0; a later session
    // begins after the lead-out and lead-in.
    let mut cursor = match builder.cursor {
        None => -TAO_PREGAP,
        Some(end) => {
            let lead_out = if session == 2 {
                LEAD_OUT_SECTORS
            } else {
                LATER_LEAD_OUT_SECTORS
            };
            end + lead_out + LEAD_IN_SECTORS
        }
    };
    builder.gap_to(cursor);
    let mut packed = 0i64;
    for record in tracks {
        let number = next_number(builder, 1, 0);
        let (mode, size, stride) = storage(record.mode, None, 0, record.at, builder.found);
        if !record.length.is_multiple_of(stride) {
            builder.found.push(
                Diagnostic::warning(
                    "nrg.partial-sector",
                    format!("track {number}: {} bytes are not a whole number of {stride}-byte sectors; the rest is ignored", record.length),
                )
                .at(Location::Offset(record.at)),
            );
        }
        let count = record.length / stride;
        let track_index = builder.layout.tracks.len();
        builder.push(
            cursor,
            TAO_PREGAP as u64,
            size,
            Some(track_index),
            ExtentData::Zero(Gap::Pregap),
        );
        let start = cursor + TAO_PREGAP;
        if let Some(lba) = record
            .lba
            .filter(|&l| i64::from(l) != packed && session == 1)
        {
            builder.found.push(
                Diagnostic::info(
                    "nrg.tao-lba",
                    format!(
                        "track {number}'s record gives start LBA {lba}, where the tracks packed without their gaps would put it at {packed}"
                    ),
                )
                .at(Location::Offset(record.at)),
            );
        }
        packed += count as i64;
        builder.stored(
            start,
            count,
            (size, stride),
            record.offset,
            track_index,
            record.at,
        );
        cursor = start + count as i64;
        builder.layout.tracks.push(Track {
            number,
            session,
            mode,
            start: Lba(start),
            pregap: TAO_PREGAP as u64,
            pregap_in_file: false,
            length: count,
            postgap: 0,
            indexes: vec![
                Index {
                    number: 0,
                    lba: Lba(start - TAO_PREGAP),
                },
                Index {
                    number: 1,
                    lba: Lba(start),
                },
            ],
            file: Some(0),
            file_offset: Some(record.offset),
            flags: TrackFlags::default(),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        });
    }
}
