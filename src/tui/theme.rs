//! Colours: classify first (field kind, focus), colour second. With colour
//! off everything is plain and emphasis uses reverse video and bold only.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::sector::FieldKind;

/// Styles for one run of the UI.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    /// A pane's border: bright when focused.
    pub fn border(&self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().fg(Color::DarkGray),
            (false, true) => Style::new().add_modifier(Modifier::BOLD),
            (false, false) => Style::new(),
        }
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            }
        } else {
            border::PLAIN
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The colour of a sector field in the hex view.
    pub fn field(&self, kind: Option<FieldKind>) -> Style {
        if !self.color {
            return Style::new();
        }
        let color = match kind {
            Some(FieldKind::Sync) => Color::Magenta,
            Some(FieldKind::Header) => Color::Yellow,
            Some(FieldKind::Subheader) => Color::LightYellow,
            Some(FieldKind::UserData | FieldKind::Data) => Color::Reset,
            Some(FieldKind::Audio) => Color::LightBlue,
            Some(FieldKind::Edc) => Color::LightGreen,
            Some(FieldKind::Zero) => Color::DarkGray,
            Some(FieldKind::EccP) => Color::LightCyan,
            Some(FieldKind::EccQ) => Color::Cyan,
            Some(FieldKind::Subchannel) => Color::LightMagenta,
            None => Color::DarkGray,
        };
        Style::new().fg(color)
    }

    /// The byte under the cursor.
    pub fn cursor(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The other bytes of the cursor's field.
    pub fn cursor_field(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// A byte of the last search's match.
    pub fn found(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::LightGreen)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A bookmarked byte.
    pub fn marked(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::LightBlue)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// A byte the repair preview would change.
    pub fn repaired(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn error(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn good(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Green)
        } else {
            Style::new()
        }
    }

    pub fn intended(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new()
        }
    }

    pub fn status(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn key(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
}
