//! CDRWIN cue sheets: read, parse, resolve FILEs, lay out the disc.

pub mod layout;
pub mod payload;
pub mod resolve;
pub mod sheet;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{Format, Medium, MediumKind, SourceFile};
use resolve::Resolution;
use sheet::{FileKind, Sheet};
use text::{Encoding, MAX_SHEET_BYTES};

/// Reads and parses a sheet. Fails only when the file cannot be read or is
/// recognisably something else (a binary file, a `.toc`, a `.ccd`).
pub fn read_sheet(path: &Path) -> Result<Sheet> {
    let source = FileSource::open(path)?;
    if source.len() > MAX_SHEET_BYTES as u64 {
        return Err(Error::image(path, text::NotASheet::TooLarge.message()));
    }
    let bytes = source.read_vec(0, source.len() as usize)?;
    if let Some(other) = text::recognise_other(&bytes) {
        return Err(Error::image(path, other.message()));
    }
    let mut sheet = Sheet::parse_bytes(&bytes);
    let mut notes = text_notes(&sheet);
    notes.append(&mut sheet.diagnostics);
    sheet.diagnostics = notes;
    Ok(sheet)
}

/// What the sheet's text itself says: a byte order mark, a legacy encoding,
/// mixed line endings.
pub fn text_notes(sheet: &Sheet) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    match sheet.text.encoding {
        Encoding::Utf8 => {}
        Encoding::Utf8Bom => notes.push(
            Diagnostic::info(
                "cue.bom",
                "the sheet starts with a UTF-8 byte order mark, which some programs misread",
            )
            .at_sheet(1, 1),
        ),
        other => notes.push(Diagnostic::info(
            "cue.encoding",
            format!("the sheet is not UTF-8; decoded as {}", other.as_str()),
        )),
    }
    let endings = sheet.text.endings;
    if [endings.lf, endings.crlf, endings.cr]
        .iter()
        .filter(|&&n| n > 0)
        .count()
        > 1
    {
        notes.push(Diagnostic::info(
            "cue.mixed-line-endings",
            "the sheet mixes line endings",
        ));
    }
    notes
}

/// Opens the disc a sheet describes.
pub fn open(path: &Path) -> Result<Medium> {
    let sheet = read_sheet(path)?;
    // A problem of the whole sheet (no tracks at all) has no line to name.
    let fail = |d: &Diagnostic| match d.line().filter(|&line| line > 0) {
        Some(line) => Error::Sheet {
            path: path.to_owned(),
            line,
            message: d.message.clone(),
        },
        None => Error::image(path, d.message.clone()),
    };
    if let Some(error) = sheet.first_error() {
        return Err(fail(error));
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut diagnostics = sheet.diagnostics.clone();
    let mut files = Vec::new();
    let mut payloads = Vec::new();
    // A sheet may name one file many times: open it once, so a hostile
    // sheet cannot run out of file descriptors.
    let mut opened: HashMap<PathBuf, Arc<dyn ReadAt>> = HashMap::new();
    for file in &sheet.files {
        let found = match resolve::resolve(
            folder,
            &file.name,
            file.name_span.line,
            file.name_span.column,
        ) {
            Resolution::Found { path, notes } => {
                diagnostics.extend(notes);
                path
            }
            Resolution::Failed(error) => return Err(fail(&error)),
        };
        let reader = match opened.get(&found) {
            Some(reader) => Arc::clone(reader),
            None => {
                let source = FileSource::open(&found).map_err(|error| Error::Sheet {
                    path: path.to_owned(),
                    line: file.span.line,
                    message: format!("FILE `{}`: {}", file.name, io_reason(error)),
                })?;
                let reader: Arc<dyn ReadAt> = Arc::new(Pager::new(source));
                opened.insert(found.clone(), Arc::clone(&reader));
                reader
            }
        };
        let mut notes = Vec::new();
        let payload = payload::locate(reader.as_ref(), file.kind, &mut notes)?;
        for note in notes {
            diagnostics.push(note.at_sheet(file.span.line, file.span.column));
        }
        let Some(payload) = payload else {
            let message = format!(
                "FILE `{}` is {} audio, which would need decoding; convert it to WAVE or BINARY",
                file.name,
                file.kind.as_str()
            );
            return Err(Error::Sheet {
                path: path.to_owned(),
                line: file.span.line,
                message,
            });
        };
        if file.kind == FileKind::Motorola {
            diagnostics.push(
                Diagnostic::info(
                    "cue.motorola",
                    "MOTOROLA audio is big-endian; samples are shown as stored",
                )
                .at_sheet(file.span.line, file.span.column),
            );
        }
        payloads.push(payload);
        files.push(SourceFile {
            name: file.name.clone(),
            path: found,
            reader,
        });
    }
    let layout = layout::lay_out(&sheet, &payloads).map_err(|d| fail(&d))?;
    diagnostics.extend(layout.notes);
    let sector_size = layout
        .tracks
        .iter()
        .map(|t| t.mode.sector_size())
        .max()
        .unwrap_or(2352);
    Ok(Medium {
        format: Format::Cue,
        kind: MediumKind::Optical,
        path: path.to_owned(),
        sector_size,
        sessions: layout.sessions,
        tracks: layout.tracks,
        catalog: sheet.catalog.map(|(c, _)| c),
        cd_text: sheet.cd_text,
        cd_text_file: sheet.cd_text_file.map(|(c, _)| c),
        rem: sheet.rem.into_iter().map(|r| r.text).collect(),
        files,
        extents: layout.extents,
        structures: Vec::new(),
        diagnostics,
    })
}

/// The operating system's reason alone: the sheet's line names the file.
fn io_reason(error: Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_without_a_line_do_not_name_line_zero() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), [0u8; 2352]).unwrap();
        let sheet = dir.path().join("empty.cue");
        std::fs::write(&sheet, "FILE a.bin BINARY\n").unwrap();
        let error = open(&sheet).unwrap_err();
        assert!(matches!(error, Error::Image { .. }), "{error:?}");
        assert!(!error.to_string().contains(":0:"), "{error}");

        std::fs::write(
            &sheet,
            "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:75\n",
        )
        .unwrap();
        let error = open(&sheet).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("empty.cue:3: INDEX 01 00:00:75: frame must be below 75"),
            "{error}"
        );
    }

    #[test]
    fn a_file_named_many_times_is_opened_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), [0u8; 2352]).unwrap();
        let sheet = dir.path().join("many.cue");
        let mut text = "FILE a.bin BINARY\n".repeat(30_000);
        text.push_str("TRACK 01 AUDIO\nINDEX 01 00:00:00\n");
        std::fs::write(&sheet, text).unwrap();
        let medium = open(&sheet).unwrap();
        assert_eq!(medium.files.len(), 30_000);
        let first = &medium.files[0].reader;
        assert!(medium.files.iter().all(|f| Arc::ptr_eq(&f.reader, first)));
    }
}
