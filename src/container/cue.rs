//! CDRWIN cue sheets: read, parse, resolve FILEs, lay out the disc.

pub mod analysis;
pub mod files;
pub mod layout;
pub mod payload;
pub mod resolve;
pub mod sheet;
pub mod text;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::{Error, Result};
use std::sync::Arc;

use crate::io::MemorySource;
use crate::medium::{Format, Medium, MediumKind, SourceFile};
pub use analysis::{Analysis, analyse};
use files::OpenFile;
use layout::DiscLayout;

/// The disc an analysed sheet describes. Refused, with the first error
/// found, when any finding makes the disc unusable as the sheet stands.
pub fn medium(analysis: &Analysis) -> Result<Medium> {
    let path = analysis.path.as_path();
    // A problem of the whole sheet (no tracks at all) has no line to name.
    let fail = |d: &Diagnostic| match d.line().filter(|&line| line > 0) {
        Some(line) => Error::Sheet {
            path: path.to_owned(),
            line,
            message: d.message.clone(),
        },
        None => Error::image(path, d.message.clone()),
    };
    let errors = analysis
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error);
    if let Some(error) = errors {
        return Err(fail(error));
    }
    let (Some(layout), Some(files)) = (
        &analysis.layout,
        analysis.files.iter().cloned().collect::<Option<Vec<_>>>(),
    ) else {
        return Err(Error::image(path, "the sheet describes no usable disc"));
    };
    Ok(build(analysis, layout, files))
}

/// The code of a track a broken sheet's best-effort disc leaves out.
pub const NOT_LAID_OUT: &str = "cue.not-laid-out";

/// The disc as far as a broken sheet allows, for the inspector, which
/// shows the findings beside it: the usable tracks whose file opened, laid out (a missing file holds no sectors); no
/// tracks at all when even that cannot be laid out.
pub fn best_effort(analysis: &Analysis) -> Medium {
    if let Ok(medium) = medium(analysis) {
        return medium;
    }
    let path = analysis.path.as_path();
    let missing = |file: usize| !matches!(analysis.files.get(file), Some(Some(_)));
    // Each track left out says so at its line, for the tracks pane.
    let mut diagnostics = analysis.diagnostics.clone();
    for track in &analysis.sheet.tracks {
        let why = if missing(track.file) {
            "its FILE could not be opened"
        } else if track.mode == sheet::DeclaredMode::NotExtracted {
            "the image does not hold it"
        } else if track.track_mode().is_none() {
            "its mode is unknown"
        } else if !track.indexes.iter().any(|i| i.number == 1) {
            "it has no usable INDEX 01"
        } else {
            continue;
        };
        diagnostics.push(
            Diagnostic::warning(
                NOT_LAID_OUT,
                format!("TRACK {:02} is not laid out: {why}", track.number),
            )
            .at_sheet(track.span.line, track.span.column),
        );
    }
    let empty = || Medium {
        diagnostics: diagnostics.clone(),
        ..Medium::empty(Format::Cue, MediumKind::Optical, path, 2352)
    };
    let mut usable = analysis.sheet.clone();
    usable.tracks.retain(|t| !missing(t.file) && t.usable());
    let files: Vec<OpenFile> = analysis
        .sheet
        .files
        .iter()
        .zip(&analysis.files)
        .map(|(line, open)| {
            open.clone().unwrap_or_else(|| OpenFile {
                path: line.name.clone().into(),
                reader: Arc::new(MemorySource::new(Vec::new(), line.name.clone())),
                payload: payload::Payload { offset: 0, len: 0 },
            })
        })
        .collect();
    let payloads: Vec<_> = files.iter().map(|f| f.payload).collect();
    if usable.tracks.is_empty() {
        return empty();
    }
    match layout::lay_out(&usable, &payloads) {
        Ok(layout) => Medium {
            diagnostics,
            ..build(analysis, &layout, files)
        },
        Err(_) => empty(),
    }
}

/// The medium of a laid-out sheet and its files.
fn build(analysis: &Analysis, layout: &DiscLayout, files: Vec<OpenFile>) -> Medium {
    let sheet = &analysis.sheet;
    let sector_size = crate::medium::Track::largest_sector(&layout.tracks);
    Medium {
        sessions: layout.sessions.clone(),
        tracks: layout.tracks.clone(),
        catalog: sheet.catalog.as_ref().map(|(c, _)| c.clone()),
        cd_text: sheet.cd_text.clone(),
        cd_text_file: sheet.cd_text_file.as_ref().map(|(c, _)| c.clone()),
        rem: sheet.rem.iter().map(|r| r.text.clone()).collect(),
        files: sheet
            .files
            .iter()
            .zip(files)
            .map(|(line, open)| SourceFile {
                name: line.name.clone(),
                path: open.path,
                reader: open.reader,
            })
            .collect(),
        extents: layout.extents.clone(),
        diagnostics: analysis.diagnostics.clone(),
        ..Medium::empty(
            Format::Cue,
            MediumKind::Optical,
            &analysis.path,
            sector_size,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::open;
    use std::sync::Arc;

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

    /// The inspector's reading of a sheet with an unknown mode in the
    /// middle: the tracks around it laid out, it marked as left out.
    #[test]
    fn best_effort_leaves_out_a_track_of_unknown_mode() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), vec![0u8; 2352 * 30]).unwrap();
        let sheet = dir.path().join("mode.cue");
        std::fs::write(
            &sheet,
            "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 MODE3\nINDEX 01 00:00:10\nTRACK 03 AUDIO\nINDEX 01 00:00:20\n",
        )
        .unwrap();
        let analysis = analyse(&sheet).unwrap();
        let error = medium(&analysis).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("mode.cue:4: TRACK 02 MODE3: unknown track mode"),
            "{error}"
        );
        let medium = best_effort(&analysis);
        let numbers: Vec<_> = medium.tracks.iter().map(|t| t.number).collect();
        assert_eq!(numbers, [1, 3]);
        let left_out: Vec<_> = medium
            .diagnostics
            .iter()
            .filter(|d| d.code == NOT_LAID_OUT)
            .map(|d| (d.line(), d.message.as_str()))
            .collect();
        assert_eq!(
            left_out,
            [(Some(4), "TRACK 02 is not laid out: its mode is unknown")]
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
