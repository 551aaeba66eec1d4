//! Extended attributes recorded in a file entry: the header descriptor and
//! each attribute's type, subtype and length (implementation use
//! attributes named by their regid).
//!
//! Sources: ECMA-167 4/14.10.1 (extended attribute header descriptor:
//! implementation and application attribute locations), 4/14.10.2 (generic
//! attribute: type, subtype, length), 4/14.10.3-14.10.9 (the types), OSTA
//! UDF 2.60 §3.3.4 (implementation use attributes such as
//! "*UDF FreeEASpace", "*UDF DVD CGMS Info", "*UDF OS/2 EA", "*UDF Mac ...").

use crate::structure::{Field, Value};

use super::extent::le32;
use super::regid::EntityId;

/// Attributes shown at most per entry.
const MOST: usize = 64;

/// One attribute as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Offset in the entry's bytes.
    pub offset: usize,
    pub kind: u32,
    pub subtype: u8,
    pub length: usize,
    /// The regid of an implementation or application use attribute.
    pub identifier: Option<String>,
}

/// A type's name.
pub fn type_name(kind: u32) -> &'static str {
    match kind {
        1 => "character set information",
        3 => "alternate permissions",
        5 => "file times",
        6 => "information times",
        12 => "device specification",
        2048 => "implementation use",
        65536 => "application use",
        _ => "unknown",
    }
}

/// The attributes in `bytes[range]` (after the header descriptor).
pub fn attributes(bytes: &[u8], range: std::ops::Range<usize>) -> Vec<Attribute> {
    let mut out = Vec::new();
    let Some(area) = bytes.get(range.clone()) else {
        return out;
    };
    if area.len() < 24 || le32(area, 0) & 0xFFFF != u32::from(super::tag::EA_HEADER) {
        return out;
    }
    let mut at = 24usize;
    while out.len() < MOST {
        let Some(head) = area.get(at..at + 12) else {
            break;
        };
        let kind = le32(head, 0);
        let length = le32(head, 8) as usize;
        if length < 12 || at.saturating_add(length) > area.len() {
            break;
        }
        let identifier = matches!(kind, 2048 | 65536)
            .then(|| EntityId::parse(area.get(at + 16..at + 48).unwrap_or_default()).identifier);
        out.push(Attribute {
            offset: range.start + at,
            kind,
            subtype: head.get(4).copied().unwrap_or(0),
            length,
            identifier,
        });
        at += length;
    }
    out
}

/// The attributes as fields of their entry.
pub fn fields(bytes: &[u8], range: std::ops::Range<usize>) -> Vec<Field> {
    let mut out = Vec::new();
    if range.is_empty() {
        return out;
    }
    out.push(Field::new(
        range.start as u64,
        24.min(range.len()) as u64,
        "extended attribute header",
        Value::Text(format!(
            "implementation attributes at {}, application attributes at {}",
            le32(bytes, range.start + 16),
            le32(bytes, range.start + 20)
        )),
        "where each class of attribute starts",
        "ECMA-167 4/14.10.1",
    ));
    for (n, a) in attributes(bytes, range).iter().enumerate() {
        let what = match &a.identifier {
            Some(id) => format!("{} {id}", type_name(a.kind)),
            None => type_name(a.kind).to_owned(),
        };
        out.push(Field::new(
            a.offset as u64,
            a.length as u64,
            format!("extended attribute {}", n + 1),
            Value::Text(format!("type {} ({what}), {} bytes", a.kind, a.length)),
            "an extended attribute",
            "ECMA-167 4/14.10.2",
        ));
    }
    out
}
