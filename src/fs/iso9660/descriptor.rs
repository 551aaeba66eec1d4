//! Volume descriptors: the set that starts at sector 16 of a session.
//!
// Sources: ECMA-119 4th ed. §8.1 (descriptor header), §8.2 (boot record),
// §8.4 (primary), §8.5 (supplementary and enhanced, §8.5.1 version 2),
// §8.6 (partition), §8.3 (terminator), §8.4.26.1 (17-byte dates);
// Joliet specification (escape sequences %/@ %/C %/E); El Torito §2.0
// (boot record: "EL TORITO SPECIFICATION", catalog pointer at byte 0x47).

use crate::diagnostic::{Diagnostic, Location};
use crate::io::ReadAt;
use crate::structure::{Field, Kind, Place, Structure, Value};
use crate::timestamp::Timestamp;
use crate::units::Lba;

use super::dirent::{self, Record, both16, both32, u32_be, u32_le};
use super::joliet;

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
    let offset = i16::from(*b.get(16)? as i8).clamp(-48, 52) * 15;
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

/// A text field with trailing spaces (and NULs) removed.
pub fn text(b: &[u8]) -> String {
    let s: String = b.iter().map(|&c| char::from(c)).collect();
    s.trim_end_matches([' ', '\0']).to_owned()
}

#[derive(Clone, Copy)]
enum K {
    U8,
    Both16,
    Both32,
    Le32,
    Be32,
    Text,
    Ucs2,
    Date,
    Record,
    Bytes,
}

struct Builder<'a> {
    bytes: &'a [u8],
    fields: Vec<Field>,
    mismatches: Vec<&'static str>,
}

impl Builder<'_> {
    fn add(
        &mut self,
        offset: usize,
        length: usize,
        name: &'static str,
        kind: K,
        meaning: &'static str,
    ) {
        let b = self.bytes;
        let raw = b.get(offset..offset + length).unwrap_or_default();
        let value = match kind {
            K::U8 => raw.first().map_or(String::new(), |v| v.to_string()),
            K::Both16 => match both16(b, offset) {
                Some((v, ok)) => {
                    if !ok {
                        self.mismatches.push(name);
                    }
                    v.to_string()
                }
                None => String::new(),
            },
            K::Both32 => match both32(b, offset) {
                Some((v, ok)) => {
                    if !ok {
                        self.mismatches.push(name);
                    }
                    v.to_string()
                }
                None => String::new(),
            },
            K::Le32 => u32_le(b, offset).map_or(String::new(), |v| v.to_string()),
            K::Be32 => u32_be(b, offset).map_or(String::new(), |v| v.to_string()),
            K::Text => text(raw),
            K::Ucs2 => joliet::text(raw),
            K::Date => date17(raw).map_or_else(|| "not specified".to_owned(), |t| t.rfc3339()),
            K::Record => dirent::parse(raw, 0).map_or_else(
                |e| format!("unusable: {e}"),
                |r| format!("extent {}, {} bytes", r.extent, r.size),
            ),
            K::Bytes => raw
                .iter()
                .map(|v| format!("{v:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        self.fields.push(Field::new(
            offset as u64,
            length as u64,
            name,
            Value::Text(value),
            meaning,
            "ECMA-119 §8",
        ));
    }
}

fn header(b: &mut Builder<'_>) {
    b.add(
        0,
        1,
        "type",
        K::U8,
        "0 boot, 1 primary, 2 supplementary, 3 partition, 255 terminator (ECMA-119 §8.1.1)",
    );
    b.add(1, 5, "standard identifier", K::Text, "CD001");
    b.add(6, 1, "version", K::U8, "1 (2 for an enhanced descriptor)");
}

fn volume_fields(b: &mut Builder<'_>, ucs2: bool) {
    let t = if ucs2 { K::Ucs2 } else { K::Text };
    b.add(
        7,
        1,
        "volume flags",
        K::U8,
        "bit 0: escape sequences not all registered (§8.5.3)",
    );
    b.add(
        8,
        32,
        "system identifier",
        t,
        "the system that may use sectors 0-15",
    );
    b.add(40, 32, "volume identifier", t, "the volume label");
    b.add(
        80,
        8,
        "volume space size",
        K::Both32,
        "logical blocks in the volume (both-endian)",
    );
    b.add(
        88,
        32,
        "escape sequences",
        K::Bytes,
        "character set; Joliet uses %/@ %/C %/E",
    );
    b.add(120, 4, "volume set size", K::Both16, "volumes in the set");
    b.add(
        124,
        4,
        "volume sequence number",
        K::Both16,
        "this volume's number in the set",
    );
    b.add(
        128,
        4,
        "logical block size",
        K::Both16,
        "bytes per logical block, usually 2048",
    );
    b.add(
        132,
        8,
        "path table size",
        K::Both32,
        "bytes in each path table",
    );
    b.add(
        140,
        4,
        "type L path table",
        K::Le32,
        "LBA of the little-endian path table",
    );
    b.add(
        144,
        4,
        "optional type L path table",
        K::Le32,
        "LBA of its copy, 0 if none",
    );
    b.add(
        148,
        4,
        "type M path table",
        K::Be32,
        "LBA of the big-endian path table",
    );
    b.add(
        152,
        4,
        "optional type M path table",
        K::Be32,
        "LBA of its copy, 0 if none",
    );
    b.add(
        156,
        34,
        "root directory record",
        K::Record,
        "the root directory (§9.1)",
    );
    b.add(190, 128, "volume set identifier", t, "");
    b.add(318, 128, "publisher identifier", t, "");
    b.add(446, 128, "data preparer identifier", t, "");
    b.add(574, 128, "application identifier", t, "");
    b.add(
        702,
        37,
        "copyright file identifier",
        t,
        "a file in the root",
    );
    b.add(739, 37, "abstract file identifier", t, "a file in the root");
    b.add(
        776,
        37,
        "bibliographic file identifier",
        t,
        "a file in the root",
    );
    b.add(813, 17, "volume creation date", K::Date, "§8.4.26.1");
    b.add(830, 17, "volume modification date", K::Date, "");
    b.add(847, 17, "volume expiration date", K::Date, "");
    b.add(864, 17, "volume effective date", K::Date, "");
    b.add(
        881,
        1,
        "file structure version",
        K::U8,
        "1 (2 for ISO 9660:1999)",
    );
    b.add(
        883,
        512,
        "application use",
        K::Bytes,
        "not specified by the standard",
    );
}

fn volume(lba: Lba, d: &[u8], joliet_level: Option<u8>) -> VolumeDescriptor {
    let b32 = |at| both32(d, at).map_or(0, |v| v.0);
    let label = match joliet_level {
        Some(_) => joliet::text(d.get(40..72).unwrap_or_default()),
        None => text(d.get(40..72).unwrap_or_default()),
    };
    VolumeDescriptor {
        lba,
        kind: d.first().copied().unwrap_or(0),
        version: d.get(6).copied().unwrap_or(0),
        joliet_level,
        label,
        space_size: b32(80),
        block_size: both16(d, 128).map_or(0, |v| v.0),
        path_table_size: b32(132),
        l_table: u32_le(d, 140).unwrap_or(0),
        l_table_optional: u32_le(d, 144).unwrap_or(0),
        m_table: u32_be(d, 148).unwrap_or(0),
        m_table_optional: u32_be(d, 152).unwrap_or(0),
        root: d.get(156..190).and_then(|r| {
            // The root record is 34 bytes here whatever its length byte says
            // (some writers copy the length of a longer record).
            let mut r = r.to_vec();
            if let Some(len) = r.first_mut() {
                *len = 34;
            }
            dirent::parse(&r, lba.0.max(0) as u64 * BLOCK + 156).ok()
        }),
    }
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
        if d.get(1..6) != Some(b"CD001") {
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
        }
        let kind = d.first().copied().unwrap_or(0);
        let mut b = Builder {
            bytes: &d,
            fields: Vec::new(),
            mismatches: Vec::new(),
        };
        header(&mut b);
        let name = match kind {
            0 => {
                b.add(
                    7,
                    32,
                    "boot system identifier",
                    K::Text,
                    "EL TORITO SPECIFICATION for El Torito",
                );
                b.add(39, 32, "boot identifier", K::Text, "");
                if d.get(7..30) == Some(b"EL TORITO SPECIFICATION") {
                    b.add(
                        71,
                        4,
                        "boot catalog",
                        K::Le32,
                        "LBA of the El Torito boot catalog (El Torito §2.0)",
                    );
                    set.boot_catalog = u32_le(&d, 71);
                }
                "Boot record"
            }
            1 => {
                volume_fields(&mut b, false);
                if set.primary.is_none() {
                    set.primary = Some(volume(lba, &d, None));
                }
                "Primary volume descriptor"
            }
            2 => {
                let level = joliet::level(d.get(88..120).unwrap_or_default());
                volume_fields(&mut b, level.is_some());
                let v = volume(lba, &d, level);
                if d.get(6) == Some(&2) {
                    set.enhanced.get_or_insert(v);
                    "Enhanced volume descriptor"
                } else if level.is_some() {
                    set.joliet.get_or_insert(v);
                    "Supplementary volume descriptor (Joliet)"
                } else {
                    "Supplementary volume descriptor"
                }
            }
            3 => {
                b.add(8, 32, "system identifier", K::Text, "");
                b.add(40, 32, "volume partition identifier", K::Text, "");
                b.add(
                    72,
                    8,
                    "volume partition location",
                    K::Both32,
                    "first LBA of the partition",
                );
                b.add(
                    80,
                    8,
                    "volume partition size",
                    K::Both32,
                    "blocks in the partition",
                );
                "Volume partition descriptor"
            }
            255 => "Volume descriptor set terminator",
            _ => "Unknown volume descriptor",
        };
        for field in std::mem::take(&mut b.mismatches) {
            diags.push(
                Diagnostic::warning(
                    "iso.endian-mismatch",
                    format!("{name}: the little- and big-endian copies of \"{field}\" differ; using little-endian"),
                )
                .at(Location::Sector(lba)),
            );
        }
        set.structures.push(Structure {
            fields: b.fields,
            ..Structure::new(
                Kind::VolumeDescriptor,
                name,
                Place::Medium(lba_n * BLOCK),
                BLOCK,
            )
        });
        if kind == 255 {
            break;
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = date17(b"2024010203040500\x04").unwrap();
        assert_eq!(t.to_string(), "2024-01-02T03:04:05+01:00");
        assert!(date17(b"0000000000000000\x00").is_none());
    }
}
