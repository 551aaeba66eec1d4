//! The GUID partition table: header, entry array, backup copy, and the
//! protective or hybrid MBR in front of it.
//!
//! Sources: UEFI specification 2.10 §5.3 (GPT header at LBA 1: signature
//! "EFI PART", header size and CRC32 over it with the CRC field zeroed,
//! entry array location, count, size and CRC32; entries of 128 bytes or a
//! larger power-of-two multiple; the backup header at the last LBA) and
//! §5.2.3 (protective MBR: one 0xEE entry from LBA 1).

use crc::{CRC_32_ISO_HDLC, Crc};

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;
use crate::partition::{Partition, PartitionTable, Scheme, gpt_type_name};
use crate::structure::named::noted;
use crate::structure::{
    Guid, Kind, Le32, Le32Hex, Le64, Le64Hex, Place, Raw, Reserved, Structure, Utf16Le, declare,
    guid_text,
};

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
/// The most entry-array bytes read (8192 entries of 128 bytes); the spec's
/// minimum is 16 KiB and real tables use exactly that.
pub const MAX_ARRAY_BYTES: u64 = 1 << 20;

declare! {
    /// The GPT header, at LBA 1 and (as the backup) at the disk's last LBA.
    pub struct GptHeader = "GPT header", PartitionTable, "UEFI 2.10 §5.3.2", 92 {
        0, 8 => signature: Raw<8>, "signature", "EFI PART marks a GPT header";
        8, 4 => revision: Le32Hex, "revision", "0x00010000 is revision 1.0";
        12, 4 => size: Le32, "header size", "bytes covered by the header CRC (92)";
        16, 4 => crc: Le32Hex, "header CRC32", "CRC32 of the header with this field zeroed";
        20, 4 => reserved: Reserved, "reserved", "zero";
        24, 8 => my_lba: Le64, "my LBA", "where this header is";
        32, 8 => alternate_lba: Le64, "alternate LBA", "where the other header is";
        40, 8 => first_usable: Le64, "first usable LBA", "first sector partitions may use";
        48, 8 => last_usable: Le64, "last usable LBA", "last sector partitions may use";
        56, 16 => disk_guid: Guid, "disk GUID", "identifies the disk";
        72, 8 => entries_lba: Le64, "entry array LBA", "first sector of the entry array";
        80, 4 => entry_count: Le32, "entry count", "entries in the array";
        84, 4 => entry_size: Le32, "entry size", "bytes per entry (128 × 2^n)";
        88, 4 => entries_crc: Le32Hex, "entry array CRC32", "CRC32 of the whole entry array";
    }
}

declare! {
    /// One entry of the partition entry array (the first 128 bytes of each
    /// entry; larger entries are zero-padded).
    pub struct GptEntry = "GPT partition entry", PartitionTable, "UEFI 2.10 §5.3.3", 128 {
        0, 16 => type_guid: TypeGuid, "partition type GUID", "what the partition holds; zero for an unused entry";
        16, 16 => unique_guid: Guid, "unique partition GUID", "identifies this partition";
        32, 8 => first_lba: Le64, "starting LBA", "first sector of the partition";
        40, 8 => last_lba: Le64, "ending LBA", "last sector of the partition (inclusive)";
        48, 8 => attributes: Le64Hex, "attributes", "bit 0 required, bit 1 no block I/O, bit 2 legacy BIOS bootable, bits 48-63 by type";
        56, 72 => name: Utf16Le, "partition name", "UTF-16LE, up to 36 characters, NUL padded";
    }
}

noted!(
/// A partition type GUID, with the name gdisk gives it.
TypeGuid: Guid, |guid| {
    if guid == [0; 16] {
        return Some("unused entry".to_owned());
    }
    gpt_type_name(&guid_text(&guid)).map(str::to_owned)
});

/// A header as read, with the result of its CRC check.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Checked {
    header: GptHeader,
    crc_ok: bool,
}

impl std::ops::Deref for Checked {
    type Target = GptHeader;
    fn deref(&self) -> &GptHeader {
        &self.header
    }
}

/// The header in `bytes` (one sector), if it has the signature.
fn header(bytes: &[u8], sector: u64) -> Option<Checked> {
    let header = GptHeader::decode(bytes).ok()?;
    if &header.signature != b"EFI PART" {
        return None;
    }
    let crc_ok = (92..=sector).contains(&u64::from(header.size))
        && bytes.get(..header.size as usize).is_some_and(|h| {
            let mut copy = h.to_vec();
            copy.get_mut(16..20)
                .into_iter()
                .flatten()
                .for_each(|b| *b = 0);
            CRC32.checksum(&copy) == header.crc
        });
    Some(Checked { header, crc_ok })
}

/// The MBR type of the entry that protects a GPT (UEFI 2.10 §5.2.3).
pub const PROTECTIVE: &str = "0xee";

/// Reads a GPT, if LBA 1 (at 512 or 4096 bytes per sector) holds one.
/// Whether it is the disk's table depends on the MBR in front of it
/// ([`protected`]).
pub fn read(source: &dyn ReadAt) -> Result<Option<PartitionTable>> {
    for sector in [512u64, 4096] {
        if source.len() < sector * 2 {
            continue;
        }
        let bytes = source.read_vec(sector, sector as usize)?;
        if let Some(primary) = header(&bytes, sector) {
            return read_with(source, sector, primary, &bytes).map(Some);
        }
    }
    Ok(None)
}

fn read_with(
    source: &dyn ReadAt,
    sector: u64,
    primary: Checked,
    primary_bytes: &[u8],
) -> Result<PartitionTable> {
    let mut table = PartitionTable::default();
    let disk_sectors = source.len() / sector;
    table.structures.push(structure(
        "GPT header",
        sector,
        sector,
        &primary,
        primary_bytes,
    ));
    if !primary.crc_ok {
        table.diagnostics.push(Diagnostic::error(
            "gpt.header-crc",
            format!(
                "the primary GPT header's CRC32 {:#010x} does not match its contents (header size {})",
                primary.crc, primary.size
            ),
        ));
    }
    let backup_lba = if primary.alternate_lba > 0 && primary.alternate_lba < disk_sectors {
        primary.alternate_lba
    } else {
        table.diagnostics.push(Diagnostic::warning(
            "gpt.backup-outside",
            format!(
                "the backup header's LBA {} lies outside the image ({disk_sectors} sectors); looked at the last sector",
                primary.alternate_lba
            ),
        ));
        disk_sectors.saturating_sub(1)
    };
    let backup_bytes = source.read_vec(backup_lba * sector, sector as usize)?;
    let backup = header(&backup_bytes, sector);
    let chosen = match &backup {
        None => {
            table.diagnostics.push(Diagnostic::warning(
                "gpt.backup-missing",
                format!("no backup GPT header at LBA {backup_lba}"),
            ));
            primary.clone()
        }
        Some(b) => {
            table.structures.push(structure(
                "GPT backup header",
                backup_lba * sector,
                sector,
                b,
                &backup_bytes,
            ));
            compare(&mut table, &primary, b);
            if !primary.crc_ok && b.crc_ok {
                table.diagnostics.push(Diagnostic::warning(
                    "gpt.using-backup",
                    "partitions read from the backup header",
                ));
                b.clone()
            } else {
                primary.clone()
            }
        }
    };
    table.disk_guid = Some(guid_text(&chosen.disk_guid));
    read_entries(source, sector, &chosen, &mut table, disk_sectors)?;
    // The other copy's entry array, when it is a separate one, is checked too.
    let other = if chosen == primary {
        backup.as_ref().filter(|b| b.crc_ok)
    } else {
        Some(&primary)
    };
    if let Some(other) = other.filter(|o| o.entries_lba != chosen.entries_lba) {
        let which = if chosen == primary {
            "backup"
        } else {
            "primary"
        };
        check_array(source, sector, other, which, &mut table)?;
    }
    Ok(table)
}

fn compare(table: &mut PartitionTable, primary: &Checked, backup: &Checked) {
    if !backup.crc_ok {
        table.diagnostics.push(Diagnostic::error(
            "gpt.backup-crc",
            format!(
                "the backup GPT header's CRC32 {:#010x} does not match its contents",
                backup.crc
            ),
        ));
    }
    let pairs = [
        (
            "its own LBA / the primary's alternate LBA",
            backup.my_lba,
            primary.alternate_lba,
        ),
        (
            "alternate LBA / the primary's own LBA",
            backup.alternate_lba,
            primary.my_lba,
        ),
        (
            "first usable LBA",
            backup.first_usable,
            primary.first_usable,
        ),
        ("last usable LBA", backup.last_usable, primary.last_usable),
        (
            "entry count",
            u64::from(backup.entry_count),
            u64::from(primary.entry_count),
        ),
        (
            "entry size",
            u64::from(backup.entry_size),
            u64::from(primary.entry_size),
        ),
        (
            "entry array CRC32",
            u64::from(backup.entries_crc),
            u64::from(primary.entries_crc),
        ),
    ];
    for (what, b, p) in pairs {
        if b != p {
            table.diagnostics.push(Diagnostic::warning(
                "gpt.backup-differs",
                format!("the backup GPT header differs from the primary in {what}: {b} vs {p}"),
            ));
        }
    }
    if backup.disk_guid != primary.disk_guid {
        table.diagnostics.push(Diagnostic::warning(
            "gpt.backup-differs",
            "the backup GPT header names a different disk GUID",
        ));
    }
}

/// How many entry-array bytes to read, bounded by the cap and the image.
fn array_len(table: &mut PartitionTable, h: &GptHeader, offset: u64, len: u64) -> Option<u64> {
    if h.entry_size < 128 || !h.entry_size.is_power_of_two() {
        table.diagnostics.push(Diagnostic::error(
            "gpt.entry-size",
            format!(
                "GPT entry size {} is not 128 times a power of two",
                h.entry_size
            ),
        ));
        return None;
    }
    let claimed = u64::from(h.entry_count) * u64::from(h.entry_size);
    let available = len.saturating_sub(offset);
    let capped = claimed.min(MAX_ARRAY_BYTES).min(available);
    if claimed > capped {
        table.diagnostics.push(Diagnostic::error(
            "gpt.entries-capped",
            format!(
                "the GPT header claims {} entries of {} bytes ({claimed} bytes); only the first {} entries were read ({} bytes are the most read or present)",
                h.entry_count,
                h.entry_size,
                capped / u64::from(h.entry_size),
                capped
            ),
        ));
    }
    Some(capped - capped % u64::from(h.entry_size))
}

fn read_entries(
    source: &dyn ReadAt,
    sector: u64,
    h: &GptHeader,
    table: &mut PartitionTable,
    disk_sectors: u64,
) -> Result<()> {
    let Some(offset) = h
        .entries_lba
        .checked_mul(sector)
        .filter(|&o| o < source.len())
    else {
        table.diagnostics.push(Diagnostic::error(
            "gpt.entries-outside",
            format!(
                "the GPT entry array at LBA {} lies outside the image",
                h.entries_lba
            ),
        ));
        return Ok(());
    };
    let Some(len) = array_len(table, h, offset, source.len()) else {
        return Ok(());
    };
    let array = source.read_vec(offset, len as usize)?;
    let whole = u64::from(h.entry_count) * u64::from(h.entry_size) == len;
    if whole && CRC32.checksum(&array) != h.entries_crc {
        table.diagnostics.push(Diagnostic::error(
            "gpt.entries-crc",
            format!(
                "the GPT entry array's CRC32 {:#010x} does not match the header's {:#010x}",
                CRC32.checksum(&array),
                h.entries_crc
            ),
        ));
    }
    let mut structure = Structure::new(
        Kind::PartitionTable,
        "GPT entry array",
        Place::Medium(offset),
        len,
    );
    for (slot, bytes) in array.chunks_exact(h.entry_size as usize).enumerate() {
        let Ok(entry) = GptEntry::decode(bytes) else {
            continue;
        };
        if entry.type_guid == [0; 16] {
            continue;
        }
        let index = slot as u32 + 1;
        let (first, last) = (entry.first_lba, entry.last_lba);
        if last < first || first < h.first_usable || last > h.last_usable || last >= disk_sectors {
            table.diagnostics.push(Diagnostic::warning(
                "gpt.entry-range",
                format!(
                    "GPT partition {index} spans LBA {first}..={last}, outside the usable {}..={} or the image",
                    h.first_usable, h.last_usable
                ),
            ));
        }
        structure.fields.extend(GptEntry::LAYOUT.fields_at(
            bytes,
            slot as u64 * u64::from(h.entry_size),
            Some(&format!("entry {index}")),
        ));
        let type_code = guid_text(&entry.type_guid);
        table.partitions.push(Partition {
            index,
            scheme: Scheme::Gpt,
            type_name: gpt_type_name(&type_code),
            type_code,
            name: Some(entry.name),
            start: first,
            length: last.saturating_sub(first).saturating_add(1),
            sector_size: sector,
            bootable: entry.attributes & (1 << 2) != 0,
            guid: Some(guid_text(&entry.unique_guid)),
            logical: false,
            container: false,
        });
    }
    table.structures.push(structure);
    Ok(())
}

fn check_array(
    source: &dyn ReadAt,
    sector: u64,
    b: &GptHeader,
    which: &str,
    table: &mut PartitionTable,
) -> Result<()> {
    let Some(offset) = b
        .entries_lba
        .checked_mul(sector)
        .filter(|&o| o < source.len())
    else {
        return Ok(());
    };
    let mut scratch = PartitionTable::default();
    let Some(len) = array_len(&mut scratch, b, offset, source.len()) else {
        return Ok(());
    };
    if u64::from(b.entry_count) * u64::from(b.entry_size) != len {
        return Ok(());
    }
    let array = source.read_vec(offset, len as usize)?;
    if CRC32.checksum(&array) != b.entries_crc {
        table.diagnostics.push(Diagnostic::error(
            "gpt.entries-crc",
            format!("the {which} GPT entry array's CRC32 does not match its header"),
        ));
    }
    Ok(())
}

/// Checks the MBR in front: protective (one 0xEE entry) or hybrid.
/// The GPT as the disk's table, with the MBR in front of it: none (a
/// finding: Linux and fdisk would not read this GPT), or a protective one
/// whose other entries, if any, make a hybrid MBR. The caller has checked
/// that the MBR, when there is one, has a 0xEE entry.
pub fn protected(mut table: PartitionTable, mbr: Option<&PartitionTable>) -> PartitionTable {
    let Some(mbr) = mbr else {
        table.diagnostics.push(Diagnostic::warning(
            "gpt.no-protective-mbr",
            "the GPT disk has no protective MBR in sector 0 (Linux and fdisk read no table here)",
        ));
        return table;
    };
    table
        .structures
        .extend(mbr.structures.iter().take(1).cloned());
    let others: Vec<Partition> = mbr
        .partitions
        .iter()
        .filter(|p| p.type_code != PROTECTIVE)
        .cloned()
        .collect();
    if others.is_empty() {
        return table;
    }
    table.diagnostics.push(Diagnostic::info(
        "gpt.hybrid-mbr",
        format!(
            "hybrid MBR: {} MBR entries besides the protective one",
            others.len()
        ),
    ));
    for p in &others {
        let matched = table
            .partitions
            .iter()
            .any(|g| g.byte_start() == p.byte_start() && g.byte_len() == p.byte_len());
        if !matched {
            table.diagnostics.push(Diagnostic::warning(
                "gpt.hybrid-mismatch",
                format!(
                    "hybrid MBR entry {} (sectors {}+{}) matches no GPT partition",
                    p.index, p.start, p.length
                ),
            ));
        }
    }
    table.hybrid = others;
    table
}

/// A header as an annotated structure, its CRC check noted.
fn structure(name: &str, offset: u64, sector: u64, h: &Checked, bytes: &[u8]) -> Structure {
    let mut structure = Structure {
        name: name.to_owned(),
        length: sector,
        ..GptHeader::LAYOUT.structure(bytes, Place::Medium(offset))
    };
    if !h.crc_ok {
        structure.note("header CRC32", "bad");
    }
    structure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        assert!(GptHeader::LAYOUT.tiling().is_exact());
        assert!(GptEntry::LAYOUT.tiling().is_exact());
    }

    #[test]
    fn a_truncated_header_names_the_field() {
        let mut bytes = b"EFI PART".to_vec();
        bytes.resize(60, 0);
        assert!(matches!(
            GptHeader::decode(&bytes),
            Err(crate::Error::Truncated {
                structure: "GPT header",
                field: "disk GUID",
                offset: 56,
                ..
            })
        ));
        assert!(header(&bytes, 512).is_none());
    }

    #[test]
    fn entry_types_are_named() {
        let mut raw = [0u8; 128];
        raw[..16].copy_from_slice(&[
            0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E,
            0xC9, 0x3B,
        ]);
        let fields = GptEntry::LAYOUT.fields(&raw);
        assert_eq!(
            fields[0].text(),
            "C12A7328-F81F-11D2-BA4B-00A0C93EC93B (EFI System)"
        );
        assert_eq!(
            GptEntry::LAYOUT.fields(&[0; 128])[0].note.as_deref(),
            Some("unused entry")
        );
    }
}
