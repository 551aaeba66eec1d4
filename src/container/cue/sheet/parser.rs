//! The line-by-line parser behind [`Sheet::parse`]: one method per command,
//! each recording a diagnostic and going on when a line is wrong.

use super::{
    CD_TEXT_FIELDS, COMMANDS, DeclaredMode, FileKind, FileLine, IndexLine, LAYOUT_COMMANDS,
    RemLine, Sheet, Span, TrackBlock,
};
use crate::container::cue::text::{Token, replace_word};
use crate::diagnostic::{Diagnostic, Fix};
use crate::medium::{CdText, TrackFlags, TrackMode};
use crate::units::Msf;

/// What EAC writes as the mode of a data track it did not extract.
const EAC_PLACEHOLDER: &str = "MODEx/2xxx";

pub(super) struct Parser {
    pub(super) sheet: Sheet,
    pub(super) session: u8,
    /// The last TRACK line could not open a track (reported there): the
    /// lines below it until the next TRACK are its, not the previous
    /// track's, and not "outside any track".
    pub(super) broken_track: bool,
    /// A FILE line could not be read (reported there): a TRACK without a
    /// FILE is its consequence.
    pub(super) broken_file: bool,
}

impl Parser {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.sheet.diagnostics.push(diagnostic);
    }

    fn current_track(&mut self) -> Option<&mut TrackBlock> {
        if self.broken_track {
            return None;
        }
        self.sheet.tracks.last_mut()
    }

    pub(super) fn line(&mut self, tokens: &[Token]) {
        if let Some((command, args)) = tokens.split_first() {
            self.command(command, args);
        }
    }

    fn command(&mut self, command: &Token, args: &[Token]) {
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
            "TRACK" => {
                self.track(command, args);
                if self.broken_track {
                    self.sheet.unopened_tracks.push(at);
                }
            }
            "INDEX" => self.index(command, args),
            "PREGAP" | "POSTGAP" => self.gap(command, args, name == "PREGAP"),
            "FLAGS" => self.flags(command, args),
            "ISRC" => self.isrc(command, args),
            field if CD_TEXT_FIELDS.contains(&field) => self.cd_text(command, args),
            _ => self.unknown(command, args, &name),
        }
    }

    /// A word that is no command. Close to one, the fix rewrites it; close
    /// to one that places sectors, it is an error (other programs stop or
    /// skip it) and the line is read as that command, as `fix` will write
    /// it, so the lines after it are not misread: a TRAKC line's INDEX
    /// lines are not the previous track's. Any other unknown line is
    /// skipped.
    fn unknown(&mut self, command: &Token, args: &[Token], name: &str) {
        let close = closest_command(name);
        let places = close.filter(|c| LAYOUT_COMMANDS.contains(c));
        let message = format!("unknown command `{}`", command.text);
        let mut diagnostic = if places.is_some() {
            Diagnostic::error("cue.unknown-command", message)
        } else {
            Diagnostic::warning("cue.unknown-command", message)
        }
        .at_sheet(command.line, command.column);
        if let Some(close) = close {
            diagnostic = diagnostic.suggest(format!("did you mean `{close}`?"));
            let line = self.sheet.text.lines.get(command.line.saturating_sub(1));
            if let Some(line) = line {
                diagnostic = diagnostic.with_fix(Fix {
                    line: command.line,
                    replacement: replace_word(line, command.column, close),
                });
            }
        }
        self.report(diagnostic);
        if let Some(close) = places {
            let read_as = Token {
                text: close.to_owned(),
                ..command.clone()
            };
            self.command(&read_as, args);
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
        if self.broken_track {
            return;
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
                self.broken_file = true;
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
        self.broken_file = false;
        self.sheet.files.push(FileLine {
            name: name.text.clone(),
            kind,
            span: at,
            name_span: Span::of(name),
        });
    }

    fn track(&mut self, command: &Token, args: &[Token]) {
        let at = Span::of(command);
        // Until the track is opened below.
        self.broken_track = true;
        // Fewer arguments are said below, naming the one that is missing.
        if args.len() > 2 {
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
        // A mode that cannot be used still opens the track (not laid out),
        // so its INDEX lines are not taken for the previous track's.
        let mode = match args.get(1) {
            Some(token) => match TrackMode::from_cue_name(&token.text) {
                Some(mode) => DeclaredMode::Known(mode),
                None if token.text.eq_ignore_ascii_case(EAC_PLACEHOLDER) => {
                    self.report(
                        Diagnostic::warning(
                            "cue.data-not-extracted",
                            format!("TRACK {number:02} {}: EAC's placeholder for a data track it did not extract; the image holds nothing for it", token.text),
                        )
                        .at_sheet(token.line, token.column)
                        .suggest("the other tracks are read without it; remove its lines before burning, or extract the data track and declare its mode"),
                    );
                    DeclaredMode::NotExtracted
                }
                None => {
                    self.report(
                        Diagnostic::error(
                            "cue.unknown-mode",
                            format!("TRACK {number:02} {}: unknown track mode", token.text),
                        )
                        .at_sheet(token.line, token.column)
                        .suggest("modes are AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2048, MODE2/2324, MODE2/2336, MODE2/2352, CDI/2336 and CDI/2352"),
                    );
                    DeclaredMode::Unknown
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
                DeclaredMode::Unknown
            }
        };
        self.track_sequence(number, at);
        let session = self.session;
        let Some(file) = self.sheet.files.len().checked_sub(1) else {
            if !self.broken_file {
                self.report(
                    Diagnostic::error("cue.track-before-file", "TRACK comes before any FILE")
                        .at_sheet(at.line, at.column)
                        .suggest("put a FILE line naming the data above the first TRACK"),
                );
            }
            return;
        };
        self.broken_track = false;
        self.sheet.tracks.push(TrackBlock {
            number,
            file,
            mode,
            span: at,
            session,
            indexes: Vec::new(),
            unread_indexes: Vec::new(),
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
        if self.broken_track {
            return;
        }
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
                self.unread_index(None, at);
                return;
            }
        };
        let Some(time) = args.get(1).map(|t| (t, t.text.parse::<Msf>())) else {
            self.unread_index(Some(number), at);
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
                self.unread_index(Some(number), at);
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
            if problem.is_some() {
                track.unread_indexes.push((Some(number), at));
            } else {
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

    /// Notes an INDEX line of the current track that could not be read.
    fn unread_index(&mut self, number: Option<u8>, at: Span) {
        if let Some(track) = self.current_track() {
            track.unread_indexes.push((number, at));
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
        if self.broken_track {
            return;
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

/// The number of single-character edits between two words.
pub fn edit_distance(a: &str, b: &str) -> usize {
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
