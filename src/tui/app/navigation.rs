//! Moving around: within panes, between tracks, to bad sectors, and from a
//! sector to its owner in the tree.

use super::{App, Effect, Pane, ViewMode};
use crate::inspect::owners::Owner;
use crate::inspect::tree::TreeId;
use crate::tui::action::Action;
use crate::tui::job::JobKind;
use crate::units::Lba;

impl App {
    pub(super) fn jump_to_error(&mut self, forward: bool) {
        let Some(bad) = &self.bad_sectors else {
            let running = self.jobs.iter().find(|j| j.kind == JobKind::Verify);
            self.message = Some(match running {
                Some(job) => {
                    let percent = (job.done * 100).checked_div(job.total).unwrap_or(0);
                    format!("still verifying ({percent}%)")
                }
                None => "no verification for this image".into(),
            });
            return;
        };
        let next = if forward {
            bad.iter()
                .find(|&&lba| lba > self.lba)
                .or_else(|| bad.first())
        } else {
            bad.iter()
                .rev()
                .find(|&&lba| lba < self.lba)
                .or_else(|| bad.last())
        };
        match next.copied() {
            Some(lba) => {
                let index = bad.iter().position(|&b| b == lba).unwrap_or(0) + 1;
                self.message = Some(format!("bad sector {index} of {}", bad.len()));
                self.go_to(lba);
                self.view = ViewMode::Raw;
                self.cursor = 0;
                self.hex_top = 0;
            }
            None => self.message = Some("verification found no bad sectors".into()),
        }
    }

    /// Selects the file or structure owning the current sector in the
    /// tree; directories on the way that were not read yet are read by a
    /// job, which selects it when done.
    pub(super) fn reveal_owner(&mut self) -> Vec<Effect> {
        let Some(index) = &self.owners else {
            self.message = Some(if self.views.is_empty() {
                "no filesystem on this image".into()
            } else {
                "still indexing owners".into()
            });
            return Vec::new();
        };
        let owners = index.owners(self.lba);
        // Prefer the default view's owner, then any.
        let default = self.survey.default_view().map(|v| v.kind);
        let mut ordered: Vec<&Owner> = owners.iter().filter(|o| o.view() == default).collect();
        ordered.extend(owners.iter().filter(|o| o.view() != default));
        for owner in ordered {
            let Some(view) = self.views.iter().position(|v| Some(v.kind) == owner.view()) else {
                continue;
            };
            match (&owner.path, &owner.name) {
                (Some(path), _) => {
                    let path = path.clone();
                    if self.select_in_tree(view, &path) {
                        return Vec::new();
                    }
                    return vec![Effect::Reveal { view, path }];
                }
                (None, Some(name)) => {
                    if let Some(ids) = self.tree.reveal_structure(view, name) {
                        self.select_ids(ids);
                        return Vec::new();
                    }
                }
                (None, None) => {}
            }
        }
        self.message = Some(format!(
            "sector {} belongs to no file or structure",
            self.lba
        ));
        Vec::new()
    }

    /// Selects the node at `path` of a view when the directories on the way
    /// have been read; whether it could.
    pub(super) fn select_in_tree(&mut self, view: usize, path: &str) -> bool {
        match self.tree.reveal(view, path) {
            Some(ids) => {
                self.select_ids(ids);
                true
            }
            None => false,
        }
    }

    /// Opens every row above `ids`' last and selects it.
    fn select_ids(&mut self, ids: Vec<TreeId>) {
        for end in 1..ids.len() {
            self.tree_state
                .open(ids.get(..end).unwrap_or_default().to_vec());
        }
        self.tree_state.select(ids);
        self.focus_on(Pane::Tree);
    }

    /// Selects the track on a line of the tracks pane (as a click does).
    pub fn select_track_line(&mut self, line: usize) {
        if self.medium.tracks.is_empty() {
            // A disk's partitions take one line each.
            if line < self.partitions.len() {
                self.track_row = line;
            }
            return;
        }
        // Lines are tracks, except session headings and the selected track's details.
        let mut at = 0;
        for (index, track) in self.medium.tracks.iter().enumerate() {
            let heading = self.medium.sessions.len() > 1
                && self
                    .medium
                    .sessions
                    .iter()
                    .any(|s| s.first_track == track.number);
            at += usize::from(heading);
            if at == line {
                self.track_row = index;
                return;
            }
            at += 1;
            if index == self.track_row {
                at += 2 + usize::from(track.pregap > 0);
            }
        }
    }

    /// Puts the cursor on a byte of the shown range (as a click does).
    pub fn click_byte(&mut self, offset: usize) {
        if offset < self.shown_len() {
            self.cursor = offset;
        }
    }

    pub(super) fn open_track(&mut self, index: usize) {
        if let Some(partition) = self
            .partitions
            .get(index)
            .filter(|_| self.medium.tracks.is_empty())
        {
            self.track_row = index;
            self.go_to(Lba(i64::try_from(partition.start).unwrap_or(i64::MAX)));
            self.cursor = 0;
            self.hex_top = 0;
        }
        if let Some(track) = self.medium.tracks.get(index) {
            self.track_row = index;
            self.go_to(track.start);
            self.cursor = 0;
            self.hex_top = 0;
        }
    }

    /// Enter on a tree row: a folder, view or structure list folds or
    /// unfolds (a directory also shows its first sector); a file or a
    /// structure opens at its first sector in the hex pane.
    pub(super) fn open_tree_node(&mut self) -> Vec<Effect> {
        let Some(&id) = self.tree_state.selected().last() else {
            return Vec::new();
        };
        if self.tree.is_branch(id) {
            let effects = self.fold(Action::Toggle);
            if let Some(lba) = self.tree.first_lba(id) {
                self.show(lba);
            }
            return effects;
        }
        match self.tree.first_lba(id) {
            Some(lba) => self.jump(lba),
            None if self.tree.structure(id).is_some() => {
                self.message = Some(
                    "this structure lies in the image file, not on the disc: its fields are in the inspector".into(),
                );
            }
            None => self.message = Some("this entry has no data on disc".into()),
        }
        Vec::new()
    }

    /// Folds and unfolds in the tree: Left folds or goes to the parent,
    /// Right unfolds or steps into the first child, Toggle flips. A
    /// directory unfolded for the first time is read by a job.
    pub(super) fn fold(&mut self, action: Action) -> Vec<Effect> {
        let path = self.tree_state.selected().to_vec();
        let Some(&id) = path.last() else {
            return Vec::new();
        };
        let open = self.tree_state.opened().contains(&path);
        match action {
            Action::Left => {
                self.tree_state.key_left();
                return Vec::new();
            }
            Action::Right if open => {
                self.tree_state.key_down();
                return Vec::new();
            }
            _ if !self.tree.is_branch(id) => return Vec::new(),
            _ if open => {
                self.tree_state.close(&path);
                return Vec::new();
            }
            _ => {
                self.tree_state.open(path);
            }
        }
        self.tree
            .unread(id)
            .map(|(view, node)| Effect::ReadDirectory { view, node })
            .into_iter()
            .collect()
    }

    /// Shows a sector in the hex pane without moving the focus.
    fn show(&mut self, lba: Lba) {
        self.go_to(lba);
        self.view = ViewMode::Raw;
        self.cursor = 0;
        self.hex_top = 0;
    }

    /// Shows a sector in the hex pane and moves the focus there.
    pub(super) fn jump(&mut self, lba: Lba) {
        self.show(lba);
        self.focus_on(Pane::Hex);
    }

    pub(super) fn move_in_pane(&mut self, action: Action) {
        match self.focus {
            Pane::Diagnostics => {
                let last = self
                    .lint
                    .as_ref()
                    .map_or(0, |r| r.diagnostics.len().saturating_sub(1));
                self.diagnostic_row = match action {
                    Action::Up => self.diagnostic_row.saturating_sub(1),
                    Action::Down => (self.diagnostic_row + 1).min(last),
                    Action::PageUp | Action::Home => 0,
                    _ => last,
                };
            }
            Pane::Tree => {
                match action {
                    Action::Up => self.tree_state.key_up(),
                    Action::Down => self.tree_state.key_down(),
                    Action::PageUp => self
                        .tree_state
                        .select_relative(|i| i.map_or(0, |i| i.saturating_sub(10))),
                    Action::PageDown => {
                        self.tree_state.select_relative(|i| i.map_or(0, |i| i + 10))
                    }
                    Action::Home => self.tree_state.select_first(),
                    _ => self.tree_state.select_last(),
                };
            }
            Pane::Tracks => {
                let rows = if self.medium.tracks.is_empty() {
                    self.partitions.len()
                } else {
                    self.medium.tracks.len()
                };
                let last = rows.saturating_sub(1);
                self.track_row = match action {
                    Action::Up => self.track_row.saturating_sub(1),
                    Action::Down => (self.track_row + 1).min(last),
                    Action::PageUp | Action::Home => 0,
                    _ => last,
                };
            }
            Pane::Inspector => {
                let page = usize::from(self.areas.inspector.height.saturating_sub(2)).max(1);
                let last = self.inspector_notes().len().saturating_sub(page);
                self.inspector_top = match action {
                    Action::Up => self.inspector_top.saturating_sub(1),
                    Action::Down => self.inspector_top + 1,
                    Action::PageUp => self.inspector_top.saturating_sub(page),
                    Action::PageDown => self.inspector_top + page,
                    Action::Home => 0,
                    _ => last,
                }
                .min(last);
            }
            Pane::Hex => {
                let columns = self.hex_columns.max(1);
                let page = columns * self.hex_rows.max(1);
                let last = self.shown_len().saturating_sub(1);
                self.cursor = match action {
                    Action::Up => self.cursor.saturating_sub(columns),
                    Action::Down => (self.cursor + columns).min(last),
                    Action::PageUp => self.cursor.saturating_sub(page),
                    Action::PageDown => (self.cursor + page).min(last),
                    Action::Home => 0,
                    _ => last,
                };
            }
        }
    }
}
