//! The parsed cue sheet: every command with where it was written.
//!
//! The parser never stops at a bad line. It records a diagnostic and goes on,
//! so the cue doctor can report every mistake at once; deciding whether the
//! sheet is usable is left to the layout step.

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
    fn from_name(name: &str) -> Option<FileKind> {
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
const CD_TEXT_FIELDS: [&str; 7] = [
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

struct Parser {
    sheet: Sheet,
    session: u8,
}

impl Parser {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.sheet.diagnostics.push(diagnostic);
    }

    fn current_track(&mut self) -> Option<&mut TrackBlock> {
        self.sheet.tracks.last_mut()
    }

    fn line(&mut self, tokens: &[Token]) {
        let Some((command, args)) = tokens.split_first() else {
            return;
        };
        let name = command.text.to_ascii_uppercase();
        let at = Span::of(command);
        match name.as_str() {
            "REM" => self.rem(command, args),
            "CATALOG" => self.catalog(command, args),
            "CDTEXTFILE" => {
                if let Some(value) = self.one_arg(command, args) {
                    self.sheet.cd_text_file = Some((value, at));
                }
            }
            "FILE" => self.file(command, args),
            "TRACK" => self.track(command, args),
            "INDEX" => self.index(command, args),
            "PREGAP" | "POSTGAP" => self.gap(command, args, name == "PREGAP"),
            "FLAGS" => self.flags(command, args),
            "ISRC" => self.isrc(command, args),
            field if CD_TEXT_FIELDS.contains(&field) => self.cd_text(command, args),
            _ => {
                let mut diagnostic = Diagnostic::warning(
                    "cue.unknown-command",
                    format!("unknown command `{}`", command.text),
                )
                .at_sheet(at.line, at.column);
                if let Some(close) = closest_command(&name) {
                    diagnostic = diagnostic.suggest(format!("did you mean `{close}`?"));
                }
                self.report(diagnostic);
            }
        }
    }

    /// Exactly one argument; reports and returns `None` otherwise.
    fn one_arg(&mut self, command: &Token, args: &[Token]) -> Option<String> {
        match args {
            [value] => Some(value.text.clone()),
            [] => {
                self.arg_count(command, "1 argument", 0);
                None
            }
            [value, ..] => {
                self.arg_count(command, "1 argument", args.len());
                Some(value.text.clone())
            }
        }
    }

    fn arg_count(&mut self, command: &Token, expected: &str, found: usize) {
        self.report(
            Diagnostic::warning(
                "cue.argument-count",
                format!(
                    "`{}` takes {expected}, found {found}",
                    command.text.to_ascii_uppercase()
                ),
            )
            .at_sheet(command.line, command.column),
        );
    }

    fn rem(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        let text: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
        let verbatim = text.join(" ");
        match args.first().map(|t| t.text.to_ascii_uppercase()) {
            Some(key) if key == "SESSION" => match args.get(1).map(|t| t.text.parse::<u8>()) {
                Some(Ok(n)) if (1..=99).contains(&n) => self.session = n,
                _ => self.report(
                    Diagnostic::error("cue.bad-session", "REM SESSION needs a number from 1 to 99")
                        .at_sheet(at.line, at.column),
                ),
            },
            Some(key) if key == "LEAD-OUT" => match args.get(1).map(|t| t.text.parse::<Msf>()) {
                Some(Ok(time)) => self.sheet.lead_outs.push((self.session, time)),
                _ => self.report(
                    Diagnostic::warning("cue.bad-lead-out", "REM LEAD-OUT needs a time mm:ss:ff")
                        .at_sheet(at.line, at.column),
                ),
            },
            _ => {}
        }
        match self.current_track() {
            Some(track) => track.rem.push(verbatim),
            None => self.sheet.rem.push(RemLine {
                text: verbatim,
                span: at,
            }),
        }
    }

    fn catalog(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        if self.sheet.catalog.is_some() {
            self.report(
                Diagnostic::warning("cue.duplicate-catalog", "CATALOG is given more than once")
                    .at_sheet(at.line, at.column),
            );
        }
        let Some(value) = self.one_arg(command, args) else {
            return;
        };
        if value.len() != 13 || !value.bytes().all(|b| b.is_ascii_digit()) {
            self.report(
                Diagnostic::warning(
                    "cue.bad-catalog",
                    format!("CATALOG `{value}` is not 13 digits"),
                )
                .at_sheet(at.line, at.column),
            );
        }
        self.sheet.catalog = Some((value, at));
    }

    fn file(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        let (name_token, kind_token) = match args {
            [name, kind] => (name, Some(kind)),
            [name] => (name, None),
            [] => {
                self.report(
                    Diagnostic::error("cue.file-no-name", "FILE needs a file name and a type")
                        .at_sheet(at.line, at.column),
                );
                return;
            }
            [.., kind] => {
                // An unquoted name with spaces: everything before the type.
                let joined_end = args.len() - 1;
                let name: Vec<&str> = args
                    .get(..joined_end)
                    .unwrap_or_default()
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect();
                let first = args.first().unwrap_or(kind);
                self.report(
                    Diagnostic::warning(
                        "cue.unquoted-name",
                        "a file name with spaces must be quoted",
                    )
                    .at_sheet(first.line, first.column)
                    .suggest(format!(
                        "write FILE \"{}\" {}",
                        name.join(" "),
                        kind.text
                    )),
                );
                let merged = Token {
                    text: name.join(" "),
                    ..first.clone()
                };
                self.push_file(at, &merged, Some(kind));
                return;
            }
        };
        self.push_file(at, name_token, kind_token);
    }

    fn push_file(&mut self, at: Span, name: &Token, kind: Option<&Token>) {
        let kind = match kind {
            None => {
                self.report(
                    Diagnostic::warning("cue.file-no-type", "FILE has no type; BINARY assumed")
                        .at_sheet(at.line, at.column),
                );
                FileKind::Binary
            }
            Some(token) => FileKind::from_name(&token.text).unwrap_or_else(|| {
                self.report(
                    Diagnostic::warning(
                        "cue.file-type-unknown",
                        format!("unknown FILE type `{}`; BINARY assumed", token.text),
                    )
                    .at_sheet(token.line, token.column)
                    .suggest("use BINARY, MOTOROLA, WAVE, AIFF or MP3"),
                );
                FileKind::Binary
            }),
        };
        self.sheet.files.push(FileLine {
            name: name.text.clone(),
            kind,
            span: at,
            name_span: Span::of(name),
        });
    }

    fn track(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        if args.len() != 2 {
            self.arg_count(command, "a number and a mode", args.len());
        }
        let number = match args.first().map(|t| t.text.parse::<u32>()) {
            Some(Ok(n)) if (1..=99).contains(&n) => n as u8,
            Some(Ok(n)) => {
                self.report(
                    Diagnostic::error(
                        "cue.track-number-range",
                        format!("TRACK {n}: track numbers run from 1 to 99"),
                    )
                    .at_sheet(at.line, at.column),
                );
                return;
            }
            _ => {
                self.report(
                    Diagnostic::error("cue.track-number", "TRACK needs a number from 1 to 99")
                        .at_sheet(at.line, at.column),
                );
                return;
            }
        };
        let mode = match args.get(1) {
            Some(token) => match TrackMode::from_cue_name(&token.text) {
                Some(mode) => mode,
                None => {
                    self.report(
                        Diagnostic::error(
                            "cue.unknown-mode",
                            format!("TRACK {number:02} {}: unknown track mode", token.text),
                        )
                        .at_sheet(token.line, token.column)
                        .suggest("modes are AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2048, MODE2/2324, MODE2/2336, MODE2/2352, CDI/2336 and CDI/2352"),
                    );
                    return;
                }
            },
            None => {
                self.report(
                    Diagnostic::error(
                        "cue.track-no-mode",
                        format!("TRACK {number:02} has no mode"),
                    )
                    .at_sheet(at.line, at.column),
                );
                return;
            }
        };
        self.track_sequence(number, at);
        let session = self.session;
        let Some(file) = self.sheet.files.len().checked_sub(1) else {
            self.report(
                Diagnostic::error("cue.track-before-file", "TRACK comes before any FILE")
                    .at_sheet(at.line, at.column)
                    .suggest("put a FILE line naming the data above the first TRACK"),
            );
            return;
        };
        self.sheet.tracks.push(TrackBlock {
            number,
            file,
            mode,
            span: at,
            session,
            indexes: Vec::new(),
            pregap: None,
            postgap: None,
            flags: TrackFlags::default(),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        });
    }

    /// Track numbers rise by one (the first may be above 1). A repeated or
    /// falling number makes "track N" ambiguous; a skipped one only odd.
    fn track_sequence(&mut self, number: u8, at: Span) {
        let Some(previous) = self.sheet.tracks.last().map(|t| t.number) else {
            return;
        };
        let expected = previous.saturating_add(1);
        if number <= previous {
            self.report(
                Diagnostic::error(
                    "cue.track-order",
                    format!(
                        "TRACK {number:02} follows TRACK {previous:02}; track numbers must rise"
                    ),
                )
                .at_sheet(at.line, at.column)
                .suggest(format!("number this track {expected:02}")),
            );
        } else if number != expected {
            self.report(
                Diagnostic::warning(
                    "cue.track-number-gap",
                    format!("TRACK {number:02} follows TRACK {previous:02}; track numbers should rise by one"),
                )
                .at_sheet(at.line, at.column)
                .suggest(format!("number this track {expected:02}")),
            );
        }
    }

    fn no_track(&mut self, command: &Token) {
        self.report(
            Diagnostic::error(
                "cue.outside-track",
                format!(
                    "{} comes before any TRACK",
                    command.text.to_ascii_uppercase()
                ),
            )
            .at_sheet(command.line, command.column),
        );
    }

    fn time(&mut self, command: &Token, token: Option<&Token>) -> Option<Msf> {
        let Some(token) = token else {
            self.arg_count(command, "a time mm:ss:ff", 0);
            return None;
        };
        match token.text.parse::<Msf>() {
            Ok(time) => Some(time),
            Err(error) => {
                self.report(
                    Diagnostic::error(
                        "cue.bad-time",
                        format!(
                            "{} {}: {error}",
                            command.text.to_ascii_uppercase(),
                            token.text
                        ),
                    )
                    .at_sheet(token.line, token.column),
                );
                None
            }
        }
    }

    fn index(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        if args.len() != 2 {
            self.arg_count(command, "a number and a time", args.len());
        }
        let number = match args.first().map(|t| t.text.parse::<u8>()) {
            Some(Ok(n)) if n <= 99 => n,
            _ => {
                let shown = args.first().map_or("", |t| t.text.as_str());
                self.report(
                    Diagnostic::error(
                        "cue.bad-index-number",
                        format!("INDEX {shown}: index numbers run from 0 to 99"),
                    )
                    .at_sheet(at.line, at.column),
                );
                return;
            }
        };
        let Some(time) = args.get(1).map(|t| (t, t.text.parse::<Msf>())) else {
            self.arg_count(command, "a number and a time", args.len());
            return;
        };
        let time = match time {
            (_, Ok(time)) => time,
            (token, Err(error)) => {
                self.report(
                    Diagnostic::error(
                        "cue.bad-time",
                        format!("INDEX {number:02} {}: {error}", token.text),
                    )
                    .at_sheet(token.line, token.column),
                );
                return;
            }
        };
        if self.current_track().is_none() {
            self.no_track(command);
            return;
        }
        let mut problem = None;
        let file = self.sheet.files.len().saturating_sub(1);
        if let Some(track) = self.current_track() {
            if track.indexes.iter().any(|i| i.number == number) {
                problem = Some((
                    "cue.duplicate-index",
                    format!("INDEX {number:02} is given twice"),
                ));
            } else if let Some(last) = track.indexes.last() {
                if number < last.number {
                    problem = Some((
                        "cue.index-order",
                        format!("INDEX {number:02} comes after INDEX {:02}", last.number),
                    ));
                } else if last.file == file && time <= last.time {
                    problem = Some((
                        "cue.index-not-increasing",
                        format!(
                            "INDEX {number:02} at {time} is not after INDEX {:02} at {}",
                            last.number, last.time
                        ),
                    ));
                }
            }
            if problem.is_none() {
                track.indexes.push(IndexLine {
                    number,
                    file,
                    time,
                    span: at,
                });
            }
        }
        if let Some((code, message)) = problem {
            self.report(Diagnostic::error(code, message).at_sheet(at.line, at.column));
        }
    }

    fn gap(&mut self, command: &Token, args: &[Token], pregap: bool) {
        let at = Span::of(command);
        let Some(time) = self.time(command, args.first()) else {
            return;
        };
        let name = if pregap { "PREGAP" } else { "POSTGAP" };
        let Some(track) = self.current_track() else {
            self.no_track(command);
            return;
        };
        let slot = if pregap {
            &mut track.pregap
        } else {
            &mut track.postgap
        };
        let duplicate = slot.is_some();
        *slot = Some((time, at));
        if duplicate {
            self.report(
                Diagnostic::warning(
                    "cue.duplicate-gap",
                    format!("{name} is given twice; the last one counts"),
                )
                .at_sheet(at.line, at.column),
            );
        }
    }

    fn flags(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        let mut unknown = Vec::new();
        let Some(track) = self.current_track() else {
            self.no_track(command);
            return;
        };
        let duplicate = track.flags != TrackFlags::default();
        for arg in args {
            if !track.flags.set(&arg.text) {
                unknown.push(arg.clone());
            }
        }
        if duplicate {
            self.report(
                Diagnostic::warning("cue.duplicate-flags", "FLAGS is given twice for this track")
                    .at_sheet(at.line, at.column),
            );
        }
        for arg in unknown {
            self.report(
                Diagnostic::warning("cue.unknown-flag", format!("unknown flag `{}`", arg.text))
                    .at_sheet(arg.line, arg.column)
                    .suggest("flags are DCP, 4CH, PRE and SCMS"),
            );
        }
    }

    fn isrc(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        let Some(value) = self.one_arg(command, args) else {
            return;
        };
        let Some(track) = self.current_track() else {
            self.no_track(command);
            return;
        };
        let duplicate = track.isrc.is_some();
        track.isrc = Some((value.clone(), at));
        if duplicate {
            self.report(
                Diagnostic::warning("cue.duplicate-isrc", "ISRC is given twice for this track")
                    .at_sheet(at.line, at.column),
            );
        }
        if !is_isrc(&value) {
            self.report(
                Diagnostic::warning(
                    "cue.bad-isrc",
                    format!("ISRC `{value}` is not of the form CCOOOYYSSSSS"),
                )
                .at_sheet(at.line, at.column),
            );
        }
    }

    fn cd_text(&mut self, command: &Token, args: &[Token]) {
        let field = command.text.to_ascii_uppercase();
        let value: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
        let value = value.join(" ");
        if args.len() > 1 && args.first().is_some_and(|t| !t.quoted) {
            self.report(
                Diagnostic::info(
                    "cue.unquoted-text",
                    format!("{field} text with spaces is usually quoted"),
                )
                .at_sheet(command.line, command.column),
            );
        }
        let fields = match self.current_track() {
            Some(track) => &mut track.cd_text.fields,
            None => &mut self.sheet.cd_text.fields,
        };
        fields.push((field, value));
    }
}

/// `CCOOOYYSSSSS`: country and owner alphanumeric, year and serial digits.
pub fn is_isrc(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 12
        && bytes.iter().take(5).all(u8::is_ascii_alphanumeric)
        && bytes.iter().skip(5).all(u8::is_ascii_digit)
}

/// The known command nearest to a misspelt one, if any is close.
pub fn closest_command(word: &str) -> Option<&'static str> {
    COMMANDS
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let cost = usize::from(ca != *cb);
            let value = (previous + cost).min(above + 1).min(left + 1);
            previous = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Sheet {
        Sheet::parse_bytes(text.as_bytes())
    }

    #[test]
    fn parses_a_full_sheet() {
        let sheet = parse(
            "REM GENRE Rock\nCATALOG 0000012101954\nTITLE \"Disc\"\nFILE \"a b.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    FLAGS DCP PRE\n    ISRC USRC17607839\n    TITLE \"Song\"\n    PREGAP 00:02:00\n    INDEX 01 00:10:00\n    INDEX 02 00:12:00\n    POSTGAP 00:01:00\n",
        );
        assert!(sheet.diagnostics.is_empty(), "{:?}", sheet.diagnostics);
        assert_eq!(sheet.catalog.as_ref().unwrap().0, "0000012101954");
        assert_eq!(sheet.rem[0].text, "GENRE Rock");
        assert_eq!(sheet.files[0].name, "a b.bin");
        let t2 = &sheet.tracks[1];
        assert_eq!(t2.mode, TrackMode::Audio);
        assert_eq!(t2.flags.names(), ["DCP", "PRE"]);
        assert_eq!(t2.pregap.unwrap().0.frames(), 150);
        assert_eq!(t2.postgap.unwrap().0.frames(), 75);
        assert_eq!(t2.indexes.len(), 2);
        assert_eq!(t2.cd_text.get("title"), Some("Song"));
        assert_eq!(t2.span, Span { line: 7, column: 3 });
    }

    #[test]
    fn keeps_going_past_bad_lines() {
        let sheet = parse(
            "FILE x.bin BINARY\nTRACK 01 MODE1/2352\nINDX 01 00:00:00\nINDEX 01 00:03:75\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:04:00\n",
        );
        let codes: Vec<_> = sheet
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line()))
            .collect();
        assert_eq!(
            codes,
            [("cue.unknown-command", Some(3)), ("cue.bad-time", Some(4))]
        );
        assert_eq!(
            sheet.diagnostics[0].suggestion.as_deref(),
            Some("did you mean `INDEX`?")
        );
        assert_eq!(
            sheet.diagnostics[1].message,
            "INDEX 01 00:03:75: frame must be below 75"
        );
        assert_eq!(sheet.diagnostics[1].column(), Some(10));
        assert_eq!(sheet.tracks.len(), 2);
    }

    #[test]
    fn sessions_and_lead_out() {
        let sheet = parse(
            "REM SESSION 01\nFILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nREM LEAD-OUT 00:10:00\nREM SESSION 02\nFILE b.bin BINARY\nTRACK 02 MODE1/2352\nINDEX 01 00:00:00\n",
        );
        let sessions: Vec<_> = sheet.tracks.iter().map(|t| t.session).collect();
        assert_eq!(sessions, [1, 2]);
        assert_eq!(sheet.lead_outs, [(1, "00:10:00".parse().unwrap())]);
    }

    #[test]
    fn track_numbers_must_rise() {
        let codes = |text: &str| {
            parse(text)
                .diagnostics
                .iter()
                .map(|d| (d.code, d.line()))
                .collect::<Vec<_>>()
        };
        let head = "FILE a.bin BINARY\nTRACK 04 AUDIO\nINDEX 01 00:00:00\n";
        assert_eq!(
            codes(&format!("{head}TRACK 05 AUDIO\nINDEX 01 00:01:00\n")),
            []
        );
        assert_eq!(
            codes(&format!("{head}TRACK 04 AUDIO\nINDEX 01 00:01:00\n")),
            [("cue.track-order", Some(4))]
        );
        assert_eq!(
            codes(&format!("{head}TRACK 02 AUDIO\nINDEX 01 00:01:00\n")),
            [("cue.track-order", Some(4))]
        );
        assert_eq!(
            codes(&format!("{head}TRACK 07 AUDIO\nINDEX 01 00:01:00\n")),
            [("cue.track-number-gap", Some(4))]
        );
    }

    #[test]
    fn misplaced_and_malformed_commands() {
        let sheet = parse(
            "TRACK 01 AUDIO\nINDEX 01 00:00:00\nFILE a.bin\nTRACK 100 AUDIO\nTRACK 02 MODE3\nINDEX -1 00:00:00\n",
        );
        let codes: Vec<_> = sheet.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "cue.track-before-file",
                "cue.outside-track",
                "cue.file-no-type",
                "cue.track-number-range",
                "cue.unknown-mode",
                "cue.bad-index-number",
            ]
        );
    }
}
