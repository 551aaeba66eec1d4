//! Directory records: the fixed 33-byte header, the identifier and the
//! system use area, and the walk over one directory extent.
//!
// Sources: ECMA-119 4th ed. §9.1 (directory record), §9.1.5 (recording
// date), §9.1.6 (file flags), §6.8.1 (records do not cross logical sector
// boundaries; a zero length byte ends the records of a sector); CD-ROM XA
// §4.3 (system use: group, user, attributes, "XA", file number).

use crate::diagnostic::{Diagnostic, Location};
use crate::structure::{
    Be16, Both16, Both32, Codec, Field, Place, Raw, Reserved, Structure, U8, Value, declare,
    hex_bytes, ucs2be_text,
};
use crate::timestamp::Timestamp;
use crate::units::Lba;

use super::susp;
use crate::structure::named::{bit_names, flags};

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

/// The file flag bits by name, as the inspector lists them.
const FLAG_NAMES: [(u64, &str); 6] = [
    (FLAG_HIDDEN as u64, "hidden"),
    (FLAG_DIRECTORY as u64, "directory"),
    (FLAG_ASSOCIATED as u64, "associated"),
    (FLAG_RECORD as u64, "record"),
    (FLAG_PROTECTION as u64, "protection"),
    (FLAG_MULTI_EXTENT as u64, "multi-extent"),
];

flags!(
    /// The file flags byte (§9.1.6), its set bits named in the note.
    FileFlags: U8 => u8, 2, FLAG_NAMES
);

/// The UTC offset in minutes a date's last byte gives (15-minute steps,
/// §9.1.5 and §8.4.26.1), or `None` when the byte is outside ECMA-119's
/// -48..52. genisoimage writes -96 for dates past 2038; such a date is
/// read as UTC, as Linux reads it (isoinfo ignores the offset too).
pub fn utc_offset(byte: u8) -> Option<i16> {
    let steps = byte as i8;
    (-48..=52).contains(&steps).then(|| i16::from(steps) * 15)
}

/// What is odd about a date's UTC offset byte, for a note or a finding.
pub fn offset_note(byte: u8) -> Option<String> {
    utc_offset(byte).is_none().then(|| {
        format!(
            "UTC offset byte {} is outside -48..52 (15-minute steps); read as UTC, as Linux reads it",
            byte as i8
        )
    })
}

/// The 7-byte recording date (§9.1.5): years since 1900, month, day, hour,
/// minute, second, and the UTC offset in 15-minute steps.
pub fn date7(b: &[u8]) -> Option<Timestamp> {
    let [y, mo, d, h, mi, s, off]: [u8; 7] = b.get(..7)?.try_into().ok()?;
    let offset = utc_offset(off).unwrap_or(0);
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

/// A 7-byte date (§9.1.5); all zeros means "not specified".
#[derive(Clone, Copy, Debug)]
pub struct Date7;

impl Codec for Date7 {
    type Out = Option<Timestamp>;
    const WIDTH: Option<usize> = Some(7);
    fn decode(raw: &[u8]) -> Option<Timestamp> {
        date7(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(date7(raw).map_or_else(|| "not specified".to_owned(), |t| t.to_string()))
    }
    fn note(raw: &[u8]) -> Option<String> {
        match date7(raw) {
            None => raw
                .iter()
                .any(|&b| b != 0)
                .then(|| "not a valid date".to_owned()),
            Some(_) => offset_note(*raw.get(6)?),
        }
    }
}

declare! {
    /// The fixed part of a directory record, before the identifier.
    pub struct RecordHeader = "Directory record", Directory, "ECMA-119 §9.1", 33 {
        0, 1 => length: U8, "record length", "bytes in this directory record", "ECMA-119 §9.1.1";
        1, 1 => ext_attr_length: U8, "extended attribute length", "blocks of extended attribute record before the data", "ECMA-119 §9.1.2";
        2, 8 => extent: Both32, "extent location", "first logical block of the data, little- then big-endian", "ECMA-119 §9.1.3";
        10, 8 => size: Both32, "data length", "bytes of data, little- then big-endian", "ECMA-119 §9.1.4";
        18, 7 => recorded: Date7, "recording date", "years since 1900, month, day, hour, minute, second, UTC offset in 15-minute steps", "ECMA-119 §9.1.5";
        25, 1 => flags: FileFlags, "file flags", "hidden, directory, associated, record, protection, multi-extent bits", "ECMA-119 §9.1.6";
        26, 1 => unit_size: U8, "file unit size", "interleave unit size in blocks, 0 when not interleaved", "ECMA-119 §9.1.7";
        27, 1 => gap: U8, "interleave gap", "blocks skipped between units of an interleaved file", "ECMA-119 §9.1.8";
        28, 4 => sequence: Both16, "volume sequence number", "the volume of a set that holds the extent, both-endian", "ECMA-119 §9.1.9";
        32, 1 => name_len: U8, "identifier length", "bytes of the file identifier", "ECMA-119 §9.1.10";
    }
}

impl RecordHeader {
    /// Whether every both-endian field's halves agree.
    fn consistent(&self) -> bool {
        self.extent.consistent() && self.size.consistent() && self.sequence.consistent()
    }
}

/// The root directory record a volume descriptor holds (34 bytes), shown
/// as its extent and size.
#[derive(Clone, Copy, Debug)]
pub struct RootRecord;

impl Codec for RootRecord {
    type Out = [u8; 34];
    const WIDTH: Option<usize> = Some(34);
    fn decode(raw: &[u8]) -> [u8; 34] {
        Raw::<34>::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        match RecordHeader::decode(raw) {
            Ok(h) => Value::Text(format!("extent {}, {} bytes", h.extent.value, h.size.value)),
            Err(_) => Value::Text(hex_bytes(raw, 16)),
        }
    }
    fn note(raw: &[u8]) -> Option<String> {
        RecordHeader::decode(raw)
            .is_ok_and(|h| !h.consistent())
            .then(|| "little- and big-endian copies differ".to_owned())
    }
}

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
    /// The whole record as recorded.
    pub fn bytes(&self) -> &[u8] {
        self.raw.get(..usize::from(self.length)).unwrap_or_default()
    }
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
    let header = RecordHeader::decode(rec).map_err(|e| e.to_string())?;
    let name_len = usize::from(header.name_len);
    if name_len == 0 || HEADER + name_len > len {
        return Err(format!(
            "identifier length {name_len} does not fit a record of {len} bytes"
        ));
    }
    let mut raw = [0u8; 256];
    if let Some(dst) = raw.get_mut(..len) {
        dst.copy_from_slice(rec);
    }
    Ok(Record {
        offset,
        length,
        ext_attr_length: header.ext_attr_length,
        extent: header.extent.value,
        size: header.size.value,
        recorded: header.recorded,
        flags: header.flags,
        unit_size: header.unit_size,
        gap: header.gap,
        sequence: header.sequence.value,
        raw,
        name_len,
        system_use_offset: system_use_start(name_len).min(len),
        endian_mismatch: !header.consistent(),
    })
}

/// Where the system use area starts: after the identifier and, for an
/// even-length identifier, its padding byte (§9.1.12).
fn system_use_start(name_len: usize) -> usize {
    HEADER + name_len + usize::from(name_len.is_multiple_of(2))
}

/// Every usable record of a directory whose extent bytes are `data`, read
/// from volume offset `base`. Problems become diagnostics and the walk goes
/// on at the next sector.
pub fn records(data: &[u8], base: u64, diags: &mut Vec<Diagnostic>) -> Vec<Record> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(&len) = data.get(pos) {
        let sector_end = (pos / SECTOR + 1) * SECTOR;
        let len = usize::from(len);
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

/// How a record's identifier reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// 8-bit identifiers (d-characters, or any bytes in ISO 9660:1999),
    /// shown as UTF-8 where they are.
    EightBit,
    /// Joliet's UCS-2 big-endian.
    Ucs2,
}

/// The record as an annotated structure: the declared header, the
/// identifier, the padding byte and the system use area entry by entry.
/// `susp_skip` is the SP entry's skip length when the volume uses SUSP.
pub fn structure(record: &Record, names: Names, susp_skip: Option<usize>) -> Structure {
    let bytes = record.bytes();
    let mut s = Structure {
        length: u64::from(record.length),
        ..RecordHeader::LAYOUT.structure(bytes, Place::Medium(record.offset))
    };
    let (text, note) = if record.is_self() {
        ("\\0".to_owned(), Some("this directory"))
    } else if record.is_parent() {
        ("\\1".to_owned(), Some("parent directory"))
    } else {
        let text = match names {
            Names::EightBit => super::names::text(record.name()).0,
            Names::Ucs2 => ucs2be_text(record.name()),
        };
        (text, None)
    };
    let meaning = match names {
        Names::EightBit => {
            "the name as recorded, with its ;version (UTF-8 where it is, other bytes as \\xNN)"
        }
        Names::Ucs2 => "the name as recorded, in UCS-2 big-endian (Joliet)",
    };
    s.push(Field {
        note: note.map(str::to_owned),
        ..Field::new(
            HEADER as u64,
            record.name_len as u64,
            "file identifier",
            Value::Text(text),
            meaning,
            "ECMA-119 §9.1.11",
        )
    });
    let pad_at = HEADER + record.name_len;
    if record.name_len.is_multiple_of(2)
        && let Some(pad) = bytes.get(pad_at..pad_at + 1)
    {
        s.push(Field::new(
            pad_at as u64,
            1,
            "padding",
            Reserved::value(pad),
            "pads an even-length identifier",
            "ECMA-119 §9.1.12",
        ));
    }
    system_use_fields(
        record.system_use(),
        record.system_use_offset as u64,
        susp_skip,
        &mut s.fields,
    );
    s
}

/// The fields of a system use area that sits `shift` bytes into its
/// record: CD-ROM XA, the bytes SP says to skip, then SUSP entries (or the
/// bytes as one field when the volume does not use SUSP).
fn system_use_fields(area: &[u8], shift: u64, susp_skip: Option<usize>, out: &mut Vec<Field>) {
    let mut from = 0usize;
    if Xa::parse(area).is_some() {
        out.extend(Xa::LAYOUT.fields_at(area, shift, Some("XA")));
        from = Xa::LEN;
    }
    let Some(skip) = susp_skip else {
        rest_field(area, from, shift, false, out);
        return;
    };
    // The record holding SP (the root's `.`) starts its entries there.
    let start = if susp::sp_skip(area.get(from..).unwrap_or_default()).is_some() {
        from
    } else {
        skip.max(from)
    };
    if start > from {
        let skipped = area.get(from..start).unwrap_or_default();
        out.push(Field::new(
            shift + from as u64,
            skipped.len() as u64,
            "skipped bytes",
            crate::structure::Bytes::value(skipped),
            "bytes the SP entry says to skip before SUSP entries",
            "IEEE P1281 §5.3",
        ));
    }
    let entries = area.get(start..).unwrap_or_default();
    let used = susp::annotate(entries, shift + start as u64, out);
    rest_field(area, start + used, shift, true, out);
}

/// The bytes of `area` from `from` on, as one field, when there are any:
/// the whole area when the volume does not use SUSP, else the padding
/// after its entries.
fn rest_field(area: &[u8], from: usize, shift: u64, susp: bool, out: &mut Vec<Field>) {
    let rest = area.get(from..).unwrap_or_default();
    if rest.is_empty() {
        return;
    }
    let (name, value, meaning) = if susp {
        (
            "system use padding",
            Reserved::value(rest),
            "bytes after the last SUSP entry",
        )
    } else {
        (
            "system use",
            crate::structure::Bytes::value(rest),
            "for the system; this volume has no SUSP entries",
        )
    };
    out.push(Field::new(
        shift + from as u64,
        rest.len() as u64,
        name,
        value,
        meaning,
        "ECMA-119 §9.1.13",
    ));
}

/// CD-ROM XA attribute bits by name.
const XA_BITS: [(u64, &str); 5] = [
    (0x0800, "mode2-form1"),
    (0x1000, "mode2-form2"),
    (0x2000, "interleaved"),
    (0x4000, "cdda"),
    (0x8000, "directory"),
];

flags!(
    /// The XA attributes word, big-endian, its bits named in the note.
    XaAttributes: Be16 => u16, 4, XA_BITS
);

declare! {
    /// CD-ROM XA system use information, at the start of a record's
    /// system use area.
    pub struct Xa = "CD-ROM XA system use", Directory, "CD-ROM XA §4.3", 14 {
        0, 2 => group: Be16, "owner group id", "the owner's group, big-endian";
        2, 2 => user: Be16, "owner user id", "the owner, big-endian";
        4, 2 => attributes: XaAttributes, "attributes", "permissions, and form 1, form 2, interleaved, CD-DA and directory bits";
        6, 2 => signature: Raw<2>, "signature", "XA";
        8, 1 => file_number: U8, "file number", "the file number its sectors' subheaders carry";
        9, 5 => reserved: Reserved, "reserved", "zero";
    }
}

impl Xa {
    pub const LEN: usize = Xa::LAYOUT.size;

    /// The XA information at the start of a system use area, if any.
    pub fn parse(su: &[u8]) -> Option<Xa> {
        Xa::decode(su).ok().filter(|xa| &xa.signature == b"XA")
    }

    pub fn form2(&self) -> bool {
        self.attributes & 0x1000 != 0
    }

    /// The attribute bits in words.
    pub fn describe(&self) -> String {
        format!(
            "attributes {:#06x} ({}), file number {}",
            self.attributes,
            bit_names(u64::from(self.attributes), &XA_BITS).unwrap_or_default(),
            self.file_number
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

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
        assert!(!r.endian_mismatch);
        assert!(parse(&record(b"A", Some(20)), 0).is_err());
        let mut bad = record(b"A", None);
        bad[32] = 200;
        assert!(parse(&bad, 0).is_err());
        let mut mismatch = record(b"A", None);
        mismatch[9] = 21;
        assert!(parse(&mismatch, 0).unwrap().endian_mismatch);
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(RecordHeader, Xa);
    }

    #[test]
    fn a_truncated_header_names_its_field() {
        let r = record(b"A", None);
        match RecordHeader::decode(&r[..20]) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("recording date", 18));
            }
            other => panic!("{other:?}"),
        }
        match Xa::decode(&[0; 8]) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("file number", 8));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn annotated_record() {
        let mut r = record(b"AB", None);
        r[25] = FLAG_DIRECTORY | FLAG_HIDDEN;
        let rec = parse(&r, 4096).unwrap();
        let s = structure(&rec, Names::EightBit, None);
        assert_eq!((s.place.clone(), s.length), (Place::Medium(4096), 36));
        let field = |name: &str| s.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("extent location").value, Value::Unsigned(20));
        assert_eq!(field("file flags").text(), "0x03 (hidden directory)");
        assert_eq!(field("file identifier").value, Value::Text("AB".into()));
        assert_eq!(field("padding").offset, 35);
        assert_eq!(field("recording date").text(), "2003-04-20T11:26:46Z");
        let covered: u64 = s.fields.iter().map(|f| f.length).sum();
        assert_eq!(covered, s.length, "{:#?}", s.fields);
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
        let fields = Xa::LAYOUT.fields(&su);
        assert_eq!(fields[2].text(), "0x1555 (mode2-form2)");
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
