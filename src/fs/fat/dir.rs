//! Directory entries: 8.3 names, VFAT long names, attributes and dates.
//!
//! Sources: fatgen103 §6 (32-byte directory entry: name 0..11, attributes
//! at 11, NT case flags at 12, creation time tenths/time/date at 13/14/16,
//! access date 18, high cluster 20, write time/date 22/24, low cluster 26,
//! size 28; 0xE5 deleted, 0x05 stands for a leading 0xE5, 0x00 ends the
//! directory), §6.3 (dates), §7 (long name entries: order byte with 0x40 on
//! the last, 13 UCS-2 characters at 1, 14 and 28, checksum at 13).

use crate::byteorder::{array, le16, le32, u8_at};
use crate::timestamp::Timestamp;

pub const ENTRY: usize = 32;
pub const ATTR_READ_ONLY: u8 = 0x01;
pub const ATTR_HIDDEN: u8 = 0x02;
pub const ATTR_SYSTEM: u8 = 0x04;
pub const ATTR_VOLUME: u8 = 0x08;
pub const ATTR_DIR: u8 = 0x10;
pub const ATTR_ARCHIVE: u8 = 0x20;
pub const ATTR_LFN: u8 = 0x0F;

/// Code page 850 (the mtools default) for bytes 0x80..=0xFF.
const CP850_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

/// OEM bytes as text (code page 850).
pub fn decode_oem(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP850_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?')
            }
        })
        .collect()
}

/// One 32-byte short entry, decoded.
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
    pub fn decode(e: &[u8]) -> Short {
        let mut raw_name: [u8; 11] = array(e, 0).unwrap_or([b' '; 11]);
        let deleted = raw_name[0] == 0xE5;
        if raw_name[0] == 0x05 {
            raw_name[0] = 0xE5;
        }
        let tenths = u8_at(e, 13);
        let mut created = timestamp(le16(e, 16), le16(e, 14));
        if let Some(t) = created.as_mut() {
            t.unix_seconds += i64::from(tenths / 100);
            t.nanos = u32::from(tenths % 100) * 10_000_000;
        }
        Short {
            raw_name,
            attributes: u8_at(e, 11),
            case_flags: u8_at(e, 12),
            first_cluster: (u32::from(le16(e, 20)) << 16) | u32::from(le16(e, 26)),
            size: le32(e, 28),
            created,
            accessed: timestamp(le16(e, 18), 0),
            modified: timestamp(le16(e, 24), le16(e, 22)),
            deleted,
        }
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
        let base = if self.case_flags & 0x08 != 0 {
            base.to_lowercase()
        } else {
            base
        };
        let ext = if self.case_flags & 0x10 != 0 {
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

/// A FAT date and time (local time; FAT records no zone).
pub fn timestamp(date: u16, time: u16) -> Option<Timestamp> {
    if date == 0 {
        return None;
    }
    let year = 1980 + i64::from(date >> 9);
    let (month, day) = (u32::from((date >> 5) & 0x0F), u32::from(date & 0x1F));
    let (hour, minute, second) = (
        u32::from(time >> 11),
        u32::from((time >> 5) & 0x3F),
        u32::from(time & 0x1F) * 2,
    );
    Timestamp::from_civil(year, month, day, hour, minute, second.min(59), 0)
}

/// One long-name entry's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LongPart {
    pub order: u8,
    pub last: bool,
    pub checksum: u8,
    pub units: [u16; 13],
}

impl LongPart {
    pub fn decode(e: &[u8]) -> LongPart {
        let mut units = [0u16; 13];
        let offsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
        for (unit, at) in units.iter_mut().zip(offsets) {
            *unit = le16(e, at);
        }
        let order = u8_at(e, 0);
        LongPart {
            order: order & 0x1F,
            last: order & 0x40 != 0,
            checksum: u8_at(e, 13),
            units,
        }
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
    pub fn finish(&mut self, short: &[u8; 11], deleted: bool) -> Result<Option<String>, String> {
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
            .flat_map(|p| p.units)
            .take_while(|&u| u != 0)
            .collect();
        Ok(Some(String::from_utf16_lossy(&units)))
    }
}

/// Every field of a 32-byte short entry with its offset, for the inspector.
pub fn entry_fields(e: &[u8]) -> Vec<crate::structure::Field> {
    let short = Short::decode(e);
    let when = |t: Option<Timestamp>| t.map_or_else(|| "none".to_owned(), |t| t.to_string());
    let f = |offset: u64, length: u64, name, value: String, meaning| {
        crate::structure::Field::new(
            offset,
            length,
            name,
            crate::structure::Value::Text(value),
            meaning,
            "fatgen103 §6",
        )
    };
    vec![
        f(
            0,
            11,
            "name",
            format!("{:?}", decode_oem(&short.raw_name)),
            "8.3 name, space padded; 0xE5 = deleted",
        ),
        f(
            11,
            1,
            "attributes",
            short.attribute_text(),
            "read-only, hidden, system, volume, directory, archive",
        ),
        f(
            12,
            1,
            "case flags",
            format!("{:#04x}", short.case_flags),
            "0x08 base lower case, 0x10 extension lower case",
        ),
        f(
            13,
            1,
            "creation tenths",
            u8_at(e, 13).to_string(),
            "hundredths of a second (0-199)",
        ),
        f(
            14,
            2,
            "creation time",
            format!("{:#06x}", le16(e, 14)),
            "hours, minutes, seconds/2",
        ),
        f(
            16,
            2,
            "creation date",
            when(short.created),
            "years since 1980, month, day",
        ),
        f(
            18,
            2,
            "access date",
            when(short.accessed),
            "date of last access",
        ),
        f(
            20,
            2,
            "first cluster (high)",
            le16(e, 20).to_string(),
            "upper 16 bits (FAT32)",
        ),
        f(
            22,
            2,
            "write time",
            format!("{:#06x}", le16(e, 22)),
            "hours, minutes, seconds/2",
        ),
        f(
            24,
            2,
            "write date",
            when(short.modified),
            "date and time of last write",
        ),
        f(
            26,
            2,
            "first cluster (low)",
            le16(e, 26).to_string(),
            "lower 16 bits",
        ),
        f(
            28,
            4,
            "size",
            short.size.to_string(),
            "bytes; 0 for directories",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_and_dates() {
        assert_eq!(
            short_checksum(b"README  TXT"),
            short_checksum(b"README  TXT")
        );
        // 2020-06-15 13:45:30
        let date = ((2020 - 1980) << 9) | (6 << 5) | 15;
        let time = (13 << 11) | (45 << 5) | 15;
        assert_eq!(
            timestamp(date, time).unwrap().to_string(),
            "2020-06-15T13:45:30Z"
        );
        assert_eq!(timestamp(0, 0), None);
        assert_eq!(decode_oem(&[0x41, 0xE5]), "AÕ");
    }
}
