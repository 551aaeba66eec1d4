//! cdrdao toc files: read, parse, find the files, lay out the disc.
//!
//! The whole grammar is read: the disc type (`CD_DA`, `CD_ROM`,
//! `CD_ROM_XA`, `CD_I`), `CATALOG`, `CD_TEXT` blocks with `LANGUAGE_MAP`
//! and binary values, and per track its mode and sub-channel mode, flags,
//! `ISRC`, `PREGAP`, `FILE`/`AUDIOFILE` (with `SWAP`, `#offset`, start and
//! length), `DATAFILE`, `SILENCE`, `ZERO`, `START`, `END` and `INDEX`.
//! `FIFO` is recognised and refused. Findings carry `toc.*` codes; the rules
//! a cue sheet shares (files, their content, the data against the mode)
//! are the same code under another prefix.
//!
//! Sources: the cdrdao manual (TOC FILES) and `cdrdao show-toc`'s reading
//! of the testtocs that come with cdrdao.

pub mod analysis;
pub mod files;
pub mod layout;
pub mod lexer;
pub mod mode;
pub mod parser;
pub mod sheet;
pub mod structures;

pub use analysis::{TocAnalysis, analyse, analyse_bytes};
pub use mode::{DiscType, SubchannelMode, TocMode};
pub use sheet::{TocSheet, TocTrack};

use crate::error::{Error, Result};
use crate::medium::{Format, Medium, MediumKind, SourceFile};

/// The disc an analysed toc describes. Refused, with the finding that
/// says why, only when its data cannot be read (a file missing, a FIFO)
/// or no track can be laid out; every other finding travels with the
/// medium.
pub fn medium(analysis: &TocAnalysis) -> Result<Medium> {
    let path = analysis.path.as_path();
    if let Some(fatal) = analysis.fatal() {
        return Err(match fatal.line().filter(|&line| line > 0) {
            Some(line) => Error::Sheet {
                path: path.to_owned(),
                line,
                message: fatal.message.clone(),
            },
            None => Error::image(path, fatal.message.clone()),
        });
    }
    let layout = &analysis.layout;
    if layout.tracks.is_empty() || layout.extents.is_empty() {
        return Err(Error::image(path, "the toc describes no data"));
    }
    let files = analysis
        .files
        .names
        .iter()
        .zip(&analysis.files.open)
        .map(|(name, open)| match open {
            Some(open) => Ok(SourceFile {
                name: name.clone(),
                path: open.path.clone(),
                reader: std::sync::Arc::clone(&open.reader),
            }),
            None => Err(Error::image(path, format!("`{name}` could not be opened"))),
        })
        .collect::<Result<Vec<_>>>()?;
    let sheet = &analysis.sheet;
    let sector_size = crate::medium::Track::largest_sector(&layout.tracks);
    Ok(Medium {
        sessions: layout.sessions.clone(),
        tracks: layout.tracks.clone(),
        catalog: sheet.catalog.as_ref().map(|(c, _)| c.clone()),
        cd_text: layout::cd_text(&sheet.cd_text),
        files,
        extents: layout.extents.clone(),
        structures: structures::structures(sheet, &analysis.bytes, path),
        diagnostics: analysis.diagnostics.clone(),
        ..Medium::empty(Format::Toc, MediumKind::Optical, path, sector_size)
    })
}

/// Opens the toc at `path`.
pub fn open(path: &std::path::Path) -> Result<Medium> {
    let analysis = analyse(path).map_err(|d| Error::image(path, d.message))?;
    medium(&analysis)
}
