//! Path tables: every directory once, by number, with its parent's number.
//!
// Sources: ECMA-119 §9.4 (path table record: identifier length, extended
// attribute length, extent, parent number, identifier, pad), §6.9 (type L
// little-endian, type M big-endian).

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;
use crate::structure::{
    Be16, Be32, Field, Kind, Layout, Le16, Le32, Place, Reserved, Structure, U8, Value, declare,
    ucs2be_text,
};

use super::{BLOCK, VolumeDescriptor, at_sector, names};

/// Records decoded from one table at most.
const MAX_ENTRIES: usize = 65_536;
/// Largest table read (bytes).
const MAX_SIZE: u32 = 16 * 1024 * 1024;

/// Declares the fixed part of a path table record in one byte order.
macro_rules! record {
    ($(#[$meta:meta])* $name:ident = $title:literal, $u32:ty, $u16:ty) => {
        declare! {
            $(#[$meta])*
            pub struct $name = $title, PathTable, "ECMA-119 §9.4", 8 {
                0, 1 => name_len: U8, "identifier length", "bytes of the directory identifier", "ECMA-119 §9.4.1";
                1, 1 => ext_attr_length: U8, "extended attribute length", "blocks of extended attribute record before the directory", "ECMA-119 §9.4.2";
                2, 4 => extent: $u32, "extent location", "first logical block of the directory", "ECMA-119 §9.4.3";
                6, 2 => parent: $u16, "parent directory number", "the parent's record number in this table, from 1", "ECMA-119 §9.4.4";
            }
        }
    };
}

record!(
    /// A type L (little-endian) record's fixed part.
    LittleRecord = "Path table record (type L)", Le32, Le16
);
record!(
    /// A type M (big-endian) record's fixed part.
    BigRecord = "Path table record (type M)", Be32, Be16
);

/// One path table record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathEntry {
    pub name: String,
    pub extent: u32,
    pub parent: u16,
}

/// A table's byte order and name encoding.
#[derive(Clone, Copy, Debug)]
struct Form {
    big: bool,
    joliet: bool,
}

impl Form {
    fn layout(self) -> &'static Layout {
        if self.big {
            &BigRecord::LAYOUT
        } else {
            &LittleRecord::LAYOUT
        }
    }

    /// The extent and parent number of the record `rec`.
    fn head(self, rec: &[u8]) -> Result<(u32, u16)> {
        Ok(if self.big {
            let r = BigRecord::decode(rec)?;
            (r.extent, r.parent)
        } else {
            let r = LittleRecord::decode(rec)?;
            (r.extent, r.parent)
        })
    }

    fn name(self, id: &[u8]) -> String {
        if self.joliet {
            ucs2be_text(id)
        } else {
            names::text(id).0
        }
    }
}

/// Each record of a table: its offset and bytes (fixed part and
/// identifier), up to a zero identifier length or the table's end.
fn walk(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let len = usize::from(*bytes.get(pos)?);
        if len == 0 {
            return None;
        }
        let rec = bytes.get(pos..pos + 8 + len)?;
        let at = pos;
        // A pad byte follows an odd-length identifier (§9.4.6).
        pos += 8 + len + len % 2;
        Some((at, rec))
    })
    .take(MAX_ENTRIES)
}

/// Decodes a table of `size` bytes; `big` for a type M table.
pub fn decode(bytes: &[u8], big: bool, joliet_names: bool) -> Vec<PathEntry> {
    let form = Form {
        big,
        joliet: joliet_names,
    };
    walk(bytes)
        .map_while(|(_, rec)| {
            let (extent, parent) = form.head(rec).ok()?;
            Some(PathEntry {
                name: form.name(rec.get(8..).unwrap_or_default()),
                extent,
                parent,
            })
        })
        .collect()
}

/// Every record's fields, prefixed "record N".
fn fields(bytes: &[u8], form: Form) -> Vec<Field> {
    let mut out = Vec::new();
    for (i, (at, rec)) in walk(bytes).enumerate() {
        let prefix = format!("record {}", i + 1);
        let shift = at as u64;
        out.extend(form.layout().fields_at(rec, shift, Some(&prefix)));
        let id = rec.get(8..).unwrap_or_default();
        let (name, note) = if id == [0] {
            ("\\0".to_owned(), Some("the root directory".to_owned()))
        } else {
            (form.name(id), None)
        };
        out.push(Field {
            note,
            ..Field::new(
                shift + 8,
                id.len() as u64,
                format!("{prefix} directory identifier"),
                Value::Text(name),
                "the directory's name",
                "ECMA-119 §9.4.5",
            )
        });
        let pad_at = at + rec.len();
        if id.len() % 2 == 1
            && let Some(pad) = bytes.get(pad_at..pad_at + 1)
        {
            out.push(Field::new(
                pad_at as u64,
                1,
                format!("{prefix} padding"),
                <Reserved as crate::structure::Codec>::value(pad),
                "pads an odd-length identifier",
                "ECMA-119 §9.4.6",
            ));
        }
    }
    out
}

/// Reads a table's bytes.
fn read_bytes(reader: &dyn ReadAt, lba: u32, size: u32) -> Option<Vec<u8>> {
    reader
        .read_vec(u64::from(lba) * BLOCK, size.min(MAX_SIZE) as usize)
        .ok()
}

/// Reads a table.
pub fn read(
    reader: &dyn ReadAt,
    lba: u32,
    size: u32,
    big: bool,
    joliet_names: bool,
) -> Option<Vec<PathEntry>> {
    Some(decode(&read_bytes(reader, lba, size)?, big, joliet_names))
}

/// The path tables of a descriptor as structures, every record's fields
/// in them.
pub fn structures(
    reader: &dyn ReadAt,
    vd: &VolumeDescriptor,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Structure> {
    let joliet = vd.joliet_level.is_some();
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
        let Some(bytes) = read_bytes(reader, lba, vd.path_table_size) else {
            diags.push(at_sector(
                Diagnostic::warning(
                    "iso.path-table-unreadable",
                    format!("{name} at sector {lba} is outside the image"),
                ),
                u64::from(lba),
            ));
            continue;
        };
        decoded.push(decode(&bytes, big, joliet));
        out.push(Structure {
            fields: fields(&bytes, Form { big, joliet }),
            ..Structure::new(
                Kind::PathTable,
                format!("{name}{}", if joliet { " (Joliet)" } else { "" }),
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
    use crate::error::Error;

    const L: &[u8] =
        b"\x01\x00\x14\x00\x00\x00\x01\x00\x00\x00\x03\x00\x15\x00\x00\x00\x01\x00DIR\x00";

    #[test]
    fn decodes_both_orders() {
        let e = decode(L, false, false);
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[1].name.as_str(), e[1].extent, e[1].parent),
            ("DIR", 21, 1)
        );
        let m = b"\x01\x00\x00\x00\x00\x14\x00\x01\x00\x00\x03\x00\x00\x00\x00\x15\x00\x01DIR\x00";
        assert_eq!(decode(m, true, false), e);
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(LittleRecord, BigRecord);
    }

    #[test]
    fn a_truncated_record_names_its_field() {
        match BigRecord::decode(&L[..5]) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("extent location", 2));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_record_is_annotated() {
        let fields = fields(
            L,
            Form {
                big: false,
                joliet: false,
            },
        );
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_ref()).collect();
        assert_eq!(
            names,
            [
                "record 1 identifier length",
                "record 1 extended attribute length",
                "record 1 extent location",
                "record 1 parent directory number",
                "record 1 directory identifier",
                "record 1 padding",
                "record 2 identifier length",
                "record 2 extended attribute length",
                "record 2 extent location",
                "record 2 parent directory number",
                "record 2 directory identifier",
                "record 2 padding",
            ]
        );
        assert_eq!(fields[8].value, Value::Unsigned(21));
        assert_eq!((fields[10].offset, fields[10].length), (18, 3));
        assert_eq!(fields[10].value, Value::Text("DIR".into()));
        let covered: u64 = fields.iter().map(|f| f.length).sum();
        assert_eq!(covered, L.len() as u64);
    }
}
