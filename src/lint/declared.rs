//! What the rules shared by cue sheets and toc files see of a sheet: each
//! laid-out track as the sheet declared it, where its lines are, and the
//! files that hold its data. Each dialect builds this view once; the rules
//! in [`super::data`] and [`super::gaps`] read only it.

use crate::container::cue::files::OpenFile;
use crate::container::cue::sheet::{Span, TrackBlock};
use crate::container::cue::text::indent_of;
use crate::container::dialect::Dialect;
use crate::container::toc::TocMode;
use crate::diagnostic::Fix;
use crate::medium::{Track, TrackMode};

/// One laid-out track as its sheet declared it.
#[derive(Clone, Debug)]
pub(crate) struct Declared {
    pub number: u8,
    pub mode: TrackMode,
    /// The mode as the sheet writes it (`MODE1/2352`, `MODE1_RAW`).
    pub mode_name: String,
    /// The TRACK line.
    pub track_at: Span,
    /// Where INDEX 01 is given (a cue INDEX 01, a toc START).
    pub index01_at: Option<Span>,
    /// Where a stored pregap is given (a cue INDEX 00).
    pub index00_at: Option<Span>,
    /// A PREGAP line (a gap the image does not store).
    pub pregap_at: Option<Span>,
}

impl Declared {
    /// A cue sheet's TRACK block, when its mode is usable (only such
    /// tracks are laid out).
    pub fn of_cue(block: &TrackBlock) -> Option<Declared> {
        let index = |n: u8| block.indexes.iter().find(|i| i.number == n).map(|i| i.span);
        let mode = block.track_mode()?;
        Some(Declared {
            number: block.number,
            mode,
            mode_name: mode.cue_name().to_owned(),
            track_at: block.span,
            index01_at: index(1),
            index00_at: index(0),
            pregap_at: block.pregap.map(|(_, at)| at),
        })
    }
}

/// The laid-out sheet and its files, as the shared rules see it.
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    /// `declared[i]` declared `tracks[i]`.
    pub declared: &'a [Declared],
    pub tracks: &'a [Track],
    /// The files the tracks' `file` indexes name, `None` where one could
    /// not be used.
    pub files: &'a [Option<OpenFile>],
    pub lines: &'a [String],
}

impl Context<'_> {
    /// How a message names a track: `TRACK 02` in a cue sheet, `track 2`
    /// in a toc file (whose TRACK lines carry no number).
    pub fn track(&self, declared: &Declared) -> String {
        match self.dialect {
            Dialect::Cue => format!("TRACK {:02}", declared.number),
            Dialect::Toc => format!("track {}", declared.number),
        }
    }

    /// A mode as this dialect writes it.
    pub fn mode_name(&self, mode: TrackMode) -> String {
        match self.dialect {
            Dialect::Cue => mode.cue_name().to_owned(),
            Dialect::Toc => TocMode::for_track(mode).as_str().to_owned(),
        }
    }

    /// The text of a 1-based line.
    pub fn line(&self, line: usize) -> &str {
        self.lines
            .get(line.saturating_sub(1))
            .map_or("", String::as_str)
    }

    /// The TRACK line rewritten with another mode (cue sheets only: a toc
    /// TRACK line may carry a subchannel mode the rewrite would lose).
    pub fn mode_fix(&self, declared: &Declared, mode: TrackMode) -> Option<Fix> {
        (self.dialect == Dialect::Cue).then(|| Fix {
            line: declared.track_at.line,
            replacement: format!(
                "{}TRACK {:02} {}",
                indent_of(self.line(declared.track_at.line)),
                declared.number,
                mode
            ),
        })
    }
}
