//! Diagnostics drawn as rustc and cargo draw them: the sheet line, a caret
//! under the column, the message, the help.

use annotate_snippets::{AnnotationKind, Element, Level, Renderer, Snippet};

use super::Diagnosis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::escape;

/// The whole report as text, coloured with ANSI escapes when `color`.
/// Sheet text and names from the sheet are escaped.
pub fn render(report: &Diagnosis, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let path = escape(&report.path.display().to_string()).into_owned();
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        out.push_str(&one(&renderer, report, &path, diagnostic));
        out.push_str("\n\n");
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    out.push_str(&format!(
        "{path}: {errors} error{}, {warnings} warning{}, {} note{}\n",
        plural(errors),
        plural(warnings),
        report.count(Severity::Info),
        plural(report.count(Severity::Info))
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn one(renderer: &Renderer, report: &Diagnosis, path: &str, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::NOTE,
    };
    let message = escape(&d.message).into_owned();
    let title = level.primary_title(message).id(d.code);
    let mut elements: Vec<Element<'_>> = Vec::new();
    match (d.line(), d.column()) {
        (Some(line), Some(column)) if report.line(line).is_some() => {
            let text = report.line(line).unwrap_or_default();
            let start = column.saturating_sub(1);
            let before: String = text.chars().take(start).collect();
            let word: String = text
                .chars()
                .skip(start)
                .take_while(|c| !c.is_whitespace())
                .collect();
            let shown = escape(text).into_owned();
            let from = escape(&before).len().min(shown.len());
            let to = (from + escape(&word).len()).min(shown.len());
            let to = if to == from {
                (from + 1).min(shown.len())
            } else {
                to
            };
            elements.push(
                Snippet::source(shown)
                    .line_start(line)
                    .path(path.to_owned())
                    .annotation(AnnotationKind::Primary.span(from..to))
                    .into(),
            );
        }
        _ => {
            elements.push(Level::NOTE.message(format!("in {path}")).into());
        }
    }
    if let Some(help) = &d.suggestion {
        elements.push(Level::HELP.message(escape(help).into_owned()).into());
    }
    if let Some(fix) = &d.fix {
        let text = if fix.replacement.is_empty() {
            format!("`discscope fix` removes line {}", fix.line)
        } else {
            format!(
                "`discscope fix` writes line {} as `{}`",
                fix.line,
                escape(&fix.replacement.replace('\n', "` + `"))
            )
        };
        elements.push(Level::NOTE.message(text).into());
    }
    renderer.render(&[title.elements(elements)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_line_caret_help_and_escapes_sheet_text() {
        let dir = tempfile::tempdir().unwrap();
        let sheet = b"FILE \"evil\x1b[2J\xe2\x80\xae.bin\" BINARY\n  TRAK 01 AUDIO\n";
        let mut report = crate::lint::check_bytes(sheet, dir.path());
        report.path = "x.cue".into();
        let plain = render(&report, false);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(!plain.contains('\u{202e}'), "{plain}");
        assert!(plain.contains("\\x1b[2J"), "{plain}");
        assert!(
            plain.contains("error[cue.unknown-command]: unknown command `TRAK`"),
            "{plain}"
        );
        assert!(plain.contains("2 |   TRAK 01 AUDIO\n  |   ^^^^"), "{plain}");
        assert!(plain.contains("help: did you mean `TRACK`?"), "{plain}");
        assert!(plain.contains(" --> x.cue:2:3"), "{plain}");
        let coloured = render(&report, true);
        assert!(coloured.contains('\x1b'));
        // Only the renderer's own colour codes: the sheet's ESC stays escaped.
        assert!(!coloured.contains("\x1b[2J"), "{coloured}");
    }
}
