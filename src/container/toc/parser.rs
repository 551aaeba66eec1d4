//! The toc grammar, statement by statement. A statement that does not read
//! is reported with its line and column, and reading goes on at the next
//! keyword.
//!
//! Sources: the cdrdao manual (TOC FILES: the header, track specifications,
//! CD-TEXT blocks) and cdrdao's grammar, whose checks (catalog of 13
//! digits, ISRC form, statement order, positions inside the track) the
//! findings follow.

mod cd_text;
mod track;

use crate::container::cue::sheet::{Span, edit_distance, is_isrc};
use crate::container::cue::text::SheetText;
use crate::container::dialect;
use crate::container::toc::lexer::{self, TocToken, TokenKind};
use crate::container::toc::mode::DiscType;
use crate::container::toc::sheet::{Amount, TocSheet};
use crate::diagnostic::Diagnostic;

/// Every keyword that starts a statement.
pub const STATEMENTS: [&str; 24] = [
    "CATALOG",
    "CD_DA",
    "CD_ROM",
    "CD_ROM_XA",
    "CD_I",
    "CD_TEXT",
    "TRACK",
    "ISRC",
    "NO",
    "COPY",
    "PRE_EMPHASIS",
    "TWO_CHANNEL_AUDIO",
    "FOUR_CHANNEL_AUDIO",
    "PREGAP",
    "FILE",
    "AUDIOFILE",
    "DATAFILE",
    "FIFO",
    "SILENCE",
    "ZERO",
    "START",
    "END",
    "INDEX",
    "SWAP",
];

/// After this many findings the rest of the file is not read: a file that
/// wrong is not a toc, and a hostile one must not flood the report.
pub const MAX_FINDINGS: usize = 1000;

/// The most blocks a length may count (about 370 hours): beyond it no
/// disc exists, and bounding it keeps every later sum far from overflow.
pub const MAX_BLOCKS: u64 = 100_000_000;
/// The most bytes a length or offset may count.
pub const MAX_BYTES: u64 = 1 << 50;

pub(super) fn parse(text: SheetText) -> TocSheet {
    let mut diagnostics = Vec::new();
    let tokens = lexer::tokens(&text, &mut diagnostics);
    let mut parser = Parser {
        tokens,
        at: 0,
        phase: 0,
        sheet: TocSheet {
            text,
            disc_type: None,
            catalog: None,
            language_map: Vec::new(),
            cd_text: Vec::new(),
            tracks: Vec::new(),
            diagnostics,
        },
    };
    parser.run();
    parser.sheet
}

pub(super) struct Parser {
    tokens: Vec<TocToken>,
    at: usize,
    /// How far the current track has got: 0 flags, 1 CD-TEXT, 2 PREGAP,
    /// 3 data statements, 4 INDEX statements.
    phase: u8,
    pub(super) sheet: TocSheet,
}

impl Parser {
    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        if self.sheet.diagnostics.len() + 1 >= MAX_FINDINGS {
            if self.at < self.tokens.len() {
                let (line, column) = (diagnostic.line(), diagnostic.column());
                let mut last = Diagnostic::error(
                    "toc.too-many-findings",
                    format!("over {MAX_FINDINGS} findings; the rest of the file is not read"),
                );
                if let (Some(line), Some(column)) = (line, column) {
                    last = last.at_sheet(line, column);
                }
                self.sheet.diagnostics.push(last);
                self.at = self.tokens.len();
            }
            return;
        }
        self.sheet.diagnostics.push(diagnostic);
    }

    pub(super) fn peek(&self) -> Option<&TocToken> {
        self.tokens.get(self.at)
    }

    pub(super) fn next(&mut self) -> Option<TocToken> {
        let token = self.tokens.get(self.at).cloned()?;
        self.at += 1;
        // A TRACK line begins the next block, not the current one.
        let opens_track = token.kind == TokenKind::Word && token.text.eq_ignore_ascii_case("TRACK");
        if let Some(track) = self.sheet.tracks.last_mut().filter(|_| !opens_track) {
            track.last_line = track.last_line.max(token.span.line);
        }
        Some(token)
    }

    /// Takes the next token when `accept` likes it.
    pub(super) fn take_if(&mut self, accept: impl Fn(&TocToken) -> bool) -> Option<TocToken> {
        if self.peek().is_some_and(accept) {
            self.next()
        } else {
            None
        }
    }

    /// The keyword a word stands for: exactly, or in another letter case
    /// (reported: cdrdao reads keywords in upper case only).
    pub(super) fn keyword(
        &mut self,
        token: &TocToken,
        words: &[&'static str],
    ) -> Option<&'static str> {
        if token.kind != TokenKind::Word {
            return None;
        }
        if let Some(word) = words.iter().find(|w| **w == token.text) {
            return Some(word);
        }
        let word = words.iter().find(|w| w.eq_ignore_ascii_case(&token.text))?;
        self.report(
            Diagnostic::error(
                "toc.keyword-case",
                format!(
                    "`{}` is written in lower case; cdrdao reads only `{word}`",
                    token.text
                ),
            )
            .at_sheet(token.span.line, token.span.column)
            .suggest(format!("write `{word}`")),
        );
        Some(word)
    }

    /// Whether `token` starts a statement (in any letter case).
    fn starts_statement(token: &TocToken) -> bool {
        token.kind == TokenKind::Word
            && STATEMENTS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&token.text))
    }

    /// Skips to the next token that starts a statement.
    pub(super) fn recover(&mut self) {
        while self.peek().is_some_and(|t| !Parser::starts_statement(t)) {
            self.next();
        }
    }

    /// Reports a statement that does not read, then goes on at the next
    /// statement.
    pub(super) fn syntax(&mut self, at: Span, message: String) {
        self.report(Diagnostic::error("toc.syntax", message).at_sheet(at.line, at.column));
        self.recover();
    }

    fn run(&mut self) {
        while let Some(token) = self.next() {
            let Some(word) = self.keyword(&token, &STATEMENTS) else {
                self.unknown(&token);
                continue;
            };
            match word {
                "CATALOG" | "CD_DA" | "CD_ROM" | "CD_ROM_XA" | "CD_I" | "CD_TEXT"
                    if !self.sheet.tracks.is_empty() =>
                {
                    if word == "CD_TEXT" {
                        self.track_cd_text(&token);
                    } else {
                        self.report(
                            Diagnostic::error(
                                "toc.global-after-track",
                                format!("{word} belongs before the first TRACK"),
                            )
                            .at_sheet(token.span.line, token.span.column),
                        );
                        self.global(word, &token);
                    }
                }
                "CATALOG" | "CD_DA" | "CD_ROM" | "CD_ROM_XA" | "CD_I" | "CD_TEXT" => {
                    self.global(word, &token)
                }
                "TRACK" => self.track(&token),
                _ if self.sheet.tracks.is_empty() => {
                    self.report(
                        Diagnostic::error(
                            "toc.outside-track",
                            format!("{word} comes before any TRACK"),
                        )
                        .at_sheet(token.span.line, token.span.column)
                        .suggest("start the track with `TRACK mode` above it"),
                    );
                    self.recover();
                }
                _ => self.track_statement(word, &token),
            }
        }
    }

    /// A word that is no keyword at the start of a statement.
    fn unknown(&mut self, token: &TocToken) {
        let mut diagnostic = Diagnostic::error(
            "toc.unknown-keyword",
            format!("`{}` is not a toc statement", token.shown()),
        )
        .at_sheet(token.span.line, token.span.column);
        if token.kind == TokenKind::Word
            && let Some(close) = closest(&token.text.to_ascii_uppercase())
        {
            diagnostic = diagnostic.suggest(format!("did you mean `{close}`?"));
        }
        self.report(diagnostic);
        self.recover();
    }

    /// Header statements: the disc type, CATALOG, the disc's CD-TEXT.
    fn global(&mut self, word: &'static str, token: &TocToken) {
        let at = token.span;
        match word {
            "CATALOG" => {
                let value = match self.peek().map(|t| t.kind) {
                    Some(TokenKind::Text) => self.next().map(|t| t.text),
                    Some(TokenKind::Number) => {
                        let value = self.next().map(|t| t.text);
                        self.report(
                            Diagnostic::error(
                                "toc.unquoted-catalog",
                                "the catalog number must be quoted",
                            )
                            .at_sheet(at.line, at.column)
                            .suggest("write CATALOG \"ddddddddddddd\""),
                        );
                        value
                    }
                    _ => {
                        self.syntax(at, "CATALOG needs a quoted 13-digit number".into());
                        return;
                    }
                };
                let value = value.unwrap_or_default();
                if value.len() != 13 || !value.bytes().all(|b| b.is_ascii_digit()) {
                    self.report(
                        Diagnostic::error(
                            dialect::Dialect::Toc.code(dialect::BAD_CATALOG),
                            format!("CATALOG `{value}` is not 13 digits"),
                        )
                        .at_sheet(at.line, at.column),
                    );
                }
                if self.sheet.catalog.is_some() {
                    self.report(
                        Diagnostic::warning(
                            "toc.duplicate",
                            "CATALOG is given twice; the last one counts",
                        )
                        .at_sheet(at.line, at.column),
                    );
                }
                self.sheet.catalog = Some((value, at));
            }
            "CD_TEXT" => self.global_cd_text(token),
            _ => {
                if let Some(kind) = DiscType::from_word(word) {
                    self.sheet.disc_type = Some((kind, at));
                }
            }
        }
    }

    /// A number token's value, reporting one too large.
    pub(super) fn number(&mut self, token: &TocToken) -> Option<u64> {
        match token.text.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.report(
                    Diagnostic::error("toc.syntax", format!("`{}` is too large", token.text))
                        .at_sheet(token.span.line, token.span.column),
                );
                None
            }
        }
    }

    /// `mm:ss:ff` after its first number (`first`), in blocks.
    fn msf_after(&mut self, first: &TocToken) -> Option<u64> {
        let mut parts = vec![first.clone()];
        for _ in 0..2 {
            if self.take_if(|t| t.kind == TokenKind::Colon).is_none() {
                self.syntax(first.span, "a time is written mm:ss:ff".into());
                return None;
            }
            match self.take_if(|t| t.kind == TokenKind::Number) {
                Some(t) => parts.push(t),
                None => {
                    let shown = self
                        .peek()
                        .map_or("the end".into(), |t| format!("`{}`", t.shown()));
                    self.syntax(
                        first.span,
                        format!("a time is written mm:ss:ff; found {shown}"),
                    );
                    return None;
                }
            }
        }
        let [m, s, f] = parts.as_slice() else {
            return None;
        };
        let (Ok(minutes), Ok(seconds), Ok(frames)) = (
            m.text.parse::<u64>(),
            s.text.parse::<u64>(),
            f.text.parse::<u64>(),
        ) else {
            self.report(
                Diagnostic::error("toc.syntax", "this time is too large")
                    .at_sheet(first.span.line, first.span.column),
            );
            return None;
        };
        let shown = format!("{}:{}:{}", m.text, s.text, f.text);
        let problem = if seconds >= 60 {
            Some((s, "seconds must be below 60"))
        } else if frames >= 75 {
            Some((f, "frames must be below 75"))
        } else {
            None
        };
        let blocks = minutes
            .checked_mul(4500)
            .and_then(|b| b.checked_add(seconds * 75 + frames))
            .filter(|&b| b <= MAX_BLOCKS);
        let problem = problem.or(blocks.is_none().then_some((m, "longer than any disc")));
        if let Some((part, what)) = problem {
            self.report(
                Diagnostic::error(
                    dialect::Dialect::Toc.code(dialect::BAD_TIME),
                    format!("{shown}: {what}"),
                )
                .at_sheet(part.span.line, part.span.column),
            );
            return None;
        }
        blocks
    }

    /// A time `mm:ss:ff` (blocks); `owner` is the statement needing it.
    pub(super) fn msf(&mut self, owner: &TocToken) -> Option<u64> {
        match self.take_if(|t| t.kind == TokenKind::Number) {
            Some(first) => self.msf_after(&first),
            None => {
                let word = owner.text.to_ascii_uppercase();
                self.syntax(owner.span, format!("{word} needs a time mm:ss:ff"));
                None
            }
        }
    }

    /// A length or position: `mm:ss:ff` or a plain number.
    pub(super) fn amount(&mut self, owner: &TocToken, what: &str) -> Option<Amount> {
        let Some(first) = self.take_if(|t| t.kind == TokenKind::Number) else {
            let word = owner.text.to_ascii_uppercase();
            let shown = self
                .peek()
                .map_or("the end".into(), |t| format!("`{}`", t.shown()));
            self.syntax(owner.span, format!("{word} needs {what}; found {shown}"));
            return None;
        };
        if self.peek().is_some_and(|t| t.kind == TokenKind::Colon) {
            return self.msf_after(&first).map(Amount::Blocks);
        }
        let n = self.number(&first)?;
        if n > MAX_BYTES {
            self.report(
                Diagnostic::error("toc.syntax", format!("{n} is larger than any disc"))
                    .at_sheet(first.span.line, first.span.column),
            );
            return None;
        }
        Some(Amount::Number(n))
    }

    /// Whether a number starts next (an optional amount follows).
    pub(super) fn number_next(&self) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Number)
    }

    /// A quoted string; `owner` is the statement needing it.
    pub(super) fn string(&mut self, owner: &TocToken, what: &str) -> Option<TocToken> {
        if let Some(text) = self.take_if(|t| t.kind == TokenKind::Text) {
            return Some(text);
        }
        let word = owner.text.to_ascii_uppercase();
        self.syntax(owner.span, format!("{word} needs {what} in double quotes"));
        None
    }

    /// Checks an ISRC code's form.
    pub(super) fn check_isrc(&mut self, value: &str, at: Span) {
        if !is_isrc(value) {
            self.report(
                Diagnostic::error(
                    dialect::Dialect::Toc.code(dialect::BAD_ISRC),
                    format!("ISRC `{value}` is not of the form CCOOOYYSSSSS"),
                )
                .at_sheet(at.line, at.column),
            );
        }
    }
}

/// The keyword nearest to a misspelt one, if any is close.
pub fn closest(word: &str) -> Option<&'static str> {
    STATEMENTS
        .into_iter()
        .chain(crate::container::toc::mode::TOC_MODES.map(|m| m.as_str()))
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests;
