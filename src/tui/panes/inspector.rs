//! The inspector: what the sector is, what its checks found, and what the
//! byte under the cursor means.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::inspect::escape;
use crate::inspect::notes::{self, Tone};
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let offset = app.shown_range().start + app.cursor;
    let context = app.sector_context.as_ref();
    let owners = context.map_or(&[][..], |c| c.owners.as_slice());
    let explained = context.and_then(|c| c.explained.as_ref());
    let lines: Vec<Line> = notes::sector_notes(&app.medium, &app.sector, offset, owners, explained)
        .into_iter()
        .map(|n| {
            let style = match n.tone {
                Tone::Plain => Style::new(),
                Tone::Good => theme.good(),
                Tone::Bad => theme.error(),
                Tone::Intended => theme.intended(),
                Tone::Heading => theme.title(),
            };
            Line::from(vec![
                Span::styled(format!("{:<10}", n.label), theme.title()),
                Span::styled(escape(&n.value).into_owned(), style),
            ])
        })
        .collect();
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(super::block(" Inspector ", theme, focused));
    frame.render_widget(paragraph, area);
}
