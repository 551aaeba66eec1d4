//! Containers: from an image file on disk to a [`Medium`].
//!
//! The kind is decided by content first and by extension second.

pub mod ccd;
pub mod cue;
mod detect;
mod imz;
mod raw;

pub use detect::{Detected, detect, sibling_with_extension};

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::medium::Medium;

/// An opened image, with the analysis of its cue sheet when it came from
/// one (the cue doctor starts from it instead of reading the sheet again).
#[derive(Debug)]
pub struct Opened {
    pub medium: Medium,
    pub sheet: Option<Arc<cue::Analysis>>,
}

/// Opens any supported image; a cue sheet with errors is refused with
/// the first.
pub fn open(path: &Path) -> Result<Medium> {
    open_with_sheet(path, false).map(|opened| opened.medium)
}

/// Opens any supported image, keeping a cue sheet's analysis. With
/// `best_effort` (the inspector, which shows the findings), a sheet with
/// errors still opens as far as it can be laid out; only a file that is
/// not a text sheet is refused.
pub fn open_with_sheet(path: &Path, best_effort: bool) -> Result<Opened> {
    let medium = match detect(path)? {
        Detected::Cue(sheet) => {
            let analysis = cue::analyse(&sheet).map_err(|d| Error::image(&sheet, d.message))?;
            let medium = if best_effort {
                cue::best_effort(&analysis)
            } else {
                cue::medium(&analysis)?
            };
            return Ok(Opened {
                medium,
                sheet: Some(Arc::new(analysis)),
            });
        }
        Detected::Raw(kind) => raw::open(path, kind)?,
        Detected::Imz => imz::open(path)?,
        Detected::Ccd(sheet) => ccd::open(&sheet)?,
    };
    Ok(Opened {
        medium,
        sheet: None,
    })
}
