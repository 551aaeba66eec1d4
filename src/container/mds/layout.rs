//! From the track blocks to tracks and the address map.
//!
//! A track block gives INDEX 01 (its start sector), where its first sector
//! is in the data file and how big each is; the extra block gives the
//! pregap, which the data file does not store, and the number of sectors
//! it does. A DVD has no extra blocks: the track's length sits where the
//! extra block's offset would. Sessions after the first begin after the
//! lead-out, lead-in and pregap their blocks give.
//!
//! Best effort: a track that begins inside the one before is cut where
//! that one ends; sectors between two tracks that no block covers count
//! as the later track's pregap; sectors past the end of the data file, or
//! in a file that is missing, are missing. Each is a finding at the offset
//! of the block at fault.

use super::files::DataFiles;
use super::parse::{MdsDescriptor, SessionEntry, TrackEntry};
use super::records::{ModeKind, mode_kind};
use crate::diagnostic::{Diagnostic, Location};
use crate::medium::{
    CdText, Extent, ExtentData, Gap, Index, MAX_TRACK_SECTORS, Track, TrackFlags, TrackMode,
};
use crate::units::Lba;

/// The laid-out image.
#[derive(Debug, Default)]
pub struct MdsLayout {
    pub tracks: Vec<Track>,
    pub extents: Vec<Extent>,
}

/// How a track block stores its sectors: the mode, the sector's bytes
/// and the bytes from one sector to the next.
fn storage(entry: &TrackEntry, dvd: bool, found: &mut Vec<Diagnostic>) -> (TrackMode, u32, u64) {
    let block = &entry.block;
    let at = entry.at;
    let mut stride = u64::from(block.sector_size);
    let sub = match block.subchannel {
        0 => false,
        0x08 if stride > 96 => true,
        other => {
            found.push(
                Diagnostic::warning(
                    "mds.subchannel",
                    format!("track {}: subchannel code {other:#04x} with {stride}-byte sectors is not one discscope knows; read as none", block.point),
                )
                .at(Location::Offset(at + 1)),
            );
            false
        }
    };
    let size = stride - if sub { 96 } else { 0 };
    let kind = if dvd {
        Some(ModeKind::Mode1)
    } else {
        mode_kind(block.mode)
    };
    let known = match (kind, size) {
        (Some(ModeKind::Audio), 2352) => Some(TrackMode::Audio),
        (Some(ModeKind::Mode1), 2352) => Some(TrackMode::Mode1_2352),
        (Some(ModeKind::Mode1), 2048) => Some(TrackMode::Mode1_2048),
        (Some(ModeKind::Mode2 | ModeKind::Form1 | ModeKind::Form2), 2352) => {
            Some(TrackMode::Mode2_2352)
        }
        (Some(ModeKind::Mode2 | ModeKind::Form1 | ModeKind::Form2), 2336) => {
            Some(TrackMode::Mode2_2336)
        }
        (Some(ModeKind::Form1), 2048) => Some(TrackMode::Mode2_2048),
        (Some(ModeKind::Form2), 2324) => Some(TrackMode::Mode2_2324),
        _ => None,
    };
    if let Some(mode) = known {
        return (mode, size as u32, stride);
    }
    let data = block.adr_control & 0x04 != 0;
    let mode = match size {
        2048 => TrackMode::Mode1_2048,
        2324 => TrackMode::Mode2_2324,
        2336 => TrackMode::Mode2_2336,
        _ if kind == Some(ModeKind::Audio) || kind.is_none() && !data => TrackMode::Audio,
        _ if matches!(kind, Some(ModeKind::Mode1)) => TrackMode::Mode1_2352,
        _ => TrackMode::Mode2_2352,
    };
    let fits = u64::from(mode.sector_size()) == size;
    if !fits {
        stride = u64::from(mode.sector_size()) + if sub { 96 } else { 0 };
    }
    found.push(
        Diagnostic::warning(
            "mds.sector-size",
            format!(
                "track {}: mode {:#04x} with {}-byte sectors{} is not a combination discscope knows; read as {mode}{}",
                block.point,
                block.mode,
                block.sector_size,
                if sub { " (subchannel included)" } else { "" },
                if fits { String::new() } else { format!(", {stride} bytes a sector") }
            ),
        )
        .at(Location::Offset(at + 16)),
    );
    (mode, mode.sector_size(), stride)
}

/// Builds tracks and extents in address order.
struct Builder<'a> {
    layout: MdsLayout,
    files: &'a DataFiles,
    found: &'a mut Vec<Diagnostic>,
    /// One past the last address placed.
    cursor: Option<i64>,
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

    /// Places `count` sectors of the track's files from `start`: as many
    /// as each file holds, in order, then missing ones.
    fn stored(
        &mut self,
        start: i64,
        count: u64,
        (size, stride): (u32, u64),
        skip: u64,
        entry: &TrackEntry,
    ) {
        let track = Some(self.layout.tracks.len());
        let mut lba = start;
        let mut left = count;
        let mut all_found = !entry.files.is_empty();
        for (j, file) in entry.files.iter().enumerate() {
            if left == 0 {
                break;
            }
            let Some((index, len)) = self.files.get(&file.name) else {
                all_found = false;
                break;
            };
            let offset = if j == 0 {
                entry
                    .block
                    .start_offset
                    .saturating_add(skip.saturating_mul(stride))
            } else {
                0
            };
            let take = left.min(len.saturating_sub(offset) / stride.max(1));
            let data = if stride == u64::from(size) {
                ExtentData::File {
                    file: index,
                    offset,
                }
            } else {
                ExtentData::Strided {
                    file: index,
                    offset,
                    stride,
                }
            };
            self.push(lba, take, size, track, data);
            lba += take as i64;
            left -= take;
        }
        if left > 0 && all_found {
            self.found.push(
                Diagnostic::error(
                    "mds.track-past-end",
                    format!(
                        "track {}: its data runs past the end of its data file; the last {left} sectors are missing",
                        entry.block.point
                    ),
                )
                .at(Location::Offset(entry.at + 40)),
            );
        } else if entry.files.is_empty() {
            self.found.push(
                Diagnostic::error(
                    "mds.no-file",
                    format!(
                        "track {} names no data file; its sectors are missing",
                        entry.block.point
                    ),
                )
                .at(Location::Offset(entry.at + 48)),
            );
        }
        self.push(lba, left, size, track, ExtentData::Zero(Gap::Missing));
    }

    /// Sectors the track's files hold from its start offset.
    fn available(&self, entry: &TrackEntry, stride: u64) -> u64 {
        entry
            .files
            .iter()
            .enumerate()
            .map_while(|(j, file)| {
                let (_, len) = self.files.get(&file.name)?;
                let offset = if j == 0 { entry.block.start_offset } else { 0 };
                Some(len.saturating_sub(offset) / stride.max(1))
            })
            .fold(0u64, u64::saturating_add)
    }
}

/// Lays out every session.
pub fn lay_out(
    parsed: &MdsDescriptor,
    files: &DataFiles,
    found: &mut Vec<Diagnostic>,
) -> MdsLayout {
    let mut builder = Builder {
        layout: MdsLayout::default(),
        files,
        found,
        cursor: None,
    };
    for (index, session) in parsed.sessions.iter().enumerate() {
        let number = u8::try_from(index + 1).unwrap_or(99);
        lay_out_session(&mut builder, session, number, parsed.dvd);
    }
    builder.layout
}

fn lay_out_session(builder: &mut Builder<'_>, session: &SessionEntry, number: u8, dvd: bool) {
    let mut first = true;
    for entry in session.entries.iter().filter(|e| e.is_track()) {
        if builder.layout.tracks.len() >= 99 {
            builder.found.push(
                Diagnostic::error(
                    "mds.too-many-tracks",
                    "the descriptor has more than 99 tracks; the rest are not read",
                )
                .at(Location::Offset(entry.at)),
            );
            return;
        }
        let previous = builder.layout.tracks.last().map_or(0, |t| t.number);
        let track_number = if entry.block.point > previous {
            entry.block.point
        } else {
            let renumbered = previous.saturating_add(1).min(99);
            builder.found.push(
                Diagnostic::error(
                    "mds.track-number",
                    format!(
                        "track {} follows track {previous}; read as track {renumbered}",
                        entry.block.point
                    ),
                )
                .at(Location::Offset(entry.at + 4)),
            );
            renumbered
        };
        let (mode, size, stride) = storage(entry, dvd, builder.found);
        let (mut pregap, length) = match (&entry.extra, dvd) {
            (Some(extra), false) => (u64::from(extra.pregap), u64::from(extra.length)),
            (_, true) if entry.block.extra_offset != 0 => (0, u64::from(entry.block.extra_offset)),
            _ => {
                let length = builder.available(entry, stride);
                if !dvd {
                    builder.found.push(
                        Diagnostic::warning(
                            "mds.no-extra",
                            format!("track {track_number} has no extra block; its length is what its data file holds ({length} sectors)"),
                        )
                        .at(Location::Offset(entry.at + 12)),
                    );
                }
                (0, length)
            }
        };
        if pregap > MAX_TRACK_SECTORS || length > MAX_TRACK_SECTORS {
            builder.found.push(
                Diagnostic::error(
                    "mds.too-long",
                    format!("track {track_number}: a pregap of {pregap} and {length} sectors is longer than any disc; cut to {MAX_TRACK_SECTORS}"),
                )
                .at(Location::Offset(u64::from(entry.block.extra_offset))),
            );
        }
        pregap = pregap.min(MAX_TRACK_SECTORS);
        let length = length.min(MAX_TRACK_SECTORS);
        let start = i64::from(entry.block.start_sector);
        check_time(builder, entry, start, dvd);
        let mut pregap_start = start - pregap as i64;
        if first {
            check_session_start(builder, session, pregap_start);
            if let Some(cursor) = builder.cursor.filter(|&c| c < pregap_start) {
                builder.push(
                    cursor,
                    (pregap_start - cursor) as u64,
                    2352,
                    None,
                    ExtentData::Zero(Gap::SessionGap),
                );
            }
        } else if let Some(cursor) = builder.cursor.filter(|&c| c < pregap_start) {
            builder.found.push(
                Diagnostic::warning(
                    "mds.track-start",
                    format!(
                        "track {track_number} starts at LBA {start} after a {pregap}-sector pregap, but the track before ends at {cursor}; the {} sectors between count as its pregap",
                        pregap_start - cursor
                    ),
                )
                .at(Location::Offset(entry.at + 36)),
            );
            pregap += (pregap_start - cursor) as u64;
            pregap_start = cursor;
        }
        let mut skip = 0u64;
        if let Some(cursor) = builder.cursor.filter(|&c| c > pregap_start) {
            let overlap = (cursor - pregap_start) as u64;
            builder.found.push(
                Diagnostic::error(
                    "mds.overlap",
                    format!(
                        "track {track_number} begins at LBA {pregap_start}, inside the track before (which ends at {cursor}); its first {overlap} sectors are left out"
                    ),
                )
                .at(Location::Offset(entry.at + 36)),
            );
            skip = overlap.min(pregap + length);
            pregap_start = cursor;
        }
        let pregap_skip = skip.min(pregap);
        let data_skip = skip - pregap_skip;
        let kept_pregap = pregap - pregap_skip;
        let track_index = builder.layout.tracks.len();
        builder.push(
            pregap_start,
            kept_pregap,
            size,
            Some(track_index),
            ExtentData::Zero(Gap::Pregap),
        );
        let data_start = pregap_start + kept_pregap as i64;
        builder.stored(
            data_start,
            length - data_skip,
            (size, stride),
            data_skip,
            entry,
        );
        let mut indexes = Vec::new();
        if kept_pregap > 0 {
            indexes.push(Index {
                number: 0,
                lba: Lba(pregap_start),
            });
        }
        indexes.push(Index {
            number: 1,
            lba: Lba(data_start),
        });
        builder.layout.tracks.push(Track {
            number: track_number,
            session: number,
            mode,
            start: Lba(data_start),
            pregap: kept_pregap,
            pregap_in_file: false,
            length: length - data_skip,
            postgap: 0,
            indexes,
            file: entry
                .files
                .first()
                .and_then(|f| builder.files.get(&f.name))
                .map(|(i, _)| i),
            file_offset: Some(
                entry
                    .block
                    .start_offset
                    .saturating_add(data_skip.saturating_mul(stride)),
            ),
            flags: TrackFlags::from_control(entry.block.adr_control & 0x0F),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        });
        first = false;
    }
    if first {
        builder.found.push(
            Diagnostic::warning(
                "mds.empty-session",
                format!("session {number} has no track block"),
            )
            .at(Location::Offset(session.at)),
        );
        return;
    }
    check_session_end(builder, session);
}

/// A CD track block's PMSF (the TOC's time of INDEX 01) should name its
/// start sector.
fn check_time(builder: &mut Builder<'_>, entry: &TrackEntry, start: i64, dvd: bool) {
    let b = &entry.block;
    let time = (i64::from(b.pminute) * 60 + i64::from(b.psecond)) * 75 + i64::from(b.pframe);
    if !dvd && time != 0 && time - 150 != start {
        builder.found.push(
            Diagnostic::warning(
                "mds.track-time",
                format!(
                    "track {}: its TOC time {:02}:{:02}:{:02} is LBA {}, its start sector {start}; the start sector is used",
                    b.point,
                    b.pminute,
                    b.psecond,
                    b.pframe,
                    time - 150
                ),
            )
            .at(Location::Offset(entry.at + 9)),
        );
    }
}

/// The session block's start should be the first track's pregap.
fn check_session_start(builder: &mut Builder<'_>, session: &SessionEntry, pregap_start: i64) {
    let declared = i64::from(session.block.start);
    if declared != pregap_start {
        builder.found.push(
            Diagnostic::warning(
                "mds.session-start",
                format!(
                    "session {} starts at LBA {declared} by its block, at {pregap_start} by its first track's pregap; the track is used",
                    session.block.number
                ),
            )
            .at(Location::Offset(session.at)),
        );
    }
}

/// The session block's end and the lead-out entry (POINT A2) should be
/// where the last track ends.
fn check_session_end(builder: &mut Builder<'_>, session: &SessionEntry) {
    let Some(end) = builder.cursor else {
        return;
    };
    let declared = i64::from(session.block.end);
    if declared != end {
        builder.found.push(
            Diagnostic::warning(
                "mds.session-end",
                format!(
                    "session {} ends at LBA {declared} by its block, at {end} by its tracks",
                    session.block.number
                ),
            )
            .at(Location::Offset(session.at + 4)),
        );
    }
    for entry in session.entries.iter().filter(|e| e.block.point == 0xA2) {
        let b = &entry.block;
        let lead_out =
            (i64::from(b.pminute) * 60 + i64::from(b.psecond)) * 75 + i64::from(b.pframe) - 150;
        if lead_out != end {
            builder.found.push(
                Diagnostic::warning(
                    "mds.lead-out",
                    format!(
                        "the lead-out entry (POINT A2) gives {:02}:{:02}:{:02} (LBA {lead_out}), the tracks end at {end}",
                        b.pminute, b.psecond, b.pframe
                    ),
                )
                .at(Location::Offset(entry.at + 9)),
            );
        }
    }
}
