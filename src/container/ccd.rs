//! CloneCD: the `.ccd` descriptor (an INI file holding the raw TOC), the
//! `.img` of raw 2352-byte sectors from LBA 0, and the `.sub` subchannel.
//!
//! Sources: the CloneCD `.ccd` layout as written by CloneCD 5 and read by
//! libmirage and cdemu (`[CloneCD]` Version, `[Disc]` TocEntries/Sessions/
//! DataTracksScrambled/CDTextLength/CATALOG, `[Session N]` PreGapMode/
//! PreGapSubC, `[Entry N]` Session/Point/ADR/Control/TrackNo/AMin/ASec/
//! AFrame/ALBA/Zero/PMin/PSec/PFrame/PLBA, `[TRACK N]` MODE/INDEX n), each
//! kind of section declared once in [`sections`]; ECMA-130 §22.3.4
//! (lead-in TOC: POINT 01..99 track starts, A0 first track and disc type,
//! A1 last track, A2 lead-out; B0/C0 for multisession).

pub mod keys;
pub mod sections;
mod sheet;
pub mod toc;

pub use sheet::{CcdFile, KeyLine, Section};
pub use toc::{Toc, TocEntry};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::container::ccd::sections::{DiscKeys, HeaderKeys, KINDS, TrackKeys};
use crate::container::detect::sibling_with_extension;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{
    CdText, Extent, ExtentData, Format, Index, Medium, MediumKind, Session, SourceFile, Subchannel,
    Track, TrackFlags, TrackMode,
};
use crate::units::Lba;

/// The largest `.ccd` read (real ones are a few KiB).
pub const MAX_SHEET: u64 = 1 << 20;
const RAW: u64 = 2352;

/// The `.sub` beside a `.ccd`, if there is one.
pub fn sub_file(ccd: &Path) -> Option<PathBuf> {
    sibling_with_extension(ccd, "sub")
}

/// The `.sub` beside the `.ccd`, records from LBA 0.
fn subchannel(ccd: &Path) -> Result<Option<Subchannel>> {
    Ok(match sub_file(ccd) {
        Some(path) => Some(Subchannel {
            reader: Arc::new(FileSource::open(&path)?),
            first: Lba(0),
        }),
        None => None,
    })
}

/// Opens a CloneCD set from its `.ccd`.
pub fn open(ccd: &Path) -> Result<Medium> {
    let source = FileSource::open(ccd)?;
    if source.len() > MAX_SHEET {
        return Err(Error::image(
            ccd,
            format!(
                "a .ccd of {} bytes is not a CloneCD descriptor",
                source.len()
            ),
        ));
    }
    let text = source.read_vec(0, source.len() as usize)?;
    let sheet = CcdFile::parse(&text);
    let mut diagnostics = sheet.diagnostics.clone();
    if HeaderKeys::SPEC.find(&sheet, None).is_none() {
        diagnostics.push(Diagnostic::warning("ccd.no-header", "no [CloneCD] section"));
    }
    let disc = DiscKeys::find(&sheet, None);
    let toc = Toc::from_sheet(&sheet, &mut diagnostics);
    let img_path = sibling_with_extension(ccd, "img")
        .ok_or_else(|| Error::image(ccd, "no .img beside the .ccd"))?;
    let img = FileSource::open(&img_path)?;
    let img_len = img.len();
    if img_len % RAW != 0 {
        diagnostics.push(Diagnostic::warning(
            "image.partial-sector",
            format!(
                "the .img's size is not a multiple of 2352; the last {} bytes are ignored",
                img_len % RAW
            ),
        ));
    }
    let stored = img_len / RAW;
    if sub_file(ccd).is_none() {
        diagnostics.push(Diagnostic::info(
            "ccd.no-sub",
            "no .sub beside the .ccd: subchannel not available",
        ));
    }
    if disc
        .data_tracks_scrambled
        .as_deref()
        .is_some_and(|v| v != "0")
    {
        diagnostics.push(Diagnostic::warning(
            "ccd.scrambled",
            "DataTracksScrambled is set: data sectors are stored scrambled",
        ));
    }
    let tracks = tracks(&sheet, &toc, stored, &mut diagnostics);
    if tracks.is_empty() {
        return Err(Error::image(ccd, "the .ccd's TOC lists no tracks"));
    }
    let sessions = Session::group(&tracks);
    let extents = tracks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let start = t.pregap_start().0.max(0);
            let end = t.end().0.min(i64::try_from(stored).unwrap_or(i64::MAX));
            (end > start).then(|| Extent {
                start: Lba(start),
                count: (end - start) as u64,
                sector_size: RAW as u32,
                track: Some(i),
                data: ExtentData::File {
                    file: 0,
                    offset: start as u64 * RAW,
                },
            })
        })
        .collect();
    Ok(Medium {
        sessions,
        tracks,
        catalog: disc.catalog,
        files: vec![SourceFile::whole(&img_path, Arc::new(Pager::new(img)))],
        extents,
        structures: keys::structures(&sheet, &KINDS, ccd),
        subchannel: subchannel(ccd)?,
        diagnostics,
        ..Medium::empty(Format::Ccd, MediumKind::Optical, ccd, RAW as u32)
    })
}

/// Tracks from the TOC's POINT 01..99 entries and the [TRACK N] sections.
fn tracks(
    sheet: &CcdFile,
    toc: &Toc,
    stored: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Track> {
    let starts = toc.track_starts();
    let mut out: Vec<Track> = Vec::new();
    for (i, (number, session, control, start)) in starts.iter().enumerate() {
        let section = format!("TRACK {number}");
        let keys = TrackKeys::find(sheet, Some(u32::from(*number)));
        let mode = match keys.mode.as_deref() {
            Some("0") => TrackMode::Audio,
            Some("1") => TrackMode::Mode1_2352,
            Some("2") => TrackMode::Mode2_2352,
            Some(other) => {
                diagnostics.push(Diagnostic::warning(
                    "ccd.mode",
                    format!("[{section}] MODE={other} is not 0, 1 or 2; read from the TOC's control bits"),
                ));
                by_control(*control)
            }
            None => by_control(*control),
        };
        let mut indexes: Vec<Index> = keys
            .indexes
            .0
            .iter()
            .map(|&(number, lba)| Index {
                number,
                lba: Lba(lba),
            })
            .collect();
        if !indexes.iter().any(|x| x.number == 1) {
            indexes.push(Index {
                number: 1,
                lba: *start,
            });
            indexes.sort_by_key(|x| x.number);
        }
        if let Some(one) = indexes.iter().find(|x| x.number == 1)
            && one.lba != *start
        {
            diagnostics.push(Diagnostic::warning(
                "ccd.index-mismatch",
                format!(
                    "track {number}: [{section}] INDEX 1={} but the TOC says {}",
                    one.lba, start
                ),
            ));
        }
        let pregap = indexes
            .iter()
            .find(|x| x.number == 0)
            .and_then(|x| u64::try_from(start.0.checked_sub(x.lba.0)?).ok())
            .unwrap_or(0);
        let next = starts.get(i + 1).map(|(_, _, _, s)| *s);
        let end = match next {
            Some(s) => {
                let next = TrackKeys::find(sheet, starts.get(i + 1).map(|t| u32::from(t.0)));
                let next_pregap = next.indexes.0.iter().find(|(n, _)| *n == 0).map(|x| x.1);
                next_pregap.unwrap_or(s.0).min(s.0)
            }
            None => toc
                .leadout(*session)
                .map_or(i64::try_from(stored).unwrap_or(0), |l| l.0),
        };
        let flags = TrackFlags::from_control(*control);
        out.push(Track {
            number: *number,
            session: *session,
            mode,
            start: *start,
            pregap,
            pregap_in_file: true,
            length: end
                .checked_sub(start.0)
                .and_then(|l| u64::try_from(l).ok())
                .unwrap_or(0),
            postgap: 0,
            indexes,
            file: Some(0),
            file_offset: u64::try_from(start.0).ok().and_then(|s| s.checked_mul(RAW)),
            flags,
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        });
    }
    let end = out.last().map_or(0, |t| t.end().0);
    if u64::try_from(end).unwrap_or(0) > stored {
        diagnostics.push(Diagnostic::warning(
            "ccd.img-short",
            format!("the TOC's lead-out is at LBA {end} but the .img holds {stored} sectors"),
        ));
    }
    out
}

fn by_control(control: u8) -> TrackMode {
    if control & 0x4 != 0 {
        TrackMode::Mode1_2352
    } else {
        TrackMode::Audio
    }
}
