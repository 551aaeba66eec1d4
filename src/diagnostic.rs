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
