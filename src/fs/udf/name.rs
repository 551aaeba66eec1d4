//! OSTA Compressed Unicode (CS0) names and the fixed-length `dstring`s and
//! character set specifications that carry them.
//!
//! Sources: OSTA UDF 2.60 §2.1.1 (compression IDs 8 and 16, and 254 and
//! 255, which UDF 2.50 and later use for the same two widths), §2.1.2
//! (CS0 character set), §2.1.3 (dstring: the last byte gives the length
//! used), ECMA-167 1/7.2.12 and 1/7.2.1 (charspec).

use crate::structure::{Codec, Value, hex_bytes};

/// Characters kept of one name; UDF allows 255 bytes of identifier, so a
/// longer result means a hostile or broken length.
pub const MAX_NAME_CHARS: usize = 255;

/// A decoded CS0 string and what was wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cs0 {
    pub text: String,
    pub problem: Option<String>,
}

/// Decodes OSTA compressed unicode: a compression ID byte then the
/// characters, 8 or 16 bits each.
pub fn cs0(bytes: &[u8]) -> Cs0 {
    let Some((&id, rest)) = bytes.split_first() else {
        return Cs0::default();
    };
    let (text, mut problem) = match id {
        8 | 254 => (
            rest.iter().map(|&b| char::from(b)).collect::<String>(),
            None,
        ),
        16 | 255 => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            let problem = (rest.len() % 2 == 1)
                .then(|| "a 16-bit name has an odd number of bytes".to_owned());
            (String::from_utf16_lossy(&units), problem)
        }
        other => (
            rest.iter()
                .map(|&b| {
                    if b.is_ascii_graphic() {
                        char::from(b)
                    } else {
                        '?'
                    }
                })
                .collect(),
            Some(format!("compression ID {other} is neither 8 nor 16")),
        ),
    };
    if text.chars().count() > MAX_NAME_CHARS && problem.is_none() {
        problem = Some(format!(
            "{} characters, more than UDF's {MAX_NAME_CHARS}",
            text.chars().count()
        ));
    }
    Cs0 { text, problem }
}

/// Decodes a dstring field: CS0 in all but the last byte, which says how
/// many bytes are used.
pub fn dstring(field: &[u8]) -> Cs0 {
    let Some((&used, body)) = field.split_last() else {
        return Cs0::default();
    };
    let used = usize::from(used);
    if used == 0 {
        return Cs0::default();
    }
    let mut decoded = cs0(body.get(..used.min(body.len())).unwrap_or_default());
    if used > body.len() {
        decoded.problem = Some(format!(
            "length byte {used} is longer than the {}-byte field",
            body.len()
        ));
    }
    decoded.text = decoded.text.trim_end_matches('\0').to_owned();
    decoded
}

/// A dstring field (ECMA-167 1/7.2.12).
#[derive(Clone, Copy, Debug)]
pub struct Dstring;

impl Codec for Dstring {
    type Out = String;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> String {
        dstring(raw).text
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(dstring(raw).text)
    }
    fn note(raw: &[u8]) -> Option<String> {
        dstring(raw).problem
    }
}

/// A character set specification (64 bytes): type 0 with
/// "OSTA Compressed Unicode" is what UDF requires.
#[derive(Clone, Copy, Debug)]
pub struct Charspec;

impl Codec for Charspec {
    type Out = ();
    const WIDTH: Option<usize> = Some(64);
    fn decode(_raw: &[u8]) {}
    fn value(raw: &[u8]) -> Value {
        let kind = raw.first().copied().unwrap_or(0);
        let info = crate::structure::latin1_trimmed(raw.get(1..).unwrap_or_default());
        Value::Text(format!("CS{kind} {info}").trim_end().to_owned())
    }
    fn note(raw: &[u8]) -> Option<String> {
        let ok = raw.first() == Some(&0)
            && raw
                .get(1..24)
                .is_some_and(|b| b == b"OSTA Compressed Unicode");
        (!ok).then(|| {
            format!(
                "UDF requires CS0 \"OSTA Compressed Unicode\" (found {})",
                hex_bytes(raw, 8)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_widths_decode() {
        assert_eq!(cs0(b"\x08abc").text, "abc");
        assert_eq!(cs0(&[16, 0, b'h', 0x20, 0xAC]).text, "h\u{20ac}");
        assert!(cs0(&[16, 0, b'h', 1]).problem.is_some());
        assert!(cs0(&[3, b'x']).problem.is_some());
        assert_eq!(cs0(&[]).text, "");
    }

    #[test]
    fn dstrings_use_their_length_byte() {
        let mut f = [0u8; 8];
        f[..4].copy_from_slice(b"\x08VOL");
        f[7] = 4;
        assert_eq!(dstring(&f).text, "VOL");
        f[7] = 200;
        assert!(dstring(&f).problem.is_some());
        assert_eq!(dstring(&[0u8; 8]).text, "");
    }
}
