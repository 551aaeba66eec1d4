//! HFS boot blocks and the master directory block.
//!
//! Sources: Inside Macintosh: Files, "Data Organization on Volumes":
//! boot blocks (logical blocks 0 and 1, signature "LK"), the master
//! directory block at logical block 2 with its copy in the volume's
//! next-to-last logical block (the alternate MDB), the volume bitmap from
//! block `drVBMSt`, allocation blocks from block `drAlBlSt`; TN1150 "HFS
//! Wrapper" (drEmbedSigWord and drEmbedExtent in place of the volume
//! cache sizes).

use crate::fs::hfs::date::MacLocalDate;
use crate::fs::hfs::name::PascalRoman;
use crate::structure::{Be16, Be16Hex, Be32, Bytes, Codec, Raw, Value, declare};

/// Bytes of one logical block (HFS counts the volume in 512-byte blocks).
pub const SECTOR: u64 = 512;
/// Where the MDB is.
pub const OFFSET: u64 = 1024;

/// An HFS extent record: three (first allocation block, block count)
/// pairs.
#[derive(Clone, Copy, Debug)]
pub struct ExtentRecord3;

/// Three extents as decoded.
pub type Extents3 = [(u16, u16); 3];

impl Codec for ExtentRecord3 {
    type Out = Extents3;
    const WIDTH: Option<usize> = Some(12);
    fn decode(raw: &[u8]) -> Extents3 {
        let at = |i: usize| {
            let b = |j: usize| raw.get(i * 4 + j).copied().unwrap_or(0);
            (
                u16::from_be_bytes([b(0), b(1)]),
                u16::from_be_bytes([b(2), b(3)]),
            )
        };
        [at(0), at(1), at(2)]
    }
    fn value(raw: &[u8]) -> Value {
        let e = Self::decode(raw);
        Value::Text(
            e.iter()
                .map(|(start, count)| format!("{count} from {start}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

declare! {
    /// The boot blocks, when the volume is bootable ("LK").
    pub struct BootBlocks = "HFS boot blocks", BootBlocks, "Inside Macintosh: Files 2-57", 1024 {
        0, 2 => id: Raw<2>, "signature", "LK marks boot blocks";
        2, 4 => entry: Be32, "entry point", "a BRA instruction to the boot code";
        6, 2 => version: Be16Hex, "version", "boot blocks version; bit 15 set: new-style with the heap fields";
        8, 2 => page_flags: Be16Hex, "page flags", "used internally";
        10, 16 => system_name: PascalRoman, "system file", "name of the System file";
        26, 16 => shell_name: PascalRoman, "shell", "name of the shell (usually Finder)";
        42, 16 => debugger1: PascalRoman, "debugger 1", "first debugger installed";
        58, 16 => debugger2: PascalRoman, "debugger 2", "second debugger installed";
        74, 16 => screen: PascalRoman, "screen dump", "file holding the startup screen";
        90, 16 => hello: PascalRoman, "startup program", "program run at startup (usually Finder)";
        106, 16 => scrap: PascalRoman, "scrap file", "name of the system scrap file";
        122, 2 => fcbs: Be16, "open files", "file control blocks to allocate";
        124, 2 => events: Be16, "event queue", "event queue elements to allocate";
        126, 4 => heap_128k: Be32, "heap (128K Mac)", "system heap size on a 128K Mac";
        130, 4 => heap_256k: Be32, "heap (256K Mac)", "system heap size on a 256K Mac";
        134, 4 => heap: Be32, "system heap", "system heap size on Macs with 512K or more";
        138, 2 => filler: Be16, "filler", "reserved";
        140, 4 => heap_extra: Be32, "extra heap", "additional system heap space";
        144, 4 => heap_fraction: Be32, "heap fraction", "fraction of RAM for the system heap";
        148, 876 => code: Bytes, "boot code", "code run by the ROM";
    }
}

declare! {
    /// The master directory block (and the alternate copy).
    pub struct Mdb = "HFS master directory block", VolumeHeader, "Inside Macintosh: Files 2-60", 162 {
        0, 2 => signature: Raw<2>, "drSigWord", "BD marks an HFS volume";
        2, 4 => created: MacLocalDate, "drCrDat", "when the volume was created";
        6, 4 => modified: MacLocalDate, "drLsMod", "when the volume was last modified";
        10, 2 => attributes: Be16Hex, "drAtrb", "bit 7 unmounted cleanly, bit 9 spared bad blocks, bit 15 locked by software";
        12, 2 => root_files: Be16, "drNmFls", "files in the root folder";
        14, 2 => bitmap_start: Be16, "drVBMSt", "first 512-byte block of the volume bitmap";
        16, 2 => alloc_ptr: Be16, "drAllocPtr", "where the next allocation search starts";
        18, 2 => blocks: Be16, "drNmAlBlks", "allocation blocks in the volume";
        20, 4 => block_size: Be32, "drAlBlkSiz", "bytes per allocation block (a multiple of 512)";
        24, 4 => clump: Be32, "drClpSiz", "default clump size";
        28, 2 => first_block: Be16, "drAlBlSt", "512-byte block where allocation block 0 starts";
        30, 4 => next_id: Be32, "drNxtCNID", "next unused catalog node ID";
        34, 2 => free_blocks: Be16, "drFreeBks", "unused allocation blocks";
        36, 28 => name: PascalRoman, "drVN", "volume name (Mac Roman, up to 27 characters)";
        64, 4 => backup: MacLocalDate, "drVolBkUp", "when the volume was last backed up";
        68, 2 => sequence: Be16, "drVSeqNum", "backup sequence number";
        70, 4 => write_count: Be32, "drWrCnt", "times the volume was written";
        74, 4 => extents_clump: Be32, "drXTClpSiz", "clump size of the extents overflow file";
        78, 4 => catalog_clump: Be32, "drCTClpSiz", "clump size of the catalog file";
        82, 2 => root_dirs: Be16, "drNmRtDirs", "folders in the root folder";
        84, 4 => files: Be32, "drFilCnt", "files on the volume";
        88, 4 => dirs: Be32, "drDirCnt", "folders on the volume";
        92, 32 => finder: Bytes, "drFndrInfo", "Finder information (blessed folder, open windows)";
        124, 2 => embed_signature: Raw<2>, "drEmbedSigWord", "H+ when an HFS+ volume is embedded (otherwise drVCSize)", "TN1150 HFS Wrapper";
        126, 2 => embed_start: Be16, "drEmbedExtent start", "first allocation block of the embedded volume (otherwise drVBMCSize)", "TN1150 HFS Wrapper";
        128, 2 => embed_count: Be16, "drEmbedExtent count", "allocation blocks of the embedded volume (otherwise drCtlCSize)", "TN1150 HFS Wrapper";
        130, 4 => extents_size: Be32, "drXTFlSize", "bytes in the extents overflow file";
        134, 12 => extents_extents: ExtentRecord3, "drXTExtRec", "first extents of the extents overflow file";
        146, 4 => catalog_size: Be32, "drCTFlSize", "bytes in the catalog file";
        150, 12 => catalog_extents: ExtentRecord3, "drCTExtRec", "first extents of the catalog file";
    }
}

impl Mdb {
    /// Whether these bytes start an MDB.
    pub fn is_mdb(bytes: &[u8]) -> bool {
        bytes.get(..2) == Some(b"BD")
    }

    /// Whether an HFS+ volume is embedded (an HFS wrapper).
    pub fn wraps_hfs_plus(&self) -> bool {
        &self.embed_signature == b"H+" && self.embed_count > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile() {
        assert!(
            BootBlocks::LAYOUT.tiling().is_exact(),
            "{:?}",
            BootBlocks::LAYOUT.tiling()
        );
        assert!(
            Mdb::LAYOUT.tiling().is_exact(),
            "{:?}",
            Mdb::LAYOUT.tiling()
        );
    }

    #[test]
    fn util_linux_mdb_decodes() {
        // The first 162 bytes of the MDB of util-linux's hfs.img.
        let mut b = vec![0u8; 162];
        b[..38].copy_from_slice(&[
            0x42, 0x44, 0xc5, 0x11, 0xaf, 0x1d, 0xc5, 0x11, 0xaf, 0x1d, 0x01, 0x00, 0, 0, 0, 3,
            0x01, 0x3e, 0x4f, 0xf6, 0, 0, 0x02, 0, 0, 0, 0x08, 0, 0, 0x08, 0, 0, 0, 0x10, 0x4e,
            0xb8, 3, b'B',
        ]);
        b[38] = b'B';
        b[39] = b'B';
        b[134..138].copy_from_slice(&[0, 0, 0, 0x9f]);
        let mdb = Mdb::decode(&b).unwrap();
        assert_eq!(mdb.name, b"BBB");
        assert_eq!(
            (mdb.blocks, mdb.block_size, mdb.first_block),
            (0x4ff6, 512, 8)
        );
        assert_eq!(mdb.extents_extents[0], (0, 0x9f));
        assert!(!mdb.wraps_hfs_plus());
    }
}
