//! The HFS+ (and HFSX) volume header and the fork data it and the catalog
//! use.
//!
//! Sources: TN1150 "Volume Header" (at byte 1024, 512 bytes; the
//! alternate volume header at 1024 bytes before the end of the volume;
//! signature H+ version 4 or HX version 5; attributes, journal info
//! block, dates, counts, the allocation block size; five fork data
//! records for the special files) and "Fork Data Structure" (logical size,
//! clump size, total blocks, eight extent descriptors).

use crate::fs::hfs::date::{MacDate, MacLocalDate};
use crate::structure::{Be32, Be32Hex, Be64, Bytes, Codec, Field, Raw, Value, declare};

/// An HFS+ extent record: eight (first allocation block, block count)
/// pairs.
#[derive(Clone, Copy, Debug)]
pub struct ExtentRecord8;

/// Eight extents as decoded.
pub type Extents8 = [(u32, u32); 8];

impl Codec for ExtentRecord8 {
    type Out = Extents8;
    const WIDTH: Option<usize> = Some(64);
    fn decode(raw: &[u8]) -> Extents8 {
        let word = |at: usize| {
            raw.get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
                .unwrap_or(0)
        };
        let mut out = [(0, 0); 8];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = (word(i * 8), word(i * 8 + 4));
        }
        out
    }
    fn value(raw: &[u8]) -> Value {
        let used: Vec<String> = Self::decode(raw)
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(start, count)| format!("{count} from {start}"))
            .collect();
        Value::Text(if used.is_empty() {
            "none".to_owned()
        } else {
            used.join(", ")
        })
    }
}

declare! {
    /// A fork's size and its first eight extents.
    pub struct ForkData = "HFS+ fork data", VolumeHeader, "TN1150 Fork Data Structure", 80 {
        0, 8 => logical_size: Be64, "logical size", "bytes of data in the fork";
        8, 4 => clump_size: Be32, "clump size", "bytes to allocate when the fork grows";
        12, 4 => total_blocks: Be32, "total blocks", "allocation blocks the fork uses";
        16, 64 => extents: ExtentRecord8, "extents", "first eight extents (start block, count); more in the extents overflow file";
    }
}

declare! {
    /// The volume header's fields before its five fork data records.
    pub struct VolumeHeader = "HFS+ volume header", VolumeHeader, "TN1150 Volume Header", 112 {
        0, 2 => signature: Raw<2>, "signature", "H+ for HFS+, HX for HFSX";
        2, 2 => version: crate::structure::Be16, "version", "4 for HFS+, 5 for HFSX";
        4, 4 => attributes: Be32Hex, "attributes", "bit 8 unmounted cleanly, 9 spared blocks, 11 bad blocks, 13 journaled, 15 software lock";
        8, 4 => last_mounted: Raw<4>, "last mounted version", "who mounted it last: 10.0 Mac OS X, HFSJ journaled, fsck";
        12, 4 => journal_block: Be32, "journal info block", "allocation block of the journal info block (when journaled)";
        16, 4 => created: MacLocalDate, "create date", "when the volume was created (local time)";
        20, 4 => modified: MacDate, "modify date", "when the volume was last modified (UTC)";
        24, 4 => backup: MacDate, "backup date", "when the volume was last backed up";
        28, 4 => checked: MacDate, "checked date", "when the volume was last checked";
        32, 4 => files: Be32, "file count", "files on the volume (special files excluded)";
        36, 4 => folders: Be32, "folder count", "folders on the volume (the root excluded)";
        40, 4 => block_size: Be32, "block size", "bytes per allocation block (a power of two, at least 512)";
        44, 4 => total_blocks: Be32, "total blocks", "allocation blocks in the volume";
        48, 4 => free_blocks: Be32, "free blocks", "unused allocation blocks";
        52, 4 => next_allocation: Be32, "next allocation", "where the next allocation search starts";
        56, 4 => rsrc_clump: Be32, "resource clump size", "default clump size of resource forks";
        60, 4 => data_clump: Be32, "data clump size", "default clump size of data forks";
        64, 4 => next_id: Be32, "next catalog ID", "next unused catalog node ID";
        68, 4 => write_count: Be32, "write count", "times the volume was mounted for writing";
        72, 8 => encodings: crate::structure::Be64, "encodings bitmap", "text encodings used in names";
        80, 32 => finder: Bytes, "Finder info", "blessed folder, startup application, open folder, OS X blessed folder, volume identifier (words 6-7)";
    }
}

/// Where the special files' fork data records are, by name.
pub const FORKS: [(&str, usize); 5] = [
    ("allocation file", 112),
    ("extents file", 192),
    ("catalog file", 272),
    ("attributes file", 352),
    ("startup file", 432),
];

/// The bytes of the whole header (fixed part and forks).
pub const SIZE: usize = 512;

impl VolumeHeader {
    /// Whether these bytes start an HFS+ or HFSX volume header.
    pub fn is_header(bytes: &[u8]) -> bool {
        matches!(bytes.get(..2), Some(b"H+") | Some(b"HX"))
    }

    /// Whether the header says HFSX (case-sensitive names possible).
    pub fn is_hfsx(&self) -> bool {
        &self.signature == b"HX"
    }

    /// The journaled bit.
    pub fn journaled(&self) -> bool {
        self.attributes & (1 << 13) != 0
    }

    /// The 64-bit volume identifier in Finder info words 6 and 7 (0 when
    /// none was set).
    pub fn volume_id(bytes: &[u8]) -> u64 {
        bytes
            .get(104..112)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0)
    }

    /// Every field of a whole header: the fixed part, then each fork's
    /// fields named after its special file.
    pub fn fields(bytes: &[u8]) -> Vec<Field> {
        let mut out = VolumeHeader::LAYOUT.fields(bytes);
        for (name, at) in FORKS {
            if let Some(fork) = bytes.get(at..at + 80) {
                out.extend(ForkData::LAYOUT.fields_at(fork, at as u64, Some(name)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile() {
        assert!(
            VolumeHeader::LAYOUT.tiling().is_exact(),
            "{:?}",
            VolumeHeader::LAYOUT.tiling()
        );
        assert!(
            ForkData::LAYOUT.tiling().is_exact(),
            "{:?}",
            ForkData::LAYOUT.tiling()
        );
        assert_eq!(FORKS.last().map(|(_, at)| at + 80), Some(SIZE));
    }

    #[test]
    fn fork_fields_are_named_after_their_file() {
        let mut b = vec![0u8; SIZE];
        b[..2].copy_from_slice(b"H+");
        b[272 + 7] = 0x40;
        b[272 + 16 + 3] = 5;
        b[272 + 16 + 7] = 2;
        let fields = VolumeHeader::fields(&b);
        let size = fields
            .iter()
            .find(|f| f.name == "catalog file logical size")
            .unwrap();
        assert_eq!(
            (size.offset, size.value.to_string()),
            (272, "64".to_owned())
        );
        let extents = fields
            .iter()
            .find(|f| f.name == "catalog file extents")
            .unwrap();
        assert_eq!(extents.value.to_string(), "2 from 5");
        let fork = ForkData::decode(&b[272..352]).unwrap();
        assert_eq!(fork.extents[0], (5, 2));
    }
}
