//! The master boot record and the extended boot records chained from it.
//!
//! Sources: the IBM PC partition table as documented in the UEFI
//! specification §5.2.1 (legacy MBR: 4 entries of 16 bytes at 446, boot
//! signature 0x55AA at 510), and the extended partition convention (each EBR
//! holds one logical partition relative to itself and a link relative to
//! the start of the extended partition).

use std::collections::HashSet;

use crate::byteorder::{le32, u8_at};
use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::partition::{Partition, Scheme, Table, mbr_type_name};
use crate::structure::{Field, Kind, Place, Structure, Value};
use crate::units::Lba;

/// The most EBRs followed in one chain (RELIABILITY.md).
pub const EBR_LIMIT: usize = 128;
const SECTOR: u64 = 512;

/// One decoded 16-byte entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub status: u8,
    pub chs_start: Chs,
    pub kind: u8,
    pub chs_end: Chs,
    pub lba: u32,
    pub sectors: u32,
}

/// A cylinder/head/sector address as packed in an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chs {
    pub cylinder: u16,
    pub head: u8,
    pub sector: u8,
}

impl Chs {
    fn decode(b: &[u8], at: usize) -> Chs {
        let (h, s, c) = (u8_at(b, at), u8_at(b, at + 1), u8_at(b, at + 2));
        Chs {
            cylinder: (u16::from(s & 0xc0) << 2) | u16::from(c),
            head: h,
            sector: s & 0x3f,
        }
    }

    /// The tools write 1023/254/63 (or 255) when the address does not fit.
    fn saturated(self) -> bool {
        self.cylinder >= 1023
    }
}

impl Entry {
    fn decode(sector: &[u8], slot: usize) -> Entry {
        let at = 446 + slot * 16;
        Entry {
            status: u8_at(sector, at),
            chs_start: Chs::decode(sector, at + 1),
            kind: u8_at(sector, at + 4),
            chs_end: Chs::decode(sector, at + 5),
            lba: le32(sector, at + 8),
            sectors: le32(sector, at + 12),
        }
    }

    fn is_empty(&self) -> bool {
        self.kind == 0
    }

    pub fn is_extended(&self) -> bool {
        matches!(self.kind, 0x05 | 0x0f | 0x85)
    }
}

/// The four entries of sector 0, if it holds a plausible table.
pub fn entries(sector: &[u8]) -> Option<[Entry; 4]> {
    if sector.get(510..512) != Some(&[0x55, 0xAA][..]) {
        return None;
    }
    let entries = [0, 1, 2, 3].map(|slot| Entry::decode(sector, slot));
    let plausible = entries
        .iter()
        .all(|e| matches!(e.status, 0x00 | 0x80) && (e.is_empty() || e.sectors > 0 || e.lba > 0));
    plausible.then_some(entries)
}

/// Reads the MBR (and any extended chain). `None` when sector 0 is not one.
pub fn read(source: &dyn ReadAt) -> Result<Option<Table>> {
    if source.len() < SECTOR {
        return Ok(None);
    }
    let sector = source.read_vec(0, SECTOR as usize)?;
    let Some(slots) = entries(&sector) else {
        return Ok(None);
    };
    let mut table = Table::default();
    table
        .structures
        .push(structure("Master boot record", 0, &sector));
    let disk_sectors = source.len() / SECTOR;
    let geometry = geometry(&slots);
    for (slot, entry) in slots.iter().enumerate() {
        if entry.is_empty() {
            continue;
        }
        let index = slot as u32 + 1;
        check_entry(&mut table, index, entry, 0, disk_sectors, geometry);
        table.partitions.push(partition(index, entry, 0, false));
        if entry.is_extended() {
            read_chain(source, &mut table, u64::from(entry.lba), disk_sectors)?;
        }
    }
    check_overlaps(&mut table);
    Ok(Some(table))
}

fn partition(index: u32, entry: &Entry, base: u64, logical: bool) -> Partition {
    Partition {
        index,
        scheme: Scheme::Mbr,
        type_code: format!("{:#04x}", entry.kind),
        type_name: mbr_type_name(entry.kind),
        name: None,
        start: base + u64::from(entry.lba),
        length: u64::from(entry.sectors),
        sector_size: SECTOR,
        bootable: entry.status == 0x80,
        guid: None,
        logical,
        container: entry.is_extended(),
    }
}

/// Follows the EBR links of the extended partition at `first`.
fn read_chain(source: &dyn ReadAt, table: &mut Table, first: u64, disk_sectors: u64) -> Result<()> {
    let mut seen = HashSet::new();
    let mut at = first;
    let mut index = 5;
    for _ in 0..EBR_LIMIT {
        if !seen.insert(at) {
            table.diagnostics.push(
                Diagnostic::error(
                    "partition.ebr-loop",
                    format!(
                        "the extended partition chain loops back to sector {at}; stopped there"
                    ),
                )
                .at(Location::Sector(Lba(at as i64))),
            );
            return Ok(());
        }
        let Some(offset) = at
            .checked_mul(SECTOR)
            .filter(|o| o.checked_add(SECTOR).is_some_and(|e| e <= source.len()))
        else {
            table.diagnostics.push(Diagnostic::error(
                "partition.ebr-outside",
                format!("an extended boot record at sector {at} lies past the end of the disk"),
            ));
            return Ok(());
        };
        let sector = source.read_vec(offset, SECTOR as usize)?;
        if sector.get(510..512) != Some(&[0x55, 0xAA][..]) {
            table.diagnostics.push(
                Diagnostic::warning(
                    "partition.ebr-signature",
                    format!("the extended boot record at sector {at} has no 0x55AA signature"),
                )
                .at(Location::Sector(Lba(at as i64))),
            );
            return Ok(());
        }
        table
            .structures
            .push(structure("Extended boot record", at, &sector));
        let logical = Entry::decode(&sector, 0);
        let link = Entry::decode(&sector, 1);
        if !logical.is_empty() {
            check_entry(table, index, &logical, at, disk_sectors, None);
            table.partitions.push(partition(index, &logical, at, true));
            index += 1;
        }
        if link.is_empty() || !link.is_extended() {
            return Ok(());
        }
        at = first.saturating_add(u64::from(link.lba));
    }
    table.diagnostics.push(Diagnostic::error(
        "partition.ebr-limit",
        format!(
            "the extended partition chain has more than {EBR_LIMIT} links; the rest is ignored"
        ),
    ));
    Ok(())
}

/// Geometries tools commonly use, tried in turn when checking CHS fields.
const GEOMETRIES: [(u64, u64); 9] = [
    (255, 63),
    (240, 63),
    (16, 63),
    (128, 32),
    (64, 32),
    (32, 32),
    (2, 18),
    (2, 9),
    (2, 36),
];

/// Sector numbers the CHS fields give under (heads, sectors per track),
/// paired with what the LBA fields say; saturated fields are skipped.
fn chs_pairs(entry: &Entry, heads: u64, per_track: u64) -> Vec<(&'static str, Chs, u64, u64)> {
    let last = u64::from(entry.lba) + u64::from(entry.sectors).saturating_sub(1);
    [
        ("start", entry.chs_start, u64::from(entry.lba)),
        ("end", entry.chs_end, last),
    ]
    .into_iter()
    .filter(|(_, chs, _)| !chs.saturated() && chs.sector > 0)
    .map(|(what, chs, lba)| {
        let from_chs = (u64::from(chs.cylinder) * heads + u64::from(chs.head)) * per_track
            + u64::from(chs.sector)
            - 1;
        (what, chs, from_chs, lba)
    })
    .collect()
}

/// The geometry under which every CHS field agrees with its LBA field, or
/// the usual 255/63 when none does (the mismatches are then reported).
fn geometry(entries: &[Entry; 4]) -> Option<(u64, u64)> {
    let used: Vec<&Entry> = entries.iter().filter(|e| !e.is_empty()).collect();
    let inferred = used
        .iter()
        .filter(|e| !e.chs_end.saturated() && e.chs_end.sector > 0)
        .map(|e| (u64::from(e.chs_end.head) + 1, u64::from(e.chs_end.sector)));
    let mut candidates: Vec<(u64, u64)> = GEOMETRIES.to_vec();
    candidates.extend(inferred);
    candidates
        .into_iter()
        .find(|&(h, s)| {
            used.iter().all(|e| {
                chs_pairs(e, h, s)
                    .iter()
                    .all(|(_, _, from, lba)| from == lba)
            })
        })
        .or(Some((255, 63)))
}

fn check_entry(
    table: &mut Table,
    index: u32,
    entry: &Entry,
    base: u64,
    disk_sectors: u64,
    geometry: Option<(u64, u64)>,
) {
    let start = base + u64::from(entry.lba);
    let end = start + u64::from(entry.sectors);
    if entry.sectors == 0 {
        table.diagnostics.push(Diagnostic::warning(
            "partition.empty",
            format!(
                "partition {index} has type {:#04x} but no sectors",
                entry.kind
            ),
        ));
    }
    if end > disk_sectors && !entry.is_extended() {
        table.diagnostics.push(Diagnostic::warning(
            "partition.past-end",
            format!(
                "partition {index} ends at sector {end}, past the end of the image ({disk_sectors} sectors)"
            ),
        ));
    }
    let Some((heads, per_track)) = geometry else {
        return;
    };
    for (what, chs, from_chs, lba) in chs_pairs(entry, heads, per_track) {
        if from_chs != lba {
            table.diagnostics.push(Diagnostic::warning(
                "partition.chs-mismatch",
                format!(
                    "partition {index}: CHS {what} {}/{}/{} means sector {from_chs} with {heads} heads and {per_track} sectors per track, but the LBA field says {lba}",
                    chs.cylinder, chs.head, chs.sector
                ),
            ));
        }
    }
}

fn check_overlaps(table: &mut Table) {
    let parts: Vec<&Partition> = table.partitions.iter().filter(|p| !p.container).collect();
    let mut found = Vec::new();
    for (i, a) in parts.iter().enumerate() {
        for b in parts.iter().skip(i + 1) {
            if a.start < b.start + b.length && b.start < a.start + a.length {
                found.push(Diagnostic::warning(
                    "partition.overlap",
                    format!("partitions {} and {} overlap", a.index, b.index),
                ));
            }
        }
    }
    table.diagnostics.extend(found);
}

const ENTRY_FIELDS: [[&str; 6]; 4] = [
    [
        "entry 1 status",
        "entry 1 CHS start",
        "entry 1 type",
        "entry 1 CHS end",
        "entry 1 first LBA",
        "entry 1 sectors",
    ],
    [
        "entry 2 status",
        "entry 2 CHS start",
        "entry 2 type",
        "entry 2 CHS end",
        "entry 2 first LBA",
        "entry 2 sectors",
    ],
    [
        "entry 3 status",
        "entry 3 CHS start",
        "entry 3 type",
        "entry 3 CHS end",
        "entry 3 first LBA",
        "entry 3 sectors",
    ],
    [
        "entry 4 status",
        "entry 4 CHS start",
        "entry 4 type",
        "entry 4 CHS end",
        "entry 4 first LBA",
        "entry 4 sectors",
    ],
];

/// The sector as an annotated structure.
fn structure(name: &str, lba: u64, sector: &[u8]) -> Structure {
    let mut fields = vec![Field::new(
        0,
        446,
        "boot code",
        Value::Text(String::new()),
        "code run by the BIOS (not interpreted)",
        "",
    )];
    for (slot, names) in ENTRY_FIELDS.iter().enumerate() {
        let e = Entry::decode(sector, slot);
        let at = 446 + 16 * slot as u64;
        let chs = |c: Chs| format!("{}/{}/{}", c.cylinder, c.head, c.sector);
        let values = [
            (
                0,
                1,
                format!("{:#04x}", e.status),
                "0x80 = bootable, 0x00 = not",
            ),
            (
                1,
                3,
                chs(e.chs_start),
                "cylinder/head/sector of the first sector",
            ),
            (4, 1, format!("{:#04x}", e.kind), "partition type"),
            (
                5,
                3,
                chs(e.chs_end),
                "cylinder/head/sector of the last sector",
            ),
            (
                8,
                4,
                e.lba.to_string(),
                "first sector (relative to this record for logical partitions)",
            ),
            (12, 4, e.sectors.to_string(), "length in sectors"),
        ];
        for ((offset, length, value, meaning), name) in values.into_iter().zip(names) {
            fields.push(Field::new(
                at + offset,
                length,
                *name,
                Value::Text(value),
                meaning,
                "",
            ));
        }
    }
    fields.push(Field::new(
        510,
        2,
        "signature",
        Value::Text(format!(
            "{:02x}{:02x}",
            u8_at(sector, 510),
            u8_at(sector, 511)
        )),
        "55aa marks a valid boot sector",
        "",
    ));
    Structure {
        fields,
        ..Structure::new(
            Kind::PartitionTable,
            name,
            Place::Medium(lba * SECTOR),
            SECTOR,
        )
    }
}
