//! Key bindings as data: one table maps keys to actions in the panes where
//! they act, and also renders the help overlay and the hint line, so they
//! can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::Action;
use crate::tui::layout::Pane;

/// Where a binding acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    Everywhere,
    /// The hex pane and the inspector: the sector on screen.
    Sector,
    Only(&'static [Pane]),
}

impl Where {
    pub fn includes(self, pane: Pane) -> bool {
        match self {
            Where::Everywhere => true,
            Where::Sector => matches!(pane, Pane::Hex | Pane::Inspector),
            Where::Only(panes) => panes.contains(&pane),
        }
    }

    /// How help names the panes.
    pub fn describe(self) -> &'static str {
        match self {
            Where::Everywhere => "",
            Where::Sector => "hex, inspector",
            Where::Only([Pane::Tree]) => "files",
            Where::Only([Pane::Tracks, Pane::Tree, Pane::Diagnostics]) => "tracks, files, sheet",
            Where::Only([Pane::Hex, Pane::Inspector, Pane::Tree]) => "hex, inspector, files",
            Where::Only([Pane::Tracks, Pane::Tree]) => "tracks, files",
            Where::Only(_) => "some panes",
        }
    }
}

/// One binding: the keys, what they do and where, and how help and the
/// hint line describe them.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How help shows the keys.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// The hint line's keys and short word, when it offers the binding.
    pub hint: Option<(&'static str, &'static str)>,
    pub acts: Where,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn bind(
    keys: &'static [(KeyCode, KeyModifiers)],
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<(&'static str, &'static str)>,
    acts: Where,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
        hint,
        acts,
    }
}

const OPENABLE: Where = Where::Only(&[Pane::Tracks, Pane::Tree, Pane::Diagnostics]);
const TREE: Where = Where::Only(&[Pane::Tree]);
const EXPORTABLE: Where = Where::Only(&[Pane::Tracks, Pane::Tree]);
const SIDEWAYS: Where = Where::Only(&[Pane::Hex, Pane::Inspector, Pane::Tree]);

/// Every binding, in the order help lists them and the hint line offers
/// them (the hint line shows what fits).
pub const BINDINGS: &[Binding] = &[
    bind(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        "open: a track, file or structure goes to its first sector; a finding shows its sheet line",
        Some(("Enter", "open")),
        OPENABLE,
    ),
    bind(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Toggle,
        "fold or unfold a folder, view or structure list",
        Some(("Space", "fold")),
        TREE,
    ),
    bind(
        &[(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        "← h",
        Action::Left,
        "previous byte; in files: fold, or go to the parent",
        Some(("←→", "step")),
        SIDEWAYS,
    ),
    bind(
        &[(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        "→ l",
        Action::Right,
        "next byte; in files: unfold",
        None,
        SIDEWAYS,
    ),
    bind(
        &[(KeyCode::Char('n'), NONE)],
        "n",
        Action::NextSector,
        "next sector",
        Some(("n/p", "sector")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('p'), NONE)],
        "p",
        Action::PrevSector,
        "previous sector",
        None,
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char(']'), NONE)],
        "]",
        Action::NextTrack,
        "next track",
        Some(("[ ]", "track")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('['), NONE)],
        "[",
        Action::PrevTrack,
        "previous track",
        None,
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('g'), NONE)],
        "g",
        Action::Goto,
        "go to an address: LBA, -150, mm:ss:ff or a 0x byte offset",
        Some(("g", "go to")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char('/'), NONE)],
        "/",
        Action::Search,
        "search the image for text, or bytes with /x 43 44 30; Enter on an empty prompt repeats",
        Some(("/", "find")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char(';'), NONE)],
        ";",
        Action::NextMatch,
        "the next match of the last search",
        Some(("; ,", "again")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char(','), NONE)],
        ",",
        Action::PrevMatch,
        "the previous match of the last search",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char('e'), NONE)],
        "e",
        Action::NextError,
        "next bad sector (verification runs in the background)",
        Some(("e", "bad")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('E'), NONE), (KeyCode::Char('E'), SHIFT)],
        "E",
        Action::PrevError,
        "previous bad sector",
        None,
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('o'), NONE)],
        "o",
        Action::Owner,
        "show this sector's owner (file or structure) in the files",
        Some(("o", "owner")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('v'), NONE)],
        "v",
        Action::ToggleView,
        "raw sector or user data only",
        Some(("v", "view")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('r'), NONE)],
        "r",
        Action::Repair,
        "repair preview by the sector's own ECC (writes nothing)",
        Some(("r", "repair")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('y'), NONE)],
        "y",
        Action::Annotate,
        "copy the sector, annotated, for a bug report (file and clipboard)",
        Some(("y", "copy")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('b'), NONE)],
        "b",
        Action::Bookmark,
        "bookmark this byte (again: remove it)",
        Some(("b", "mark")),
        Where::Sector,
    ),
    bind(
        &[(KeyCode::Char('B'), NONE), (KeyCode::Char('B'), SHIFT)],
        "B",
        Action::Bookmarks,
        "list the bookmarks; Enter jumps",
        Some(("B", "marks")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char('x'), NONE)],
        "x",
        Action::Export,
        "write out: a track as .iso or .wav (.cue or .toc: the whole disc), a file as itself; asks where, runs in the background",
        Some(("x", "export")),
        EXPORTABLE,
    ),
    bind(
        &[(KeyCode::Char('m'), NONE)],
        "m",
        Action::Map,
        "disc map: the whole image; Enter jumps",
        Some(("m", "map")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Tab, NONE)],
        "Tab",
        Action::FocusNext,
        "next pane",
        Some(("Tab", "pane")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        "Shift-Tab",
        Action::FocusPrev,
        "previous pane",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "↑ k",
        Action::Up,
        "move up (inspector: scroll)",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "↓ j",
        Action::Down,
        "move down (inspector: scroll)",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::PageUp, NONE)],
        "PgUp",
        Action::PageUp,
        "page up",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::PageDown, NONE)],
        "PgDn",
        Action::PageDown,
        "page down",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Home, NONE)],
        "Home",
        Action::Home,
        "first line or byte",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::End, NONE)],
        "End",
        Action::End,
        "last line or byte",
        None,
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Esc, NONE)],
        "Esc",
        Action::Cancel,
        "close an overlay, cancel a search",
        None,
        Where::Everywhere,
    ),
    bind(
        &[
            (KeyCode::Char('?'), NONE),
            (KeyCode::Char('?'), SHIFT),
            (KeyCode::F(1), NONE),
        ],
        "?",
        Action::Help,
        "this help",
        Some(("?", "help")),
        Where::Everywhere,
    ),
    bind(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        "q, Ctrl-C",
        Action::Quit,
        "quit",
        Some(("q", "quit")),
        Where::Everywhere,
    ),
];

/// The binding of a key press, wherever it acts.
fn binding_for(key: KeyEvent) -> Option<&'static Binding> {
    // Shifted characters arrive with SHIFT on some terminals and not others.
    let modifiers = if matches!(key.code, KeyCode::Char(_)) {
        key.modifiers - KeyModifiers::SHIFT
    } else {
        key.modifiers
    };
    BINDINGS.iter().find(|b| {
        b.keys
            .iter()
            .any(|&(code, mods)| code == key.code && (mods == modifiers || mods == key.modifiers))
    })
}

/// The action a key press asks for in `pane`; `None` where it does not act.
pub fn action_for(key: KeyEvent, pane: Pane) -> Option<Action> {
    binding_for(key)
        .filter(|b| b.acts.includes(pane))
        .map(|b| b.action)
}

/// The action of a key press in any pane: overlays cover the panes and
/// take every bound key.
pub fn action_anywhere(key: KeyEvent) -> Option<Action> {
    binding_for(key).map(|b| b.action)
}

/// The hint line for a pane: the keys and short words of what acts there.
pub fn hints(pane: Pane) -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.acts.includes(pane))
        .filter_map(|b| b.hint)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_binding_and_acts_where_it_says() {
        let mut seen = std::collections::HashSet::new();
        for binding in BINDINGS {
            for key in binding.keys {
                assert!(seen.insert(*key), "{key:?} bound twice");
            }
        }
        let key = |c| KeyEvent::new(KeyCode::Char(c), NONE);
        assert_eq!(action_for(key('q'), Pane::Tree), Some(Action::Quit));
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('?'), SHIFT), Pane::Hex),
            Some(Action::Help)
        );
        assert_eq!(action_for(key('n'), Pane::Hex), Some(Action::NextSector));
        assert_eq!(
            action_for(key('n'), Pane::Tree),
            None,
            "sector keys act on the sector"
        );
        assert_eq!(action_for(key(' '), Pane::Tree), Some(Action::Toggle));
        assert_eq!(action_for(key('z'), Pane::Hex), None);
        let hex: Vec<_> = hints(Pane::Hex).into_iter().map(|h| h.0).collect();
        for wanted in ["e", "m", "v", "[ ]", "n/p", "?"] {
            assert!(hex.contains(&wanted), "{wanted} in {hex:?}");
        }
        let tree: Vec<_> = hints(Pane::Tree).into_iter().map(|h| h.0).collect();
        assert!(
            tree.contains(&"Space") && !tree.contains(&"n/p"),
            "{tree:?}"
        );
    }
}
