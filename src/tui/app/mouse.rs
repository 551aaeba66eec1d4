//! The mouse: a click focuses the pane under the pointer and selects what
//! was hit, through the same layout the screen was drawn with.

use ratatui::layout::Position;

use super::{App, Effect, Pane};
use crate::tui::panes;

impl App {
    /// A left click at a screen cell.
    pub(super) fn click(&mut self, column: u16, row: u16) -> Vec<Effect> {
        let areas = self.areas;
        let at = Position { x: column, y: row };
        if areas.tabs.contains(at) {
            if let Some(pane) = panes::tabs::tab_at(self, column.saturating_sub(areas.tabs.x)) {
                self.focus_on(pane);
            }
        } else if areas.tracks.contains(at) {
            self.focus_on(Pane::Tracks);
            let line = usize::from(row.saturating_sub(areas.tracks.y + 1));
            self.select_track_line(line);
        } else if areas.diagnostics.contains(at) {
            self.focus_on(Pane::Diagnostics);
            let row = usize::from(row.saturating_sub(areas.diagnostics.y + 1));
            if row < self.lint.as_ref().map_or(0, |r| r.diagnostics.len()) {
                self.diagnostic_row = row;
            }
        } else if areas.tree.contains(at) {
            self.focus_on(Pane::Tree);
            self.tree_state.click_at(at);
        } else if areas.hex.contains(at) {
            self.focus_on(Pane::Hex);
            let x = usize::from(column.saturating_sub(areas.hex.x + 1));
            let line = usize::from(row.saturating_sub(areas.hex.y + 1)) + self.hex_top;
            if let Some(byte) = panes::hex::byte_at(self.hex_columns, x) {
                self.click_byte(line * self.hex_columns + byte);
            }
        } else if areas.inspector.contains(at) {
            self.focus_on(Pane::Inspector);
        }
        Vec::new()
    }
}
