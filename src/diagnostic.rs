//! Findings that do not stop a parse: what was odd, where, and how to fix it.

use std::fmt;

use crate::units::Lba;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used as it stands.
    Error,
    /// Usable, but probably not what the author meant.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// Nowhere in particular.
    None,
    /// A line and column (both 1-based) of a text sheet.
    Sheet { line: usize, column: usize },
    /// A sector of the medium.
    Sector(Lba),
    /// A byte offset inside an image file or a volume.
    Offset(u64),
}

/// A machine-applicable replacement of one sheet line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub line: usize,
    /// The new text of the line; empty removes the line.
    pub replacement: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code such as `cue.file-missing`.
    pub code: &'static str,
    pub message: String,
    pub location: Location,
    pub suggestion: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: Location::None,
            suggestion: None,
            fix: None,
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    pub fn info(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Info, code, message)
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = location;
        self
    }

    pub fn at_sheet(self, line: usize, column: usize) -> Diagnostic {
        self.at(Location::Sheet { line, column })
    }

    pub fn suggest(mut self, suggestion: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(suggestion.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    /// The sheet line, if the finding points at one.
    pub fn line(&self) -> Option<usize> {
        match self.location {
            Location::Sheet { line, .. } => Some(line),
            _ => None,
        }
    }

    /// The sheet column, if the finding points at one.
    pub fn column(&self) -> Option<usize> {
        match self.location {
            Location::Sheet { column, .. } => Some(column),
            _ => None,
        }
    }
}

/// Keeps at most `most` findings of each code (in order), and says how
/// many more of it there were: a hostile image repeating one mistake in
/// every record must not flood the report.
pub fn cap_repeats(found: Vec<Diagnostic>, most: usize) -> Vec<Diagnostic> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut kept = Vec::with_capacity(found.len().min(most * 8));
    for diagnostic in found {
        let count = match counts.iter_mut().find(|(code, _)| *code == diagnostic.code) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                counts.push((diagnostic.code, 1));
                1
            }
        };
        if count <= most {
            kept.push(diagnostic);
        }
    }
    for (code, count) in counts.into_iter().filter(|(_, n)| *n > most) {
        kept.push(Diagnostic::info(
            code,
            format!(
                "{} more findings like the above are not listed",
                count - most
            ),
        ));
    }
    kept
}
