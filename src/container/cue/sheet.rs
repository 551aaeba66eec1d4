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

/// A `TRACK nn MODE` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackBlock {
    pub number: u8,
    /// Index into [`Sheet::files`] of the FILE above the TRACK line.
    pub file: usize,
    pub mode: TrackMode,
    pub span: Span,
    /// From the last `REM SESSION` before the track (1 when none).
    pub session: u8,
    pub indexes: Vec<IndexLine>,
    pub pregap: Option<(Msf, Span)>,
    pub postgap: Option<(Msf, Span)>,
    pub flags: TrackFlags,
    pub isrc: Option<(String, Span)>,
    pub cd_text: CdText,
    pub rem: Vec<String>,
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
                lead_outs: Vec::new(),
                diagnostics: Vec::new(),
            },
            session: 1,
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
