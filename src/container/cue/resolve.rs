//! Finding the file a FILE line names.
//!
//! Order: the name relative to the sheet's folder; the same name with
//! another case; the base name of an absolute or Windows path in the
//! sheet's folder (exact, then any case). Every fallback is a diagnostic.
//! Only regular files are accepted.

use std::path::{Component, Path, PathBuf};

use crate::container::dialect::{self, Code, Dialect};
use crate::diagnostic::Diagnostic;

/// Where a FILE name led.
#[derive(Debug)]
pub enum Resolution {
    Found {
        path: PathBuf,
        notes: Vec<Diagnostic>,
    },
    /// Nothing usable: the reason as an error diagnostic.
    Failed(Diagnostic),
}

/// Resolves `name` for a sheet in `folder`; `(line, column)` locate the name.
/// Findings carry `dialect`'s codes.
pub fn resolve(
    dialect: Dialect,
    folder: &Path,
    name: &str,
    line: usize,
    column: usize,
) -> Resolution {
    let word = dialect.file_word();
    let mut notes = Vec::new();
    let windows_like = name.contains('\\') || has_drive_letter(name);
    let direct = folder.join(name);
    let is_absolute = Path::new(name).is_absolute() || has_drive_letter(name);

    if !windows_like {
        if let Some(found) = existing(&direct) {
            if is_absolute {
                notes.push(
                    Diagnostic::warning(
                        dialect.code(dialect::FILE_ABSOLUTE),
                        format!("{word} names an absolute path `{name}`"),
                    )
                    .at_sheet(line, column)
                    .suggest("name the file relative to the sheet so the set can move"),
                );
            } else if escapes(name) {
                notes.push(
                    Diagnostic::warning(
                        dialect.code(dialect::FILE_OUTSIDE_FOLDER),
                        format!("{word} `{name}` lies outside the sheet's folder"),
                    )
                    .at_sheet(line, column),
                );
            }
            return checked(dialect, found, name, line, column, notes);
        }
        if let Some(found) = case_insensitive(&direct) {
            let actual = file_name(&found);
            let message =
                format!("{word} `{name}` was found only as `{actual}` (letter case differs)");
            notes.push(
                renamed(dialect, dialect::FILE_CASE, message, &actual).at_sheet(line, column),
            );
            return checked(dialect, found, name, line, column, notes);
        }
    }

    // A relative path written on Windows (`disc\\track.bin`), or one whose
    // folders differ in case: walk it a component at a time.
    if !is_absolute
        && (windows_like || name.contains('/'))
        && let Some(found) = walk_any_case(folder, name)
    {
        let shown = found
            .strip_prefix(folder)
            .unwrap_or(&found)
            .to_string_lossy()
            .into_owned();
        let (code, why) = if windows_like {
            (dialect::FILE_BACKSLASH, "Windows separators")
        } else {
            (dialect::FILE_CASE, "letter case differs")
        };
        let message = format!("{word} `{name}` was found as `{shown}` ({why})");
        notes.push(renamed(dialect, code, message, &shown).at_sheet(line, column));
        return checked(dialect, found, name, line, column, notes);
    }

    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if (is_absolute || windows_like || name.contains('/'))
        && !base.is_empty()
        && base != ".."
        && base != "."
    {
        let candidate = folder.join(base);
        let found = existing(&candidate)
            .map(|p| (p, false))
            .or_else(|| case_insensitive(&candidate).map(|p| (p, true)));
        if let Some((found, case_changed)) = found {
            let actual = file_name(&found);
            let code = if is_absolute {
                dialect::FILE_ABSOLUTE
            } else {
                dialect::FILE_PATH_STRIPPED
            };
            let case = if case_changed {
                " (letter case differs)"
            } else {
                ""
            };
            let message = format!(
                "{word} `{name}` was not found there; using `{actual}` beside the sheet{case}"
            );
            notes.push(renamed(dialect, code, message, &actual).at_sheet(line, column));
            return checked(dialect, found, name, line, column, notes);
        }
    }

    Resolution::Failed(
        Diagnostic::error(
            dialect.code(dialect::FILE_MISSING),
            format!("{word} `{name}` does not exist"),
        )
        .at_sheet(line, column)
        .suggest(format!("put `{base}` beside the sheet or correct the name")),
    )
}

fn checked(
    dialect: Dialect,
    path: PathBuf,
    name: &str,
    line: usize,
    column: usize,
    notes: Vec<Diagnostic>,
) -> Resolution {
    let word = dialect.file_word();
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => Resolution::Found { path, notes },
        Ok(meta) => Resolution::Failed(
            Diagnostic::error(
                dialect.code(dialect::FILE_NOT_REGULAR),
                format!("{word} `{name}` {}", crate::io::describe_non_regular(&meta)),
            )
            .at_sheet(line, column),
        ),
        Err(error) => Resolution::Failed(
            Diagnostic::error(
                dialect.code(dialect::FILE_UNREADABLE),
                format!("{word} `{name}`: {error}"),
            )
            .at_sheet(line, column),
        ),
    }
}

/// The path if something exists there (following links, as opening would).
fn existing(path: &Path) -> Option<PathBuf> {
    std::fs::metadata(path).ok().map(|_| path.to_owned())
}

/// A directory entry whose name equals the last component ignoring case.
pub(crate) fn case_insensitive(path: &Path) -> Option<PathBuf> {
    let parent = path.parent()?;
    let wanted = path.file_name()?.to_str()?.to_lowercase();
    let entries = std::fs::read_dir(if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    })
    .ok()?;
    let mut matches = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.to_lowercase() == wanted)
        })
        .take(1024)
        .map(|entry| entry.path())
        .collect::<Vec<_>>();
    matches.sort();
    matches.into_iter().next()
}

/// `name` under `folder`, each component matched exactly or else in any
/// letter case; `/` and `\\` both separate.
fn walk_any_case(folder: &Path, name: &str) -> Option<PathBuf> {
    let mut path = folder.to_owned();
    for part in name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
    {
        let exact = path.join(part);
        path = if part == ".." || std::fs::symlink_metadata(&exact).is_ok() {
            exact
        } else {
            case_insensitive(&exact)?
        };
    }
    existing(&path)
}

fn has_drive_letter(name: &str) -> bool {
    let bytes = name.as_bytes();
    matches!(bytes, [letter, b':', b'\\' | b'/', ..] if letter.is_ascii_alphabetic())
}

/// Whether a relative name climbs out of its folder.
fn escapes(name: &str) -> bool {
    let mut depth: i32 = 0;
    for component in Path::new(name).components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// A file found under another name: the finding, with the name to write.
fn renamed(dialect: Dialect, code: Code, message: String, shown: &str) -> Diagnostic {
    Diagnostic::warning(dialect.code(code), message).suggest(dialect.write_name(shown))
}

/// The last component of a path, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Game.bin"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();

        let Resolution::Found { notes, .. } = resolve(Dialect::Cue, dir.path(), "Game.bin", 1, 6)
        else {
            panic!()
        };
        assert!(notes.is_empty());

        let Resolution::Found { path, notes } = resolve(Dialect::Cue, dir.path(), "GAME.BIN", 1, 6)
        else {
            panic!()
        };
        assert_eq!(path.file_name().unwrap(), "Game.bin");
        assert_eq!(notes[0].code, "cue.file-case");

        let Resolution::Found { notes, .. } =
            resolve(Dialect::Cue, dir.path(), "C:\\Games\\game.bin", 1, 6)
        else {
            panic!()
        };
        assert_eq!(notes[0].code, "cue.file-absolute");

        let Resolution::Found { notes, .. } =
            resolve(Dialect::Cue, dir.path(), "/nowhere/Game.bin", 1, 6)
        else {
            panic!()
        };
        assert_eq!(notes[0].code, "cue.file-absolute");

        std::fs::write(dir.path().join("sub/Track 1.bin"), b"x").unwrap();
        for (name, code) in [
            ("sub\\Track 1.bin", "cue.file-backslash"),
            ("SUB\\track 1.BIN", "cue.file-backslash"),
            ("Sub/track 1.bin", "cue.file-case"),
        ] {
            let Resolution::Found { path, notes } = resolve(Dialect::Cue, dir.path(), name, 1, 6)
            else {
                panic!("{name}")
            };
            assert_eq!(path, dir.path().join("sub/Track 1.bin"), "{name}");
            assert_eq!(notes[0].code, code, "{name}");
            assert!(notes[0].message.contains("`sub/Track 1.bin`"), "{name}");
        }

        let Resolution::Failed(error) = resolve(Dialect::Cue, dir.path(), "sub", 2, 6) else {
            panic!()
        };
        assert_eq!(error.code, "cue.file-not-regular");

        let Resolution::Failed(error) = resolve(Dialect::Cue, dir.path(), "/dev/zero", 2, 6) else {
            panic!()
        };
        assert_eq!(error.code, "cue.file-not-regular");

        let Resolution::Failed(error) = resolve(Dialect::Cue, dir.path(), "missing.bin", 3, 6)
        else {
            panic!()
        };
        assert_eq!(error.code, "cue.file-missing");
    }
}
