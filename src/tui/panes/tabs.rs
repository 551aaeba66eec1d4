//! The tab bar of the narrow layout: one tab per pane, the focused one
//! highlighted; clicks land on the same cells the bar was drawn in.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::layout::Pane;
use crate::tui::theme::Theme;

/// The tabs shown and the columns (from the bar's left edge) each takes.
pub fn tabs(app: &App) -> Vec<(Pane, Range<u16>)> {
    let mut at = 0u16;
    Pane::ALL
        .into_iter()
        .filter(|&p| p != Pane::Diagnostics || app.has_diagnostics())
        .map(|pane| {
            let width = u16::try_from(title(app, pane).len()).unwrap_or(0) + 2;
            let range = at..at + width;
            at += width + 1;
            (pane, range)
        })
        .collect()
}

/// A tab's title: a disk lists partitions where a disc lists tracks.
fn title(app: &App, pane: Pane) -> &'static str {
    match pane {
        Pane::Tracks if app.medium.tracks.is_empty() => "Partitions",
        _ => pane.title(),
    }
}

/// The tab under column `x` of the bar.
pub fn tab_at(app: &App, x: u16) -> Option<Pane> {
    tabs(app)
        .into_iter()
        .find(|(_, range)| range.contains(&x))
        .map(|(pane, _)| pane)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for (pane, _) in tabs(app) {
        let style = if pane == app.focus {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {} ", title(app, pane)), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled("Tab switches", theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
