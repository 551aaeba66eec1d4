//! A compressed v5 map: a bit stream of Huffman-coded, run-length types
//! and then the fields each type needs. It is scanned once when the file
//! is opened (its CRC checked, every entry checked against the file) and
//! keeps a checkpoint every [`CHECKPOINT`] hunks, from which a block of
//! entries is decoded again when a hunk in it is read.
//!
//! Source: MAME `chd.cpp` (`decompress_v5_map`: the 16-byte header
//! (length, first offset, CRC-16 of the decoded 12-byte entries, bit
//! widths), the RLE of types 7 and 8, pseudo-types 9..13).

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::scan::Scan;
use super::{CRC16, HunkStorage, MapEntry, Site};
use crate::container::chd::bits::{BitReader, MapCode};
use crate::container::chd::fields::{Be24, Be48};
use crate::container::chd::header::ChdHeader;
use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::structure::named::codes;
use crate::structure::{
    Be16Hex, Be32, Field, Hex8, Kind as StructureKind, Place, Reserved, Structure, U8, Value,
    declare,
};

/// Hunks between two checkpoints of a compressed map.
const CHECKPOINT: u32 = 1024;
/// Decoded blocks of a compressed map kept.
const BLOCKS_KEPT: usize = 8;

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
pub(super) struct Compressed {
    data_offset: u64,
    data_len: u64,
    length_bits: u8,
    self_bits: u8,
    parent_bits: u8,
    code: MapCode,
    checkpoints: Vec<Checkpoint>,
    /// Hunks whose entries the stream holds (fewer than the hunks when it
    /// ends early).
    pub(super) described: u32,
    blocks: Mutex<Vec<(u32, Arc<[MapEntry]>)>>,
}

impl Compressed {
    /// The entry of `hunk`, decoded again from the nearest checkpoint
    /// unless its block is kept.
    pub(super) fn entry(
        &self,
        source: &dyn ReadAt,
        hunk: u32,
        hunk_bytes: u32,
        unit_bytes: u32,
    ) -> Result<MapEntry> {
        if hunk >= self.described {
            let end = (self.data_offset + self.data_len) * 8;
            return Ok(MapEntry {
                kind: HunkStorage::Unmapped,
                length: 0,
                offset: 0,
                crc: None,
                site: Site::Bits { start: end, end },
            });
        }
        let block = self.block(source, hunk / CHECKPOINT, hunk_bytes, unit_bytes)?;
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

    fn block(
        &self,
        source: &dyn ReadAt,
        block: u32,
        hunk_bytes: u32,
        unit_bytes: u32,
    ) -> Result<Arc<[MapEntry]>> {
        if let Ok(blocks) = self.blocks.lock()
            && let Some((_, entries)) = blocks.iter().find(|(b, _)| *b == block)
        {
            return Ok(Arc::clone(entries));
        }
        let first = block * CHECKPOINT;
        let n = CHECKPOINT.min(self.described.saturating_sub(first));
        let start = self
            .checkpoints
            .get(block as usize)
            .copied()
            .unwrap_or_default();
        let mut entries = Vec::with_capacity(n as usize);
        let mut cursor = Cursor::new(source, self, start);
        for hunk in first..first + n {
            entries.push(cursor.next(hunk, hunk_bytes, unit_bytes)?.0);
        }
        let entries: Arc<[MapEntry]> = entries.into();
        if let Ok(mut blocks) = self.blocks.lock() {
            if blocks.len() >= BLOCKS_KEPT {
                blocks.remove(0);
            }
            blocks.push((block, Arc::clone(&entries)));
        }
        Ok(entries)
    }
}

/// An entry's 12 bytes as MAME keeps it in memory (and checksums the map
/// over): type, 24-bit length, 48-bit offset, CRC-16.
fn decoded_bytes(kind: u8, length: u32, offset: u64, crc: u16) -> [u8; 12] {
    let mut raw = [0u8; 12];
    raw[0] = kind;
    raw[1..4].copy_from_slice(&length.to_be_bytes()[1..]);
    raw[4..10].copy_from_slice(&offset.to_be_bytes()[2..]);
    raw[10..12].copy_from_slice(&crc.to_be_bytes());
    raw
}

/// A decoded entry as a structure: its 12 bytes as MAME keeps them,
/// placed where the entry's bits are.
pub(super) fn decoded_structure(
    entry: &MapEntry,
    (start, end): (u64, u64),
    path: &Arc<Path>,
    name: &str,
) -> Structure {
    let kind = match entry.kind {
        HunkStorage::Codec(slot) => slot,
        HunkStorage::Uncompressed => 4,
        HunkStorage::SelfRef => 5,
        HunkStorage::ParentRef => 6,
        HunkStorage::Invalid(t) => t,
        HunkStorage::Mini | HunkStorage::Unallocated | HunkStorage::Unmapped => 0xFF,
    };
    let raw = decoded_bytes(
        kind,
        entry.length,
        entry.offset,
        entry.crc.unwrap_or(0) as u16,
    );
    let first_byte = start / 8;
    let span = (end.div_ceil(8)).saturating_sub(first_byte).max(1);
    let mut s = Structure::new(
        StructureKind::Descriptor,
        format!("{name} (decoded from the compressed map)"),
        Place::File {
            path: Arc::clone(path),
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
        let raw = decoded_bytes(base, length, offset, crc);
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
pub(super) fn scan_compressed(
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
