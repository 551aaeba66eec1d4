//! Explains bytes of filesystem structures: when the sector under the cursor
//! holds a volume descriptor, a boot catalog, a BPB or directory records, the
//! byte's field, value and meaning.

use crate::fs::probe::View;
use crate::fs::{Field, Structure};
use crate::inspect::owners::Owner;
use crate::units::Lba;

/// A field of a structure, with the structure it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// "Primary volume descriptor", "directory record", ...
    pub structure: String,
    pub field: Field,
    /// The field's bytes within this block (clamped to it).
    pub in_block: std::ops::Range<usize>,
}

fn clamp(start: u64, length: u64, base: u64, block: usize) -> std::ops::Range<usize> {
    let start_in = start.saturating_sub(base);
    let end_in = (start + length).saturating_sub(base);
    let to = |v: u64| usize::try_from(v).unwrap_or(usize::MAX).min(block);
    to(start_in)..to(end_in)
}

/// The structure field covering byte `offset` of the block (`block` bytes of
/// user data) at `lba`. `block_size` is the views' sector size; `table` holds
/// the partition table's structures, which count 512-byte units.
pub fn structure_field(
    views: &[View],
    table: &[Structure],
    owners: &[Owner],
    lba: Lba,
    block: &[u8],
    offset: usize,
    block_size: u64,
) -> Option<Explained> {
    let block_start = u64::try_from(lba.0).ok()?.checked_mul(block_size)?;
    let at = block_start + offset as u64;
    let found = views
        .iter()
        .flat_map(|v| v.fs.structures())
        .map(|s| (s, block_size))
        .chain(table.iter().map(|s| (s.clone(), 512)))
        .find_map(|(structure, unit)| {
            let start = u64::try_from(structure.lba.0).ok()?.checked_mul(unit)?;
            let field = structure.fields.iter().find(|f| {
                let from = start + f.offset;
                (from..from + f.length).contains(&at)
            })?;
            Some(Explained {
                structure: structure.name.clone(),
                in_block: clamp(start + field.offset, field.length, block_start, block.len()),
                field: field.clone(),
            })
        });
    if found.is_some() {
        return found;
    }
    let directory = owners
        .iter()
        .any(|o| o.kind == "dir" && matches!(o.filesystem, "iso9660" | "joliet" | "rockridge"));
    if directory {
        return crate::fs::iso9660::directory_field(block, offset).map(|field| Explained {
            structure: "directory record".to_owned(),
            in_block: clamp(field.offset, field.length, 0, block.len()),
            field,
        });
    }
    None
}
