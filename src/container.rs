//! Containers: from an image file on disk to a [`Medium`].
//!
//! The kind is decided by content first and by extension second.

pub mod ccd;
pub mod cdi;
pub mod cdtext;
pub mod chd;
pub mod cue;
mod detect;
pub mod dialect;
mod imz;
pub mod mds;
pub mod nrg;
mod raw;
pub mod toc;

pub use detect::{Detected, detect, sibling_with_extension};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::medium::Medium;

/// The analysis of the text descriptor an image was opened from.
#[derive(Debug)]
pub enum SheetAnalysis {
    Cue(cue::Analysis),
    Toc(toc::TocAnalysis),
}

impl SheetAnalysis {
    /// The sheet as given.
    pub fn path(&self) -> &Path {
        match self {
            SheetAnalysis::Cue(analysis) => &analysis.path,
            SheetAnalysis::Toc(analysis) => &analysis.path,
        }
    }
}

/// An opened image, with the analysis of its cue sheet or toc file when it
/// came from one (the doctor starts from it instead of reading the sheet
/// again).
#[derive(Debug)]
pub struct Opened {
    pub medium: Medium,
    pub sheet: Option<Arc<SheetAnalysis>>,
}

/// The error for a descriptor that lays out no track: the first error
/// found says why, or `empty` ("its chunks describe no track") when none.
fn no_track(path: &Path, found: &[crate::diagnostic::Diagnostic], empty: &str) -> Error {
    let why = found
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
        .map_or_else(
            || empty.to_owned(),
            |d| format!("no track could be read: {}", d.message),
        );
    Error::image(path, why)
}

/// What opening an image may need besides its path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// The parent of a delta CHD (`--parent FILE`).
    pub parent: Option<PathBuf>,
    /// A cue sheet with errors still opens as far as it can be laid out
    /// (the inspector, which shows the findings); only a file that is not
    /// a text sheet is refused. Without it the first error refuses it.
    pub best_effort: bool,
}

/// Opens any supported image; a cue sheet with errors is refused with
/// the first.
pub fn open(path: &Path) -> Result<Medium> {
    open_with_options(path, &OpenOptions::default()).map(|opened| opened.medium)
}

/// Opens any supported image with `options`, keeping a cue sheet's
/// analysis.
pub fn open_with_options(path: &Path, options: &OpenOptions) -> Result<Opened> {
    let medium = match detect(path)? {
        Detected::Cue(sheet) => {
            let analysis = cue::analyse(&sheet).map_err(|d| Error::image(&sheet, d.message))?;
            let medium = if options.best_effort {
                cue::best_effort(&analysis)
            } else {
                cue::medium(&analysis)?
            };
            return Ok(Opened {
                medium,
                sheet: Some(Arc::new(SheetAnalysis::Cue(analysis))),
            });
        }
        Detected::Toc(path) => {
            let analysis = toc::analyse(&path).map_err(|d| Error::image(&path, d.message))?;
            let medium = toc::medium(&analysis)?;
            return Ok(Opened {
                medium,
                sheet: Some(Arc::new(SheetAnalysis::Toc(analysis))),
            });
        }
        Detected::Raw(kind) => raw::open(path, kind)?,
        Detected::Imz => imz::open(path)?,
        Detected::Ccd(sheet) => ccd::open(&sheet)?,
        Detected::Chd => chd::open(
            path,
            &chd::ChdOptions {
                parent: options.parent.clone(),
            },
        )?,
        Detected::Nrg(image) => nrg::open(&image)?,
        Detected::Mds(descriptor) => mds::open(&descriptor)?,
        Detected::Cdi(image) => cdi::open(&image)?,
    };
    Ok(Opened {
        medium,
        sheet: None,
    })
}
