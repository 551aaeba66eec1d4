//! The `.ccd` INI text: `[Section]` headers and `Key=Value` lines, each
//! with its line number and its byte range in the file.

use crate::diagnostic::Diagnostic;

/// The most sections read (a full TOC has a few hundred entries).
pub const MAX_SECTIONS: usize = 2000;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One `Key=Value` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLine {
    pub key: String,
    pub value: String,
    pub line: usize,
    /// Bytes from the start of the file to the start of the line.
    pub offset: u64,
    /// Bytes in the line, without its line break.
    pub length: u64,
}

/// One `[Section]` and its keys, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub line: usize,
    /// Bytes from the start of the file to the header line.
    pub offset: u64,
    /// Bytes from the header line's start to the end of the section's
    /// last line (its line break excluded).
    pub length: u64,
    pub entries: Vec<KeyLine>,
}

/// A parsed `.ccd`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CcdFile {
    pub sections: Vec<Section>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The lines of `bytes` as (line number, byte offset, text without the
/// line break); a leading byte order mark is skipped.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, u64, &[u8])> {
    let mut start = 0;
    while bytes.get(start..).is_some_and(|rest| rest.starts_with(BOM)) {
        start += BOM.len();
    }
    let body = bytes.get(start..).unwrap_or_default();
    let mut offset = start as u64;
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(move |(i, raw)| {
            let at = offset;
            offset += raw.len() as u64 + 1;
            (i + 1, at, raw.strip_suffix(b"\r").unwrap_or(raw))
        })
}

impl CcdFile {
    pub fn parse(bytes: &[u8]) -> CcdFile {
        let mut sheet = CcdFile::default();
        for (number, offset, raw) in lines(bytes) {
            let text = String::from_utf8_lossy(raw);
            let line = text.trim();
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            let length = raw.len() as u64;
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if sheet.sections.len() >= MAX_SECTIONS {
                    sheet.diagnostics.push(
                        Diagnostic::error(
                            "ccd.too-many-sections",
                            format!("more than {MAX_SECTIONS} sections; the rest is ignored"),
                        )
                        .at_sheet(number, 1),
                    );
                    break;
                }
                sheet.sections.push(Section {
                    name: name.trim().to_owned(),
                    line: number,
                    offset,
                    length,
                    entries: Vec::new(),
                });
                continue;
            }
            match (line.split_once('='), sheet.sections.last_mut()) {
                (Some((key, value)), Some(section)) => {
                    section.length = offset + length - section.offset;
                    section.entries.push(KeyLine {
                        key: key.trim().to_owned(),
                        value: value.trim().to_owned(),
                        line: number,
                        offset,
                        length,
                    })
                }
                (Some(_), None) => sheet.diagnostics.push(
                    Diagnostic::warning("ccd.orphan-key", "a key before any [section]")
                        .at_sheet(number, 1),
                ),
                (None, _) => sheet.diagnostics.push(
                    Diagnostic::warning(
                        "ccd.syntax",
                        format!("not a [section] or key=value line: {line:?}"),
                    )
                    .at_sheet(number, 1),
                ),
            }
        }
        sheet
    }

    /// The first section named `name` (case-insensitive).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

impl Section {
    /// The first value of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|k| k.key.eq_ignore_ascii_case(key))
            .map(|k| k.value.as_str())
    }
}

/// A number written in decimal or as `0x..` hex.
pub fn number(text: &str) -> Option<i64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_byte_ranges() {
        let text = b"\xEF\xBB\xBF[CloneCD]\r\nVersion=3\r\n\r\n; note\n[Disc]\nSessions=1";
        let sheet = CcdFile::parse(text);
        assert!(sheet.diagnostics.is_empty(), "{:?}", sheet.diagnostics);
        let [header, disc] = &sheet.sections[..] else {
            panic!("{sheet:?}")
        };
        assert_eq!((header.offset, header.length, header.line), (3, 20, 1));
        assert_eq!(
            (header.entries[0].offset, header.entries[0].length),
            (14, 9)
        );
        assert_eq!(&text[14..23], b"Version=3");
        assert_eq!((disc.offset, disc.length), (34, 17));
        assert_eq!(&text[34..51], b"[Disc]\nSessions=1");
        assert_eq!(disc.get("sessions"), Some("1"));
    }
}
