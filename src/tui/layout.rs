//! Where each pane goes for a terminal size: drawing and mouse hit-testing
//! both read this one layout.

use ratatui::layout::{Constraint, Layout, Rect};

/// Where each pane goes for a terminal size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
