//! `TRACK` blocks: the mode line, the flags, `PREGAP`, the statements
//! that give the track its data, `START`, `END` and `INDEX`.

use super::Parser;
use crate::container::cue::sheet::Span;
use crate::container::dialect::{self, Dialect};
use crate::container::toc::lexer::{TocToken, TokenKind};
use crate::container::toc::mode::{SubchannelMode, TOC_MODES, TocMode};
use crate::container::toc::sheet::{Amount, PlacedStatement, Statement, TocTrack};
use crate::diagnostic::Diagnostic;

/// A disc holds at most this many tracks.
pub const MAX_TRACKS: usize = 99;
/// At most this many INDEX statements per track (indexes 2 to 99).
pub const MAX_INDEXES: usize = 98;

/// The statements in the order cdrdao reads them, by phase.
fn phase_of(word: &str) -> u8 {
    match word {
        "ISRC" | "NO" | "COPY" | "PRE_EMPHASIS" | "TWO_CHANNEL_AUDIO" | "FOUR_CHANNEL_AUDIO" => 0,
        "CD_TEXT" => 1,
        "PREGAP" => 2,
        "INDEX" => 4,
        _ => 3,
    }
}

impl Parser {
    /// `TRACK mode [RW | RW_RAW]`.
    pub(super) fn track(&mut self, token: &TocToken) {
        let at = token.span;
        if self.sheet.tracks.len() == MAX_TRACKS {
            self.report(
                Diagnostic::error(
                    Dialect::Toc.code(dialect::TOO_MANY_TRACKS),
                    "a disc holds at most 99 tracks",
                )
                .at_sheet(at.line, at.column),
            );
        }
        self.phase = 0;
        // The mode line belongs to the new track, not the one before.
        let previous_end = self.sheet.tracks.last().map(|t| t.last_line);
        let modes: Vec<&'static str> = TOC_MODES.iter().map(|m| m.as_str()).collect();
        let (mode, mode_at) = match self.take_if(|t| t.kind == TokenKind::Word) {
            Some(word) => match self.keyword(&word, &modes) {
                Some(name) => (TocMode::from_word(name), word.span),
                None => {
                    let mut diagnostic = Diagnostic::error(
                        "toc.unknown-mode",
                        format!("TRACK {}: unknown track mode", word.text),
                    )
                    .at_sheet(word.span.line, word.span.column)
                    .suggest("modes are AUDIO, MODE1, MODE1_RAW, MODE2, MODE2_RAW, MODE2_FORM1, MODE2_FORM2 and MODE2_FORM_MIX");
                    if let Some(close) = super::closest(&word.text.to_ascii_uppercase())
                        .filter(|c| modes.contains(c))
                    {
                        diagnostic = diagnostic.suggest(format!("did you mean `{close}`?"));
                    }
                    self.report(diagnostic);
                    (None, word.span)
                }
            },
            None => {
                self.report(
                    Diagnostic::error("toc.track-no-mode", "TRACK has no mode")
                        .at_sheet(at.line, at.column),
                );
                (None, at)
            }
        };
        if mode == Some(TocMode::Mode0) {
            self.report(
                Diagnostic::warning(
                    "toc.mode0-track",
                    "cdrdao 1.2 reads MODE0 only in ZERO statements, not as a track's mode",
                )
                .at_sheet(mode_at.line, mode_at.column),
            );
        }
        let subchannel = self.subchannel_mode();
        if let (Some(track), Some(end)) = (self.sheet.tracks.last_mut(), previous_end) {
            track.last_line = end;
        }
        self.sheet.tracks.push(TocTrack {
            at,
            last_line: at.line,
            mode,
            mode_at,
            subchannel,
            copy: false,
            pre_emphasis: false,
            four_channel: false,
            isrc: None,
            cd_text: Vec::new(),
            pregap: None,
            body: Vec::new(),
            indexes: Vec::new(),
        });
    }

    /// An optional `RW` or `RW_RAW`.
    fn subchannel_mode(&mut self) -> Option<SubchannelMode> {
        let word = self.take_if(|t| {
            t.kind == TokenKind::Word
                && SubchannelMode::from_word(&t.text.to_ascii_uppercase()).is_some()
        })?;
        let name = self.keyword(&word, &["RW", "RW_RAW"])?;
        SubchannelMode::from_word(name)
    }

    fn current(&mut self) -> Option<&mut TocTrack> {
        self.sheet.tracks.last_mut()
    }

    /// A statement inside a TRACK block.
    pub(super) fn track_statement(&mut self, word: &'static str, token: &TocToken) {
        let at = token.span;
        let phase = phase_of(word);
        if phase < self.phase && word != "CD_TEXT" {
            self.report(
                Diagnostic::error(
                    "toc.statement-order",
                    format!("{word} comes too late in the track"),
                )
                .at_sheet(at.line, at.column)
                .suggest("a track gives its flags, CD_TEXT, PREGAP, then its data, START and END, then INDEX"),
            );
        }
        self.phase = self.phase.max(phase);
        match word {
            "ISRC" => {
                let Some(value) = self.string(token, "a 12-character code") else {
                    return;
                };
                self.check_isrc(&value.text, at);
                if let Some(track) = self.current() {
                    track.isrc = Some((value.text, at));
                }
            }
            "NO" => {
                let next = self.take_if(|t| t.kind == TokenKind::Word);
                let flag = next
                    .as_ref()
                    .and_then(|n| self.keyword(n, &["COPY", "PRE_EMPHASIS"]));
                match flag {
                    Some(flag) => self.flag(flag, false),
                    None => self.syntax(at, "NO is followed by COPY or PRE_EMPHASIS".into()),
                }
            }
            "COPY" | "PRE_EMPHASIS" => self.flag(word, true),
            "TWO_CHANNEL_AUDIO" | "FOUR_CHANNEL_AUDIO" => {
                let four = word == "FOUR_CHANNEL_AUDIO";
                if let Some(track) = self.current() {
                    track.four_channel = four;
                }
            }
            "CD_TEXT" => self.track_cd_text(token),
            "PREGAP" => self.pregap(token),
            "INDEX" => self.index(token),
            "SWAP" => self.syntax(at, "SWAP belongs after a FILE's name".into()),
            _ => self.data_statement(word, token),
        }
    }

    fn flag(&mut self, word: &str, on: bool) {
        if let Some(track) = self.current() {
            match word {
                "COPY" => track.copy = on,
                _ => track.pre_emphasis = on,
            }
        }
    }

    fn pregap(&mut self, token: &TocToken) {
        let at = token.span;
        let Some(blocks) = self.msf(token) else {
            return;
        };
        if blocks == 0 {
            self.report(
                Diagnostic::error("toc.zero-length", "the pregap's length is zero")
                    .at_sheet(at.line, at.column),
            );
            return;
        }
        let twice = self
            .current()
            .is_some_and(|t| t.pregap.is_some() || t.start_at().is_some());
        if twice {
            self.report(
                Diagnostic::error(
                    "toc.duplicate-start",
                    "the track's start (end of its pregap) is already given",
                )
                .at_sheet(at.line, at.column),
            );
            return;
        }
        if let Some(track) = self.current() {
            track.pregap = Some((blocks, at));
        }
    }

    fn index(&mut self, token: &TocToken) {
        let at = token.span;
        let Some(blocks) = self.msf(token) else {
            return;
        };
        let Some(track) = self.current() else { return };
        let problem = if track.indexes.len() >= MAX_INDEXES {
            Some((
                "toc.too-many-indexes",
                "more than 98 INDEX statements".to_owned(),
            ))
        } else if blocks == 0 {
            Some((
                "toc.index-at-start",
                "INDEX at the track's start (INDEX 01 is there)".to_owned(),
            ))
        } else if let Some((last, _)) = track.indexes.last().filter(|(last, _)| blocks <= *last) {
            Some((
                Dialect::Toc.code(dialect::INDEX_NOT_INCREASING),
                format!("INDEX at {blocks} blocks is not after the previous one at {last}"),
            ))
        } else {
            None
        };
        match problem {
            Some((code, message)) => {
                self.report(Diagnostic::error(code, message).at_sheet(at.line, at.column))
            }
            None => track.indexes.push((blocks, at)),
        }
    }

    /// FILE, AUDIOFILE, DATAFILE, FIFO, SILENCE, ZERO, START, END.
    fn data_statement(&mut self, word: &'static str, token: &TocToken) {
        let at = token.span;
        let mode = self.sheet.tracks.last().and_then(|t| t.mode);
        let statement = match word {
            "FILE" | "AUDIOFILE" => self.file(token, true),
            "DATAFILE" => self.file(token, false),
            "FIFO" => {
                let name = self.string(token, "a path");
                self.amount(token, "a length");
                self.report(
                    Diagnostic::error(
                        "toc.fifo",
                        "FIFO reads data from a pipe while writing; an image cannot be read from one",
                    )
                    .at_sheet(at.line, at.column),
                );
                name.map(|n| Statement::Fifo { name: n.text })
            }
            "SILENCE" => self
                .amount(token, "a length")
                .map(|length| Statement::Silence { length }),
            "ZERO" => {
                let modes: Vec<&'static str> = TOC_MODES.iter().map(|m| m.as_str()).collect();
                let zero_mode = self
                    .take_if(|t| {
                        t.kind == TokenKind::Word
                            && TocMode::from_word(&t.text.to_ascii_uppercase()).is_some()
                    })
                    .and_then(|w| self.keyword(&w, &modes))
                    .and_then(TocMode::from_word);
                if zero_mode.is_some() && self.subchannel_mode().is_some() {
                    self.report(
                        Diagnostic::info(
                            "toc.zero-subchannel",
                            "ZERO's sub-channel mode is read and ignored: zero data has no sub-channel",
                        )
                        .at_sheet(at.line, at.column),
                    );
                }
                self.amount(token, "a length")
                    .map(|length| Statement::Zero {
                        mode: zero_mode,
                        length,
                    })
            }
            "START" | "END" => {
                let time = if self.number_next() {
                    self.msf(token)
                } else {
                    None
                };
                if word == "START" {
                    self.start(at, time)
                } else {
                    Some(Statement::End(time))
                }
            }
            _ => None,
        };
        if let Some(statement) = statement {
            if let (Some(mode), Statement::Silence { .. }) = (mode, &statement)
                && !mode.is_audio()
            {
                self.report(
                    Diagnostic::error(
                        "toc.silence-on-data",
                        format!("SILENCE is for audio tracks; this one is {mode} (use ZERO)"),
                    )
                    .at_sheet(at.line, at.column),
                );
            }
            let audio_kind = |s: &Statement| {
                matches!(
                    s,
                    Statement::Silence { .. } | Statement::File { audio: true, .. }
                )
            };
            let data_kind = |s: &Statement| {
                matches!(
                    s,
                    Statement::Zero { .. } | Statement::File { audio: false, .. }
                )
            };
            let mixed = self.current().is_some_and(|t| {
                let pregap_audio = t.pregap.is_some() && t.mode.is_some_and(TocMode::is_audio);
                let pregap_data = t.pregap.is_some() && !t.mode.is_some_and(TocMode::is_audio);
                let had_audio = pregap_audio || t.body.iter().any(|p| audio_kind(&p.statement));
                let had_data = pregap_data || t.body.iter().any(|p| data_kind(&p.statement));
                (audio_kind(&statement) && had_data) || (data_kind(&statement) && had_audio)
            });
            if mixed {
                self.report(
                    Diagnostic::error(
                        "toc.mixed-statements",
                        "this track mixes FILE/SILENCE with DATAFILE/ZERO (PREGAP counts as SILENCE on audio, ZERO on data); cdrdao refuses that",
                    )
                    .at_sheet(at.line, at.column),
                );
            }
            if let Some(track) = self.current() {
                track.body.push(PlacedStatement { statement, at });
            }
        }
    }

    /// START, unless the track's start is already given.
    fn start(&mut self, at: Span, time: Option<u64>) -> Option<Statement> {
        let given = self
            .current()
            .is_some_and(|t| t.pregap.is_some() || t.start_at().is_some());
        if given {
            self.report(
                Diagnostic::error(
                    "toc.duplicate-start",
                    "the track's start (end of its pregap) is already given",
                )
                .at_sheet(at.line, at.column),
            );
            return None;
        }
        Some(Statement::Start(time))
    }

    /// `FILE|AUDIOFILE "name" [SWAP] [#offset] start [length]` or
    /// `DATAFILE "name" [#offset] [length]`.
    fn file(&mut self, token: &TocToken, audio: bool) -> Option<Statement> {
        let at = token.span;
        let name = self.string(token, "a file name")?;
        let swap = audio && self.take_if(|t| t.is("SWAP")).is_some();
        let mut offset = 0;
        if self.take_if(|t| t.kind == TokenKind::Hash).is_some() {
            let number = self.take_if(|t| t.kind == TokenKind::Number);
            offset = match number.and_then(|n| self.number(&n)) {
                Some(n) if n <= super::MAX_BYTES => n,
                _ => {
                    self.syntax(at, "`#` is followed by a byte offset".into());
                    return None;
                }
            };
        }
        let (start, length) = if audio {
            let start = self.amount(token, "a start position")?;
            let length = if self.number_next() {
                Some(self.amount(token, "a length")?)
            } else {
                None
            };
            (start, length)
        } else {
            let length = if self.number_next() {
                Some(self.amount(token, "a length")?)
            } else {
                None
            };
            (Amount::Number(0), length)
        };
        let mode = self.sheet.tracks.last().and_then(|t| t.mode);
        if audio && mode.is_some_and(|m| !m.is_audio()) {
            self.report(
                Diagnostic::error(
                    "toc.file-on-data",
                    format!(
                        "{} is for audio tracks; this one is {}: its data is read as DATAFILE's would be",
                        token.text.to_ascii_uppercase(),
                        mode.map_or("?", TocMode::as_str)
                    ),
                )
                .at_sheet(at.line, at.column)
                .suggest("use DATAFILE for a data track"),
            );
        }
        if name.text == "-" {
            self.report(
                Diagnostic::error(
                    "toc.fifo",
                    "\"-\" reads the data from standard input, which an image cannot",
                )
                .at_sheet(name.span.line, name.span.column),
            );
        }
        Some(Statement::File {
            name: name.text,
            name_at: name.span,
            audio,
            swap,
            offset,
            start,
            length,
        })
    }
}
