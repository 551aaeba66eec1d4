//! On-disk structures, each declared once.
//!
//! A declaration ([`declare!`](crate::structure::declare)) names every field
//! of a fixed-size structure: its offset, length, codec, name, meaning and
//! specification section. From that one table come both the typed struct
//! the readers use (`GptHeader::decode(bytes)?.entry_count`) and the
//! annotated field list that the inspector, `locate`, `sector --json` and
//! `discscope structure` show ([`Layout::fields`]). A field that lies past
//! the end of the bytes given is an error naming the structure, the field
//! and its offset, never a silent zero.
//!
//! This module sits below every reader (containers, partition tables,
//! filesystems), so they share one vocabulary for what they found.

mod codec;
pub mod dos_time;
pub mod named;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

pub use codec::{
    Ascii, Be16, Be16Hex, Be32, Be32Hex, Be64, BeI32, Both, Both16, Both32, Bytes, Codec, Guid,
    Hex8, Latin1, Le16, Le16Hex, Le32, Le32Hex, Le64, Le64Hex, LeI32, Raw, Reserved, U8, Ucs2Be,
    Utf16Le, guid_text, hex_bytes, latin1_trimmed, ucs2be_text,
};

/// What a structure is, as `locate` and `structure --json` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// ISO 9660's first 16 sectors.
    SystemArea,
    VolumeDescriptor,
    PathTable,
    /// A directory's records or entries (ISO 9660 records, FAT entries, a
    /// FAT12/16 root directory area).
    Directory,
    BootCatalog,
    /// A FAT boot sector with its BIOS parameter block.
    Bpb,
    Fsinfo,
    /// A copy of the file allocation table.
    Fat,
    /// MBR, EBR, GPT header and entry array, APM entries.
    PartitionTable,
    /// An entry of an image's descriptor file (a CloneCD `.ccd` section).
    Descriptor,
    /// A UDF volume recognition descriptor (BEA01, NSR02/03, TEA01).
    Recognition,
    /// A UDF anchor volume descriptor pointer.
    Anchor,
    /// A UDF logical volume integrity descriptor.
    Integrity,
    /// A UDF file set descriptor.
    FileSet,
    /// An information control block: a UDF file entry, extended file
    /// entry, indirect or terminal entry.
    Icb,
    /// A UDF allocation extent descriptor (continued allocation).
    AllocationExtent,
    /// A UDF sparing table.
    SparingTable,
    /// A UDF virtual allocation table.
    Vat,
    /// A space bitmap (UDF's metadata bitmap file).
    SpaceBitmap,
    /// HFS boot blocks (the first 1024 bytes of a volume).
    BootBlocks,
    /// An HFS master directory block or an HFS+ volume header (and their
    /// alternate copies).
    VolumeHeader,
    /// A B-tree node (HFS and HFS+ catalog, extents, attributes files).
    BtreeNode,
    /// A record of a catalog B-tree's leaf node (a file, folder or thread).
    CatalogRecord,
    /// A volume bitmap or HFS+ allocation file.
    AllocationBitmap,
    /// A special file's area (extents overflow, catalog, attributes,
    /// startup).
    SpecialFile,
    /// A journal's info block, header or area.
    Journal,
}

impl Kind {
    /// The name in `locate --json` and `structure --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SystemArea => "system_area",
            Kind::VolumeDescriptor => "volume_descriptor",
            Kind::PathTable => "path_table",
            Kind::Directory => "dir",
            Kind::BootCatalog => "boot_catalog",
            Kind::Bpb => "bpb",
            Kind::Fsinfo => "fsinfo",
            Kind::Fat => "fat",
            Kind::PartitionTable => "partition_table",
            Kind::Descriptor => "descriptor",
            Kind::Recognition => "recognition",
            Kind::Anchor => "anchor",
            Kind::Integrity => "integrity",
            Kind::FileSet => "file_set",
            Kind::Icb => "icb",
            Kind::AllocationExtent => "allocation_extent",
            Kind::SparingTable => "sparing_table",
            Kind::Vat => "vat",
            Kind::SpaceBitmap => "space_bitmap",
            Kind::BootBlocks => "boot_blocks",
            Kind::VolumeHeader => "volume_header",
            Kind::BtreeNode => "btree_node",
            Kind::CatalogRecord => "catalog_record",
            Kind::AllocationBitmap => "allocation_bitmap",
            Kind::SpecialFile => "special_file",
            Kind::Journal => "journal",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A decoded field value: a number for integers, text otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Unsigned(u64),
    Signed(i64),
    /// A number people read in hex (flags, checksums, type codes), with
    /// the digits to show.
    Hex(u64, u8),
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unsigned(v) => write!(f, "{v}"),
            Value::Signed(v) => write!(f, "{v}"),
            Value::Hex(v, digits) => write!(f, "{v:#0width$x}", width = usize::from(*digits) + 2),
            Value::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Unsigned(v) | Value::Hex(v, _) => s.serialize_u64(*v),
            Value::Signed(v) => s.serialize_i64(*v),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

/// One annotated field of a structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Bytes from the start of the structure.
    pub offset: u64,
    pub length: u64,
    pub name: Cow<'static, str>,
    /// The decoded value (text from an image: escape it for display).
    pub value: Value,
    /// What this value means, or what a check of it found ("EFI",
    /// "bad: computed 0x1234"), when there is more to say than the value.
    pub note: Option<String>,
    /// One line for people.
    pub meaning: Cow<'static, str>,
    /// The specification section that defines it.
    pub source: &'static str,
}

impl Field {
    /// A field with no declaration behind it (a variable-length part).
    pub fn new(
        offset: u64,
        length: u64,
        name: impl Into<Cow<'static, str>>,
        value: Value,
        meaning: impl Into<Cow<'static, str>>,
        source: &'static str,
    ) -> Field {
        Field {
            offset,
            length,
            name: name.into(),
            value,
            note: None,
            meaning: meaning.into(),
            source,
        }
    }

    /// The value as people read it, with its note.
    pub fn text(&self) -> String {
        match &self.note {
            Some(note) if self.value == Value::Text(String::new()) => note.clone(),
            Some(note) => format!("{} ({note})", self.value),
            None => self.value.to_string(),
        }
    }

    /// Whether byte `at` of the structure belongs to this field.
    pub fn covers(&self, at: u64) -> bool {
        at >= self.offset && at - self.offset < self.length
    }
}

/// One declared field: where it is and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub offset: usize,
    pub length: usize,
    pub name: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
    /// The bytes the codec needs, when fixed: a declaration must match it.
    pub width: Option<usize>,
    pub value: fn(&[u8]) -> Value,
    pub note: fn(&[u8]) -> Option<String>,
}

/// A structure's declaration.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub name: &'static str,
    pub kind: Kind,
    /// The specification the fields come from.
    pub source: &'static str,
    /// Bytes in the structure (every field lies inside).
    pub size: usize,
    pub fields: &'static [FieldSpec],
}

impl Layout {
    /// Every field found in `bytes` (the structure's bytes from its
    /// start), placed `shift` bytes into an enclosing structure and named
    /// with `prefix` when it is one of several (`entry 2 type`).
    pub fn fields_at(&self, bytes: &[u8], shift: u64, prefix: Option<&str>) -> Vec<Field> {
        self.fields
            .iter()
            .filter_map(|spec| {
                let raw = bytes.get(spec.offset..spec.offset.checked_add(spec.length)?)?;
                let name = match prefix {
                    Some(prefix) => Cow::Owned(format!("{prefix} {}", spec.name)),
                    None => Cow::Borrowed(spec.name),
                };
                Some(Field {
                    offset: shift + spec.offset as u64,
                    length: spec.length as u64,
                    name,
                    value: (spec.value)(raw),
                    note: (spec.note)(raw),
                    meaning: Cow::Borrowed(spec.meaning),
                    source: spec.source,
                })
            })
            .collect()
    }

    /// Every field found in `bytes`.
    pub fn fields(&self, bytes: &[u8]) -> Vec<Field> {
        self.fields_at(bytes, 0, None)
    }

    /// The structure at `place`, every field annotated.
    pub fn structure(&self, bytes: &[u8], place: Place) -> Structure {
        Structure {
            kind: self.kind,
            name: self.name.to_owned(),
            place,
            length: self.size as u64,
            fields: self.fields(bytes),
        }
    }

    /// The declaration's fields, with the ranges not covered by any field
    /// and those covered twice: both are mistakes in a declaration.
    pub fn tiling(&self) -> Tiling {
        let mut covered = vec![0u8; self.size];
        let mut tiling = Tiling::default();
        for spec in self.fields {
            if spec.width.is_some_and(|w| w != spec.length) {
                tiling.wrong_width.push(spec.name);
            }
            for at in spec.offset..spec.offset + spec.length {
                match covered.get_mut(at) {
                    Some(count) => *count = count.saturating_add(1),
                    None => tiling.outside.push(spec.name),
                }
            }
        }
        let runs = |want: fn(u8) -> bool, out: &mut Vec<std::ops::Range<usize>>| {
            let mut start = None;
            for (at, &count) in covered.iter().chain(std::iter::once(&1)).enumerate() {
                match (want(count) && at < covered.len(), start) {
                    (true, None) => start = Some(at),
                    (false, Some(from)) => {
                        out.push(from..at);
                        start = None;
                    }
                    _ => {}
                }
            }
        };
        runs(|c| c == 0, &mut tiling.gaps);
        runs(|c| c > 1, &mut tiling.overlaps);
        tiling.outside.dedup();
        tiling
    }
}

/// What [`Layout::tiling`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tiling {
    pub gaps: Vec<std::ops::Range<usize>>,
    pub overlaps: Vec<std::ops::Range<usize>>,
    /// Fields reaching past the declared size.
    pub outside: Vec<&'static str>,
    /// Fields whose length differs from what their codec reads.
    pub wrong_width: Vec<&'static str>,
}

impl Tiling {
    pub fn is_exact(&self) -> bool {
        *self == Tiling::default()
    }
}

/// Where a structure's bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Byte `n` of the medium's user data: the block at LBA
    /// `n / block_size`, byte `n % block_size` of it (block size 2048 on
    /// optical media, the sector size on disks).
    Medium(u64),
    /// Byte `offset` of a descriptor file outside the sector space (a
    /// `.ccd`).
    File { path: Arc<Path>, offset: u64 },
}

impl Place {
    /// The place `by` bytes further on.
    pub fn shifted(&self, by: u64) -> Place {
        match self {
            Place::Medium(at) => Place::Medium(at.saturating_add(by)),
            Place::File { path, offset } => Place::File {
                path: Arc::clone(path),
                offset: offset.saturating_add(by),
            },
        }
    }

    /// The medium position, for structures in the sector space.
    pub fn medium(&self) -> Option<u64> {
        match self {
            Place::Medium(at) => Some(*at),
            Place::File { .. } => None,
        }
    }
}

/// An on-disk structure as found: what it is, where, and its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Structure {
    pub kind: Kind,
    /// A short human name ("Primary volume descriptor").
    pub name: String,
    pub place: Place,
    /// Bytes it spans.
    pub length: u64,
    /// Decoded fields in offset order (empty for a bare area such as a FAT
    /// copy).
    pub fields: Vec<Field>,
}

impl Structure {
    /// A structure with no fields yet.
    pub fn new(kind: Kind, name: impl Into<String>, place: Place, length: u64) -> Structure {
        Structure {
            kind,
            name: name.into(),
            place,
            length,
            fields: Vec::new(),
        }
    }

    /// Adds the fields of `layout` read from `bytes`, which sit `shift`
    /// bytes into this structure.
    pub fn with(mut self, layout: &Layout, bytes: &[u8], shift: u64, prefix: Option<&str>) -> Self {
        self.fields.extend(layout.fields_at(bytes, shift, prefix));
        self
    }

    /// Adds one field.
    pub fn push(&mut self, field: Field) {
        self.fields.push(field);
    }

    /// Notes a check's result on the field called `name`.
    pub fn note(&mut self, name: &str, note: impl Into<String>) {
        if let Some(field) = self.fields.iter_mut().find(|f| f.name == name) {
            field.note = Some(note.into());
        }
    }

    /// The field holding byte `at` of the structure.
    pub fn field_at(&self, at: u64) -> Option<&Field> {
        self.fields.iter().find(|f| f.covers(at))
    }

    /// The medium byte range it spans, for structures in the sector space.
    pub fn medium_range(&self) -> Option<std::ops::Range<u64>> {
        let start = self.place.medium()?;
        Some(start..start.saturating_add(self.length))
    }
}

/// Reads one declared field, or says which field lies past the end.
pub fn decode_field<C: Codec>(
    bytes: &[u8],
    layout: &Layout,
    offset: usize,
    length: usize,
    field: &'static str,
) -> Result<C::Out> {
    offset
        .checked_add(length)
        .and_then(|end| bytes.get(offset..end))
        .map(C::decode)
        .ok_or(Error::Truncated {
            structure: layout.name,
            field,
            offset,
            length,
            available: bytes.len(),
        })
}

/// Declares a fixed-size on-disk structure once: the typed struct with a
/// `decode` constructor, and its [`Layout`] as `Name::LAYOUT`.
///
/// ```ignore
/// declare! {
///     /// A GPT header.
///     pub struct GptHeader = "GPT header", PartitionTable, "UEFI 2.10 §5.3.2", 92 {
///         0, 8 => signature: Raw<8>, "signature", "EFI PART marks a GPT header";
///         8, 4 => revision: Le32Hex, "revision", "0x00010000 is 1.0";
///         // ...
///     }
/// }
/// ```
///
/// Each field is `offset, length => name: Codec, "label", "meaning"`, with
/// an optional `, "section"` when the field's own section differs from the
/// structure's.
macro_rules! declare {
    (@source $field:literal; $whole:literal) => { $field };
    (@source ; $whole:literal) => { $whole };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident = $title:literal, $kind:ident, $source:literal, $size:literal {
            $(
                $(#[$fmeta:meta])*
                $offset:literal, $length:literal => $field:ident : $codec:ty,
                $label:literal, $meaning:literal $(, $fsource:literal)?;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: <$codec as $crate::structure::Codec>::Out, )*
        }

        impl $name {
            /// Where each field is, what it means, and how it reads.
            #[allow(dead_code)]
            $vis const LAYOUT: $crate::structure::Layout = $crate::structure::Layout {
                name: $title,
                kind: $crate::structure::Kind::$kind,
                source: $source,
                size: $size,
                fields: &[$(
                    $crate::structure::FieldSpec {
                        offset: $offset,
                        length: $length,
                        name: $label,
                        meaning: $meaning,
                        source: $crate::structure::declare!(@source $($fsource)?; $source),
                        width: <$codec as $crate::structure::Codec>::WIDTH,
                        value: <$codec as $crate::structure::Codec>::value,
                        note: <$codec as $crate::structure::Codec>::note,
                    },
                )*],
            };

            /// Decodes the structure at the start of `bytes`; a field past
            /// their end is an error naming it.
            #[allow(dead_code)]
            $vis fn decode(bytes: &[u8]) -> $crate::error::Result<$name> {
                Ok($name {
                    $( $field: $crate::structure::decode_field::<$codec>(
                        bytes, &Self::LAYOUT, $offset, $length, $label,
                    )?, )*
                })
            }
        }
    };
}

pub(crate) use declare;

#[cfg(test)]
mod tests {
    use super::*;

    declare! {
        /// A structure for the tests.
        struct Sample = "sample", Descriptor, "here", 8 {
            0, 2 => magic: Raw<2>, "magic", "AB";
            2, 4 => count: Le32, "count", "how many";
            6, 1 => flags: Hex8, "flags", "bits", "there §2";
            7, 1 => spare: Reserved, "reserved", "zero";
        }
    }

    #[test]
    fn one_declaration_decodes_and_annotates() {
        let bytes = [b'A', b'B', 5, 0, 0, 0, 0x81, 0];
        let s = Sample::decode(&bytes).unwrap();
        assert_eq!((s.magic, s.count, s.flags), (*b"AB", 5, 0x81));
        let fields = Sample::LAYOUT.fields(&bytes);
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[1].value, Value::Unsigned(5));
        assert_eq!(fields[2].value.to_string(), "0x81");
        assert_eq!(fields[2].source, "there §2");
        assert_eq!(fields[1].source, "here");
        assert!(Sample::LAYOUT.tiling().is_exact());
        assert_eq!(
            serde_json::to_string(&fields[2].value).unwrap(),
            "129",
            "hex values are numbers in JSON"
        );
    }

    #[test]
    fn a_truncated_structure_names_the_field_and_offset() {
        let error = Sample::decode(&[b'A', b'B', 5]).unwrap_err().to_string();
        assert!(error.contains("sample"), "{error}");
        assert!(error.contains("count"), "{error}");
        assert!(error.contains("bytes 2..6"), "{error}");
        assert!(error.contains("3 bytes"), "{error}");
    }

    #[test]
    fn tiling_finds_gaps_and_overlaps() {
        const BAD: Layout = Layout {
            name: "bad",
            kind: Kind::Descriptor,
            source: "",
            size: 8,
            fields: &[
                FieldSpec {
                    offset: 0,
                    length: 4,
                    name: "a",
                    meaning: "",
                    source: "",
                    width: Some(4),
                    value: <Le32 as Codec>::value,
                    note: <Le32 as Codec>::note,
                },
                FieldSpec {
                    offset: 2,
                    length: 2,
                    name: "b",
                    meaning: "",
                    source: "",
                    width: Some(4),
                    value: <Le32 as Codec>::value,
                    note: <Le32 as Codec>::note,
                },
            ],
        };
        let t = BAD.tiling();
        assert_eq!(t.gaps, vec![4..8]);
        assert_eq!(t.overlaps, vec![2..4]);
        assert_eq!(t.wrong_width, vec!["b"]);
    }
}
