//! Applying the machine fixes: exactly those `check` announces, one per
//! line, once; then the sheet as UTF-8 text and a unified diff against the
//! input.

use std::path::Path;

use super::{Diagnosis, check_bytes};
use crate::diagnostic::Diagnostic;

/// A repaired sheet.
#[derive(Clone, Debug)]
pub struct SheetFix {
    /// The corrected sheet text (UTF-8, no byte order mark).
    pub text: String,
    /// The findings whose fixes were applied, in order.
    pub applied: Vec<Diagnostic>,
    /// The check of the corrected sheet (FILE names relative to the same
    /// folder as the input's).
    pub after: Diagnosis,
}

/// Repairs sheet bytes whose FILE names are relative to `folder`. Fixes
/// that only become possible on the rewritten sheet are not applied (they
/// were not announced): `after` offers them.
pub fn repair(bytes: &[u8], folder: &Path) -> SheetFix {
    let report = check_bytes(bytes, folder);
    let ending = if report.crlf { "\r\n" } else { "\n" };
    let applied: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .cloned()
        .collect();
    let lines = apply(&report.lines, &applied);
    let after = if applied.is_empty() {
        report
    } else {
        check_bytes(join(&lines, "\n").as_bytes(), folder)
    };
    SheetFix {
        text: join(&lines, ending),
        applied,
        after,
    }
}

fn join(lines: &[String], ending: &str) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push_str(ending);
    }
    text
}

/// The lines with each fix applied (`check` offers one per line).
fn apply(lines: &[String], fixes: &[Diagnostic]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let fix = fixes
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .find(|f| f.line == number);
        match fix {
            Some(fix) if fix.replacement.is_empty() => {}
            Some(fix) => out.extend(fix.replacement.split('\n').map(str::to_owned)),
            None => out.push(line.clone()),
        }
    }
    out
}

/// A unified diff from `old` to `new`, with the given file names.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}
