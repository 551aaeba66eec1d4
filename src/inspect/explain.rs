//! Explains bytes of filesystem structures: when the sector under the cursor
//! holds a volume descriptor, a boot catalog, a BPB or directory records, the
//! byte's field, value and meaning.

use crate::fs::Field;
use crate::fs::probe::View;
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
/// user data) at `lba`. `block_size` is the views' sector size.
pub fn structure_field(
    views: &[View],
    owners: &[Owner],
    lba: Lba,
    block: &[u8],
    offset: usize,
    block_size: u64,
) -> Option<Explained> {
    for view in views {
        for structure in view.fs.structures() {
            let sectors = i64::try_from(structure.bytes.div_ceil(block_size.max(1))).unwrap_or(0);
            if lba < structure.lba || lba.0 >= structure.lba.0.saturating_add(sectors) {
                continue;
            }
            let base = u64::try_from(lba.0 - structure.lba.0).unwrap_or(0) * block_size;
            let at = base + offset as u64;
            if let Some(field) = structure
                .fields
                .iter()
                .find(|f| (f.offset..f.offset + f.length).contains(&at))
            {
                return Some(Explained {
                    structure: structure.name.clone(),
                    in_block: clamp(field.offset, field.length, base, block.len()),
                    field: field.clone(),
                });
            }
        }
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
