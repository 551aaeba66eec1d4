//! Cue sheet text: decoding (UTF-8, BOM, UTF-16 with BOM, Shift-JIS,
//! Latin-1), lines, and
//! tokens with their line and column.

use crate::diagnostic::Diagnostic;

/// Sheets are a few kilobytes; anything this large is not a sheet.
pub const MAX_SHEET_BYTES: usize = 1 << 20;

/// How the sheet's bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// With its byte order mark, as EAC's "Unicode" sheets are written.
    Utf16Le,
    Utf16Be,
    ShiftJis,
    Latin1,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::ShiftJis => "Shift-JIS",
            Encoding::Latin1 => "Latin-1 (Windows-1252)",
        }
    }
}

/// Line endings seen in the sheet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineEndings {
    pub lf: usize,
    pub crlf: usize,
    pub cr: usize,
}

/// The decoded sheet, split into lines.
#[derive(Clone, Debug)]
pub struct SheetText {
    pub encoding: Encoding,
    pub lines: Vec<String>,
    pub endings: LineEndings,
}

/// One token of a line. Columns count characters from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub line: usize,
    pub column: usize,
    pub quoted: bool,
    /// False when an opening quote had no closing one on the line.
    pub closed: bool,
}

/// What kind of file the bytes look like when they are not a cue sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotASheet {
    Binary,
    CdrdaoToc,
    CloneCdControl,
    TooLarge,
}

impl NotASheet {
    pub fn message(self) -> &'static str {
        match self {
            NotASheet::Binary => {
                "this is a binary file, not a cue sheet (open the sheet that names it, or the image itself)"
            }
            NotASheet::CdrdaoToc => "this is a cdrdao .toc file, not a cue sheet",
            NotASheet::CloneCdControl => "this is a CloneCD .ccd control file, not a cue sheet",
            NotASheet::TooLarge => "this file is far larger than any cue sheet (over 1 MiB)",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NotASheet::Binary => "cue.binary-file",
            NotASheet::CdrdaoToc => "cue.toc-file",
            NotASheet::CloneCdControl => "cue.ccd-file",
            NotASheet::TooLarge => "cue.too-large",
        }
    }
}

const TOC_MODES: [&str; 9] = [
    "AUDIO",
    "MODE0",
    "MODE1",
    "MODE1_RAW",
    "MODE2",
    "MODE2_RAW",
    "MODE2_FORM1",
    "MODE2_FORM2",
    "MODE2_FORM_MIX",
];

/// Recognises files that are not cue sheets before they are parsed.
pub fn recognise_other(bytes: &[u8]) -> Option<NotASheet> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Some(NotASheet::TooLarge);
    }
    if let Some((_, codec)) = utf16(bytes) {
        // Its zero bytes are half of every ASCII letter: judge the text.
        let (text, _, _) = codec.decode(bytes.get(..4096).unwrap_or(bytes));
        let controls = text.chars().filter(|&c| is_control(c)).count();
        let binary = text.contains('\0') || controls * 20 > text.chars().count().max(1);
        return binary.then_some(NotASheet::Binary);
    }
    let head = bytes.get(..4096).unwrap_or(bytes);
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || is_control(char::from(b)))
        .count();
    if head.contains(&0) || controls * 20 > head.len().max(1) {
        return Some(NotASheet::Binary);
    }
    let text = String::from_utf8_lossy(head);
    let mut words = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty());
    let first = words.next().unwrap_or_default();
    if first.eq_ignore_ascii_case("[CloneCD]") {
        return Some(NotASheet::CloneCdControl);
    }
    // cdrdao writes a disc type line and number-less TRACK lines.
    let looks_toc = text.lines().any(|line| {
        let line = line.split("//").next().unwrap_or_default().trim();
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("CD_DA" | "CD_ROM" | "CD_ROM_XA" | "CD_I"), None) => true,
            (Some("TRACK"), Some(mode)) => TOC_MODES.contains(&mode),
            (Some("DATAFILE" | "SILENCE" | "ZERO"), _) => true,
            _ => false,
        }
    });
    looks_toc.then_some(NotASheet::CdrdaoToc)
}

/// Decodes the sheet: UTF-8 (with or without BOM) when valid, else
/// Shift-JIS when it decodes cleanly, else Latin-1 (which always does).
pub fn decode(bytes: &[u8]) -> SheetText {
    let (encoding, text) = if let Some((encoding, codec)) = utf16(bytes) {
        // decode() strips the byte order mark.
        let (text, _, _) = codec.decode(bytes);
        (encoding, text.into_owned())
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (
            Encoding::Utf8Bom,
            String::from_utf8_lossy(rest).into_owned(),
        )
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Encoding::Utf8, text.to_owned())
    } else {
        let (sjis, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
        if had_errors {
            let (latin, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (Encoding::Latin1, latin.into_owned())
        } else {
            (Encoding::ShiftJis, sjis.into_owned())
        }
    };
    let (lines, endings) = split_lines(&text);
    SheetText {
        encoding,
        lines,
        endings,
    }
}

/// Control characters a text sheet does not hold (tab, line ends, form
/// feed and the DOS end-of-file mark are allowed).
fn is_control(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1a')
}

/// A UTF-16 byte order mark, and the decoder it calls for.
fn utf16(bytes: &[u8]) -> Option<(Encoding, &'static encoding_rs::Encoding)> {
    match bytes {
        [0xFF, 0xFE, ..] => Some((Encoding::Utf16Le, encoding_rs::UTF_16LE)),
        [0xFE, 0xFF, ..] => Some((Encoding::Utf16Be, encoding_rs::UTF_16BE)),
        _ => None,
    }
}

fn split_lines(text: &str) -> (Vec<String>, LineEndings) {
    let mut lines = Vec::new();
    let mut endings = LineEndings::default();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                endings.crlf += 1;
                lines.push(std::mem::take(&mut current));
            }
            '\r' => {
                endings.cr += 1;
                lines.push(std::mem::take(&mut current));
            }
            '\n' => {
                endings.lf += 1;
                lines.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    (lines, endings)
}

/// Splits one line into tokens. A token starting with `"` runs to the next
/// `"`; an unclosed quote runs to the end of the line and is reported.
pub fn tokenize(line: &str, line_number: usize, diagnostics: &mut Vec<Diagnostic>) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let column = i + 1;
        if c == '"' {
            let rest = chars.get(i + 1..).unwrap_or_default();
            match rest.iter().position(|&ch| ch == '"') {
                Some(len) => {
                    tokens.push(Token {
                        text: rest.iter().take(len).collect(),
                        line: line_number,
                        column,
                        quoted: true,
                        closed: true,
                    });
                    i += len + 2;
                }
                None => {
                    diagnostics.push(
                        Diagnostic::warning("cue.unclosed-quote", "this quote is never closed")
                            .at_sheet(line_number, column)
                            .suggest("add a closing \" at the end of the name"),
                    );
                    tokens.push(Token {
                        text: rest.iter().collect::<String>().trim_end().to_owned(),
                        line: line_number,
                        column,
                        quoted: true,
                        closed: false,
                    });
                    i = chars.len();
                }
            }
        } else {
            let len = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .position(|ch| ch.is_whitespace())
                .unwrap_or(chars.len() - i);
            tokens.push(Token {
                text: chars.get(i..i + len).unwrap_or_default().iter().collect(),
                line: line_number,
                column,
                quoted: false,
                closed: true,
            });
            i += len;
        }
    }
    tokens
}

/// The leading white space of a line.
pub fn indent_of(line: &str) -> &str {
    let end = line.len() - line.trim_start().len();
    line.get(..end).unwrap_or_default()
}

/// The line with the word starting at 1-based character `column` replaced
/// by `with`, everything around it kept as written.
pub fn replace_word(line: &str, column: usize, with: &str) -> String {
    let start = column.saturating_sub(1);
    let before: String = line.chars().take(start).collect();
    let after: String = line
        .chars()
        .skip(start)
        .skip_while(|c| !c.is_whitespace())
        .collect();
    format!("{before}{with}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_crlf_and_legacy_encodings() {
        let text = decode(b"\xEF\xBB\xBFFILE \"a.bin\" BINARY\r\n  TRACK 01 AUDIO\r\n");
        assert_eq!(text.encoding, Encoding::Utf8Bom);
        assert_eq!(text.lines, ["FILE \"a.bin\" BINARY", "  TRACK 01 AUDIO"]);
        assert_eq!(text.endings.crlf, 2);

        let latin = decode(b"TITLE \"Caf\xe9 Noir\"\n");
        assert_eq!(latin.encoding, Encoding::Latin1);
        assert_eq!(latin.lines[0], "TITLE \"Caf\u{e9} Noir\"");

        // "日本" in Shift-JIS.
        let sjis = decode(b"TITLE \"\x93\xfa\x96\x7b\"\n");
        assert_eq!(sjis.encoding, Encoding::ShiftJis);
        assert_eq!(sjis.lines[0], "TITLE \"\u{65e5}\u{672c}\"");
    }

    #[test]
    fn decodes_utf16_with_a_byte_order_mark() {
        let sheet = "FILE \"caf\u{e9}.bin\" BINARY\r\n  TRACK 01 AUDIO\r\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(sheet.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(sheet.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for (bytes, encoding) in [(le, Encoding::Utf16Le), (be, Encoding::Utf16Be)] {
            assert_eq!(recognise_other(&bytes), None);
            let mut junk = bytes.clone();
            junk.extend([1, 2, 3, 4, 5, 6, 0, 0].repeat(8));
            assert_eq!(recognise_other(&junk), Some(NotASheet::Binary));
            let text = decode(&bytes);
            assert_eq!(text.encoding, encoding);
            assert_eq!(
                text.lines,
                ["FILE \"caf\u{e9}.bin\" BINARY", "  TRACK 01 AUDIO"]
            );
        }
    }

    #[test]
    fn tokens_carry_columns_and_quotes() {
        let mut diags = Vec::new();
        let tokens = tokenize("  FILE \"My Game (Track 1).bin\" BINARY", 3, &mut diags);
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[1].text, "My Game (Track 1).bin");
        assert_eq!((tokens[1].line, tokens[1].column), (3, 8));
        assert_eq!(tokens[2].column, 32);
        assert!(diags.is_empty());
        let tokens = tokenize("FILE \"open.bin BINARY", 1, &mut diags);
        assert_eq!(tokens[1].text, "open.bin BINARY");
        assert!(!tokens[1].closed);
        assert_eq!(diags[0].code, "cue.unclosed-quote");
    }

    #[test]
    fn recognises_other_files() {
        assert_eq!(
            recognise_other(b"\0\x01\x02binary"),
            Some(NotASheet::Binary)
        );
        assert_eq!(
            recognise_other(b"[CloneCD]\nVersion=3\n"),
            Some(NotASheet::CloneCdControl)
        );
        assert_eq!(
            recognise_other(b"CD_ROM\n\nTRACK MODE1\nDATAFILE \"a.bin\"\n"),
            Some(NotASheet::CdrdaoToc)
        );
        assert_eq!(recognise_other(b"FILE \"a.bin\" BINARY\n"), None);
    }
}
