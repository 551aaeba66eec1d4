//! Key bindings as data: one table maps keys to actions and also renders the
//! help overlay and the hint line, so they can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::Action;

/// One binding: the keys, what they do, and how help describes them.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How help shows the keys.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// Shown on the one-line hint bar.
    pub hint: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// Every binding, in the order help lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        label: "q, Ctrl-C",
        action: Action::Quit,
        help: "quit",
        hint: true,
    },
    Binding {
        keys: &[
            (KeyCode::Char('?'), NONE),
            (KeyCode::Char('?'), SHIFT),
            (KeyCode::F(1), NONE),
        ],
        label: "?",
        action: Action::Help,
        help: "this help",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        action: Action::FocusNext,
        help: "next pane",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "Shift-Tab",
        action: Action::FocusPrev,
        help: "previous pane",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        label: "↑ k",
        action: Action::Up,
        help: "move up",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        label: "↓ j",
        action: Action::Down,
        help: "move down",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        label: "← h",
        action: Action::Left,
        help: "move left (hex: previous byte)",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        label: "→ l",
        action: Action::Right,
        help: "move right (hex: next byte)",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE)],
        label: "PgUp",
        action: Action::PageUp,
        help: "page up",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE)],
        label: "PgDn",
        action: Action::PageDown,
        help: "page down",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Home, NONE)],
        label: "Home",
        action: Action::Home,
        help: "first line or byte",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::End, NONE)],
        label: "End",
        action: Action::End,
        help: "last line or byte",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('n'), NONE)],
        label: "n",
        action: Action::NextSector,
        help: "next sector",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Char('p'), NONE)],
        label: "p",
        action: Action::PrevSector,
        help: "previous sector",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Char(']'), NONE)],
        label: "]",
        action: Action::NextTrack,
        help: "next track",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('['), NONE)],
        label: "[",
        action: Action::PrevTrack,
        help: "previous track",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('g'), NONE)],
        label: "g",
        action: Action::Goto,
        help: "go to an address: LBA, -150, mm:ss:ff or 0x byte offset",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        action: Action::Search,
        help: "search the image for text, or bytes with /x 43 44 30",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        action: Action::Open,
        help: "open: a track or file goes to its first sector",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('v'), NONE)],
        label: "v",
        action: Action::ToggleView,
        help: "raw sector or user data only",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        action: Action::Repair,
        help: "repair preview by the sector's own ECC (writes nothing)",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        action: Action::Owner,
        help: "show this sector's owner (file or structure) in the tree",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Char('e'), NONE)],
        label: "e",
        action: Action::NextError,
        help: "next bad sector (verification runs in the background)",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Char('E'), NONE), (KeyCode::Char('E'), SHIFT)],
        label: "E",
        action: Action::PrevError,
        help: "previous bad sector",
        hint: false,
    },
    Binding {
        keys: &[(KeyCode::Char('m'), NONE)],
        label: "m",
        action: Action::Map,
        help: "disc map: the whole image; Enter jumps",
        hint: true,
    },
    Binding {
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        action: Action::Cancel,
        help: "close an overlay, cancel a search",
        hint: false,
    },
];

/// The action bound to a key press, if any.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    // Shifted characters arrive with SHIFT on some terminals and not others.
    let modifiers = if matches!(key.code, KeyCode::Char(_)) {
        key.modifiers - KeyModifiers::SHIFT
    } else {
        key.modifiers
    };
    BINDINGS
        .iter()
        .find(|b| {
            b.keys.iter().any(|&(code, mods)| {
                code == key.code && (mods == modifiers || mods == key.modifiers)
            })
        })
        .map(|b| b.action)
}

/// The hint line: the most useful bindings, briefly.
pub fn hints() -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.hint)
        .map(|b| {
            (
                b.label.split(',').next().unwrap_or(b.label),
                b.help.split(':').next().unwrap_or(b.help),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_action() {
        let mut seen = std::collections::HashSet::new();
        for binding in BINDINGS {
            for key in binding.keys {
                assert!(seen.insert(*key), "{key:?} bound twice");
            }
        }
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('q'), NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('?'), SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(action_for(KeyEvent::new(KeyCode::Char('z'), NONE)), None);
    }
}
