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

mod codes;
mod data;
mod declared;
mod gaps;
mod relocate;
mod render;
mod repair;
mod scan;
mod sequence;
mod toc;

use std::path::{Path, PathBuf};

use crate::container::SheetAnalysis;
use crate::container::cue::{self, Analysis, analysis};
use crate::container::dialect::Dialect;
use crate::diagnostic::{Diagnostic, Severity};
use crate::units::Lba;

pub use codes::{CODES, Explanation, TOC_CODES, all_codes, explain};
pub use relocate::{RelocateError, relocate};
pub use render::render;
pub use repair::{SheetFix, repair, unified_diff};
pub use scan::sheet_from_data;
pub use toc::{check_toc, check_toc_bytes};

/// What the doctor found in one sheet.
#[derive(Clone, Debug)]
pub struct Diagnosis {
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

impl Diagnosis {
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

/// Checks the sheet at `path`: a cdrdao toc file when it is named `.toc` or
/// reads as one (and is not named `.cue`), else a cue sheet. Never fails: a
/// sheet that cannot be read gives a report holding that one error.
pub fn check(path: &Path) -> Diagnosis {
    if is_toc(path) {
        return toc::check_toc_path(path);
    }
    let mut report = match cue::analyse(path) {
        Ok(analysis) => check_analysis(&analysis),
        Err(refusal) => refused(*refusal),
    };
    report.path = path.to_owned();
    report
}

/// Whether the sheet at `path` is a toc file.
fn is_toc(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "toc" => true,
        "cue" => false,
        _ => crate::io::FileSource::open(path)
            .and_then(|source| {
                use crate::io::ReadAt;
                source.read_vec(0, source.len().min(4096) as usize)
            })
            .is_ok_and(|head| {
                cue::text::recognise_other(&head) == Some(cue::text::NotASheet::CdrdaoToc)
            }),
    }
}

/// Checks the sheet an image was opened from.
pub fn check_sheet(sheet: &SheetAnalysis) -> Diagnosis {
    match sheet {
        SheetAnalysis::Cue(analysis) => check_analysis(analysis),
        SheetAnalysis::Toc(analysis) => toc::check_toc(analysis),
    }
}

/// Checks sheet bytes whose FILE names are relative to `folder`.
pub fn check_bytes(bytes: &[u8], folder: &Path) -> Diagnosis {
    match analysis::analyse_bytes(bytes, folder) {
        Ok(analysis) => check_analysis(&analysis),
        Err(refusal) => refused(*refusal),
    }
}

/// The report on a file that is not a sheet.
fn refused(diagnostic: Diagnostic) -> Diagnosis {
    Diagnosis {
        path: PathBuf::new(),
        lines: Vec::new(),
        diagnostics: vec![diagnostic],
        sectors: Default::default(),
        crlf: false,
    }
}

/// Every rule over an analysed sheet: the analysis's own findings, then
/// the order of numbers, the gaps, and the data against what the sheet
/// declares.
pub fn check_analysis(analysis: &Analysis) -> Diagnosis {
    let sheet = &analysis.sheet;
    let lines = sheet.text.lines.clone();
    let crlf = sheet.text.endings.crlf > sheet.text.endings.lf;
    let mut found = analysis.diagnostics.clone();
    sequence::check(sheet, &mut found);
    gaps::check_sheet(sheet, &mut found);
    let mut sectors = std::collections::BTreeMap::new();
    if let Some(laid) = &analysis.layout {
        let blocks: Vec<_> = analysis
            .laid_out
            .iter()
            .filter_map(|&i| sheet.tracks.get(i))
            .collect();
        let declared: Vec<_> = blocks
            .iter()
            .filter_map(|b| declared::Declared::of_cue(b))
            .collect();
        let context = declared::Context {
            dialect: Dialect::Cue,
            declared: &declared,
            tracks: &laid.tracks,
            files: &analysis.files,
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
    let mut diagnostics = dedupe(found);
    diagnostics.sort_by_key(|d| (d.line().unwrap_or(0), d.column().unwrap_or(0)));
    one_fix_per_line(&mut diagnostics);
    Diagnosis {
        path: PathBuf::new(),
        lines,
        diagnostics,
        sectors,
        crlf,
    }
}

/// A line is rewritten one way: the first finding's fix for it is offered,
/// later ones keep only their help (a second `fix` offers them on the
/// rewritten line). So what `check` announces is exactly what `fix` writes.
fn one_fix_per_line(diagnostics: &mut [Diagnostic]) {
    let mut fixed = std::collections::HashSet::new();
    for d in diagnostics {
        if let Some(fix) = &d.fix
            && !fixed.insert(fix.line)
        {
            d.fix = None;
        }
    }
}

/// Keeps the first of findings with the same code on the same line.
fn dedupe(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|d| d.line().is_none() || seen.insert((d.code, d.line())))
        .collect()
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
