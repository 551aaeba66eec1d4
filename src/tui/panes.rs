//! The panes and overlays. Each renders from `App` for one frame.

pub mod diagnostics;
pub mod help;
pub mod hex;
pub mod inspector;
pub mod map;
pub mod prompt;
pub mod status;
pub mod tracks;
pub mod tree;

use ratatui::widgets::{Block, Borders};

use crate::tui::theme::Theme;

/// A pane's frame with its title.
pub fn block<'a>(title: &'a str, theme: &Theme, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border(focused))
        .title(title)
        .title_style(theme.title())
}
