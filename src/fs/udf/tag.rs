//! The descriptor tag every UDF descriptor starts with, and its three
//! checks: the checksum of the tag itself, the CRC of the bytes after it,
//! and the location it says it was written at.
//!
//! Sources: ECMA-167 3rd edition 3/7.2 (tag layout; checksum = sum modulo
//! 256 of bytes 0-3 and 5-15; CRC-16 with generator x^16 + x^12 + x^5 + 1,
//! initial value 0, over `CRC length` bytes from byte 16, 7.2.6), 3/7.2.1
//! and 4/7.2.1 (identifiers), UDF 2.60 §2.2.1 and §2.3.1.

use crc::{CRC_16_XMODEM, Crc, Table};

use crate::structure::{Hex8, Le16, Le16Hex, Le32, Reserved, declare};

/// ECMA-167's CRC: polynomial 0x1021, initial 0, no reflection, no final
/// xor (the `crc` crate's XMODEM parameters). Slice-by-16 tables: every
/// file entry and file identifier of a listing is checked.
pub const CRC16: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_XMODEM);

/// Bytes in a tag.
pub const LEN: usize = 16;

declare! {
    /// The 16-byte descriptor tag.
    pub struct Tag = "Descriptor tag", Descriptor, "ECMA-167 3/7.2", 16 {
        0, 2 => id: Le16, "tag identifier", "which descriptor this is";
        2, 2 => version: Le16, "descriptor version", "2 for NSR02 (UDF 1.02-1.50), 3 for NSR03 (UDF 2.00 and later)";
        4, 1 => checksum: Hex8, "tag checksum", "sum of tag bytes 0-3 and 5-15 modulo 256";
        5, 1 => reserved: Reserved, "reserved", "zero";
        6, 2 => serial: Le16, "tag serial number", "the same for every descriptor of one volume recording";
        8, 2 => crc: Le16Hex, "descriptor CRC", "CRC-16 (CCITT) of the CRC-length bytes after the tag";
        10, 2 => crc_length: Le16, "descriptor CRC length", "bytes after the tag covered by the CRC";
        12, 4 => location: Le32, "tag location", "the block this descriptor was written at (partition-relative for file structures)";
    }
}

pub const PRIMARY: u16 = 1;
pub const ANCHOR: u16 = 2;
pub const POINTER: u16 = 3;
pub const IMPLEMENTATION_USE: u16 = 4;
pub const PARTITION: u16 = 5;
pub const LOGICAL_VOLUME: u16 = 6;
pub const UNALLOCATED: u16 = 7;
pub const TERMINATING: u16 = 8;
pub const INTEGRITY: u16 = 9;
pub const FILE_SET: u16 = 256;
pub const FILE_ID: u16 = 257;
pub const ALLOCATION_EXTENT: u16 = 258;
pub const INDIRECT: u16 = 259;
pub const TERMINAL: u16 = 260;
pub const FILE_ENTRY: u16 = 261;
pub const EA_HEADER: u16 = 262;
pub const SPACE_BITMAP: u16 = 264;
pub const EXTENDED_FILE_ENTRY: u16 = 266;

/// A descriptor's name by tag identifier.
pub fn name(id: u16) -> &'static str {
    match id {
        0 => "sparing table (identifier 0)",
        PRIMARY => "Primary volume descriptor",
        ANCHOR => "Anchor volume descriptor pointer",
        POINTER => "Volume descriptor pointer",
        IMPLEMENTATION_USE => "Implementation use volume descriptor",
        PARTITION => "Partition descriptor",
        LOGICAL_VOLUME => "Logical volume descriptor",
        UNALLOCATED => "Unallocated space descriptor",
        TERMINATING => "Terminating descriptor",
        INTEGRITY => "Logical volume integrity descriptor",
        FILE_SET => "File set descriptor",
        FILE_ID => "File identifier descriptor",
        ALLOCATION_EXTENT => "Allocation extent descriptor",
        INDIRECT => "Indirect entry",
        TERMINAL => "Terminal entry",
        FILE_ENTRY => "File entry",
        EA_HEADER => "Extended attribute header descriptor",
        263 => "Unallocated space entry",
        SPACE_BITMAP => "Space bitmap descriptor",
        265 => "Partition integrity entry",
        EXTENDED_FILE_ENTRY => "Extended file entry",
        _ => "unknown descriptor",
    }
}

/// The checksum a tag should carry.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .take(LEN)
        .enumerate()
        .filter(|&(i, _)| i != 4)
        .fold(0u8, |sum, (_, &b)| sum.wrapping_add(b))
}

/// A tag read, with the result of each check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub tag: Tag,
    pub checksum_ok: bool,
    /// `None` when the CRC length runs past the bytes read.
    pub crc_ok: Option<bool>,
    pub location_ok: bool,
}

impl Checked {
    /// Reads and checks the tag at the start of `bytes`, written to be at
    /// block `location`; `None` when fewer than 16 bytes are given.
    pub fn new(bytes: &[u8], location: u32) -> Option<Checked> {
        let tag = Tag::decode(bytes).ok()?;
        let checksum_ok = checksum(bytes) == tag.checksum;
        let end = LEN.checked_add(usize::from(tag.crc_length))?;
        let crc_ok = bytes
            .get(LEN..end)
            .map(|body| CRC16.checksum(body) == tag.crc);
        Some(Checked {
            location_ok: tag.location == location,
            tag,
            checksum_ok,
            crc_ok,
        })
    }

    /// Whether the tag identifies the descriptor `id` well enough to read
    /// it: the identifier matches and either the checksum or the CRC holds.
    pub fn is(&self, id: u16) -> bool {
        self.tag.id == id && (self.checksum_ok || self.crc_ok == Some(true))
    }

    /// Whether every check passed.
    pub fn clean(&self) -> bool {
        self.checksum_ok && self.crc_ok == Some(true) && self.location_ok
    }

    /// What failed, in words (empty when every check passed).
    pub fn problems(&self, bytes: &[u8], expected: u32) -> Vec<String> {
        let mut out = Vec::new();
        if !self.checksum_ok {
            out.push(format!(
                "tag checksum {:#04x} should be {:#04x}",
                self.tag.checksum,
                checksum(bytes)
            ));
        }
        match self.crc_ok {
            Some(true) => {}
            Some(false) => {
                let end = LEN + usize::from(self.tag.crc_length);
                let computed = bytes.get(LEN..end).map_or(0, |b| CRC16.checksum(b));
                out.push(format!(
                    "descriptor CRC {:#06x} over {} bytes should be {computed:#06x}",
                    self.tag.crc, self.tag.crc_length
                ));
            }
            None => out.push(format!(
                "descriptor CRC length {} runs past the {} bytes of the descriptor",
                self.tag.crc_length,
                bytes.len().saturating_sub(LEN)
            )),
        }
        if !self.location_ok {
            out.push(format!(
                "tag location {} but it was read from block {expected}",
                self.tag.location
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_ecma_167_example() {
        // ECMA-167 3/7.2.6: the CRC of the bytes 70 6A 77 is 3299.
        assert_eq!(CRC16.checksum(&[0x70, 0x6A, 0x77]), 0x3299);
    }

    #[test]
    fn a_good_tag_passes_and_a_moved_one_does_not() {
        let mut d = vec![0u8; 64];
        d[0] = 2;
        d[12] = 0x00;
        d[13] = 0x01; // location 256
        d[10] = 48;
        let crc = CRC16.checksum(&d[16..64]);
        d[8..10].copy_from_slice(&crc.to_le_bytes());
        d[4] = checksum(&d);
        let c = Checked::new(&d, 256).unwrap();
        assert!(c.clean() && c.is(ANCHOR));
        let c = Checked::new(&d, 257).unwrap();
        assert!(!c.location_ok);
        assert_eq!(c.problems(&d, 257).len(), 1);
        d[20] ^= 1;
        let c = Checked::new(&d, 256).unwrap();
        assert_eq!(c.crc_ok, Some(false));
        assert!(c.is(ANCHOR), "a body error still identifies the descriptor");
    }
}
