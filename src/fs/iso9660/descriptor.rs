//! Volume descriptors: the set that starts at sector 16 of a session.
//!
// Sources: ECMA-119 4th ed. §8.1 (descriptor header), §8.2 (boot record),
// §8.4 (primary), §8.5 (supplementary and enhanced, §8.5.1 version 2),
// §8.6 (partition), §8.3 (terminator), §8.4.26.1 (17-byte dates);
// Joliet specification (escape sequences %/@ %/C %/E); El Torito §2.0
// (boot record: "EL TORITO SPECIFICATION", catalog pointer at byte 0x47).

use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::fs::Detail;
use crate::io::ReadAt;
use crate::structure::{
    Ascii, Be32, Both16, Both32, Bytes, Codec, Hex8, Latin1, Layout, Le32, Place, Reserved,
    Structure, U8, Ucs2Be, Value,
};
use crate::timestamp::Timestamp;
use crate::units::Lba;

use super::dirent::{self, Record, RootRecord};
use super::joliet::{self, Escapes};
use crate::structure::named::codes;

const BLOCK: u64 = 2048;
/// Descriptors read before giving up on a missing terminator.
const MAX_DESCRIPTORS: u64 = 256;

/// What a primary, supplementary or enhanced descriptor says.
#[derive(Clone, Debug)]
pub struct VolumeDescriptor {
    pub lba: Lba,
    /// 1 primary, 2 supplementary or enhanced.
    pub kind: u8,
    pub version: u8,
    /// 1-3 for Joliet.
    pub joliet_level: Option<u8>,
    pub label: String,
    pub space_size: u32,
    pub block_size: u16,
    pub path_table_size: u32,
    pub l_table: u32,
    pub l_table_optional: u32,
    pub m_table: u32,
    pub m_table_optional: u32,
    pub root: Option<Record>,
    /// The fields people compare with `isoinfo -d` (identifiers, dates,
    /// sizes), for `info`.
    pub details: Vec<Detail>,
}

/// The whole descriptor set of a session.
#[derive(Clone, Debug, Default)]
pub struct DescriptorSet {
    pub primary: Option<VolumeDescriptor>,
    pub joliet: Option<VolumeDescriptor>,
    pub enhanced: Option<VolumeDescriptor>,
    /// The El Torito boot catalog's LBA.
    pub boot_catalog: Option<u32>,
    pub structures: Vec<Structure>,
}

/// The 17-byte date: sixteen digits and a 15-minute UTC offset; all zeros
/// means "not specified".
pub fn date17(b: &[u8]) -> Option<Timestamp> {
    let digits = b.get(..16)?;
    if digits.iter().all(|&c| c == b'0' || c == 0) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(digits.get(r)?).ok()?.parse().ok()
    };
    let offset = dirent::utc_offset(*b.get(16)?).unwrap_or(0);
    let mut t = Timestamp::from_civil(
        i64::from(num(0..4)?),
        num(4..6)?,
        num(6..8)?,
        num(8..10)?,
        num(10..12)?,
        num(12..14)?,
        offset,
    )?;
    t.nanos = num(14..16)? * 10_000_000;
    Some(t)
}

/// A 17-byte date (§8.4.26.1).
#[derive(Clone, Copy, Debug)]
pub struct Date17;

impl Codec for Date17 {
    type Out = Option<Timestamp>;
    const WIDTH: Option<usize> = Some(17);
    fn decode(raw: &[u8]) -> Option<Timestamp> {
        date17(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(date17(raw).map_or_else(|| "not specified".to_owned(), |t| t.rfc3339()))
    }
    fn note(raw: &[u8]) -> Option<String> {
        let unset = raw.iter().take(16).all(|&c| c == b'0' || c == 0);
        match date17(raw) {
            None => (!unset).then(|| "not a valid date".to_owned()),
            Some(_) => dirent::offset_note(*raw.get(16)?),
        }
    }
}

codes!(
    /// The descriptor type (§8.1.1), named in the note.
    DescriptorType: U8 => u8, 2,
    [(0, "boot record"), (1, "primary"), (2, "supplementary or enhanced"),
     (3, "volume partition"), (255, "set terminator")]
);

/// Declares a volume descriptor: the header every descriptor starts with
/// (§8.1: type, "CD001", version), then its own fields.
macro_rules! descriptor {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident = $title:literal, $source:literal, $size:literal {
            $($body:tt)*
        }
    ) => {
        $crate::structure::declare! {
            $(#[$meta])*
            $vis struct $name = $title, VolumeDescriptor, $source, $size {
                0, 1 => kind: DescriptorType, "type", "0 boot record, 1 primary, 2 supplementary or enhanced, 3 partition, 255 terminator", "ECMA-119 §8.1.1";
                1, 5 => identifier: Ascii, "standard identifier", "CD001", "ECMA-119 §8.1.2";
                6, 1 => version: U8, "version", "1 (2 for an enhanced descriptor)", "ECMA-119 §8.1.3";
                $($body)*
            }
        }
    };
}

descriptor! {
    /// The header alone: enough to tell the descriptors apart.
    pub struct DescriptorHeader = "Volume descriptor", "ECMA-119 §8.1", 7 {}
}

descriptor! {
    /// A descriptor of a type ECMA-119 does not define.
    pub struct Unknown = "Unknown volume descriptor", "ECMA-119 §8.1", 2048 {
        7, 2041 => data: Bytes, "data", "defined by no standard this reader knows";
    }
}

descriptor! {
    /// The set terminator: no descriptors follow.
    pub struct Terminator = "Volume descriptor set terminator", "ECMA-119 §8.3", 2048 {
        7, 2041 => reserved: Reserved, "reserved", "zero";
    }
}

descriptor! {
    /// A volume partition descriptor.
    pub struct PartitionDescriptor = "Volume partition descriptor", "ECMA-119 §8.6", 2048 {
        7, 1 => unused: Reserved, "unused", "zero";
        8, 32 => system_id: Latin1, "system identifier", "the system that may use the partition";
        40, 32 => partition_id: Latin1, "volume partition identifier", "names the partition";
        72, 8 => location: Both32, "volume partition location", "first logical block of the partition";
        80, 8 => size: Both32, "volume partition size", "logical blocks in the partition";
        88, 1960 => system_use: Bytes, "system use", "for the system named above";
    }
}

/// Declares a boot record (§8.2): the boot system and boot identifiers,
/// then what the boot system keeps in the rest.
macro_rules! boot_record {
    (
        $(#[$meta:meta])*
        $name:ident = $title:literal, $source:literal { $($tail:tt)* }
    ) => {
        descriptor! {
            $(#[$meta])*
            pub struct $name = $title, $source, 2048 {
                7, 32 => system_id: Latin1, "boot system identifier", "EL TORITO SPECIFICATION for El Torito", "ECMA-119 §8.2.4";
                39, 32 => boot_id: Latin1, "boot identifier", "names the boot system's contents", "ECMA-119 §8.2.5";
                $($tail)*
            }
        }
    };
}

boot_record! {
    /// A boot record of a boot system other than El Torito.
    BootRecord = "Boot record", "ECMA-119 §8.2" {
        71, 1977 => boot_use: Bytes, "boot system use", "for the boot system named above", "ECMA-119 §8.2.6";
    }
}

boot_record! {
    /// The El Torito boot record: where the boot catalog is.
    ElToritoRecord = "Boot record", "El Torito 1.0 §2.0" {
        71, 4 => catalog: Le32, "boot catalog", "LBA of the El Torito boot catalog";
        75, 1973 => unused: Reserved, "unused", "zero";
    }
}

/// The boot system identifier of an El Torito boot record.
const EL_TORITO: &str = "EL TORITO SPECIFICATION";

/// Declares a primary, supplementary or enhanced descriptor (§8.4, §8.5):
/// one layout, with the text codec and the two fields the primary leaves
/// unused given.
macro_rules! volume {
    (
        $(#[$meta:meta])*
        $name:ident = $title:literal, $source:literal, text: $text:ty,
        flags: { $($flags:tt)* }, escapes: { $($escapes:tt)* }
    ) => {
        descriptor! {
            $(#[$meta])*
            pub struct $name = $title, $source, 2048 {
                7, 1 => $($flags)*;
                8, 32 => system_id: $text, "system identifier", "the system that may use sectors 0-15";
                40, 32 => volume_id: $text, "volume identifier", "the volume label";
                72, 8 => unused_72: Reserved, "unused", "zero";
                80, 8 => space_size: Both32, "volume space size", "logical blocks in the volume";
                88, 32 => $($escapes)*;
                120, 4 => set_size: Both16, "volume set size", "volumes in the set";
                124, 4 => sequence: Both16, "volume sequence number", "this volume's number in the set";
                128, 4 => block_size: Both16, "logical block size", "bytes per logical block, 2048 on every real disc";
                132, 8 => path_table_size: Both32, "path table size", "bytes in each path table";
                140, 4 => l_table: Le32, "type L path table", "LBA of the little-endian path table";
                144, 4 => l_table_optional: Le32, "optional type L path table", "LBA of its copy, 0 if none";
                148, 4 => m_table: Be32, "type M path table", "LBA of the big-endian path table";
                152, 4 => m_table_optional: Be32, "optional type M path table", "LBA of its copy, 0 if none";
                156, 34 => root: RootRecord, "root directory record", "the root directory's extent and size", "ECMA-119 §9.1";
                190, 128 => volume_set_id: $text, "volume set identifier", "names the set the volume belongs to";
                318, 128 => publisher_id: $text, "publisher identifier", "who publishes the volume (_NAME names a root file)";
                446, 128 => preparer_id: $text, "data preparer identifier", "who prepared the data (_NAME names a root file)";
                574, 128 => application_id: $text, "application identifier", "how the data is recorded (_NAME names a root file)";
                702, 37 => copyright_file: $text, "copyright file identifier", "a file in the root";
                739, 37 => abstract_file: $text, "abstract file identifier", "a file in the root";
                776, 37 => bibliographic_file: $text, "bibliographic file identifier", "a file in the root";
                813, 17 => created: Date17, "volume creation date", "digits of the date and time, then the UTC offset in 15-minute steps", "ECMA-119 §8.4.26.1";
                830, 17 => modified: Date17, "volume modification date", "when the volume was last changed";
                847, 17 => expires: Date17, "volume expiration date", "when the data becomes obsolete";
                864, 17 => effective: Date17, "volume effective date", "when the data may be used from";
                881, 1 => structure_version: U8, "file structure version", "1 (2 for an enhanced descriptor)";
                882, 1 => reserved_882: Reserved, "reserved", "zero";
                883, 512 => application_use: Bytes, "application use", "not specified by the standard";
                1395, 653 => reserved_1395: Reserved, "reserved", "zero";
            }
        }

        impl $name {
            /// What the reader keeps of the descriptor at `lba`.
            // A plain supplementary descriptor is annotated, not kept.
            #[allow(dead_code)]
            fn summary(&self, lba: Lba, joliet_level: Option<u8>) -> VolumeDescriptor {
                let text = |key, label, value: &str| Detail {
                    key,
                    label,
                    value: Value::Text(value.to_owned()),
                };
                let number = |key, label, value: u64| Detail {
                    key,
                    label,
                    value: Value::Unsigned(value),
                };
                let date = |key, label, value: &Option<Timestamp>| Detail {
                    key,
                    label,
                    value: Value::Text(value.map_or_else(|| "not specified".to_owned(), |t| t.rfc3339())),
                };
                let details = vec![
                    text("system_id", "system", &self.system_id),
                    text("volume_id", "volume id", &self.volume_id),
                    text("volume_set", "volume set", &self.volume_set_id),
                    text("publisher", "publisher", &self.publisher_id),
                    text("preparer", "preparer", &self.preparer_id),
                    text("application", "application", &self.application_id),
                    text("copyright_file", "copyright file", &self.copyright_file),
                    text("abstract_file", "abstract file", &self.abstract_file),
                    text("bibliographic_file", "bibliographic", &self.bibliographic_file),
                    date("created", "created", &self.created),
                    date("modified", "modified", &self.modified),
                    date("expires", "expires", &self.expires),
                    date("effective", "effective", &self.effective),
                    number("volume_set_size", "set size", u64::from(self.set_size.value)),
                    number("volume_sequence", "sequence", u64::from(self.sequence.value)),
                    number("block_size", "block size", u64::from(self.block_size.value)),
                    number("blocks", "blocks", u64::from(self.space_size.value)),
                    number("path_table_size", "path table", u64::from(self.path_table_size.value)),
                    number("structure_version", "structure", u64::from(self.structure_version)),
                ];
                VolumeDescriptor {
                    lba,
                    kind: self.kind,
                    version: self.version,
                    joliet_level,
                    label: self.volume_id.clone(),
                    space_size: self.space_size.value,
                    block_size: self.block_size.value,
                    path_table_size: self.path_table_size.value,
                    l_table: self.l_table,
                    l_table_optional: self.l_table_optional,
                    m_table: self.m_table,
                    m_table_optional: self.m_table_optional,
                    root: root(&self.root, lba),
                    details,
                }
            }

            /// The both-endian fields whose copies differ.
            fn mismatches(&self) -> Vec<&'static str> {
                differing([
                    ("volume space size", self.space_size.consistent()),
                    ("volume set size", self.set_size.consistent()),
                    ("volume sequence number", self.sequence.consistent()),
                    ("logical block size", self.block_size.consistent()),
                    ("path table size", self.path_table_size.consistent()),
                ])
            }
        }
    };
}

volume! {
    /// The primary volume descriptor.
    Primary = "Primary volume descriptor", "ECMA-119 §8.4", text: Latin1,
    flags: { unused_7: Reserved, "unused", "zero" },
    escapes: { unused_88: Reserved, "unused", "zero" }
}

volume! {
    /// A supplementary descriptor in a character set other than Joliet's.
    Supplementary = "Supplementary volume descriptor", "ECMA-119 §8.5", text: Latin1,
    flags: { flags: Hex8, "volume flags", "bit 0: escape sequences not all registered", "ECMA-119 §8.5.3" },
    escapes: { escapes: Escapes, "escape sequences", "the character set", "ECMA-119 §8.5.6" }
}

volume! {
    /// Joliet's supplementary descriptor: identifiers in UCS-2.
    Joliet = "Supplementary volume descriptor (Joliet)", "ECMA-119 §8.5; Joliet §3", text: Ucs2Be,
    flags: { flags: Hex8, "volume flags", "bit 0: escape sequences not all registered", "ECMA-119 §8.5.3" },
    escapes: { escapes: Escapes, "escape sequences", "%/@, %/C or %/E: Joliet level 1, 2 or 3", "Joliet §3" }
}

volume! {
    /// The enhanced descriptor of ISO 9660:1999 (version 2).
    Enhanced = "Enhanced volume descriptor", "ECMA-119 4th ed. §8.5.1", text: Latin1,
    flags: { flags: Hex8, "volume flags", "bit 0: escape sequences not all registered", "ECMA-119 §8.5.3" },
    escapes: { escapes: Escapes, "escape sequences", "the character set", "ECMA-119 §8.5.6" }
}

/// The names of the both-endian fields whose copies differ, from
/// (name, consistent) pairs.
fn differing<const N: usize>(fields: [(&'static str, bool); N]) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter(|(_, consistent)| !consistent)
        .map(|(name, _)| name)
        .collect()
}

/// The root directory record of a descriptor at `lba`. It is 34 bytes here
/// whatever its length byte says (some writers copy the length of a longer
/// record).
fn root(bytes: &[u8; 34], lba: Lba) -> Option<Record> {
    let mut record = *bytes;
    record[0] = 34;
    dirent::parse(&record, u64::try_from(lba.0).unwrap_or(0) * BLOCK + 156).ok()
}

/// One descriptor as read: the layout that annotates it, and the
/// both-endian fields whose copies differ.
struct Read {
    layout: &'static Layout,
    mismatches: Vec<&'static str>,
}

/// Decodes the descriptor `d` at `lba` (its header already checked) into
/// `set`.
fn read_one(d: &[u8], lba: Lba, kind: u8, version: u8, set: &mut DescriptorSet) -> Result<Read> {
    let read = |layout, mismatches| Read { layout, mismatches };
    Ok(match kind {
        0 if BootRecord::decode(d)?.system_id.starts_with(EL_TORITO) => {
            set.boot_catalog = Some(ElToritoRecord::decode(d)?.catalog);
            read(&ElToritoRecord::LAYOUT, Vec::new())
        }
        0 => read(&BootRecord::LAYOUT, Vec::new()),
        1 => {
            let v = Primary::decode(d)?;
            set.primary.get_or_insert_with(|| v.summary(lba, None));
            read(&Primary::LAYOUT, v.mismatches())
        }
        2 => {
            let level = joliet::level(&Supplementary::decode(d)?.escapes);
            match (version, level) {
                (_, Some(_)) => {
                    let v = Joliet::decode(d)?;
                    let summary = v.summary(lba, level);
                    if version == 2 {
                        set.enhanced.get_or_insert(summary);
                    } else {
                        set.joliet.get_or_insert(summary);
                    }
                    read(&Joliet::LAYOUT, v.mismatches())
                }
                (2, None) => {
                    let v = Enhanced::decode(d)?;
                    set.enhanced.get_or_insert_with(|| v.summary(lba, None));
                    read(&Enhanced::LAYOUT, v.mismatches())
                }
                _ => {
                    let v = Supplementary::decode(d)?;
                    read(&Supplementary::LAYOUT, v.mismatches())
                }
            }
        }
        3 => {
            let p = PartitionDescriptor::decode(d)?;
            let mismatches = differing([
                ("volume partition location", p.location.consistent()),
                ("volume partition size", p.size.consistent()),
            ]);
            read(&PartitionDescriptor::LAYOUT, mismatches)
        }
        255 => read(&Terminator::LAYOUT, Vec::new()),
        _ => read(&Unknown::LAYOUT, Vec::new()),
    })
}

/// Reads the descriptor set starting at sector `session + 16`.
pub fn read_set(reader: &dyn ReadAt, session: u64, diags: &mut Vec<Diagnostic>) -> DescriptorSet {
    let mut set = DescriptorSet::default();
    for n in 0..MAX_DESCRIPTORS {
        let lba_n = session + 16 + n;
        let lba = Lba(i64::try_from(lba_n).unwrap_or(i64::MAX));
        let Ok(d) = reader.read_vec(lba_n * BLOCK, BLOCK as usize) else {
            if n == 0 {
                return set;
            }
            diags.push(
                Diagnostic::warning(
                    "iso.descriptors-truncated",
                    "the image ends inside the volume descriptor set",
                )
                .at(Location::Sector(lba)),
            );
            break;
        };
        let header = DescriptorHeader::decode(&d)
            .ok()
            .filter(|h| h.identifier == "CD001");
        let Some(header) = header else {
            if n > 0 {
                diags.push(
                    Diagnostic::warning(
                        "iso.no-terminator",
                        "the volume descriptor set ends without a set terminator",
                    )
                    .at(Location::Sector(lba)),
                );
            }
            break;
        };
        // A whole sector was read, so every declared field is there.
        let Ok(read) = read_one(&d, lba, header.kind, header.version, &mut set) else {
            break;
        };
        let mut structure = read.layout.structure(&d, Place::Medium(lba_n * BLOCK));
        if header.kind == 2 && header.version == 2 {
            structure.name = "Enhanced volume descriptor".to_owned();
        }
        if matches!(header.kind, 1 | 2) {
            diags.extend(odd_date_offsets(&d, &structure.name, lba));
        }
        for field in read.mismatches {
            diags.push(
                Diagnostic::warning(
                    "iso.endian-mismatch",
                    format!(
                        "{}: the little- and big-endian copies of \"{field}\" differ; using little-endian",
                        structure.name
                    ),
                )
                .at(Location::Sector(lba)),
            );
        }
        set.structures.push(structure);
        if header.kind == 255 {
            break;
        }
    }
    set
}

/// Findings for a volume descriptor's dates whose UTC offset byte is out
/// of range (the four dates at §8.4.26-29's offsets).
fn odd_date_offsets(d: &[u8], name: &str, lba: Lba) -> Vec<Diagnostic> {
    [
        (813, "creation"),
        (830, "modification"),
        (847, "expiration"),
        (864, "effective"),
    ]
    .into_iter()
    .filter_map(|(at, which)| {
        let raw = d.get(at..at + 17)?;
        date17(raw)?;
        let note = dirent::offset_note(*raw.get(16)?)?;
        Some(
            Diagnostic::warning(
                "iso.date-offset",
                format!("{name}: the volume {which} date's {note}"),
            )
            .at(Location::Sector(lba)),
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn dates() {
        let t = date17(b"2024010203040500\x04").unwrap();
        assert_eq!(t.to_string(), "2024-01-02T03:04:05+01:00");
        assert!(date17(b"0000000000000000\x00").is_none());
        assert_eq!(
            Date17::value(b"0000000000000000\x00").to_string(),
            "not specified"
        );
        assert_eq!(
            Date17::note(b"2024130203040500\x00").as_deref(),
            Some("not a valid date")
        );
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(
            DescriptorHeader,
            Unknown,
            Terminator,
            PartitionDescriptor,
            BootRecord,
            ElToritoRecord,
            Primary,
            Supplementary,
            Joliet,
            Enhanced
        );
    }

    #[test]
    fn a_truncated_descriptor_names_its_field() {
        let mut d = vec![0u8; 100];
        d[..7].copy_from_slice(b"\x01CD001\x01");
        match Primary::decode(&d) {
            Err(Error::Truncated {
                structure,
                field,
                offset,
                ..
            }) => {
                assert_eq!(structure, "Primary volume descriptor");
                assert_eq!((field, offset), ("unused", 88));
            }
            other => panic!("{other:?}"),
        }
    }

    /// A descriptor of `kind` and `version` with `patch` applied.
    fn sector(kind: u8, version: u8, patch: &[(usize, &[u8])]) -> Vec<u8> {
        let mut d = vec![0u8; 2048];
        d[0] = kind;
        d[1..6].copy_from_slice(b"CD001");
        d[6] = version;
        for (at, bytes) in patch {
            d[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        d
    }

    #[test]
    fn every_kind_of_descriptor_is_read_and_named() {
        let label = |text: &str, ucs2: bool| -> Vec<u8> {
            let mut out: Vec<u8> = if ucs2 {
                text.encode_utf16().flat_map(u16::to_be_bytes).collect()
            } else {
                text.bytes().collect()
            };
            // Padded with NULs and then spaces, as util-linux's
            // iso-different-iso-joliet-label is.
            out.extend([0, 0, 0, b' ', 0, b' ']);
            out
        };
        let root = {
            let mut r = vec![34u8, 0, 20, 0, 0, 0, 0, 0, 0, 20];
            r.extend([0, 8, 0, 0, 0, 0, 8, 0]);
            r.extend([0; 7]);
            r.extend([2, 0, 0, 1, 0, 0, 1, 1, 0]);
            r
        };
        let mut image = vec![0u8; 16 * 2048];
        image.extend(sector(
            1,
            1,
            &[
                (40, &label("PLAIN", false)),
                (80, &[9, 0, 0, 0, 0, 0, 0, 9]),
                (128, &[0, 8, 8, 0]),
                (156, &root),
            ],
        ));
        image.extend(sector(
            2,
            1,
            &[(40, &label("Lab", true)), (88, b"%/E"), (156, &root)],
        ));
        image.extend(sector(
            2,
            2,
            &[(40, &label("ENHANCED", false)), (156, &root)],
        ));
        // A partition whose size's copies differ.
        image.extend(sector(3, 1, &[(80, &[5, 0, 0, 0, 0, 0, 0, 6])]));
        image.extend(sector(0, 1, &[(7, b"SOME BOOT SYSTEM")]));
        image.extend(sector(255, 1, &[]));
        let source = crate::io::MemorySource::new(image, "set");
        let mut diags = Vec::new();
        let set = read_set(&source, 0, &mut diags);
        let names: Vec<&str> = set.structures.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Primary volume descriptor",
                "Supplementary volume descriptor (Joliet)",
                "Enhanced volume descriptor",
                "Volume partition descriptor",
                "Boot record",
                "Volume descriptor set terminator",
            ]
        );
        let primary = set.primary.unwrap();
        assert_eq!((primary.label.as_str(), primary.space_size), ("PLAIN", 9));
        assert_eq!(primary.root.unwrap().extent, 20);
        let joliet = set.joliet.unwrap();
        assert_eq!(
            (joliet.label.as_str(), joliet.joliet_level),
            ("Lab", Some(3))
        );
        assert_eq!(set.enhanced.unwrap().label, "ENHANCED");
        assert_eq!(set.boot_catalog, None);
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["iso.endian-mismatch"]);
        assert!(
            diags[0].message.contains("volume partition size"),
            "{diags:?}"
        );
        let size = set.structures[3]
            .fields
            .iter()
            .find(|f| f.name == "volume partition size")
            .unwrap();
        assert_eq!(size.text(), "5 (the big-endian copy says 6)");
        for s in &set.structures {
            let covered: u64 = s.fields.iter().map(|f| f.length).sum();
            assert_eq!(covered, 2048, "{}", s.name);
        }
    }

    /// `isoinfo -d -debug`'s answers, by label.
    fn isoinfo(name: &str) -> std::collections::HashMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iso");
        std::fs::read_to_string(dir.join(format!("{name}.isoinfo-d.txt")))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim_end_matches(" is").to_owned(), v.trim().to_owned()))
            .collect()
    }

    /// isoinfo's date ("2023 11 14 22:13:20.00", zeros when unset) as
    /// RFC 3339 in the recorded offset, which every fixture leaves at UTC.
    fn isoinfo_date(text: &str) -> String {
        if text.starts_with("0000") {
            return "not specified".to_owned();
        }
        let (date, time) = text.split_at(10);
        let (time, hundredths) = time.trim().split_once('.').unwrap();
        let fraction = if hundredths == "00" {
            String::new()
        } else {
            format!(".{hundredths}")
        };
        format!("{}T{time}{fraction}Z", date.replace(' ', "-"))
    }

    /// The primary descriptor of each fixture, decoded and annotated,
    /// says what isoinfo says.
    #[test]
    fn primary_descriptors_match_isoinfo() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iso");
        for name in ["rich", "geniso", "pycdlib", "zisofs"] {
            let image = std::fs::read(dir.join(format!("{name}.iso"))).unwrap();
            let d = &image[16 * 2048..17 * 2048];
            let v = Primary::decode(d).unwrap();
            let fields = Primary::LAYOUT.fields(d);
            let oracle = isoinfo(name);
            let expected = |key: &str| {
                oracle
                    .get(key)
                    .unwrap_or_else(|| panic!("{name}: isoinfo says nothing of {key}"))
                    .clone()
            };
            let shown = |label: &str| {
                fields
                    .iter()
                    .find(|f| f.name == label)
                    .unwrap_or_else(|| panic!("{name}: no field {label}"))
                    .text()
            };
            let texts = [
                ("System id", &v.system_id, "system identifier"),
                ("Volume id", &v.volume_id, "volume identifier"),
                ("Volume set id", &v.volume_set_id, "volume set identifier"),
                ("Publisher id", &v.publisher_id, "publisher identifier"),
                (
                    "Data preparer id",
                    &v.preparer_id,
                    "data preparer identifier",
                ),
                (
                    "Application id",
                    &v.application_id,
                    "application identifier",
                ),
                (
                    "Copyright File id",
                    &v.copyright_file,
                    "copyright file identifier",
                ),
                (
                    "Abstract File id",
                    &v.abstract_file,
                    "abstract file identifier",
                ),
                (
                    "Bibliographic File id",
                    &v.bibliographic_file,
                    "bibliographic file identifier",
                ),
            ];
            for (key, decoded, label) in texts {
                assert_eq!(decoded, &expected(key), "{name}: {key}");
                assert_eq!(&shown(label), decoded, "{name}: {label}");
            }
            let numbers = [
                (
                    "Volume set size",
                    u64::from(v.set_size.value),
                    "volume set size",
                ),
                (
                    "Volume set sequence number",
                    u64::from(v.sequence.value),
                    "volume sequence number",
                ),
                (
                    "Logical block size",
                    u64::from(v.block_size.value),
                    "logical block size",
                ),
                (
                    "Volume size",
                    u64::from(v.space_size.value),
                    "volume space size",
                ),
                (
                    "Path table size",
                    u64::from(v.path_table_size.value),
                    "path table size",
                ),
                (
                    "L Path table start",
                    u64::from(v.l_table),
                    "type L path table",
                ),
                (
                    "L Path opt table start",
                    u64::from(v.l_table_optional),
                    "optional type L path table",
                ),
                (
                    "M Path table start",
                    u64::from(v.m_table),
                    "type M path table",
                ),
                (
                    "M Path opt table start",
                    u64::from(v.m_table_optional),
                    "optional type M path table",
                ),
                (
                    "File structure version",
                    u64::from(v.structure_version),
                    "file structure version",
                ),
            ];
            for (key, decoded, label) in numbers {
                assert_eq!(decoded.to_string(), expected(key), "{name}: {key}");
                assert_eq!(shown(label), decoded.to_string(), "{name}: {label}");
            }
            let dates = [
                ("Creation Date", &v.created, "volume creation date"),
                ("Modification Date", &v.modified, "volume modification date"),
                ("Expiration Date", &v.expires, "volume expiration date"),
                ("Effective Date", &v.effective, "volume effective date"),
            ];
            for (key, decoded, label) in dates {
                let want = isoinfo_date(&expected(key));
                let got = decoded.map_or_else(|| "not specified".to_owned(), |t| t.to_string());
                assert_eq!(got, want, "{name}: {key}");
                assert_eq!(shown(label), want, "{name}: {label}");
            }
            // "Root directory extent:  20 size: 2048"
            let root = root(&v.root, Lba(16)).unwrap();
            assert_eq!(
                format!("{} size: {}", root.extent, root.size),
                expected("Root directory extent"),
                "{name}: root directory"
            );
        }
    }
}
