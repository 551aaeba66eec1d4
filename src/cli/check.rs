//! `discscope check CUE|TOC`: every problem of a cue sheet or cdrdao toc
//! file, drawn like a compiler's, or as JSON; exit 1 when any is an error.

use std::io::Write;
use std::path::Path;

use discscope::diagnostic::Diagnostic;
use discscope::diagnostic::Severity;
use discscope::lint;
use serde::Serialize;

use super::{Outcome, Output};

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<Json<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Json<'a> {
    severity: Severity,
    code: &'static str,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    suggestion: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    /// The LBA of the TRACK/INDEX/PREGAP line the finding points at.
    sector: Option<i64>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    line: usize,
    replacement: &'a str,
}

fn json_of<'a>(report: &lint::Diagnosis, d: &'a Diagnostic) -> Json<'a> {
    Json {
        severity: d.severity,
        code: d.code,
        message: &d.message,
        line: d.line(),
        column: d.column(),
        suggestion: d.suggestion.as_deref(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            line: f.line,
            replacement: &f.replacement,
        }),
        sector: report.sector_of(d).map(|lba| lba.0),
    }
}

pub fn run(
    sheet: Option<&Path>,
    json: bool,
    explain: Option<&str>,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    if let Some(code) = explain {
        if code == "list" {
            return list(out);
        }
        let Some(entry) = lint::explain(code) else {
            anyhow::bail!(
                "no diagnostic has the code `{code}` (see `discscope check --explain list`)"
            );
        };
        writeln!(out, "{} ({})\n\n{}", entry.code, entry.severity, entry.text)?;
        return Ok(Outcome::Clean);
    }
    let Some(sheet) = sheet else {
        anyhow::bail!("check needs a cue sheet or toc file (or --explain CODE)");
    };
    let report = lint::check(sheet);
    // A sheet that cannot be read at all is an I/O error (exit 2), not a finding.
    if let Some(unreadable) = report
        .diagnostics
        .iter()
        .find(|d| matches!(d.code, "cue.unreadable" | "toc.unreadable"))
    {
        anyhow::bail!("{}: {}", sheet.display(), unreadable.message);
    }
    if json {
        out.json(&Document {
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| json_of(&report, d))
                .collect(),
            errors: report.errors(),
            warnings: report.warnings(),
        })?;
    } else {
        write!(out, "{}", lint::render(&report, out.color))?;
    }
    Ok(if report.errors() > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// `--explain list`: every code with its usual severity.
fn list(out: &mut Output) -> anyhow::Result<Outcome> {
    for entry in lint::all_codes() {
        writeln!(out, "{:<28} {}", entry.code, entry.severity)?;
    }
    Ok(Outcome::Clean)
}
