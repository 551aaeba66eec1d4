//! Alcohol 120% images: a descriptor (`.mds`, "MEDIA DESCRIPTOR", version
//! 1.x) and the data file it names (`.mdf`, often written `*.mdf`: the
//! descriptor's own name).
//!
//! The descriptor is a header, session blocks, track blocks (lead-in
//! entries A0/A1/A2 among them, as a drive's full TOC gives them), extra
//! blocks (a CD track's pregap and length), footers naming the data
//! files, and for a DVD its disc structures, BCA and the data position
//! measurement. Every block is shown field by field; the data files are
//! read lazily, with the 96 bytes of subchannel Alcohol may keep after
//! each sector. MDS 2.x (Daemon Tools' `.mdx` and version 2 `.mds`,
//! encrypted) is recognised and named, not read.
//!
//! Sources: see [`records`].

pub mod dpm;
pub mod dvd;
pub mod files;
pub mod layout;
pub mod parse;
pub mod records;

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::io::{FileSource, ReadAt};
use crate::medium::{Format, Medium};

/// The signature a descriptor opens with.
pub const SIGNATURE: &[u8; 16] = b"MEDIA DESCRIPTOR";

/// The largest descriptor read: real ones are a few kilobytes, a DVD's
/// with its disc structures and DPM data a few hundred.
pub const MAX_DESCRIPTOR: u64 = 16 << 20;

/// The format version of a descriptor, when `head` is one.
pub fn version(head: &[u8]) -> Option<u8> {
    head.strip_prefix(SIGNATURE.as_slice())?.first().copied()
}

/// Opens an Alcohol image by its descriptor.
pub fn open(path: &Path) -> Result<Medium> {
    let source = FileSource::open(path)?;
    if source.len() > MAX_DESCRIPTOR {
        return Err(Error::image(
            path,
            format!(
                "the descriptor has {} bytes; an MDS descriptor past {MAX_DESCRIPTOR} bytes is not read",
                source.len()
            ),
        ));
    }
    let bytes = source.read_vec(0, source.len() as usize)?;
    open_bytes(path, &bytes)
}

/// Opens the descriptor `bytes` as if read from `path` (its data files
/// are looked for beside it).
pub fn open_bytes(path: &Path, bytes: &[u8]) -> Result<Medium> {
    if bytes.len() as u64 > MAX_DESCRIPTOR {
        return Err(Error::image(
            path,
            "the descriptor is larger than any MDS descriptor",
        ));
    }
    match version(bytes) {
        Some(1) => {}
        Some(other) => {
            return Err(Error::image(
                path,
                format!(
                    "this is an MDS {other}.x descriptor (Daemon Tools, encrypted), which discscope names but cannot read"
                ),
            ));
        }
        None => {
            return Err(Error::image(
                path,
                "no MEDIA DESCRIPTOR signature: not an Alcohol .mds",
            ));
        }
    }
    let shared: Arc<Path> = path.into();
    let mut found = Vec::new();
    let parsed = parse::parse(bytes, shared, &mut found).map_err(|m| Error::image(path, m))?;
    let data = files::open(path, &parsed, &mut found);
    let mut laid = layout::lay_out(&parsed, &data, &mut found);
    found.extend(crate::medium::clip(
        &mut laid.extents,
        &mut laid.tracks,
        "mds.too-long",
    ));
    if laid.tracks.is_empty() {
        return Err(super::no_track(
            path,
            &found,
            "its blocks describe no track",
        ));
    }
    Ok(Medium {
        structures: parsed.structures,
        diagnostics: crate::diagnostic::cap_repeats(found, 16),
        ..Medium::disc(Format::Mds, path, laid.tracks, laid.extents, data.files)
    })
}
