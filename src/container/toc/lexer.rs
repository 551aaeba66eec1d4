//! Toc text to tokens, each with its line and column. Comments (`//` and a
//! `#` that does not start a byte offset) run to the end of the line;
//! strings may hold `\"` and `\ooo` (an octal byte) escapes.
//!
//! Sources: the cdrdao manual (TOC FILES: `//` comments, strings in double
//! quotes, `#` byte offsets in FILE and DATAFILE) and cdrdao's grammar
//! (tokens, escapes in strings).

use crate::container::cue::sheet::Span;
use crate::container::cue::text::SheetText;
use crate::diagnostic::Diagnostic;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword or any other run of letters, digits and punctuation that
    /// is not a number.
    Word,
    /// Decimal digits.
    Number,
    /// A string's value (escapes decoded).
    Text,
    Colon,
    Comma,
    /// `#` before a byte offset.
    Hash,
    Open,
    Close,
}

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocToken {
    pub kind: TokenKind,
    pub text: String,
    pub span: Span,
}

impl TocToken {
    /// Whether this is the word `word` (keywords are upper case).
    pub fn is(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text == word
    }

    /// How a message shows the token.
    pub fn shown(&self) -> String {
        match self.kind {
            TokenKind::Text => format!("\"{}\"", self.text),
            _ => self.text.clone(),
        }
    }
}

/// At most this many tokens are read (sheets are at most 1 MiB anyway).
pub const MAX_TOKENS: usize = 200_000;

/// Splits the text into tokens, recording unclosed strings.
pub fn tokens(text: &SheetText, found: &mut Vec<Diagnostic>) -> Vec<TocToken> {
    let mut out = Vec::new();
    for (index, line) in text.lines.iter().enumerate() {
        line_tokens(line, index + 1, &mut out, found);
        if out.len() > MAX_TOKENS {
            found.push(
                Diagnostic::error(
                    "toc.too-many-tokens",
                    format!("over {MAX_TOKENS} tokens; the rest of the file is not read"),
                )
                .at_sheet(index + 1, 1),
            );
            out.truncate(MAX_TOKENS);
            break;
        }
    }
    out
}

/// Characters that end a word.
fn special(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | ':' | ',' | '#' | '{' | '}')
}

fn line_tokens(line: &str, number: usize, out: &mut Vec<TocToken>, found: &mut Vec<Diagnostic>) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let at = |i: usize| Span {
        line: number,
        column: i + 1,
    };
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let punct = |kind: TokenKind| TocToken {
            kind,
            text: c.to_string(),
            span: at(i),
        };
        match c {
            '/' if chars.get(i + 1) == Some(&'/') => return,
            '#' => {
                // `#` then a number is a byte offset; anything else a comment.
                let next = chars
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|c| !c.is_whitespace());
                if !next.is_some_and(|c| c.is_ascii_digit()) {
                    return;
                }
                out.push(punct(TokenKind::Hash));
                i += 1;
            }
            ':' => {
                out.push(punct(TokenKind::Colon));
                i += 1;
            }
            ',' => {
                out.push(punct(TokenKind::Comma));
                i += 1;
            }
            '{' => {
                out.push(punct(TokenKind::Open));
                i += 1;
            }
            '}' => {
                out.push(punct(TokenKind::Close));
                i += 1;
            }
            '"' => i = string(&chars, i, number, out, found),
            _ => {
                let start = i;
                while chars.get(i).is_some_and(|&c| !special(c)) {
                    // `//` inside a word starts a comment.
                    if chars.get(i) == Some(&'/') && chars.get(i + 1) == Some(&'/') {
                        break;
                    }
                    i += 1;
                }
                let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
                let kind = if text.bytes().all(|b| b.is_ascii_digit()) {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                out.push(TocToken {
                    kind,
                    text,
                    span: at(start),
                });
            }
        }
    }
}

/// Reads the string opening at `start`; returns where reading goes on.
fn string(
    chars: &[char],
    start: usize,
    number: usize,
    out: &mut Vec<TocToken>,
    found: &mut Vec<Diagnostic>,
) -> usize {
    let mut value = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                found.push(
                    Diagnostic::error("toc.unclosed-quote", "this string is never closed")
                        .at_sheet(number, start + 1)
                        .suggest("add a closing \" (a string cannot span lines)"),
                );
                break;
            }
            Some('"') => {
                i += 1;
                break;
            }
            Some('\\') => {
                let octal: Option<u32> = chars
                    .get(i + 1..i + 4)
                    .filter(|d| d.iter().all(char::is_ascii_digit))
                    .and_then(|d| u32::from_str_radix(&d.iter().collect::<String>(), 8).ok());
                if chars.get(i + 1) == Some(&'"') {
                    value.push('"');
                    i += 2;
                } else if let Some(byte) = octal {
                    // A byte in the block's encoding, read as ISO 8859-1
                    // (cdrdao keeps its low eight bits).
                    value.push(char::from((byte & 0xFF) as u8));
                    i += 4;
                } else {
                    value.push('\\');
                    i += 1;
                }
            }
            Some(&c) => {
                value.push(c);
                i += 1;
            }
        }
    }
    out.push(TocToken {
        kind: TokenKind::Text,
        text: value,
        span: Span {
            line: number,
            column: start + 1,
        },
    });
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::cue::text::decode;

    fn lex(text: &str) -> (Vec<TocToken>, Vec<Diagnostic>) {
        let mut found = Vec::new();
        let tokens = tokens(&decode(text.as_bytes()), &mut found);
        (tokens, found)
    }

    #[test]
    fn tokens_with_columns_comments_and_offsets() {
        let (tokens, found) = lex(
            "CD_DA // a comment\nFILE \"a \\\"b\\\".wav\" #200 1:2:3 # comment\n# whole line\n{0,1}",
        );
        assert!(found.is_empty(), "{found:?}");
        let shown: Vec<_> = tokens.iter().map(|t| (t.kind, t.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                (TokenKind::Word, "CD_DA"),
                (TokenKind::Word, "FILE"),
                (TokenKind::Text, "a \"b\".wav"),
                (TokenKind::Hash, "#"),
                (TokenKind::Number, "200"),
                (TokenKind::Number, "1"),
                (TokenKind::Colon, ":"),
                (TokenKind::Number, "2"),
                (TokenKind::Colon, ":"),
                (TokenKind::Number, "3"),
                (TokenKind::Open, "{"),
                (TokenKind::Number, "0"),
                (TokenKind::Comma, ","),
                (TokenKind::Number, "1"),
                (TokenKind::Close, "}"),
            ]
        );
        assert_eq!((tokens[2].span.line, tokens[2].span.column), (2, 6));
        assert_eq!((tokens[3].span.column, tokens[4].span.column), (20, 21));
    }

    #[test]
    fn octal_escapes_and_unclosed_strings() {
        let (tokens, found) = lex("TITLE \"caf\\351\" \"open");
        assert_eq!(tokens[1].text, "caf\u{e9}");
        assert_eq!(tokens[2].text, "open");
        assert_eq!(found[0].code, "toc.unclosed-quote");
        assert_eq!(found[0].column(), Some(17));
    }
}
