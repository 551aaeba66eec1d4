//! DiscJuggler images (`.cdi`): every track's sectors from the start of
//! the file, pregaps included, then a descriptor, then a footer: the
//! format version (2, 3 or 3.5) and where the descriptor begins (its
//! offset, or from 3.5 on its length counted back from the end).
//!
//! The descriptor's session, track and disc blocks are shown field by
//! field. Sectors of 2048, 2336 and 2352 bytes are read, raw ones also
//! with 16 bytes of P-Q (stepped over) or 96 of P-W subchannel after
//! each; Dreamcast discs' second session, after the first's lead-out and
//! the lead-in, is placed where its blocks say.
//!
//! Sources: see [`records`].

pub mod layout;
pub mod parse;
pub mod records;
pub mod walker;

use std::path::Path;
use std::sync::Arc;

use records::{CdiFooter, V2, V3, V35};

use crate::container::cdtext;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{Format, Medium, SourceFile};
use crate::structure::Place;

/// The largest descriptor read (real ones are a few kilobytes).
pub const MAX_DESCRIPTOR: u64 = 16 << 20;

/// Where an image's descriptor is, from its footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescriptorPlace {
    pub version: u32,
    /// Image offset of the descriptor's first byte.
    pub start: u64,
    /// Image offset of the footer.
    pub at: u64,
    pub bytes: [u8; 8],
}

/// The footer, when `source` ends with one: a known version and a
/// descriptor inside the file.
pub fn footer(source: &dyn ReadAt) -> Result<Option<DescriptorPlace>> {
    let len = source.len();
    let Some(at) = len.checked_sub(8) else {
        return Ok(None);
    };
    let mut bytes = [0u8; 8];
    if source.read_at(at, &mut bytes)? != 8 {
        return Ok(None);
    }
    let Ok(decoded) = CdiFooter::decode(&bytes) else {
        return Ok(None);
    };
    let value = u64::from(decoded.header);
    let start = match decoded.version {
        V2 | V3 => value,
        V35 => match len.checked_sub(value) {
            Some(start) => start,
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    // The descriptor holds at least a session count and the footer.
    if start.checked_add(10).is_none_or(|end| end > len) {
        return Ok(None);
    }
    Ok(Some(DescriptorPlace {
        version: decoded.version,
        start,
        at,
        bytes,
    }))
}

/// Opens a DiscJuggler image.
pub fn open(path: &Path) -> Result<Medium> {
    open_reader(path, Arc::new(Pager::new(FileSource::open(path)?)))
}

/// Opens the DiscJuggler image `reader` holds, named `path`.
pub fn open_reader(path: &Path, reader: Arc<dyn ReadAt>) -> Result<Medium> {
    let footer = footer(reader.as_ref())?.ok_or_else(|| {
        Error::image(
            path,
            "no DiscJuggler footer (version 0x80000004-6 and a descriptor offset inside the file) at the end",
        )
    })?;
    let size = reader.len().saturating_sub(footer.start);
    if size > MAX_DESCRIPTOR {
        return Err(Error::image(
            path,
            format!(
                "the footer gives a descriptor of {size} bytes; one past {MAX_DESCRIPTOR} is not read"
            ),
        ));
    }
    let bytes = reader.read_vec(footer.start, size as usize)?;
    let shared: Arc<Path> = path.into();
    let mut found = Vec::new();
    // The descriptor without the footer: its own blocks end there.
    let descriptor = bytes
        .get(..bytes.len().saturating_sub(8))
        .unwrap_or_default();
    let parsed = parse::parse(
        descriptor,
        footer.start,
        footer.version,
        &shared,
        &mut found,
    );
    let disc = parsed.disc.clone().unwrap_or_default();
    let text = disc
        .cd_text
        .as_ref()
        .map(|(packs, _)| cdtext::decode(packs))
        .unwrap_or_default();
    if let (Some((_, at)), true) = (&disc.cd_text, text.bad_crcs > 0) {
        found.push(
            Diagnostic::warning(
                "cdi.cdtext-crc",
                format!("{} CD-TEXT packs have a wrong CRC", text.bad_crcs),
            )
            .at(crate::diagnostic::Location::Offset(*at)),
        );
    }
    let mut laid = layout::lay_out(&parsed.sessions, footer.start, &mut found);
    found.extend(crate::medium::clip(
        &mut laid.extents,
        &mut laid.tracks,
        "cdi.too-long",
    ));
    if laid.tracks.is_empty() {
        return Err(super::no_track(
            path,
            &found,
            "its descriptor describes no track",
        ));
    }
    for track in &mut laid.tracks {
        track.cd_text = text.track(track.number);
    }
    let version = match footer.version {
        V2 => "2",
        V3 => "3",
        _ => "3.5",
    };
    let mut structures = vec![crate::structure::Structure {
        name: format!("CDI footer (version {version})"),
        ..CdiFooter::LAYOUT.structure(
            &footer.bytes,
            Place::File {
                path: Arc::clone(&shared),
                offset: footer.at,
            },
        )
    }];
    structures.extend(parsed.structures);
    let files = vec![SourceFile::whole(path, reader)];
    Ok(Medium {
        catalog: disc.mcn,
        cd_text: text.disc,
        structures,
        diagnostics: crate::diagnostic::cap_repeats(found, 16),
        ..Medium::disc(Format::Cdi, path, laid.tracks, laid.extents, files)
    })
}
