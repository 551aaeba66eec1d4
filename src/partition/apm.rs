//! The Apple Partition Map.
//!
//! Sources: Inside Macintosh: Devices, "SCSI Manager" (the driver
//! descriptor map in block 0 with signature "ER", the block size and the
//! first driver's descriptor; partition map entries from block 1, each with
//! signature "PM", the map's entry count, physical start and length in
//! blocks, 32-byte name and type, the data area, status flags, the boot
//! code's place and addresses, the processor type). Apple's pdisk
//! (`dpme.h`) names the boot arguments that later systems keep in the
//! first 128 bytes of the entry's padding.

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;
use crate::partition::{Partition, PartitionTable, Scheme, apm_type_name};
use crate::structure::named::noted;
use crate::structure::{
    Be16, Be32, Be32Hex, Bytes, Latin1, Place, Raw, Reserved, Structure, declare,
};

declare! {
    /// Block 0: the device's block size and its drivers.
    pub struct DriverMap = "APM driver descriptor map", PartitionTable, "Inside Macintosh: Devices, SCSI Manager (Block0)", 512 {
        0, 2 => signature: Raw<2>, "signature", "ER marks a driver descriptor map";
        2, 2 => block_size: Be16, "block size", "bytes per device block";
        4, 4 => block_count: Be32, "block count", "blocks on the device";
        8, 2 => device_type: Be16, "device type", "reserved";
        10, 2 => device_id: Be16, "device ID", "reserved";
        12, 4 => data: Be32Hex, "data", "reserved";
        16, 2 => driver_count: Be16, "driver count", "drivers described from byte 18";
        18, 4 => driver_block: Be32, "driver 1 block", "first block of the first driver";
        22, 2 => driver_size: Be16, "driver 1 size", "blocks of the first driver";
        24, 2 => driver_system: Be16, "driver 1 system", "operating system the driver is for (1 = Mac OS)";
        26, 486 => more_drivers: Bytes, "more drivers", "further 8-byte driver descriptors, then padding";
    }
}

declare! {
    /// One partition map entry (one per block from block 1).
    pub struct ApmEntry = "APM partition map entry", PartitionTable, "Inside Macintosh: Devices, SCSI Manager (Partition)", 512 {
        0, 2 => signature: Raw<2>, "signature", "PM marks a partition map entry";
        2, 2 => signature_pad: Reserved, "reserved", "zero";
        4, 4 => map_entries: Be32, "map entries", "entries in the whole map";
        8, 4 => start: Be32, "start block", "first physical block of the partition";
        12, 4 => blocks: Be32, "block count", "length in blocks";
        16, 32 => name: Latin1, "name", "partition name";
        48, 32 => kind: PartitionType, "type", "partition type";
        80, 4 => data_start: Be32, "data start", "first data block within the partition";
        84, 4 => data_blocks: Be32, "data blocks", "blocks of data in the partition";
        88, 4 => status: Status, "status", "valid, allocated, in use, boot information, readable, writable, position-independent boot code";
        92, 4 => boot_start: Be32, "boot start", "first block of the boot code within the partition";
        96, 4 => boot_size: Be32, "boot size", "bytes of boot code";
        100, 4 => boot_load: Be32Hex, "boot load address", "memory address the boot code is loaded at";
        104, 4 => boot_load_2: Be32Hex, "boot load address 2", "reserved";
        108, 4 => boot_entry: Be32Hex, "boot entry", "memory address of the boot code's entry point";
        112, 4 => boot_entry_2: Be32Hex, "boot entry 2", "reserved";
        116, 4 => boot_checksum: Be32Hex, "boot checksum", "checksum of the boot code";
        120, 16 => processor: Latin1, "processor", "processor the boot code is for (68000, 68020, 68030, 68040)";
        136, 128 => boot_arguments: Bytes, "boot arguments", "32 words for the boot code", "Apple pdisk dpme.h (dpme_boot_args)";
        264, 248 => reserved: Reserved, "reserved", "zero";
    }
}

noted!(
/// The partition type, with a human name.
PartitionType: Latin1, |kind| apm_type_name(&kind).map(str::to_owned));

/// The status flags' bits, as Inside Macintosh names them.
const STATUS_BITS: [(u32, &str); 7] = [
    (0x01, "valid"),
    (0x02, "allocated"),
    (0x04, "in use"),
    (0x08, "boot information"),
    (0x10, "readable"),
    (0x20, "writable"),
    (0x40, "position-independent boot code"),
];
/// The bit that says the entry holds valid boot information.
const BOOTABLE: u32 = 0x08;

noted!(
/// The status flags, with the names of the bits set.
Status: Be32Hex, |status| {
    let names: Vec<&str> = STATUS_BITS
        .iter()
        .filter(|(bit, _)| status & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
});

/// The most map entries read.
pub const MAX_ENTRIES: u64 = 256;

/// Reads an APM when block 0 says "ER" and block 1 says "PM".
pub fn read(source: &dyn ReadAt) -> Result<Option<PartitionTable>> {
    if source.len() < 1024 {
        return Ok(None);
    }
    let ddm = source.read_vec(0, 512)?;
    let map = DriverMap::decode(&ddm)?;
    if &map.signature != b"ER" {
        return Ok(None);
    }
    let declared = u64::from(map.block_size);
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
    let mut table = PartitionTable::default();
    table
        .structures
        .push(DriverMap::LAYOUT.structure(&ddm, Place::Medium(0)));
    let count = u64::from(ApmEntry::decode(&source.read_vec(spacing, 512)?)?.map_entries);
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
        let bytes = source.read_vec(offset, 512)?;
        let entry = ApmEntry::decode(&bytes)?;
        if &entry.signature != b"PM" {
            table.diagnostics.push(Diagnostic::error(
                "apm.signature",
                format!("partition map entry {n} lacks the PM signature; the map ends there"),
            ));
            break;
        }
        let (start, length) = (u64::from(entry.start), u64::from(entry.blocks));
        if start.saturating_add(length) > disk_blocks {
            table.diagnostics.push(Diagnostic::warning(
                "partition.past-end",
                format!(
                    "APM partition {n} ({}) runs past the end of the image",
                    entry.kind
                ),
            ));
        }
        table.structures.push(Structure {
            name: format!("APM entry {n}"),
            ..ApmEntry::LAYOUT.structure(&bytes, Place::Medium(offset))
        });
        table.partitions.push(Partition {
            index: n as u32,
            scheme: Scheme::Apm,
            type_name: apm_type_name(&entry.kind),
            type_code: entry.kind,
            name: Some(entry.name),
            start,
            length,
            sector_size: block,
            bootable: entry.status & BOOTABLE != 0,
            guid: None,
            logical: false,
            container: false,
        });
    }
    Ok(Some(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        assert!(DriverMap::LAYOUT.tiling().is_exact());
        assert!(ApmEntry::LAYOUT.tiling().is_exact());
    }

    #[test]
    fn an_entry_decodes_and_reads() {
        let mut raw = [0u8; 512];
        raw[..2].copy_from_slice(b"PM");
        raw[4..8].copy_from_slice(&3u32.to_be_bytes());
        raw[8..12].copy_from_slice(&32u32.to_be_bytes());
        raw[12..16].copy_from_slice(&10u32.to_be_bytes());
        raw[16..30].copy_from_slice(b"HFSPLUS_Hybrid");
        raw[48..57].copy_from_slice(b"Apple_HFS");
        raw[88..92].copy_from_slice(&0x4000_0033u32.to_be_bytes());
        let entry = ApmEntry::decode(&raw).unwrap();
        assert_eq!((entry.map_entries, entry.start, entry.blocks), (3, 32, 10));
        assert_eq!(
            (entry.name.as_str(), entry.kind.as_str()),
            ("HFSPLUS_Hybrid", "Apple_HFS")
        );
        let fields = ApmEntry::LAYOUT.fields(&raw);
        let text = |name: &str| fields.iter().find(|f| f.name == name).unwrap().text();
        assert_eq!(text("type"), "Apple_HFS (HFS/HFS+)");
        assert_eq!(
            text("status"),
            "0x40000033 (valid, allocated, readable, writable)"
        );
    }

    #[test]
    fn a_truncated_entry_names_the_field() {
        let mut raw = vec![0u8; 60];
        raw[..2].copy_from_slice(b"PM");
        assert!(matches!(
            ApmEntry::decode(&raw),
            Err(crate::Error::Truncated {
                field: "type",
                offset: 48,
                ..
            })
        ));
        assert!(matches!(
            DriverMap::decode(b"ER\x02"),
            Err(crate::Error::Truncated {
                field: "block size",
                offset: 2,
                ..
            })
        ));
    }
}
