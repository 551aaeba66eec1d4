//! The master boot record and the extended boot records chained from it.
//!
//! Sources: the UEFI specification 2.10 §5.2.1 (legacy MBR: boot code at 0,
//! the unique MBR disk signature at 440, two unused bytes, four 16-byte
//! partition records at 446, signature 0x55AA at 510; table 5-2 gives the
//! record's fields), and the extended partition convention (each EBR holds
//! one logical partition relative to itself and a link relative to the
//! start of the extended partition).

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::partition::{Partition, PartitionTable, Scheme, mbr_type_name};
use crate::structure::Hex8;
use crate::structure::named::noted;
use crate::structure::{
    Bytes, Codec, Field, Kind, Le32, Le32Hex, Place, Raw, Reserved, Structure, Value, declare,
};
use crate::units::Lba;

/// The most EBRs followed in one chain (RELIABILITY.md).
pub const EBR_LIMIT: usize = 128;
const SECTOR: u64 = 512;
/// Where the four partition records start.
const RECORDS: usize = 446;
/// Where the boot signature is.
const SIGNATURE: usize = 510;
const SOURCE: &str = "UEFI 2.10 §5.2.1";

declare! {
    /// What comes before the partition records in the MBR.
    pub struct BootArea = "MBR boot area", PartitionTable, "UEFI 2.10 §5.2.1", 446 {
        0, 440 => code: Bytes, "boot code", "code run by the BIOS (not interpreted)";
        440, 4 => disk_signature: Le32Hex, "disk signature", "identifies the disk (sfdisk's label-id)";
        444, 2 => unused: Reserved, "reserved", "zero";
    }
}

declare! {
    /// One of the four partition records of an MBR or EBR.
    pub struct MbrRecord = "MBR partition record", PartitionTable, "UEFI 2.10 §5.2.1 table 5-2", 16 {
        0, 1 => status: BootIndicator, "status", "0x80 = bootable, 0x00 = not";
        1, 3 => chs_start: PackedChs, "CHS start", "cylinder/head/sector of the first sector";
        4, 1 => kind: OsType, "type", "partition type";
        5, 3 => chs_end: PackedChs, "CHS end", "cylinder/head/sector of the last sector";
        8, 4 => lba: Le32, "first LBA", "first sector (relative to this record for logical partitions)";
        12, 4 => sectors: Le32, "sectors", "length in sectors";
    }
}

declare! {
    /// The last two bytes of a PC boot sector (an MBR, an EBR, a FAT boot
    /// sector).
    pub struct BootSignature = "boot signature", PartitionTable, "UEFI 2.10 §5.2.1", 2 {
        0, 2 => bytes: Raw<2>, "signature", "55 aa marks a valid boot sector";
    }
}

/// The bytes [`BootSignature`] holds in a valid sector.
const VALID: [u8; 2] = [0x55, 0xAA];

noted!(
/// The boot indicator: 0x80 active, 0x00 not, anything else invalid.
BootIndicator: Hex8, |value| match value {
    0x80 => Some("bootable".to_owned()),
    0x00 => None,
    _ => Some("invalid: neither 0x00 nor 0x80".to_owned()),
});

noted!(
/// The partition type byte, with the name fdisk gives it.
OsType: Hex8, |kind| match kind {
    0 => Some("unused".to_owned()),
    kind => mbr_type_name(kind).map(str::to_owned),
});

/// A cylinder/head/sector address as packed in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chs {
    pub cylinder: u16,
    pub head: u8,
    pub sector: u8,
}

impl Chs {
    /// The tools write 1023/254/63 (or 255) when the address does not fit.
    fn saturated(self) -> bool {
        self.cylinder >= 1023
    }
}

/// Head, then sector in the low 6 bits with the cylinder's top 2 bits
/// above, then the cylinder's low 8 bits.
#[derive(Clone, Copy, Debug)]
pub struct PackedChs;

impl Codec for PackedChs {
    type Out = Chs;
    const WIDTH: Option<usize> = Some(3);
    fn decode(raw: &[u8]) -> Chs {
        let [head, sector, cylinder] = <[u8; 3]>::try_from(raw).unwrap_or([0; 3]);
        Chs {
            cylinder: (u16::from(sector & 0xc0) << 2) | u16::from(cylinder),
            head,
            sector: sector & 0x3f,
        }
    }
    fn value(raw: &[u8]) -> Value {
        let chs = Self::decode(raw);
        Value::Text(format!("{}/{}/{}", chs.cylinder, chs.head, chs.sector))
    }
    fn note(raw: &[u8]) -> Option<String> {
        Self::decode(raw)
            .saturated()
            .then(|| "saturated: the address does not fit CHS".to_owned())
    }
}

impl MbrRecord {
    fn is_empty(&self) -> bool {
        self.kind == 0
    }

    pub fn is_extended(&self) -> bool {
        matches!(self.kind, 0x05 | 0x0f | 0x85)
    }
}

/// Partition record `slot` (0 to 3) of a boot record sector.
fn record(sector: &[u8], slot: usize) -> Result<MbrRecord> {
    MbrRecord::decode(
        sector
            .get(RECORDS + slot * MbrRecord::LAYOUT.size..)
            .unwrap_or_default(),
    )
}

/// Whether a 512-byte boot sector ends with 0x55AA.
pub fn signed(sector: &[u8]) -> bool {
    BootSignature::decode(sector.get(SIGNATURE..).unwrap_or_default())
        .is_ok_and(|s| s.bytes == VALID)
}

/// The four entries of sector 0, if it holds a plausible table.
pub fn entries(sector: &[u8]) -> Option<[MbrRecord; 4]> {
    if !signed(sector) {
        return None;
    }
    let entries = [
        record(sector, 0).ok()?,
        record(sector, 1).ok()?,
        record(sector, 2).ok()?,
        record(sector, 3).ok()?,
    ];
    let plausible = entries
        .iter()
        .all(|e| matches!(e.status, 0x00 | 0x80) && (e.is_empty() || e.sectors > 0 || e.lba > 0));
    plausible.then_some(entries)
}

/// The 512-byte sectors a disk whose MBR is `sector` spans at least: the
/// end of its furthest primary partition. An El Torito hard-disk image is
/// as large as this (its catalog entry counts only the sector loaded).
pub fn spanned_sectors(sector: &[u8]) -> Option<u64> {
    entries(sector)?
        .iter()
        .filter(|e| !e.is_empty())
        .map(|e| u64::from(e.lba) + u64::from(e.sectors))
        .max()
}

/// Reads the MBR (and any extended chain). `None` when sector 0 is not one.
pub fn read(source: &dyn ReadAt) -> Result<Option<PartitionTable>> {
    if source.len() < SECTOR {
        return Ok(None);
    }
    let sector = source.read_vec(0, SECTOR as usize)?;
    let Some(slots) = entries(&sector) else {
        return Ok(None);
    };
    let mut table = PartitionTable::default();
    table.structures.push(mbr_structure(&sector));
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

fn partition(index: u32, entry: &MbrRecord, base: u64, logical: bool) -> Partition {
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
fn read_chain(
    source: &dyn ReadAt,
    table: &mut PartitionTable,
    first: u64,
    disk_sectors: u64,
) -> Result<()> {
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
        if !signed(&sector) {
            table.diagnostics.push(
                Diagnostic::warning(
                    "partition.ebr-signature",
                    format!("the extended boot record at sector {at} has no 0x55AA signature"),
                )
                .at(Location::Sector(Lba(at as i64))),
            );
            return Ok(());
        }
        table.structures.push(ebr_structure(at, &sector));
        let (logical, link) = (record(&sector, 0)?, record(&sector, 1)?);
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
fn chs_pairs(entry: &MbrRecord, heads: u64, per_track: u64) -> Vec<(&'static str, Chs, u64, u64)> {
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
fn geometry(entries: &[MbrRecord; 4]) -> Option<(u64, u64)> {
    let used: Vec<&MbrRecord> = entries.iter().filter(|e| !e.is_empty()).collect();
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
    table: &mut PartitionTable,
    index: u32,
    entry: &MbrRecord,
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

fn check_overlaps(table: &mut PartitionTable) {
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

/// Record `slot`'s fields, named `entry N …`, placed in the sector.
fn record_fields(sector: &[u8], slot: usize) -> Vec<Field> {
    let at = RECORDS + slot * MbrRecord::LAYOUT.size;
    MbrRecord::LAYOUT.fields_at(
        sector.get(at..).unwrap_or_default(),
        at as u64,
        Some(&format!("entry {}", slot + 1)),
    )
}

fn signature_fields(sector: &[u8]) -> Vec<Field> {
    BootSignature::LAYOUT.fields_at(
        sector.get(SIGNATURE..).unwrap_or_default(),
        SIGNATURE as u64,
        None,
    )
}

/// Sector 0 as an annotated structure: boot area, four records, signature.
fn mbr_structure(sector: &[u8]) -> Structure {
    let mut structure = Structure::new(
        Kind::PartitionTable,
        "Master boot record",
        Place::Medium(0),
        SECTOR,
    )
    .with(&BootArea::LAYOUT, sector, 0, None);
    for slot in 0..4 {
        structure.fields.extend(record_fields(sector, slot));
    }
    structure.fields.extend(signature_fields(sector));
    structure
}

/// Bytes an EBR leaves unused, as a field.
fn unused(sector: &[u8], range: std::ops::Range<usize>, meaning: &'static str) -> Field {
    let raw = sector.get(range.clone()).unwrap_or_default();
    Field {
        note: Reserved::note(raw),
        ..Field::new(
            range.start as u64,
            range.len() as u64,
            "unused",
            Reserved::value(raw),
            meaning,
            SOURCE,
        )
    }
}

/// An EBR as an annotated structure: the MBR's sector format, of which
/// only the first two records mean something.
fn ebr_structure(lba: u64, sector: &[u8]) -> Structure {
    let mut structure = Structure::new(
        Kind::PartitionTable,
        "Extended boot record",
        Place::Medium(lba * SECTOR),
        SECTOR,
    );
    structure.push(unused(sector, 0..RECORDS, "no boot code in an EBR"));
    structure.fields.extend(record_fields(sector, 0));
    structure.fields.extend(record_fields(sector, 1));
    let used = |slot| record(sector, slot).is_ok_and(|e| !e.is_empty());
    if used(0) {
        structure.note(
            "entry 1 first LBA",
            "the logical partition, relative to this EBR",
        );
    }
    if used(1) {
        structure.note(
            "entry 2 first LBA",
            "the next EBR, relative to the extended partition",
        );
    }
    let end = RECORDS + 2 * MbrRecord::LAYOUT.size;
    structure.push(unused(
        sector,
        end..SIGNATURE,
        "records 3 and 4: zero in an EBR",
    ));
    structure.fields.extend(signature_fields(sector));
    structure
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of a structure, as byte ranges in order.
    fn tiles(structure: &Structure) -> Vec<std::ops::Range<u64>> {
        structure
            .fields
            .iter()
            .map(|f| f.offset..f.offset + f.length)
            .collect()
    }

    fn covers_exactly(structure: &Structure) -> bool {
        let ranges = tiles(structure);
        ranges.first().is_some_and(|r| r.start == 0)
            && ranges.windows(2).all(|w| w[0].end == w[1].start)
            && ranges.last().is_some_and(|r| r.end == SECTOR)
    }

    #[test]
    fn declarations_tile_exactly() {
        assert!(BootArea::LAYOUT.tiling().is_exact());
        assert!(MbrRecord::LAYOUT.tiling().is_exact());
        assert!(BootSignature::LAYOUT.tiling().is_exact());
        let sector = [0u8; 512];
        assert!(covers_exactly(&mbr_structure(&sector)));
        assert!(covers_exactly(&ebr_structure(1, &sector)));
    }

    #[test]
    fn a_truncated_record_names_the_field() {
        let error = MbrRecord::decode(&[0x80, 1, 1, 0, 0x0c, 2, 2, 0, 0, 8])
            .unwrap_err()
            .to_string();
        assert!(error.contains("first LBA"), "{error}");
        assert!(error.contains("bytes 8..12"), "{error}");
        assert!(matches!(
            MbrRecord::decode(&[0; 10]),
            Err(crate::Error::Truncated {
                field: "first LBA",
                offset: 8,
                ..
            })
        ));
    }

    #[test]
    fn a_record_decodes_and_reads() {
        let raw = [
            0x80, 0x20, 0x21, 0x00, 0x0c, 0xfe, 0xff, 0xff, 0, 8, 0, 0, 0xa0, 0x09, 1, 0,
        ];
        let entry = MbrRecord::decode(&raw).unwrap();
        assert_eq!(entry.lba, 2048);
        assert_eq!(entry.sectors, 0x0001_09a0);
        assert_eq!(
            entry.chs_start,
            Chs {
                cylinder: 0,
                head: 32,
                sector: 33
            }
        );
        assert_eq!(entry.chs_end.cylinder, 1023);
        let fields = MbrRecord::LAYOUT.fields_at(&raw, 446, Some("entry 1"));
        let text = |name: &str| fields.iter().find(|f| f.name == name).unwrap().text();
        assert_eq!(text("entry 1 status"), "0x80 (bootable)");
        assert_eq!(text("entry 1 type"), "0x0c (W95 FAT32 (LBA))");
        assert_eq!(text("entry 1 CHS start"), "0/32/33");
        assert_eq!(
            text("entry 1 CHS end"),
            "1023/254/63 (saturated: the address does not fit CHS)"
        );
        assert_eq!(fields[4].offset, 446 + 8);
    }
}
