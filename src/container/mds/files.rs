//! Finding and opening the data files the footers name.
//!
//! A name `*.ext` stands for the descriptor's own name with that
//! extension (Alcohol writes `*.mdf`). A name is looked for beside the
//! descriptor as written, then in any letter case, then by its last
//! component when it carries a (Windows) path. A file not found is a
//! finding; its tracks' sectors are missing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::{FileRef, MdsDescriptor};
use crate::container::cue::resolve::case_insensitive;
use crate::diagnostic::{Diagnostic, Location};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::SourceFile;

/// The files opened, and where each footer's name led.
#[derive(Debug, Default)]
pub struct DataFiles {
    pub files: Vec<SourceFile>,
    /// (name as written, index into `files` when found).
    found: Vec<(String, Option<usize>)>,
}

impl DataFiles {
    /// The file a footer names, and its length.
    pub fn get(&self, name: &str) -> Option<(usize, u64)> {
        let index = self.found.iter().find(|(n, _)| n == name)?.1?;
        Some((index, self.files.get(index)?.reader.len()))
    }
}

/// The name a footer's `name` stands for beside `descriptor`.
pub fn expand(descriptor: &Path, name: &str) -> String {
    match name.strip_prefix("*.") {
        Some(extension) if !extension.is_empty() => {
            let stem = descriptor
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            format!("{stem}.{extension}")
        }
        _ => name.to_owned(),
    }
}

/// Where `name` is beside `descriptor`, and whether only another spelling
/// was found.
fn locate(descriptor: &Path, name: &str) -> Option<(PathBuf, bool)> {
    let folder = descriptor
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut candidates = vec![(folder.join(name), false)];
    if base != name && !base.is_empty() {
        candidates.push((folder.join(base), true));
    }
    for (candidate, stripped) in candidates {
        if candidate.is_file() {
            return Some((candidate, stripped));
        }
        if let Some(other) = case_insensitive(&candidate).filter(|p| p.is_file()) {
            return Some((other, true));
        }
    }
    None
}

/// Opens every file the tracks name, each once.
pub fn open(descriptor: &Path, parsed: &MdsDescriptor, found: &mut Vec<Diagnostic>) -> DataFiles {
    let mut data = DataFiles::default();
    let refs: Vec<&FileRef> = parsed
        .sessions
        .iter()
        .flat_map(|s| &s.entries)
        .flat_map(|e| &e.files)
        .collect();
    let mut paths: Vec<PathBuf> = Vec::new();
    for file in refs {
        if data.found.iter().any(|(n, _)| *n == file.name) {
            continue;
        }
        let wanted = expand(descriptor, &file.name);
        let index = match locate(descriptor, &wanted) {
            Some((path, respelled)) => {
                if respelled {
                    found.push(
                        Diagnostic::warning(
                            "mds.file-name",
                            format!(
                                "data file `{}` was found only as `{}`",
                                file.name,
                                path.file_name()
                                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                            ),
                        )
                        .at(Location::Offset(file.at)),
                    );
                }
                match paths.iter().position(|p| *p == path) {
                    Some(index) => Some(index),
                    None => open_one(&path, file, found).map(|source| {
                        paths.push(path);
                        data.files.push(source);
                        data.files.len() - 1
                    }),
                }
            }
            None => {
                let shown = if wanted == file.name {
                    format!("`{wanted}`")
                } else {
                    format!("`{wanted}` (written `{}`)", file.name)
                };
                found.push(
                    Diagnostic::error(
                        "mds.file-missing",
                        format!("data file {shown} is not beside the descriptor; its sectors are missing"),
                    )
                    .at(Location::Offset(file.at)),
                );
                None
            }
        };
        data.found.push((file.name.clone(), index));
    }
    data
}

fn open_one(path: &Path, file: &FileRef, found: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    match FileSource::open(path) {
        Ok(source) => Some(SourceFile {
            name: path
                .file_name()
                .map_or_else(|| file.name.clone(), |n| n.to_string_lossy().into_owned()),
            path: path.to_owned(),
            reader: Arc::new(Pager::new(source)) as Arc<dyn ReadAt>,
        }),
        Err(error) => {
            found.push(
                Diagnostic::error(
                    "mds.file-missing",
                    format!("data file `{}`: {error}", file.name),
                )
                .at(Location::Offset(file.at)),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_name_is_the_descriptor_with_that_extension() {
        assert_eq!(
            expand(Path::new("dir/Disc One.mds"), "*.mdf"),
            "Disc One.mdf"
        );
        assert_eq!(expand(Path::new("a.MDS"), "*.md0"), "a.md0");
        assert_eq!(expand(Path::new("a.mds"), "other.mdf"), "other.mdf");
        assert_eq!(expand(Path::new("a.mds"), "*."), "*.");
    }
}
