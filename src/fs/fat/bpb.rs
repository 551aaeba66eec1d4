//! The boot sector and BIOS parameter block: decoded, validated, and laid
//! out field by field for the inspector.
//!
//! Sources: Microsoft "FAT: General Overview of On-Disk Format" (fatgen103)
//! §3.1 (BPB common to all FAT types), §3.2 (FAT12/16 extension at 36),
//! §3.3 (FAT32 extension at 36), §3.5 (FAT type from the cluster count),
//! §5 (FSInfo sector).

use crate::byteorder::{latin1_trimmed, le16, le32, u8_at};
use crate::error::{Error, Result};
use crate::fs::FsKind;
use crate::structure::{Field, Value};

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
    let jump = matches!(
        (u8_at(b, 0), u8_at(b, 2)),
        (0xEB, 0x90) | (0xE9, _) | (0xEB, _)
    );
    let text = |at: usize| b.get(at..at + 3) == Some(b"FAT");
    let media = matches!(u8_at(b, 21), 0xF0 | 0xF8..=0xFF);
    jump && (text(54) || text(82) || (media && b.get(510..512) == Some(&[0x55, 0xAA][..])))
}

/// Decodes and validates a boot sector; `volume_len` is the bytes the
/// volume has (a shorter volume is allowed, and noted by the caller).
pub fn parse(b: &[u8]) -> Result<Bpb> {
    let bad = |at: u64, message: String| Error::corrupt(at, format!("FAT boot sector: {message}"));
    let bytes_per_sector = u64::from(le16(b, 11));
    if bytes_per_sector == 0 {
        return Err(bad(11, "bytes per sector is 0".into()));
    }
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096) {
        return Err(bad(
            11,
            format!("bytes per sector is {bytes_per_sector}, not 512, 1024, 2048 or 4096"),
        ));
    }
    let sectors_per_cluster = u64::from(u8_at(b, 13));
    if sectors_per_cluster == 0 || !sectors_per_cluster.is_power_of_two() {
        return Err(bad(
            13,
            format!("sectors per cluster is {sectors_per_cluster}, not a power of two"),
        ));
    }
    let reserved_sectors = u64::from(le16(b, 14));
    if reserved_sectors == 0 {
        return Err(bad(14, "reserved sector count is 0".into()));
    }
    let fats = u64::from(u8_at(b, 16));
    if fats == 0 {
        return Err(bad(16, "number of FATs is 0".into()));
    }
    let root_entries = u64::from(le16(b, 17));
    let total16 = u64::from(le16(b, 19));
    let total_sectors = if total16 != 0 {
        total16
    } else {
        u64::from(le32(b, 32))
    };
    if total_sectors == 0 {
        return Err(bad(19, "total sector count is 0".into()));
    }
    let fat16_size = u64::from(le16(b, 22));
    let fat32_size = u64::from(le32(b, 36));
    let is32 = fat16_size == 0;
    let fat_sectors = if is32 { fat32_size } else { fat16_size };
    if fat_sectors == 0 {
        return Err(bad(22, "sectors per FAT is 0".into()));
    }
    if is32 && root_entries != 0 {
        return Err(bad(
            17,
            format!("a FAT32 volume with {root_entries} fixed root entries"),
        ));
    }
    let root_dir_sectors = (root_entries * 32).div_ceil(bytes_per_sector);
    let meta = reserved_sectors + fats * fat_sectors + root_dir_sectors;
    let Some(data_sectors) = total_sectors.checked_sub(meta).filter(|&d| d > 0) else {
        return Err(bad(
            19,
            format!(
                "the reserved sectors, FATs and root directory ({meta} sectors) fill all {total_sectors} sectors: no room for data"
            ),
        ));
    };
    let clusters = data_sectors / sectors_per_cluster;
    if clusters == 0 {
        return Err(bad(13, "the data region holds no whole cluster".into()));
    }
    let fat_type = if is32 {
        FatType::Fat32
    } else if clusters < 4085 {
        FatType::Fat12
    } else {
        FatType::Fat16
    };
    let ext = if is32 { 64 } else { 36 };
    let extended = u8_at(b, ext + 2) == 0x29;
    let label_text = latin1_trimmed(b.get(ext + 7..ext + 18).unwrap_or_default());
    let label = (extended && !label_text.is_empty() && label_text != "NO NAME")
        .then(|| crate::fs::fat::dir::decode_oem(b.get(ext + 7..ext + 18).unwrap_or_default()));
    let fat_offset = reserved_sectors * bytes_per_sector;
    let root_dir_offset = fat_offset + fats * fat_sectors * bytes_per_sector;
    Ok(Bpb {
        bytes_per_sector,
        sectors_per_cluster,
        reserved_sectors,
        fats,
        root_entries,
        total_sectors,
        media: u8_at(b, 21),
        fat_sectors,
        sectors_per_track: le16(b, 24),
        heads: le16(b, 26),
        hidden_sectors: le32(b, 28),
        fat_type,
        root_cluster: if is32 { le32(b, 44) } else { 0 },
        fsinfo_sector: if is32 { le16(b, 48) } else { 0 },
        backup_boot_sector: if is32 { le16(b, 50) } else { 0 },
        extended,
        volume_id: if extended { le32(b, ext + 3) } else { 0 },
        label: label.map(|l| l.trim_end().to_owned()),
        fs_type_text: if extended {
            latin1_trimmed(b.get(ext + 18..ext + 26).unwrap_or_default())
        } else {
            String::new()
        },
        clusters,
        fat_offset,
        root_dir_offset,
        root_dir_bytes: root_dir_sectors * bytes_per_sector,
        data_offset: root_dir_offset + root_dir_sectors * bytes_per_sector,
    })
}

/// Every field of the boot sector with its offset, as the inspector shows it.
pub fn fields(b: &[u8], fat32: bool) -> Vec<Field> {
    let f = |offset: u64, length: u64, name, meaning| {
        let at = offset as usize;
        let value = match length {
            1 => format!("{:#04x} ({})", u8_at(b, at), u8_at(b, at)),
            2 => le16(b, at).to_string(),
            4 => le32(b, at).to_string(),
            _ => format!(
                "{:?}",
                latin1_trimmed(b.get(at..at + length as usize).unwrap_or_default())
            ),
        };
        Field::new(
            offset,
            length,
            name,
            Value::Text(value),
            meaning,
            "fatgen103 §3",
        )
    };
    let mut out = vec![
        f(0, 3, "jump", "x86 jump over the BPB (EB xx 90 or E9 xx xx)"),
        f(3, 8, "OEM name", "the formatting tool's name"),
        f(11, 2, "bytes per sector", "512, 1024, 2048 or 4096"),
        f(13, 1, "sectors per cluster", "a power of two"),
        f(14, 2, "reserved sectors", "sectors before the first FAT"),
        f(16, 1, "number of FATs", "copies of the allocation table"),
        f(
            17,
            2,
            "root entries",
            "fixed root directory entries (0 on FAT32)",
        ),
        f(
            19,
            2,
            "total sectors (16-bit)",
            "0 when the 32-bit field is used",
        ),
        f(
            21,
            1,
            "media descriptor",
            "0xF8 fixed disk, 0xF0 removable, 0xF9.. floppy formats",
        ),
        f(22, 2, "sectors per FAT (16-bit)", "0 on FAT32"),
        f(24, 2, "sectors per track", "CHS geometry"),
        f(26, 2, "heads", "CHS geometry"),
        f(
            28,
            4,
            "hidden sectors",
            "sectors before this volume on the disk",
        ),
        f(
            32,
            4,
            "total sectors (32-bit)",
            "used when the 16-bit field is 0",
        ),
    ];
    let ext: u64 = if fat32 {
        out.extend([
            f(36, 4, "sectors per FAT (32-bit)", "size of one FAT"),
            f(
                40,
                2,
                "extended flags",
                "bit 7: only one FAT active; bits 0-3: which",
            ),
            f(42, 2, "filesystem version", "0.0"),
            f(44, 4, "root cluster", "first cluster of the root directory"),
            f(48, 2, "FSInfo sector", "sector of the FSInfo structure"),
            f(
                50,
                2,
                "backup boot sector",
                "sector of the boot sector copy",
            ),
            f(52, 12, "reserved", "zero"),
        ]);
        64
    } else {
        36
    };
    out.extend([
        f(
            ext,
            1,
            "drive number",
            "BIOS drive (0x00 floppy, 0x80 disk)",
        ),
        f(ext + 1, 1, "reserved (NT flags)", "bit 0: dirty"),
        f(
            ext + 2,
            1,
            "boot signature",
            "0x29: the next three fields are present",
        ),
        f(ext + 3, 4, "volume serial", "volume ID"),
        f(
            ext + 7,
            11,
            "volume label",
            "label as recorded in the boot sector",
        ),
        f(
            ext + 18,
            8,
            "filesystem type",
            "informational only: FAT12, FAT16, FAT32",
        ),
        f(510, 2, "signature", "0xAA55 marks a boot sector"),
    ]);
    out
}

/// The FSInfo sector's fields.
pub fn fsinfo_fields(b: &[u8]) -> Vec<Field> {
    let f = |offset: u64, name, meaning| {
        Field::new(
            offset,
            4,
            name,
            Value::Text(format!("{:#010x}", le32(b, offset as usize))),
            meaning,
            "fatgen103 §5",
        )
    };
    vec![
        f(0, "lead signature", "0x41615252 (RRaA)"),
        f(484, "structure signature", "0x61417272 (rrAa)"),
        f(
            488,
            "free clusters",
            "last known free cluster count, 0xFFFFFFFF = unknown",
        ),
        f(492, "next free", "hint: where to look for a free cluster"),
        f(508, "trail signature", "0xAA550000"),
    ]
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
    fn hostile_fields_are_errors() {
        let mut b = floppy();
        b[11] = 0;
        b[12] = 0;
        assert!(
            parse(&b)
                .unwrap_err()
                .to_string()
                .contains("bytes per sector is 0")
        );
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
