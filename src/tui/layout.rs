//! Where each pane goes for a terminal size: drawing and mouse hit-testing
//! both read this one layout.
//!
//! Three arrangements: side by side when wide (tracks and tree, hex sized
//! to whole rows of 16 or 32 bytes, the inspector taking the rest); hex
//! over inspector beside the left column when a 16-byte hex row and the
//! left column fit; and, on small terminals (80×24 over SSH), one pane at a
//! time under a tab bar, the hex pane and the tree keeping the inspector
//! below them.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::panes::hex::hex_width;

/// The panes focus cycles through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Tracks,
    Tree,
    Diagnostics,
    Hex,
    Inspector,
}

impl Pane {
    /// Every pane in focus order.
    pub const ALL: [Pane; 5] = [
        Pane::Tracks,
        Pane::Tree,
        Pane::Diagnostics,
        Pane::Hex,
        Pane::Inspector,
    ];

    /// The pane's title, as its tab and frame show it.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Tracks => "Tracks",
            Pane::Tree => "Files",
            Pane::Diagnostics => "Sheet",
            Pane::Hex => "Hex",
            Pane::Inspector => "Inspector",
        }
    }
}

/// How the panes share the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Arrangement {
    #[default]
    SideBySide,
    Stacked,
    /// One pane at a time under a tab bar.
    Tabbed,
}

/// Where each pane goes; a pane not shown has an empty area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub arrangement: Arrangement,
    /// The tab bar (tabbed arrangement only).
    pub tabs: Rect,
    pub tracks: Rect,
    pub tree: Rect,
    /// Empty when there are no findings to list.
    pub diagnostics: Rect,
    pub hex: Rect,
    pub inspector: Rect,
    pub status: Rect,
    pub hints: Rect,
}

impl Areas {
    /// The area of a pane (empty when not shown).
    pub fn of(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Tracks => self.tracks,
            Pane::Tree => self.tree,
            Pane::Diagnostics => self.diagnostics,
            Pane::Hex => self.hex,
            Pane::Inspector => self.inspector,
        }
    }
}

/// The left column's width beside the hex pane.
const LEFT: u16 = 34;
/// The inspector's narrowest useful width beside the hex pane.
const INSPECTOR_MIN: u16 = 48;
/// Below this height everything is tabbed.
const SHORT: u16 = 30;

/// The layout for a terminal `size`; `diagnostics` when the sheet has
/// findings to list, `focus` for the tabbed arrangement.
pub fn areas(size: Rect, diagnostics: bool, focus: Pane) -> Areas {
    let [main, status, hints] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(size);
    let mut areas = Areas {
        status,
        hints,
        ..Areas::default()
    };
    let sixteen = hex_width(16);
    if size.height < SHORT || size.width < LEFT + sixteen {
        return tabbed(areas, main, diagnostics, focus);
    }
    let [left, right] =
        Layout::horizontal([Constraint::Length(LEFT), Constraint::Min(sixteen)]).areas(main);
    let [tracks, tree, sheet] = Layout::vertical([
        Constraint::Percentage(if diagnostics { 30 } else { 40 }),
        Constraint::Min(3),
        Constraint::Percentage(if diagnostics { 30 } else { 0 }),
    ])
    .areas(left);
    areas.tracks = tracks;
    areas.tree = tree;
    areas.diagnostics = if diagnostics { sheet } else { Rect::default() };
    // The hex pane takes whole rows of 32 bytes, else 16; the inspector
    // the rest, beside it when it fits, else below.
    let hex = if right.width >= hex_width(32) + INSPECTOR_MIN {
        hex_width(32)
    } else {
        sixteen
    };
    if right.width >= hex + INSPECTOR_MIN {
        let [hex_area, inspector] =
            Layout::horizontal([Constraint::Length(hex), Constraint::Min(INSPECTOR_MIN)])
                .areas(right);
        areas.arrangement = Arrangement::SideBySide;
        areas.hex = hex_area;
        areas.inspector = inspector;
    } else {
        let [hex_area, inspector] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Min(6)]).areas(right);
        areas.arrangement = Arrangement::Stacked;
        areas.hex = hex_area;
        areas.inspector = inspector;
    }
    areas
}

/// One pane at a time under a tab bar; the hex pane keeps the inspector
/// below it, since a byte means little without its explanation.
fn tabbed(mut areas: Areas, main: Rect, diagnostics: bool, focus: Pane) -> Areas {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(main);
    areas.arrangement = Arrangement::Tabbed;
    areas.tabs = tabs;
    match focus {
        Pane::Tracks => areas.tracks = body,
        // The selected entry's extents and dates below the tree.
        Pane::Tree => {
            let [tree, inspector] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Min(4)]).areas(body);
            areas.tree = tree;
            areas.inspector = inspector;
        }
        Pane::Diagnostics if diagnostics => areas.diagnostics = body,
        Pane::Inspector => areas.inspector = body,
        Pane::Hex | Pane::Diagnostics => {
            let [hex, inspector] =
                Layout::vertical([Constraint::Percentage(62), Constraint::Min(4)]).areas(body);
            areas.hex = hex;
            areas.inspector = inspector;
        }
    }
    areas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrangements_by_size() {
        let at = |w, h| areas(Rect::new(0, 0, w, h), true, Pane::Hex);
        let small = at(80, 24);
        assert_eq!(small.arrangement, Arrangement::Tabbed);
        assert!(
            small.hex.width >= hex_width(16),
            "16 bytes a row at 80 columns"
        );
        assert_eq!(small.tracks, Rect::default());
        let medium = at(120, 40);
        assert_eq!(medium.arrangement, Arrangement::Stacked);
        assert_eq!(medium.hex.width, 120 - LEFT);
        let wide = at(200, 60);
        assert_eq!(wide.arrangement, Arrangement::SideBySide);
        assert_eq!(wide.hex.width, hex_width(16));
        assert!(wide.inspector.width >= INSPECTOR_MIN);
        let wider = at(260, 60);
        assert_eq!(wider.hex.width, hex_width(32));
    }
}
