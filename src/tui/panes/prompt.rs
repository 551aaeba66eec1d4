//! The one-line prompt for `g` (go to) and `/` (search).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::escape::escape;
use crate::tui::app::{Prompt, PromptKind};
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, prompt: &Prompt, theme: &Theme) {
    let label = match prompt.kind {
        PromptKind::Goto => "go to (LBA, mm:ss:ff, 0x offset): ",
        PromptKind::Search => "search (text, or x 43 44 30): ",
    };
    let mut spans = vec![
        Span::styled(label, theme.key()),
        Span::raw(escape(&prompt.input).into_owned()),
        Span::styled(" ", theme.cursor()),
    ];
    if let Some(error) = &prompt.error {
        spans.push(Span::styled(format!("  {}", escape(error)), theme.error()));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
