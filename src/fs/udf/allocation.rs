//! Allocation descriptors: where a file's bytes are. Short, long and
//! extended descriptors, data embedded in the entry itself, and extents of
//! further descriptors (allocation extent descriptors) that continue a list.
//!
//! Sources: ECMA-167 4/14.14 (short_ad, long_ad, ext_ad; a zero length ends
//! the list; type 3 continues it in an allocation extent descriptor),
//! 4/14.5 (allocation extent descriptor: previous location, length of the
//! descriptors), 4/12 (extent lengths below 2^30), OSTA UDF 2.60 §2.3.10.

use std::collections::HashSet;

use crate::structure::{Field, Le32, Structure, Value, declare};

use super::descriptor::DescriptorTag;
use super::extent::{ExtentType, LongAd, le16, le32};
use super::tag;

declare! {
    /// The fixed part of an allocation extent descriptor.
    pub struct Aed = "Allocation extent descriptor", AllocationExtent, "ECMA-167 4/14.5", 24 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 258", "ECMA-167 3/7.2";
        16, 4 => previous: Le32, "previous allocation extent location", "";
        20, 4 => ad_length: Le32, "length of allocation descriptors", "bytes of descriptors after this field";
    }
}

/// Extents one file may have (more is a finding and the rest is dropped).
pub const MAX_EXTENTS: usize = 1 << 18;
/// Allocation extent descriptors followed per file.
pub const MAX_CONTINUATIONS: usize = 4096;

/// Where one extent's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// In block `block` of partition reference `partition`.
    Recorded { partition: u16, block: u32 },
    /// Not recorded: reads as zeros (allocated or not).
    Zeros { allocated: bool },
    /// In the entry itself, from this offset of its block.
    Embedded { offset: usize },
}

/// One extent of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocatedExtent {
    pub bytes: u64,
    pub piece: Piece,
}

/// A file's extents as found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allocation {
    pub extents: Vec<AllocatedExtent>,
    /// Allocation extent descriptors read: (partition reference, block).
    pub continuations: Vec<(u16, u32)>,
    pub problems: Vec<String>,
}

impl Allocation {
    /// Bytes the extents describe.
    pub fn total(&self) -> u64 {
        self.extents
            .iter()
            .fold(0u64, |t, e| t.saturating_add(e.bytes))
    }

    /// Bytes that read as zeros because they are not recorded.
    pub fn sparse(&self) -> u64 {
        self.extents
            .iter()
            .filter(|e| matches!(e.piece, Piece::Zeros { .. }))
            .fold(0u64, |t, e| t.saturating_add(e.bytes))
    }
}

/// Bytes per descriptor of each type (0 for embedded).
fn width(ad_type: u16) -> usize {
    match ad_type {
        0 => 8,
        1 => 16,
        2 => 20,
        _ => 0,
    }
}

/// One descriptor: (length word, block, partition reference).
fn one(raw: &[u8], ad_type: u16, own: u16) -> (u32, u32, u16) {
    match ad_type {
        0 => (le32(raw, 0), le32(raw, 4), own),
        1 => {
            let l = LongAd::parse(raw);
            (l.length, l.block, l.partition)
        }
        // ext_ad: extent length, recorded length, information length,
        // then the lb_addr.
        _ => (le32(raw, 0), le32(raw, 12), le16(raw, 16)),
    }
}

/// Decodes the descriptors of an entry: `area` its descriptor bytes, `own`
/// the partition reference of the entry (short_ads are relative to it),
/// `info_length` the file's size (for embedded data), `read_aed` a way
/// to read the block of an allocation extent descriptor.
pub fn decode(
    block: &[u8],
    area: std::ops::Range<usize>,
    ad_type: u16,
    own: u16,
    read_aed: &dyn Fn(u16, u32) -> Option<Vec<u8>>,
) -> Allocation {
    let mut out = Allocation::default();
    if ad_type == 3 {
        out.extents.push(AllocatedExtent {
            bytes: area.len() as u64,
            piece: Piece::Embedded { offset: area.start },
        });
        return out;
    }
    let step = width(ad_type);
    if step == 0 {
        out.problems.push(format!(
            "allocation descriptor type {ad_type} is not defined"
        ));
        return out;
    }
    let mut seen: HashSet<(u16, u32)> = HashSet::new();
    let mut current: Vec<u8> = block.get(area.clone()).unwrap_or_default().to_vec();
    loop {
        let mut next = None;
        for raw in current.chunks(step) {
            if raw.len() < step {
                out.problems.push(format!(
                    "{} stray bytes after the last allocation descriptor",
                    raw.len()
                ));
                break;
            }
            let (length, block_no, partition) = one(raw, ad_type, own);
            let bytes = u64::from(length & 0x3FFF_FFFF);
            if bytes == 0 {
                break;
            }
            let piece = match ExtentType::of(length) {
                ExtentType::Recorded => Piece::Recorded {
                    partition,
                    block: block_no,
                },
                ExtentType::Allocated => Piece::Zeros { allocated: true },
                ExtentType::Sparse => Piece::Zeros { allocated: false },
                ExtentType::Continuation => {
                    next = Some((partition, block_no));
                    break;
                }
            };
            if out.extents.len() >= MAX_EXTENTS {
                out.problems.push(format!(
                    "more than {MAX_EXTENTS} extents; the rest were not read"
                ));
                return out;
            }
            out.extents.push(AllocatedExtent { bytes, piece });
        }
        let Some((partition, block_no)) = next else {
            break;
        };
        if !seen.insert((partition, block_no)) {
            out.problems.push(format!(
                "the allocation extent at block {block_no} of partition {partition} loops back to one already read"
            ));
            break;
        }
        if seen.len() > MAX_CONTINUATIONS {
            out.problems.push(format!(
                "more than {MAX_CONTINUATIONS} allocation extent descriptors"
            ));
            break;
        }
        let Some(aed) = read_aed(partition, block_no) else {
            out.problems.push(format!(
                "the allocation extent at block {block_no} of partition {partition} cannot be read"
            ));
            break;
        };
        if le16(&aed, 0) != tag::ALLOCATION_EXTENT {
            out.problems.push(format!(
                "block {block_no} of partition {partition} holds no allocation extent descriptor"
            ));
            break;
        }
        out.continuations.push((partition, block_no));
        let len = (le32(&aed, 20) as usize).min(aed.len().saturating_sub(24));
        current = aed.get(24..24 + len).unwrap_or_default().to_vec();
    }
    out
}

/// The descriptors in `bytes[area]` as fields of their entry.
pub fn fields(bytes: &[u8], area: std::ops::Range<usize>, ad_type: u16) -> Vec<Field> {
    if ad_type == 3 {
        return if area.is_empty() {
            Vec::new()
        } else {
            vec![Field::new(
                area.start as u64,
                area.len() as u64,
                "embedded data",
                Value::Text(format!("{} bytes", area.len())),
                "the file's data, recorded in the entry itself",
                "ECMA-167 4/14.6.8",
            )]
        };
    }
    let step = width(ad_type);
    let mut out = Vec::new();
    if step == 0 {
        return out;
    }
    let kind = match ad_type {
        0 => "short_ad",
        1 => "long_ad",
        _ => "ext_ad",
    };
    let area_bytes = bytes.get(area.clone()).unwrap_or_default();
    for (n, raw) in area_bytes.chunks_exact(step).enumerate().take(512) {
        let (length, block, partition) = one(raw, ad_type, u16::MAX);
        let extent = ExtentType::of(length);
        let place = if partition == u16::MAX {
            format!("block {block}")
        } else {
            format!("block {block} of partition {partition}")
        };
        let mut f = Field::new(
            (area.start + n * step) as u64,
            step as u64,
            format!("allocation descriptor {}", n + 1),
            Value::Text(format!("{} bytes at {place}", length & 0x3FFF_FFFF)),
            format!("{kind}: an extent of the file"),
            "ECMA-167 4/14.14",
        );
        if extent != ExtentType::Recorded {
            f.note = Some(extent.describe().to_owned());
        }
        out.push(f);
        if length & 0x3FFF_FFFF == 0 {
            break;
        }
    }
    out
}

/// An allocation extent descriptor as a structure.
pub fn aed_structure(bytes: &[u8], position: u64, ad_type: u16) -> Structure {
    let mut s = Aed::LAYOUT.structure(bytes, crate::structure::Place::Medium(position));
    let len = (le32(bytes, 20) as usize).min(bytes.len().saturating_sub(24));
    s.length = 24 + len as u64;
    s.fields.extend(fields(bytes, 24..24 + len, ad_type));
    s
}
