//! Directory entries: 8.3 names, VFAT long names, attributes and dates.
//!
//! Sources: fatgen103 §6 (32-byte directory entry: name 0..11, attributes
//! at 11, NT case flags at 12, creation time tenths/time/date at 13/14/16,
//! access date 18, high cluster 20, write time/date 22/24, low cluster 26,
//! size 28; 0xE5 deleted, 0x05 stands for a leading 0xE5, 0x00 ends the
//! directory), §7 (long name entries: order byte with 0x40 on the last,
//! 13 UCS-2 characters at 1, 14 and 28, attributes 0x0F at 11, type at 12,
//! checksum at 13, cluster 0 at 26).

use crate::error::Result;
use crate::fs::fat::oem::decode_oem;
use crate::structure::dos_time::{FatDate, FatTime, timestamp};
use crate::structure::named::{bit_names, flags, noted};
use crate::structure::{Codec, Hex8, Le16, Le32, Place, Structure, U8, Value, declare};
use crate::timestamp::Timestamp;

pub const ENTRY: usize = 32;
pub const ATTR_READ_ONLY: u8 = 0x01;
pub const ATTR_HIDDEN: u8 = 0x02;
pub const ATTR_SYSTEM: u8 = 0x04;
pub const ATTR_VOLUME: u8 = 0x08;
pub const ATTR_DIR: u8 = 0x10;
pub const ATTR_ARCHIVE: u8 = 0x20;
pub const ATTR_LFN: u8 = 0x0F;
/// The first name byte of a deleted entry.
const DELETED: u8 = 0xE5;
/// The first name byte standing for a leading 0xE5.
const KANJI_E5: u8 = 0x05;
/// The order byte's flag on a long name's last part (stored first).
const LAST_PART: u8 = 0x40;

declare! {
    /// A 32-byte entry: a file, a directory or the volume label.
    pub struct DirEntry = "Directory entry", Directory, "fatgen103 §6", 32 {
        0, 11 => name: ShortName, "name", "8.3 name, space padded; first byte 0xE5 = deleted, 0x00 = end of directory";
        11, 1 => attributes: Attributes, "attributes", "read-only, hidden, system, volume label, directory, archive";
        12, 1 => case_flags: CaseFlags, "case flags", "0x08 base lower case, 0x10 extension lower case (Windows NT)";
        13, 1 => creation_tenths: U8, "creation tenths", "hundredths of a second added to the creation time (0-199)";
        14, 2 => creation_time: FatTime, "creation time", "hours, minutes, seconds/2";
        16, 2 => creation_date: FatDate, "creation date", "years since 1980, month, day";
        18, 2 => access_date: FatDate, "access date", "date of last access";
        20, 2 => cluster_high: Le16, "first cluster (high)", "upper 16 bits (FAT32)";
        22, 2 => write_time: FatTime, "write time", "hours, minutes, seconds/2";
        24, 2 => write_date: FatDate, "write date", "date of last write";
        26, 2 => cluster_low: Le16, "first cluster (low)", "lower 16 bits";
        28, 4 => size: Le32, "size", "bytes; 0 for directories";
    }
}

declare! {
    /// A VFAT long-name entry: 13 UCS-2 characters of a long name, stored
    /// last part first before the short entry it names.
    pub struct LongEntry = "Long-name entry", Directory, "fatgen103 §7", 32 {
        0, 1 => order: Order, "order", "part number; 0x40 marks the last part, 0xE5 a deleted run";
        1, 10 => first: NamePart, "name 1-5", "characters 1-5 of this part";
        11, 1 => attributes: Attributes, "attributes", "0x0F marks a long-name entry";
        12, 1 => kind: U8, "type", "0: a part of a long name";
        13, 1 => checksum: Hex8, "checksum", "checksum of the short name this long name belongs to";
        14, 12 => second: NamePart, "name 6-11", "characters 6-11 of this part";
        26, 2 => cluster: Le16, "first cluster", "zero";
        28, 4 => third: NamePart, "name 12-13", "characters 12-13 of this part";
    }
}

/// The 11 name bytes: the program keeps them, people read them in the OEM
/// code page.
#[derive(Clone, Copy, Debug)]
pub struct ShortName;

impl Codec for ShortName {
    type Out = [u8; 11];
    const WIDTH: Option<usize> = Some(11);
    fn decode(raw: &[u8]) -> [u8; 11] {
        raw.try_into().unwrap_or([b' '; 11])
    }
    fn value(raw: &[u8]) -> Value {
        let mut name = Self::decode(raw);
        // The deleted marker is no character; 0x05 stands for a leading 0xE5.
        match name[0] {
            DELETED => name[0] = b'_',
            KANJI_E5 => name[0] = DELETED,
            _ => {}
        }
        Value::Text(decode_oem(&name).trim_end_matches([' ', '\0']).to_owned())
    }
    fn note(raw: &[u8]) -> Option<String> {
        match raw.first() {
            Some(0) => Some("free: the directory ends here".to_owned()),
            Some(&DELETED) => Some("deleted; its first character is lost".to_owned()),
            _ => None,
        }
    }
}

const ATTRIBUTE_NAMES: [(u64, &str); 6] = [
    (ATTR_READ_ONLY as u64, "read-only"),
    (ATTR_HIDDEN as u64, "hidden"),
    (ATTR_SYSTEM as u64, "system"),
    (ATTR_VOLUME as u64, "volume label"),
    (ATTR_DIR as u64, "directory"),
    (ATTR_ARCHIVE as u64, "archive"),
];

noted!(
/// The attribute byte, with the names of its bits.
Attributes: Hex8, |attributes| {
    if attributes & 0x3F == ATTR_LFN {
        return Some("long-name entry".to_owned());
    }
    bit_names(u64::from(attributes), &ATTRIBUTE_NAMES)
});

const BASE_LOWER: u8 = 0x08;
const EXTENSION_LOWER: u8 = 0x10;

flags!(
/// Windows NT's case flags: which halves of the 8.3 name are lower case.
CaseFlags: Hex8 => u8, 2, [
    (BASE_LOWER as u64, "base lower case"),
    (EXTENSION_LOWER as u64, "extension lower case"),
]);

noted!(
/// A long-name entry's order byte.
Order: Hex8, |order| Some(match order {
    DELETED => "deleted".to_owned(),
    order if order & LAST_PART != 0 => format!("part {}, the last", order & 0x1F),
    order => format!("part {}", order & 0x1F),
}));

/// UCS-2 characters of a long name: the program keeps the code units
/// (0x0000 ends the name, 0xFFFF pads the rest), people read the text.
#[derive(Clone, Copy, Debug)]
pub struct NamePart;

impl Codec for NamePart {
    type Out = Vec<u16>;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> Vec<u16> {
        raw.chunks_exact(2)
            .map(|pair| u16::from_le_bytes(pair.try_into().unwrap_or_default()))
            .collect()
    }
    fn value(raw: &[u8]) -> Value {
        let units: Vec<u16> = Self::decode(raw)
            .into_iter()
            .take_while(|&u| u != 0)
            .filter(|&u| u != 0xFFFF)
            .collect();
        Value::Text(String::from_utf16_lossy(&units))
    }
    fn note(raw: &[u8]) -> Option<String> {
        match Self::decode(raw).first() {
            Some(0) => Some("the name ended before this part".to_owned()),
            Some(0xFFFF) => Some("padding".to_owned()),
            _ => None,
        }
    }
}

/// Whether a 32-byte entry is part of a long name.
pub fn is_long(entry: &[u8]) -> bool {
    entry.get(11).is_some_and(|a| a & 0x3F == ATTR_LFN)
}

/// One structure per 32-byte entry of a directory block whose first byte
/// sits at medium position `position`.
pub fn structures(block: &[u8], position: u64) -> Vec<Structure> {
    block
        .chunks_exact(ENTRY)
        .zip((0..).step_by(ENTRY))
        .map(|(entry, offset)| {
            let layout = if is_long(entry) {
                LongEntry::LAYOUT
            } else {
                DirEntry::LAYOUT
            };
            layout.structure(entry, Place::Medium(position.saturating_add(offset)))
        })
        .collect()
}

/// One short entry, decoded for the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Short {
    /// The 11 name bytes as stored (0x05 restored to 0xE5).
    pub raw_name: [u8; 11],
    pub attributes: u8,
    pub case_flags: u8,
    pub first_cluster: u32,
    pub size: u32,
    pub created: Option<Timestamp>,
    pub accessed: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub deleted: bool,
}

impl Short {
    pub fn decode(bytes: &[u8]) -> Result<Short> {
        let entry = DirEntry::decode(bytes)?;
        let mut raw_name = entry.name;
        let deleted = raw_name[0] == DELETED;
        if raw_name[0] == KANJI_E5 {
            raw_name[0] = DELETED;
        }
        let tenths = entry.creation_tenths;
        let mut created = timestamp(entry.creation_date, entry.creation_time);
        if let Some(t) = created.as_mut() {
            t.unix_seconds += i64::from(tenths / 100);
            t.nanos = u32::from(tenths % 100) * 10_000_000;
        }
        Ok(Short {
            raw_name,
            attributes: entry.attributes,
            case_flags: entry.case_flags,
            first_cluster: (u32::from(entry.cluster_high) << 16) | u32::from(entry.cluster_low),
            size: entry.size,
            created,
            accessed: timestamp(entry.access_date, 0),
            modified: timestamp(entry.write_date, entry.write_time),
            deleted,
        })
    }

    pub fn is_dir(&self) -> bool {
        self.attributes & ATTR_DIR != 0
    }

    pub fn is_label(&self) -> bool {
        self.attributes & ATTR_VOLUME != 0 && self.attributes & ATTR_LFN != ATTR_LFN
    }

    /// `NAME.EXT` with the NT lower-case flags applied; a deleted entry's
    /// lost first character shows as `_`.
    pub fn name(&self) -> String {
        let mut raw = self.raw_name;
        if self.deleted {
            raw[0] = b'_';
        }
        let base = decode_oem(&raw[..8]).trim_end_matches(' ').to_owned();
        let ext = decode_oem(&raw[8..]).trim_end_matches(' ').to_owned();
        let base = if self.case_flags & BASE_LOWER != 0 {
            base.to_lowercase()
        } else {
            base
        };
        let ext = if self.case_flags & EXTENSION_LOWER != 0 {
            ext.to_lowercase()
        } else {
            ext
        };
        if ext.is_empty() {
            base
        } else {
            format!("{base}.{ext}")
        }
    }

    /// The label form: all 11 bytes, trailing spaces removed.
    pub fn label(&self) -> String {
        decode_oem(&self.raw_name).trim_end_matches(' ').to_owned()
    }

    pub fn attribute_text(&self) -> String {
        [
            (ATTR_READ_ONLY, 'R'),
            (ATTR_HIDDEN, 'H'),
            (ATTR_SYSTEM, 'S'),
            (ATTR_VOLUME, 'V'),
            (ATTR_DIR, 'D'),
            (ATTR_ARCHIVE, 'A'),
        ]
        .iter()
        .map(|&(bit, c)| if self.attributes & bit != 0 { c } else { '-' })
        .collect()
    }
}

/// The checksum a long name records for its short name (fatgen103 §7).
pub fn short_checksum(name: &[u8; 11]) -> u8 {
    name.iter().fold(0u8, |sum, &b| {
        ((sum & 1) << 7).wrapping_add(sum >> 1).wrapping_add(b)
    })
}

/// One long-name entry's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LongPart {
    pub order: u8,
    pub last: bool,
    pub checksum: u8,
    /// The part's 13 code units, in name order.
    pub units: Vec<u16>,
}

impl LongPart {
    pub fn decode(bytes: &[u8]) -> Result<LongPart> {
        let entry = LongEntry::decode(bytes)?;
        Ok(LongPart {
            order: entry.order & 0x1F,
            last: entry.order & LAST_PART != 0,
            checksum: entry.checksum,
            units: [entry.first, entry.second, entry.third].concat(),
        })
    }
}

/// Collects long-name parts in on-disk order (last part first).
#[derive(Debug, Default)]
pub struct LongName {
    parts: Vec<LongPart>,
    /// The run's order numbers were not N, N-1, ..., 1 with one checksum.
    pub broken: bool,
}

impl LongName {
    pub fn push(&mut self, part: LongPart, deleted: bool) {
        if deleted {
            // A deleted run keeps its checksum but loses the order bytes.
            if self
                .parts
                .first()
                .is_some_and(|p| p.checksum != part.checksum)
            {
                self.clear();
            }
            self.parts.push(part);
            return;
        }
        if part.last {
            if !self.parts.is_empty() {
                self.broken = true;
            }
            self.parts.clear();
            self.parts.push(part);
            return;
        }
        let expected = self
            .parts
            .last()
            .map(|p| (p.order.wrapping_sub(1), p.checksum));
        if expected != Some((part.order, part.checksum)) {
            self.broken = true;
        }
        self.parts.push(part);
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub fn clear(&mut self) {
        self.parts.clear();
        self.broken = false;
    }

    /// The name if the run is complete and matches `short`; `Err` says why not.
    pub fn finish(
        &mut self,
        short: &[u8; 11],
        deleted: bool,
    ) -> std::result::Result<Option<String>, String> {
        if self.parts.is_empty() {
            return Ok(None);
        }
        let parts = std::mem::take(&mut self.parts);
        let broken = std::mem::replace(&mut self.broken, false);
        let checksum = parts.first().map_or(0, |p| p.checksum);
        if !deleted {
            if broken || parts.last().map(|p| p.order) != Some(1) {
                return Err("the long-name entries are out of order or incomplete".into());
            }
            let wanted = short_checksum(short);
            if parts.iter().any(|p| p.checksum != wanted) {
                return Err(format!(
                    "the long name's checksum {checksum:#04x} does not match the short name's {wanted:#04x}"
                ));
            }
        }
        let units: Vec<u16> = parts
            .iter()
            .rev()
            .flat_map(|p| p.units.iter().copied())
            .take_while(|&u| u != 0)
            .collect();
        Ok(Some(String::from_utf16_lossy(&units)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    /// README.TXT, archive, 26 bytes from cluster 3, written 2023-11-14
    /// 22:13:20, then its long-name entry "Readme.txt".
    fn entries() -> Vec<u8> {
        let mut long = vec![0x41];
        for (i, c) in "Readme.txt"
            .encode_utf16()
            .chain([0])
            .chain([0xFFFF; 2])
            .enumerate()
        {
            let at = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30][i];
            long.resize(at, 0);
            long.extend(c.to_le_bytes());
        }
        long[11] = ATTR_LFN;
        long[13] = short_checksum(b"README  TXT");
        long.resize(32, 0);
        let mut short = b"README  TXT".to_vec();
        short.resize(32, 0);
        short[11] = ATTR_ARCHIVE;
        short[22..24].copy_from_slice(&((22u16 << 11) | (13 << 5) | 10).to_le_bytes());
        short[24..26].copy_from_slice(&(((2023u16 - 1980) << 9) | (11 << 5) | 14).to_le_bytes());
        short[26] = 3;
        short[28] = 26;
        [long, short].concat()
    }

    #[test]
    fn declarations_tile_exactly() {
        assert!(DirEntry::LAYOUT.tiling().is_exact());
        assert!(LongEntry::LAYOUT.tiling().is_exact());
    }

    #[test]
    fn one_declaration_reads_and_annotates_an_entry() {
        let bytes = entries();
        let short = Short::decode(&bytes[32..]).unwrap();
        assert_eq!((short.first_cluster, short.size), (3, 26));
        assert_eq!(short.name(), "README.TXT");
        assert_eq!(short.modified.unwrap().to_string(), "2023-11-14T22:13:20Z");
        let part = LongPart::decode(&bytes[..32]).unwrap();
        assert!(part.last);
        let mut long = LongName::default();
        long.push(part, false);
        assert_eq!(
            long.finish(&short.raw_name, false),
            Ok(Some("Readme.txt".to_owned()))
        );
        let found = structures(&bytes, 0x2600);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "Long-name entry");
        assert_eq!(found[1].name, "Directory entry");
        assert_eq!(found[1].place, Place::Medium(0x2620));
        let text =
            |s: &Structure, name: &str| s.fields.iter().find(|f| f.name == name).unwrap().text();
        assert_eq!(text(&found[0], "order"), "0x41 (part 1, the last)");
        assert_eq!(text(&found[0], "name 1-5"), "Readm");
        assert_eq!(text(&found[0], "name 6-11"), "e.txt");
        assert_eq!(text(&found[0], "name 12-13"), "padding");
        assert_eq!(text(&found[0], "attributes"), "0x0f (long-name entry)");
        assert_eq!(text(&found[1], "name"), "README  TXT");
        assert_eq!(text(&found[1], "attributes"), "0x20 (archive)");
        assert_eq!(text(&found[1], "write date"), "2023-11-14");
        assert_eq!(text(&found[1], "write time"), "22:13:20");
        assert_eq!(text(&found[1], "creation date"), "none");
    }

    #[test]
    fn a_truncated_entry_names_the_field() {
        let bytes = entries();
        assert!(matches!(
            Short::decode(&bytes[32..52]),
            Err(Error::Truncated {
                structure: "Directory entry",
                field: "first cluster (high)",
                offset: 20,
                ..
            })
        ));
        assert!(matches!(
            LongPart::decode(&bytes[..12]),
            Err(Error::Truncated {
                structure: "Long-name entry",
                field: "type",
                offset: 12,
                ..
            })
        ));
    }

    #[test]
    fn deleted_and_free_entries_are_noted() {
        let mut bytes = entries();
        bytes[32] = DELETED;
        let found = structures(&bytes[32..], 0);
        assert_eq!(
            found[0].fields[0].note.as_deref(),
            Some("deleted; its first character is lost")
        );
        assert_eq!(Short::decode(&bytes[32..]).unwrap().name(), "_EADME.TXT");
        let free = structures(&[0; 32], 0);
        assert_eq!(
            free[0].fields[0].note.as_deref(),
            Some("free: the directory ends here")
        );
    }
}
