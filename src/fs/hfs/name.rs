//! Names: Mac Roman Pascal strings (HFS) and UTF-16 in Apple's decomposed
//! form (HFS+), and the orders the catalog keeps them in.
//!
//! Sources: Inside Macintosh: Text (the Mac OS Roman character set);
//! TN1150 "Unicode Subtleties" (names stored fully decomposed, a variant
//! of NFD; HFS+ keys compare case-insensitively after dropping ignorable
//! characters; HFSX with key compare type 0xBC compares binary).

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

use crate::structure::{Codec, Value};

/// Mac OS Roman bytes as text.
pub fn mac_roman(bytes: &[u8]) -> String {
    let (text, _) = encoding_rs::MACINTOSH.decode_without_bom_handling(bytes);
    text.into_owned()
}

/// The characters of a Pascal string (length byte, then up to that many
/// bytes, clipped to the field).
pub fn pascal_bytes(raw: &[u8]) -> &[u8] {
    let Some((&len, rest)) = raw.split_first() else {
        return &[];
    };
    rest.get(..usize::from(len).min(rest.len()))
        .unwrap_or_default()
}

/// A Pascal string in Mac Roman (volume names, boot block file names).
#[derive(Clone, Copy, Debug)]
pub struct PascalRoman;

impl Codec for PascalRoman {
    type Out = Vec<u8>;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> Vec<u8> {
        pascal_bytes(raw).to_vec()
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(mac_roman(pascal_bytes(raw)))
    }
    fn note(raw: &[u8]) -> Option<String> {
        let len = usize::from(raw.first().copied().unwrap_or(0));
        (len >= raw.len()).then(|| format!("length {len} does not fit the field"))
    }
}

/// UTF-16 code units as stored (decomposed) to composed text; unpaired
/// surrogates become U+FFFD.
pub fn unicode(units: &[u16]) -> String {
    String::from_utf16_lossy(units).nfc().collect()
}

/// Code units of big-endian UTF-16 bytes.
pub fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_be_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect()
}

/// Characters HFS+ name comparison ignores (TN1150: they fold to zero).
fn ignorable(u: u16) -> bool {
    matches!(u, 0x200C..=0x200F | 0x202A..=0x202E | 0x206A..=0x206F | 0xFEFF)
}

/// How a catalog orders names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// HFS: Mac Roman, case-insensitive.
    Roman,
    /// HFS+ and case-insensitive HFSX: case folded, ignorable characters
    /// dropped.
    Folded,
    /// HFSX with key compare type 0xBC: code unit by code unit.
    Binary,
}

/// Compares two names as the catalog orders them, when that can be
/// decided without Apple's full tables: `None` when both names are not
/// plain ASCII under a case-insensitive order (so a key-order check never
/// reports a false alarm on names whose fold it does not know).
pub fn compare(order: Order, a: &[u16], b: &[u16]) -> Option<Ordering> {
    match order {
        Order::Binary => Some(a.cmp(b)),
        Order::Roman | Order::Folded => {
            // HFS orders by Apple's Mac Roman sorting table, whose place
            // for ASCII punctuation differs from code order: only letters,
            // digits and spaces are judged there.
            let plain = |u: u16| u == 0x20 || (0x30..=0x39).contains(&u);
            let fold = |u: u16| -> Option<u16> {
                match u {
                    0 if order == Order::Folded => Some(0xFFFF),
                    0x41..=0x5A => Some(u + 0x20),
                    0x61..=0x7A => Some(u),
                    _ if order == Order::Roman && !plain(u) => None,
                    0..=0x7F => Some(u),
                    _ if order == Order::Folded && ignorable(u) => Some(0),
                    _ => None,
                }
            };
            let fa: Option<Vec<u16>> = a.iter().map(|&u| fold(u)).collect();
            let fb: Option<Vec<u16>> = b.iter().map(|&u| fold(u)).collect();
            let (mut fa, mut fb) = (fa?, fb?);
            fa.retain(|&u| u != 0);
            fb.retain(|&u| u != 0);
            Some(fa.cmp(&fb))
        }
    }
}

/// Mac Roman bytes as the code units [`compare`] takes (ASCII stays
/// ASCII; other bytes become code units above it).
pub fn roman_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                u16::from(b)
            } else {
                0x100 + u16::from(b)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_roman_and_pascal_strings() {
        assert_eq!(mac_roman(b"Caf\x8e \xa5 \xf0"), "Café • \u{f8ff}");
        assert_eq!(pascal_bytes(b"\x03BBBxx"), b"BBB");
        assert_eq!(pascal_bytes(b"\x09AB"), b"AB");
        assert_eq!(PascalRoman::value(b"\x03BBB\0").to_string(), "BBB");
        assert!(PascalRoman::note(b"\x09AB").is_some());
    }

    #[test]
    fn unicode_names_are_composed() {
        // "é" stored decomposed as e + U+0301.
        assert_eq!(unicode(&[0x65, 0x301, 0x74, 0x65]), "éte");
        assert_eq!(units(&[0, 0x41, 0x30, 0x42]), vec![0x41, 0x3042]);
    }

    #[test]
    fn orders() {
        let u = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        assert_eq!(
            compare(Order::Folded, &u("abc"), &u("ABD")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Order::Folded, &u("ABC"), &u("abc")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Order::Binary, &u("ABC"), &u("abc")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Order::Binary, &u("b"), &u("B")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(Order::Folded, &u("é"), &u("e")), None);
        assert_eq!(compare(Order::Roman, &u("a_b"), &u("aab")), None);
        assert_eq!(
            compare(Order::Roman, &u("Level 10"), &u("level 2")),
            Some(Ordering::Less)
        );
        // NUL sorts after everything (the private data folder comes last).
        assert_eq!(
            compare(Order::Folded, &u("\0\0\0\0HFS+ Private Data"), &u("zzz")),
            Some(Ordering::Greater)
        );
    }
}
