//! A sheet written into another folder than its own: every relative FILE
//! name rewritten so that it names the same file from there.

use std::path::{Component, Path, PathBuf};

use crate::container::cue::files::file_line;
use crate::container::cue::resolve::{self, Resolution};
use crate::container::cue::sheet::Sheet;
use crate::container::dialect::Dialect;

/// Why a sheet cannot be written into another folder.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelocateError {
    #[error("{}: {source}", folder.display())]
    Folder {
        folder: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("line {line}: FILE `{name}` cannot be named from {}: {why}", folder.display())]
    NoRelativePath {
        line: usize,
        name: String,
        folder: PathBuf,
        why: &'static str,
    },
}

/// `text`, a sheet whose FILE names are relative to `from`, with each
/// relative FILE name rewritten relative to `to` (both folders exist).
/// Absolute names stay as written.
pub fn relocate(text: &str, from: &Path, to: &Path) -> Result<String, RelocateError> {
    let canonical = |folder: &Path| {
        folder
            .canonicalize()
            .map_err(|source| RelocateError::Folder {
                folder: folder.to_owned(),
                source,
            })
    };
    let (from, to) = (canonical(from)?, canonical(to)?);
    if from == to {
        return Ok(text.to_owned());
    }
    let sheet = Sheet::parse_bytes(text.as_bytes());
    let mut lines = sheet.text.lines.clone();
    for file in &sheet.files {
        let name = file.name.as_str();
        if Path::new(name).is_absolute() {
            continue;
        }
        let line = file.span.line;
        let column = file.name_span.column;
        let target = match resolve::resolve(Dialect::Cue, &from, name, line, column) {
            Resolution::Found { path, .. } => path,
            // A missing file: where the name points, so it stays missing
            // for the same reason.
            Resolution::Failed(_) => from.join(name),
        };
        let refuse = |why| RelocateError::NoRelativePath {
            line,
            name: name.to_owned(),
            folder: to.clone(),
            why,
        };
        let relative = relative_path(&to, &real_folder(&target))
            .ok_or_else(|| refuse("no relative path leads there (another drive)"))?;
        let relative = relative
            .to_str()
            .ok_or_else(|| refuse("the path is not valid UTF-8"))?;
        if relative.contains('"') {
            return Err(refuse("a cue sheet cannot quote a name holding `\"`"));
        }
        if let Some(slot) = lines.get_mut(line.saturating_sub(1)) {
            *slot = file_line(slot, relative, file.kind.as_str());
        }
    }
    let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Ok(lines.iter().map(|l| format!("{l}{ending}")).collect())
}

/// The path with its folder's links and `..` resolved, the file's own name
/// kept: a link named in the sheet stays named.
fn real_folder(path: &Path) -> PathBuf {
    let real = path
        .parent()
        .and_then(|folder| folder.canonicalize().ok())
        .zip(path.file_name())
        .map(|(folder, name)| folder.join(name));
    normalized(&real.unwrap_or_else(|| path.to_owned()))
}

/// `.` and `..` taken out without asking the file system.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The relative path from folder `base` to `target`, both absolute; `None`
/// when they do not share a root (Windows drives).
fn relative_path(base: &Path, target: &Path) -> Option<PathBuf> {
    let base: Vec<Component> = base.components().collect();
    let target: Vec<Component> = target.components().collect();
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let rooted = |c: &Component| matches!(c, Component::Prefix(_) | Component::RootDir);
    let mut rest = base.iter().skip(common).chain(target.iter().skip(common));
    if common == 0 || rest.any(rooted) {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in base.iter().skip(common) {
        out.push("..");
    }
    for component in target.iter().skip(common) {
        out.push(component);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        let path = |from: &str, to: &str| {
            relative_path(Path::new(from), Path::new(to)).map(|p| p.display().to_string())
        };
        assert_eq!(path("/a/out", "/a/x.bin").as_deref(), Some("../x.bin"));
        assert_eq!(path("/a", "/a/d/x.bin").as_deref(), Some("d/x.bin"));
        assert_eq!(
            path("/a/b/c", "/a/d/x.bin").as_deref(),
            Some("../../d/x.bin")
        );
        assert_eq!(path("/", "/x.bin").as_deref(), Some("x.bin"));
        assert_eq!(
            normalized(Path::new("/a/b/../c/./x.bin")),
            Path::new("/a/c/x.bin")
        );
    }
}
