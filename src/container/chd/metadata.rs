//! CHD metadata: a chain of tagged entries, each a 16-byte header and its
//! data, and what the known tags say: CD and GD-ROM track lines (CHTR,
//! CHT2, CHGD, CHGT, and the binary CHCD of old files), hard disk
//! geometry (GDDD), the DVD tag.
//!
//! Sources: MAME `chd.cpp` (`metadata_find`: tag u32, flags u8, length
//! u24, next u64, all big-endian; flag 1 = checksummed; the track and
//! geometry formats `CDROM_TRACK_METADATA2_FORMAT`, `GDROM_TRACK_METADATA_FORMAT`,
//! `HARD_DISK_METADATA_FORMAT`) and `cdrom.cpp` (`parse_metadata`: track
//! N of each tag in chain order; the type and subtype names; `V` before
//! the pregap type marks a pregap stored in the file; the old binary
//! layout of 99 tracks of six 32-bit numbers).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::fields::{Be24, FourCc, tag_text};
use super::header::tag;
use crate::diagnostic::{Diagnostic, Location};
use crate::io::ReadAt;
use crate::structure::named::flags;
use crate::structure::{Be64, Bytes, Field, Hex8, Place, Structure, Value, declare};

/// The most entries followed (RELIABILITY.md).
pub const MAX_ENTRIES: usize = 65_536;
/// The most data of one entry read to be parsed or shown.
const MAX_PARSED: u32 = 64 * 1024;

declare! {
    /// The header of a metadata entry.
    pub struct MetadataHeader = "CHD metadata entry", Descriptor, "MAME chd.cpp (metadata_find)", 16 {
        0, 4 => tag: FourCc, "tag", "what the data is (CHT2 a CD track, CHGD a GD-ROM track, GDDD hard disk geometry, DVD  a DVD)";
        4, 1 => flags: MetaFlags, "flags", "bit 0: the data is part of the overall SHA-1";
        5, 3 => length: Be24, "length", "bytes of data after this header";
        8, 8 => next: Be64, "next entry", "where the next entry's header is (0: this is the last)";
    }
}

flags!(
    /// A metadata entry's flags.
    MetaFlags: Hex8 => u8, 2, [(1, "checksummed")]
);

/// One entry of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaEntry {
    /// Where its header is.
    pub offset: u64,
    pub tag: u32,
    pub flags: u8,
    pub length: u32,
    /// Its data, when it is small enough to parse and lies in the file.
    pub data: Option<Vec<u8>>,
}

impl MetaEntry {
    /// Whether the overall SHA-1 covers it.
    pub fn checksummed(&self) -> bool {
        self.flags & 1 != 0
    }

    /// The data as text: up to its first NUL, Latin-1.
    pub fn text(&self) -> Option<String> {
        let data = self.data.as_deref()?;
        let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
        Some(data.iter().take(end).map(|&b| char::from(b)).collect())
    }
}

/// What each well-known `KEY` of a text entry means.
const KEYS: [(&str, &str); 15] = [
    ("TRACK", "track number"),
    (
        "TYPE",
        "how the track's sectors are stored (MODE1_RAW 2352 bytes, MODE1 2048, AUDIO, ...)",
    ),
    (
        "SUBTYPE",
        "subchannel stored after each sector (RW, RW_RAW, NONE)",
    ),
    (
        "FRAMES",
        "frames the track stores (a pregap marked V in PGTYPE included)",
    ),
    (
        "PAD",
        "frames added after the track to reach the next track's LBA (GD-ROM)",
    ),
    ("PREGAP", "frames before INDEX 01"),
    (
        "PGTYPE",
        "the pregap's type; a leading V: its frames are stored in the file",
    ),
    ("PGSUB", "the pregap's subchannel"),
    (
        "POSTGAP",
        "frames after the track that the file does not store",
    ),
    ("CYLS", "cylinders"),
    ("HEADS", "heads"),
    ("SECS", "sectors per track"),
    ("BPS", "bytes per sector"),
    ("FPS", "frames per second"),
    ("CHANNELS", "audio channels"),
];

/// Every `KEY:VALUE` token of a text entry with its byte position.
pub fn tokens(text: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for piece in text.split([' ', ',', '\t', '\n', '\r']) {
        if let Some((key, value)) = piece.split_once(':') {
            out.push((at, key, value));
        }
        at += piece.len() + 1;
    }
    out
}

/// Reads the chain from `first` (0: no metadata). Loops, entries past the
/// file and a chain longer than [`MAX_ENTRIES`] are findings; what was
/// read before them is kept.
pub fn read_chain(
    source: &dyn ReadAt,
    first: u64,
    path: &Path,
) -> (Vec<MetaEntry>, Vec<Structure>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut structures = Vec::new();
    let mut findings = Vec::new();
    let mut seen = HashSet::new();
    let mut at = first;
    let file_len = source.len();
    while at != 0 {
        if entries.len() >= MAX_ENTRIES {
            findings.push(
                Diagnostic::error(
                    "chd.metadata-chain",
                    format!("the metadata chain goes on past {MAX_ENTRIES} entries; the rest is not read"),
                )
                .at(Location::Offset(at)),
            );
            break;
        }
        if !seen.insert(at) {
            findings.push(
                Diagnostic::error(
                    "chd.metadata-loop",
                    format!(
                        "metadata entry {} links back to the entry at {at:#x}: the chain loops; it ends here",
                        entries.len()
                    ),
                )
                .at(Location::Offset(at)),
            );
            break;
        }
        let Ok(bytes) = source.read_vec(at, 16) else {
            findings.push(
                Diagnostic::error(
                    "chd.metadata-past-end",
                    format!(
                        "a metadata entry at {at:#x} lies past the end of the {file_len}-byte file"
                    ),
                )
                .at(Location::Offset(at)),
            );
            break;
        };
        let Ok(header) = MetadataHeader::decode(&bytes) else {
            break;
        };
        let data_at = at + 16;
        let in_file = data_at.saturating_add(u64::from(header.length)) <= file_len;
        if !in_file {
            findings.push(
                Diagnostic::error(
                    "chd.metadata-past-end",
                    format!(
                        "metadata entry {} ({}) claims {} bytes at {data_at:#x}, past the end of the {file_len}-byte file",
                        entries.len(),
                        tag_text(header.tag),
                        header.length
                    ),
                )
                .at(Location::Offset(at)),
            );
        }
        let data = (in_file && header.length <= MAX_PARSED)
            .then(|| source.read_vec(data_at, header.length as usize).ok())
            .flatten();
        let entry = MetaEntry {
            offset: at,
            tag: header.tag,
            flags: header.flags,
            length: header.length,
            data,
        };
        structures.push(structure(&entry, &bytes, path, entries.len()));
        entries.push(entry);
        at = header.next;
    }
    (entries, structures, findings)
}

/// An entry as a structure: its header's fields, then each `KEY:VALUE` of
/// a text entry where it lies (or its data as one area).
fn structure(entry: &MetaEntry, header: &[u8], path: &Path, index: usize) -> Structure {
    let mut s = Structure::new(
        crate::structure::Kind::Descriptor,
        format!("CHD metadata entry {index} ({})", tag_text(entry.tag)),
        Place::File {
            path: Arc::from(path),
            offset: entry.offset,
        },
        16 + u64::from(entry.length),
    )
    .with(&MetadataHeader::LAYOUT, header, 0, None);
    let textual = entry.data.as_deref().is_some_and(|d| {
        d.iter()
            .take_while(|&&b| b != 0)
            .all(|b| b.is_ascii_graphic() || *b == b' ')
    });
    match (entry.text(), textual) {
        (Some(text), true) if !tokens(&text).is_empty() => {
            for (at, key, value) in tokens(&text) {
                let meaning = KEYS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or("a value of the entry", |(_, m)| *m);
                s.push(Field::new(
                    16 + at as u64,
                    (key.len() + 1 + value.len()) as u64,
                    key.to_owned(),
                    Value::Text(value.to_owned()),
                    meaning,
                    "MAME chd.cpp (metadata formats)",
                ));
            }
        }
        _ if entry.length > 0 => {
            let data = entry.data.as_deref().unwrap_or_default();
            s.push(Field::new(
                16,
                u64::from(entry.length),
                "data",
                <Bytes as crate::structure::Codec>::value(data),
                "the entry's data",
                "MAME chd.cpp (metadata_find)",
            ));
        }
        _ => {}
    }
    s
}

/// The tag of each kind of entry discscope reads.
pub mod tags {
    use super::tag;
    pub const CD_OLD: u32 = tag(b"CHCD");
    pub const CD_TRACK: u32 = tag(b"CHTR");
    pub const CD_TRACK2: u32 = tag(b"CHT2");
    pub const GD_OLD: u32 = tag(b"CHGT");
    pub const GD_TRACK: u32 = tag(b"CHGD");
    pub const HARD_DISK: u32 = tag(b"GDDD");
    pub const DVD: u32 = tag(b"DVD ");
    pub const AV: u32 = tag(b"AVAV");
    pub const AV_LD: u32 = tag(b"AVLD");
}

/// Hard disk geometry (`CYLS:%d,HEADS:%d,SECS:%d,BPS:%d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HardDiskGeometry {
    pub cylinders: u32,
    pub heads: u32,
    pub sectors: u32,
    pub bytes_per_sector: u32,
}

/// The first GDDD entry's geometry, if it parses.
pub fn geometry(entries: &[MetaEntry]) -> Option<HardDiskGeometry> {
    let text = entries.iter().find(|e| e.tag == tags::HARD_DISK)?.text()?;
    let value = |key: &str| -> Option<u32> {
        tokens(&text)
            .into_iter()
            .find(|(_, k, _)| *k == key)
            .and_then(|(_, _, v)| v.trim_end_matches('.').parse().ok())
    };
    Some(HardDiskGeometry {
        cylinders: value("CYLS")?,
        heads: value("HEADS")?,
        sectors: value("SECS")?,
        bytes_per_sector: value("BPS")?,
    })
}
