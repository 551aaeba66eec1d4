//! From a parsed toc and its files to the disc's address map.
//!
//! cdrdao's addresses: LBA 0 is the first block of track 1's data, its
//! pregap included (a track whose data starts with `PREGAP 0:2:0` or
//! `SILENCE 0:2:0` followed by `START` has INDEX 01 at LBA 150), and each
//! track's data follows the previous one's. A track's data is its
//! statements' data one after another; `START` marks INDEX 01 in it and
//! `INDEX` the later indexes, counted from INDEX 01. `PREGAP`, `SILENCE`
//! and `ZERO` add blocks the image does not store.
//!
//! Best effort: a statement that reads past the end of its file gives the
//! blocks it has and marks the rest as missing; a `START` or `INDEX`
//! outside the track is dropped. Each is a finding.
//!
//! Sources: the cdrdao manual (TOC FILES: "If more than one statement is
//! used the track will be composed by concatenating the data in the
//! specified order"; lengths in samples, bytes or blocks; "If the input
//! data length is not a multiple of the block length it will be padded
//! with zeros"; START, PREGAP, INDEX; the minimum track length of 4
//! seconds), and `cdrdao show-toc`'s track table.

use crate::container::cue::files::OpenFile;
use crate::container::cue::sheet::Span;
use crate::container::dialect::{self, Dialect};
use crate::container::toc::files::TocFiles;
use crate::container::toc::mode::SUBCHANNEL_BYTES;
use crate::container::toc::parser::MAX_BLOCKS;
use crate::container::toc::sheet::{Amount, CdTextValue, Statement, TocSheet, TocTrack};
use crate::diagnostic::Diagnostic;
use crate::medium::{CdText, Extent, ExtentData, Gap, Index, Session, Track, TrackFlags};
use crate::units::Lba;

/// Blocks of the shortest track cdrdao writes (4 seconds).
const MIN_TRACK_BLOCKS: u64 = 300;

/// The laid-out toc.
#[derive(Debug, Default)]
pub struct TocLayout {
    pub sessions: Vec<Session>,
    pub tracks: Vec<Track>,
    pub extents: Vec<Extent>,
    /// The indexes into the sheet's tracks of `tracks`, in order.
    pub laid_out: Vec<usize>,
    pub notes: Vec<Diagnostic>,
}

/// A run of a track's blocks.
#[derive(Clone, Debug)]
struct Piece {
    blocks: u64,
    data: ExtentData,
}

/// Lays out every track whose mode is known.
pub fn lay_out(sheet: &TocSheet, files: &TocFiles) -> TocLayout {
    let mut layout = TocLayout::default();
    let mut cursor: i64 = 0;
    for (index, track) in sheet.tracks.iter().enumerate() {
        let refs = files.refs.get(index).map(Vec::as_slice).unwrap_or_default();
        let Some(laid) = lay_out_track(track, refs, &files.open, &mut layout.notes) else {
            continue;
        };
        let number = layout.tracks.len() + 1;
        let start = cursor;
        let track_index = layout.tracks.len();
        let mut at = start;
        for piece in &laid.pieces {
            layout.extents.push(Extent {
                start: Lba(at),
                count: piece.blocks,
                sector_size: laid.block,
                track: Some(track_index),
                data: piece.data.clone(),
            });
            at += piece.blocks as i64;
        }
        let index01 = start + laid.start as i64;
        let mut indexes = Vec::new();
        if laid.start > 0 {
            indexes.push(Index {
                number: 0,
                lba: Lba(start),
            });
        }
        indexes.push(Index {
            number: 1,
            lba: Lba(index01),
        });
        for (n, blocks) in laid.indexes.iter().enumerate() {
            indexes.push(Index {
                number: u8::try_from(n + 2).unwrap_or(99),
                lba: Lba(index01 + *blocks as i64),
            });
        }
        let (file, file_offset) = laid.file_at(laid.start);
        layout.tracks.push(Track {
            number: u8::try_from(number).unwrap_or(99),
            session: 1,
            mode: laid.mode,
            start: Lba(index01),
            pregap: laid.start,
            pregap_in_file: laid.stored_pregap(),
            length: laid.total.saturating_sub(laid.start),
            postgap: 0,
            indexes,
            file,
            file_offset,
            flags: TrackFlags {
                dcp: track.copy,
                four_channel: track.four_channel,
                pre_emphasis: track.pre_emphasis,
                scms: false,
            },
            isrc: track.isrc.as_ref().map(|(isrc, _)| isrc.clone()),
            cd_text: cd_text(&track.cd_text),
            rem: Vec::new(),
        });
        layout.laid_out.push(index);
        cursor = at;
    }
    layout.notes.extend(crate::medium::clip(
        &mut layout.extents,
        &mut layout.tracks,
        "toc.too-long",
    ));
    layout.sessions = Session::group(&layout.tracks);
    layout
}

/// CD-TEXT items as the medium keeps them: language 0 under the item's
/// name, other languages as `LANGUAGE n ITEM`; binary items in hex.
pub fn cd_text(items: &[crate::container::toc::sheet::CdTextItem]) -> CdText {
    CdText {
        fields: items
            .iter()
            .map(|item| {
                let name = match item.language {
                    0 => item.field.clone(),
                    n => format!("LANGUAGE {n} {}", item.field),
                };
                let value = match &item.value {
                    CdTextValue::Text(text) => text.clone(),
                    CdTextValue::Binary(bytes) => crate::structure::hex_bytes(bytes, 64),
                };
                (name, value)
            })
            .collect(),
    }
}

/// One track laid out from its own first block.
struct LaidTrack {
    mode: crate::medium::TrackMode,
    /// Bytes of a block as the medium reads it.
    block: u32,
    pieces: Vec<Piece>,
    total: u64,
    /// INDEX 01, in blocks from the track's first.
    start: u64,
    /// Later indexes, in blocks from INDEX 01.
    indexes: Vec<u64>,
}

impl LaidTrack {
    /// The piece holding block `at` of the track, and the block's place in
    /// it.
    fn piece_at(&self, at: u64) -> Option<(&Piece, u64)> {
        let mut first = 0;
        for piece in &self.pieces {
            if at < first + piece.blocks {
                return Some((piece, at - first));
            }
            first += piece.blocks;
        }
        None
    }

    /// The file and byte offset of block `at`, when a file holds it.
    fn file_at(&self, at: u64) -> (Option<usize>, Option<u64>) {
        match self
            .piece_at(at)
            .and_then(|(p, within)| Some((p.data.stored(self.block)?, within)))
        {
            Some(((file, offset, stride), within)) => (
                Some(file),
                within
                    .checked_mul(stride)
                    .and_then(|b| b.checked_add(offset)),
            ),
            None => (None, None),
        }
    }

    /// Whether every block before INDEX 01 is stored in a file.
    fn stored_pregap(&self) -> bool {
        let mut first = 0;
        for piece in &self.pieces {
            if first >= self.start {
                break;
            }
            if piece.data.stored(self.block).is_none() {
                return false;
            }
            first += piece.blocks;
        }
        true
    }
}

fn error(code: &'static str, message: String, at: Span) -> Diagnostic {
    Diagnostic::error(code, message).at_sheet(at.line, at.column)
}

/// Blocks for `bytes`, and whether a partial block is left over.
fn blocks_of(bytes: u64, block: u64) -> (u64, bool) {
    (
        bytes.div_ceil(block.max(1)),
        !bytes.is_multiple_of(block.max(1)),
    )
}

fn lay_out_track(
    track: &TocTrack,
    refs: &[Option<usize>],
    files: &[Option<OpenFile>],
    notes: &mut Vec<Diagnostic>,
) -> Option<LaidTrack> {
    let mode = track.mode?;
    let stride = u64::from(track.stride()?);
    let block = mode.block_size();
    let stored = |file: usize, offset: u64| {
        if track.subchannel.is_some() {
            ExtentData::Strided {
                file,
                offset,
                stride,
            }
        } else {
            ExtentData::File { file, offset }
        }
    };
    let mut pieces = Vec::new();
    let mut total = 0u64;
    let mut start = None;
    if let Some((blocks, _)) = track.pregap {
        pieces.push(Piece {
            blocks,
            data: ExtentData::Zero(Gap::Pregap),
        });
        total += blocks;
        start = Some(blocks);
    }
    let partial = |at: Span, notes: &mut Vec<Diagnostic>, what: &str| {
        notes.push(
            Diagnostic::warning(
                Dialect::Toc.code(dialect::PARTIAL_SECTOR),
                format!(
                    "{what} is not a whole number of {stride}-byte blocks; cdrdao pads the last block with zeros, here it is read on into what follows in the file"
                ),
            )
            .at_sheet(at.line, at.column),
        );
    };
    for (placed, file) in track
        .body
        .iter()
        .zip(refs.iter().chain(std::iter::repeat(&None)))
    {
        let at = placed.at;
        match &placed.statement {
            Statement::Silence { length } | Statement::Zero { length, .. } => {
                let size = match &placed.statement {
                    Statement::Zero {
                        mode: Some(zero), ..
                    } => u64::from(zero.block_size()),
                    Statement::Silence { .. } => 2352,
                    _ => u64::from(block),
                };
                let samples = matches!(placed.statement, Statement::Silence { .. });
                let bytes = length.bytes(size, samples).unwrap_or(0);
                let (blocks, part) = blocks_of(bytes, size);
                if part {
                    partial(at, notes, "this length");
                }
                if blocks == 0 {
                    notes.push(error(
                        "toc.zero-length",
                        "this statement's length is zero".into(),
                        at,
                    ));
                }
                pieces.push(Piece {
                    blocks,
                    data: ExtentData::Zero(Gap::Fill),
                });
                total += blocks;
            }
            Statement::File {
                audio,
                offset,
                start: from,
                length,
                ..
            } => {
                let piece = file_piece(
                    *audio,
                    *offset,
                    *from,
                    *length,
                    stride,
                    file.and_then(|f| files.get(f).and_then(Option::as_ref).map(|o| (f, o))),
                    at,
                    notes,
                );
                for (blocks, data) in piece {
                    let data = match data {
                        Some((file, offset)) => stored(file, offset),
                        None => ExtentData::Zero(Gap::Missing),
                    };
                    pieces.push(Piece { blocks, data });
                    total += blocks;
                }
            }
            Statement::Fifo { .. } => {}
            Statement::Start(time) => {
                start = Some(time.unwrap_or(total));
            }
            Statement::End(_) => notes.push(
                Diagnostic::info(
                    "toc.end",
                    "END marks where the post-gap begins; its blocks stay part of the track here",
                )
                .at_sheet(at.line, at.column),
            ),
        }
    }
    pieces.retain(|p| p.blocks > 0);
    let gives_data = track.pregap.is_some()
        || track
            .body
            .iter()
            .any(|p| !matches!(p.statement, Statement::Start(_) | Statement::End(_)));
    if !gives_data {
        notes.push(error(
            "toc.no-data",
            "this track has no data: FILE, DATAFILE, SILENCE or ZERO must give it some".into(),
            track.at,
        ));
    } else if total == 0 {
        notes.push(
            Diagnostic::warning(
                Dialect::Toc.code(dialect::EMPTY_TRACK),
                "this track holds no blocks: its data statements give none",
            )
            .at_sheet(track.at.line, track.at.column),
        );
    } else if total < MIN_TRACK_BLOCKS {
        notes.push(
            Diagnostic::warning(
                "toc.short-track",
                format!(
                    "this track is {total} blocks long; cdrdao warns below 4 seconds (300 blocks)"
                ),
            )
            .at_sheet(track.at.line, track.at.column),
        );
    }
    let mut start = start.unwrap_or(0);
    if start > 0 && start >= total {
        if total > 0 {
            let at = track
                .start_at()
                .or(track.pregap.map(|(_, at)| at))
                .unwrap_or(track.at);
            notes.push(error(
                "toc.start-past-end",
                format!("START at block {start} is at or past the track's end ({total} blocks)"),
                at,
            ));
        }
        start = 0;
    }
    let mut indexes = Vec::new();
    for (blocks, at) in &track.indexes {
        if start.saturating_add(*blocks) >= total {
            notes.push(error(
                "toc.index-past-end",
                format!("INDEX at {blocks} blocks after INDEX 01 lies past the track's end"),
                *at,
            ));
        } else {
            indexes.push(*blocks);
        }
    }
    if track.subchannel.is_some() {
        notes.push(
            Diagnostic::info(
                "toc.rw-subchannel",
                format!(
                    "each block is followed by {SUBCHANNEL_BYTES} bytes of R-W sub-channel data, which are stepped over"
                ),
            )
            .at_sheet(track.at.line, track.at.column),
        );
    }
    Some(LaidTrack {
        mode: mode.track_mode(),
        block,
        pieces,
        total,
        start,
        indexes,
    })
}

/// The blocks a FILE or DATAFILE statement gives: stored runs `(blocks,
/// Some((file, offset)))` and missing ones `(blocks, None)`.
#[allow(clippy::too_many_arguments)]
fn file_piece(
    audio: bool,
    offset: u64,
    from: Amount,
    length: Option<Amount>,
    stride: u64,
    file: Option<(usize, &OpenFile)>,
    at: Span,
    notes: &mut Vec<Diagnostic>,
) -> Vec<(u64, Option<(usize, u64)>)> {
    let skip = from
        .bytes(stride, audio)
        .and_then(|b| b.checked_add(offset))
        .unwrap_or(u64::MAX);
    // A length no disc reaches is kept to one that does.
    let wanted = length
        .filter(|l| !matches!(l, Amount::Blocks(0) | Amount::Number(0)))
        .and_then(|l| l.bytes(stride, audio))
        .map(|w| w.min(MAX_BLOCKS.saturating_mul(stride)));
    let Some((index, open)) = file else {
        // The file could not be used (reported); a known length is kept.
        let blocks = wanted.map_or(0, |w| w.div_ceil(stride));
        return vec![(blocks, None)];
    };
    let available = open.payload.len;
    if skip > available {
        notes.push(error(
            "toc.file-offset-past-end",
            format!("the start position (byte {skip}) lies past the end of the file's {available} bytes of data"),
            at,
        ));
        // As cdrdao: the statement gives the track nothing.
        return Vec::new();
    }
    let rest = available - skip;
    let bytes = wanted.unwrap_or(rest);
    let first = open.payload.offset.saturating_add(skip);
    if bytes <= rest {
        let (blocks, part) = blocks_of(bytes, stride);
        if part {
            notes.push(
                Diagnostic::warning(
                    Dialect::Toc.code(dialect::PARTIAL_SECTOR),
                    format!(
                        "{bytes} bytes are not a whole number of {stride}-byte blocks; cdrdao pads the last block with zeros, here it is read on into what follows in the file"
                    ),
                )
                .at_sheet(at.line, at.column),
            );
        }
        return vec![(blocks, Some((index, first)))];
    }
    // Past the end of the file: what is there, then missing blocks.
    let have = rest / stride;
    let missing = bytes.div_ceil(stride) - have;
    notes.push(error(
        "toc.past-end",
        format!(
            "this statement asks for {bytes} bytes but the file has {rest} from its start position; the last {missing} blocks are missing"
        ),
        at,
    ));
    vec![(have, Some((index, first))), (missing, None)]
}

#[cfg(test)]
mod tests;
