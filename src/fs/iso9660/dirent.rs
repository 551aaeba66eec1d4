//! Directory records: the fixed 33-byte header, the identifier and the
//! system use area, and the walk over one directory extent.
//!
// Sources: ECMA-119 4th ed. §9.1 (directory record), §9.1.6 (file flags),
// §6.8.1 (records do not cross logical sector boundaries; a zero length byte
// ends the records of a sector); CD-ROM XA §4.3 (system use: "XA").

use crate::byteorder::array;
use crate::diagnostic::{Diagnostic, Location};
use crate::timestamp::Timestamp;
use crate::units::Lba;

/// Bytes before the identifier.
pub const HEADER: usize = 33;
/// The shortest valid record: the header and a one-byte identifier.
pub const MIN_RECORD: usize = 34;
const SECTOR: usize = 2048;

/// File flag bits (§9.1.6).
pub const FLAG_HIDDEN: u8 = 0x01;
pub const FLAG_DIRECTORY: u8 = 0x02;
pub const FLAG_ASSOCIATED: u8 = 0x04;
pub const FLAG_RECORD: u8 = 0x08;
pub const FLAG_PROTECTION: u8 = 0x10;
pub const FLAG_MULTI_EXTENT: u8 = 0x80;

/// One decoded directory record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Byte offset of the record in the volume.
    pub offset: u64,
    pub length: u8,
    pub ext_attr_length: u8,
    pub extent: u32,
    pub size: u32,
    pub recorded: Option<Timestamp>,
    pub flags: u8,
    pub unit_size: u8,
    pub gap: u8,
    pub sequence: u16,
    /// The record's bytes, kept inline: a record is at most 255 bytes, and
    /// listing large directories should not allocate per record.
    raw: [u8; 256],
    name_len: usize,
    /// Where the system use area starts, from the record start.
    pub system_use_offset: usize,
    /// A both-endian field whose halves disagree.
    pub endian_mismatch: bool,
}

impl Record {
    /// The file identifier as recorded.
    pub fn name(&self) -> &[u8] {
        self.raw
            .get(HEADER..HEADER + self.name_len)
            .unwrap_or_default()
    }
    /// The system use area (XA, SUSP).
    pub fn system_use(&self) -> &[u8] {
        let end = usize::from(self.length).max(self.system_use_offset);
        self.raw
            .get(self.system_use_offset..end)
            .unwrap_or_default()
    }
    pub fn is_dir(&self) -> bool {
        self.flags & FLAG_DIRECTORY != 0
    }
    /// The `.` record (identifier 0x00).
    pub fn is_self(&self) -> bool {
        self.name() == [0]
    }
    /// The `..` record (identifier 0x01).
    pub fn is_parent(&self) -> bool {
        self.name() == [1]
    }
    /// The disc LBA of the first data block (after any extended attribute record).
    pub fn data_lba(&self) -> u64 {
        u64::from(self.extent) + u64::from(self.ext_attr_length)
    }
}

/// The record's fields with their offsets, for the inspector's byte notes.
pub fn fields(record: &Record) -> Vec<crate::structure::Field> {
    let name_len = record.name_len;
    let name = if record.is_self() {
        "\\0 (this directory)".to_owned()
    } else if record.is_parent() {
        "\\1 (parent directory)".to_owned()
    } else {
        String::from_utf8_lossy(record.name()).into_owned()
    };
    let flags = [
        (FLAG_HIDDEN, "hidden"),
        (FLAG_DIRECTORY, "directory"),
        (FLAG_ASSOCIATED, "associated"),
        (FLAG_RECORD, "record"),
        (FLAG_PROTECTION, "protection"),
        (FLAG_MULTI_EXTENT, "multi-extent"),
    ]
    .iter()
    .filter(|(bit, _)| record.flags & bit != 0)
    .map(|(_, n)| *n)
    .collect::<Vec<_>>()
    .join(" ");
    let field =
        |offset: usize, length: usize, name: &'static str, value: String, meaning: &'static str| {
            crate::structure::Field::new(
                offset as u64,
                length as u64,
                name,
                crate::structure::Value::Text(value),
                meaning,
                "ECMA-119 §9.1",
            )
        };
    let mut out = vec![
        field(
            0,
            1,
            "record length",
            record.length.to_string(),
            "bytes in this directory record (ECMA-119 §9.1.1)",
        ),
        field(
            1,
            1,
            "extended attribute length",
            record.ext_attr_length.to_string(),
            "blocks of extended attribute record before the data (§9.1.2)",
        ),
        field(
            2,
            8,
            "extent location",
            record.extent.to_string(),
            "first logical block of the data, little- then big-endian (§9.1.3)",
        ),
        field(
            10,
            8,
            "data length",
            record.size.to_string(),
            "bytes of data, little- then big-endian (§9.1.4)",
        ),
        field(
            18,
            7,
            "recording date",
            record
                .recorded
                .map(|t| t.to_string())
                .unwrap_or_else(|| "none".into()),
            "years since 1900, month, day, hour, minute, second, UTC offset in 15-minute steps (§9.1.5)",
        ),
        field(
            25,
            1,
            "file flags",
            format!("{:#04x} {flags}", record.flags),
            "hidden, directory, associated, record, protection, multi-extent bits (§9.1.6)",
        ),
        field(
            26,
            1,
            "file unit size",
            record.unit_size.to_string(),
            "interleave unit size in blocks, 0 when not interleaved (§9.1.7)",
        ),
        field(
            27,
            1,
            "interleave gap",
            record.gap.to_string(),
            "blocks skipped between units of an interleaved file (§9.1.8)",
        ),
        field(
            28,
            4,
            "volume sequence number",
            record.sequence.to_string(),
            "the volume of a set that holds the extent, both-endian (§9.1.9)",
        ),
        field(
            32,
            1,
            "identifier length",
            name_len.to_string(),
            "bytes of the file identifier (§9.1.10)",
        ),
        field(
            HEADER,
            name_len,
            "file identifier",
            name,
            "the name as recorded, with its ;version (§9.1.11)",
        ),
    ];
    if name_len.is_multiple_of(2) {
        out.push(field(
            HEADER + name_len,
            1,
            "padding",
            "0".into(),
            "pads an even-length identifier (§9.1.12)",
        ));
    }
    let su_len = usize::from(record.length).saturating_sub(record.system_use_offset);
    if su_len > 0 {
        out.push(field(
            record.system_use_offset,
            su_len,
            "system use",
            format!("{su_len} bytes"),
            "CD-ROM XA attributes or SUSP/Rock Ridge entries (§9.1.13)",
        ));
    }
    out
}

fn u16_le(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}
fn u16_be(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_be_bytes)
}
pub(crate) fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}
pub(crate) fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_be_bytes)
}

/// A both-endian 32-bit field (§7.3.3): the little-endian half, and whether
/// the halves agree.
pub(crate) fn both32(b: &[u8], at: usize) -> Option<(u32, bool)> {
    let le = u32_le(b, at)?;
    Some((le, u32_be(b, at + 4)? == le))
}
/// A both-endian 16-bit field (§7.2.3).
pub(crate) fn both16(b: &[u8], at: usize) -> Option<(u16, bool)> {
    let le = u16_le(b, at)?;
    Some((le, u16_be(b, at + 2)? == le))
}

/// The 7-byte recording date (§9.1.5): years since 1900, month, day, hour,
/// minute, second, and the UTC offset in 15-minute steps.
pub fn date7(b: &[u8]) -> Option<Timestamp> {
    let [y, mo, d, h, mi, s, off]: [u8; 7] = b.get(..7)?.try_into().ok()?;
    let offset = i16::from(off as i8).clamp(-48, 52) * 15;
    Timestamp::from_civil(
        1900 + i64::from(y),
        u32::from(mo),
        u32::from(d),
        u32::from(h),
        u32::from(mi),
        u32::from(s),
        offset,
    )
}

/// Decodes the record at the start of `bytes`, which sits at volume offset
/// `offset`. `Err` says why the record cannot be used.
pub fn parse(bytes: &[u8], offset: u64) -> Result<Record, String> {
    let length = *bytes.first().ok_or("empty record")?;
    let len = usize::from(length);
    if len < MIN_RECORD {
        return Err(format!("record length {len} is below the minimum of 34"));
    }
    let rec = bytes
        .get(..len)
        .ok_or_else(|| format!("record of {len} bytes runs past its sector"))?;
    let name_len = usize::from(*rec.get(32).ok_or("short record")?);
    if name_len == 0 || HEADER + name_len > len {
        return Err(format!(
            "identifier length {name_len} does not fit a record of {len} bytes"
        ));
    }
    let (extent, ok1) = both32(rec, 2).ok_or("short record")?;
    let (size, ok2) = both32(rec, 10).ok_or("short record")?;
    let (sequence, ok3) = both16(rec, 28).ok_or("short record")?;
    // A padding byte follows an even-length identifier (§9.1.12).
    let su_start = HEADER + name_len + usize::from(name_len % 2 == 0);
    let mut raw = [0u8; 256];
    if let Some(dst) = raw.get_mut(..len) {
        dst.copy_from_slice(rec);
    }
    let get = |i: usize| rec.get(i).copied().unwrap_or(0);
    Ok(Record {
        offset,
        length,
        ext_attr_length: get(1),
        extent,
        size,
        recorded: rec.get(18..25).and_then(date7),
        flags: get(25),
        unit_size: get(26),
        gap: get(27),
        sequence,
        raw,
        name_len,
        system_use_offset: su_start.min(len),
        endian_mismatch: !(ok1 && ok2 && ok3),
    })
}

/// Every usable record of a directory whose extent bytes are `data`, read
/// from volume offset `base`. Problems become diagnostics and the walk goes
/// on at the next sector.
pub fn records(data: &[u8], base: u64, diags: &mut Vec<Diagnostic>) -> Vec<Record> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let sector_end = (pos / SECTOR + 1) * SECTOR;
        let len = usize::from(data.get(pos).copied().unwrap_or(0));
        let at = base + pos as u64;
        let lba = Lba(i64::try_from(at / SECTOR as u64).unwrap_or(i64::MAX));
        if len == 0 {
            // The rest of this sector is padding; records there are lost.
            let rest = data
                .get(pos..sector_end.min(data.len()))
                .unwrap_or_default();
            if rest.iter().any(|&b| b != 0) {
                diags.push(
                    Diagnostic::warning(
                        "iso.records-after-zero",
                        format!(
                            "a zero length byte at {at:#x} ends the records of its sector, but non-zero bytes follow it; they are skipped"
                        ),
                    )
                    .at(Location::Sector(lba)),
                );
            }
            pos = sector_end;
            continue;
        }
        if pos + len > sector_end {
            diags.push(
                Diagnostic::warning(
                    "iso.record-straddles",
                    format!(
                        "directory record at byte {at:#x} ({len} bytes) crosses its sector; the rest of the sector is skipped"
                    ),
                )
                .at(Location::Sector(lba)),
            );
            pos = sector_end;
            continue;
        }
        match parse(
            data.get(pos..sector_end.min(data.len()))
                .unwrap_or_default(),
            at,
        ) {
            Ok(record) => {
                if record.endian_mismatch {
                    diags.push(
                        Diagnostic::warning(
                            "iso.endian-mismatch",
                            format!(
                                "directory record at byte {at:#x}: little- and big-endian copies of a field differ; using little-endian"
                            ),
                        )
                        .at(Location::Sector(lba)),
                    );
                }
                out.push(record);
                pos += len;
            }
            Err(message) => {
                diags.push(
                    Diagnostic::warning(
                        "iso.bad-record",
                        format!("directory record at byte {at:#x}: {message}; the rest of the sector is skipped"),
                    )
                    .at(Location::Sector(lba)),
                );
                pos = sector_end;
            }
        }
    }
    out
}

/// CD-ROM XA system use information, when the system use area starts with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Xa {
    pub group: u16,
    pub user: u16,
    pub attributes: u16,
    pub file_number: u8,
}

impl Xa {
    pub const LEN: usize = 14;

    pub fn parse(su: &[u8]) -> Option<Xa> {
        if su.get(6..8)? != b"XA" {
            return None;
        }
        Some(Xa {
            group: u16_be(su, 0)?,
            user: u16_be(su, 2)?,
            attributes: u16_be(su, 4)?,
            file_number: *su.get(8)?,
        })
    }

    pub fn form2(&self) -> bool {
        self.attributes & 0x1000 != 0
    }

    /// The attribute bits in words.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (bit, name) in [
            (0x0800, "mode2-form1"),
            (0x1000, "mode2-form2"),
            (0x2000, "interleaved"),
            (0x4000, "cdda"),
            (0x8000, "directory"),
        ] {
            if self.attributes & bit != 0 {
                parts.push(name);
            }
        }
        format!(
            "attributes {:#06x} ({}), file number {}",
            self.attributes,
            parts.join(" "),
            self.file_number
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &[u8], len_override: Option<u8>) -> Vec<u8> {
        let mut r = vec![0u8; HEADER + name.len() + usize::from(name.len().is_multiple_of(2))];
        r[0] = len_override.unwrap_or(r.len() as u8);
        r[2..6].copy_from_slice(&20u32.to_le_bytes());
        r[6..10].copy_from_slice(&20u32.to_be_bytes());
        r[10..14].copy_from_slice(&5u32.to_le_bytes());
        r[14..18].copy_from_slice(&5u32.to_be_bytes());
        r[18..25].copy_from_slice(&[103, 4, 20, 11, 26, 46, 0]);
        r[28..30].copy_from_slice(&1u16.to_le_bytes());
        r[30..32].copy_from_slice(&1u16.to_be_bytes());
        r[32] = name.len() as u8;
        r[HEADER..HEADER + name.len()].copy_from_slice(name);
        r
    }

    #[test]
    fn parses_and_rejects() {
        let r = parse(&record(b"A.TXT;1", None), 0).unwrap();
        assert_eq!((r.extent, r.size, r.name()), (20, 5, &b"A.TXT;1"[..]));
        assert_eq!(r.recorded.unwrap().to_string(), "2003-04-20T11:26:46Z");
        assert!(parse(&record(b"A", Some(20)), 0).is_err());
        let mut bad = record(b"A", None);
        bad[32] = 200;
        assert!(parse(&bad, 0).is_err());
    }

    #[test]
    fn xa_attributes() {
        // As vcdimager writes a form 2 MPEG file: group, user, attributes,
        // "XA", file number.
        let su = [0, 0, 0, 0, 0x15, 0x55, b'X', b'A', 1, 0, 0, 0, 0, 0];
        let xa = Xa::parse(&su).unwrap();
        assert!(xa.form2());
        assert_eq!(
            xa.describe(),
            "attributes 0x1555 (mode2-form2), file number 1"
        );
        assert!(Xa::parse(b"RRxxxxxxxxxxxx").is_none());
    }

    #[test]
    fn zero_length_skips_to_next_sector_and_straddling_is_reported() {
        let mut data = vec![0u8; 4096];
        let a = record(b"A", None);
        data[2040 - a.len()..2040].copy_from_slice(&a);
        let b = record(b"BBBBBBBB", None);
        data[2040..2040 + 8].copy_from_slice(&b[..8]);
        data[2048..2048 + b.len()].copy_from_slice(&b);
        let mut d = Vec::new();
        let all = records(&data, 0, &mut d);
        // The leading zero skips sector 0 entirely, so only B is found.
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].name(), b"BBBBBBBB");
    }
}
