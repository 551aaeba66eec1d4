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

use crate::error::Result;
use crate::medium::Medium;

/// Opens any supported image.
pub fn open(path: &Path) -> Result<Medium> {
    match detect(path)? {
        Detected::Cue(sheet) => cue::open(&sheet),
        Detected::Raw(kind) => raw::open(path, kind),
        Detected::Imz => imz::open(path),
        Detected::Ccd(sheet) => ccd::open(&sheet),
    }
}
