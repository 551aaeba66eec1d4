//! The boot sector and BIOS parameter block: declared, decoded, validated.
//!
//! Sources: Microsoft "FAT: General Overview of On-Disk Format" (fatgen103)
//! §3.1 (BPB common to all FAT types), §3.2 (FAT12/16 extension at 36),
//! §3.3 (FAT32 extension at 36), §3.5 (FAT type from the cluster count),
//! and the 0x55 0xAA signature at 510 (§3.1, after the tables).

use crate::error::{Error, Position, Result};
use crate::fs::FsKind;
use crate::fs::fat::oem::OemText;
use crate::partition;
use crate::structure::named::noted;
use crate::structure::{
    Bytes, Codec, Field, Hex8, Kind, Latin1, Le16, Le16Hex, Le32, Le32Hex, Place, Raw, Reserved,
    Structure, U8, declare,
};

const SOURCE: &str = "fatgen103 §3";
/// Where the extended BPB sits on FAT12/16, and on FAT32 after its own part.
const EXTENDED_AT_16: usize = 36;
const EXTENDED_AT_32: usize = 64;
/// Where the FAT32 part of the BPB starts.
const FAT32_AT: usize = 36;
/// Where the boot signature sits.
const SIGNATURE_AT: usize = 510;
/// The boot sector's size as annotated (the BPB's own sector size may be larger).
const SECTOR: usize = 512;

declare! {
    /// The BPB every FAT type has (BPB_* fields at 0..36).
    pub struct CommonBpb = "FAT BIOS parameter block", Bpb, "fatgen103 §3.1", 36 {
        0, 3 => jump: Raw<3>, "jump", "x86 jump over the BPB (EB xx 90 or E9 xx xx)";
        3, 8 => oem_name: OemText, "OEM name", "the formatting tool's name";
        11, 2 => bytes_per_sector: Le16, "bytes per sector", "512, 1024, 2048 or 4096";
        13, 1 => sectors_per_cluster: U8, "sectors per cluster", "a power of two";
        14, 2 => reserved_sectors: Le16, "reserved sectors", "sectors before the first FAT";
        16, 1 => fats: U8, "number of FATs", "copies of the allocation table";
        17, 2 => root_entries: Le16, "root entries", "fixed root directory entries (0 on FAT32)";
        19, 2 => total_sectors_16: Le16, "total sectors (16-bit)", "0 when the 32-bit field is used";
        21, 1 => media: Hex8, "media descriptor", "0xF8 fixed disk, 0xF0 removable, 0xF9.. floppy formats";
        22, 2 => fat_size_16: Le16, "sectors per FAT (16-bit)", "0 on FAT32";
        24, 2 => sectors_per_track: Le16, "sectors per track", "CHS geometry";
        26, 2 => heads: Le16, "heads", "CHS geometry";
        28, 4 => hidden_sectors: Le32, "hidden sectors", "sectors before this volume on the disk";
        32, 4 => total_sectors_32: Le32, "total sectors (32-bit)", "used when the 16-bit field is 0";
    }
}

declare! {
    /// The FAT32 part of the BPB (bytes 36..64), before its extended BPB.
    pub struct Fat32Bpb = "FAT32 BIOS parameter block", Bpb, "fatgen103 §3.3", 28 {
        0, 4 => fat_size: Le32, "sectors per FAT (32-bit)", "size of one FAT";
        4, 2 => flags: Le16Hex, "extended flags", "bit 7: only one FAT active; bits 0-3: which";
        6, 2 => version: Le16Hex, "filesystem version", "0x0000 (0.0)";
        8, 4 => root_cluster: Le32, "root cluster", "first cluster of the root directory";
        12, 2 => fsinfo_sector: Le16, "FSInfo sector", "sector of the FSInfo structure";
        14, 2 => backup_boot_sector: Le16, "backup boot sector", "sector of the boot sector copy";
        16, 12 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// The extended BPB: at 36 on FAT12/16 (§3.2), at 64 on FAT32 (§3.3).
    pub struct ExtendedBpb = "FAT extended BIOS parameter block", Bpb, "fatgen103 §3.2", 26 {
        0, 1 => drive_number: Hex8, "drive number", "BIOS drive (0x00 floppy, 0x80 disk)";
        1, 1 => nt_flags: Hex8, "reserved (NT flags)", "bit 0: dirty";
        2, 1 => signature: ExtendedSignature, "boot signature", "0x29: the next three fields are present";
        3, 4 => volume_id: Le32Hex, "volume serial", "volume ID";
        7, 11 => label: OemText, "volume label", "label as recorded in the boot sector";
        18, 8 => fs_type: Latin1, "filesystem type", "informational only: FAT12, FAT16, FAT32";
    }
}

/// The extended boot signature that says serial, label and type follow.
const EXTENDED: u8 = 0x29;

noted!(
/// The extended boot signature, with what it says follows.
ExtendedSignature: Hex8, |value| (value != EXTENDED)
    .then(|| "not 0x29: the serial, label and type are not present".to_owned()));

/// The bytes from `at` on (none past the end, so a decode there fails).
fn tail(bytes: &[u8], at: usize) -> &[u8] {
    bytes.get(at..).unwrap_or_default()
}

/// Where a field of the common BPB starts, for errors that name it.
fn offset_of(name: &str) -> u64 {
    CommonBpb::LAYOUT
        .fields
        .iter()
        .find(|f| f.name == name)
        .map_or(0, |f| f.offset as u64)
}

/// Which FAT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FatType {
    Fat12,
    Fat16,
    Fat32,
}

impl FatType {
    /// The view this FAT type is listed as.
    pub fn fs_kind(self) -> FsKind {
        match self {
            FatType::Fat12 => FsKind::Fat12,
            FatType::Fat16 => FsKind::Fat16,
            FatType::Fat32 => FsKind::Fat32,
        }
    }
}

/// The decoded parameters the reader needs, all checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bpb {
    pub bytes_per_sector: u64,
    pub sectors_per_cluster: u64,
    pub reserved_sectors: u64,
    pub fats: u64,
    pub root_entries: u64,
    pub total_sectors: u64,
    pub media: u8,
    pub fat_sectors: u64,
    pub sectors_per_track: u16,
    pub heads: u16,
    pub hidden_sectors: u32,
    pub fat_type: FatType,
    /// FAT32 only.
    pub root_cluster: u32,
    pub fsinfo_sector: u16,
    pub backup_boot_sector: u16,
    /// The extended boot signature 0x29 is present.
    pub extended: bool,
    pub volume_id: u32,
    pub label: Option<String>,
    pub fs_type_text: String,
    /// Clusters in the data region (numbered from 2).
    pub clusters: u64,
    /// Byte offsets from the start of the volume.
    pub fat_offset: u64,
    pub root_dir_offset: u64,
    pub root_dir_bytes: u64,
    pub data_offset: u64,
}

impl Bpb {
    pub fn cluster_bytes(&self) -> u64 {
        self.bytes_per_sector * self.sectors_per_cluster
    }

    pub fn fat_bytes(&self) -> u64 {
        self.fat_sectors * self.bytes_per_sector
    }

    /// Byte offset of cluster `n` (n ≥ 2).
    pub fn cluster_offset(&self, n: u32) -> u64 {
        self.data_offset + (u64::from(n).saturating_sub(2)) * self.cluster_bytes()
    }
}

/// Whether a boot sector looks like FAT at all (before validation): a jump
/// instruction and a FAT type string or a media descriptor.
pub fn looks_like_fat(b: &[u8]) -> bool {
    let Ok(common) = CommonBpb::decode(b) else {
        return false;
    };
    let jump = matches!(common.jump[0], 0xEB | 0xE9);
    let typed = |at| ExtendedBpb::decode(tail(b, at)).is_ok_and(|e| e.fs_type.starts_with("FAT"));
    let media = matches!(common.media, 0xF0 | 0xF8..=0xFF);
    jump && (typed(EXTENDED_AT_16) || typed(EXTENDED_AT_32) || (media && partition::signed(b)))
}

/// Decodes and validates a boot sector; each error names the field's
/// offset.
pub fn parse(b: &[u8]) -> Result<Bpb> {
    let bad = |field: &'static str, found: u64, expected: &str| {
        Error::invalid(
            Position::Byte(offset_of(field)),
            "FAT boot sector",
            field,
            expected,
            found.to_string(),
        )
    };
    let common = CommonBpb::decode(b)?;
    let bytes_per_sector = u64::from(common.bytes_per_sector);
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096) {
        return Err(bad(
            "bytes per sector",
            bytes_per_sector,
            "512, 1024, 2048 or 4096",
        ));
    }
    let sectors_per_cluster = u64::from(common.sectors_per_cluster);
    if sectors_per_cluster == 0 || !sectors_per_cluster.is_power_of_two() {
        return Err(bad(
            "sectors per cluster",
            sectors_per_cluster,
            "a power of two",
        ));
    }
    let reserved_sectors = u64::from(common.reserved_sectors);
    if reserved_sectors == 0 {
        return Err(bad("reserved sectors", 0, "at least 1 (the boot sector)"));
    }
    let fats = u64::from(common.fats);
    if fats == 0 {
        return Err(bad("number of FATs", 0, "at least 1"));
    }
    let root_entries = u64::from(common.root_entries);
    let total_sectors = match common.total_sectors_16 {
        0 => u64::from(common.total_sectors_32),
        small => u64::from(small),
    };
    if total_sectors == 0 {
        return Err(bad(
            "total sectors (16-bit)",
            0,
            "a sector count here or in the 32-bit field",
        ));
    }
    // FAT32 is the BPB whose 16-bit FAT size is 0 (fatgen103 §3.5).
    let fat32 = match common.fat_size_16 {
        0 => Some(Fat32Bpb::decode(tail(b, FAT32_AT))?),
        _ => None,
    };
    let fat_sectors = fat32
        .as_ref()
        .map_or(u64::from(common.fat_size_16), |f| u64::from(f.fat_size));
    if fat_sectors == 0 {
        return Err(bad(
            "sectors per FAT (16-bit)",
            0,
            "a FAT size here or in the FAT32 field",
        ));
    }
    if fat32.is_some() && root_entries != 0 {
        return Err(bad(
            "root entries",
            root_entries,
            "0 on FAT32, whose root is a cluster chain",
        ));
    }
    let root_dir_sectors = (root_entries * 32).div_ceil(bytes_per_sector);
    let meta = reserved_sectors + fats * fat_sectors + root_dir_sectors;
    let Some(data_sectors) = total_sectors.checked_sub(meta).filter(|&d| d > 0) else {
        return Err(bad(
            "total sectors (16-bit)",
            total_sectors,
            &format!(
                "more than the {meta} sectors the reserved area, FATs and root directory fill (no room for data)"
            ),
        ));
    };
    let clusters = data_sectors / sectors_per_cluster;
    if clusters == 0 {
        return Err(bad(
            "sectors per cluster",
            sectors_per_cluster,
            &format!("at most the {data_sectors} data sectors, so that one cluster fits"),
        ));
    }
    let fat_type = if fat32.is_some() {
        FatType::Fat32
    } else if clusters < 4085 {
        FatType::Fat12
    } else {
        FatType::Fat16
    };
    let ext = ExtendedBpb::decode(tail(b, extended_at(fat32.is_some())))?;
    let extended = ext.signature == EXTENDED;
    let label_text = ext.label.trim_end_matches(['\0', ' ']);
    let label = (extended && !label_text.is_empty() && label_text != "NO NAME")
        .then(|| ext.label.trim_end().to_owned());
    let fat_offset = reserved_sectors * bytes_per_sector;
    let root_dir_offset = fat_offset + fats * fat_sectors * bytes_per_sector;
    Ok(Bpb {
        bytes_per_sector,
        sectors_per_cluster,
        reserved_sectors,
        fats,
        root_entries,
        total_sectors,
        media: common.media,
        fat_sectors,
        sectors_per_track: common.sectors_per_track,
        heads: common.heads,
        hidden_sectors: common.hidden_sectors,
        fat_type,
        root_cluster: fat32.as_ref().map_or(0, |f| f.root_cluster),
        fsinfo_sector: fat32.as_ref().map_or(0, |f| f.fsinfo_sector),
        backup_boot_sector: fat32.as_ref().map_or(0, |f| f.backup_boot_sector),
        extended,
        volume_id: if extended { ext.volume_id } else { 0 },
        label,
        fs_type_text: if extended { ext.fs_type } else { String::new() },
        clusters,
        fat_offset,
        root_dir_offset,
        root_dir_bytes: root_dir_sectors * bytes_per_sector,
        data_offset: root_dir_offset + root_dir_sectors * bytes_per_sector,
    })
}

/// Where the extended BPB sits.
fn extended_at(fat32: bool) -> usize {
    if fat32 {
        EXTENDED_AT_32
    } else {
        EXTENDED_AT_16
    }
}

/// The boot sector as an annotated structure: the common BPB, the FAT32
/// part, the extended BPB, the boot code and the signature.
pub fn structure(b: &[u8], fat32: bool, place: Place) -> Structure {
    let mut structure = Structure::new(
        Kind::Bpb,
        "Boot sector and BIOS parameter block",
        place,
        SECTOR as u64,
    )
    .with(&CommonBpb::LAYOUT, b, 0, None);
    if fat32 {
        structure = structure.with(&Fat32Bpb::LAYOUT, tail(b, FAT32_AT), FAT32_AT as u64, None);
    }
    let at = extended_at(fat32);
    structure = structure.with(&ExtendedBpb::LAYOUT, tail(b, at), at as u64, None);
    let code = at + ExtendedBpb::LAYOUT.size;
    if let Some(raw) = b.get(code..SIGNATURE_AT) {
        structure.push(Field::new(
            code as u64,
            raw.len() as u64,
            "boot code",
            Bytes::value(raw),
            "code run when booting from this volume (not interpreted)",
            SOURCE,
        ));
    }
    structure.with(
        &partition::BootSignature::LAYOUT,
        tail(b, SIGNATURE_AT),
        SIGNATURE_AT as u64,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floppy() -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..3].copy_from_slice(&[0xEB, 0x3C, 0x90]);
        b[11..13].copy_from_slice(&512u16.to_le_bytes());
        b[13] = 1;
        b[14] = 1;
        b[16] = 2;
        b[17..19].copy_from_slice(&224u16.to_le_bytes());
        b[19..21].copy_from_slice(&2880u16.to_le_bytes());
        b[21] = 0xF0;
        b[22..24].copy_from_slice(&9u16.to_le_bytes());
        b[38] = 0x29;
        b[43..54].copy_from_slice(b"MY DISK    ");
        b[54..62].copy_from_slice(b"FAT12   ");
        b[510] = 0x55;
        b[511] = 0xAA;
        b
    }

    #[test]
    fn floppy_layout() {
        let b = floppy();
        assert!(looks_like_fat(&b));
        let bpb = parse(&b).unwrap();
        assert_eq!(bpb.fat_type, FatType::Fat12);
        assert_eq!(bpb.root_dir_offset, 512 * 19);
        assert_eq!(bpb.data_offset, 512 * 33);
        assert_eq!(bpb.clusters, 2847);
        assert_eq!(bpb.label.as_deref(), Some("MY DISK"));
    }

    #[test]
    fn declarations_tile_exactly() {
        assert!(CommonBpb::LAYOUT.tiling().is_exact());
        assert!(Fat32Bpb::LAYOUT.tiling().is_exact());
        assert!(ExtendedBpb::LAYOUT.tiling().is_exact());
        for fat32 in [false, true] {
            let s = structure(&floppy(), fat32, Place::Medium(0));
            let mut end = 0;
            for f in &s.fields {
                assert_eq!(f.offset, end, "{} ({fat32})", f.name);
                end = f.offset + f.length;
            }
            assert_eq!(end, 512);
        }
    }

    #[test]
    fn a_truncated_boot_sector_names_the_field() {
        let b = floppy();
        assert!(matches!(
            parse(&b[..21]),
            Err(Error::Truncated {
                field: "media descriptor",
                offset: 21,
                ..
            })
        ));
        assert!(matches!(
            parse(&b[..50]),
            Err(Error::Truncated {
                structure: "FAT extended BIOS parameter block",
                field: "volume label",
                offset: 7,
                ..
            })
        ));
        assert!(!looks_like_fat(&b[..30]));
    }

    #[test]
    fn hostile_fields_are_errors() {
        let mut b = floppy();
        b[11] = 0;
        b[12] = 0;
        let error = parse(&b).unwrap_err().to_string();
        assert!(error.contains("bytes per sector is 0"), "{error}");
        assert!(error.contains("at byte 0xb"), "{error}");
        let mut b = floppy();
        b[19..21].copy_from_slice(&10u16.to_le_bytes());
        assert!(
            parse(&b)
                .unwrap_err()
                .to_string()
                .contains("no room for data")
        );
        let mut b = floppy();
        b[13] = 3;
        assert!(parse(&b).is_err());
    }
}
