//! Sparing tables: packets of a rewritable disc that were moved to spare
//! space because their blocks went bad.
//!
//! Sources: OSTA UDF 2.60 §2.2.12 (sparing table: tag identifier 0,
//! "*UDF Sparing Table", reallocation table length, sequence number, map
//! entries of original location and mapped location; an original of
//! 0xFFFFFFFF marks a free spare packet, 0xFFFFFFF0 a defective one),
//! §2.2.9 (up to four copies).

use crate::structure::{Field, Le16, Le32, Place, Reserved, Structure, Value, declare};

use super::data::Blocks;
use super::descriptor::{DescriptorTag, expand_tag};
use super::extent::{le16, le32};
use super::partition::SparableTail;
use super::regid::{EntityId, Regid};
use super::tag::Checked;

declare! {
    /// The fixed part of a sparing table.
    pub struct SparingHeader = "Sparing table", SparingTable, "UDF 2.60 §2.2.12", 56 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 0", "ECMA-167 3/7.2";
        16, 32 => identifier: Regid, "sparing identifier", "*UDF Sparing Table";
        48, 2 => entries: Le16, "reallocation table length", "map entries that follow";
        50, 2 => reserved: Reserved, "reserved", "zero";
        52, 4 => sequence: Le32, "sequence number", "the highest is the newest copy";
    }
}

/// Most bytes a table can need (65,535 entries).
const MAX_BYTES: u64 = 56 + 8 * 65_535;

/// What the sparing tables say.
#[derive(Clone, Debug, Default)]
pub struct Sparing {
    /// (original packet's first block, where it went), sorted.
    pub spares: Vec<(u32, u32)>,
    pub structures: Vec<Structure>,
    pub problems: Vec<(u64, String)>,
}

/// Reads every copy named by the map and keeps the newest good one.
pub fn read(blocks: &Blocks, map: &SparableTail) -> Sparing {
    let mut out = Sparing::default();
    // (sequence number, spares, block) of the newest good copy.
    type Best = (u32, Vec<(u32, u32)>, u64);
    let mut best: Option<Best> = None;
    let size = u64::from(map.table_size).min(MAX_BYTES);
    if u64::from(map.table_size) > MAX_BYTES {
        out.problems.push((
            0,
            format!(
                "the sparing table size {} is larger than any table can be",
                map.table_size
            ),
        ));
    }
    let locations = [map.location1, map.location2, map.location3, map.location4];
    for (n, &location) in locations
        .iter()
        .take(usize::from(map.table_count).min(4))
        .enumerate()
    {
        let at = u64::from(location);
        let len = usize::try_from(size.max(56)).unwrap_or(56);
        let Some(bytes) = blocks.read_len(at, len) else {
            out.problems.push((
                at,
                format!(
                    "sparing table {} at block {location} lies outside the volume",
                    n + 1
                ),
            ));
            continue;
        };
        let Some(checked) = Checked::new(&bytes, location) else {
            continue;
        };
        let id = EntityId::parse(bytes.get(16..48).unwrap_or_default());
        let mut s = SparingHeader::LAYOUT.structure(&bytes, Place::Medium(blocks.position(at)));
        s.name = format!("Sparing table {}", n + 1);
        expand_tag(&mut s, &bytes, &checked, at);
        if checked.tag.id != 0 || id.identifier != "*UDF Sparing Table" || !checked.checksum_ok {
            out.problems.push((
                at,
                format!(
                    "sparing table {} at block {location} is not a sparing table ({})",
                    n + 1,
                    checked.problems(&bytes, location).join("; ")
                ),
            ));
            out.structures.push(s);
            continue;
        }
        if !checked.clean() {
            out.problems.push((
                at,
                format!(
                    "sparing table {}: {}",
                    n + 1,
                    checked.problems(&bytes, location).join("; ")
                ),
            ));
        }
        let claimed = usize::from(le16(&bytes, 48));
        let room = (bytes.len() - 56) / 8;
        if claimed > room {
            out.problems.push((
                at,
                format!(
                    "sparing table {} claims {claimed} entries but its {} bytes hold {room}",
                    n + 1,
                    map.table_size
                ),
            ));
        }
        let mut spares = Vec::new();
        for i in 0..claimed.min(room) {
            let e = 56 + 8 * i;
            let (original, mapped) = (le32(&bytes, e), le32(&bytes, e + 4));
            let mut f = Field::new(
                e as u64,
                8,
                format!("map entry {}", i + 1),
                Value::Text(format!("packet {original} -> block {mapped}")),
                "original packet (partition block) and where it now is (volume block)",
                "UDF 2.60 §2.2.12",
            );
            if original == u32::MAX {
                f.note = Some("free spare packet".to_owned());
            } else if original == 0xFFFF_FFF0 {
                f.note = Some("defective spare packet".to_owned());
            } else {
                spares.push((original, mapped));
            }
            if i < 4096 {
                s.push(f);
            }
        }
        s.length = (56 + 8 * claimed.min(room)) as u64;
        out.structures.push(s);
        spares.sort_unstable();
        let sequence = le32(&bytes, 52);
        match &best {
            Some((seq, old, old_at)) => {
                if *old != spares {
                    out.problems.push((
                        at,
                        format!(
                            "sparing table {} differs from the copy at block {old_at}",
                            n + 1
                        ),
                    ));
                }
                if sequence > *seq {
                    best = Some((sequence, spares, at));
                }
            }
            None => best = Some((sequence, spares, at)),
        }
    }
    if let Some((_, spares, _)) = best {
        out.spares = spares;
    } else {
        out.problems.push((
            0,
            "no usable sparing table: remapped packets are read from their original place"
                .to_owned(),
        ));
    }
    out
}
