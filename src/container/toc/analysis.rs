//! One reading of a toc file: the text decoded and parsed, every file found
//! and opened once, the tracks laid out, with every finding on the way.
//! Opening the disc and the doctor both start from it.

use std::path::{Path, PathBuf};

use crate::container::cue::analysis::{read, text_notes};
use crate::container::cue::text::{self, NotASheet};
use crate::container::dialect::{self, Dialect};
use crate::container::toc::files::{self, TocFiles};
use crate::container::toc::layout::{self, TocLayout};
use crate::container::toc::sheet::TocSheet;
use crate::diagnostic::{Diagnostic, Severity};

/// What reading a toc found.
#[derive(Debug)]
pub struct TocAnalysis {
    /// The toc as given.
    pub path: PathBuf,
    /// The file's bytes (at most 1 MiB), for placing its lines.
    pub bytes: Vec<u8>,
    pub sheet: TocSheet,
    pub files: TocFiles,
    pub layout: TocLayout,
    /// Every finding of reading, finding files and laying out, in order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Findings that leave no disc to open: its data cannot be read, or there
/// is none to lay out.
pub const FATAL: [&str; 9] = [
    "toc.file-missing",
    "toc.file-not-regular",
    "toc.file-unreadable",
    "toc.file-needs-decoding",
    "toc.fifo",
    "toc.unknown-mode",
    "toc.track-no-mode",
    "toc.too-many-tracks",
    "toc.no-tracks",
];

impl TocAnalysis {
    /// The first finding that leaves no disc to open.
    pub fn fatal(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error && FATAL.contains(&d.code))
    }
}

/// Reads and analyses the toc at `path`. Fails, with the finding that says
/// why, only when the file cannot be read or is not text.
pub fn analyse(path: &Path) -> Result<TocAnalysis, Box<Diagnostic>> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bytes = read(Dialect::Toc, path)?;
    let mut analysis = analyse_bytes(&bytes, folder)?;
    analysis.path = path.to_owned();
    Ok(analysis)
}

/// Analyses toc bytes whose file names are relative to `folder`.
pub fn analyse_bytes(bytes: &[u8], folder: &Path) -> Result<TocAnalysis, Box<Diagnostic>> {
    match text::recognise_other(bytes) {
        Some(NotASheet::Binary) => {
            return Err(Box::new(
                Diagnostic::error(
                    Dialect::Toc.code(dialect::BINARY_FILE),
                    "this is a binary file, not a toc file",
                )
                .suggest("open the toc that names it, or the image itself"),
            ));
        }
        Some(NotASheet::TooLarge) => {
            return Err(Box::new(Diagnostic::error(
                Dialect::Toc.code(dialect::TOO_LARGE),
                NotASheet::TooLarge.message(),
            )));
        }
        _ => {}
    }
    let sheet = TocSheet::parse_bytes(bytes);
    let mut diagnostics = text_notes(Dialect::Toc, &sheet.text);
    diagnostics.extend(sheet.diagnostics.iter().cloned());
    let files = files::open_all(&sheet, folder, &mut diagnostics);
    let layout = layout::lay_out(&sheet, &files);
    diagnostics.extend(layout.notes.iter().cloned());
    if sheet.tracks.is_empty() {
        diagnostics.push(Diagnostic::error(
            Dialect::Toc.code(dialect::NO_TRACKS),
            "the toc has no TRACK",
        ));
    }
    Ok(TocAnalysis {
        path: PathBuf::new(),
        bytes: bytes.to_vec(),
        sheet,
        files,
        layout,
        diagnostics,
    })
}
