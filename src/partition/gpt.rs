//! The GUID partition table: header, entry array, backup copy, and the
//! protective or hybrid MBR in front of it.
//!
//! Sources: UEFI specification 2.10 §5.3 (GPT header at LBA 1: signature
//! "EFI PART", header size and CRC32 over it with the CRC field zeroed,
//! entry array location, count, size and CRC32; entries of 128 bytes or a
//! larger power-of-two multiple; the backup header at the last LBA) and
//! §5.2.3 (protective MBR: one 0xEE entry from LBA 1).

use crc::{CRC_32_ISO_HDLC, Crc};

use crate::byteorder::{array, le32, le64};
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::{Field, Structure};
use crate::io::ReadAt;
use crate::partition::{Partition, Scheme, Table, gpt_type_name, guid_text};
use crate::units::Lba;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
/// The most entry-array bytes read (8192 entries of 128 bytes); the spec's
/// minimum is 16 KiB and real tables use exactly that.
pub const MAX_ARRAY_BYTES: u64 = 1 << 20;

/// A decoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Header {
    size: u32,
    crc: u32,
    crc_ok: bool,
    my_lba: u64,
    alternate_lba: u64,
    first_usable: u64,
    last_usable: u64,
    disk_guid: [u8; 16],
    entries_lba: u64,
    entry_count: u32,
    entry_size: u32,
    entries_crc: u32,
}

fn header(bytes: &[u8], sector: u64) -> Option<Header> {
    if bytes.get(..8) != Some(b"EFI PART") {
        return None;
    }
    let size = le32(bytes, 12);
    let crc = le32(bytes, 16);
    let crc_ok = (92..=sector).contains(&u64::from(size))
        && bytes.get(..size as usize).is_some_and(|h| {
            let mut copy = h.to_vec();
            copy.get_mut(16..20)
                .into_iter()
                .flatten()
                .for_each(|b| *b = 0);
            CRC32.checksum(&copy) == crc
        });
    Some(Header {
        size,
        crc,
        crc_ok,
        my_lba: le64(bytes, 24),
        alternate_lba: le64(bytes, 32),
        first_usable: le64(bytes, 40),
        last_usable: le64(bytes, 48),
        disk_guid: array(bytes, 56).unwrap_or_default(),
        entries_lba: le64(bytes, 72),
        entry_count: le32(bytes, 80),
        entry_size: le32(bytes, 84),
        entries_crc: le32(bytes, 88),
    })
}

/// Reads a GPT, if LBA 1 (at 512 or 4096 bytes per sector) holds one.
pub fn read(source: &dyn ReadAt, mbr: Option<&Table>) -> Result<Option<Table>> {
    for sector in [512u64, 4096] {
        if source.len() < sector * 2 {
            continue;
        }
        let bytes = source.read_vec(sector, sector as usize)?;
        if let Some(primary) = header(&bytes, sector) {
            return read_with(source, sector, primary, &bytes, mbr).map(Some);
        }
    }
    Ok(None)
}

fn read_with(
    source: &dyn ReadAt,
    sector: u64,
    primary: Header,
    primary_bytes: &[u8],
    mbr: Option<&Table>,
) -> Result<Table> {
    let mut table = Table::default();
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
    protective(&mut table, mbr);
    Ok(table)
}

fn compare(table: &mut Table, primary: &Header, backup: &Header) {
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
fn array_len(table: &mut Table, h: &Header, offset: u64, len: u64) -> Option<u64> {
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
    h: &Header,
    table: &mut Table,
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
    for (slot, entry) in array.chunks_exact(h.entry_size as usize).enumerate() {
        let kind: [u8; 16] = array_at(entry, 0);
        if kind == [0; 16] {
            continue;
        }
        let index = slot as u32 + 1;
        let (first, last) = (le64(entry, 32), le64(entry, 40));
        let type_code = guid_text(&kind);
        if last < first || first < h.first_usable || last > h.last_usable || last >= disk_sectors {
            table.diagnostics.push(Diagnostic::warning(
                "gpt.entry-range",
                format!(
                    "GPT partition {index} spans LBA {first}..={last}, outside the usable {}..={} or the image",
                    h.first_usable, h.last_usable
                ),
            ));
        }
        let attributes = le64(entry, 48);
        let name = utf16_name(entry.get(56..128).unwrap_or_default());
        table.partitions.push(Partition {
            index,
            scheme: Scheme::Gpt,
            type_name: gpt_type_name(&type_code),
            type_code,
            name: Some(name),
            start: first,
            length: last.saturating_sub(first).saturating_add(1),
            sector_size: sector,
            bootable: attributes & (1 << 2) != 0,
            guid: Some(guid_text(&array_at(entry, 16))),
            logical: false,
            container: false,
        });
    }
    table.structures.push(Structure {
        kind: "partition_table",
        name: "GPT entry array".into(),
        lba: Lba((offset / 512) as i64),
        bytes: len,
        fields: Vec::new(),
    });
    Ok(())
}

fn check_array(
    source: &dyn ReadAt,
    sector: u64,
    b: &Header,
    which: &str,
    table: &mut Table,
) -> Result<()> {
    let Some(offset) = b
        .entries_lba
        .checked_mul(sector)
        .filter(|&o| o < source.len())
    else {
        return Ok(());
    };
    let mut scratch = Table::default();
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

fn array_at(bytes: &[u8], at: usize) -> [u8; 16] {
    array(bytes, at).unwrap_or_default()
}

/// A UTF-16LE name up to its first NUL.
fn utf16_name(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// Checks the MBR in front: protective (one 0xEE entry) or hybrid.
fn protective(table: &mut Table, mbr: Option<&Table>) {
    let Some(mbr) = mbr else {
        table.diagnostics.push(Diagnostic::warning(
            "gpt.no-protective-mbr",
            "the GPT disk has no protective MBR in sector 0",
        ));
        return;
    };
    table
        .structures
        .extend(mbr.structures.iter().take(1).cloned());
    if !mbr.partitions.iter().any(|p| p.type_code == "0xee") {
        table.diagnostics.push(Diagnostic::warning(
            "gpt.no-protective-mbr",
            "the MBR in front of the GPT has no 0xEE protective entry",
        ));
    }
    let others: Vec<Partition> = mbr
        .partitions
        .iter()
        .filter(|p| p.type_code != "0xee")
        .cloned()
        .collect();
    if others.is_empty() {
        return;
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
}

fn structure(name: &str, offset: u64, sector: u64, h: &Header, bytes: &[u8]) -> Structure {
    let f = |offset, length, name, value: String, meaning| Field {
        offset,
        length,
        name,
        value,
        meaning,
    };
    let fields = vec![
        f(0, 8, "signature", "EFI PART".into(), "marks a GPT header"),
        f(
            8,
            4,
            "revision",
            format!("{:#010x}", le32(bytes, 8)),
            "0x00010000 = 1.0",
        ),
        f(
            12,
            4,
            "header size",
            h.size.to_string(),
            "bytes covered by the header CRC (92)",
        ),
        f(
            16,
            4,
            "header CRC32",
            format!("{:#010x}{}", h.crc, if h.crc_ok { "" } else { " (bad)" }),
            "CRC32 of the header with this field zeroed",
        ),
        f(
            24,
            8,
            "my LBA",
            h.my_lba.to_string(),
            "where this header is",
        ),
        f(
            32,
            8,
            "alternate LBA",
            h.alternate_lba.to_string(),
            "where the other header is",
        ),
        f(
            40,
            8,
            "first usable LBA",
            h.first_usable.to_string(),
            "first sector partitions may use",
        ),
        f(
            48,
            8,
            "last usable LBA",
            h.last_usable.to_string(),
            "last sector partitions may use",
        ),
        f(
            56,
            16,
            "disk GUID",
            guid_text(&h.disk_guid),
            "identifies the disk",
        ),
        f(
            72,
            8,
            "entry array LBA",
            h.entries_lba.to_string(),
            "first sector of the entry array",
        ),
        f(
            80,
            4,
            "entry count",
            h.entry_count.to_string(),
            "entries in the array",
        ),
        f(
            84,
            4,
            "entry size",
            h.entry_size.to_string(),
            "bytes per entry (128 × 2^n)",
        ),
        f(
            88,
            4,
            "entry array CRC32",
            format!("{:#010x}", h.entries_crc),
            "CRC32 of the whole entry array",
        ),
    ];
    Structure {
        kind: "partition_table",
        name: name.to_owned(),
        lba: Lba((offset / 512) as i64),
        bytes: sector,
        fields,
    }
}
