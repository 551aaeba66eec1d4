//! The Apple Partition Map.
//!
//! Sources: Inside Macintosh: Devices, "SCSI Manager" (Driver Descriptor Map
//! in block 0 with signature "ER" and the block size; partition map entries
//! from block 1, each with signature "PM", the map's entry count, physical
//! start and length in blocks, 32-byte name and type, status flags).

use crate::byteorder::{be16, be32, latin1_trimmed};
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;
use crate::partition::{Partition, Scheme, Table};
use crate::structure::{Field, Kind, Place, Structure, Value};

/// The most map entries read.
pub const MAX_ENTRIES: u64 = 256;

/// Reads an APM when block 0 says "ER" and block 1 says "PM".
pub fn read(source: &dyn ReadAt) -> Result<Option<Table>> {
    if source.len() < 1024 {
        return Ok(None);
    }
    let ddm = source.read_vec(0, 512)?;
    if ddm.get(..2) != Some(b"ER") {
        return Ok(None);
    }
    let declared = u64::from(be16(&ddm, 2));
    // Entries sit one block apart; some writers use 512-byte spacing with a
    // larger declared block size, so try both.
    let mut spacing = None;
    for candidate in [declared, 512] {
        if ![512, 1024, 2048, 4096].contains(&candidate) {
            continue;
        }
        if candidate + 512 <= source.len() && source.read_vec(candidate, 2)? == b"PM" {
            spacing = Some(candidate);
            break;
        }
    }
    let Some(spacing) = spacing else {
        return Ok(None);
    };
    let block = if [512, 1024, 2048, 4096].contains(&declared) {
        declared
    } else {
        512
    };
    let mut table = Table::default();
    let first = source.read_vec(spacing, 512)?;
    let count = u64::from(be32(&first, 4));
    if count > MAX_ENTRIES {
        table.diagnostics.push(Diagnostic::error(
            "apm.entries-capped",
            format!("the partition map claims {count} entries; read the first {MAX_ENTRIES}"),
        ));
    }
    let disk_blocks = source.len() / block;
    for n in 1..=count.min(MAX_ENTRIES) {
        let offset = n * spacing;
        if offset + 512 > source.len() {
            table.diagnostics.push(Diagnostic::error(
                "apm.entry-outside",
                format!("partition map entry {n} lies past the end of the image"),
            ));
            break;
        }
        let entry = source.read_vec(offset, 512)?;
        if entry.get(..2) != Some(b"PM") {
            table.diagnostics.push(Diagnostic::error(
                "apm.signature",
                format!("partition map entry {n} lacks the PM signature; the map ends there"),
            ));
            break;
        }
        let (start, length) = (u64::from(be32(&entry, 8)), u64::from(be32(&entry, 12)));
        let name = latin1_trimmed(entry.get(16..48).unwrap_or_default());
        let kind = latin1_trimmed(entry.get(48..80).unwrap_or_default());
        let status = be32(&entry, 88);
        if start.saturating_add(length) > disk_blocks {
            table.diagnostics.push(Diagnostic::warning(
                "partition.past-end",
                format!("APM partition {n} ({kind}) runs past the end of the image"),
            ));
        }
        table
            .structures
            .push(structure(n, offset, &entry, &name, &kind));
        table.partitions.push(Partition {
            index: n as u32,
            scheme: Scheme::Apm,
            type_name: type_name(&kind),
            type_code: kind,
            name: Some(name),
            start,
            length,
            sector_size: block,
            bootable: status & 0x08 != 0,
            guid: None,
            logical: false,
            container: false,
        });
    }
    Ok(Some(table))
}

fn type_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Apple_partition_map" => "partition map",
        "Apple_HFS" => "HFS/HFS+",
        "Apple_HFSX" => "HFSX",
        "Apple_Free" => "free space",
        "Apple_Driver" | "Apple_Driver43" | "Apple_Driver_ATAPI" => "driver",
        "Apple_Patches" => "patches",
        "Apple_UNIX_SVR2" => "A/UX or UFS",
        "Apple_Boot" => "boot",
        "DOS_FAT_12" | "DOS_FAT_16" | "DOS_FAT_32" => "FAT",
        _ => return None,
    })
}

fn structure(n: u64, offset: u64, e: &[u8], name: &str, kind: &str) -> Structure {
    let f = |offset, length, name, value: String, meaning| {
        Field::new(offset, length, name, Value::Text(value), meaning, "")
    };
    Structure {
        fields: vec![
            f(
                0,
                2,
                "signature",
                "PM".into(),
                "marks a partition map entry",
            ),
            f(
                4,
                4,
                "map entries",
                be32(e, 4).to_string(),
                "entries in the whole map",
            ),
            f(
                8,
                4,
                "start block",
                be32(e, 8).to_string(),
                "first block of the partition",
            ),
            f(
                12,
                4,
                "block count",
                be32(e, 12).to_string(),
                "length in blocks",
            ),
            f(16, 32, "name", name.to_owned(), "partition name"),
            f(48, 32, "type", kind.to_owned(), "partition type"),
            f(
                80,
                4,
                "data start",
                be32(e, 80).to_string(),
                "first data block within the partition",
            ),
            f(84, 4, "data blocks", be32(e, 84).to_string(), "data blocks"),
            f(
                88,
                4,
                "status",
                format!("{:#010x}", be32(e, 88)),
                "valid, allocated, in use, bootable, ... flags",
            ),
        ],
        ..Structure::new(
            Kind::PartitionTable,
            format!("APM entry {n}"),
            Place::Medium(offset),
            512,
        )
    }
}
