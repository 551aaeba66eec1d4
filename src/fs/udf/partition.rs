//! Partition maps, and how a block of a logical partition becomes a block
//! of the volume: directly (type 1), through the virtual allocation table,
//! through a sparing table's remapped packets, or through the metadata
//! file's extents.
//!
//! Sources: ECMA-167 3/10.7.2 (type 1 map), 3/10.7.3 (type 2 map); OSTA UDF
//! 2.60 §2.2.8 (virtual partition map, "*UDF Virtual Partition"), §2.2.9
//! (sparable partition map, "*UDF Sparable Partition": packet length,
//! sparing table count, size and locations), §2.2.10 (metadata partition
//! map, "*UDF Metadata Partition": metadata, mirror and bitmap file
//! locations, allocation and alignment unit, flags), §2.2.11 (sparing
//! table: original packet, mapped location), §2.2.13 (metadata file).

use crate::structure::{Bytes, Hex8, Le16, Le32, Reserved, Structure, U8, declare};

use super::regid::Regid;

declare! {
    /// A type 1 partition map: a partition of this volume.
    pub struct Type1 = "Type 1 partition map", VolumeDescriptor, "ECMA-167 3/10.7.2", 6 {
        0, 1 => kind: U8, "partition map type", "1";
        1, 1 => length: U8, "partition map length", "6";
        2, 2 => volume_sequence: Le16, "volume sequence number", "the volume holding the partition";
        4, 2 => partition: Le16, "partition number", "the partition descriptor it names";
    }
}

declare! {
    /// A type 2 partition map as UDF uses them (virtual, sparable,
    /// metadata); the fields after byte 36 depend on the identifier.
    pub struct Type2 = "Type 2 partition map", VolumeDescriptor, "ECMA-167 3/10.7.3; UDF 2.60 §2.2.8-2.2.10", 40 {
        0, 1 => kind: U8, "partition map type", "2";
        1, 1 => length: U8, "partition map length", "64";
        2, 2 => reserved: Reserved, "reserved", "zero";
        4, 32 => identifier: Regid, "partition type identifier", "*UDF Virtual Partition, *UDF Sparable Partition or *UDF Metadata Partition";
        36, 2 => volume_sequence: Le16, "volume sequence number", "";
        38, 2 => partition: Le16, "partition number", "the partition descriptor it lies in";
    }
}

declare! {
    /// The virtual partition map's tail.
    pub struct VirtualTail = "Virtual partition map", VolumeDescriptor, "UDF 2.60 §2.2.8", 24 {
        0, 24 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// The sparable partition map's tail.
    pub struct SparableTail = "Sparable partition map", VolumeDescriptor, "UDF 2.60 §2.2.9", 24 {
        0, 2 => packet_length: Le16, "packet length", "blocks per packet (32 on CD-RW and DVD±RW)";
        2, 1 => table_count: U8, "number of sparing tables", "copies of the sparing table (1 to 4)";
        3, 1 => reserved: Reserved, "reserved", "zero";
        4, 4 => table_size: Le32, "size of each sparing table", "bytes";
        8, 4 => location1: Le32, "sparing table 1 location", "physical block";
        12, 4 => location2: Le32, "sparing table 2 location", "physical block";
        16, 4 => location3: Le32, "sparing table 3 location", "physical block";
        20, 4 => location4: Le32, "sparing table 4 location", "physical block";
    }
}

declare! {
    /// The metadata partition map's tail.
    pub struct MetadataTail = "Metadata partition map", VolumeDescriptor, "UDF 2.60 §2.2.10", 24 {
        0, 4 => metadata_file: Le32, "metadata file location", "block of the metadata file's entry in the partition";
        4, 4 => mirror_file: Le32, "metadata mirror file location", "block of the mirror's entry";
        8, 4 => bitmap_file: Le32, "metadata bitmap file location", "block of the bitmap's entry (0xFFFFFFFF: none)";
        12, 4 => allocation_unit: Le32, "allocation unit size", "blocks";
        16, 2 => alignment_unit: Le16, "alignment unit size", "blocks";
        18, 1 => flags: Hex8, "flags", "bit 0: the mirror holds a duplicate of the metadata";
        19, 5 => reserved: Bytes, "reserved", "zero";
    }
}

/// How a logical partition's blocks reach the volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// Block n is the partition's block n.
    Physical,
    /// Block n is entry n of the virtual allocation table, a block of the
    /// physical partition.
    Virtual { vat: Vec<u32> },
    /// Block n is the partition's block n unless its packet was moved:
    /// `spares` pairs an original packet's first block with where it went
    /// (a volume block), sorted.
    Sparable {
        packet: u32,
        spares: Vec<(u32, u32)>,
    },
    /// Block n lies in the metadata file: runs of (first metadata block,
    /// first block of the physical partition, blocks), sorted.
    Metadata { runs: Vec<(u64, u64, u64)> },
}

impl Mapping {
    pub fn describe(&self) -> &'static str {
        match self {
            Mapping::Physical => "physical",
            Mapping::Virtual { .. } => "virtual",
            Mapping::Sparable { .. } => "sparable",
            Mapping::Metadata { .. } => "metadata",
        }
    }
}

/// One entry of the partition map table, ready to map blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logical {
    /// The partition number it names.
    pub number: u16,
    /// The volume block where the partition descriptor's space starts.
    pub start: u64,
    /// Blocks in that partition.
    pub length: u64,
    pub mapping: Mapping,
}

/// Why a block cannot be mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapError {
    NoPartition(u16),
    Outside {
        partition: u16,
        block: u64,
        length: u64,
    },
    Unmapped {
        partition: u16,
        block: u64,
    },
}

impl std::fmt::Display for MapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MapError::NoPartition(p) => write!(f, "partition reference {p} names no partition map"),
            MapError::Outside {
                partition,
                block,
                length,
            } => write!(
                f,
                "block {block} lies outside partition {partition} ({length} blocks)"
            ),
            MapError::Unmapped { partition, block } => write!(
                f,
                "block {block} of partition {partition} is not mapped (virtual or metadata table has no entry)"
            ),
        }
    }
}

/// The partition map table, each map resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partitions {
    pub maps: Vec<Logical>,
}

impl Partitions {
    /// The volume block holding block `lbn` of partition reference `part`.
    pub fn resolve(&self, part: u16, lbn: u64) -> Result<u64, MapError> {
        Ok(self.runs(part, lbn, 1)?.first().map_or(0, |r| r.0))
    }

    /// The volume runs (first block, blocks) holding `count` blocks from
    /// block `lbn` of partition reference `part`.
    pub fn runs(&self, part: u16, lbn: u64, count: u64) -> Result<Vec<(u64, u64)>, MapError> {
        let map = self
            .maps
            .get(usize::from(part))
            .ok_or(MapError::NoPartition(part))?;
        let physical = |block: u64| -> Result<u64, MapError> {
            if block >= map.length {
                return Err(MapError::Outside {
                    partition: part,
                    block,
                    length: map.length,
                });
            }
            Ok(map.start + block)
        };
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut push = |start: u64, n: u64| match out.last_mut() {
            Some(last) if last.0 + last.1 == start => last.1 += n,
            _ => out.push((start, n)),
        };
        let end = lbn.checked_add(count).ok_or(MapError::Outside {
            partition: part,
            block: lbn,
            length: map.length,
        })?;
        match &map.mapping {
            Mapping::Physical => {
                if count > 0 {
                    physical(end - 1)?;
                    push(physical(lbn)?, count);
                }
            }
            Mapping::Virtual { vat } => {
                for block in lbn..end {
                    let entry = usize::try_from(block)
                        .ok()
                        .and_then(|i| vat.get(i))
                        .copied()
                        .filter(|&e| e != u32::MAX)
                        .ok_or(MapError::Unmapped {
                            partition: part,
                            block,
                        })?;
                    push(physical(u64::from(entry))?, 1);
                }
            }
            Mapping::Sparable { packet, spares } => {
                let packet = u64::from((*packet).max(1));
                let mut block = lbn;
                while block < end {
                    let first = block - block % packet;
                    let n = (first + packet).min(end) - block;
                    let moved = u32::try_from(first)
                        .ok()
                        .and_then(|f| spares.binary_search_by_key(&f, |s| s.0).ok())
                        .and_then(|i| spares.get(i));
                    match moved {
                        Some(&(_, to)) => push(u64::from(to) + (block - first), n),
                        None => {
                            physical(block + n - 1)?;
                            push(physical(block)?, n);
                        }
                    }
                    block += n;
                }
            }
            Mapping::Metadata { runs } => {
                let mut block = lbn;
                while block < end {
                    let i = runs.partition_point(|r| r.0 <= block);
                    let run = i
                        .checked_sub(1)
                        .and_then(|i| runs.get(i))
                        .filter(|r| block < r.0 + r.2)
                        .ok_or(MapError::Unmapped {
                            partition: part,
                            block,
                        })?;
                    let n = (run.0 + run.2).min(end) - block;
                    let at = run.1 + (block - run.0);
                    physical(at + n - 1)?;
                    push(physical(at)?, n);
                    block += n;
                }
            }
        }
        Ok(out)
    }

    /// The index of the map for partition number `number` that maps
    /// directly (type 1), the one virtual and metadata maps read through.
    pub fn physical_of(&self, number: u16) -> Option<usize> {
        self.maps
            .iter()
            .position(|m| m.number == number && m.mapping == Mapping::Physical)
    }
}

/// Marks structures of a partition map table in the LVD's structure.
pub fn map_fields(structure: &mut Structure, maps: &[u8], count: u32) {
    let mut at = 0usize;
    for n in 1..=count.min(64) {
        let Some(rest) = maps.get(at..) else { break };
        let kind = rest.first().copied().unwrap_or(0);
        let len = usize::from(rest.get(1).copied().unwrap_or(0));
        if len < 2 {
            break;
        }
        let shift = 440 + at as u64;
        let prefix = format!("map {n}");
        match kind {
            1 => structure
                .fields
                .extend(Type1::LAYOUT.fields_at(rest, shift, Some(&prefix))),
            2 => {
                structure
                    .fields
                    .extend(Type2::LAYOUT.fields_at(rest, shift, Some(&prefix)));
                let id = super::regid::EntityId::parse(rest.get(4..36).unwrap_or_default());
                let tail = rest.get(40..).unwrap_or_default();
                let layout = match id.identifier.as_str() {
                    "*UDF Sparable Partition" => SparableTail::LAYOUT,
                    "*UDF Metadata Partition" => MetadataTail::LAYOUT,
                    _ => VirtualTail::LAYOUT,
                };
                structure
                    .fields
                    .extend(layout.fields_at(tail, shift + 40, Some(&prefix)));
            }
            _ => {}
        }
        at += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(mapping: Mapping) -> Partitions {
        Partitions {
            maps: vec![Logical {
                number: 0,
                start: 100,
                length: 64,
                mapping,
            }],
        }
    }

    #[test]
    fn each_mapping_resolves() {
        assert_eq!(one(Mapping::Physical).runs(0, 3, 4), Ok(vec![(103, 4)]));
        assert!(one(Mapping::Physical).runs(0, 62, 4).is_err());
        let v = one(Mapping::Virtual {
            vat: vec![5, 6, 9, u32::MAX],
        });
        assert_eq!(v.runs(0, 0, 3), Ok(vec![(105, 2), (109, 1)]));
        assert!(v.resolve(0, 3).is_err());
        let s = one(Mapping::Sparable {
            packet: 4,
            spares: vec![(4, 1000)],
        });
        assert_eq!(s.runs(0, 2, 8), Ok(vec![(102, 2), (1000, 4), (108, 2)]));
        let m = one(Mapping::Metadata {
            runs: vec![(0, 10, 2), (2, 40, 2)],
        });
        assert_eq!(m.runs(0, 1, 2), Ok(vec![(111, 1), (140, 1)]));
        assert!(m.resolve(0, 4).is_err());
        assert!(m.resolve(1, 0).is_err());
    }
}
