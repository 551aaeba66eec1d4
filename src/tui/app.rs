//! Application state and the one place it changes: `update(Action)`.
//!
//! `update` does no I/O. It returns effects (start a search); the loop runs
//! them and reloads the current sector when the address moved.

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use tui_tree_widget::TreeState;

use crate::fs::probe::View;
use crate::inspect::explain::{self, Explained};
use crate::inspect::hex::SectorView;
use crate::inspect::map::DiscMap;
use crate::inspect::owners::{Owner, OwnerIndex};
use crate::inspect::search::{Hit, Pattern};
use crate::inspect::tree::{FsTree, TreeId};
use crate::medium::Medium;
use crate::tui::action::Action;
use crate::tui::job::{JobKind, JobReport, Running};
use crate::tui::keymap;
use crate::units::Lba;

/// The panes focus cycles through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Tracks,
    Tree,
    Diagnostics,
    Hex,
    Inspector,
}

const PANES: [Pane; 5] = [
    Pane::Tracks,
    Pane::Tree,
    Pane::Diagnostics,
    Pane::Hex,
    Pane::Inspector,
];

/// A one-line input at the bottom of the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    pub error: Option<String>,
    /// Position while walking back through history.
    pub recall: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Goto,
    Search,
}

/// What covers the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Prompt(Prompt),
    /// The disc map, with the sector its cursor is on.
    Map(Lba),
    /// The cue sheet, with a line highlighted.
    Sheet(usize),
}

/// Raw sector bytes or user data only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewMode {
    Raw,
    UserData,
}

/// Work for the loop to do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    StartSearch(Pattern),
    CancelSearch,
}

/// What owns the current sector and what the byte under the cursor means in
/// a filesystem structure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectorContext {
    pub lba: Lba,
    pub cursor: usize,
    pub owners: Vec<Owner>,
    pub explained: Option<Explained>,
}

/// Display options from the command line and environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub color: bool,
    pub ascii: bool,
}

/// Everything the screen shows.
#[derive(Debug)]
pub struct App {
    pub medium: Arc<Medium>,
    pub options: Options,
    pub focus: Pane,
    pub overlay: Overlay,
    pub view: ViewMode,
    /// The sector shown.
    pub lba: Lba,
    /// Byte under the cursor, within the shown range of the sector.
    pub cursor: usize,
    /// First hex row on screen.
    pub hex_top: usize,
    /// Hex geometry, set from the terminal size.
    pub hex_columns: usize,
    pub hex_rows: usize,
    /// Disc map geometry (cells across and down), set from the terminal size.
    pub map_columns: usize,
    pub map_rows: usize,
    pub track_row: usize,
    /// The filesystem views found on the medium.
    pub views: Vec<View>,
    pub tree: FsTree,
    pub tree_state: TreeState<TreeId>,
    pub sector: SectorView,
    pub goto_history: Vec<String>,
    pub search_history: Vec<String>,
    pub message: Option<String>,
    pub jobs: Vec<Running>,
    /// Which file or structure owns each sector, once indexed.
    pub owners: Option<Arc<OwnerIndex>>,
    /// Owners and the explained structure field at the cursor, recomputed
    /// when the sector or cursor moves.
    pub sector_context: Option<SectorContext>,
    /// The cue doctor's report, for images opened from a sheet.
    pub lint: Option<Box<crate::lint::Report>>,
    pub diagnostic_row: usize,
    /// Bad sectors from the background verification, once it has finished.
    pub bad_sectors: Option<Vec<Lba>>,
    pub quit: bool,
}

impl App {
    pub fn new(medium: Arc<Medium>, mut views: Vec<View>, options: Options) -> App {
        // The richest view first: it is the one opened at start.
        views.sort_by_key(|v| crate::fs::probe::rank(v.kind));
        let lba = medium
            .tracks
            .first()
            .map_or(medium.first_lba(), |t| t.start.max(medium.first_lba()));
        let sector = SectorView::load(&medium, lba);
        let mut tree = FsTree::new(views.iter().map(|v| Arc::clone(&v.fs)).collect());
        tree.open_roots();
        let mut tree_state = TreeState::default();
        if let Some(first) = tree.views().first().map(|_| TreeId::View(0)) {
            tree_state.open(vec![first]);
            tree_state.select(vec![first]);
        }
        App {
            medium,
            options,
            focus: Pane::Hex,
            overlay: Overlay::None,
            view: ViewMode::Raw,
            lba,
            cursor: 0,
            hex_top: 0,
            hex_columns: 16,
            hex_rows: 16,
            map_columns: 64,
            map_rows: 16,
            track_row: 0,
            views,
            tree,
            tree_state,
            sector,
            goto_history: Vec::new(),
            search_history: Vec::new(),
            message: None,
            jobs: Vec::new(),
            owners: None,
            sector_context: None,
            lint: None,
            diagnostic_row: 0,
            bad_sectors: None,
            quit: false,
        }
    }

    /// The byte range of the sector the hex pane shows.
    pub fn shown_range(&self) -> std::ops::Range<usize> {
        match self.view {
            ViewMode::Raw => 0..self.sector.bytes.len(),
            ViewMode::UserData => self.sector.user_data(),
        }
    }

    fn shown_len(&self) -> usize {
        self.shown_range().len()
    }

    /// Reloads the sector after the address changed; the only I/O the UI
    /// thread does, one sector through the page cache.
    pub fn sync(&mut self) {
        if self.sector.lba != self.lba {
            self.sector = SectorView::load(&self.medium, self.lba);
            if let Some(track) = self.sector.track {
                self.track_row = track;
            }
        }
        let len = self.shown_len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.scroll_to_cursor();
        let fresh = self
            .sector_context
            .as_ref()
            .is_some_and(|c| c.lba == self.lba && c.cursor == self.cursor);
        if !fresh {
            self.sector_context = Some(self.context());
        }
    }

    /// Owners of the sector and the structure field at the cursor.
    fn context(&self) -> SectorContext {
        let owners = self
            .owners
            .as_ref()
            .map(|o| o.owners(self.lba.0))
            .unwrap_or_default();
        let data = self.sector.user_data();
        let offset = self.shown_range().start + self.cursor;
        let explained = if data.contains(&offset) && !self.views.is_empty() {
            let block = self.sector.bytes.get(data.clone()).unwrap_or_default();
            explain::structure_field(
                &self.views,
                &owners,
                self.lba,
                block,
                offset - data.start,
                self.block_size(),
            )
        } else {
            None
        };
        SectorContext {
            lba: self.lba,
            cursor: self.cursor,
            owners,
            explained,
        }
    }

    /// The stored-sector byte range of the structure field under the cursor.
    pub fn cursor_span(&self) -> Option<std::ops::Range<usize>> {
        let explained = self.sector_context.as_ref()?.explained.as_ref()?;
        let data_start = self.sector.user_data().start;
        Some(data_start + explained.in_block.start..data_start + explained.in_block.end)
    }

    /// Bytes per sector the filesystem views count in.
    pub fn block_size(&self) -> u64 {
        match self.medium.kind {
            crate::medium::MediumKind::Disk => u64::from(self.medium.sector_size),
            crate::medium::MediumKind::Optical => crate::volume::BLOCK,
        }
    }

    fn scroll_to_cursor(&mut self) {
        let row = self.cursor / self.hex_columns.max(1);
        if row < self.hex_top {
            self.hex_top = row;
        } else if row >= self.hex_top + self.hex_rows.max(1) {
            self.hex_top = row + 1 - self.hex_rows.max(1);
        }
    }

    /// Sets the hex geometry for the current terminal size.
    pub fn set_hex_geometry(&mut self, columns: usize, rows: usize) {
        self.hex_columns = columns.max(1);
        self.hex_rows = rows.max(1);
        self.scroll_to_cursor();
    }

    fn go_to(&mut self, lba: Lba) {
        let (first, end) = (self.medium.first_lba(), self.medium.end_lba());
        if end <= first {
            return;
        }
        self.lba = Lba(lba.0.clamp(first.0, end.0 - 1));
    }

    /// Translates a key press: prompts take text, everything else goes
    /// through the key map.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match self.overlay {
            Overlay::Prompt(_) => return self.prompt_key(key),
            Overlay::Help if keymap::action_for(key) != Some(Action::Quit) => {
                self.overlay = Overlay::None;
                return Vec::new();
            }
            _ => {}
        }
        match keymap::action_for(key) {
            Some(action) => self.update(action),
            None => Vec::new(),
        }
    }

    /// The state change for an action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.message = None;
        if self.overlay == Overlay::Help && !matches!(action, Action::Quit) {
            self.overlay = Overlay::None;
            return Vec::new();
        }
        if let Overlay::Sheet(line) = self.overlay
            && action != Action::Quit
        {
            self.sheet_key(line, action);
            return Vec::new();
        }
        if let Overlay::Map(at) = self.overlay
            && action != Action::Quit
        {
            self.map_key(at, action);
            return Vec::new();
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Overlay::Help,
            Action::FocusNext | Action::FocusPrev => {
                let step = if action == Action::FocusNext {
                    1
                } else {
                    PANES.len() - 1
                };
                let mut at = PANES.iter().position(|&p| p == self.focus).unwrap_or(0);
                loop {
                    at = (at + step) % PANES.len();
                    let pane = PANES.get(at).copied().unwrap_or(Pane::Hex);
                    // The diagnostics pane exists only when there is something in it.
                    if pane != Pane::Diagnostics || self.has_diagnostics() {
                        self.focus = pane;
                        break;
                    }
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.move_in_pane(action),
            Action::Left => self.cursor = self.cursor.saturating_sub(1),
            Action::Right => {
                self.cursor = (self.cursor + 1).min(self.shown_len().saturating_sub(1))
            }
            Action::NextSector => self.go_to(Lba(self.lba.0 + 1)),
            Action::PrevSector => self.go_to(Lba(self.lba.0 - 1)),
            Action::NextTrack | Action::PrevTrack => {
                let count = self.medium.tracks.len();
                if count > 0 {
                    let current = self.sector.track.unwrap_or(self.track_row);
                    let next = if action == Action::NextTrack {
                        (current + 1).min(count - 1)
                    } else {
                        current.saturating_sub(1)
                    };
                    self.open_track(next);
                }
            }
            Action::Map => self.overlay = Overlay::Map(self.lba),
            Action::Owner => self.reveal_owner(),
            Action::NextError | Action::PrevError => {
                self.jump_to_error(action == Action::NextError)
            }
            Action::Goto => self.open_prompt(PromptKind::Goto),
            Action::Search => self.open_prompt(PromptKind::Search),
            Action::Open => match self.focus {
                Pane::Tracks => {
                    self.open_track(self.track_row);
                    self.focus = Pane::Hex;
                }
                Pane::Tree => self.open_tree_node(true),
                Pane::Diagnostics => self.open_diagnostic(),
                Pane::Hex | Pane::Inspector => {}
            },
            Action::ToggleView => {
                self.view = match self.view {
                    ViewMode::Raw => ViewMode::UserData,
                    ViewMode::UserData => ViewMode::Raw,
                };
                self.cursor = 0;
                self.hex_top = 0;
            }
            Action::Cancel => {
                if self.jobs.iter().any(|j| j.kind == JobKind::Search) {
                    self.message = Some("search cancelled".into());
                    return vec![Effect::CancelSearch];
                }
                self.overlay = Overlay::None;
            }
        }
        Vec::new()
    }

    /// The disc map for the current geometry, with bad sectors marked.
    pub fn disc_map(&self) -> DiscMap {
        let mut map = DiscMap::build(&self.medium, self.map_columns * self.map_rows);
        if let Some(bad) = &self.bad_sectors {
            map.mark_bad(bad.iter().copied());
        }
        map
    }

    fn jump_to_error(&mut self, forward: bool) {
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

    fn map_key(&mut self, at: Lba, action: Action) {
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

    /// Selects the file or structure owning the current sector in the tree.
    fn reveal_owner(&mut self) {
        let Some(index) = &self.owners else {
            self.message = Some(if self.views.is_empty() {
                "no filesystem on this image".into()
            } else {
                "still indexing owners".into()
            });
            return;
        };
        let owners = index.owners(self.lba.0);
        // Prefer the default view's owner, then any.
        let default = crate::fs::probe::default_view(&self.views).map(|v| v.kind);
        let mut ordered: Vec<&Owner> = owners
            .iter()
            .filter(|o| Some(o.filesystem) == default)
            .collect();
        ordered.extend(owners.iter().filter(|o| Some(o.filesystem) != default));
        for owner in ordered {
            let Some(view) = self.views.iter().position(|v| v.kind == owner.filesystem) else {
                continue;
            };
            let path = match (&owner.path, &owner.name) {
                (Some(path), _) => self.tree.reveal(view, path),
                (None, Some(name)) => self.tree.reveal_structure(view, name),
                (None, None) => None,
            };
            if let Some(path) = path {
                for end in 1..path.len() {
                    self.tree_state
                        .open(path.get(..end).unwrap_or_default().to_vec());
                }
                self.tree_state.select(path);
                self.focus = Pane::Tree;
                return;
            }
        }
        self.message = Some(format!(
            "sector {} belongs to no file or structure",
            self.lba
        ));
    }

    /// Selects the track on a line of the tracks pane (as a click does).
    pub fn select_track_line(&mut self, line: usize) {
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

    fn open_track(&mut self, index: usize) {
        if let Some(track) = self.medium.tracks.get(index) {
            self.track_row = index;
            self.go_to(track.start);
            self.cursor = 0;
            self.hex_top = 0;
        }
    }

    /// Opens the selected tree row: a directory is read and unfolded; with
    /// `jump`, the hex pane moves to the first sector of what it names.
    fn open_tree_node(&mut self, jump: bool) {
        let Some(&id) = self.tree_state.selected().last() else {
            return;
        };
        self.tree.open(id);
        let path = self.tree_state.selected().to_vec();
        let is_branch = matches!(id, TreeId::View(_) | TreeId::Structures(_))
            || self
                .tree
                .node(id)
                .is_some_and(|n| n.kind == crate::fs::NodeKind::Dir);
        if is_branch && !(jump && self.tree.node(id).is_none()) {
            if jump {
                self.tree_state.toggle(path);
            } else {
                self.tree_state.open(path);
            }
        }
        if jump {
            match self.tree.first_lba(id) {
                Some(lba) => {
                    self.go_to(lba);
                    self.view = ViewMode::Raw;
                    self.cursor = 0;
                    self.hex_top = 0;
                }
                None if !is_branch => self.message = Some("this entry has no data on disc".into()),
                None => {}
            }
        }
    }

    /// Whether the doctor found anything to list.
    pub fn has_diagnostics(&self) -> bool {
        self.lint
            .as_ref()
            .is_some_and(|r| !r.diagnostics.is_empty())
    }

    /// Enter on a finding: the sheet at its line, or its sector when the
    /// finding has no line.
    fn open_diagnostic(&mut self) {
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

    fn jump(&mut self, lba: Lba) {
        self.go_to(lba);
        self.view = ViewMode::Raw;
        self.cursor = 0;
        self.hex_top = 0;
        self.focus = Pane::Hex;
    }

    /// Keys in the sheet overlay: move between lines; Enter goes to the
    /// sector the line describes; anything else closes it.
    fn sheet_key(&mut self, line: usize, action: Action) {
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

    fn move_in_pane(&mut self, action: Action) {
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
                let last = self.medium.tracks.len().saturating_sub(1);
                self.track_row = match action {
                    Action::Up => self.track_row.saturating_sub(1),
                    Action::Down => (self.track_row + 1).min(last),
                    Action::PageUp | Action::Home => 0,
                    _ => last,
                };
            }
            Pane::Hex | Pane::Inspector => {
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

    fn open_prompt(&mut self, kind: PromptKind) {
        self.overlay = Overlay::Prompt(Prompt {
            kind,
            input: String::new(),
            error: None,
            recall: None,
        });
    }

    fn prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Overlay::Prompt(mut prompt) = std::mem::replace(&mut self.overlay, Overlay::None)
        else {
            return Vec::new();
        };
        let history = match prompt.kind {
            PromptKind::Goto => &self.goto_history,
            PromptKind::Search => &self.search_history,
        };
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Vec::new();
            }
            KeyCode::Enter => return self.submit(prompt),
            KeyCode::Backspace => {
                prompt.input.pop();
            }
            KeyCode::Up if !history.is_empty() => {
                let at = prompt
                    .recall
                    .map_or(history.len() - 1, |i| i.saturating_sub(1));
                prompt.input = history.get(at).cloned().unwrap_or_default();
                prompt.recall = Some(at);
            }
            KeyCode::Down if prompt.recall.is_some() => {
                let at = prompt.recall.map_or(0, |i| i + 1);
                prompt.input = history.get(at).cloned().unwrap_or_default();
                prompt.recall = (at < history.len()).then_some(at);
            }
            KeyCode::Char(c) if prompt.input.chars().count() < 256 => {
                prompt.input.push(c);
                prompt.error = None;
            }
            _ => {}
        }
        self.overlay = Overlay::Prompt(prompt);
        Vec::new()
    }

    fn submit(&mut self, mut prompt: Prompt) -> Vec<Effect> {
        let input = prompt.input.trim().to_owned();
        match prompt.kind {
            PromptKind::Goto => match parse_address(&self.medium, &input) {
                Ok(lba) => {
                    remember(&mut self.goto_history, input);
                    self.go_to(lba);
                    self.cursor = 0;
                    self.hex_top = 0;
                    Vec::new()
                }
                Err(error) => {
                    prompt.error = Some(error);
                    self.overlay = Overlay::Prompt(prompt);
                    Vec::new()
                }
            },
            PromptKind::Search => match Pattern::parse(&input) {
                Ok(pattern) => {
                    remember(&mut self.search_history, input);
                    vec![Effect::CancelSearch, Effect::StartSearch(pattern)]
                }
                Err(error) => {
                    prompt.error = Some(error);
                    self.overlay = Overlay::Prompt(prompt);
                    Vec::new()
                }
            },
        }
    }

    /// Applies a background job's report.
    pub fn job(&mut self, report: JobReport) {
        match report {
            JobReport::Progress { id, done, total } => {
                if let Some(job) = self.jobs.iter_mut().find(|j| j.id == id) {
                    job.done = done;
                    job.total = total;
                }
            }
            JobReport::LintDone { id, report } => {
                self.jobs.retain(|j| j.id != id);
                self.lint = Some(report);
            }
            JobReport::OwnersDone { id, index } => {
                self.jobs.retain(|j| j.id != id);
                match index {
                    Ok(index) => {
                        self.owners = Some(index);
                        self.sector_context = None;
                    }
                    Err(error) => self.message = Some(format!("owner index failed: {error}")),
                }
            }
            JobReport::VerifyDone { id, bad } => {
                self.jobs.retain(|j| j.id != id);
                match bad {
                    Ok(bad) => {
                        self.message = Some(match bad.len() {
                            0 => "verification: every sector is good".into(),
                            n => format!("verification: {n} bad sectors; e jumps to them"),
                        });
                        self.bad_sectors = Some(bad);
                    }
                    Err(error) => self.message = Some(format!("verification failed: {error}")),
                }
            }
            JobReport::SearchDone { id, pattern, hit } => {
                if !self.jobs.iter().any(|j| j.id == id) {
                    return; // a newer search replaced it
                }
                self.jobs.retain(|j| j.id != id);
                match hit {
                    Some(Hit { lba, offset }) => {
                        self.go_to(lba);
                        self.view = ViewMode::Raw;
                        self.cursor = offset;
                        self.message =
                            Some(format!("found `{pattern}` at sector {lba}, byte {offset}"));
                    }
                    None => self.message = Some(format!("`{pattern}` not found")),
                }
            }
        }
    }

    /// Whether anything runs in the background (the loop ticks only then).
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }
}

fn remember(history: &mut Vec<String>, entry: String) {
    history.retain(|h| *h != entry);
    history.push(entry);
    if history.len() > 50 {
        history.remove(0);
    }
}

/// An address as the user types it (the same syntax as the command line),
/// checked against the image.
pub fn parse_address(medium: &Medium, text: &str) -> Result<Lba, String> {
    if text.is_empty() {
        return Err("type an LBA, mm:ss:ff or a 0x byte offset".into());
    }
    let address: crate::sector::Address = text
        .parse()
        .map_err(|e: crate::sector::AddressError| e.why)?;
    let lba = address.resolve(medium).map_err(|e| e.to_string())?;
    let (first, end) = (medium.first_lba(), medium.end_lba());
    if lba < first || lba >= end {
        return Err(format!(
            "sector {lba} is outside the image ({first}..{})",
            end.0 - 1
        ));
    }
    Ok(lba)
}
