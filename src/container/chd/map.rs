//! The hunk map: for each hunk, how it is stored (a codec, raw, a copy of
//! another hunk, or the parent's), where its bytes are and their checksum.
//!
//! Three layouts: v3/v4 entries of 16 bytes after the header; a v5 file
//! without codecs keeps one 32-bit hunk number per hunk; a compressed v5
//! file packs its map into a bit stream (Huffman-coded types, then the
//! fields each type needs). Entries of the first two are read where they
//! lie; the bit stream is scanned once when the file is opened (its CRC
//! checked, every entry checked against the file) and keeps a checkpoint
//! every [`CHECKPOINT`] hunks, from which a block of entries is decoded
//! again when a hunk in it is read: memory follows the number of
//! checkpoints, not the size of the image.
//!
//! Sources: MAME `chd.cpp` (`read_hunk`: v3/v4 entry = offset u64, CRC32,
//! length u16 + u8, flags; types 1 compressed, 2 uncompressed, 3 mini,
//! 4 self, 5 parent, flag 0x10 no CRC; v5 raw entry = hunk number, 0 for
//! none; `decompress_v5_map`: the 16-byte header (length, first offset,
//! CRC-16 of the decoded 12-byte entries, bit widths), the RLE of types
//! 7 and 8, pseudo-types 9..13; `hunk_copy_from_self`: only earlier
//! hunks).

use std::path::Path;
use std::sync::{Arc, Mutex};

use crc::{CRC_16_IBM_3740, Crc, Table};

use super::bits::{BitReader, MapCode};
use super::fields::{Be24, Be48};
use super::header::ChdHeader;
use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::structure::named::codes;
use crate::structure::{
    Be16, Be16Hex, Be32, Be32Hex, Be64, Field, Hex8, Kind as StructureKind, Place, Reserved,
    Structure, U8, Value, declare,
};

/// Hunks between two checkpoints of a compressed map.
pub const CHECKPOINT: u32 = 1024;
/// Decoded blocks of a compressed map kept.
const BLOCKS_KEPT: usize = 8;
/// Findings listed per kind; the count stays exact past it.
const LISTED: u64 = 32;
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

declare! {
    /// The header of a compressed v5 map.
    pub struct CompressedMapHeader = "CHD compressed map header", Descriptor, "MAME chd.cpp (decompress_v5_map)", 16 {
        0, 4 => length: Be32, "map length", "bytes of compressed map after this header";
        4, 6 => first_offset: Be48, "first offset", "where the first stored hunk's bytes are";
        10, 2 => crc: Be16Hex, "map CRC-16", "CRC-16 of the decoded map (12 bytes a hunk)";
        12, 1 => length_bits: U8, "length bits", "bits of each compressed length";
        13, 1 => self_bits: U8, "self bits", "bits of each hunk number copied from";
        14, 1 => parent_bits: U8, "parent bits", "bits of each parent unit copied from";
        15, 1 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// A v5 map entry as decoding the bit stream gives it (MAME's 12-byte
    /// in-memory entry; the stream packs its fields into bits).
    pub struct DecodedEntry = "CHD map entry (v5, decoded)", Descriptor, "MAME chd.cpp (decompress_v5_map)", 12 {
        0, 1 => kind: EntryType, "compression", "0..3 a header codec, 4 raw, 5 copy of a hunk, 6 from the parent";
        1, 3 => length: Be24, "length", "stored bytes";
        4, 6 => offset: Be48, "offset", "file offset, hunk number (type 5) or parent unit (type 6)";
        10, 2 => crc: Be16Hex, "CRC-16", "CRC-16 of the decompressed hunk";
    }
}

codes!(
    /// A v5 entry's compression type.
    EntryType: Hex8 => u8, 2, [
        (0, "compressor 0"), (1, "compressor 1"), (2, "compressor 2"), (3, "compressor 3"),
        (4, "uncompressed"), (5, "copy of a hunk of this file"), (6, "copy from the parent")
    ]
);

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

/// The state of both cursors of a compressed map at a hunk.
#[derive(Clone, Copy, Debug, Default)]
struct Checkpoint {
    types_pos: u64,
    repeat: u32,
    last_type: u8,
    fields_pos: u64,
    cur_offset: u64,
    last_self: u64,
    last_parent: u64,
}

#[derive(Debug)]
struct Compressed {
    data_offset: u64,
    data_len: u64,
    length_bits: u8,
    self_bits: u8,
    parent_bits: u8,
    code: MapCode,
    checkpoints: Vec<Checkpoint>,
    /// Hunks whose entries the stream holds (fewer than the hunks when it
    /// ends early).
    described: u32,
    blocks: Mutex<Vec<(u32, Arc<[MapEntry]>)>>,
}

#[derive(Debug)]
enum Layout {
    Legacy { offset: u64 },
    Raw { offset: u64 },
    Compressed(Box<Compressed>),
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

/// Tallies and findings of one pass over every entry.
struct Scan<'a> {
    header: &'a ChdHeader,
    file_len: u64,
    has_parent: bool,
    counts: Vec<(HunkStorage, u64)>,
    findings: Vec<Diagnostic>,
    past_end: u64,
    forward: u64,
    orphans: u64,
    empty_slot: u64,
    invalid: u64,
}

impl Scan<'_> {
    fn count(&mut self, kind: HunkStorage) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((kind, 1)),
        }
    }

    fn note(&mut self, which: fn(&mut Self) -> &mut u64, finding: impl FnOnce() -> Diagnostic) {
        let n = which(self);
        *n += 1;
        if *n <= LISTED {
            let d = finding();
            self.findings.push(d);
        }
    }

    fn check(&mut self, hunk: u32, entry: &MapEntry) {
        self.count(entry.kind);
        let at = match entry.site {
            Site::Bytes(at) => at,
            Site::Bits { start, .. } => start / 8,
        };
        match entry.kind {
            HunkStorage::Codec(_) | HunkStorage::Uncompressed => {
                let end = entry.offset.saturating_add(u64::from(entry.length));
                if end > self.file_len {
                    let (offset, length, file_len) = (entry.offset, entry.length, self.file_len);
                    self.note(
                        |s| &mut s.past_end,
                        || {
                            Diagnostic::error(
                                "chd.hunk-past-end",
                                format!(
                                    "hunk {hunk}: the map puts its {length} bytes at {offset:#x}, past the end of the {file_len}-byte file"
                                ),
                            )
                            .at(Location::Offset(at))
                        },
                    );
                }
                if let HunkStorage::Codec(slot) = entry.kind
                    && self
                        .header
                        .codecs
                        .get(usize::from(slot))
                        .copied()
                        .unwrap_or(0)
                        == 0
                {
                    self.note(
                        |s| &mut s.empty_slot,
                        || {
                            Diagnostic::error(
                                "chd.codec-slot",
                                format!(
                                    "hunk {hunk}: compressor slot {slot} is empty in the header"
                                ),
                            )
                            .at(Location::Offset(at))
                        },
                    );
                }
            }
            HunkStorage::SelfRef if entry.offset >= u64::from(hunk) => {
                let target = entry.offset;
                self.note(
                    |s| &mut s.forward,
                    || {
                        Diagnostic::error(
                            "chd.self-reference",
                            format!(
                                "hunk {hunk} is a copy of hunk {target}, which is not an earlier hunk"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            HunkStorage::ParentRef if !self.has_parent => {
                self.note(
                    |s| &mut s.orphans,
                    || {
                        Diagnostic::error(
                            "chd.parent-reference",
                            format!(
                                "hunk {hunk} is copied from a parent, but the header names none"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            HunkStorage::Invalid(t) => {
                self.note(
                    |s| &mut s.invalid,
                    || {
                        Diagnostic::error(
                            "chd.hunk-type",
                            format!(
                                "hunk {hunk}: map entry type {t} is not one the format defines"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            _ => {}
        }
    }

    /// Summaries of what went past the listed findings.
    fn finish(mut self) -> (Vec<(HunkStorage, u64)>, Vec<Diagnostic>) {
        for (count, what) in [
            (self.past_end, "hunks past the end of the file"),
            (self.forward, "copies of hunks that are not earlier"),
            (self.orphans, "copies from a missing parent"),
            (self.empty_slot, "hunks naming an empty compressor slot"),
            (self.invalid, "entries of undefined types"),
        ] {
            if count > LISTED {
                self.findings.push(Diagnostic::error(
                    "chd.map-summary",
                    format!("{count} {what} in all (the first {LISTED} are listed)"),
                ));
            }
        }
        (self.counts, self.findings)
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
        let mut scan = Scan {
            header,
            file_len,
            has_parent,
            counts: Vec::new(),
            findings: Vec::new(),
            past_end: 0,
            forward: 0,
            orphans: 0,
            empty_slot: 0,
            invalid: 0,
        };
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
            Layout::Compressed(Box::new(scan_compressed(header, &source, &map, &mut scan)?))
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
            Layout::Compressed(map) if hunk >= map.described => Ok(MapEntry {
                kind: HunkStorage::Unmapped,
                length: 0,
                offset: 0,
                crc: None,
                site: Site::Bits {
                    start: (map.data_offset + map.data_len) * 8,
                    end: (map.data_offset + map.data_len) * 8,
                },
            }),
            Layout::Compressed(map) => {
                let block = self.block(map, hunk / CHECKPOINT)?;
                Ok(block
                    .get((hunk % CHECKPOINT) as usize)
                    .copied()
                    .unwrap_or(MapEntry {
                        kind: HunkStorage::Invalid(0),
                        length: 0,
                        offset: 0,
                        crc: None,
                        site: Site::Bits { start: 0, end: 0 },
                    }))
            }
        }
    }

    fn block(&self, map: &Compressed, block: u32) -> Result<Arc<[MapEntry]>> {
        if let Ok(blocks) = map.blocks.lock()
            && let Some((_, entries)) = blocks.iter().find(|(b, _)| *b == block)
        {
            return Ok(Arc::clone(entries));
        }
        let first = block * CHECKPOINT;
        let n = CHECKPOINT.min(map.described.saturating_sub(first));
        let start = map
            .checkpoints
            .get(block as usize)
            .copied()
            .unwrap_or_default();
        let mut entries = Vec::with_capacity(n as usize);
        let mut cursor = Cursor::new(self.source.as_ref(), map, start);
        for hunk in first..first + n {
            entries.push(cursor.next(hunk, self.hunk_bytes, self.unit_bytes)?.0);
        }
        let entries: Arc<[MapEntry]> = entries.into();
        if let Ok(mut blocks) = map.blocks.lock() {
            if blocks.len() >= BLOCKS_KEPT {
                blocks.remove(0);
            }
            blocks.push((block, Arc::clone(&entries)));
        }
        Ok(entries)
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
                // The decoded 12 bytes, placed where the entry's bits are.
                let mut raw = [0u8; 12];
                raw[0] = match entry.kind {
                    HunkStorage::Codec(slot) => slot,
                    HunkStorage::Uncompressed => 4,
                    HunkStorage::SelfRef => 5,
                    HunkStorage::ParentRef => 6,
                    HunkStorage::Invalid(t) => t,
                    HunkStorage::Mini | HunkStorage::Unallocated | HunkStorage::Unmapped => 0xFF,
                };
                raw[1..4].copy_from_slice(&entry.length.to_be_bytes()[1..]);
                raw[4..10].copy_from_slice(&entry.offset.to_be_bytes()[2..]);
                let crc = entry.crc.unwrap_or(0) as u16;
                raw[10..12].copy_from_slice(&crc.to_be_bytes());
                let first_byte = start / 8;
                let span = (end.div_ceil(8)).saturating_sub(first_byte).max(1);
                let mut s = Structure::new(
                    StructureKind::Descriptor,
                    format!("{name} (decoded from the compressed map)"),
                    Place::File {
                        path: Arc::clone(&self.path),
                        offset: first_byte,
                    },
                    span,
                );
                for spec in DecodedEntry::LAYOUT.fields {
                    let bytes = raw
                        .get(spec.offset..spec.offset + spec.length)
                        .unwrap_or_default();
                    let mut field = Field::new(
                        0,
                        span,
                        spec.name,
                        (spec.value)(bytes),
                        spec.meaning,
                        spec.source,
                    );
                    field.note = (spec.note)(bytes);
                    s.push(field);
                }
                s.push(Field::new(
                    0,
                    span,
                    "bits",
                    Value::Text(format!("{start}..{end}")),
                    "where the entry's fields are, in bits from the start of the file (its type is Huffman-coded before them)",
                    "MAME chd.cpp (decompress_v5_map)",
                ));
                s
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

/// Both cursors of a compressed map.
struct Cursor<'a> {
    types: BitReader<'a>,
    fields: BitReader<'a>,
    map: &'a Compressed,
    state: Checkpoint,
}

impl<'a> Cursor<'a> {
    fn new(source: &'a dyn ReadAt, map: &'a Compressed, at: Checkpoint) -> Cursor<'a> {
        Cursor {
            types: BitReader::new(source, map.data_offset, map.data_len, at.types_pos),
            fields: BitReader::new(source, map.data_offset, map.data_len, at.fields_pos),
            map,
            state: at,
        }
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            types_pos: self.types.position(),
            fields_pos: self.fields.position(),
            ..self.state
        }
    }

    /// The next hunk's type from the Huffman-coded run-length stream.
    fn next_type(&mut self) -> Result<u8> {
        if self.state.repeat > 0 {
            self.state.repeat -= 1;
            return Ok(self.state.last_type);
        }
        let value = self.map.code.decode(&mut self.types)?;
        Ok(match value {
            7 => {
                self.state.repeat = 2 + u32::from(self.map.code.decode(&mut self.types)?);
                self.state.last_type
            }
            8 => {
                let high = u32::from(self.map.code.decode(&mut self.types)?);
                let low = u32::from(self.map.code.decode(&mut self.types)?);
                self.state.repeat = 2 + 16 + (high << 4) + low;
                self.state.last_type
            }
            other => {
                self.state.last_type = other;
                other
            }
        })
    }

    /// The next entry, with its 12 decoded bytes for the map's CRC.
    fn next(
        &mut self,
        hunk: u32,
        hunk_bytes: u32,
        unit_bytes: u32,
    ) -> Result<(MapEntry, [u8; 12])> {
        let kind_code = self.next_type()?;
        let base_bit = self.map.data_offset.saturating_mul(8);
        let start = base_bit + self.fields.position();
        let mut offset = self.state.cur_offset;
        let mut length = 0u32;
        let mut crc = 0u16;
        let mut base = kind_code;
        let map = self.map;
        match kind_code {
            0..=3 => {
                length = self.fields.read(map.length_bits)?;
                self.state.cur_offset = self.state.cur_offset.wrapping_add(u64::from(length));
                crc = self.fields.read(16)? as u16;
            }
            4 => {
                length = hunk_bytes;
                self.state.cur_offset = self.state.cur_offset.wrapping_add(u64::from(length));
                crc = self.fields.read(16)? as u16;
            }
            5 => {
                offset = u64::from(self.fields.read(map.self_bits)?);
                self.state.last_self = offset;
            }
            6 => {
                offset = u64::from(self.fields.read(map.parent_bits)?);
                self.state.last_parent = offset;
            }
            9 | 10 => {
                if kind_code == 10 {
                    self.state.last_self = self.state.last_self.wrapping_add(1);
                }
                base = 5;
                offset = self.state.last_self;
            }
            11 => {
                base = 6;
                offset = u64::from(hunk) * u64::from(hunk_bytes) / u64::from(unit_bytes.max(1));
                self.state.last_parent = offset;
            }
            12 | 13 => {
                if kind_code == 13 {
                    self.state.last_parent = self
                        .state
                        .last_parent
                        .wrapping_add(u64::from(hunk_bytes / unit_bytes.max(1)));
                }
                base = 6;
                offset = self.state.last_parent;
            }
            _ => {}
        }
        // As MAME stores them: 24-bit length, 48-bit offset.
        let length = length & 0x00FF_FFFF;
        let offset = offset & 0xFFFF_FFFF_FFFF;
        let mut raw = [0u8; 12];
        raw[0] = base;
        raw[1..4].copy_from_slice(&length.to_be_bytes()[1..]);
        raw[4..10].copy_from_slice(&offset.to_be_bytes()[2..]);
        raw[10..12].copy_from_slice(&crc.to_be_bytes());
        let kind = match base {
            0..=3 => HunkStorage::Codec(base),
            4 => HunkStorage::Uncompressed,
            5 => HunkStorage::SelfRef,
            6 => HunkStorage::ParentRef,
            other => HunkStorage::Invalid(other),
        };
        let entry = MapEntry {
            kind,
            length,
            offset,
            crc: matches!(kind, HunkStorage::Codec(_) | HunkStorage::Uncompressed)
                .then_some(u32::from(crc)),
            site: Site::Bits {
                start,
                end: base_bit + self.fields.position(),
            },
        };
        Ok((entry, raw))
    }
}

/// Scans a compressed map once: finds where the fields start, checks the
/// CRC and every entry, and keeps the checkpoints.
fn scan_compressed(
    header: &ChdHeader,
    source: &Arc<dyn ReadAt>,
    map: &CompressedMapHeader,
    scan: &mut Scan<'_>,
) -> Result<Compressed> {
    let data_offset = header.map_offset + 16;
    let file_len = source.len();
    let available = file_len.saturating_sub(data_offset);
    let data_len = u64::from(map.length);
    if data_len > available {
        scan.findings.push(
            Diagnostic::error(
                "chd.map-past-end",
                format!(
                    "the compressed map claims {data_len} bytes from {data_offset:#x}, but the file ends {available} bytes after it"
                ),
            )
            .at(Location::Offset(header.map_offset)),
        );
    }
    for (name, bits) in [
        ("length", map.length_bits),
        ("self", map.self_bits),
        ("parent", map.parent_bits),
    ] {
        if bits > 32 {
            return Err(crate::error::Error::image(
                scan_path(source),
                format!(
                    "the compressed map's {name} fields are {bits} bits wide; the format reads at most 32"
                ),
            ));
        }
    }
    let mut types = BitReader::new(source.as_ref(), data_offset, data_len, 0);
    let code = match MapCode::import(&mut types)? {
        Ok(code) => code,
        Err(why) => {
            return Err(crate::error::Error::image(
                scan_path(source),
                format!(
                    "the compressed map at {:#x} is unusable: {why}",
                    header.map_offset
                ),
            ));
        }
    };
    let mut compressed = Compressed {
        data_offset,
        data_len,
        length_bits: map.length_bits,
        self_bits: map.self_bits,
        parent_bits: map.parent_bits,
        code,
        checkpoints: Vec::new(),
        described: 0,
        blocks: Mutex::new(Vec::new()),
    };
    let count = header.hunk_count;
    // Pass 1: the types, to find where the fields begin. A stream that
    // ends first is cut there: MAME would read zero bits on, and every
    // entry past it would be garbage.
    let tree_end = types.position();
    let mut first = Cursor::new(source.as_ref(), &compressed, Checkpoint::default());
    first.types = types;
    let mut described = count;
    for hunk in 0..count {
        first.next_type()?;
        if first.types.overflow {
            described = hunk;
            break;
        }
    }
    let fields_start = first.types.position();
    // Pass 2: types and fields together, with checkpoints and the CRC
    // (of the decoded entries, batched).
    let start = Checkpoint {
        types_pos: tree_end,
        fields_pos: fields_start,
        cur_offset: map.first_offset,
        ..Checkpoint::default()
    };
    let mut checkpoints = Vec::with_capacity(described.div_ceil(CHECKPOINT) as usize);
    let mut digest = CRC16.digest();
    let mut batch: Vec<u8> = Vec::with_capacity(12 * 4096);
    let mut cursor = Cursor::new(source.as_ref(), &compressed, start);
    for hunk in 0..described {
        if hunk % CHECKPOINT == 0 {
            checkpoints.push(cursor.checkpoint());
        }
        let (entry, raw) = cursor.next(hunk, header.hunk_bytes, header.unit_bytes)?;
        if cursor.fields.overflow {
            described = hunk;
            break;
        }
        batch.extend_from_slice(&raw);
        if batch.len() >= 12 * 4096 {
            digest.update(&batch);
            batch.clear();
        }
        scan.check(hunk, &entry);
    }
    digest.update(&batch);
    drop(cursor);
    let crc = digest.finalize();
    if described < count {
        scan.findings.push(
            Diagnostic::error(
                "chd.map-truncated",
                format!(
                    "the compressed map's {data_len} bytes end after the entries of {described} of its {count} hunks; the others cannot be read"
                ),
            )
            .at(Location::Offset(header.map_offset)),
        );
    } else if crc != map.crc {
        scan.findings.push(
            Diagnostic::error(
                "chd.map-crc",
                format!(
                    "the decoded map's CRC-16 is {crc:#06x}; the map header records {:#06x} (MAME refuses such a file)",
                    map.crc
                ),
            )
            .at(Location::Offset(header.map_offset + 10)),
        );
    }
    compressed.described = described;
    compressed.checkpoints = checkpoints;
    Ok(compressed)
}

/// The name of the file behind a source, for errors.
fn scan_path(source: &Arc<dyn ReadAt>) -> std::path::PathBuf {
    std::path::PathBuf::from(source.name())
}
