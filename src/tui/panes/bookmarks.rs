//! The bookmark list overlay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::escape::escape;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, screen: Rect, app: &App, row: usize, theme: &Theme) {
    let width = screen.width.min(72);
    let height = u16::try_from(app.bookmarks.len() + 3)
        .unwrap_or(u16::MAX)
        .min(screen.height);
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    let rows = usize::from(height.saturating_sub(3)).max(1);
    let top = row.saturating_sub(rows - 1);
    let mut lines: Vec<Line> = app
        .bookmarks
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, mark)| {
            let text = format!(
                " {:<18} byte {:#06x}  {}",
                app.medium.describe_address(mark.lba()),
                mark.byte,
                escape(&mark.label)
            );
            let style = if i == row {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(text, style)
        })
        .collect();
    lines.push(Line::styled(
        " Enter jumps, b removes, Esc closes",
        theme.dim(),
    ));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(super::block(" Bookmarks ", theme, true)),
        area,
    );
}
