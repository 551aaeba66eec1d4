//! What the data says against what the sheet declares: sync patterns where
//! a raw mode promises them, the mode byte of the header, 2048-byte files
//! declared raw, audio declared on data and data on audio, and INDEX 01 of
//! a data track landing between sectors. Shared by cue sheets and toc
//! files: each reports under its own codes.

use super::declared::{Context, Declared};
use crate::container::cue::files::OpenFile;
use crate::container::dialect;
use crate::diagnostic::{Diagnostic, Severity};
use crate::io::ReadAt;
use crate::medium::{Track, TrackMode};

pub use crate::sector::SYNC;

/// Sectors sampled at the start of each track.
const SAMPLE: u64 = 16;

/// What the first sectors of a track hold, read at 2352-byte steps.
#[derive(Debug, Default)]
pub(crate) struct Sniff {
    pub sampled: u64,
    /// Sectors that begin with the sync pattern.
    pub synced: u64,
    /// Whether the first sampled sector has it.
    pub first_synced: bool,
    /// The mode byte (header byte 3) of the first synced sector.
    pub mode: Option<u8>,
}

/// Reads up to `count` raw sectors from `offset` (stopping at `end`).
pub(crate) fn sniff(reader: &dyn ReadAt, offset: u64, count: u64, end: u64) -> Sniff {
    let mut sniff = Sniff::default();
    for i in 0..count.min(SAMPLE) {
        let at = offset.saturating_add(i.saturating_mul(2352));
        if at.saturating_add(16) > end {
            break;
        }
        let mut head = [0u8; 16];
        if reader.read_exact_at(at, &mut head).is_err() {
            break;
        }
        sniff.sampled += 1;
        if head.get(..12) == Some(&SYNC[..]) {
            sniff.synced += 1;
            sniff.first_synced |= i == 0;
            sniff.mode = sniff
                .mode
                .or(crate::sector::header::SectorHeader::read(&head, 12).map(|h| h.mode));
        }
    }
    sniff
}

/// How far after `offset` the next sync pattern starts, within two sectors.
fn sync_near(reader: &dyn ReadAt, offset: u64, end: u64) -> Option<u64> {
    let len = end.saturating_sub(offset).min(2 * 2352 + 12);
    let mut window = vec![0u8; usize::try_from(len).ok()?];
    reader.read_exact_at(offset, &mut window).ok()?;
    window
        .windows(SYNC.len())
        .position(|w| w == SYNC)
        .map(|p| p as u64)
        .filter(|&p| p > 0)
}

/// The raw mode a header's mode byte names.
pub(crate) fn raw_mode(mode_byte: Option<u8>) -> Option<TrackMode> {
    match mode_byte {
        Some(1) => Some(TrackMode::Mode1_2352),
        Some(2) => Some(TrackMode::Mode2_2352),
        _ => None,
    }
}

pub(super) fn check(context: &Context<'_>, found: &mut Vec<Diagnostic>) {
    let dialect = context.dialect;
    for (track, declared) in context.tracks.iter().zip(context.declared) {
        let (Some(file), Some(offset)) = (track.file, track.file_offset) else {
            continue;
        };
        let Some(Some(open)) = context.files.get(file) else {
            continue;
        };
        let end = open.payload.offset.saturating_add(open.payload.len);
        let reader = open.reader.as_ref();
        let sniff = sniff(reader, offset, track.length.max(1), end);
        if sniff.sampled == 0 {
            continue;
        }
        let mode = declared.mode;
        let name = &declared.mode_name;
        let this = context.track(declared);
        let at = (declared.track_at.line, declared.track_at.column);
        let with_fix = |d: Diagnostic, actual: TrackMode| match context.mode_fix(declared, actual) {
            Some(fix) => d.with_fix(fix),
            None => d,
        };
        if mode.has_sync() {
            if sniff.first_synced {
                let actual = raw_mode(sniff.mode);
                let base = |m: TrackMode| m.cue_name().split('/').next().unwrap_or_default();
                if let Some(actual) =
                    actual.filter(|&m| base(m) != base(mode).replace("CDI", "MODE2"))
                {
                    found.push(with_fix(
                        Diagnostic::error(
                            dialect.code(dialect::MODE_MISMATCH),
                            format!(
                                "{this} is declared {name} but its sectors say mode {}",
                                sniff.mode.unwrap_or(0)
                            ),
                        )
                        .at_sheet(at.0, at.1)
                        .suggest(format!("declare it {}", context.mode_name(actual))),
                        actual,
                    ));
                }
            } else if let Some(shift) = sync_near(reader, offset, end) {
                let (line, column) = declared.index01_at.map_or(at, |i| (i.line, i.column));
                found.push(
                    Diagnostic::error(
                        dialect.code(dialect::INDEX_NOT_ON_SYNC),
                        format!(
                            "INDEX 01 of {this} does not land on a sector's sync pattern (one starts {shift} bytes later)"
                        ),
                    )
                    .at_sheet(line, column)
                    .suggest("the time or an earlier track's mode is wrong"),
                );
            } else if open.payload.len % 2048 == 0 && open.payload.len % 2352 != 0 {
                let cooked = if mode == TrackMode::Mode1_2352 {
                    TrackMode::Mode1_2048
                } else {
                    TrackMode::Mode2_2048
                };
                found.push(with_fix(
                    Diagnostic::error(
                        dialect.code(dialect::SECTOR_SIZE_MISMATCH),
                        format!(
                            "{this} is declared {name} but its file has no sync patterns and is a multiple of 2048 bytes"
                        ),
                    )
                    .at_sheet(at.0, at.1)
                    .suggest(format!("declare it {}", context.mode_name(cooked))),
                    cooked,
                ));
            } else {
                found.push(with_fix(
                    Diagnostic::error(
                        dialect.code(dialect::DATA_ON_AUDIO),
                        format!(
                            "{this} is declared {name} but its sectors have no sync pattern: audio?"
                        ),
                    )
                    .at_sheet(at.0, at.1)
                    .suggest(format!(
                        "declare it {}",
                        context.mode_name(TrackMode::Audio)
                    )),
                    TrackMode::Audio,
                ));
            }
        } else if mode.is_audio() {
            if sniff.synced * 2 > sniff.sampled {
                let actual = raw_mode(sniff.mode).unwrap_or(TrackMode::Mode1_2352);
                found.push(with_fix(
                    Diagnostic::error(
                        dialect.code(dialect::AUDIO_ON_DATA),
                        format!(
                            "{this} is declared {name} but its sectors are data (sync patterns, mode {})",
                            sniff.mode.unwrap_or(0)
                        ),
                    )
                    .at_sheet(at.0, at.1)
                    .suggest(format!("declare it {}", context.mode_name(actual))),
                    actual,
                ));
            } else {
                hidden_track(context, track, declared, open, found);
            }
        } else if mode.sector_size() == 2048
            && sniff.first_synced
            && offset == 0
            && open.payload.len % 2352 == 0
        {
            let actual = raw_mode(sniff.mode).unwrap_or(TrackMode::Mode1_2352);
            found.push(with_fix(
                Diagnostic::error(
                    dialect.code(dialect::SECTOR_SIZE_MISMATCH),
                    format!("{this} is declared {name} but its file holds raw 2352-byte sectors"),
                )
                .at_sheet(at.0, at.1)
                .suggest(format!("declare it {}", context.mode_name(actual))),
                actual,
            ));
        }
    }
}

/// Audio in a stored pregap (INDEX 00 to 01) that is not silence: a hidden
/// track, as on discs with a track before track 1.
fn hidden_track(
    context: &Context<'_>,
    track: &Track,
    declared: &Declared,
    open: &OpenFile,
    found: &mut Vec<Diagnostic>,
) {
    if !track.pregap_in_file || track.pregap == 0 {
        return;
    }
    let Some(offset) = track.file_offset else {
        return;
    };
    let bytes = track.pregap.saturating_mul(2352);
    let Some(start) = offset
        .checked_sub(bytes)
        .filter(|&s| s >= open.payload.offset)
    else {
        return;
    };
    // At most a minute of pregap is listened to.
    let count = track.pregap.min(4500);
    let mut loud = false;
    let mut buf = vec![0u8; 2352];
    for i in 0..count {
        if open
            .reader
            .read_exact_at(start + i * 2352, &mut buf)
            .is_err()
        {
            break;
        }
        loud = buf.chunks_exact(2).any(|s| {
            i16::from_le_bytes([
                s.first().copied().unwrap_or(0),
                s.get(1).copied().unwrap_or(0),
            ])
            .unsigned_abs()
                > 256
        });
        if loud {
            break;
        }
    }
    if loud {
        let at = declared.index00_at.unwrap_or(declared.track_at);
        found.push(
            Diagnostic::new(
                Severity::Info,
                context.dialect.code(dialect::HIDDEN_TRACK),
                format!(
                    "the {}-sector pregap of {} holds sound: a hidden track",
                    track.pregap,
                    context.track(declared)
                ),
            )
            .at_sheet(at.line, at.column),
        );
    }
}
