//! "Explain this byte": the structures in or over a block, and the field
//! under a byte of it. The inspector and `discscope structure` both read
//! these.

use std::ops::Range;

use crate::error::Result;
use crate::inspect::owners::{Owner, OwnerKind};
use crate::io::{FileSource, ReadAt};
use crate::medium::Origin;
use crate::structure::{Field, Place, Structure};
use crate::survey::{Scope, Survey, lba_of};
use crate::units::Lba;

/// The most bytes of one structure read to show its fields' raw bytes.
const MAX_STRUCTURE_BYTES: u64 = 1 << 20;

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
    // How a packing container (CHD) stores the sector: its map entries.
    if let Some(store) = &survey.medium.store {
        out.extend(
            store
                .structures_at(lba)
                .into_iter()
                .map(|s| (Scope::Container, s)),
        );
    }
    // Directories bring their records; a node's own records (a UDF file
    // entry) are decoded by their view the same way.
    let decodes = |o: &&Owner| {
        o.kind == OwnerKind::Dir || (matches!(o.kind, OwnerKind::Structure(_)) && o.path.is_some())
    };
    for owner in owners.iter().filter(decodes) {
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

/// A structure as `discscope structure` shows it: where its bytes are in
/// the image, and the bytes themselves.
#[derive(Clone, Debug)]
pub struct Located {
    pub scope: Scope,
    pub structure: Structure,
    /// Its first byte in its file (the data file, or a descriptor file),
    /// when the image stores it.
    pub image_offset: Option<u64>,
    /// Its first byte within its first sector as stored (after a raw
    /// sector's sync and header), for structures in the sector space.
    pub sector_offset: Option<u64>,
    /// Its bytes (at most 1 MiB), which the fields' ranges index.
    pub bytes: Vec<u8>,
}

/// Every structure in or over the sector at `lba`, with its place in the
/// image and its bytes. `owners` are the sector's owners (directories
/// bring their records).
pub fn located(survey: &Survey, owners: &[Owner], lba: Lba) -> Result<Vec<Located>> {
    let medium = &survey.medium;
    let sector = medium.read_sector(lba)?;
    let start = medium.user_data_offset(&sector);
    let block = sector
        .bytes
        .get(start..)
        .and_then(|b| b.get(..b.len().min(medium.block_size() as usize)))
        .unwrap_or_default();
    let size = medium.block_size();
    structures_at(survey, owners, lba, block)
        .into_iter()
        .map(|(scope, structure)| {
            let want = structure.length.min(MAX_STRUCTURE_BYTES) as usize;
            let (image_offset, sector_offset, bytes) = match &structure.place {
                Place::Medium(at) => {
                    let first = medium.read_sector(lba_of(*at, size))?;
                    let within = medium.user_data_offset(&first) as u64 + at % size;
                    let image = match first.origin {
                        Origin::File { offset, .. } => Some(offset + within),
                        Origin::Virtual(_) => None,
                    };
                    let bytes = match survey.user_data() {
                        Some(data) => read_up_to(data, *at, want)?,
                        None => Vec::new(),
                    };
                    (image, Some(within), bytes)
                }
                Place::File { path, offset } => {
                    let file = FileSource::open(path)?;
                    (Some(*offset), None, read_up_to(&file, *offset, want)?)
                }
            };
            Ok(Located {
                scope,
                structure,
                image_offset,
                sector_offset,
                bytes,
            })
        })
        .collect()
}

/// Up to `want` bytes at `offset`, fewer at the end of the source.
fn read_up_to(source: &dyn ReadAt, offset: u64, want: usize) -> Result<Vec<u8>> {
    let available = source.len().saturating_sub(offset).min(want as u64) as usize;
    source.read_vec(offset, available)
}
