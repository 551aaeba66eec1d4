//! Lays out the screen and hands each area to its pane. Rendering reads the
//! state and never does I/O.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::{App, Overlay, Pane};
use crate::tui::layout::{Arrangement, areas};
use crate::tui::panes;
use crate::tui::theme::Theme;

/// Fits the state to a terminal size: the layout, hex bytes per row and
/// rows, disc map cells. Called before drawing and after a resize.
pub fn fit(app: &mut App, size: Rect) {
    let areas = areas(size, app.has_diagnostics(), app.focus);
    app.areas = areas;
    // A tab not on screen keeps the geometry it had.
    if !areas.hex.is_empty() {
        app.set_hex_geometry(
            panes::hex::bytes_per_row(areas.hex.width),
            usize::from(areas.hex.height.saturating_sub(2)),
        );
    }
    let (columns, rows) = panes::map::geometry(size);
    app.map_columns = columns.max(1);
    app.map_rows = rows.max(1);
    app.sync();
}

/// Draws one frame, in the areas `fit` laid out.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let theme = Theme {
        color: app.appearance.color,
        ascii: app.appearance.ascii,
    };
    let areas = app.areas;
    if areas.arrangement == Arrangement::Tabbed {
        panes::tabs::render(frame, areas.tabs, app, &theme);
    }
    let focus = app.focus;
    let focused = |pane| focus == pane;
    if !areas.tracks.is_empty() {
        panes::tracks::render(frame, areas.tracks, app, &theme, focused(Pane::Tracks));
    }
    if !areas.diagnostics.is_empty() {
        let focused = focused(Pane::Diagnostics);
        panes::diagnostics::render(frame, areas.diagnostics, app, &theme, focused);
    }
    if !areas.tree.is_empty() {
        let focused = focused(Pane::Tree);
        panes::tree::render(frame, areas.tree, app, &theme, focused);
    }
    if !areas.hex.is_empty() {
        panes::hex::render(frame, areas.hex, app, &theme, focused(Pane::Hex));
    }
    if !areas.inspector.is_empty() {
        let focused = focused(Pane::Inspector);
        panes::inspector::render(frame, areas.inspector, app, &theme, focused);
    }
    panes::status::render(frame, areas.status, areas.hints, app, &theme);
    match &app.overlay.clone() {
        Overlay::None => {}
        Overlay::Help(top) => panes::help::render(frame, frame.area(), *top, &theme),
        Overlay::Prompt(prompt) => {
            panes::prompt::render(frame, areas.status, areas.hints, prompt, &theme)
        }
        Overlay::Map(at) => panes::map::render(frame, frame.area(), app, *at, &theme),
        Overlay::Sheet(line) => {
            panes::diagnostics::render_sheet(frame, frame.area(), app, *line, &theme)
        }
        Overlay::Bookmarks(row) => panes::bookmarks::render(frame, frame.area(), app, *row, &theme),
    }
}
