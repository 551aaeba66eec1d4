//! `CD_TEXT { LANGUAGE_MAP { n : code ... } LANGUAGE n { ITEM value ... } }`
//! for the disc and for each track.
//!
//! Sources: the cdrdao manual (CD-TEXT Blocks: the language map with codes
//! 0..255 or EN, up to 8 languages, items and their values, string or
//! binary `{ 0, 10, 255 }`), Red Book annex J (pack types 0x80-0x8F; disc
//! information, genre, TOC and size packs belong to the disc, not a track).

use super::Parser;
use crate::container::dialect::{self, Dialect};
use crate::container::toc::lexer::{TocToken, TokenKind};
use crate::container::toc::sheet::{CdTextItem, CdTextValue};
use crate::diagnostic::Diagnostic;

/// Every item a language block may hold, in pack type order.
pub const ITEMS: [&str; 18] = [
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "DISC_ID",
    "GENRE",
    "TOC_INFO1",
    "TOC_INFO2",
    "RESERVED1",
    "RESERVED2",
    "RESERVED3",
    "RESERVED4",
    "CLOSED",
    "UPC_EAN",
    "ISRC",
    "SIZE_INFO",
];

/// Items only the disc's block may hold (pack types 0x86-0x89, 0x8F).
const DISC_ONLY: [&str; 5] = ["DISC_ID", "GENRE", "TOC_INFO1", "TOC_INFO2", "SIZE_INFO"];

/// The `ENCODING_*` words newer cdrdao reads in a language block.
const ENCODINGS: [&str; 5] = [
    "ENCODING_ISO_8859_1",
    "ENCODING_ASCII",
    "ENCODING_MS_JIS",
    "ENCODING_KOREAN",
    "ENCODING_MANDARIN",
];

/// The most bytes of binary data in one item (cdrdao's limit).
pub const MAX_BINARY: usize = 256 * 12;

/// CD-TEXT strings longer than this are cut or refused by writers.
const CD_TEXT_MAX: usize = 80;

impl Parser {
    /// The disc's CD_TEXT block.
    pub(super) fn global_cd_text(&mut self, token: &TocToken) {
        let items = self.cd_text(token, true);
        self.sheet.cd_text.extend(items);
    }

    /// A track's CD_TEXT block.
    pub(super) fn track_cd_text(&mut self, token: &TocToken) {
        let items = self.cd_text(token, false);
        if let Some(track) = self.sheet.tracks.last_mut() {
            track.cd_text.extend(items);
        }
    }

    /// An opening brace, or a finding.
    fn open(&mut self, owner: &TocToken) -> bool {
        if self.take_if(|t| t.kind == TokenKind::Open).is_some() {
            return true;
        }
        self.syntax(owner.span, format!("{} is followed by `{{`", owner.text));
        false
    }

    /// Reports a `{` after `owner` that a statement or the end of the file
    /// comes before the closing of.
    fn unclosed(&mut self, owner: &TocToken) {
        self.report(
            Diagnostic::error(
                "toc.unclosed-brace",
                format!("the `{{` after {} is never closed", owner.text),
            )
            .at_sheet(owner.span.line, owner.span.column),
        );
    }

    fn cd_text(&mut self, token: &TocToken, global: bool) -> Vec<CdTextItem> {
        let mut items = Vec::new();
        if !self.open(token) {
            return items;
        }
        loop {
            let Some(next) = self.peek().cloned() else {
                self.unclosed(token);
                break;
            };
            if next.kind == TokenKind::Close {
                self.next();
                break;
            }
            if next.is("LANGUAGE_MAP") {
                self.next();
                if !global {
                    self.report(
                        Diagnostic::error(
                            "toc.cd-text-item",
                            "LANGUAGE_MAP belongs in the disc's CD_TEXT block",
                        )
                        .at_sheet(next.span.line, next.span.column),
                    );
                }
                self.language_map(&next);
            } else if next.is("LANGUAGE") {
                self.next();
                self.language(&next, global, &mut items);
            } else if next.kind == TokenKind::Word && Parser::starts_statement_word(&next.text) {
                self.unclosed(token);
                break;
            } else {
                self.next();
                self.report(
                    Diagnostic::error(
                        "toc.syntax",
                        format!(
                            "`{}` in a CD_TEXT block, where LANGUAGE_MAP or LANGUAGE n {{ ... }} belongs",
                            next.shown()
                        ),
                    )
                    .at_sheet(next.span.line, next.span.column),
                );
            }
        }
        items
    }

    fn starts_statement_word(word: &str) -> bool {
        super::STATEMENTS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word) && !ITEMS.contains(w))
    }

    /// `LANGUAGE_MAP { n : code ... }`.
    fn language_map(&mut self, owner: &TocToken) {
        if !self.open(owner) {
            return;
        }
        loop {
            let Some(next) = self.next() else {
                self.unclosed(owner);
                return;
            };
            match next.kind {
                TokenKind::Close => return,
                TokenKind::Number => {
                    let number = next.text.parse::<u64>().ok();
                    if self.take_if(|t| t.kind == TokenKind::Colon).is_none() {
                        self.report(
                            Diagnostic::error(
                                "toc.syntax",
                                "a language mapping is written `n : code`",
                            )
                            .at_sheet(next.span.line, next.span.column),
                        );
                        continue;
                    }
                    let code = self.take_if(|t| t.kind == TokenKind::Number || t.is("EN"));
                    let code = code.and_then(|c| {
                        if c.is("EN") {
                            Some(9)
                        } else {
                            c.text.parse::<u64>().ok().filter(|&n| n <= 255)
                        }
                    });
                    match (number.filter(|&n| n <= 7), code) {
                        (Some(language), Some(code)) => self.sheet.language_map.push((
                            language as u8,
                            code as u8,
                            next.span,
                        )),
                        _ => self.report(
                            Diagnostic::error(
                                "toc.cd-text-language",
                                "language numbers run from 0 to 7 and language codes from 0 to 255 (or EN)",
                            )
                            .at_sheet(next.span.line, next.span.column),
                        ),
                    }
                }
                _ => self.report(
                    Diagnostic::error(
                        "toc.syntax",
                        format!(
                            "`{}` in LANGUAGE_MAP, where `n : code` belongs",
                            next.shown()
                        ),
                    )
                    .at_sheet(next.span.line, next.span.column),
                ),
            }
        }
    }

    /// `LANGUAGE n { ITEM value ... }`.
    fn language(&mut self, owner: &TocToken, global: bool, items: &mut Vec<CdTextItem>) {
        let number = self.take_if(|t| t.kind == TokenKind::Number);
        let language = number
            .as_ref()
            .and_then(|n| n.text.parse::<u64>().ok())
            .filter(|&n| n <= 7);
        if language.is_none() {
            self.report(
                Diagnostic::error(
                    "toc.cd-text-language",
                    "LANGUAGE needs a block number from 0 to 7",
                )
                .at_sheet(owner.span.line, owner.span.column),
            );
        }
        let language = language.unwrap_or(0) as u8;
        if !self.open(owner) {
            return;
        }
        loop {
            let Some(next) = self.peek().cloned() else {
                self.unclosed(owner);
                return;
            };
            if next.kind == TokenKind::Close {
                self.next();
                return;
            }
            if next.kind == TokenKind::Word && ENCODINGS.contains(&next.text.as_str()) {
                self.next();
                continue;
            }
            let item = (next.kind == TokenKind::Word)
                .then(|| ITEMS.iter().find(|i| i.eq_ignore_ascii_case(&next.text)))
                .flatten();
            let Some(&item) = item else {
                if next.kind == TokenKind::Word && Parser::starts_statement_word(&next.text) {
                    self.unclosed(owner);
                    return;
                }
                self.next();
                self.report(
                    Diagnostic::error(
                        "toc.cd-text-item",
                        format!("`{}` is not a CD-TEXT item", next.shown()),
                    )
                    .at_sheet(next.span.line, next.span.column)
                    .suggest("items are TITLE, PERFORMER, SONGWRITER, COMPOSER, ARRANGER, MESSAGE, DISC_ID, GENRE, TOC_INFO1, TOC_INFO2, UPC_EAN, ISRC, SIZE_INFO and RESERVED1-4"),
                );
                // Its value goes with it.
                if next.kind == TokenKind::Word {
                    if self.peek().is_some_and(|t| t.kind == TokenKind::Open) {
                        let _ = self.binary(&next);
                    } else {
                        self.take_if(|t| t.kind == TokenKind::Text);
                    }
                }
                continue;
            };
            self.next();
            let _ = self.keyword(&next, &ITEMS);
            if !global && DISC_ONLY.contains(&item) {
                self.report(
                    Diagnostic::error(
                        "toc.cd-text-item",
                        format!("{item} belongs in the disc's CD_TEXT block, not a track's"),
                    )
                    .at_sheet(next.span.line, next.span.column),
                );
            }
            let value = if self.peek().is_some_and(|t| t.kind == TokenKind::Open) {
                self.binary(&next).map(CdTextValue::Binary)
            } else if let Some(text) = self.take_if(|t| t.kind == TokenKind::Text) {
                let length = text.text.chars().count();
                if length > CD_TEXT_MAX {
                    self.report(
                        Diagnostic::warning(
                            Dialect::Toc.code(dialect::CD_TEXT_TOO_LONG),
                            format!(
                                "{item} is {length} characters; CD-TEXT holds at most {CD_TEXT_MAX}"
                            ),
                        )
                        .at_sheet(text.span.line, text.span.column),
                    );
                }
                Some(CdTextValue::Text(text.text))
            } else {
                self.report(
                    Diagnostic::error(
                        "toc.syntax",
                        format!("{item} needs a string or binary data {{ ... }}"),
                    )
                    .at_sheet(next.span.line, next.span.column),
                );
                None
            };
            if let Some(value) = value {
                items.push(CdTextItem {
                    language,
                    field: item.to_owned(),
                    value,
                    at: next.span,
                });
            }
        }
    }

    /// `{ n, n, ... }`, each from 0 to 255.
    fn binary(&mut self, owner: &TocToken) -> Option<Vec<u8>> {
        self.next();
        let mut bytes = Vec::new();
        let mut bad = false;
        loop {
            let Some(next) = self.next() else {
                self.unclosed(owner);
                return None;
            };
            match next.kind {
                TokenKind::Close => break,
                TokenKind::Comma => {}
                TokenKind::Number => match next.text.parse::<u8>() {
                    Ok(byte) if bytes.len() < MAX_BINARY => bytes.push(byte),
                    Ok(_) => bad = true,
                    Err(_) => {
                        self.report(
                            Diagnostic::error(
                                "toc.cd-text-binary",
                                format!("{} is not a byte (0 to 255)", next.text),
                            )
                            .at_sheet(next.span.line, next.span.column),
                        );
                    }
                },
                _ => {
                    self.report(
                        Diagnostic::error(
                            "toc.cd-text-binary",
                            format!("`{}` in binary data, where numbers belong", next.shown()),
                        )
                        .at_sheet(next.span.line, next.span.column),
                    );
                }
            }
        }
        if bad {
            self.report(
                Diagnostic::error(
                    "toc.cd-text-binary",
                    format!("binary data over {MAX_BINARY} bytes; the rest is dropped"),
                )
                .at_sheet(owner.span.line, owner.span.column),
            );
        }
        Some(bytes)
    }
}
