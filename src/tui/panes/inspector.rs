//! The inspector: what the sector is, where it came from, and what the byte
//! under the cursor means.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::inspect::escape;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let view = &app.sector;
    let medium = &app.medium;
    let mut lines = Vec::new();
    let track = view.track.and_then(|t| medium.tracks.get(t));
    let label = |name: &str, value: String| {
        Line::from(vec![
            ratatui::text::Span::styled(format!("{name:<10}"), theme.title()),
            ratatui::text::Span::raw(value),
        ])
    };
    lines.push(label(
        "sector",
        format!(
            "{} ({})",
            app.lba,
            app.lba
                .to_msf()
                .map(|m| m.to_string())
                .unwrap_or_else(|| "--:--:--".into())
        ),
    ));
    lines.push(label(
        "track",
        track.map_or_else(
            || "none".into(),
            |t| format!("{} {} ({})", t.number, t.mode.cue_name(), t.kind()),
        ),
    ));
    lines.push(label("from", escape(&view.origin).into_owned()));
    let range = app.shown_range();
    let offset = range.start + app.cursor;
    if let Some(&byte) = view.bytes.get(offset) {
        lines.push(Line::raw(""));
        let in_file = view
            .file_offset
            .map(|base| format!(", file {:#x}", base + offset as u64))
            .unwrap_or_default();
        lines.push(label("byte", format!("{offset:#06x} ({offset}){in_file}")));
        let shown = if byte.is_ascii_graphic() {
            format!(" '{}'", byte as char)
        } else {
            String::new()
        };
        lines.push(label(
            "value",
            format!("{byte:#04x} {byte} {byte:08b}{shown}"),
        ));
        if let Some(field) = view.field_at(offset) {
            lines.push(label(
                "field",
                format!(
                    "{} [{}..{}), {} bytes",
                    field.name,
                    field.start,
                    field.start + field.len,
                    field.len
                ),
            ));
        }
    }
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(super::block(" Inspector ", theme, focused));
    frame.render_widget(paragraph, area);
}
