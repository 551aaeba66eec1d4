//! The status line (image, address, track, mode, jobs) and the key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::escape::escape;
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, status: Rect, hints: Rect, app: &App, theme: &Theme) {
    let name = app
        .medium
        .path
        .file_name()
        .map(|n| escape(&n.to_string_lossy()).into_owned())
        .unwrap_or_default();
    let track = app
        .sector
        .track
        .and_then(|t| app.medium.tracks.get(t))
        .map_or_else(
            || "-".to_owned(),
            |t| format!("T{:02} {}", t.number, t.mode.cue_name()),
        );
    let address = app.medium.describe_address(app.lba);
    // A message answers the last key, so it comes before what is always
    // there (and what a narrow screen cuts off).
    let mut text = match &app.message {
        Some(message) => format!(" {} | {name} | {address} | {track}", escape(message)),
        None => format!(" {name} | {address} | {track}"),
    };
    if let Some(owner) = app.sector_context.as_ref().and_then(|c| c.owners.first()) {
        let what = match owner.what() {
            "" => owner.kind.as_str(),
            what => what,
        };
        text.push_str(&format!(" | {}", escape(what)));
    }
    for job in &app.jobs {
        let percent = (job.done * 100).checked_div(job.total).unwrap_or(0);
        text.push_str(&format!(
            " | {} {percent}% (Esc cancels)",
            escape(&job.label)
        ));
    }
    let width = usize::from(status.width);
    let text = format!("{text:<width$}");
    frame.render_widget(Paragraph::new(Line::styled(text, theme.status())), status);

    // The keys that act in the focused pane, as many as fit.
    let mut spans = Vec::new();
    let mut used = 0;
    let width = usize::from(hints.width);
    // Help first: it is the way to everything the line has no room for.
    let mut offered = keymap::hints(app.focus);
    offered.sort_by_key(|&(_, word)| word != "help");
    for (key, word) in offered {
        let cells = key.chars().count() + word.chars().count() + 3;
        if used + cells > width {
            break;
        }
        used += cells;
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::raw(format!(" {word} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), hints);
}
