//! Joliet: UCS-2 big-endian names in a supplementary volume descriptor.
//!
// Sources: Joliet specification (Microsoft, 1995) §3 (escape sequences
// %/@ level 1, %/C level 2, %/E level 3), §4 (identifiers in UCS-2 BE; the
// 64-character limit that real discs exceed, as -joliet-long writes).

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

/// A UCS-2 big-endian name; unpaired surrogates and an odd last byte become
/// U+FFFD (UTF-16 pairs, which some writers emit, are joined).
pub fn decode(bytes: &[u8]) -> String {
    let units = bytes.chunks(2).map(|c| match c {
        [hi, lo] => u16::from_be_bytes([*hi, *lo]),
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// A UCS-2 identifier field (volume label, ...) without the padding that
/// follows the text: spaces, and the NULs some writers use instead.
pub fn text(bytes: &[u8]) -> String {
    decode(bytes).trim_end_matches([' ', '\0']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_levels() {
        assert_eq!(decode(b"\x00a\x00b\x00\xe9"), "abé");
        assert_eq!(decode(b"\xd8\x3d\xde\x00"), "😀");
        assert_eq!(level(b"%/E  "), Some(3));
        assert_eq!(level(b"    "), None);
        // util-linux's iso-different-iso-joliet-label pads with NULs and spaces.
        assert_eq!(text(b"\x00L\x00a\x00b\x00\x00\x00 \x00 \x00\x00"), "Lab");
    }
}
