//! FILE lines: finding each file, opening it once, its type against its
//! content, and the fixes that name it as it really is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::container::cue::payload::{self, Payload};
use crate::container::cue::resolve::{self, Resolution};
use crate::container::cue::sheet::{FileKind, FileLine, Sheet};
use crate::container::cue::text::indent_of;
use crate::container::dialect::{self, Dialect};
use crate::diagnostic::{Diagnostic, Fix};
use crate::io::{FileSource, Pager, ReadAt};

/// A data file that opened, and where its sectors are.
#[derive(Clone)]
pub struct OpenFile {
    /// Where it was found.
    pub path: PathBuf,
    pub reader: Arc<dyn ReadAt>,
    pub payload: Payload,
}

impl std::fmt::Debug for OpenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenFile")
            .field("payload", &self.payload)
            .finish_non_exhaustive()
    }
}

/// A FILE line naming `name` with type `kind`, indented as `line` is.
pub(crate) fn file_line(line: &str, name: &str, kind: &str) -> String {
    format!(
        "{}FILE \"{}\" {kind}",
        indent_of(line),
        name.replace('"', "")
    )
}

/// Codes of resolver notes that a corrected name fixes.
const RENAMED: [&str; 4] = [
    "cue.file-case",
    "cue.file-absolute",
    "cue.file-backslash",
    "cue.file-path-stripped",
];

/// Opens every FILE of the sheet, each distinct file once (a hostile sheet
/// naming one file many times cannot run out of descriptors); `None` where
/// a file cannot be used, with the finding that says why.
pub(super) fn open_all(
    sheet: &Sheet,
    folder: &Path,
    found: &mut Vec<Diagnostic>,
) -> Vec<Option<OpenFile>> {
    let mut readers: HashMap<PathBuf, Arc<dyn ReadAt>> = HashMap::new();
    // The parser's findings by line, which a FILE line's fixes complete
    // (`found` only grows below, so their positions hold): looked up, not
    // searched, for each of thousands of FILE lines.
    let mut parsed: HashMap<usize, Vec<usize>> = HashMap::new();
    for (at, d) in found.iter().enumerate() {
        if let Some(line) = d.line() {
            parsed.entry(line).or_default().push(at);
        }
    }
    sheet
        .files
        .iter()
        .map(|file| open_one(sheet, file, folder, &mut readers, &parsed, found))
        .collect()
}

fn open_one(
    sheet: &Sheet,
    file: &FileLine,
    folder: &Path,
    readers: &mut HashMap<PathBuf, Arc<dyn ReadAt>>,
    parsed: &HashMap<usize, Vec<usize>>,
    found: &mut Vec<Diagnostic>,
) -> Option<OpenFile> {
    let (line, column) = (file.name_span.line, file.name_span.column);
    let on_line = parsed.get(&line).map_or(&[][..], Vec::as_slice);
    let text = sheet
        .text
        .lines
        .get(line.saturating_sub(1))
        .map_or("", String::as_str);
    let rewrite = |name: &str, kind: &str| Fix {
        line,
        replacement: file_line(text, name, kind),
    };
    // Names the parser had to guess at (spaces without quotes, no type).
    for &at in on_line {
        if let Some(d) = found.get_mut(at)
            && d.fix.is_none()
            && matches!(d.code, "cue.unquoted-name" | "cue.file-type-unknown")
        {
            d.fix = Some(rewrite(&file.name, file.kind.as_str()));
        }
    }
    let path = match resolve::resolve(Dialect::Cue, folder, &file.name, line, column) {
        Resolution::Found { path, notes } => {
            let relative = path
                .strip_prefix(folder)
                .ok()
                .map(|p| p.to_string_lossy().into_owned());
            for mut note in notes {
                if let (true, Some(relative)) = (RENAMED.contains(&note.code), &relative) {
                    note = note.with_fix(rewrite(relative, file.kind.as_str()));
                }
                found.push(note);
            }
            path
        }
        Resolution::Failed(mut error) => {
            // `FILE "a.bin BINARY` (an unclosed quote): the type is inside.
            if let Some((name, kind)) = file.name.rsplit_once(' ') {
                let resolves = matches!(
                    resolve::resolve(Dialect::Cue, folder, name, line, column),
                    Resolution::Found { .. }
                );
                if resolves && FileKind::from_name(kind).is_some() {
                    let fix = rewrite(name, &kind.to_ascii_uppercase());
                    for &at in on_line {
                        if let Some(d) = found.get_mut(at)
                            && d.code == "cue.unclosed-quote"
                        {
                            d.fix = Some(fix.clone());
                        }
                    }
                    error = error.suggest(format!("close the quote: FILE \"{name}\" {kind}"));
                }
            }
            found.push(error);
            return None;
        }
    };
    let reader = match shared_reader(&path, readers) {
        Ok(reader) => reader,
        Err(error) => {
            found.push(unreadable(Dialect::Cue, &file.name, error).at_sheet(line, column));
            return None;
        }
    };
    let mut notes = Vec::new();
    let located = payload::locate(Dialect::Cue, reader.as_ref(), file.kind, &mut notes);
    let kind_column = column_of_kind(text).unwrap_or(file.span.column);
    for note in notes {
        let mut note = note.at_sheet(line, kind_column);
        if note.code == "cue.file-type-mismatch" {
            let real = if has_riff_wave(reader.as_ref()) {
                "WAVE"
            } else if file.kind == FileKind::Wave || file.kind == FileKind::Aiff {
                "BINARY"
            } else {
                "AIFF"
            };
            note = note
                .suggest(format!("declare it as {real}"))
                .with_fix(rewrite(&file.name, real));
        }
        found.push(note);
    }
    if file.kind == FileKind::Motorola {
        found.push(
            Diagnostic::info(
                "cue.motorola",
                "MOTOROLA audio is big-endian; samples are shown as stored",
            )
            .at_sheet(file.span.line, file.span.column),
        );
    }
    match located {
        Ok(Some(payload)) => Some(OpenFile {
            path,
            reader,
            payload,
        }),
        Ok(None) => {
            found.push(
                needs_decoding(Dialect::Cue, &file.name, file.kind.as_str())
                    .at_sheet(file.span.line, file.span.column)
                    .suggest("decode it to WAVE (or raw BINARY) and name that file"),
            );
            None
        }
        Err(error) => {
            found.push(unreadable(Dialect::Cue, &file.name, error).at_sheet(line, column));
            None
        }
    }
}

/// The reader of the file at `path`, opened once however many times a
/// sheet names it (a hostile sheet naming one file many times cannot run
/// out of descriptors), through a page cache.
pub(crate) fn shared_reader(
    path: &Path,
    readers: &mut HashMap<PathBuf, Arc<dyn ReadAt>>,
) -> crate::Result<Arc<dyn ReadAt>> {
    if let Some(reader) = readers.get(path) {
        return Ok(Arc::clone(reader));
    }
    let reader: Arc<dyn ReadAt> = Arc::new(Pager::new(FileSource::open(path)?));
    readers.insert(path.to_owned(), Arc::clone(&reader));
    Ok(reader)
}

/// A file whose audio would have to be decoded first.
pub(crate) fn needs_decoding(dialect: Dialect, name: &str, kind: &str) -> Diagnostic {
    Diagnostic::error(
        dialect.code(dialect::FILE_NEEDS_DECODING),
        format!(
            "{} `{name}` is {kind} audio, which would need decoding",
            dialect.file_word()
        ),
    )
}

/// A file that exists but could not be opened or read: the operating
/// system's reason alone, since the sheet's line names the file.
pub(crate) fn unreadable(dialect: Dialect, name: &str, error: crate::Error) -> Diagnostic {
    let reason = match error {
        crate::Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    Diagnostic::error(
        dialect.code(dialect::FILE_UNREADABLE),
        format!("{} `{name}`: {reason}", dialect.file_word()),
    )
}

fn has_riff_wave(reader: &dyn ReadAt) -> bool {
    let mut magic = [0u8; 12];
    reader.read_exact_at(0, &mut magic).is_ok()
        && magic.get(..4) == Some(b"RIFF")
        && magic.get(8..) == Some(b"WAVE")
}

/// The column of the last word of a FILE line (its type).
fn column_of_kind(text: &str) -> Option<usize> {
    let trimmed = text.trim_end();
    let start = trimmed.rfind(char::is_whitespace)? + 1;
    Some(trimmed.get(..start)?.chars().count() + 1)
}
