//! Lays out the screen and hands each area to its pane. Rendering reads the
//! state and never does I/O.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::app::{App, Overlay, Pane};
use crate::tui::panes;
use crate::tui::theme::Theme;

/// Where each pane goes for a terminal size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub tracks: Rect,
    pub tree: Rect,
    /// Empty when there are no findings to list.
    pub diagnostics: Rect,
    pub hex: Rect,
    pub inspector: Rect,
    pub status: Rect,
    pub hints: Rect,
}

/// The layout: side by side when wide, hex over inspector when narrow; the
/// sheet's findings under the tree when there are any.
pub fn areas(size: Rect, diagnostics: bool) -> Areas {
    let [main, status, hints] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(size);
    let left_width = if size.width >= 120 { 34 } else { 24 };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(main);
    let (hex, inspector) = if size.width >= 150 {
        let [hex, inspector] =
            Layout::horizontal([Constraint::Min(60), Constraint::Length(48)]).areas(right);
        (hex, inspector)
    } else {
        let [hex, inspector] =
            Layout::vertical([Constraint::Percentage(62), Constraint::Min(5)]).areas(right);
        (hex, inspector)
    };
    let below = if diagnostics { 30 } else { 0 };
    let [tracks, tree, diagnostics] = Layout::vertical([
        Constraint::Percentage(if diagnostics { 30 } else { 40 }),
        Constraint::Min(3),
        Constraint::Percentage(below),
    ])
    .areas(left);
    Areas {
        tracks,
        tree,
        diagnostics,
        hex,
        inspector,
        status,
        hints,
    }
}

/// Hex bytes per row that fit a pane of `width` columns (borders included).
pub fn hex_columns(width: u16) -> usize {
    // offset (8) + gap (2) + 3 per byte + gap (1) + 1 per byte + borders (2)
    let usable = usize::from(width).saturating_sub(13);
    match usable / 4 {
        n if n >= 32 => 32,
        n if n >= 16 => 16,
        n if n >= 8 => 8,
        _ => 4,
    }
}

/// Fits the state to a terminal size: hex bytes per row and rows, disc map
/// cells. Called before drawing and after a resize.
pub fn fit(app: &mut App, size: Rect) {
    let areas = areas(size, app.has_diagnostics());
    app.set_hex_geometry(
        hex_columns(areas.hex.width),
        usize::from(areas.hex.height.saturating_sub(2)),
    );
    let (columns, rows) = panes::map::geometry(size);
    app.map_columns = columns.max(1);
    app.map_rows = rows.max(1);
    app.sync();
}

/// A left click: focus the pane under the pointer and select what was hit.
pub fn click(app: &mut App, screen: Rect, column: u16, row: u16) {
    let areas = areas(screen, app.has_diagnostics());
    let at = ratatui::layout::Position { x: column, y: row };
    if areas.tracks.contains(at) {
        app.focus = Pane::Tracks;
        let line = usize::from(row.saturating_sub(areas.tracks.y + 1));
        app.select_track_line(line);
    } else if areas.diagnostics.contains(at) {
        app.focus = Pane::Diagnostics;
        let row = usize::from(row.saturating_sub(areas.diagnostics.y + 1));
        if row < app.lint.as_ref().map_or(0, |r| r.diagnostics.len()) {
            app.diagnostic_row = row;
        }
    } else if areas.tree.contains(at) {
        app.focus = Pane::Tree;
        app.tree_state.click_at(at);
    } else if areas.hex.contains(at) {
        app.focus = Pane::Hex;
        let columns = app.hex_columns;
        let x = usize::from(column.saturating_sub(areas.hex.x + 1));
        let line = usize::from(row.saturating_sub(areas.hex.y + 1)) + app.hex_top;
        // "oooo  " then 3 columns a byte with an extra space mid-row, then "|text|".
        let rel = x.checked_sub(6);
        let text_start = 3 * columns + 2;
        let byte = rel.and_then(|rel| {
            if rel < 3 * columns + 1 {
                let rel = if rel >= 3 * (columns / 2) {
                    rel.saturating_sub(1)
                } else {
                    rel
                };
                Some(rel / 3)
            } else {
                rel.checked_sub(text_start).filter(|&i| i < columns)
            }
        });
        if let Some(byte) = byte.filter(|&b| b < columns) {
            app.click_byte(line * columns + byte);
        }
    } else if areas.inspector.contains(at) {
        app.focus = Pane::Inspector;
    }
}

/// Draws one frame.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let theme = Theme {
        color: app.options.color,
        ascii: app.options.ascii,
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
