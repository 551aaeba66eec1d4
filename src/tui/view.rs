//! Lays out the screen and hands each area to its pane. Rendering reads the
//! state and never does I/O.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::{App, Overlay, Pane};
use crate::tui::layout::areas;
use crate::tui::panes;
use crate::tui::theme::Theme;

/// Fits the state to a terminal size: hex bytes per row and rows, disc map
/// cells. Called before drawing and after a resize.
pub fn fit(app: &mut App, size: Rect) {
    let areas = areas(size, app.has_diagnostics());
    app.areas = areas;
    app.set_hex_geometry(
        panes::hex::bytes_per_row(areas.hex.width),
        usize::from(areas.hex.height.saturating_sub(2)),
    );
    let (columns, rows) = panes::map::geometry(size);
    app.map_columns = columns.max(1);
    app.map_rows = rows.max(1);
    app.sync();
}

/// Draws one frame.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let theme = Theme {
        color: app.appearance.color,
        ascii: app.appearance.ascii,
    };
    let areas = areas(frame.area(), app.has_diagnostics());
    panes::tracks::render(frame, areas.tracks, app, &theme, app.focus == Pane::Tracks);
    if app.has_diagnostics() {
        let focused = app.focus == Pane::Diagnostics;
        panes::diagnostics::render(frame, areas.diagnostics, app, &theme, focused);
    }
    let tree_focused = app.focus == Pane::Tree;
    panes::tree::render(frame, areas.tree, app, &theme, tree_focused);
    panes::hex::render(frame, areas.hex, app, &theme, app.focus == Pane::Hex);
    panes::inspector::render(
        frame,
        areas.inspector,
        app,
        &theme,
        app.focus == Pane::Inspector,
    );
    panes::status::render(frame, areas.status, areas.hints, app, &theme);
    match &app.overlay.clone() {
        Overlay::None => {}
        Overlay::Help => panes::help::render(frame, frame.area(), &theme),
        Overlay::Prompt(prompt) => panes::prompt::render(frame, areas.hints, prompt, &theme),
        Overlay::Map(at) => panes::map::render(frame, frame.area(), app, *at, &theme),
        Overlay::Sheet(line) => {
            panes::diagnostics::render_sheet(frame, frame.area(), app, *line, &theme)
        }
    }
}
