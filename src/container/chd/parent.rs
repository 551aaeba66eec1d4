//! The parent of a delta CHD: the file given with `--parent`, or else a
//! `.chd` beside the child whose header SHA-1 is the one the child names
//! (chdman only takes one given explicitly).
//!
//! Sources: MAME `chd.cpp` (`open_common`: a child names its parent by
//! the parent's overall SHA-1; a parent whose SHA-1 differs is refused).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::fields::hex;
use super::header::ChdHeader;
use super::hunks::Hunks;
use super::{Chd, MAX_PARENTS};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::FileSource;

/// Files looked at beside the child, at most.
const MAX_SIBLINGS: usize = 256;

/// The SHA-1 in the header of the CHD at `path`, if it is one.
fn sha1_of(path: &Path) -> Option<[u8; 20]> {
    let file = FileSource::open(path).ok()?;
    ChdHeader::read(&file, path).ok()?.0.sha1
}

/// `.chd` files beside `path`, itself excepted.
fn siblings(path: &Path) -> Vec<PathBuf> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let own = path.file_name();
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e.eq_ignore_ascii_case("chd"))
                && p.file_name() != own
                && p.is_file()
        })
        .take(MAX_SIBLINGS)
        .collect();
    found.sort();
    found
}

/// Opens the parent `header` names. `Ok(None)` when it names none, or
/// when none was given and none was found beside it (a finding then says
/// which SHA-1 is missing).
pub(super) fn find(
    path: &Path,
    header: &ChdHeader,
    explicit: Option<&Path>,
    depth: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Arc<Hunks>>> {
    let Some(needed) = header.parent_sha1 else {
        if let Some(given) = explicit {
            diagnostics.push(Diagnostic::warning(
                "chd.parent-unused",
                format!(
                    "{} is not a delta CHD: the parent {} is not used",
                    path.display(),
                    given.display()
                ),
            ));
        }
        return Ok(None);
    };
    if depth >= MAX_PARENTS {
        return Err(Error::image(
            path,
            format!("its parents nest more than {MAX_PARENTS} deep"),
        ));
    }
    if let Some(given) = explicit {
        let found = sha1_of(given);
        if found != Some(needed) {
            return Err(Error::image(
                path,
                format!(
                    "the parent {} has SHA-1 {}; this file is a delta of {}",
                    given.display(),
                    found.map_or_else(|| "none (not a CHD)".to_owned(), |s| hex(&s)),
                    hex(&needed)
                ),
            ));
        }
        let parent = Chd::open(given, None, depth + 1)?;
        return Ok(Some(parent.hunks));
    }
    for candidate in siblings(path) {
        if sha1_of(&candidate) == Some(needed)
            && let Ok(parent) = Chd::open(&candidate, None, depth + 1)
        {
            diagnostics.push(Diagnostic::info(
                "chd.parent-found",
                format!(
                    "its parent (SHA-1 {}) is {}, found beside it",
                    hex(&needed),
                    candidate.display()
                ),
            ));
            return Ok(Some(parent.hunks));
        }
    }
    diagnostics.push(
        Diagnostic::error(
            "chd.parent-missing",
            format!(
                "a delta CHD of a parent with SHA-1 {}, which is not beside it: hunks copied from the parent cannot be read",
                hex(&needed)
            ),
        )
        .suggest("give the parent with --parent FILE"),
    );
    Ok(None)
}
