//! The help overlay, generated from the key map: every key, what it does
//! and where it acts, scrolled with the arrows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::keymap::BINDINGS;
use crate::tui::theme::Theme;

/// Columns for a binding's keys.
const KEYS: usize = 12;

/// Every line of the help, `width` cells wide.
fn lines(width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let text_width = width.saturating_sub(KEYS + 2).max(10);
    let mut lines = Vec::new();
    for binding in BINDINGS {
        let place = binding.acts.describe();
        let text = if place.is_empty() {
            binding.help.to_owned()
        } else {
            format!("{} [{place}]", binding.help)
        };
        for (i, chunk) in super::wrap(&text, text_width).into_iter().enumerate() {
            let keys = if i == 0 { binding.label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys:<KEYS$}"), theme.key()),
                Span::raw(chunk),
            ]));
        }
    }
    lines.push(Line::raw(""));
    for text in [
        "Mouse: a click focuses a pane and selects a row, a byte or a tab; the wheel scrolls.",
        "Keys in [brackets] act only in those panes; the line at the bottom offers what acts in the focused one.",
    ] {
        for chunk in super::wrap(text, width.saturating_sub(2)) {
            lines.push(Line::styled(format!(" {chunk}"), theme.dim()));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, screen: Rect, top: usize, theme: &Theme) {
    let width = screen.width.min(80);
    let all = lines(usize::from(width.saturating_sub(2)), theme);
    let wanted = u16::try_from(all.len() + 2).unwrap_or(u16::MAX);
    let height = wanted.min(screen.height);
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    let rows = usize::from(height.saturating_sub(2));
    let top = top.min(all.len().saturating_sub(rows));
    let title = if all.len() > rows {
        " Keys (↑↓ scroll, any other key closes) "
    } else {
        " Keys (any key closes) "
    };
    let title = if theme.ascii {
        title.replace("↑↓", "up/down")
    } else {
        title.to_owned()
    };
    let shown: Vec<Line> = all.into_iter().skip(top).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(shown).block(super::block(&title, theme, true)),
        area,
    );
}
