//! The hunk map: for each hunk, how it is stored (a codec, raw, a copy of
//! another hunk, or the parent's), where its bytes are and their checksum.
//!
//! Three layouts: v3/v4 entries of 16 bytes after the header; a v5 file
//! without codecs keeps one 32-bit hunk number per hunk; a compressed v5
//! file packs its map into a bit stream (Huffman-coded types, then the
//! fields each type needs: [`compressed`]). Entries of the first two are
//! read where they lie; the bit stream keeps checkpoints from which blocks
//! of entries are decoded again, so memory follows the number of
//! checkpoints, not the size of the image.
//!
//! Sources: MAME `chd.cpp` (`read_hunk`: v3/v4 entry = offset u64, CRC32,
//! length u16 + u8, flags; types 1 compressed, 2 uncompressed, 3 mini,
//! 4 self, 5 parent, flag 0x10 no CRC; v5 raw entry = hunk number, 0 for
//! none; `hunk_copy_from_self`: only earlier hunks).

mod compressed;
mod scan;

use std::path::Path;
use std::sync::Arc;

use crc::{CRC_16_IBM_3740, Crc, Table};

use super::header::ChdHeader;
use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::structure::named::codes;
use crate::structure::{
    Be16, Be32, Be32Hex, Be64, Field, Hex8, Place, Structure, U8, Value, declare,
};
use compressed::CompressedMapHeader;
use scan::Scan;

/// CHD's CRC-16 (MAME `crc16_creator`: CCITT, initial 0xFFFF).
pub const CRC16: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_IBM_3740);

declare! {
    /// A v3/v4 map entry.
    pub struct LegacyEntry = "CHD map entry (v3/v4)", Descriptor, "MAME chd.cpp (read_hunk, v3/v4)", 16 {
        0, 8 => offset: Be64, "offset", "where the hunk's bytes are (a mini hunk: the bytes themselves)";
        8, 4 => crc: Be32Hex, "CRC-32", "CRC-32 of the decompressed hunk";
        12, 2 => length_low: Be16, "length (low 16 bits)", "stored bytes";
        14, 1 => length_high: U8, "length (high 8 bits)", "stored bytes, bits 16..23";
        15, 1 => flags: LegacyFlags, "flags", "type in bits 0..3 (1 compressed, 2 raw, 3 mini, 4 self, 5 parent), 0x10 no CRC";
    }
}

codes!(
    /// A v3/v4 entry's flags, by the type in their low nibble.
    LegacyFlags: Hex8 => u8, 2, [
        (0x01, "compressed"), (0x02, "uncompressed"), (0x03, "mini"), (0x04, "copy of a hunk of this file"),
        (0x05, "copy of a parent hunk"), (0x06, "external compression"),
        (0x11, "compressed, no CRC"), (0x12, "uncompressed, no CRC"), (0x13, "mini, no CRC"),
        (0x14, "copy of a hunk of this file, no CRC"), (0x15, "copy of a parent hunk, no CRC")
    ]
);

declare! {
    /// A v5 map entry of a file without codecs.
    pub struct RawEntry = "CHD map entry (v5, uncompressed)", Descriptor, "MAME chd.cpp (read_hunk, v5 uncompressed)", 4 {
        0, 4 => hunk: Be32, "hunk number", "the hunk's bytes are at this number times the hunk size (0: not stored)";
    }
}

/// How a hunk is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HunkStorage {
    /// Compressed with the header's codec in this slot (0..3).
    Codec(u8),
    Uncompressed,
    /// v3/v4: the 8 bytes of the offset field, repeated.
    Mini,
    /// A copy of an earlier hunk of this file (`offset` is its number).
    SelfRef,
    /// A copy from the parent: v5 from unit `offset`, v3/v4 hunk `offset`.
    ParentRef,
    /// v5 without codecs, hunk number 0: not stored (zeros, or the
    /// parent's hunk).
    Unallocated,
    /// A type the format does not define.
    Invalid(u8),
    /// No entry: the compressed map's stream ends before it.
    Unmapped,
}

impl HunkStorage {
    /// How `chdman info` names it (codecs by the header's tag).
    pub fn name(self, header: &ChdHeader) -> String {
        match self {
            HunkStorage::Codec(slot) => {
                let tag = header.codecs.get(usize::from(slot)).copied().unwrap_or(0);
                match super::codec::name(tag) {
                    Some(name) => name.to_owned(),
                    None => format!("compressor {slot} (none in the header)"),
                }
            }
            HunkStorage::Uncompressed => "Uncompressed".into(),
            HunkStorage::Mini => "Mini".into(),
            HunkStorage::SelfRef => "Copy from self".into(),
            HunkStorage::ParentRef => "Copy from parent".into(),
            // chdman counts an unstored hunk as a copy from the parent
            // (without one it reads as zeros).
            HunkStorage::Unallocated => "Copy from parent".into(),
            HunkStorage::Invalid(t) => format!("invalid type {t}"),
            HunkStorage::Unmapped => "No map entry".into(),
        }
    }
}

/// Where an entry is in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// A fixed-size entry at this file offset.
    Bytes(u64),
    /// Bits `start..end` of the file, counted from its first byte: the
    /// entry's fields in the compressed map (its type is in the
    /// Huffman-coded part before them).
    Bits { start: u64, end: u64 },
}

/// One hunk's map entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapEntry {
    pub kind: HunkStorage,
    pub length: u32,
    pub offset: u64,
    /// CRC-16 (v5) or CRC-32 (v3/v4), when the entry records one.
    pub crc: Option<u32>,
    pub site: Site,
}

#[derive(Debug)]
enum Layout {
    Legacy { offset: u64 },
    Raw { offset: u64 },
    Compressed(Box<compressed::Compressed>),
}

/// The map, read where it lies or scanned once.
pub struct Map {
    source: Arc<dyn ReadAt>,
    path: Arc<Path>,
    count: u32,
    hunk_bytes: u32,
    unit_bytes: u32,
    layout: Layout,
    /// Hunks of each kind, in the order first seen.
    pub counts: Vec<(HunkStorage, u64)>,
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map")
            .field("count", &self.count)
            .field("layout", &self.layout)
            .finish()
    }
}

/// Reads a v3/v4 entry's 16 bytes.
fn legacy_entry(bytes: &[u8], at: u64) -> MapEntry {
    let Ok(e) = LegacyEntry::decode(bytes) else {
        return MapEntry {
            kind: HunkStorage::Invalid(0),
            length: 0,
            offset: 0,
            crc: None,
            site: Site::Bytes(at),
        };
    };
    let kind = match e.flags & 0x0F {
        1 => HunkStorage::Codec(0),
        2 => HunkStorage::Uncompressed,
        3 => HunkStorage::Mini,
        4 => HunkStorage::SelfRef,
        5 => HunkStorage::ParentRef,
        other => HunkStorage::Invalid(other),
    };
    MapEntry {
        kind,
        length: u32::from(e.length_low) | (u32::from(e.length_high) << 16),
        offset: e.offset,
        crc: (e.flags & 0x10 == 0).then_some(e.crc),
        site: Site::Bytes(at),
    }
}

impl Map {
    /// Reads the map the header points to. Findings say what is wrong
    /// with it; an `Err` means no map could be read at all.
    pub fn read(
        header: &ChdHeader,
        source: Arc<dyn ReadAt>,
        path: &Path,
        has_parent: bool,
    ) -> Result<(Map, Vec<Structure>, Vec<Diagnostic>)> {
        let file_len = source.len();
        let mut scan = Scan::new(header, file_len, has_parent);
        let place = |offset| Place::File {
            path: Arc::from(path),
            offset,
        };
        let mut structures = Vec::new();
        let count = header.hunk_count;
        // chdman writes the map, and then its offset, last: a CHD whose
        // writing was cut short has none.
        if header.map_offset == 0 && count > 0 {
            return Err(crate::error::Error::image(
                path,
                "the header gives no hunk map (its offset is 0): chdman did not finish writing this CHD",
            ));
        }
        let layout = if header.version == 5 && header.compressed() {
            let bytes = source.read_vec(header.map_offset, 16).map_err(|_| {
                crate::error::Error::image(
                    path,
                    format!(
                        "the compressed map's header at {:#x} lies past the end of the file",
                        header.map_offset
                    ),
                )
            })?;
            structures
                .push(CompressedMapHeader::LAYOUT.structure(&bytes, place(header.map_offset)));
            let map = CompressedMapHeader::decode(&bytes)?;
            Layout::Compressed(Box::new(compressed::scan_compressed(
                header, &source, &map, &mut scan,
            )?))
        } else {
            let entry_bytes: u64 = if header.version == 5 { 4 } else { 16 };
            let offset = header.map_offset;
            let end = offset.saturating_add(u64::from(count) * entry_bytes);
            if end > file_len {
                scan.findings.push(
                    Diagnostic::error(
                        "chd.map-past-end",
                        format!(
                            "the map of {count} entries ({offset:#x}..{end:#x}) runs past the end of the {file_len}-byte file; entries past it are unusable"
                        ),
                    )
                    .at(Location::Offset(offset)),
                );
            }
            let layout = if header.version == 5 {
                Layout::Raw { offset }
            } else {
                Layout::Legacy { offset }
            };
            let map = Map {
                source: Arc::clone(&source),
                path: Arc::from(path),
                count,
                hunk_bytes: header.hunk_bytes,
                unit_bytes: header.unit_bytes,
                layout,
                counts: Vec::new(),
            };
            // One pass in chunks over the entries that exist.
            let per_chunk = 4096u32;
            let mut hunk = 0u32;
            while hunk < count {
                let n = per_chunk.min(count - hunk);
                let at = offset + u64::from(hunk) * entry_bytes;
                let available = file_len.saturating_sub(at).min(u64::from(n) * entry_bytes);
                let bytes = source.read_vec(at, available as usize)?;
                for i in 0..n {
                    let start = (u64::from(i) * entry_bytes) as usize;
                    let raw = bytes.get(start..start + entry_bytes as usize);
                    let entry = map.decode_fixed(raw, at + u64::from(i) * entry_bytes);
                    scan.check(hunk + i, &entry);
                }
                hunk += n;
            }
            map.layout
        };
        let (counts, findings) = scan.finish();
        Ok((
            Map {
                source,
                path: Arc::from(path),
                count,
                hunk_bytes: header.hunk_bytes,
                unit_bytes: header.unit_bytes,
                layout,
                counts,
            },
            structures,
            findings,
        ))
    }

    /// Hunks in the map.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Hunks the map has entries for: all of them, unless a compressed
    /// map's stream ends early.
    pub fn described(&self) -> u32 {
        match &self.layout {
            Layout::Compressed(map) => map.described,
            _ => self.count,
        }
    }

    /// An entry of a fixed-size layout from its bytes (`None` past the end
    /// of the file).
    fn decode_fixed(&self, raw: Option<&[u8]>, at: u64) -> MapEntry {
        let invalid = MapEntry {
            kind: HunkStorage::Invalid(0),
            length: 0,
            offset: 0,
            crc: None,
            site: Site::Bytes(at),
        };
        let Some(raw) = raw else { return invalid };
        match self.layout {
            Layout::Legacy { .. } => legacy_entry(raw, at),
            _ => match RawEntry::decode(raw) {
                Ok(RawEntry { hunk: 0 }) => MapEntry {
                    kind: HunkStorage::Unallocated,
                    length: 0,
                    offset: 0,
                    crc: None,
                    site: Site::Bytes(at),
                },
                Ok(RawEntry { hunk }) => MapEntry {
                    kind: HunkStorage::Uncompressed,
                    length: self.hunk_bytes,
                    offset: u64::from(hunk) * u64::from(self.hunk_bytes),
                    crc: None,
                    site: Site::Bytes(at),
                },
                Err(_) => invalid,
            },
        }
    }

    /// The entry of `hunk`.
    pub fn entry(&self, hunk: u32) -> Result<MapEntry> {
        if hunk >= self.count {
            return Err(crate::error::Error::invalid(
                crate::error::Position::Byte(0),
                "CHD map",
                "hunk",
                format!("one of its {} hunks", self.count),
                format!("hunk {hunk}"),
            ));
        }
        match &self.layout {
            Layout::Legacy { offset } | Layout::Raw { offset } => {
                let size: u64 = if matches!(self.layout, Layout::Legacy { .. }) {
                    16
                } else {
                    4
                };
                let at = offset + u64::from(hunk) * size;
                let raw = self.source.read_vec(at, size as usize).ok();
                Ok(self.decode_fixed(raw.as_deref(), at))
            }
            Layout::Compressed(map) => {
                map.entry(self.source.as_ref(), hunk, self.hunk_bytes, self.unit_bytes)
            }
        }
    }

    /// The entry of `hunk` as a structure, every field annotated.
    pub fn structure(&self, hunk: u32, header: &ChdHeader) -> Result<Structure> {
        let entry = self.entry(hunk)?;
        let name = format!("CHD map entry of hunk {hunk}");
        let mut structure = match entry.site {
            Site::Bytes(at) => {
                let (layout, size) = match self.layout {
                    Layout::Legacy { .. } => (LegacyEntry::LAYOUT, 16),
                    _ => (RawEntry::LAYOUT, 4),
                };
                let bytes = self.source.read_vec(at, size).unwrap_or_default();
                let mut s = layout.structure(
                    &bytes,
                    Place::File {
                        path: Arc::clone(&self.path),
                        offset: at,
                    },
                );
                s.name = name;
                s
            }
            Site::Bits { start, end } => {
                compressed::decoded_structure(&entry, (start, end), &self.path, &name)
            }
        };
        structure.push(Field::new(
            0,
            structure.length,
            "stored as",
            Value::Text(entry.kind.name(header)),
            "how the hunk is stored",
            "MAME chd.cpp (read_hunk)",
        ));
        Ok(structure)
    }
}
