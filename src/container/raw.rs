//! Images without a descriptor: cooked ISO, raw BIN, raw 2336, disk.

use std::path::Path;
use std::sync::Arc;

use crate::container::detect::RawKind;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{
    Extent, ExtentData, Format, Medium, MediumKind, Session, SourceFile, Track, TrackMode,
};
use crate::units::Lba;

/// Opens a sheet-less image as one track (or one flat disk).
pub fn open(path: &Path, kind: RawKind) -> Result<Medium> {
    let source = FileSource::open(path)?;
    let len = source.len();
    let name = source.name();
    let (format, mode) = match kind {
        RawKind::Iso => (Format::Iso, Some(TrackMode::Mode1_2048)),
        RawKind::Raw2352 { mode: 2 } => (Format::Bin, Some(TrackMode::Mode2_2352)),
        RawKind::Raw2352 { mode: 0xff } => (Format::Bin, Some(TrackMode::Audio)),
        RawKind::Raw2352 { .. } => (Format::Bin, Some(TrackMode::Mode1_2352)),
        RawKind::Raw2336 => (Format::Bin, Some(TrackMode::Mode2_2336)),
        RawKind::Disk => (Format::Disk, None),
    };
    let sector_size = mode.map_or(512, TrackMode::sector_size);
    let count = len / u64::from(sector_size);
    let mut diagnostics = Vec::new();
    if len % u64::from(sector_size) != 0 {
        diagnostics.push(Diagnostic::warning(
            "image.partial-sector",
            format!(
                "the file's size is not a multiple of {sector_size}; the last {} bytes are ignored",
                len % u64::from(sector_size)
            ),
        ));
    }
    if let RawKind::Raw2352 { mode } = kind
        && !matches!(mode, 1 | 2 | 0xff)
    {
        diagnostics.push(Diagnostic::warning(
            "image.unusual-mode",
            format!("sector 0 has mode byte {mode:#04x}; read as MODE1/2352"),
        ));
    }
    let tracks = mode
        .map(|mode| Track::whole_file(mode, count))
        .into_iter()
        .collect::<Vec<_>>();
    let sessions = if tracks.is_empty() {
        Vec::new()
    } else {
        vec![Session {
            number: 1,
            first_track: 1,
            last_track: 1,
        }]
    };
    let extents = if count > 0 {
        vec![Extent {
            start: Lba(0),
            count,
            sector_size,
            track: mode.map(|_| 0),
            data: ExtentData::File { file: 0, offset: 0 },
        }]
    } else {
        Vec::new()
    };
    let kind = if mode.is_some() {
        MediumKind::Optical
    } else {
        MediumKind::Disk
    };
    Ok(Medium {
        sessions,
        tracks,
        files: vec![SourceFile {
            name,
            path: path.to_owned(),
            reader: Arc::new(Pager::new(source)),
        }],
        extents,
        diagnostics,
        ..Medium::empty(format, kind, path, sector_size)
    })
}
