//! `y`: the sector copied out as an annotated plain-text report for a bug
//! report, saved to a file and offered to the terminal's clipboard.

use super::{App, Effect};
use crate::inspect::annotate;

impl App {
    pub(super) fn annotate(&mut self) -> Vec<Effect> {
        if self.sector.error.is_some() {
            self.message = Some("this sector could not be read; nothing to copy".into());
            return Vec::new();
        }
        let owners = self
            .sector_context
            .as_ref()
            .map_or(&[][..], |c| c.owners.as_slice());
        let cursor = self.shown_range().start + self.cursor;
        let text = annotate::report(&self.survey, &self.sector, cursor, owners);
        let name = self
            .medium
            .path
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "_")
            })
            .unwrap_or_else(|| "image".into());
        let Some(folder) = &self.state_folder else {
            self.message =
                Some("no home folder to save the report in; copied to the clipboard only".into());
            return vec![Effect::Clipboard(text)];
        };
        let path = folder
            .join("reports")
            .join(format!("{name}-{}.txt", self.sector.lba));
        let done = format!(
            "report saved to {} and offered to the clipboard (OSC 52)",
            path.display()
        );
        vec![
            Effect::Write {
                path,
                bytes: text.clone().into_bytes(),
                done: Some(done),
            },
            Effect::Clipboard(text),
        ]
    }
}
