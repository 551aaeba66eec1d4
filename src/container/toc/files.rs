//! The files a toc names: each found and opened once, its payload located
//! (the `data` chunk of a `.wav`, the whole of anything else), with the
//! same rules and findings as a cue sheet's FILE lines.
//!
//! Sources: the cdrdao manual (FILE: "Only filenames with a `.wav` ending
//! are treated as WAVE files, all other names are assumed to be raw audio
//! files"; raw audio files hold big-endian samples unless `SWAP` is given;
//! MP3 and Ogg files are decoded by cdrdao first).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::container::cue::files::{OpenFile, needs_decoding, shared_reader, unreadable};
use crate::container::cue::payload;
use crate::container::cue::resolve::{self, Resolution};
use crate::container::cue::sheet::FileKind;
use crate::container::dialect::Dialect;
use crate::container::toc::sheet::{Statement, TocSheet};
use crate::diagnostic::Diagnostic;
use crate::io::ReadAt;

/// The files of a toc, in the order first named.
#[derive(Debug, Default)]
pub struct TocFiles {
    /// Each file's name as the toc first writes it.
    pub names: Vec<String>,
    /// `open[i]` for `names[i]`: `None` where it could not be used.
    pub open: Vec<Option<OpenFile>>,
    /// For `tracks[t].body[s]`, the index of the file it names.
    pub refs: Vec<Vec<Option<usize>>>,
}

/// Audio formats cdrdao decodes before writing, and discscope cannot.
const DECODED: [&str; 3] = ["mp3", "ogg", "flac"];

/// Finds and opens every file the toc names, each distinct name once.
pub fn open_all(sheet: &TocSheet, folder: &Path, found: &mut Vec<Diagnostic>) -> TocFiles {
    let mut files = TocFiles::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut readers: HashMap<PathBuf, Arc<dyn ReadAt>> = HashMap::new();
    for track in &sheet.tracks {
        let audio_track = track.mode.is_some_and(|m| m.is_audio());
        let mut refs = Vec::with_capacity(track.body.len());
        for placed in &track.body {
            let Statement::File {
                name,
                name_at,
                audio,
                swap,
                ..
            } = &placed.statement
            else {
                refs.push(None);
                continue;
            };
            if let Some(&index) = by_name.get(name) {
                refs.push(Some(index));
                continue;
            }
            let index = files.names.len();
            by_name.insert(name.clone(), index);
            files.names.push(name.clone());
            let open = open_in(
                folder,
                name,
                name_at.line,
                name_at.column,
                &mut readers,
                found,
            );
            let raw_audio = audio_track && *audio && !*swap && kind_of(name) == FileKind::Binary;
            if raw_audio && open.is_some() {
                found.push(
                    Diagnostic::info(
                        "toc.big-endian-audio",
                        format!(
                            "`{name}` is a raw audio file, whose samples cdrdao reads as big-endian; they are shown as stored"
                        ),
                    )
                    .at_sheet(placed.at.line, placed.at.column)
                    .suggest("write SWAP after the name if the file holds little-endian samples"),
                );
            }
            files.open.push(open);
            refs.push(Some(index));
        }
        files.refs.push(refs);
    }
    files
}

/// How a name's ending says the file is stored.
fn kind_of(name: &str) -> FileKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".wav") {
        FileKind::Wave
    } else {
        FileKind::Binary
    }
}

/// Finds and opens one file, relative to the toc's folder.
fn open_in(
    folder: &Path,
    name: &str,
    line: usize,
    column: usize,
    readers: &mut HashMap<PathBuf, Arc<dyn ReadAt>>,
    found: &mut Vec<Diagnostic>,
) -> Option<OpenFile> {
    let path = match resolve::resolve(Dialect::Toc, folder, name, line, column) {
        Resolution::Found { path, notes } => {
            found.extend(notes);
            path
        }
        Resolution::Failed(error) => {
            found.push(error);
            return None;
        }
    };
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if DECODED.contains(&extension.as_str()) {
        found.push(
            needs_decoding(Dialect::Toc, name, &extension.to_ascii_uppercase())
                .at_sheet(line, column)
                .suggest("decode it to a .wav (or raw) file and name that file"),
        );
        return None;
    }
    let reader = match shared_reader(&path, readers) {
        Ok(reader) => reader,
        Err(error) => {
            found.push(unreadable(Dialect::Toc, name, error).at_sheet(line, column));
            return None;
        }
    };
    let mut notes = Vec::new();
    match payload::locate(Dialect::Toc, reader.as_ref(), kind_of(name), &mut notes) {
        Ok(Some(payload)) => {
            found.extend(notes.into_iter().map(|n| n.at_sheet(line, column)));
            Some(OpenFile {
                path,
                reader,
                payload,
            })
        }
        Ok(None) => None,
        Err(error) => {
            found.push(unreadable(Dialect::Toc, name, error).at_sheet(line, column));
            None
        }
    }
}
