//! The cue doctor's findings, and the sheet overlay that shows a finding's
//! line in place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::diagnostic::Severity;
use crate::escape::escape;
use crate::tui::app::App;
use crate::tui::theme::Theme;

fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::Error => theme.error(),
        Severity::Warning => theme.intended(),
        Severity::Info => theme.dim(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let Some(report) = &app.lint else { return };
    let title = format!(
        " Sheet: {} errors, {} warnings ",
        report.errors(),
        report.warnings()
    );
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let top = app.diagnostic_row.saturating_sub(height - 1);
    let lines: Vec<Line> = report
        .diagnostics
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, d)| {
            let place = d.line().map_or_else(String::new, |l| format!("{l}: "));
            let text = format!("{place}{}", escape(&d.message));
            let style = if i == app.diagnostic_row && focused {
                theme.selected()
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(
                    format!("{} ", severity_letter(d.severity)),
                    severity_style(d.severity, theme),
                ),
                Span::styled(text, style),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(super::block(&title, theme, focused)),
        area,
    );
}

fn severity_letter(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Info => "i",
    }
}

/// The sheet with `line` highlighted and its findings under it.
pub fn render_sheet(frame: &mut Frame, screen: Rect, app: &App, line: usize, theme: &Theme) {
    let Some(report) = &app.lint else { return };
    let area = Rect {
        x: screen.x + 2,
        y: screen.y + 1,
        width: screen.width.saturating_sub(4),
        height: screen.height.saturating_sub(3),
    };
    let height = usize::from(area.height.saturating_sub(4)).max(1);
    let top = line.saturating_sub(height / 2).max(1);
    // The first finding's column on the marked line, for a caret under it.
    let column = report
        .diagnostics
        .iter()
        .filter(|d| d.line() == Some(line))
        .find_map(|d| d.column());
    let mut lines: Vec<Line> = Vec::new();
    for n in top..top + height {
        let Some(text) = report.line(n) else { continue };
        let here = n == line;
        let style = if here { theme.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{n:>4} {} ", if here { '>' } else { '|' }),
                theme.dim(),
            ),
            Span::styled(escape(text).into_owned(), style),
        ]));
        if let Some(column) = column.filter(|_| here) {
            let caret = format!("{:>width$}^", "", width = 7 + column.saturating_sub(1));
            lines.push(Line::styled(caret, theme.error()));
        }
    }
    lines.push(Line::raw(""));
    for d in report.diagnostics.iter().filter(|d| d.line() == Some(line)) {
        lines.push(Line::styled(
            format!("{}[{}]: {}", d.severity, d.code, escape(&d.message)),
            severity_style(d.severity, theme),
        ));
        if let Some(help) = &d.suggestion {
            lines.push(Line::raw(format!("  help: {}", escape(help))));
        }
    }
    let hint = match report.sectors.get(&line) {
        Some(lba) => format!("Enter goes to sector {lba}; ↑↓ move; Esc closes"),
        None => "↑↓ move; Esc closes".to_owned(),
    };
    lines.push(Line::styled(hint, theme.dim()));
    let name = report
        .path
        .file_name()
        .map(|n| escape(&n.to_string_lossy()).into_owned())
        .unwrap_or_default();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(super::block(&format!(" {name} "), theme, true)),
        area,
    );
}
