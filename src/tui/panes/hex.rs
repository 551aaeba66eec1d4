//! The hex pane: the current sector, every byte coloured by its field, the
//! byte under the cursor and its whole field highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::inspect::hex;
use crate::tui::app::{App, ViewMode};
use crate::tui::theme::Theme;

/// Cells before the first byte: the offset and a gap (`0000  `).
const OFFSET_CELLS: usize = 6;

/// Cells a hex pane needs for `bytes` a row (borders included): the
/// offset and its gap, three cells a byte and one for the mid-row gap, the
/// text between two bars, one cell of slack.
pub const fn hex_width(bytes: u16) -> u16 {
    2 + OFFSET_CELLS as u16 + 3 * bytes + 1 + 2 + bytes + 1
}

/// Hex bytes per row that fit a pane `width` cells wide.
pub fn bytes_per_row(width: u16) -> usize {
    [32u16, 16, 8]
        .into_iter()
        .find(|&n| hex_width(n) <= width)
        .map_or(4, usize::from)
}

/// The byte of a row that cell `x` (from the pane's inner left edge)
/// shows, in its hex or its text column; `columns` bytes per row.
pub fn byte_at(columns: usize, x: usize) -> Option<usize> {
    let rel = x.checked_sub(OFFSET_CELLS)?;
    let hex_cells = 3 * columns + 1;
    let byte = if rel < hex_cells {
        // The extra gap after the middle byte.
        let rel = if rel >= 3 * (columns / 2) {
            rel.saturating_sub(1)
        } else {
            rel
        };
        rel / 3
    } else {
        rel.checked_sub(hex_cells + 1)?
    };
    (byte < columns).then_some(byte)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let view = &app.sector;
    let track = view
        .track
        .and_then(|t| app.medium.tracks.get(t))
        .map_or_else(String::new, |t| {
            format!(" T{:02} {}", t.number, t.mode.cue_name())
        });
    let title = format!(
        " {}{track} {} {} bytes ",
        app.medium.describe_address(app.lba),
        match app.view {
            ViewMode::Raw => "raw",
            ViewMode::UserData => "user data",
        },
        app.shown_range().len()
    );
    let block = super::block(&title, theme, focused);
    if let Some(error) = &view.error {
        let text = Paragraph::new(Line::styled(
            crate::escape::escape(error).into_owned(),
            theme.error(),
        ))
        .block(block);
        frame.render_widget(text, area);
        return;
    }
    let columns = app.hex_columns;
    let range = app.shown_range();
    // The cursor's field: a structure field when the byte is in one (a
    // volume descriptor's label), else the sector field (user data).
    let cursor_field = app
        .cursor_span()
        .or_else(|| view.field_at(range.start + app.cursor).map(|f| f.range()));
    let rows = hex::rows(
        view,
        range.clone(),
        columns,
        app.hex_top,
        usize::from(area.height.saturating_sub(2)),
    );
    let marks: Vec<usize> = app.marks_in(view.lba).collect();
    let lines: Vec<Line> = rows
        .iter()
        .map(|row| {
            // Offsets count from the first byte shown: the user data's in
            // the user-data view.
            let shown_offset = row.offset - range.start;
            let mut spans = vec![Span::styled(format!("{shown_offset:04x}  "), theme.dim())];
            let mut text = Vec::with_capacity(row.bytes.len());
            for (i, &(byte, kind)) in row.bytes.iter().enumerate() {
                let offset = row.offset + i;
                let repaired = app
                    .repair
                    .as_ref()
                    .is_some_and(|r| r.changes.iter().any(|c| c.offset == offset));
                let style = if offset == range.start + app.cursor {
                    theme.cursor()
                } else if repaired {
                    theme.repaired()
                } else if app.in_match(offset) {
                    theme.found()
                } else if marks.contains(&offset) {
                    theme.marked()
                } else if cursor_field.as_ref().is_some_and(|f| f.contains(&offset)) {
                    theme.field(kind).patch(theme.cursor_field())
                } else {
                    theme.field(kind)
                };
                spans.push(Span::styled(format!("{byte:02x}"), style));
                spans.push(Span::raw(if i + 1 == columns / 2 { "  " } else { " " }));
                let shown = if byte.is_ascii_graphic() || byte == b' ' {
                    byte as char
                } else {
                    '.'
                };
                text.push(Span::styled(
                    shown.to_string(),
                    if offset == range.start + app.cursor {
                        theme.cursor()
                    } else {
                        theme.field(kind)
                    },
                ));
            }
            let pad = columns.saturating_sub(row.bytes.len()) * 3;
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled("|", Style::new()));
            spans.extend(text);
            spans.push(Span::styled("|", Style::new()));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
