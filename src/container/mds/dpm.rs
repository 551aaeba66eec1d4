//! Data position measurement: Alcohol's record of how long the drive took
//! to reach sectors across the disc, which copy protections compare with
//! the real disc. It is shown as the data it is and not used for timing.
//!
//! Sources: libmirage's notes on MDS: at the header's DPM offset a 32-bit
//! count of blocks and the offset of each; each block a 16-byte head
//! (number, first sector, resolution in sectors, entries) and then the
//! entries, 32 bits each.

use super::parse::{Reader, slice};
use super::records::{DpmBlock, MdsHeader};
use crate::diagnostic::{Diagnostic, Location};
use crate::structure::{Field, Kind, Structure, Value};

/// The most DPM blocks read.
pub const MAX_BLOCKS: usize = 16;
/// The most entries of one block shown field by field.
pub const MAX_SHOWN: usize = 4096;

fn le32(bytes: &[u8], at: u64) -> Option<u32> {
    let raw = slice(bytes, at, 4)?;
    Some(u32::from_le_bytes([
        *raw.first()?,
        *raw.get(1)?,
        *raw.get(2)?,
        *raw.get(3)?,
    ]))
}

fn outside(reader: &mut Reader<'_>, what: String, from: u64) {
    reader
        .found
        .push(Diagnostic::error("mds.block-outside", what).at(Location::Offset(from)));
}

/// Shows the DPM table and its blocks.
pub fn blocks(reader: &mut Reader<'_>, header: &MdsHeader) {
    if header.dpm_offset == 0 {
        return;
    }
    let at = u64::from(header.dpm_offset);
    let Some(count) = le32(reader.bytes, at) else {
        outside(
            reader,
            format!("the DPM table at {at:#x} lies past the end of the descriptor"),
            84,
        );
        return;
    };
    let count = count as usize;
    if count > MAX_BLOCKS {
        reader.found.push(
            Diagnostic::warning(
                "mds.dpm",
                format!("the DPM table counts {count} blocks; the first {MAX_BLOCKS} are read"),
            )
            .at(Location::Offset(at)),
        );
    }
    let mut table = Structure::new(Kind::Descriptor, "", reader.place(at), 4);
    table.push(Field::new(
        0,
        4,
        "blocks",
        Value::Unsigned(count as u64),
        "DPM blocks that follow",
        "MDS 1.x DPM",
    ));
    let mut offsets = Vec::new();
    for i in 0..count.min(MAX_BLOCKS) as u64 {
        let Some(offset) = le32(reader.bytes, at + 4 + 4 * i) else {
            break;
        };
        table.push(Field::new(
            4 + 4 * i,
            4,
            format!("block {} offset", i + 1),
            Value::Unsigned(u64::from(offset)),
            "where in the .mds the block is",
            "MDS 1.x DPM",
        ));
        table.length = 8 + 4 * i;
        offsets.push((offset, at + 4 + 4 * i));
    }
    reader.show(table, "MDS DPM table");
    for (number, (offset, from)) in offsets.into_iter().enumerate() {
        block(reader, u64::from(offset), from, number + 1);
    }
}

/// One DPM block and its entries.
fn block(reader: &mut Reader<'_>, at: u64, from: u64, number: usize) {
    let Some(Ok(head)) = slice(reader.bytes, at, 16).map(DpmBlock::decode) else {
        outside(
            reader,
            format!("DPM block {number} at {at:#x} runs past the end of the descriptor"),
            from,
        );
        return;
    };
    let available = (reader.bytes.len() as u64).saturating_sub(at.saturating_add(16)) / 4;
    let entries = (head.entries as usize).min(available as usize);
    if entries < head.entries as usize {
        reader.found.push(
            Diagnostic::error(
                "mds.block-outside",
                format!(
                    "DPM block {number} counts {} entries; the descriptor holds {entries}",
                    head.entries
                ),
            )
            .at(Location::Offset(at + 12)),
        );
    }
    let shown = entries.min(MAX_SHOWN);
    let Some(raw) = slice(reader.bytes, at, 16) else {
        return;
    };
    let mut structure = DpmBlock::LAYOUT.structure(raw, reader.place(at));
    structure.length = 16 + 4 * entries as u64;
    for i in 0..shown as u64 {
        let Some(value) = le32(reader.bytes, at + 16 + 4 * i) else {
            break;
        };
        let sector = u64::from(head.start) + i * u64::from(head.resolution);
        structure.push(Field::new(
            16 + 4 * i,
            4,
            format!("entry {} (sector {sector})", i + 1),
            Value::Unsigned(u64::from(value)),
            "the time measured to reach this sector, in the drive's units",
            "MDS 1.x DPM",
        ));
    }
    if shown < entries {
        let rest = (entries - shown) as u64;
        structure.push(Field::new(
            16 + 4 * shown as u64,
            4 * rest,
            "more entries",
            Value::Text(format!("{rest} entries")),
            "further measurements, not shown one by one",
            "MDS 1.x DPM",
        ));
    }
    reader.show(structure, &format!("MDS DPM block {number}"));
}
