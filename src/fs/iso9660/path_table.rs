//! Path tables: every directory once, by number, with its parent's number.
//!
// Sources: ECMA-119 §9.4 (path table record: identifier length, extended
// attribute length, extent LE/BE, parent number LE/BE, identifier, pad),
// §6.9 (type L little-endian, type M big-endian).

use crate::diagnostic::Diagnostic;
use crate::io::ReadAt;
use crate::structure::{Field, Kind, Place, Structure, Value};

use super::{BLOCK, VolumeDescriptor, at_sector, joliet, names};

/// Records decoded from one table at most.
const MAX_ENTRIES: usize = 65_536;
/// Largest table read (bytes).
const MAX_SIZE: u32 = 16 * 1024 * 1024;

/// One path table record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathEntry {
    pub name: String,
    pub extent: u32,
    pub parent: u16,
}

/// Decodes a table of `size` bytes; `big` for a type M table.
pub fn decode(bytes: &[u8], big: bool, joliet_names: bool) -> Vec<PathEntry> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let (Some(&len), true) = (bytes.get(pos), out.len() < MAX_ENTRIES) {
        let len = usize::from(len);
        let Some(rec) = bytes.get(pos..pos + 8 + len) else {
            break;
        };
        if len == 0 {
            break;
        }
        let word = |at: usize| -> [u8; 4] {
            let mut w = [0u8; 4];
            for (i, b) in w.iter_mut().enumerate() {
                *b = rec.get(at + i).copied().unwrap_or(0);
            }
            w
        };
        let half = [
            rec.get(6).copied().unwrap_or(0),
            rec.get(7).copied().unwrap_or(0),
        ];
        let (extent, parent) = if big {
            (u32::from_be_bytes(word(2)), u16::from_be_bytes(half))
        } else {
            (u32::from_le_bytes(word(2)), u16::from_le_bytes(half))
        };
        let id = rec.get(8..).unwrap_or_default();
        let name = if joliet_names {
            joliet::decode(id)
        } else {
            names::latin1(id)
        };
        out.push(PathEntry {
            name,
            extent,
            parent,
        });
        pos += 8 + len + len % 2;
    }
    out
}

/// Reads a table.
pub fn read(
    reader: &dyn ReadAt,
    lba: u32,
    size: u32,
    big: bool,
    joliet_names: bool,
) -> Option<Vec<PathEntry>> {
    let bytes = reader
        .read_vec(u64::from(lba) * BLOCK, size.min(MAX_SIZE) as usize)
        .ok()?;
    Some(decode(&bytes, big, joliet_names))
}

/// The path tables of a descriptor as structures, each entry a field.
pub fn structures(
    reader: &dyn ReadAt,
    vd: &VolumeDescriptor,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Structure> {
    let joliet_names = vd.joliet_level.is_some();
    let mut out = Vec::new();
    let mut decoded: Vec<Vec<PathEntry>> = Vec::new();
    for (lba, big, name) in [
        (vd.l_table, false, "Type L path table"),
        (vd.l_table_optional, false, "Optional type L path table"),
        (vd.m_table, true, "Type M path table"),
        (vd.m_table_optional, true, "Optional type M path table"),
    ] {
        if lba == 0 {
            continue;
        }
        let Some(entries) = read(reader, lba, vd.path_table_size, big, joliet_names) else {
            diags.push(at_sector(
                Diagnostic::warning(
                    "iso.path-table-unreadable",
                    format!("{name} at sector {lba} is outside the image"),
                ),
                u64::from(lba),
            ));
            continue;
        };
        let mut fields = Vec::new();
        let mut offset = 0u64;
        for (i, e) in entries.iter().enumerate() {
            let len = if joliet_names {
                e.name.encode_utf16().count() * 2
            } else {
                e.name.len()
            } as u64;
            fields.push(Field::new(
                offset,
                8 + len,
                "directory",
                Value::Text(format!(
                    "#{} {:?} at sector {}, parent #{}",
                    i + 1,
                    e.name,
                    e.extent,
                    e.parent
                )),
                "path table record",
                "ECMA-119 §9.4",
            ));
            offset += 8 + len + len % 2;
        }
        decoded.push(entries);
        out.push(Structure {
            fields,
            ..Structure::new(
                Kind::PathTable,
                format!("{name}{}", if joliet_names { " (Joliet)" } else { "" }),
                Place::Medium(u64::from(lba) * BLOCK),
                u64::from(vd.path_table_size),
            )
        });
    }
    if let [first, rest @ ..] = decoded.as_slice()
        && rest.iter().any(|t| t != first)
    {
        diags.push(at_sector(
            Diagnostic::warning(
                "iso.path-tables-differ",
                "the copies of the path table disagree",
            ),
            u64::from(vd.l_table),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_orders() {
        let l = b"\x01\x00\x14\x00\x00\x00\x01\x00\x00\x00\x03\x00\x15\x00\x00\x00\x01\x00DIR\x00";
        let e = decode(l, false, false);
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[1].name.as_str(), e[1].extent, e[1].parent),
            ("DIR", 21, 1)
        );
    }
}
