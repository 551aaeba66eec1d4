//! One reading of a cue sheet: the text decoded and parsed, every FILE
//! resolved and opened once, the payloads found, and the tracks laid out,
//! with every finding on the way. Opening the disc and the cue doctor both
//! start from it, so each finding is written once.

use std::path::{Path, PathBuf};

use crate::container::cue::files::{self, OpenFile};
use crate::container::cue::layout::{self, DiscLayout};
use crate::container::cue::payload::Payload;
use crate::container::cue::sheet::{Sheet, TrackBlock};
use crate::container::cue::text::{
    self, Encoding, MAX_SHEET_BYTES, NotASheet, SheetText, indent_of,
};
use crate::container::dialect::{self, Dialect};
use crate::diagnostic::{Diagnostic, Fix};
use crate::io::{FileSource, ReadAt};

/// What reading a sheet found.
#[derive(Debug)]
pub struct Analysis {
    /// The sheet as given.
    pub path: PathBuf,
    pub sheet: Sheet,
    /// `files[i]` for `sheet.files[i]`: `None` when it could not be used.
    pub files: Vec<Option<OpenFile>>,
    /// The disc laid out from the tracks that have an INDEX 01, when every
    /// file opened and they could be laid out.
    pub layout: Option<DiscLayout>,
    /// The indexes into `sheet.tracks` of the tracks `layout` holds, in
    /// order.
    pub laid_out: Vec<usize>,
    /// Every finding of reading, resolving and laying out, in that order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The payload of every file, when every file could be opened.
    pub fn payloads(&self) -> Option<Vec<Payload>> {
        self.files
            .iter()
            .map(|f| f.as_ref().map(|f| f.payload))
            .collect()
    }
}

/// Reads and analyses the sheet at `path`. Fails, with the finding that
/// says why, only when the file cannot be read or is not a text sheet.
pub fn analyse(path: &Path) -> Result<Analysis, Box<Diagnostic>> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bytes = read(Dialect::Cue, path)?;
    let mut analysis = analyse_bytes(&bytes, folder)?;
    analysis.path = path.to_owned();
    Ok(analysis)
}

/// The sheet's bytes, or why not.
pub(crate) fn read(dialect: Dialect, path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let unreadable = |error: crate::Error| {
        let message = match error {
            crate::Error::Io { source, .. } => source.to_string(),
            crate::Error::Image { message, .. } => message,
            other => other.to_string(),
        };
        Box::new(Diagnostic::error(
            dialect.code(dialect::UNREADABLE),
            message,
        ))
    };
    let source = FileSource::open(path).map_err(unreadable)?;
    if source.len() > MAX_SHEET_BYTES as u64 {
        return Err(Box::new(Diagnostic::error(
            dialect.code(dialect::TOO_LARGE),
            NotASheet::TooLarge.message(),
        )));
    }
    source
        .read_vec(0, source.len() as usize)
        .map_err(unreadable)
}

/// The finding for a file that is something other than a sheet.
fn refusal(other: NotASheet) -> Box<Diagnostic> {
    let diagnostic = Diagnostic::error(other.code(), other.message());
    Box::new(match other {
        NotASheet::CdrdaoToc => diagnostic
            .suggest("open the .toc itself, or write a cue with `discscope fix --from-data`"),
        NotASheet::CloneCdControl => {
            diagnostic.suggest("open the .ccd itself; its .img is the data")
        }
        NotASheet::Binary => diagnostic.suggest(
            "to write a sheet for a raw image: `discscope fix --from-data IMAGE -o OUT.cue`",
        ),
        NotASheet::TooLarge => diagnostic,
    })
}

/// Analyses sheet bytes whose FILE names are relative to `folder`.
pub fn analyse_bytes(bytes: &[u8], folder: &Path) -> Result<Analysis, Box<Diagnostic>> {
    if let Some(other) = text::recognise_other(bytes) {
        return Err(refusal(other));
    }
    let sheet = Sheet::parse_bytes(bytes);
    let mut diagnostics = text_notes(Dialect::Cue, &sheet.text);
    diagnostics.extend(sheet.diagnostics.iter().cloned());
    let files = files::open_all(&sheet, folder, &mut diagnostics);
    missing_index_01(&sheet, &mut diagnostics);
    let mut analysis = Analysis {
        path: PathBuf::new(),
        laid_out: (0..sheet.tracks.len())
            .filter(|&i| sheet.tracks.get(i).is_some_and(TrackBlock::usable))
            .collect(),
        sheet,
        files,
        layout: None,
        diagnostics,
    };
    analysis.lay_out();
    Ok(analysis)
}

impl Analysis {
    /// Lays out the usable tracks, when every file opened.
    fn lay_out(&mut self) {
        let Some(payloads) = self.payloads() else {
            return;
        };
        let mut usable = self.sheet.clone();
        usable.tracks.retain(TrackBlock::usable);
        if usable.tracks.is_empty() {
            let said = self.diagnostics.iter().any(|d| d.code == "cue.no-tracks");
            // A TRACK line that could not open a track says why itself.
            let unopened = !self.sheet.unopened_tracks.is_empty();
            if self.sheet.tracks.is_empty() && !said && !unopened {
                self.diagnostics.push(Diagnostic::error(
                    "cue.no-tracks",
                    "the sheet has no usable TRACK",
                ));
            }
            return;
        }
        match layout::lay_out(&usable, &payloads) {
            Ok(laid) => {
                self.diagnostics.extend(laid.notes.iter().cloned());
                self.layout = Some(laid);
            }
            Err(error) => self.diagnostics.push(*error),
        }
    }
}

/// What the sheet's text itself says: a byte order mark, a legacy encoding,
/// mixed line endings.
pub(crate) fn text_notes(dialect: Dialect, text: &SheetText) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    match text.encoding {
        Encoding::Utf8 => {}
        // cdrdao reads a byte order mark as illegal tokens.
        Encoding::Utf8Bom if dialect == Dialect::Toc => notes.push(
            Diagnostic::warning(
                dialect.code(dialect::BOM),
                "the file starts with a UTF-8 byte order mark, which cdrdao reads as illegal tokens",
            )
            .at_sheet(1, 1),
        ),
        Encoding::Utf8Bom => notes.push(
            Diagnostic::info(
                dialect.code(dialect::BOM),
                "the sheet starts with a UTF-8 byte order mark, which some programs misread",
            )
            .at_sheet(1, 1),
        ),
        other => notes.push(Diagnostic::info(
            dialect.code(dialect::ENCODING),
            format!("the sheet is not UTF-8; decoded as {}", other.as_str()),
        )),
    }
    let endings = text.endings;
    if [endings.lf, endings.crlf, endings.cr]
        .iter()
        .filter(|&&n| n > 0)
        .count()
        > 1
    {
        notes.push(Diagnostic::info(
            dialect.code(dialect::MIXED_LINE_ENDINGS),
            "the sheet mixes line endings",
        ));
    }
    notes
}

/// Tracks without INDEX 01, reported with a fix when the place is certain:
/// a track first in its FILE with no index starts at the file's start. Not
/// reported where an earlier finding already explains it.
fn missing_index_01(sheet: &Sheet, found: &mut Vec<Diagnostic>) {
    for (i, track) in sheet.tracks.iter().enumerate() {
        if track.indexes.iter().any(|x| x.number == 1) || track.index_01_explained() {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            "cue.missing-index-01",
            format!("TRACK {:02} has no INDEX 01", track.number),
        )
        .at_sheet(track.span.line, track.span.column)
        .suggest("add `INDEX 01 mm:ss:ff` where the track's audio or data begins");
        let first_in_file = !sheet
            .tracks
            .iter()
            .take(i)
            .any(|t| t.file == track.file || t.indexes.iter().any(|x| x.file == track.file));
        let text = sheet.text.lines.get(track.span.line.saturating_sub(1));
        if let (true, true, Some(text)) = (track.indexes.is_empty(), first_in_file, text) {
            diagnostic = diagnostic.with_fix(Fix {
                line: track.span.line,
                replacement: format!("{text}\n{}  INDEX 01 00:00:00", indent_of(text)),
            });
        }
        found.push(diagnostic);
    }
}
