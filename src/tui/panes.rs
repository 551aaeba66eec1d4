//! The panes and overlays. Each renders from `App` for one frame.

pub mod bookmarks;
pub mod diagnostics;
pub mod help;
pub mod hex;
pub mod inspector;
pub mod map;
pub mod prompt;
pub mod status;
pub mod tabs;
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

/// Breaks text into lines of at most `width` characters at spaces; a word
/// longer than a line is cut, and only then.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        if len > 0 && len + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            len += 1 + word.len();
            continue;
        }
        if len > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        len = word.len();
        line = word.into_iter().collect();
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_cuts_only_long_words() {
        assert_eq!(
            wrap("ISO 9660 volume descriptor", 12),
            ["ISO 9660", "volume", "descriptor"]
        );
        assert_eq!(wrap("0123456789abcdef", 6), ["012345", "6789ab", "cdef"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("a bc", 4), ["a bc"]);
    }
}
