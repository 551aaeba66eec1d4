//! The `.ccd` INI text: `[Section]` headers and `Key=Value` lines.

use crate::diagnostic::Diagnostic;

/// The most sections read (a full TOC has a few hundred entries).
pub const MAX_SECTIONS: usize = 2000;

/// One `[Section]` and its keys, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub line: usize,
    pub entries: Vec<(String, String, usize)>,
}

/// A parsed `.ccd`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sheet {
    pub sections: Vec<Section>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Sheet {
    pub fn parse(text: &str) -> Sheet {
        let mut sheet = Sheet::default();
        for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let line = raw.trim();
            let number = i + 1;
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
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
                    entries: Vec::new(),
                });
                continue;
            }
            match (line.split_once('='), sheet.sections.last_mut()) {
                (Some((key, value)), Some(section)) => {
                    section
                        .entries
                        .push((key.trim().to_owned(), value.trim().to_owned(), number))
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
        if sheet.section("CloneCD").is_none() {
            sheet
                .diagnostics
                .push(Diagnostic::warning("ccd.no-header", "no [CloneCD] section"));
        }
        sheet
    }

    /// The first section named `name` (case-insensitive).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// A key's value in a section (both case-insensitive).
    pub fn value(&self, section: &str, key: &str) -> Option<&str> {
        self.section(section)?.get(key)
    }
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, _)| v.as_str())
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
