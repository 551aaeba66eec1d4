//! `x`: write the selected track or file out. The path is asked with a
//! prompt that offers a name; the writing is a background job.

use std::path::PathBuf;

use super::{App, Effect, Overlay, Pane, Prompt, PromptKind};
use crate::inspect::tree::TreeId;
use crate::tui::job::ExportSubject;

impl App {
    /// Opens the export prompt for what `x` was pressed on.
    pub(super) fn ask_export(&mut self) {
        let (subject, offered) = match self.focus {
            Pane::Tracks => {
                let Some(track) = self.medium.tracks.get(self.track_row) else {
                    self.message = Some("no track to export (a disk image has partitions)".into());
                    return;
                };
                let stem = self
                    .medium
                    .path
                    .file_stem()
                    .map_or_else(|| "disc".into(), |s| s.to_string_lossy().into_owned());
                let ext = if track.is_audio() { "wav" } else { "iso" };
                (
                    ExportSubject::Track(track.number),
                    format!("{stem} (Track {:02}).{ext}", track.number),
                )
            }
            Pane::Tree => {
                let selected = self.tree_state.selected().last().copied();
                let node = match selected {
                    Some(TreeId::Node(view, _)) => selected
                        .and_then(|id| self.tree.node(id))
                        .filter(|n| n.kind == crate::fs::NodeKind::File)
                        .map(|n| (view, n.clone())),
                    _ => None,
                };
                let Some((view, node)) = node else {
                    self.message = Some("x extracts a file: select one".into());
                    return;
                };
                let offered = crate::extract::sanitize(&node.name);
                (ExportSubject::File { view, node }, offered)
            }
            Pane::Hex | Pane::Inspector | Pane::Diagnostics => return,
        };
        self.export = Some(subject);
        self.overlay = Overlay::Prompt(Prompt {
            kind: PromptKind::Export,
            input: offered,
            error: None,
            recall: None,
        });
    }

    /// Starts the export the prompt was opened for.
    pub(super) fn submit_export(&mut self, mut prompt: Prompt, input: String) -> Vec<Effect> {
        if input.is_empty() {
            prompt.error = Some("type a path to write to".into());
            self.overlay = Overlay::Prompt(prompt);
            return Vec::new();
        }
        let Some(subject) = self.export.take() else {
            return Vec::new();
        };
        super::prompt::remember(&mut self.export_history, input.clone());
        self.message = Some(format!("writing {input} in the background"));
        vec![Effect::Export {
            subject,
            path: PathBuf::from(input),
        }]
    }
}
