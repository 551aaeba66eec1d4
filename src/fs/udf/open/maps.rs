//! The logical volume's partition maps: type 1 maps straight onto a
//! partition descriptor; type 2 maps (sparable, virtual, metadata) are
//! resolved in that order, each through its physical partition.

use super::Opening;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Position, Result};
use crate::fs::udf::descriptor::{Lvd, Pd};
use crate::fs::udf::extent::{le16, le32};
use crate::fs::udf::partition::{Logical, Mapping, MetadataTail, Partitions, SparableTail};
use crate::fs::udf::regid::EntityId;
use crate::fs::udf::sequence::{ReadDescriptor, Sequence};
use crate::fs::udf::vat::Vat;
use crate::fs::udf::{metadata, sparing, vat};

/// What the partition maps resolve to.
pub(super) struct Resolved {
    pub(super) parts: Partitions,
    /// The virtual allocation table, when a virtual map found one.
    pub(super) vat: Option<Vat>,
    /// The metadata map: its index, its partition number and its fields.
    pub(super) metadata: Option<(usize, u16, MetadataTail)>,
    /// Whether the metadata mirror file is in use.
    pub(super) used_mirror: bool,
}

/// Reads the maps of the logical volume descriptor `lvd_found`.
pub(super) fn read(
    o: &mut Opening,
    vds: &Sequence,
    lvd_found: &ReadDescriptor,
    lvd: &Lvd,
) -> Result<Resolved> {
    let bs = o.blocks.size;
    let table = le32(&lvd_found.bytes, 264) as usize;
    let maps_bytes = lvd_found
        .bytes
        .get(440..440usize.saturating_add(table).min(lvd_found.bytes.len()))
        .unwrap_or_default()
        .to_vec();
    if 440 + table > lvd_found.bytes.len() {
        o.finding(
            Diagnostic::error(
                "udf.map-table",
                format!(
                    "the partition map table's {table} bytes run past the logical volume descriptor"
                ),
            ),
            Some(lvd_found.block),
        );
    }
    let pd_of = |number: u16| {
        vds.partitions
            .iter()
            .find(|p| le16(&p.bytes, 22) == number)
            .and_then(|p| Pd::decode(&p.bytes).ok())
    };
    let mut parts = Partitions::default();
    let mut kinds: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let mut at = 0usize;
    for n in 0..lvd.map_count.min(64) {
        let Some(rest) = maps_bytes.get(at..) else {
            break;
        };
        let (kind, len) = (
            rest.first().copied().unwrap_or(0),
            usize::from(rest.get(1).copied().unwrap_or(0)),
        );
        if len < 6 || len > rest.len() {
            o.finding(
                Diagnostic::error(
                    "udf.map-table",
                    format!("partition map {} has length {len}", n + 1),
                ),
                Some(lvd_found.block),
            );
            break;
        }
        let number = if kind == 1 {
            le16(rest, 4)
        } else {
            le16(rest, 38)
        };
        let Some(pd) = pd_of(number) else {
            o.finding(
                Diagnostic::error("udf.partition-missing", format!("partition map {} names partition {number}, which no partition descriptor describes", n + 1)),
                Some(lvd_found.block),
            );
            parts.maps.push(Logical {
                number,
                start: 0,
                length: 0,
                mapping: Mapping::Physical,
            });
            at += len;
            continue;
        };
        let (start, length) = (u64::from(pd.start), u64::from(pd.length));
        if start.saturating_add(length) > o.blocks.count {
            o.finding(
                Diagnostic::warning(
                    "udf.partition-outside",
                    format!("partition {number} (blocks {start}+{length}) reaches past the end of the volume ({} blocks)", o.blocks.count),
                ),
                None,
            );
        }
        let mapping = if kind == 2 {
            let id = EntityId::parse(rest.get(4..36).unwrap_or_default());
            kinds.push((
                n as usize,
                id.identifier.clone(),
                rest.get(..len).unwrap_or_default().to_vec(),
            ));
            match id.identifier.as_str() {
                "*UDF Virtual Partition" => Mapping::Virtual { vat: Vec::new() },
                "*UDF Sparable Partition" => Mapping::Sparable {
                    packet: 32,
                    spares: Vec::new(),
                },
                "*UDF Metadata Partition" => Mapping::Metadata { runs: Vec::new() },
                other => {
                    o.finding(
                        Diagnostic::warning("udf.map-unknown", format!("partition map {} has the unknown type identifier {other:?}; read as physical", n + 1)),
                        Some(lvd_found.block),
                    );
                    Mapping::Physical
                }
            }
        } else {
            Mapping::Physical
        };
        parts.maps.push(Logical {
            number,
            start,
            length,
            mapping,
        });
        at += len;
    }
    if parts.maps.is_empty() {
        return Err(Error::invalid(
            Position::Byte(lvd_found.block * bs),
            "logical volume descriptor",
            "partition maps",
            "at least one usable map",
            "none",
        ));
    }
    // Type 2 maps, resolved in order: sparing, then virtual, then metadata.
    let mut vat_found = None;
    let mut metadata_tail = None;
    for (index, identifier, raw) in &kinds {
        let tail = raw.get(40..).unwrap_or_default();
        let number = le16(raw, 38);
        match identifier.as_str() {
            "*UDF Sparable Partition" => {
                let Ok(t) = SparableTail::decode(tail) else {
                    continue;
                };
                let sp = sparing::read(&o.blocks, &t);
                o.structures.extend(sp.structures.iter().cloned());
                for (b, p) in &sp.problems {
                    o.finding(
                        Diagnostic::warning("udf.sparing", p.clone()),
                        (*b > 0).then_some(*b),
                    );
                }
                let packet = if t.packet_length == 0 || !t.packet_length.is_power_of_two() {
                    o.finding(
                        Diagnostic::warning(
                            "udf.sparing",
                            format!(
                                "packet length {} is not a power of two; 32 used",
                                t.packet_length
                            ),
                        ),
                        None,
                    );
                    32
                } else {
                    u32::from(t.packet_length)
                };
                if let Some(m) = parts.maps.get_mut(*index) {
                    m.mapping = Mapping::Sparable {
                        packet,
                        spares: sp.spares,
                    };
                }
            }
            "*UDF Virtual Partition" => {
                let Some(physical) = parts.physical_of(number) else {
                    o.finding(Diagnostic::error("udf.vat", format!("no type 1 map for partition {number}, which the virtual map reads through")), None);
                    continue;
                };
                match vat::find(&o.blocks, &parts, physical) {
                    Some(v) => {
                        o.structures.extend(v.structures.iter().cloned());
                        for (b, p) in &v.problems {
                            o.finding(Diagnostic::warning("udf.vat", p.clone()), Some(*b));
                        }
                        if !v.generations.is_empty() {
                            o.finding(
                                Diagnostic::info("udf.vat-generations", format!("{} earlier VAT generations are on the disc (blocks {})", v.generations.len(), v.generations.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))),
                                None,
                            );
                        }
                        // A virtual map resolves through its physical partition: its
                        // start is the physical one (VAT entries are physical blocks).
                        let phys = parts.maps.get(physical).cloned();
                        if let (Some(m), Some(phys)) = (parts.maps.get_mut(*index), phys) {
                            m.start = phys.start;
                            m.length = phys.length;
                            m.mapping = Mapping::Virtual { vat: v.entries.clone() };
                        }
                        vat_found = Some(v);
                    }
                    None => o.finding(
                        Diagnostic::error("udf.vat", "the virtual partition's VAT ICB was not found in the last blocks of the volume"),
                        Some(o.blocks.count.saturating_sub(1)),
                    ),
                }
            }
            "*UDF Metadata Partition" => {
                if let Ok(t) = MetadataTail::decode(tail) {
                    metadata_tail = Some((*index, number, t));
                }
            }
            _ => {}
        }
    }
    // The metadata map reads through its physical partition.
    let mut used_mirror = false;
    if let Some((index, number, tail)) = &metadata_tail {
        match parts.physical_of(*number) {
            Some(physical) => {
                let md = metadata::read(&o.blocks, &parts, physical, tail, false);
                apply_metadata(o, &mut parts, *index, physical, md, &mut used_mirror);
            }
            None => o.finding(
                Diagnostic::error(
                    "udf.metadata",
                    format!(
                        "no type 1 map for partition {number}, which the metadata map reads through"
                    ),
                ),
                None,
            ),
        }
    }
    Ok(Resolved {
        parts,
        vat: vat_found,
        metadata: metadata_tail,
        used_mirror,
    })
}

/// Puts a metadata map in place, noting what reading it found.
pub(super) fn apply_metadata(
    o: &mut Opening,
    parts: &mut Partitions,
    index: usize,
    physical: usize,
    md: metadata::Metadata,
    used_mirror: &mut bool,
) {
    o.structures.extend(md.structures.iter().cloned());
    for (b, p) in &md.problems {
        o.finding(
            Diagnostic::error("udf.metadata", p.clone()),
            (*b > 0).then_some(*b),
        );
    }
    if md.used_mirror && !*used_mirror {
        o.finding(
            Diagnostic::warning(
                "udf.metadata-mirror",
                "the metadata file is damaged; its mirror was used",
            ),
            None,
        );
    }
    *used_mirror = md.used_mirror;
    let phys = parts.maps.get(physical).cloned();
    if let (Some(m), Some(phys)) = (parts.maps.get_mut(index), phys) {
        m.start = phys.start;
        m.length = phys.length;
        m.mapping = Mapping::Metadata { runs: md.runs };
    }
}
