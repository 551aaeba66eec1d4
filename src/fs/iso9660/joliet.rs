//! Joliet: UCS-2 big-endian names in a supplementary volume descriptor.
//!
// Sources: Joliet specification (Microsoft, 1995) §3 (escape sequences
// %/@ level 1, %/C level 2, %/E level 3), §4 (identifiers in UCS-2 BE; the
// 64-character limit that real discs exceed, as -joliet-long writes).

use crate::structure::{Codec, Raw, Value};

/// The Joliet level named by a descriptor's escape sequences field.
pub fn level(escapes: &[u8]) -> Option<u8> {
    let seq = escapes.get(..3)?;
    match seq {
        b"%/@" => Some(1),
        b"%/C" => Some(2),
        b"%/E" => Some(3),
        _ => None,
    }
}

/// A supplementary descriptor's escape sequences, the Joliet level they
/// name in the note.
#[derive(Clone, Copy, Debug)]
pub struct Escapes;

impl Codec for Escapes {
    type Out = [u8; 32];
    const WIDTH: Option<usize> = Some(32);
    fn decode(raw: &[u8]) -> [u8; 32] {
        Raw::<32>::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        let used = raw
            .iter()
            .rposition(|&b| b != 0 && b != b' ')
            .map_or(0, |last| last + 1);
        Raw::<32>::value(raw.get(..used).unwrap_or_default())
    }
    fn note(raw: &[u8]) -> Option<String> {
        level(raw).map(|l| format!("Joliet level {l}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_escapes() {
        assert_eq!(level(b"%/E  "), Some(3));
        assert_eq!(level(b"    "), None);
        let mut escapes = [0u8; 32];
        escapes[..3].copy_from_slice(b"%/E");
        assert_eq!(Escapes::value(&escapes).to_string(), "%/E");
        assert_eq!(Escapes::note(&escapes).as_deref(), Some("Joliet level 3"));
    }
}
