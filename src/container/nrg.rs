//! Nero images (`.nrg`): the sector data first, then a chain of chunks
//! describing it, and a footer at the very end pointing at the first
//! chunk: `NERO` and a 32-bit offset (version 1), or `NER5` and a 64-bit
//! one (version 2, Nero 5.5 on).
//!
//! Every chunk is read and shown field by field: `CUES`/`CUEX` cue points,
//! `DAOI`/`DAOX` disc-at-once track records, `TINF`/`ETNF`/`ETN2`
//! track-at-once records, `SINF`, `MTYP`, `CDTX` (CD-TEXT packs), `AFNM`,
//! `DINF`, `TOCT`, `RELO` and `END!`. Sectors of 2048, 2336 and 2352 bytes
//! are read, the raw ones also with 96 bytes of subchannel after each.
//!
//! Sources: see [`records`]; the layout follows libmirage's reading, which
//! libcdio's `cd-info --nrg-file` agrees with on libcdio's test images.

pub mod chunks;
pub mod layout;
pub mod parse;
pub mod records;

use std::path::Path;
use std::sync::Arc;

use crate::container::cdtext;
use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Result};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{Format, Medium, SourceFile};
use crate::structure::Place;

/// Whether `source` ends with an NRG footer.
pub fn has_footer(source: &dyn ReadAt) -> Result<bool> {
    Ok(chunks::footer(source)?.is_some())
}

/// Opens a Nero image.
pub fn open(path: &Path) -> Result<Medium> {
    open_reader(path, Arc::new(Pager::new(FileSource::open(path)?)))
}

/// Opens the Nero image `reader` holds, named `path`.
pub fn open_reader(path: &Path, reader: Arc<dyn ReadAt>) -> Result<Medium> {
    let footer = chunks::footer(reader.as_ref())?
        .ok_or_else(|| Error::image(path, "no NRG footer (NERO or NER5) at the end of the file"))?;
    let mut found = Vec::new();
    let chunk_list = chunks::walk(reader.as_ref(), &footer, &mut found)?;
    let shared: Arc<Path> = path.into();
    let parsed = parse::parse(&chunk_list, &footer, &shared, &mut found);
    let text = parsed
        .cd_text
        .as_ref()
        .map(|(bytes, _)| cdtext::decode(bytes))
        .unwrap_or_default();
    if let (Some((_, at)), true) = (&parsed.cd_text, text.bad_crcs > 0) {
        found.push(
            Diagnostic::warning(
                "nrg.cdtext-crc",
                format!("{} CD-TEXT packs have a wrong CRC", text.bad_crcs),
            )
            .at(Location::Offset(*at)),
        );
    }
    let data_end = footer.first.min(footer.offset);
    let mut laid = layout::lay_out(&parsed.sessions, data_end, &text, &mut found);
    found.extend(crate::medium::clip(
        &mut laid.extents,
        &mut laid.tracks,
        "nrg.too-long",
    ));
    if laid.tracks.is_empty() {
        return Err(super::no_track(
            path,
            &found,
            "its chunks describe no track",
        ));
    }
    let session_tracks: Vec<u32> =
        laid.tracks
            .iter()
            .fold(Vec::new(), |mut counts: Vec<u32>, t| {
                let session = usize::from(t.session.max(1));
                if counts.len() < session {
                    counts.resize(session, 0);
                }
                if let Some(count) = counts.get_mut(session - 1) {
                    *count += 1;
                }
                counts
            });
    if !parsed.session_tracks.is_empty() && parsed.session_tracks != session_tracks {
        found.push(Diagnostic::warning(
            "nrg.session-info",
            format!(
                "SINF counts {:?} tracks per session, the track records {:?}",
                parsed.session_tracks, session_tracks
            ),
        ));
    }
    if let Some(media) = parsed
        .media
        .filter(|m| m & 0x0002_025C != 0 && m & 0x401 == 0)
    {
        found.push(Diagnostic::info(
            "nrg.media",
            format!("the image was made for a DVD (media type {media:#x})"),
        ));
    }
    let mut structures = vec![crate::structure::Structure {
        name: format!("NRG footer (version {})", footer.version),
        ..if footer.wide() {
            records::NrgFooterV2::LAYOUT.structure(
                &footer.bytes,
                Place::File {
                    path: Arc::clone(&shared),
                    offset: footer.offset,
                },
            )
        } else {
            records::NrgFooterV1::LAYOUT.structure(
                &footer.bytes,
                Place::File {
                    path: Arc::clone(&shared),
                    offset: footer.offset,
                },
            )
        }
    }];
    structures.extend(parsed.structures);
    let files = vec![SourceFile::whole(path, reader)];
    Ok(Medium {
        catalog: laid.catalog,
        cd_text: text.disc,
        structures,
        diagnostics: crate::diagnostic::cap_repeats(found, 16),
        ..Medium::disc(Format::Nrg, path, laid.tracks, laid.extents, files)
    })
}
