//! The overlays that take over the keys: the disc map and the cue sheet.

use super::{App, Overlay};
use crate::inspect::map::DiscMap;
use crate::tui::action::Action;
use crate::units::Lba;

impl App {
    /// The disc map for the current geometry, with bad sectors marked.
    pub fn disc_map(&self) -> DiscMap {
        let mut map = DiscMap::build(&self.medium, self.map_columns * self.map_rows);
        if let Some(bad) = &self.bad_sectors {
            map.mark_bad(bad.iter().copied());
        }
        map
    }

    pub(super) fn map_key(&mut self, at: Lba, action: Action) {
        let map = self.disc_map();
        let cell = map.cell_of(at);
        let last = map.cells.len().saturating_sub(1);
        let columns = self.map_columns.max(1);
        let next = match action {
            Action::Left => cell.saturating_sub(1),
            Action::Right => (cell + 1).min(last),
            Action::Up => cell.saturating_sub(columns),
            Action::Down => (cell + columns).min(last),
            Action::Home | Action::PageUp => 0,
            Action::End | Action::PageDown => last,
            Action::Open => {
                self.go_to(map.lba_of(cell));
                self.cursor = 0;
                self.hex_top = 0;
                self.overlay = Overlay::None;
                return;
            }
            _ => {
                self.overlay = Overlay::None;
                return;
            }
        };
        self.overlay = Overlay::Map(map.lba_of(next));
    }

    /// Whether the doctor found anything to list.
    pub fn has_diagnostics(&self) -> bool {
        self.lint
            .as_ref()
            .is_some_and(|r| !r.diagnostics.is_empty())
    }

    /// Enter on a finding: the sheet at its line, or its sector when the
    /// finding has no line.
    pub(super) fn open_diagnostic(&mut self) {
        let Some(report) = &self.lint else { return };
        let Some(diagnostic) = report.diagnostics.get(self.diagnostic_row) else {
            return;
        };
        match (diagnostic.line(), report.sector_of(diagnostic)) {
            (Some(line), _) => self.overlay = Overlay::Sheet(line),
            (None, Some(lba)) => self.jump(lba),
            (None, None) => self.message = Some("this finding concerns the whole sheet".into()),
        }
    }

    /// Keys in the sheet overlay: move between lines; Enter goes to the
    /// sector the line describes; anything else closes it.
    pub(super) fn sheet_key(&mut self, line: usize, action: Action) {
        let lines = self.lint.as_ref().map_or(0, |r| r.lines.len());
        match action {
            Action::Up => self.overlay = Overlay::Sheet(line.saturating_sub(1).max(1)),
            Action::Down => self.overlay = Overlay::Sheet((line + 1).min(lines.max(1))),
            Action::Open => {
                let sector = self
                    .lint
                    .as_ref()
                    .and_then(|r| r.sectors.get(&line).copied());
                self.overlay = Overlay::None;
                match sector {
                    Some(lba) => self.jump(lba),
                    None => self.message = Some(format!("line {line} names no sector")),
                }
            }
            _ => self.overlay = Overlay::None,
        }
    }
}
