//! The inspector: what the sector is, what its checks found, who owns it,
//! and what the byte under the cursor means.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::escape::escape;
use crate::inspect::notes::{self, Tone};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Columns taken by a note's label.
const LABEL: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let offset = app.shown_range().start + app.cursor;
    let context = app.sector_context.as_ref();
    let owners = context.map_or(&[][..], |c| c.owners.as_slice());
    let explained = context.and_then(|c| c.explained.as_ref());
    let width = usize::from(area.width.saturating_sub(2))
        .saturating_sub(LABEL)
        .max(8);
    let mut lines = Vec::new();
    let repair = app.repair.as_ref();
    for note in notes::sector_notes(&app.medium, &app.sector, offset, owners, explained, repair) {
        let style = match note.tone {
            Tone::Plain => Style::new(),
            Tone::Good => theme.good(),
            Tone::Bad => theme.error(),
            Tone::Intended => theme.intended(),
            Tone::Heading => theme.title(),
        };
        // Long values wrap under themselves, not under the label.
        let value: Vec<char> = escape(&note.value).chars().collect();
        let mut chunks = value.chunks(width);
        let first: String = chunks.next().unwrap_or_default().iter().collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<LABEL$}", note.label), theme.title()),
            Span::styled(first, style),
        ]));
        for chunk in chunks {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(LABEL)),
                Span::styled(chunk.iter().collect::<String>(), style),
            ]));
        }
    }
    let paragraph = Paragraph::new(lines).block(super::block(" Inspector ", theme, focused));
    frame.render_widget(paragraph, area);
}
