//! The metadata partition (UDF 2.50 and later): file entries and
//! directories live in the metadata file, which maps metadata blocks to
//! blocks of the physical partition; its mirror is a copy to use when the
//! main file is damaged.
//!
//! Sources: OSTA UDF 2.60 §2.2.10 (metadata partition map), §2.2.13
//! (metadata file, file type 250; mirror, 251; bitmap, 252; their
//! allocation descriptors are short_ads in the physical partition;
//! an implementation shall use the mirror when the main file is
//! unreadable).

use crate::structure::Structure;

use super::allocation::{self, Piece};
use super::data::Blocks;
use super::icb::{self, Entry};
use super::partition::{MetadataTail, Partitions};
use super::tag::{self, Checked};

/// The metadata file as read.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// (first metadata block, first physical-partition block, blocks).
    pub runs: Vec<(u64, u64, u64)>,
    pub used_mirror: bool,
    pub structures: Vec<Structure>,
    pub problems: Vec<(u64, String)>,
}

/// One of the three files, if its entry is good.
fn file(
    blocks: &Blocks,
    parts: &Partitions,
    physical: usize,
    lbn: u32,
    want: u8,
    name: &str,
    out: &mut Metadata,
) -> Option<(Entry, u64)> {
    let map = parts.maps.get(physical)?;
    let at = map.start.checked_add(u64::from(lbn))?;
    let Some(bytes) = blocks.read(at) else {
        out.problems.push((
            at,
            format!("the {name} entry at block {lbn} lies outside the volume"),
        ));
        return None;
    };
    let checked = Checked::new(&bytes, lbn)?;
    let entry_tag = checked.is(tag::FILE_ENTRY) || checked.is(tag::EXTENDED_FILE_ENTRY);
    if !entry_tag || !checked.checksum_ok {
        out.problems.push((
            at,
            format!(
                "the {name} entry at block {lbn} of partition {} is not a file entry ({})",
                map.number,
                checked.problems(&bytes, lbn).join("; ")
            ),
        ));
        return None;
    }
    if !checked.clean() {
        out.problems.push((
            at,
            format!(
                "the {name} entry: {}",
                checked.problems(&bytes, lbn).join("; ")
            ),
        ));
    }
    let entry = Entry::parse(bytes)?;
    if entry.file_type != want {
        out.problems.push((
            at,
            format!(
                "the {name} entry has file type {} ({}), not {want}",
                entry.file_type,
                icb::file_type_name(entry.file_type)
            ),
        ));
    }
    out.structures
        .push(entry.structure(format!("{name} entry"), blocks.position(at), lbn));
    Some((entry, at))
}

/// Reads the metadata file (or its mirror, when `mirror_first` or when the
/// main one is damaged) from the physical partition at map index
/// `physical`.
pub fn read(
    blocks: &Blocks,
    parts: &Partitions,
    physical: usize,
    tail: &MetadataTail,
    mirror_first: bool,
) -> Metadata {
    let mut out = Metadata::default();
    let main = (tail.metadata_file, icb::TYPE_METADATA, "metadata file");
    let mirror = (
        tail.mirror_file,
        icb::TYPE_METADATA_MIRROR,
        "metadata mirror file",
    );
    let order = if mirror_first {
        [mirror, main]
    } else {
        [main, mirror]
    };
    let own = u16::try_from(physical).unwrap_or(u16::MAX);
    let read_aed = |p: u16, b: u32| {
        parts
            .resolve(p, u64::from(b))
            .ok()
            .and_then(|a| blocks.read(a))
    };
    for (i, (lbn, kind, name)) in order.into_iter().enumerate() {
        let Some((entry, _)) = file(blocks, parts, physical, lbn, kind, name, &mut out) else {
            continue;
        };
        let alloc = allocation::decode(
            &entry.bytes,
            entry.ad.clone(),
            entry.ad_type(),
            own,
            &read_aed,
        );
        for p in &alloc.problems {
            out.problems.push((0, format!("{name}: {p}")));
        }
        let mut at = 0u64;
        for e in &alloc.extents {
            let n = e.bytes.div_ceil(blocks.size);
            if let Piece::Recorded { block, .. } = e.piece {
                out.runs.push((at, u64::from(block), n));
            }
            at = at.saturating_add(n);
        }
        out.used_mirror = kind == icb::TYPE_METADATA_MIRROR;
        if i > 0 || mirror_first {
            // Read the other copy too, for its structure and findings.
            let (l, k, nm) = if out.used_mirror { main } else { mirror };
            let mut scratch = Metadata::default();
            if file(blocks, parts, physical, l, k, nm, &mut scratch).is_some() {
                out.structures.append(&mut scratch.structures);
            }
        } else {
            let mut scratch = Metadata::default();
            if file(
                blocks,
                parts,
                physical,
                mirror.0,
                mirror.1,
                mirror.2,
                &mut scratch,
            )
            .is_some()
            {
                out.structures.append(&mut scratch.structures);
            } else {
                out.problems.append(&mut scratch.problems);
            }
        }
        break;
    }
    if tail.bitmap_file != u32::MAX {
        let mut scratch = Metadata::default();
        if file(
            blocks,
            parts,
            physical,
            tail.bitmap_file,
            icb::TYPE_METADATA_BITMAP,
            "metadata bitmap file",
            &mut scratch,
        )
        .is_some()
        {
            for mut s in scratch.structures {
                s.kind = crate::structure::Kind::SpaceBitmap;
                out.structures.push(s);
            }
        }
    }
    out
}
