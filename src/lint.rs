//! The cue sheet doctor: every rule over a sheet, the files it names and
//! their data, with line, column, help and machine-applicable fixes.
//!
//! [`check`] never fails: an unreadable or broken sheet is itself a finding,
//! so the TUI's diagnostics pane and `discscope check` can show it.
//!
//! ```no_run
//! use std::path::Path;
//!
//! let report = discscope::lint::check(Path::new("game.cue"));
//! for d in &report.diagnostics {
//!     let line = d.line().and_then(|n| report.line(n)).unwrap_or("");
//!     println!("{} {} {:?}: {} | {line}", d.severity, d.code, d.line(), d.message);
//! }
//! print!("{}", discscope::lint::render(&report, false));
//! ```

mod data;
mod explain;
mod files;
mod gaps;
mod render;
mod repair;
mod scan;
mod sequence;

use std::path::{Path, PathBuf};

use crate::container::cue::layout;
use crate::container::cue::sheet::Sheet;
use crate::container::cue::text::{self, MAX_SHEET_BYTES};
use crate::container::cue::{self as cue};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::io::{FileSource, ReadAt};
use crate::units::Lba;

pub use explain::{CODES, Explanation, explain};
pub use render::render;
pub use repair::{Repair, repair, unified_diff};
pub use scan::sheet_from_data;

/// What the doctor found in one sheet.
#[derive(Clone, Debug)]
pub struct Report {
    /// The sheet as given.
    pub path: PathBuf,
    /// The sheet's decoded lines (empty when it is not a text sheet), for
    /// showing the line a diagnostic points at: `lines[line - 1]`.
    pub lines: Vec<String>,
    /// The disc address of each TRACK, INDEX and PREGAP line, when the
    /// sheet could be laid out: where the TUI jumps for a finding.
    pub sectors: std::collections::BTreeMap<usize, Lba>,
    /// Sorted by line; findings without a line come first.
    pub diagnostics: Vec<Diagnostic>,
    /// The line ending most of the sheet uses.
    pub crlf: bool,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// The sector a finding concerns: that of the TRACK, INDEX or PREGAP
    /// line it points at.
    pub fn sector_of(&self, diagnostic: &Diagnostic) -> Option<Lba> {
        self.sectors.get(&diagnostic.line()?).copied()
    }

    /// The text of a 1-based line.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.lines.get(line.checked_sub(1)?).map(String::as_str)
    }
}

/// Checks the sheet at `path`. Never fails: a sheet that cannot be read
/// gives a report holding that one error.
pub fn check(path: &Path) -> Report {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut report = match read_bytes(path) {
        Ok(bytes) => check_bytes(&bytes, folder),
        Err((code, message)) => Report {
            path: PathBuf::new(),
            lines: Vec::new(),
            diagnostics: vec![Diagnostic::error(code, message)],
            sectors: Default::default(),
            crlf: false,
        },
    };
    report.path = path.to_owned();
    report
}

/// The sheet's bytes, or why not (without the path, which the report has).
fn read_bytes(path: &Path) -> Result<Vec<u8>, (&'static str, String)> {
    let reason = |error: crate::Error| {
        let message = match error {
            crate::Error::Io { source, .. } => source.to_string(),
            crate::Error::Image { message, .. } => message,
            other => other.to_string(),
        };
        ("cue.unreadable", message)
    };
    let source = FileSource::open(path).map_err(reason)?;
    if source.len() > MAX_SHEET_BYTES as u64 {
        let large = text::NotASheet::TooLarge;
        return Err((large.code(), large.message().to_owned()));
    }
    source.read_vec(0, source.len() as usize).map_err(reason)
}

/// Checks sheet bytes whose FILE names are relative to `folder`.
pub fn check_bytes(bytes: &[u8], folder: &Path) -> Report {
    if let Some(other) = text::recognise_other(bytes) {
        let mut diagnostic = Diagnostic::error(other.code(), other.message());
        diagnostic = match other {
            text::NotASheet::CdrdaoToc => diagnostic
                .suggest("open the .toc itself, or write a cue with `discscope fix --from-data`"),
            text::NotASheet::CloneCdControl => {
                diagnostic.suggest("open the .ccd itself; its .img is the data")
            }
            text::NotASheet::Binary => diagnostic.suggest(
                "to write a sheet for a raw image: `discscope fix --from-data IMAGE -o OUT.cue`",
            ),
            text::NotASheet::TooLarge => diagnostic,
        };
        return Report {
            path: PathBuf::new(),
            lines: Vec::new(),
            diagnostics: vec![diagnostic],
            sectors: Default::default(),
            crlf: false,
        };
    }
    let sheet = Sheet::parse_bytes(bytes);
    let lines = sheet.text.lines.clone();
    let crlf = sheet.text.endings.crlf > sheet.text.endings.lf;
    let mut found = cue::text_notes(&sheet);
    found.extend(sheet.diagnostics.iter().cloned());
    sequence::check(&sheet, &mut found);
    let opened = files::open_all(&sheet, folder, &mut found);
    gaps::check_sheet(&sheet, &mut found);
    let missing = missing_index_01(&sheet, &mut found);

    // Lay out the tracks that can be: those with an INDEX 01.
    let mut sectors = std::collections::BTreeMap::new();
    if let Some(payloads) = opened.payloads() {
        let mut usable = sheet.clone();
        let kept: Vec<usize> = (0..sheet.tracks.len())
            .filter(|i| !missing.contains(i))
            .collect();
        usable
            .tracks
            .retain(|t| t.indexes.iter().any(|i| i.number == 1));
        if !usable.tracks.is_empty() {
            match layout::lay_out(&usable, &payloads) {
                Ok(laid) => {
                    found.extend(laid.notes.iter().cloned());
                    let blocks: Vec<_> = kept.iter().filter_map(|&i| sheet.tracks.get(i)).collect();
                    let context = data::Context {
                        sheet: &sheet,
                        blocks: &blocks,
                        tracks: &laid.tracks,
                        opened: &opened,
                        lines: &lines,
                    };
                    data::check(&context, &mut found);
                    gaps::check_layout(&context, &mut found);
                    for (block, track) in blocks.iter().zip(&laid.tracks) {
                        sectors.insert(block.span.line, track.start);
                        if let Some((_, at)) = block.pregap {
                            sectors.insert(at.line, track.pregap_start());
                        }
                        for index in &block.indexes {
                            let laid = track.indexes.iter().find(|i| i.number == index.number);
                            if let Some(laid) = laid {
                                sectors.insert(index.span.line, laid.lba);
                            }
                        }
                    }
                }
                Err(error) => found.push(*error),
            }
        } else if sheet.tracks.is_empty() && !found.iter().any(|d| d.code == "cue.no-tracks") {
            found.push(Diagnostic::error(
                "cue.no-tracks",
                "the sheet has no usable TRACK",
            ));
        }
    }
    let mut diagnostics = dedupe(found);
    diagnostics.sort_by_key(|d| (d.line().unwrap_or(0), d.column().unwrap_or(0)));
    Report {
        path: PathBuf::new(),
        lines,
        diagnostics,
        sectors,
        crlf,
    }
}

/// Tracks without INDEX 01, reported with a fix when the place is certain:
/// a track first in its FILE with no index starts at the file's start.
fn missing_index_01(sheet: &Sheet, found: &mut Vec<Diagnostic>) -> Vec<usize> {
    let mut missing = Vec::new();
    for (i, track) in sheet.tracks.iter().enumerate() {
        if track.indexes.iter().any(|x| x.number == 1) {
            continue;
        }
        missing.push(i);
        let mut diagnostic = Diagnostic::error(
            "cue.missing-index-01",
            format!("TRACK {:02} has no INDEX 01", track.number),
        )
        .at_sheet(track.span.line, track.span.column)
        .suggest("add `INDEX 01 mm:ss:ff` where the track's audio or data begins");
        let first_in_file = !sheet
            .tracks
            .iter()
            .take(i)
            .any(|t| t.file == track.file || t.indexes.iter().any(|x| x.file == track.file));
        let text = sheet.text.lines.get(track.span.line.saturating_sub(1));
        if let (true, true, Some(text)) = (track.indexes.is_empty(), first_in_file, text) {
            let indent = indent_of(text);
            diagnostic = diagnostic.with_fix(Fix {
                line: track.span.line,
                replacement: format!("{text}\n{indent}  INDEX 01 00:00:00"),
            });
        }
        found.push(diagnostic);
    }
    missing
}

/// Keeps the first of findings with the same code on the same line.
fn dedupe(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|d| d.line().is_none() || seen.insert((d.code, d.line())))
        .collect()
}

/// The leading white space of a line.
pub(crate) fn indent_of(line: &str) -> &str {
    let end = line.len() - line.trim_start().len();
    line.get(..end).unwrap_or_default()
}

/// The sheet's data files, opened once each, with their payloads.
#[derive(Debug, Default)]
pub(crate) struct Opened {
    /// `files[i]` for `sheet.files[i]`: None when it could not be used.
    pub files: Vec<Option<files::OpenFile>>,
}

impl Opened {
    /// Every payload, when every file could be opened.
    fn payloads(&self) -> Option<Vec<cue::payload::Payload>> {
        self.files
            .iter()
            .map(|f| f.as_ref().map(|f| f.payload))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_and_oversized_sheets_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        let report = check(&dir.path().join("none.cue"));
        assert_eq!(report.diagnostics[0].code, "cue.unreadable");
        assert!(report.lines.is_empty());
        let big = dir.path().join("big.cue");
        std::fs::write(&big, "REM x\n".repeat(200_000)).unwrap();
        assert_eq!(check(&big).diagnostics[0].code, "cue.too-large");
        let report = check_bytes("REM x\n".repeat(200_000).as_bytes(), dir.path());
        assert_eq!(report.diagnostics[0].code, "cue.too-large");
    }
}
