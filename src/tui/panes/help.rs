//! The help overlay, generated from the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::keymap::BINDINGS;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, screen: Rect, theme: &Theme) {
    let width = screen.width.min(72);
    let height = (BINDINGS.len() as u16 + 4).min(screen.height);
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<12}", b.label), theme.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" any key closes this help", theme.dim()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(super::block(" Keys ", theme, true)),
        area,
    );
}
