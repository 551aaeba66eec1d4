//! The parsed cue sheet: every command with where it was written.
//!
//! The parser never stops at a bad line. It records a diagnostic and goes on,
//! so the cue doctor can report every mistake at once; deciding whether the
//! sheet is usable is left to the layout step.

mod parser;
#[cfg(test)]
mod tests;

use crate::container::cue::text::{self, SheetText, Token};
use crate::diagnostic::{Diagnostic, Severity};
use crate::medium::{CdText, TrackFlags, TrackMode};
use crate::units::Msf;

/// A line and column (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
}

impl Span {
    fn of(token: &Token) -> Span {
        Span {
            line: token.line,
            column: token.column,
        }
    }
}

/// The data format a FILE line declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Binary,
    Motorola,
    Wave,
    Aiff,
    Mp3,
    Flac,
    Ogg,
}

impl FileKind {
    pub fn from_name(name: &str) -> Option<FileKind> {
        Some(match name.to_ascii_uppercase().as_str() {
            "BINARY" => FileKind::Binary,
            "MOTOROLA" => FileKind::Motorola,
            "WAVE" | "WAV" => FileKind::Wave,
            "AIFF" => FileKind::Aiff,
            "MP3" => FileKind::Mp3,
            "FLAC" => FileKind::Flac,
            "OGG" => FileKind::Ogg,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Binary => "BINARY",
            FileKind::Motorola => "MOTOROLA",
            FileKind::Wave => "WAVE",
            FileKind::Aiff => "AIFF",
            FileKind::Mp3 => "MP3",
            FileKind::Flac => "FLAC",
            FileKind::Ogg => "OGG",
        }
    }
}

/// An `INDEX nn mm:ss:ff` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexLine {
    pub number: u8,
    /// Index into [`Sheet::files`] of the FILE the time is relative to (a
    /// track's indexes may continue into the next FILE).
    pub file: usize,
    /// Time from the start of the FILE.
    pub time: Msf,
    pub span: Span,
}

/// The mode a TRACK line declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclaredMode {
    Known(TrackMode),
    /// EAC's `MODEx/2xxx`: the data track of an enhanced CD that EAC did
    /// not extract, so the image holds nothing for it.
    NotExtracted,
    /// Missing or not a mode (reported at its line).
    Unknown,
}

/// A `TRACK nn MODE` block. A TRACK line whose mode cannot be used still
/// opens a block, so the lines below it are not read as the previous
/// track's; such a track is never laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackBlock {
    pub number: u8,
    /// Index into [`Sheet::files`] of the FILE above the TRACK line.
    pub file: usize,
    pub mode: DeclaredMode,
    pub span: Span,
    /// From the last `REM SESSION` before the track (1 when none).
    pub session: u8,
    pub indexes: Vec<IndexLine>,
    /// INDEX lines of this track that could not be read (reported at their
    /// line), with their number when that much could be read.
    pub unread_indexes: Vec<(Option<u8>, Span)>,
    pub pregap: Option<(Msf, Span)>,
    pub postgap: Option<(Msf, Span)>,
    pub flags: TrackFlags,
    pub isrc: Option<(String, Span)>,
    pub cd_text: CdText,
    pub rem: Vec<String>,
}

impl TrackBlock {
    /// The track's mode, when the sheet gives a usable one.
    pub fn track_mode(&self) -> Option<TrackMode> {
        match self.mode {
            DeclaredMode::Known(mode) => Some(mode),
            DeclaredMode::NotExtracted | DeclaredMode::Unknown => None,
        }
    }

    /// Whether the track can be laid out: a usable mode and an INDEX 01.
    pub fn usable(&self) -> bool {
        self.track_mode().is_some() && self.indexes.iter().any(|i| i.number == 1)
    }

    /// Whether a missing INDEX 01 is only a consequence of an earlier
    /// finding: the TRACK line has no usable mode (the track is not laid
    /// out whatever its indexes), or an INDEX line that may be the 01 could
    /// not be read.
    pub fn index_01_explained(&self) -> bool {
        self.track_mode().is_none()
            || self
                .unread_indexes
                .iter()
                .any(|(number, _)| number.is_none_or(|n| n == 1))
    }
}

/// A `FILE name KIND` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLine {
    pub name: String,
    pub kind: FileKind,
    pub span: Span,
    pub name_span: Span,
}

/// A `REM` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemLine {
    /// The text after `REM`, verbatim.
    pub text: String,
    pub span: Span,
}

/// The whole sheet.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub text: SheetText,
    pub catalog: Option<(String, Span)>,
    pub cd_text_file: Option<(String, Span)>,
    pub cd_text: CdText,
    /// Disc-level REM lines (before the first TRACK).
    pub rem: Vec<RemLine>,
    pub files: Vec<FileLine>,
    pub tracks: Vec<TrackBlock>,
    /// TRACK lines that could not open a track (each reported at its line).
    pub unopened_tracks: Vec<Span>,
    /// `REM LEAD-OUT` times, by the session they close.
    pub lead_outs: Vec<(u8, Msf)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every command a sheet may hold.
pub const COMMANDS: [&str; 14] = [
    "CATALOG",
    "CDTEXTFILE",
    "FILE",
    "FLAGS",
    "INDEX",
    "ISRC",
    "PERFORMER",
    "POSTGAP",
    "PREGAP",
    "REM",
    "SONGWRITER",
    "TITLE",
    "TRACK",
    "ARRANGER",
];

/// The commands that say where sectors lie: a misspelling of one is read
/// as the command, since skipping the line would misplace what follows.
pub const LAYOUT_COMMANDS: [&str; 5] = ["FILE", "TRACK", "INDEX", "PREGAP", "POSTGAP"];

/// CD-TEXT fields a sheet can set directly.
pub const CD_TEXT_FIELDS: [&str; 7] = [
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "ARRANGER",
    "COMPOSER",
    "MESSAGE",
    "UPC_EAN",
];

impl Sheet {
    /// Parses decoded text. Never fails: problems become diagnostics.
    pub fn parse(text: SheetText) -> Sheet {
        let mut parser = Parser {
            sheet: Sheet {
                text: text.clone(),
                catalog: None,
                cd_text_file: None,
                cd_text: CdText::default(),
                rem: Vec::new(),
                files: Vec::new(),
                tracks: Vec::new(),
                unopened_tracks: Vec::new(),
                lead_outs: Vec::new(),
                diagnostics: Vec::new(),
            },
            session: 1,
            broken_track: false,
            broken_file: false,
        };
        for (index, line) in text.lines.iter().enumerate() {
            let number = index + 1;
            let tokens = text::tokenize(line, number, &mut parser.sheet.diagnostics);
            parser.line(&tokens);
        }
        parser.sheet
    }

    /// Parses raw bytes (any supported encoding).
    pub fn parse_bytes(bytes: &[u8]) -> Sheet {
        Sheet::parse(text::decode(bytes))
    }

    /// The first error, if any.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
    }
}

use parser::Parser;
pub use parser::{closest_command, edit_distance, is_isrc};
