//! Containers: from an image file on disk to a [`Medium`].
//!
//! The kind is decided by content first and by extension second.

pub mod ccd;
pub mod cdi;
pub mod cdtext;
pub mod cue;
mod detect;
pub mod dialect;
mod imz;
pub mod mds;
pub mod nrg;
mod raw;
pub mod toc;

pub use detect::{Detected, detect, sibling_with_extension};

use std::path::Path;
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

/// Opens any supported image.
pub fn open(path: &Path) -> Result<Medium> {
    open_with_sheet(path).map(|opened| opened.medium)
}

/// Opens any supported image, keeping a cue sheet's analysis.
pub fn open_with_sheet(path: &Path) -> Result<Opened> {
    let medium = match detect(path)? {
        Detected::Cue(sheet) => {
            let analysis = cue::analyse(&sheet).map_err(|d| Error::image(&sheet, d.message))?;
            let medium = cue::medium(&analysis)?;
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
        Detected::Nrg(image) => nrg::open(&image)?,
        Detected::Mds(descriptor) => mds::open(&descriptor)?,
        Detected::Cdi(image) => cdi::open(&image)?,
    };
    Ok(Opened {
        medium,
        sheet: None,
    })
}
