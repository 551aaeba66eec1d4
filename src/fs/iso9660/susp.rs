//! The System Use Sharing Protocol: entries in a record's system use area
//! and in its continuation areas.
//!
// Sources: IEEE P1281 (SUSP 1.12) §4 (entry layout: signature, length,
// version), §5.1 (CE), §5.2 (PD), §5.3 (SP), §5.4 (ST), §5.5 (ER),
// §5.6 (ES).

use crate::diagnostic::{Diagnostic, Location};
use crate::io::ReadAt;
use crate::structure::{Both32, Bytes, Codec, Field, Latin1, Layout, Raw, U8, Value, hex_bytes};
use crate::units::Lba;

use super::rockridge;

/// Continuation areas one record may chain (RELIABILITY.md).
pub const MAX_CE: usize = 32;
const BLOCK: u64 = 2048;

/// What each signature names, SUSP's own and its extensions'.
const SIGNATURES: [(&[u8; 2], &str); 19] = [
    (b"CE", "continuation area"),
    (b"PD", "padding"),
    (b"SP", "SUSP indicator"),
    (b"ST", "SUSP terminator"),
    (b"ER", "extensions reference"),
    (b"ES", "extension selector"),
    (b"RR", "Rock Ridge extensions in use (RRIP 1.09)"),
    (b"PX", "POSIX file attributes"),
    (b"PN", "POSIX device number"),
    (b"SL", "symbolic link"),
    (b"NM", "alternate name"),
    (b"CL", "child link"),
    (b"PL", "parent link"),
    (b"RE", "relocated directory"),
    (b"TF", "time stamps"),
    (b"SF", "sparse file"),
    (b"ZF", "zisofs compressed file"),
    (b"AA", "Apple extension"),
    (b"AS", "Amiga extension"),
];

/// An entry's two-letter signature, named in the note.
#[derive(Clone, Copy, Debug)]
pub struct SuspSignature;

impl Codec for SuspSignature {
    type Out = [u8; 2];
    const WIDTH: Option<usize> = Some(2);
    fn decode(raw: &[u8]) -> [u8; 2] {
        Raw::<2>::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Raw::<2>::value(raw)
    }
    fn note(raw: &[u8]) -> Option<String> {
        SIGNATURES
            .iter()
            .find(|(sig, _)| sig.as_slice() == raw)
            .map(|(_, name)| (*name).to_owned())
    }
}

/// Declares a SUSP entry: the header every entry starts with (signature,
/// length, version), then the entry's own fields.
macro_rules! entry {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident = $title:literal, $source:literal, $size:literal {
            $($body:tt)*
        }
    ) => {
        $crate::structure::declare! {
            $(#[$meta])*
            $vis struct $name = $title, Directory, $source, $size {
                0, 2 => signature: $crate::fs::iso9660::susp::SuspSignature, "signature", "two letters naming the entry", "IEEE P1281 §4.1";
                2, 1 => length: $crate::structure::U8, "length", "bytes in the entry, these four included", "IEEE P1281 §4.1";
                3, 1 => version: $crate::structure::U8, "version", "the entry's version, 1", "IEEE P1281 §4.1";
                $($body)*
            }
        }
    };
}

pub(super) use entry;

entry! {
    /// The header alone, for entries nobody here defines.
    pub struct SuspHeader = "SUSP entry", "IEEE P1281 §4.1", 4 {}
}

entry! {
    /// SP: SUSP is in use; records skip `skip` bytes of their system use
    /// area before the first entry.
    pub struct Sp = "SUSP indicator", "IEEE P1281 §5.3", 7 {
        4, 2 => check: Raw<2>, "check bytes", "BE EF";
        6, 1 => skip: U8, "bytes skipped", "bytes of each system use area before its entries";
    }
}

entry! {
    /// CE: more entries in a continuation area.
    pub struct Ce = "Continuation area", "IEEE P1281 §5.1", 28 {
        4, 8 => block: Both32, "block", "logical block of the continuation area";
        12, 8 => offset: Both32, "offset", "bytes into that block";
        20, 8 => size: Both32, "area length", "bytes in the continuation area";
    }
}

entry! {
    /// PD: padding, its bytes follow the header.
    pub struct Padding = "Padding", "IEEE P1281 §5.2", 4 {}
}

entry! {
    /// ST: no entries follow in this area.
    pub struct St = "SUSP terminator", "IEEE P1281 §5.4", 4 {}
}

entry! {
    /// ER, its fixed part: the lengths of the three texts that follow.
    pub struct Er = "Extensions reference", "IEEE P1281 §5.5", 8 {
        4, 1 => id_len: U8, "identifier length", "bytes of the extension identifier";
        5, 1 => descriptor_len: U8, "descriptor length", "bytes of the extension descriptor";
        6, 1 => source_len: U8, "source length", "bytes of the extension source";
        7, 1 => extension_version: U8, "extension version", "the version of the extension";
    }
}

entry! {
    /// ES: the entries that follow belong to the extension numbered here.
    pub struct Es = "Extension selector", "IEEE P1281 §5.6", 5 {
        4, 1 => sequence: U8, "extension sequence", "which ER entry's extension the next entries use";
    }
}

/// One SUSP entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuspEntry {
    pub signature: [u8; 2],
    pub version: u8,
    /// The whole entry, header included, so offsets match the spec tables.
    pub bytes: Vec<u8>,
}

impl SuspEntry {
    pub fn is(&self, sig: &[u8; 2]) -> bool {
        &self.signature == sig
    }
}

/// The SP entry of a root `.` record: SUSP is in use, and records skip
/// `skip` bytes of their system use area before the first entry.
pub fn sp_skip(system_use: &[u8]) -> Option<usize> {
    let sp = Sp::decode(system_use).ok()?;
    (&sp.signature == b"SP" && sp.check == [0xBE, 0xEF]).then_some(usize::from(sp.skip))
}

/// The SP entry at offset 0, or after a 14-byte CD-ROM XA block.
pub fn find_sp(system_use: &[u8]) -> Option<usize> {
    sp_skip(system_use).or_else(|| {
        system_use
            .get(super::dirent::Xa::LEN..)
            .and_then(sp_skip)
            .map(|skip| skip.max(super::dirent::Xa::LEN))
    })
}

/// The entries of one area, each with its offset in the area and its bytes
/// (header included), up to the first whose length does not fit.
fn walk(area: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let len = usize::from(*area.get(pos + 2)?);
        if len < 4 {
            return None;
        }
        let bytes = area.get(pos..pos + len)?;
        let at = pos;
        pos += len;
        Some((at, bytes))
    })
}

/// Hands each entry of one area (header included) to `f`; returns the
/// continuation it names.
fn split(area: &[u8], f: &mut dyn FnMut(&[u8])) -> Option<(u32, u32, u32)> {
    let mut next = None;
    for (_, bytes) in walk(area) {
        match bytes.get(..2) {
            Some(b"ST") => break,
            Some(b"CE") => {
                if let Ok(ce) = Ce::decode(bytes) {
                    next = Some((ce.block.value, ce.offset.value, ce.size.value));
                }
            }
            Some(b"PD") => {}
            _ => f(bytes),
        }
    }
    next
}

/// Every entry of a record's system use area `su` (already past the skip
/// bytes), following continuation areas within the limits.
pub fn entries(
    su: &[u8],
    reader: &dyn ReadAt,
    at: Lba,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SuspEntry> {
    let mut out = Vec::new();
    for_each(su, reader, at, diags, &mut |bytes| {
        if let Ok(header) = SuspHeader::decode(bytes) {
            out.push(SuspEntry {
                signature: header.signature,
                version: header.version,
                bytes: bytes.to_vec(),
            });
        }
    });
    out
}

/// Hands every entry of `su` and of its continuation areas to `f` without
/// copying them.
pub fn for_each(
    su: &[u8],
    reader: &dyn ReadAt,
    at: Lba,
    diags: &mut Vec<Diagnostic>,
    f: &mut dyn FnMut(&[u8]),
) {
    let mut next = split(su, f);
    let mut seen: Vec<(u32, u32)> = Vec::new();
    let blocks = reader.len() / BLOCK;
    while let Some((block, offset, length)) = next.take() {
        if seen.len() >= MAX_CE {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-limit",
                    format!("more than {MAX_CE} SUSP continuation areas for one record; the rest are ignored"),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        if seen.contains(&(block, offset)) {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-loop",
                    format!("SUSP continuation area at block {block} offset {offset} is named twice (a loop); ignored"),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        seen.push((block, offset));
        let end = u64::from(offset) + u64::from(length);
        if end > BLOCK || u64::from(block) >= blocks {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-out-of-bounds",
                    format!(
                        "SUSP continuation area at block {block} offset {offset} length {length} runs past its block or the image; ignored"
                    ),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        let start = u64::from(block) * BLOCK + u64::from(offset);
        match reader.read_vec(start, length as usize) {
            Ok(area) => next = split(&area, f),
            Err(error) => diags.push(
                Diagnostic::warning("rr.ce-unreadable", error.to_string()).at(Location::Sector(at)),
            ),
        }
    }
}

/// The fields of the entries in `area`, which sits `shift` bytes into its
/// structure, up to an ST entry or one that does not fit; returns the
/// bytes they cover.
pub fn annotate(area: &[u8], shift: u64, out: &mut Vec<Field>) -> usize {
    let mut used = 0usize;
    for (at, bytes) in walk(area) {
        used = at + bytes.len();
        entry_fields(bytes, shift + at as u64, out);
        if bytes.starts_with(b"ST") {
            break;
        }
    }
    used
}

/// One entry's fields, named after its signature ("PX file mode").
fn entry_fields(bytes: &[u8], shift: u64, out: &mut Vec<Field>) {
    let prefix = SuspSignature::value(bytes.get(..2).unwrap_or_default()).to_string();
    let p = prefix.as_str();
    let end = match bytes.get(..2) {
        Some(b"SP") => declared(&Sp::LAYOUT, bytes, shift, p, out),
        Some(b"CE") => declared(&Ce::LAYOUT, bytes, shift, p, out),
        Some(b"ST") => declared(&St::LAYOUT, bytes, shift, p, out),
        Some(b"ES") => declared(&Es::LAYOUT, bytes, shift, p, out),
        Some(b"PD") => declared(&Padding::LAYOUT, bytes, shift, p, out),
        Some(b"ER") => extensions_reference(bytes, shift, p, out),
        _ => match rockridge::annotate(bytes, shift, p, out) {
            Some(end) => end,
            None => declared(&SuspHeader::LAYOUT, bytes, shift, p, out),
        },
    };
    let rest = bytes.get(end..).unwrap_or_default();
    if !rest.is_empty() {
        out.push(Field::new(
            shift + end as u64,
            rest.len() as u64,
            format!("{p} data"),
            Bytes::value(rest),
            "the entry's bytes after its declared fields",
            "IEEE P1281 §4.1",
        ));
    }
}

/// Pushes the fields of `layout` found in `bytes` (an entry at `shift`),
/// named with `prefix`; returns where the last one ends.
pub(super) fn declared(
    layout: &Layout,
    bytes: &[u8],
    shift: u64,
    prefix: &str,
    out: &mut Vec<Field>,
) -> usize {
    let fields = layout.fields_at(bytes, shift, Some(prefix));
    let end = fields
        .iter()
        .map(|f| f.offset + f.length - shift)
        .max()
        .unwrap_or(0);
    out.extend(fields);
    usize::try_from(end).unwrap_or(usize::MAX)
}

/// ER: the fixed part, then the identifier, descriptor and source texts.
fn extensions_reference(bytes: &[u8], shift: u64, prefix: &str, out: &mut Vec<Field>) -> usize {
    let mut end = declared(&Er::LAYOUT, bytes, shift, prefix, out);
    let Ok(er) = Er::decode(bytes) else {
        return end;
    };
    for (len, name, meaning) in [
        (
            er.id_len,
            "identifier",
            "names the extension (RRIP_1991A, IEEE_P1282, ...)",
        ),
        (er.descriptor_len, "descriptor", "describes the extension"),
        (
            er.source_len,
            "source",
            "where the extension's specification comes from",
        ),
    ] {
        let Some(text) = bytes.get(end..end + usize::from(len)) else {
            break;
        };
        out.push(Field::new(
            shift + end as u64,
            u64::from(len),
            format!("{prefix} {name}"),
            Latin1::value(text),
            meaning,
            "IEEE P1281 §5.5",
        ));
        end += usize::from(len);
    }
    end
}

/// Text for bytes that should be text, hex when they are not.
pub(super) fn text_or_hex(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => Value::Text(text.to_owned()),
        _ => Value::Text(hex_bytes(bytes, 32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::io::MemorySource;

    fn ce(block: u32, offset: u32, length: u32) -> Vec<u8> {
        let mut e = vec![b'C', b'E', 28, 1];
        for v in [block, offset, length] {
            e.extend_from_slice(&v.to_le_bytes());
            e.extend_from_slice(&v.to_be_bytes());
        }
        e
    }

    #[test]
    fn ce_loop_ends_with_a_diagnostic() {
        let mut image = vec![0u8; 4 * 2048];
        let area = ce(2, 0, 28);
        image[4096..4096 + 28].copy_from_slice(&area);
        let src = MemorySource::new(image, "m");
        let mut d = Vec::new();
        let mut su = b"NM\x06\x01\x00a".to_vec();
        su.extend(ce(2, 0, 28));
        let got = entries(&su, &src, Lba(0), &mut d);
        assert_eq!(got.len(), 1);
        assert_eq!(d[0].code, "rr.ce-loop");
        let mut d = Vec::new();
        entries(&ce(3, 2040, 28), &src, Lba(0), &mut d);
        assert_eq!(d[0].code, "rr.ce-out-of-bounds");
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(SuspHeader, Sp, Ce, Padding, St, Er, Es);
    }

    #[test]
    fn a_truncated_entry_names_its_field() {
        match Ce::decode(&ce(1, 2, 3)[..20]) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("area length", 20));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn entries_are_annotated_field_by_field() {
        let mut area = b"SP\x07\x01\xbe\xef\x00".to_vec();
        area.extend(ce(30, 0, 237));
        area.extend(b"ER\x0e\x01\x04\x02\x00\x01ABCDxy");
        area.extend(b"QQ\x06\x01\x01\x02");
        area.extend(b"ST\x04\x01");
        area.extend(b"\0\0");
        let mut fields = Vec::new();
        let used = annotate(&area, 100, &mut fields);
        assert_eq!(used, area.len() - 2);
        let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("SP signature").text(), "SP (SUSP indicator)");
        assert_eq!(field("SP check bytes").value.to_string(), "be ef");
        assert_eq!(field("CE block").value, Value::Unsigned(30));
        assert_eq!(field("CE area length").offset, 100 + 7 + 20);
        assert_eq!(field("ER identifier").value, Value::Text("ABCD".into()));
        assert_eq!(field("ER descriptor").value, Value::Text("xy".into()));
        assert_eq!(field("QQ data").length, 2);
        assert_eq!(field("ST length").value, Value::Unsigned(4));
        let covered: u64 = fields.iter().map(|f| f.length).sum();
        assert_eq!(covered, used as u64);
    }
}
