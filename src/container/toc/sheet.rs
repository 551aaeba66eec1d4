//! The parsed toc file: every statement with where it was written.
//!
//! The parser never stops at a bad statement: it records a finding and
//! goes on at the next keyword, so the doctor can report every mistake at
//! once. Deciding whether the disc can be laid out is left to the layout.

use crate::container::cue::sheet::Span;
use crate::container::cue::text::SheetText;
use crate::container::toc::mode::{DiscType, SubchannelMode, TocMode};
use crate::diagnostic::{Diagnostic, Severity};

/// A length or position as written: `mm:ss:ff` counts blocks; a plain
/// number counts samples (1/44,100 s, 4 bytes) in audio statements
/// (`FILE`, `AUDIOFILE`, `SILENCE`) and bytes in data statements
/// (`DATAFILE`, `ZERO`, `FIFO`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Blocks(u64),
    Number(u64),
}

/// Bytes of one audio sample (16-bit stereo).
pub const SAMPLE_BYTES: u64 = 4;

impl Amount {
    /// The bytes this amount stands for, for blocks of `block` bytes and
    /// plain numbers counting samples (`samples`) or bytes.
    pub fn bytes(self, block: u64, samples: bool) -> Option<u64> {
        match self {
            Amount::Blocks(frames) => frames.checked_mul(block),
            Amount::Number(n) if samples => n.checked_mul(SAMPLE_BYTES),
            Amount::Number(n) => Some(n),
        }
    }
}

/// One statement that gives a track data, or marks a place in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    /// `SILENCE length`: zero audio.
    Silence { length: Amount },
    /// `ZERO [mode] [sub-channel mode] length`: zero data.
    Zero {
        mode: Option<TocMode>,
        length: Amount,
    },
    /// `FILE`/`AUDIOFILE "name" [SWAP] [#offset] start [length]` or
    /// `DATAFILE "name" [#offset] [length]`.
    File {
        name: String,
        name_at: Span,
        /// `FILE`/`AUDIOFILE` (audio, positions in samples) rather than
        /// `DATAFILE`.
        audio: bool,
        swap: bool,
        /// Bytes skipped before `start` (`#offset`).
        offset: u64,
        start: Amount,
        /// `None` or zero: to the end of the file.
        length: Option<Amount>,
    },
    /// `FIFO "path" length`: refused.
    Fifo { name: String },
    /// `START [mm:ss:ff]`: where INDEX 01 begins (the current length when
    /// no time is given).
    Start(Option<u64>),
    /// `END [mm:ss:ff]`: where the post-gap begins.
    End(Option<u64>),
}

/// A statement and where it begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedStatement {
    pub statement: Statement,
    pub at: Span,
}

/// A CD-TEXT value: a string, or binary data `{ 1, 2, 3 }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CdTextValue {
    Text(String),
    Binary(Vec<u8>),
}

/// One CD-TEXT item of a `LANGUAGE n { ... }` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdTextItem {
    pub language: u8,
    /// The item as written (`TITLE`, `PERFORMER`, `SIZE_INFO` ...).
    pub field: String,
    pub value: CdTextValue,
    pub at: Span,
}

/// A `TRACK` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocTrack {
    /// The `TRACK` keyword.
    pub at: Span,
    /// The last line of the block (for showing it as a structure).
    pub last_line: usize,
    /// `None` when the mode word is missing or unknown.
    pub mode: Option<TocMode>,
    pub mode_at: Span,
    pub subchannel: Option<SubchannelMode>,
    pub copy: bool,
    pub pre_emphasis: bool,
    pub four_channel: bool,
    pub isrc: Option<(String, Span)>,
    pub cd_text: Vec<CdTextItem>,
    /// `PREGAP mm:ss:ff`, in blocks.
    pub pregap: Option<(u64, Span)>,
    pub body: Vec<PlacedStatement>,
    /// `INDEX mm:ss:ff`, in blocks after INDEX 01.
    pub indexes: Vec<(u64, Span)>,
}

impl TocTrack {
    /// Bytes per block in the data files, sub-channel data included.
    pub fn stride(&self) -> Option<u32> {
        let mode = self.mode?;
        let sub = self
            .subchannel
            .map_or(0, |_| crate::container::toc::mode::SUBCHANNEL_BYTES);
        Some(mode.block_size() + sub)
    }

    /// Where `START` is given, if it is.
    pub fn start_at(&self) -> Option<Span> {
        self.body
            .iter()
            .find(|p| matches!(p.statement, Statement::Start(_)))
            .map(|p| p.at)
    }
}

/// The whole toc file.
#[derive(Clone, Debug)]
pub struct TocSheet {
    pub text: SheetText,
    pub disc_type: Option<(DiscType, Span)>,
    pub catalog: Option<(String, Span)>,
    /// `LANGUAGE_MAP`: language number, language code.
    pub language_map: Vec<(u8, u8, Span)>,
    pub cd_text: Vec<CdTextItem>,
    pub tracks: Vec<TocTrack>,
    pub diagnostics: Vec<Diagnostic>,
}

impl TocSheet {
    /// Parses decoded text. Never fails: problems become findings.
    pub fn parse(text: SheetText) -> TocSheet {
        crate::container::toc::parser::parse(text)
    }

    /// Parses raw bytes (any supported encoding).
    pub fn parse_bytes(bytes: &[u8]) -> TocSheet {
        TocSheet::parse(crate::container::cue::text::decode(bytes))
    }

    /// The first error, if any.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
    }
}
