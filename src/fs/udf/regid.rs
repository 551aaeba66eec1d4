//! Entity identifiers (regid): who wrote a volume, which domain it follows,
//! and the UDF revision their suffix carries.
//!
//! Sources: ECMA-167 1/7.4 (flags, 23-byte identifier, 8-byte suffix), OSTA
//! UDF 2.60 §2.1.5 (domain identifier suffix: UDF revision as a 16-bit
//! BCD-like number such as 0x0201, then domain flags; UDF identifier
//! suffix: revision, OS class, OS identifier; implementation identifier
//! suffix: OS class, OS identifier, implementation use).

use crate::structure::{Codec, Value, hex_bytes};

/// A decoded entity identifier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityId {
    pub flags: u8,
    pub identifier: String,
    pub suffix: [u8; 8],
}

impl EntityId {
    /// Decodes the 32 bytes of a regid.
    pub fn parse(raw: &[u8]) -> EntityId {
        let mut suffix = [0u8; 8];
        if let Some(s) = raw.get(24..32) {
            suffix.copy_from_slice(s);
        }
        EntityId {
            flags: raw.first().copied().unwrap_or(0),
            identifier: raw
                .get(1..24)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| b != 0)
                .map(|&b| char::from(b))
                .collect::<String>()
                .trim_end()
                .to_owned(),
            suffix,
        }
    }

    /// The UDF revision in a domain or UDF identifier suffix (0x0201).
    pub fn revision(&self) -> u16 {
        u16::from_le_bytes([self.suffix[0], self.suffix[1]])
    }

    /// Whether this names a UDF domain or UDF structure (`*OSTA UDF
    /// Compliant`, `*UDF ...`), whose suffix starts with a revision.
    pub fn is_udf(&self) -> bool {
        self.identifier.starts_with("*OSTA UDF") || self.identifier.starts_with("*UDF")
    }

    /// People's text: the identifier, and the revision or OS it names.
    pub fn describe(&self) -> String {
        let id = self.identifier.as_str();
        if self.is_udf() {
            format!("{id} (UDF {})", revision_text(self.revision()))
        } else if id.is_empty() {
            "(none)".to_owned()
        } else {
            match os_class(self.suffix[0]) {
                Some(os) => format!("{id} ({os})"),
                None => id.to_owned(),
            }
        }
    }
}

/// `0x0201` as `2.01`.
pub fn revision_text(revision: u16) -> String {
    format!("{:x}.{:02x}", revision >> 8, revision & 0xFF)
}

fn os_class(class: u8) -> Option<&'static str> {
    Some(match class {
        1 => "DOS",
        2 => "OS/2",
        3 => "Mac OS",
        4 => "UNIX",
        5 => "Windows 9x",
        6 => "Windows NT",
        7 => "OS/400",
        8 => "BeOS",
        9 => "Windows CE",
        _ => return None,
    })
}

/// A regid field.
#[derive(Clone, Copy, Debug)]
pub struct Regid;

impl Codec for Regid {
    type Out = EntityId;
    const WIDTH: Option<usize> = Some(32);
    fn decode(raw: &[u8]) -> EntityId {
        EntityId::parse(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(EntityId::parse(raw).identifier)
    }
    fn note(raw: &[u8]) -> Option<String> {
        let id = EntityId::parse(raw);
        if id.is_udf() {
            Some(format!("UDF {}", revision_text(id.revision())))
        } else if id.suffix != [0; 8] {
            Some(format!("suffix {}", hex_bytes(&id.suffix, 8)))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_identifier_reads_its_revision() {
        let mut raw = [0u8; 32];
        raw[1..20].copy_from_slice(b"*OSTA UDF Compliant");
        raw[24] = 0x01;
        raw[25] = 0x02;
        let id = EntityId::parse(&raw);
        assert_eq!(id.revision(), 0x0201);
        assert_eq!(id.describe(), "*OSTA UDF Compliant (UDF 2.01)");
        assert_eq!(revision_text(0x0150), "1.50");
    }
}
