//! The inspector: what the byte under the cursor means, what the sector
//! is, what its checks found and who owns it; or, when the tree is its
//! subject, the selected file's extents and dates or a structure's fields.
//! It scrolls when focused, and wraps at word boundaries.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::escape::escape;
use crate::inspect::notes::{Note, Tone};
use crate::tui::app::{App, Subject};
use crate::tui::theme::Theme;

/// Columns taken by a note's label.
const LABEL: usize = 10;

/// The notes as screen lines `width` cells wide: long values wrap under
/// themselves, not under the label.
pub fn lines(notes: &[Note], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let value_width = width.saturating_sub(LABEL).max(8);
    let mut lines = Vec::new();
    for note in notes {
        let style = match note.tone {
            Tone::Plain => Style::new(),
            Tone::Good => theme.good(),
            Tone::Bad => theme.error(),
            Tone::Intended => theme.intended(),
            Tone::Heading => theme.title(),
        };
        let label = escape(&note.label);
        for (i, chunk) in super::wrap(&escape(&note.value), value_width)
            .into_iter()
            .enumerate()
        {
            let label = if i == 0 { label.as_ref() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:<LABEL$}"), theme.title()),
                Span::styled(chunk, style),
            ]));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let width = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2));
    let all = lines(&app.inspector_notes(), width, theme);
    let top = app.inspector_top.min(all.len().saturating_sub(height));
    let more = all.len().saturating_sub(top + height);
    let tree_row = app.subject == Subject::TreeRow && !app.tree_state.selected().is_empty();
    let what = if tree_row {
        "Inspector: selected entry"
    } else {
        "Inspector"
    };
    let title = match (top, more) {
        (0, 0) => format!(" {what} "),
        (_, 0) => format!(" {what} (↑ {top} more) "),
        (_, more) => format!(" {what} (↓ {more} more) "),
    };
    let title = if theme.ascii {
        title.replace('↑', "^").replace('↓', "v")
    } else {
        title
    };
    let shown: Vec<Line> = all.into_iter().skip(top).collect();
    let paragraph = Paragraph::new(shown).block(super::block(&title, theme, focused));
    frame.render_widget(paragraph, area);
}
