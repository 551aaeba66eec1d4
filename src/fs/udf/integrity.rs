//! The logical volume integrity sequence: whether the volume was closed,
//! its file and directory counts, and the UDF revisions needed to read and
//! write it.
//!
//! Sources: ECMA-167 3/10.10 (integrity descriptor: recording time,
//! integrity type 0 open / 1 close, next integrity extent, free space and
//! size tables, implementation use), OSTA UDF 2.60 §2.2.6 (the
//! implementation use: implementation identifier, number of files and
//! directories, minimum UDF read and write revisions, maximum write
//! revision), §3.2.1.

use std::collections::HashSet;

use crate::structure::{Bytes, Field, Le16Hex, Le32, Le64, Place, Structure, Value, declare};

use super::descriptor::{DescriptorTag, expand_tag};
use super::extent::{ExtentAd, ExtentAdCodec, le32};
use super::regid::{EntityId, Regid};
use super::tag::{self, Checked};
use super::time::UdfTime;

declare! {
    /// The fixed part of the logical volume integrity descriptor.
    pub struct Lvid = "Logical volume integrity descriptor", Integrity, "ECMA-167 3/10.10", 80 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 9", "ECMA-167 3/7.2";
        16, 12 => recorded: UdfTime, "recording date and time", "when the integrity was last recorded";
        28, 4 => integrity_type: Le32, "integrity type", "0 open (being written), 1 close";
        32, 8 => next: ExtentAdCodec, "next integrity extent", "where the sequence goes on";
        40, 8 => unique_id: Le64, "next unique id", "the unique id the next file gets (UDF 2.60 §3.2.1.1)";
        48, 24 => contents_reserved: Bytes, "logical volume contents use", "reserved";
        72, 4 => partitions: Le32, "number of partitions", "entries in the free space and size tables";
        76, 4 => iu_length: Le32, "length of implementation use", "bytes";
    }
}

declare! {
    /// UDF's implementation use of the integrity descriptor.
    pub struct LvidUse = "LVID implementation use", Integrity, "UDF 2.60 §2.2.6.4", 46 {
        0, 32 => implementation: Regid, "implementation identifier", "who last wrote the volume";
        32, 4 => files: Le32, "number of files", "";
        36, 4 => directories: Le32, "number of directories", "";
        40, 2 => min_read: Le16Hex, "minimum UDF read revision", "a reader must support this revision";
        42, 2 => min_write: Le16Hex, "minimum UDF write revision", "a writer must support this revision";
        44, 2 => max_write: Le16Hex, "maximum UDF write revision", "the highest revision written to this volume";
    }
}

/// The descriptor in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub block: u64,
    pub closed: bool,
    pub integrity_type: u32,
    pub partitions: u32,
    pub implementation: EntityId,
    pub files: u32,
    pub directories: u32,
    pub min_read: u16,
    pub min_write: u16,
    pub max_write: u16,
    pub free: Vec<u32>,
    pub sizes: Vec<u32>,
}

/// The sequence as read.
#[derive(Clone, Debug, Default)]
pub struct Integrity {
    pub current: Option<Current>,
    /// (block, descriptor bytes, tag check).
    pub found: Vec<(u64, Vec<u8>, Checked)>,
    pub problems: Vec<(u64, String)>,
}

/// Descriptors read at most.
const MOST: usize = 256;

/// Reads the sequence from `extent`; `read` reads one block.
pub fn read(extent: ExtentAd, block_size: u64, read: &dyn Fn(u64) -> Option<Vec<u8>>) -> Integrity {
    let mut out = Integrity::default();
    let mut next = Some(extent);
    let mut seen = HashSet::new();
    while let Some(e) = next.take() {
        if e.length == 0 || !seen.insert(e.location) {
            if e.length != 0 {
                out.problems.push((
                    u64::from(e.location),
                    "the integrity sequence loops".to_owned(),
                ));
            }
            break;
        }
        let blocks = u64::from(e.length).div_ceil(block_size).min(MOST as u64);
        for n in 0..blocks {
            let at = u64::from(e.location) + n;
            let Some(bytes) = read(at) else { break };
            let Some(checked) = Checked::new(&bytes, u32::try_from(at).unwrap_or(u32::MAX)) else {
                break;
            };
            if checked.tag.id == tag::TERMINATING || !checked.is(tag::INTEGRITY) {
                break;
            }
            if !checked.clean() {
                out.problems.push((
                    at,
                    checked
                        .problems(&bytes, u32::try_from(at).unwrap_or(u32::MAX))
                        .join("; "),
                ));
            }
            if let Some(c) = decode(&bytes, at) {
                let ne = ExtentAd {
                    length: le32(&bytes, 32),
                    location: le32(&bytes, 36),
                };
                if ne.length > 0 {
                    next = Some(ne);
                }
                out.current = Some(c);
            }
            out.found.push((at, bytes, checked));
            if out.found.len() >= MOST {
                return out;
            }
        }
    }
    out
}

fn decode(bytes: &[u8], block: u64) -> Option<Current> {
    let fixed = Lvid::decode(bytes).ok()?;
    let n = fixed.partitions.min(1024) as usize;
    let table = |from: usize| -> Vec<u32> { (0..n).map(|i| le32(bytes, from + 4 * i)).collect() };
    let use_at = 80 + 8 * n;
    let iu = LvidUse::decode(bytes.get(use_at..).unwrap_or_default()).ok();
    Some(Current {
        block,
        closed: fixed.integrity_type == 1,
        integrity_type: fixed.integrity_type,
        partitions: fixed.partitions,
        implementation: iu
            .as_ref()
            .map(|u| u.implementation.clone())
            .unwrap_or_default(),
        files: iu.as_ref().map_or(0, |u| u.files),
        directories: iu.as_ref().map_or(0, |u| u.directories),
        min_read: iu.as_ref().map_or(0, |u| u.min_read),
        min_write: iu.as_ref().map_or(0, |u| u.min_write),
        max_write: iu.as_ref().map_or(0, |u| u.max_write),
        free: table(80),
        sizes: table(80 + 4 * n),
    })
}

/// A descriptor as an annotated structure.
pub fn structure(bytes: &[u8], checked: &Checked, block: u64, position: u64) -> Structure {
    let mut s = Lvid::LAYOUT.structure(bytes, Place::Medium(position));
    expand_tag(&mut s, bytes, checked, block);
    let n = (le32(bytes, 72).min(1024)) as usize;
    for i in 0..n {
        for (table, from, meaning) in [
            (
                "free space",
                80,
                "free blocks in the partition (0xFFFFFFFF: not kept)",
            ),
            ("size", 80 + 4 * n, "blocks in the partition"),
        ] {
            let at = from + 4 * i;
            if bytes.get(at..at + 4).is_none() {
                continue;
            }
            s.push(Field::new(
                at as u64,
                4,
                format!("{table} of partition {i}"),
                Value::Unsigned(u64::from(le32(bytes, at))),
                meaning,
                "ECMA-167 3/10.10.7-10.10.8",
            ));
        }
    }
    let use_at = 80 + 8 * n;
    s.fields.extend(LvidUse::LAYOUT.fields_at(
        bytes.get(use_at..).unwrap_or_default(),
        use_at as u64,
        None,
    ));
    s.length = (use_at as u64 + u64::from(le32(bytes, 76))).min(bytes.len() as u64);
    s
}
