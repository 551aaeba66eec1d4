//! Application state and the one place it changes: `update(Action)`.
//!
//! `update` does no I/O. It returns effects (load the sector moved to, read
//! a directory, start a search); the loop carries them out and hands the
//! results back through `job` and `sector_loaded`.

mod bookmarks;
mod export;
mod jobs;
mod mouse;
mod navigation;
mod overlays;
mod prompt;
mod report;
mod search;

pub use prompt::parse_address;

use std::sync::Arc;

use ratatui::crossterm::event::KeyEvent;

use tui_tree_widget::TreeState;

use crate::fs::View;
use crate::inspect::explain::{self, Explained};
use crate::inspect::hex::SectorView;
use crate::inspect::owners::{Owner, OwnerIndex};
use crate::inspect::tree::{FsTree, TreeId};
use crate::medium::Medium;
use crate::survey::Survey;
use crate::tui::action::Action;
pub use crate::tui::effect::Effect;
use crate::tui::job::{JobKind, Running};
use crate::tui::keymap;
use crate::tui::layout::Areas;
pub use crate::tui::layout::Pane;
use crate::units::Lba;

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
    /// Where `x` writes the track or file it was pressed on.
    Export,
}

/// What covers the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    None,
    /// The key help, scrolled to a line.
    Help(usize),
    Prompt(Prompt),
    /// The disc map, with the sector its cursor is on.
    Map(Lba),
    /// The cue sheet, with a line highlighted.
    Sheet(usize),
    /// The bookmark list, with a row selected.
    Bookmarks(usize),
}

/// What the inspector explains: the sector on screen or the tree's
/// selected row (the last of the two that had the focus).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Sector,
    TreeRow,
}

/// A search match on screen: where it starts in the raw sector and how
/// long it is (it may run on into the next sector).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub lba: Lba,
    pub offset: usize,
    pub len: usize,
}

/// Raw sector bytes or user data only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewMode {
    Raw,
    UserData,
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
pub struct Appearance {
    pub color: bool,
    pub ascii: bool,
}

/// Everything the screen shows.
#[derive(Debug)]
pub struct App {
    pub survey: Arc<Survey>,
    pub medium: Arc<Medium>,
    pub appearance: Appearance,
    pub focus: Pane,
    /// What the inspector explains.
    pub subject: Subject,
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
    /// First inspector line on screen.
    pub inspector_top: usize,
    /// Where the panes were last drawn, for the mouse.
    pub areas: Areas,
    pub track_row: usize,
    /// A disk image's partitions, listed where optical media list tracks.
    pub partitions: Vec<crate::partition::Partition>,
    /// The filesystem views found on the medium, the richest first.
    pub views: Vec<View>,
    pub tree: FsTree,
    pub tree_state: TreeState<TreeId>,
    pub sector: SectorView,
    pub goto_history: Vec<String>,
    pub search_history: Vec<String>,
    pub export_history: Vec<String>,
    /// What the open export prompt writes.
    pub export: Option<crate::tui::job::ExportSubject>,
    /// The last search, which `;` and `,` repeat.
    pub last_search: Option<crate::inspect::search::Pattern>,
    /// The match the last search found, highlighted.
    pub found: Option<Match>,
    pub message: Option<String>,
    pub jobs: Vec<Running>,
    /// Which file or structure owns each sector, once indexed.
    pub owners: Option<Arc<OwnerIndex>>,
    /// Owners and the explained structure field at the cursor, recomputed
    /// when the sector or cursor moves.
    pub sector_context: Option<SectorContext>,
    /// The cue doctor's report, for images opened from a sheet.
    pub lint: Option<Box<crate::lint::Diagnosis>>,
    pub diagnostic_row: usize,
    /// The repair preview of the shown sector, while it is open.
    pub repair: Option<crate::sector::repair::Repair>,
    /// Bad sectors from the background verification, once it has finished.
    pub bad_sectors: Option<Vec<Lba>>,
    /// The user's state folder (bookmarks, reports), if there is one.
    pub state_folder: Option<std::path::PathBuf>,
    /// Where this image's bookmarks are kept, and the marks.
    pub store: Option<crate::tui::bookmarks::Store>,
    pub bookmarks: Vec<crate::tui::bookmarks::Bookmark>,
    pub quit: bool,
}

impl App {
    pub fn new(survey: Arc<Survey>, options: Appearance) -> App {
        let medium = Arc::clone(&survey.medium);
        // The richest view first: it is the one opened at start.
        let mut views = survey.views.clone();
        views.sort_by_key(|v| v.kind.rank());
        let lba = medium
            .tracks
            .first()
            .map_or(medium.first_lba(), |t| t.start.max(medium.first_lba()));
        let sector = SectorView::load(&medium, lba);
        let partitions = survey.disk_partitions().to_vec();
        let tree = FsTree::new(
            views.iter().map(|v| Arc::clone(&v.fs)).collect(),
            crate::inspect::tree::outside_views(&survey),
            medium.block_size(),
        );
        let mut tree_state = TreeState::default();
        if let Some(first) = tree.views().first().map(|_| TreeId::View(0)) {
            tree_state.open(vec![first]);
            tree_state.select(vec![first]);
        }
        App {
            survey,
            medium,
            appearance: options,
            focus: Pane::Hex,
            subject: Subject::Sector,
            overlay: Overlay::None,
            view: ViewMode::Raw,
            lba,
            cursor: 0,
            hex_top: 0,
            hex_columns: 16,
            hex_rows: 16,
            inspector_top: 0,
            map_columns: 64,
            map_rows: 16,
            areas: Areas::default(),
            track_row: 0,
            partitions,
            views,
            tree,
            tree_state,
            sector,
            goto_history: Vec::new(),
            search_history: Vec::new(),
            export_history: Vec::new(),
            export: None,
            last_search: None,
            found: None,
            message: None,
            jobs: Vec::new(),
            owners: None,
            sector_context: None,
            lint: None,
            diagnostic_row: 0,
            repair: None,
            bad_sectors: None,
            state_folder: None,
            store: None,
            bookmarks: Vec::new(),
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

    /// The work to start with: each view's root directory, the doctor on
    /// the sheet the image came from, the owner index and verification.
    pub fn startup(&self, sheet: Option<Arc<crate::container::SheetAnalysis>>) -> Vec<Effect> {
        let mut effects: Vec<Effect> = self
            .tree
            .unread_roots()
            .into_iter()
            .map(|(view, node)| Effect::ReadDirectory { view, node })
            .collect();
        effects.extend(sheet.map(Effect::Lint));
        if !self.views.is_empty() || !self.survey.structures().is_empty() {
            effects.push(Effect::IndexOwners);
        }
        if self.medium.tracks.iter().any(|t| !t.is_audio()) {
            effects.push(Effect::Verify);
        }
        effects
    }

    /// Takes the sector a `LoadSector` effect read.
    pub fn sector_loaded(&mut self, sector: SectorView) -> Vec<Effect> {
        if sector.lba != self.lba {
            // The user moved on while it was read.
            return vec![Effect::LoadSector(self.lba)];
        }
        self.sector = sector;
        self.repair = None;
        if let Some(track) = self.sector.track {
            self.track_row = track;
        }
        self.sync();
        Vec::new()
    }

    /// The effect that brings the shown sector up to the address, if it
    /// lags behind.
    fn load_if_moved(&self, mut effects: Vec<Effect>) -> Vec<Effect> {
        if self.sector.lba != self.lba {
            effects.push(Effect::LoadSector(self.lba));
        }
        effects
    }

    /// Fits the cursor, the scroll position and the sector's context to
    /// the state (no I/O: the context comes from the survey and the
    /// owner index).
    pub fn sync(&mut self) {
        let len = self.shown_len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.scroll_to_cursor();
        let fresh = self
            .sector_context
            .as_ref()
            .is_some_and(|c| c.lba == self.sector.lba && c.cursor == self.cursor);
        if !fresh {
            self.sector_context = Some(self.context());
            // A new byte's explanation is read from its top.
            self.inspector_top = 0;
        }
    }

    /// Owners of the sector and the structure field at the cursor.
    fn context(&self) -> SectorContext {
        let mut owners = self
            .owners
            .as_ref()
            .map(|o| o.owners(self.sector.lba))
            .unwrap_or_default();
        // The richest view's owners first, as the tree lists the views.
        owners.sort_by_key(|o| o.view().map_or(0, |k| k.rank()));
        let data = self.sector.user_data();
        let offset = self.shown_range().start + self.cursor;
        let explained = if data.contains(&offset) {
            let block = self.sector.bytes.get(data.clone()).unwrap_or_default();
            let here = explain::structures_at(&self.survey, &owners, self.sector.lba, block);
            explain::field_at(
                &here,
                self.sector.lba,
                self.block_size(),
                block.len(),
                offset - data.start,
            )
        } else {
            None
        };
        SectorContext {
            lba: self.sector.lba,
            cursor: self.cursor,
            owners,
            explained,
        }
    }

    /// Opens or closes the repair preview of the shown sector: computed
    /// from the bytes already read, nothing written.
    fn toggle_repair(&mut self) {
        if self.repair.take().is_some() {
            return;
        }
        let Some(verdict) = &self.sector.verdict else {
            self.message = Some("no sector to repair".into());
            return;
        };
        let expected_mode = match self.sector.mode.map(crate::sector::Storage::of_track_mode) {
            Some(crate::sector::Storage::Raw { expected_mode }) => expected_mode,
            _ => None,
        };
        let repair = crate::sector::repair::repair(
            &self.sector.bytes,
            verdict,
            self.sector.lba,
            expected_mode,
            &[],
        );
        use crate::sector::repair::RepairOutcome as Outcome;
        self.message = Some(match &repair.outcome {
            Outcome::Whole => "repair: the sector is whole; nothing to repair".into(),
            Outcome::Repaired => format!(
                "repair preview: {} bytes would change (highlighted); nothing is written",
                repair.changes.len()
            ),
            Outcome::Uncorrectable(why) => format!("repair: uncorrectable ({why})"),
            Outcome::NotAttempted(why) => format!("repair: not attempted ({why})"),
        });
        self.view = ViewMode::Raw;
        self.repair = Some(repair);
    }

    /// What the inspector shows: the tree row's notes when the tree is
    /// its subject, else the sector's and the byte's under the cursor.
    pub fn inspector_notes(&self) -> Vec<crate::inspect::notes::Note> {
        use crate::inspect::notes;
        if self.subject == Subject::TreeRow
            && let Some(&id) = self.tree_state.selected().last()
        {
            if let Some(node) = self.tree.node(id) {
                return notes::node_notes(node, self.block_size());
            }
            if let Some(structure) = self.tree.structure(id) {
                return notes::structure_notes(structure, self.block_size());
            }
            use crate::inspect::tree::TreeId;
            match id {
                TreeId::View(view) => {
                    if let Some(fs) = self.tree.views().get(view) {
                        let root = self.tree.root(view);
                        let kind = fs.kind().to_string();
                        return notes::view_notes(&kind, &fs.label(), root, self.block_size());
                    }
                }
                TreeId::Structures(view) => {
                    let count = self.tree.structure_count(view);
                    return vec![notes::Note {
                        label: "structures".into(),
                        value: format!(
                            "{count} on-disk structures of this view; Space unfolds, Enter on one shows its sector and fields"
                        ),
                        tone: notes::Tone::Plain,
                    }];
                }
                TreeId::Group(group) => {
                    if let Some((label, count)) = self.tree.group(group) {
                        return vec![notes::Note {
                            label: "structures".into(),
                            value: format!(
                                "{count} structures of {label}; Space unfolds, Enter on one shows its sector and fields"
                            ),
                            tone: notes::Tone::Plain,
                        }];
                    }
                }
                _ => {}
            }
        }
        let context = self.sector_context.as_ref();
        notes::sector_notes(
            &self.medium,
            &self.sector,
            self.shown_range().start + self.cursor,
            context.map_or(&[][..], |c| c.owners.as_slice()),
            context.and_then(|c| c.explained.as_ref()),
            self.repair.as_ref(),
        )
    }

    /// Keys in the help: scroll it; anything else closes it.
    fn help_key(&mut self, top: usize, action: Action) {
        let last = crate::tui::keymap::BINDINGS.len();
        self.overlay = match action {
            Action::Up => Overlay::Help(top.saturating_sub(1)),
            Action::Down => Overlay::Help((top + 1).min(last)),
            Action::PageUp | Action::Home => Overlay::Help(0),
            Action::PageDown | Action::End => Overlay::Help(last),
            _ => Overlay::None,
        };
    }

    /// The stored-sector byte range of the structure field under the cursor.
    pub fn cursor_span(&self) -> Option<std::ops::Range<usize>> {
        let explained = self.sector_context.as_ref()?.explained.as_ref()?;
        let data_start = self.sector.user_data().start;
        Some(data_start + explained.in_block.start..data_start + explained.in_block.end)
    }

    /// Bytes per sector the filesystem views count in.
    pub fn block_size(&self) -> u64 {
        self.medium.block_size()
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

    /// Translates a key press: prompts take text; the panes take the keys
    /// bound where the focus is; overlays take bound keys wherever they
    /// act, and any other key closes them.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let effects = match (&self.overlay, keymap::action_anywhere(key)) {
            (Overlay::Prompt(_), _) => self.prompt_key(key),
            (Overlay::None, _) => match keymap::action_for(key, self.focus) {
                Some(action) => self.apply(action),
                None => Vec::new(),
            },
            (_, Some(action)) => self.apply(action),
            (_, None) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
        };
        self.load_if_moved(effects)
    }

    /// Moves the focus, and with it what the inspector explains.
    pub fn focus_on(&mut self, pane: Pane) {
        self.focus = pane;
        match pane {
            Pane::Tree => self.subject = Subject::TreeRow,
            Pane::Inspector => {}
            Pane::Tracks | Pane::Diagnostics | Pane::Hex => self.subject = Subject::Sector,
        }
    }

    /// The state change for an action, and the work it asks for.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.apply(action);
        self.load_if_moved(effects)
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.message = None;
        if self.focus != Pane::Inspector {
            self.inspector_top = 0;
        }
        if let Overlay::Help(top) = self.overlay
            && action != Action::Quit
        {
            self.help_key(top, action);
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
        if let Overlay::Bookmarks(row) = self.overlay
            && action != Action::Quit
        {
            return self.bookmarks_key(row, action);
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Overlay::Help(0),
            Action::FocusNext | Action::FocusPrev => {
                let panes = Pane::ALL;
                let step = if action == Action::FocusNext {
                    1
                } else {
                    panes.len() - 1
                };
                let mut at = panes.iter().position(|&p| p == self.focus).unwrap_or(0);
                loop {
                    at = (at + step) % panes.len();
                    let pane = panes.get(at).copied().unwrap_or(Pane::Hex);
                    // The sheet pane exists only when there is something in it.
                    if pane != Pane::Diagnostics || self.has_diagnostics() {
                        self.focus_on(pane);
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
            Action::Left | Action::Right | Action::Toggle if self.focus == Pane::Tree => {
                return self.fold(action);
            }
            Action::Left => self.cursor = self.cursor.saturating_sub(1),
            Action::Right => {
                self.cursor = (self.cursor + 1).min(self.shown_len().saturating_sub(1))
            }
            Action::Toggle => {}
            Action::NextMatch | Action::PrevMatch => {
                return self.search_again(action == Action::NextMatch);
            }
            Action::Annotate => return self.annotate(),
            Action::Bookmark => return self.toggle_bookmark(),
            Action::Bookmarks => self.open_bookmarks(),
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
            Action::Export => self.ask_export(),
            Action::Owner => return self.reveal_owner(),
            Action::Click { column, row } => return self.click(column, row),
            Action::NextError | Action::PrevError => {
                self.jump_to_error(action == Action::NextError)
            }
            Action::Goto => self.open_prompt(PromptKind::Goto),
            Action::Search => self.open_prompt(PromptKind::Search),
            Action::Open => match self.focus {
                Pane::Tracks => {
                    self.open_track(self.track_row);
                    self.focus_on(Pane::Hex);
                }
                Pane::Tree => return self.open_tree_node(),
                Pane::Diagnostics => self.open_diagnostic(),
                Pane::Hex | Pane::Inspector => {}
            },
            Action::Repair => self.toggle_repair(),
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
                if self.jobs.iter().any(|j| j.kind == JobKind::Export) {
                    // The job stops at its next chunk and drops its staged
                    // file: nothing appears under the name asked for.
                    self.cancel_jobs(JobKind::Export);
                    self.message = Some("export cancelled: nothing written".into());
                    return Vec::new();
                }
                if self.overlay == Overlay::None {
                    self.message = Some("nothing to close or cancel".into());
                }
                self.overlay = Overlay::None;
            }
        }
        Vec::new()
    }
}
