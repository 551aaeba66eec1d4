//! The HFS+ journal: its info block and header, shown as structures. The
//! journal is not replayed: what it holds that the volume does not yet
//! reflect is reported, not applied.
//!
//! Sources: TN1150 "Journal" (the journal info block at the allocation
//! block the volume header names: flags, device signature, the journal's
//! byte offset and size; the journal header: magic "JNLx", endian
//! 0x12345678 in the writer's byte order, start and end of the
//! transactions in the circular buffer, size, block list header size,
//! checksum, header size).

use crate::diagnostic::Diagnostic;
use crate::fs::hfs::HfsFs;
use crate::fs::hfs::volume_header::VolumeHeader;
use crate::structure::{
    Be32, Be32Hex, Be64, Bytes, Kind, Le32, Le32Hex, Le64, Reserved, Structure, declare,
};

declare! {
    /// The journal info block.
    pub struct InfoBlock = "HFS+ journal info block", Journal, "TN1150 Journal Info Block", 180 {
        0, 4 => flags: Be32Hex, "flags", "bit 0 journal in this volume, bit 1 on another device, bit 2 needs initialisation";
        4, 32 => device: Bytes, "device_signature", "which device holds an external journal";
        36, 8 => offset: Be64, "offset", "byte offset of the journal header from the volume's start";
        44, 8 => size: Be64, "size", "bytes in the journal, header included";
        52, 128 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// A journal header written by a big-endian Mac.
    pub struct HeaderBe = "HFS+ journal header", Journal, "TN1150 Journal JournalHeader", 44 {
        0, 4 => magic: Be32Hex, "magic", "0x4A4E4C78 (JNLx)";
        4, 4 => endian: Be32Hex, "endian", "0x12345678 in the byte order the journal uses";
        8, 8 => start: Be64, "start", "offset of the first transaction not yet written to the volume";
        16, 8 => end: Be64, "end", "offset after the last transaction (start = end: empty)";
        24, 8 => size: Be64, "size", "bytes in the journal buffer";
        32, 4 => block_header: Be32, "blhdr_size", "bytes of a block list header";
        36, 4 => checksum: Be32Hex, "checksum", "checksum of the header";
        40, 4 => header_size: Be32, "jhdr_size", "bytes of the journal header";
    }
}

declare! {
    /// A journal header written by a little-endian Mac.
    pub struct HeaderLe = "HFS+ journal header", Journal, "TN1150 Journal JournalHeader", 44 {
        0, 4 => magic: Le32Hex, "magic", "0x4A4E4C78 (JNLx)";
        4, 4 => endian: Le32Hex, "endian", "0x12345678 in the byte order the journal uses";
        8, 8 => start: Le64, "start", "offset of the first transaction not yet written to the volume";
        16, 8 => end: Le64, "end", "offset after the last transaction (start = end: empty)";
        24, 8 => size: Le64, "size", "bytes in the journal buffer";
        32, 4 => block_header: Le32, "blhdr_size", "bytes of a block list header";
        36, 4 => checksum: Le32Hex, "checksum", "checksum of the header";
        40, 4 => header_size: Le32, "jhdr_size", "bytes of the journal header";
    }
}

/// The magic number of a journal header.
pub const MAGIC: u32 = 0x4A4E_4C78;
/// The endian marker.
pub const ENDIAN: u32 = 0x1234_5678;

/// A journal header read in whichever byte order it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JournalHeader {
    pub little: bool,
    pub start: u64,
    pub end: u64,
    pub size: u64,
}

impl JournalHeader {
    /// Reads a journal header, `None` without the magic.
    pub fn read(bytes: &[u8]) -> Option<JournalHeader> {
        if let Ok(h) = HeaderBe::decode(bytes)
            && h.magic == MAGIC
            && h.endian == ENDIAN
        {
            return Some(JournalHeader {
                little: false,
                start: h.start,
                end: h.end,
                size: h.size,
            });
        }
        let h = HeaderLe::decode(bytes).ok()?;
        (h.magic == MAGIC && h.endian == ENDIAN).then_some(JournalHeader {
            little: true,
            start: h.start,
            end: h.end,
            size: h.size,
        })
    }
}

impl HfsFs {
    /// The journal info block and header as structures; the journal is not
    /// replayed.
    pub(super) fn journal(&mut self, vh: &VolumeHeader) {
        let Some(at) = self.geometry.offset(u64::from(vh.journal_block)) else {
            return;
        };
        let Ok(bytes) = self.source.read_vec(at, InfoBlock::LAYOUT.size) else {
            self.opened.push(Diagnostic::error(
                "hfs.journal",
                format!(
                    "the journal info block at allocation block {} cannot be read",
                    vh.journal_block
                ),
            ));
            return;
        };
        self.structures
            .push(InfoBlock::LAYOUT.structure(&bytes, self.map.place(at)));
        let Ok(info) = InfoBlock::decode(&bytes) else {
            return;
        };
        if info.flags & 2 != 0 {
            self.opened.push(Diagnostic::info(
                "hfs.journal",
                "the volume's journal is on another device; it is not read",
            ));
            return;
        }
        let header_at = self.embed.saturating_add(info.offset);
        let header = self.source.read_vec(header_at, HeaderBe::LAYOUT.size).ok();
        let parsed = header.as_deref().and_then(JournalHeader::read);
        match (header, parsed) {
            (Some(bytes), Some(h)) => {
                let layout = if h.little { HeaderLe::LAYOUT } else { HeaderBe::LAYOUT };
                self.structures.push(layout.structure(&bytes, self.map.place(header_at)));
                self.structures.push(Structure::new(
                    Kind::Journal,
                    "HFS+ journal",
                    self.map.place(header_at),
                    info.size,
                ));
                if h.start != h.end {
                    self.opened.push(Diagnostic::warning(
                        "hfs.journal-pending",
                        format!(
                            "the journal holds transactions from byte {:#x} to {:#x} that were not replayed; the volume is shown as it is on disk, without them",
                            h.start, h.end
                        ),
                    ));
                } else {
                    self.opened.push(Diagnostic::info(
                        "hfs.journal",
                        "the volume is journaled; the journal is empty and is shown, not replayed",
                    ));
                }
            }
            _ => self.opened.push(Diagnostic::error(
                "hfs.journal",
                format!(
                    "no journal header (magic JNLx) at byte {header_at:#x}, where the journal info block puts it"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_and_headers_read_in_both_orders() {
        assert!(InfoBlock::LAYOUT.tiling().is_exact());
        assert!(HeaderBe::LAYOUT.tiling().is_exact());
        assert!(HeaderLe::LAYOUT.tiling().is_exact());
        let mut b = vec![0u8; 44];
        b[..4].copy_from_slice(&MAGIC.to_le_bytes());
        b[4..8].copy_from_slice(&ENDIAN.to_le_bytes());
        b[8] = 0x10;
        b[16] = 0x20;
        let h = JournalHeader::read(&b).unwrap();
        assert!(h.little);
        assert_eq!((h.start, h.end), (0x10, 0x20));
        assert!(JournalHeader::read(&[0u8; 44]).is_none());
    }
}
