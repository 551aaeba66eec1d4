//! Bookmarks in the application: mark or unmark the byte under the
//! cursor, list the marks, jump to one. Each change is saved by an effect.

use super::{App, Effect, Overlay, ViewMode};
use crate::tui::action::Action;
use crate::tui::bookmarks::{Bookmark, MAX_MARKS};
use crate::units::Lba;

impl App {
    /// `b`: marks the byte under the cursor, or unmarks it.
    pub(super) fn toggle_bookmark(&mut self) -> Vec<Effect> {
        let lba = self.sector.lba;
        let byte = self.shown_range().start + self.cursor;
        if let Some(at) = self
            .bookmarks
            .iter()
            .position(|m| m.lba() == lba && m.byte == byte)
        {
            self.bookmarks.remove(at);
            self.message = Some(format!("bookmark at sector {lba}, byte {byte:#x} removed"));
        } else if self.bookmarks.len() >= MAX_MARKS {
            self.message = Some(format!(
                "at most {MAX_MARKS} bookmarks; B lists them, b there removes one"
            ));
            return Vec::new();
        } else {
            self.bookmarks.push(Bookmark {
                lba: lba.0,
                byte,
                label: self.describe_cursor(),
            });
            self.bookmarks.sort_by_key(|m| (m.lba, m.byte));
            self.message = Some(format!(
                "bookmarked sector {lba}, byte {byte:#x} ({} in all; B lists them)",
                self.bookmarks.len()
            ));
        }
        self.save_bookmarks()
    }

    /// What the byte under the cursor is, in a few words: the structure
    /// field, else the owner, else the sector field.
    fn describe_cursor(&self) -> String {
        let context = self.sector_context.as_ref();
        if let Some(explained) = context.and_then(|c| c.explained.as_ref()) {
            return format!("{}: {}", explained.structure, explained.field.name);
        }
        if let Some(owner) = context.and_then(|c| c.owners.first()) {
            return owner.what().to_owned();
        }
        let offset = self.shown_range().start + self.cursor;
        self.sector
            .field_at(offset)
            .map_or_else(String::new, |f| f.name().to_owned())
    }

    fn save_bookmarks(&mut self) -> Vec<Effect> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        vec![Effect::Write {
            path: store.file.clone(),
            bytes: store.contents(&self.bookmarks),
            done: None,
        }]
    }

    /// `B`: the list of bookmarks.
    pub(super) fn open_bookmarks(&mut self) {
        if self.bookmarks.is_empty() {
            self.message = Some("no bookmarks yet: b marks the byte under the cursor".into());
        } else {
            self.overlay = Overlay::Bookmarks(0);
        }
    }

    /// Keys in the bookmark list: move, Enter jumps, `b` removes the
    /// selected mark; anything else closes it.
    pub(super) fn bookmarks_key(&mut self, row: usize, action: Action) -> Vec<Effect> {
        let last = self.bookmarks.len().saturating_sub(1);
        match action {
            Action::Up => self.overlay = Overlay::Bookmarks(row.saturating_sub(1)),
            Action::Down => self.overlay = Overlay::Bookmarks((row + 1).min(last)),
            Action::Home | Action::PageUp => self.overlay = Overlay::Bookmarks(0),
            Action::End | Action::PageDown => self.overlay = Overlay::Bookmarks(last),
            Action::Open => {
                self.overlay = Overlay::None;
                if let Some(mark) = self.bookmarks.get(row).cloned() {
                    self.jump(mark.lba());
                    self.view = ViewMode::Raw;
                    self.cursor = mark.byte;
                    self.message = Some(format!("bookmark: {}", mark.label));
                }
            }
            Action::Bookmark => {
                if row < self.bookmarks.len() {
                    self.bookmarks.remove(row);
                }
                self.overlay = if self.bookmarks.is_empty() {
                    Overlay::None
                } else {
                    Overlay::Bookmarks(row.min(self.bookmarks.len() - 1))
                };
                return self.save_bookmarks();
            }
            _ => self.overlay = Overlay::None,
        }
        Vec::new()
    }

    /// The marks in a sector, for the hex pane.
    pub fn marks_in(&self, lba: Lba) -> impl Iterator<Item = usize> + '_ {
        self.bookmarks
            .iter()
            .filter(move |m| m.lba() == lba)
            .map(|m| m.byte)
    }
}
