//! From the track blocks to tracks and the address map.
//!
//! A DiscJuggler image stores every track whole, its pregap included, one
//! after another from the start of the file: a track's total length times
//! its sector size (with any subchannel after each sector). Its start LBA
//! is INDEX 01; the pregap lies before it. Sessions after the first begin
//! where their first track's pregap does; between them lie the lead-out
//! and lead-in, which no image stores.
//!
//! Best effort: a track that begins inside the one before is cut where
//! that one ends; sectors between two tracks of a session that no block
//! covers are missing; a track running past the data (into the
//! descriptor) keeps what is there. Each is a finding at the offset of the
//! block at fault.

use super::parse::{SessionRecord, TrackRecord};
use super::records::read_mode;
use crate::diagnostic::{Diagnostic, Location};
use crate::medium::{
    CdText, Extent, ExtentData, Gap, Index, MAX_TRACK_SECTORS, Track, TrackFlags, TrackMode,
};
use crate::units::Lba;

/// The laid-out image.
#[derive(Debug, Default)]
pub struct CdiLayout {
    pub tracks: Vec<Track>,
    pub extents: Vec<Extent>,
}

/// The track's mode and how it is stored: sector bytes and stride.
fn storage(record: &TrackRecord, number: u8, found: &mut Vec<Diagnostic>) -> (TrackMode, u32, u64) {
    let body = &record.body;
    let (size, stride) = read_mode(body.read_mode).unwrap_or_else(|| {
        found.push(
            Diagnostic::error(
                "cdi.read-mode",
                format!(
                    "track {number}: sector size code {} is not one DiscJuggler writes; read as 2352 bytes",
                    body.read_mode
                ),
            )
            .at(Location::Offset(record.body_at + 42)),
        );
        (2352, 2352)
    });
    let mode = match (body.mode, size) {
        (0, 2352) => Some(TrackMode::Audio),
        (1, 2048) => Some(TrackMode::Mode1_2048),
        (1, 2352) => Some(TrackMode::Mode1_2352),
        (2, 2048) => Some(TrackMode::Mode2_2048),
        (2, 2336) => Some(TrackMode::Mode2_2336),
        (2, 2352) => Some(TrackMode::Mode2_2352),
        _ => None,
    };
    let mode = mode.unwrap_or_else(|| {
        let guess = match size {
            2048 => TrackMode::Mode1_2048,
            2336 => TrackMode::Mode2_2336,
            _ if body.control & 0x4 != 0 => TrackMode::Mode1_2352,
            _ => TrackMode::Audio,
        };
        found.push(
            Diagnostic::warning(
                "cdi.mode",
                format!(
                    "track {number}: mode {} with {size}-byte sectors is not a combination DiscJuggler writes; read as {guess}",
                    body.mode
                ),
            )
            .at(Location::Offset(record.body_at + 2)),
        );
        guess
    });
    (mode, size, stride)
}

struct Builder<'a> {
    layout: CdiLayout,
    found: &'a mut Vec<Diagnostic>,
    cursor: Option<i64>,
    /// Where the next track's data is in the image.
    offset: u64,
    /// Where the data ends (the descriptor begins).
    data_end: u64,
}

impl Builder<'_> {
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
}

/// Lays out every session.
pub fn lay_out(
    sessions: &[SessionRecord],
    data_end: u64,
    found: &mut Vec<Diagnostic>,
) -> CdiLayout {
    let mut builder = Builder {
        layout: CdiLayout::default(),
        found,
        cursor: None,
        offset: 0,
        data_end,
    };
    for (index, session) in sessions.iter().enumerate() {
        let number = u8::try_from(index + 1).unwrap_or(99);
        for (i, record) in session.tracks.iter().enumerate() {
            track(&mut builder, record, number, i == 0);
        }
    }
    builder.layout
}

fn track(builder: &mut Builder<'_>, record: &TrackRecord, session: u8, first: bool) {
    let number = u8::try_from(builder.layout.tracks.len() + 1).unwrap_or(99);
    let (mode, size, stride) = storage(record, number, builder.found);
    let body = &record.body;
    let total = u64::from(body.total);
    if total > MAX_TRACK_SECTORS {
        builder.found.push(
            Diagnostic::error(
                "cdi.too-long",
                format!("track {number}: {total} sectors are more than any disc holds; cut to {MAX_TRACK_SECTORS}"),
            )
            .at(Location::Offset(record.body_at + 22)),
        );
    }
    let total = total.min(MAX_TRACK_SECTORS);
    let pregap = u64::from(record.indexes.first().copied().unwrap_or(0)).min(total);
    let indexed: u64 = record.indexes.iter().map(|&l| u64::from(l)).sum();
    if !record.indexes.is_empty() && indexed != u64::from(body.total) {
        builder.found.push(
            Diagnostic::warning(
                "cdi.length",
                format!(
                    "track {number}: its index lengths add up to {indexed} sectors, its total length is {}; the total is used",
                    body.total
                ),
            )
            .at(Location::Offset(record.body_at + 22)),
        );
    }
    if usize::try_from(body.session).ok() != Some(usize::from(session) - 1) {
        builder.found.push(
            Diagnostic::warning(
                "cdi.session-index",
                format!(
                    "track {number} is in session {session} but names session index {}",
                    body.session
                ),
            )
            .at(Location::Offset(record.body_at + 10)),
        );
    }
    let start = i64::from(body.start);
    let mut first_lba = start - pregap as i64;
    let mut skip = 0u64;
    match builder.cursor {
        Some(cursor) if cursor > first_lba => {
            builder.found.push(
                Diagnostic::error(
                    "cdi.overlap",
                    format!(
                        "track {number} begins at LBA {first_lba}, inside the track before (which ends at {cursor}); its first {} sectors are left out",
                        cursor - first_lba
                    ),
                )
                .at(Location::Offset(record.body_at + 18)),
            );
            skip = ((cursor - first_lba) as u64).min(total);
            first_lba = cursor;
        }
        Some(cursor) if cursor < first_lba => {
            let gap = if first {
                Gap::SessionGap
            } else {
                builder.found.push(
                    Diagnostic::warning(
                        "cdi.track-start",
                        format!(
                            "track {number} starts at LBA {start} after a {pregap}-sector pregap, but the track before ends at {cursor}; the {} sectors between are missing",
                            first_lba - cursor
                        ),
                    )
                    .at(Location::Offset(record.body_at + 18)),
                );
                Gap::Missing
            };
            builder.push(
                cursor,
                (first_lba - cursor) as u64,
                2352,
                None,
                ExtentData::Zero(gap),
            );
        }
        _ => {}
    }
    let track_index = builder.layout.tracks.len();
    let offset = builder.offset.saturating_add(skip.saturating_mul(stride));
    let count = total - skip;
    let available = builder.data_end.saturating_sub(offset) / stride.max(1);
    let have = count.min(available);
    if have < count {
        builder.found.push(
            Diagnostic::error(
                "cdi.track-past-end",
                format!(
                    "track {number}: its data from byte {offset:#x} runs past the image's data, which ends at {:#x}: the last {} sectors are missing",
                    builder.data_end,
                    count - have
                ),
            )
            .at(Location::Offset(record.body_at + 22)),
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
    builder.push(first_lba, have, size, Some(track_index), data);
    builder.push(
        first_lba + have as i64,
        count - have,
        size,
        Some(track_index),
        ExtentData::Zero(Gap::Missing),
    );
    builder.offset = builder.offset.saturating_add(total.saturating_mul(stride));
    let index01 = start.max(first_lba);
    let end = first_lba + count as i64;
    let mut indexes = Vec::new();
    if index01 > first_lba {
        indexes.push(Index {
            number: 0,
            lba: Lba(first_lba),
        });
    }
    indexes.push(Index {
        number: 1,
        lba: Lba(index01),
    });
    let mut at = start;
    for (i, length) in record.indexes.iter().enumerate().skip(1) {
        at = at.saturating_add(i64::from(*length));
        let number = u8::try_from(i + 1).unwrap_or(99);
        if i + 1 < record.indexes.len() && at > index01 && at < end && number <= 99 {
            indexes.push(Index {
                number,
                lba: Lba(at),
            });
        }
    }
    let isrc = body.isrc.trim_matches(char::from(0)).trim();
    builder.layout.tracks.push(Track {
        number,
        session,
        mode,
        start: Lba(index01),
        pregap: (index01 - first_lba) as u64,
        pregap_in_file: true,
        length: (end - index01).max(0) as u64,
        postgap: 0,
        indexes,
        file: Some(0),
        file_offset: Some(offset.saturating_add((index01 - first_lba) as u64 * stride)),
        flags: TrackFlags::from_control((body.control & 0xF) as u8),
        isrc: (body.isrc_valid != 0 && !isrc.is_empty()).then(|| isrc.to_owned()),
        cd_text: CdText::default(),
        rem: Vec::new(),
    });
}
