//! The one-line prompt for `g` (go to) and `/` (search).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::escape::escape;
use crate::tui::app::{Prompt, PromptKind};
use crate::tui::theme::Theme;

/// The prompt on the hint line; an error takes the status line above it,
/// so a long one is read whole on a narrow screen.
pub fn render(frame: &mut Frame, status: Rect, hints: Rect, prompt: &Prompt, theme: &Theme) {
    let label = match prompt.kind {
        PromptKind::Goto => "go to (LBA, -150, mm:ss:ff, 0x offset): ",
        PromptKind::Search => "search (text, or x 43 44 30; Enter repeats): ",
        PromptKind::Export => "write to (.iso .wav .cue .toc for a track): ",
    };
    let spans = vec![
        Span::styled(label, theme.key()),
        Span::raw(escape(&prompt.input).into_owned()),
        Span::styled(" ", theme.cursor()),
    ];
    if let Some(error) = &prompt.error {
        frame.render_widget(Clear, status);
        let text = Line::styled(format!(" {}", escape(error)), theme.error());
        frame.render_widget(Paragraph::new(text), status);
    }
    frame.render_widget(Clear, hints);
    frame.render_widget(Paragraph::new(Line::from(spans)), hints);
}
