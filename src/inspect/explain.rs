//! "Explain this byte": the structures in or over a block, and the field
//! under a byte of it. The inspector and `discscope structure` both read
//! these.

use std::ops::Range;

use crate::inspect::owners::{Owner, OwnerKind};
use crate::structure::{Field, Structure};
use crate::survey::{Scope, Survey};
use crate::units::Lba;

/// A field of a structure, with the structure it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// "Primary volume descriptor", "Directory record", ...
    pub structure: String,
    pub field: Field,
    /// The field's bytes within this block (clamped to it).
    pub in_block: Range<usize>,
}

/// Every structure that starts in or covers the block at `lba`: the
/// survey's, and the records of a directory whose data the block holds
/// (known from `owners`). `block` is the block's user data.
pub fn structures_at(
    survey: &Survey,
    owners: &[Owner],
    lba: Lba,
    block: &[u8],
) -> Vec<(Scope, Structure)> {
    let size = survey.medium.block_size();
    let Some(start) = u64::try_from(lba.0).ok().and_then(|l| l.checked_mul(size)) else {
        return Vec::new();
    };
    let here = start..start + size;
    let mut out: Vec<(Scope, Structure)> = survey
        .structures()
        .iter()
        .filter(|(_, s)| {
            s.medium_range()
                .is_some_and(|r| r.start < here.end && here.start < r.end.max(r.start + 1))
        })
        .cloned()
        .collect();
    for owner in owners.iter().filter(|o| o.kind == OwnerKind::Dir) {
        let Some(kind) = owner.view() else { continue };
        let Some(view) = survey.views.iter().find(|v| v.kind == kind) else {
            continue;
        };
        let records = view.fs.directory_structures(block, start);
        let new: Vec<_> = records
            .into_iter()
            .filter(|s| {
                !out.iter()
                    .any(|(_, o)| o.place == s.place && o.name == s.name)
            })
            .collect();
        out.extend(new.into_iter().map(|s| (Scope::View(kind), s)));
    }
    out
}

/// The field covering byte `offset` of the block at `lba` (`block_len`
/// bytes of user data, `block_size` the medium's block size), among
/// `structures`.
pub fn field_at(
    structures: &[(Scope, Structure)],
    lba: Lba,
    block_size: u64,
    block_len: usize,
    offset: usize,
) -> Option<Explained> {
    let block_start = u64::try_from(lba.0).ok()?.checked_mul(block_size)?;
    let at = block_start + offset as u64;
    structures.iter().find_map(|(_, structure)| {
        let start = structure.place.medium()?;
        let field = structure.field_at(at.checked_sub(start)?)?;
        let from = (start + field.offset).saturating_sub(block_start);
        let to = (start + field.offset + field.length).saturating_sub(block_start);
        let clamp = |v: u64| usize::try_from(v).unwrap_or(usize::MAX).min(block_len);
        Some(Explained {
            structure: structure.name.clone(),
            in_block: clamp(from)..clamp(to),
            field: field.clone(),
        })
    })
}
