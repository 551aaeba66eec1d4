//! How a field's bytes read: each codec decodes the value the program uses
//! and shows the value people read. Domain codecs (dates, type codes) live
//! beside their formats and implement the same trait.

use super::Value;

/// How one field's bytes read.
pub trait Codec {
    /// What the program gets.
    type Out: Clone + std::fmt::Debug + PartialEq + Eq;
    /// The bytes the codec reads, when fixed; a declaration must match.
    const WIDTH: Option<usize>;
    /// Decodes exactly the field's bytes.
    fn decode(raw: &[u8]) -> Self::Out;
    /// The value as `structure --json` gives it.
    fn value(raw: &[u8]) -> Value;
    /// More to say about the value (a type's name, a mismatch).
    fn note(_raw: &[u8]) -> Option<String> {
        None
    }
}

/// `N` bytes, or zeros when `raw` is not `N` long (a declaration whose
/// length differs from its codec's width fails the tiling test).
fn array<const N: usize>(raw: &[u8]) -> [u8; N] {
    raw.try_into().unwrap_or([0; N])
}

macro_rules! integer {
    ($(#[$meta:meta])* $name:ident, $ty:ty, $from:ident, $show:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl Codec for $name {
            type Out = $ty;
            const WIDTH: Option<usize> = Some(std::mem::size_of::<$ty>());
            fn decode(raw: &[u8]) -> $ty {
                <$ty>::$from(array(raw))
            }
            fn value(raw: &[u8]) -> Value {
                let show: fn(u64) -> Value = $show;
                show(u64::from(Self::decode(raw)))
            }
        }
    };
}

integer!(/// One byte.
    U8, u8, from_le_bytes, Value::Unsigned);
integer!(/// One byte read in hex (flags, type codes).
    Hex8, u8, from_le_bytes, |v| Value::Hex(v, 2));
integer!(/// 16 bits, little-endian.
    Le16, u16, from_le_bytes, Value::Unsigned);
integer!(/// 32 bits, little-endian.
    Le32, u32, from_le_bytes, Value::Unsigned);
integer!(/// 64 bits, little-endian.
    Le64, u64, from_le_bytes, Value::Unsigned);
integer!(/// 16 bits, big-endian.
    Be16, u16, from_be_bytes, Value::Unsigned);
integer!(/// 32 bits, big-endian.
    Be32, u32, from_be_bytes, Value::Unsigned);
integer!(/// 64 bits, big-endian.
    Be64, u64, from_be_bytes, Value::Unsigned);
integer!(/// 16 bits, big-endian, read in hex.
    Be16Hex, u16, from_be_bytes, |v| Value::Hex(v, 4));
integer!(/// 16 bits, little-endian, read in hex.
    Le16Hex, u16, from_le_bytes, |v| Value::Hex(v, 4));
integer!(/// 32 bits, little-endian, read in hex.
    Le32Hex, u32, from_le_bytes, |v| Value::Hex(v, 8));
integer!(/// 32 bits, big-endian, read in hex.
    Be32Hex, u32, from_be_bytes, |v| Value::Hex(v, 8));

macro_rules! signed {
    ($(#[$meta:meta])* $name:ident, $ty:ty, $from:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl Codec for $name {
            type Out = $ty;
            const WIDTH: Option<usize> = Some(std::mem::size_of::<$ty>());
            fn decode(raw: &[u8]) -> $ty {
                <$ty>::$from(array(raw))
            }
            fn value(raw: &[u8]) -> Value {
                Value::Signed(i64::from(Self::decode(raw)))
            }
        }
    };
}

signed!(/// A signed 32-bit number, big-endian.
    BeI32, i32, from_be_bytes);
signed!(/// A signed 32-bit number, little-endian.
    LeI32, i32, from_le_bytes);
integer!(/// 64 bits, little-endian, read in hex.
    Le64Hex, u64, from_le_bytes, |v| Value::Hex(v, 16));

/// A both-endian number (ECMA-119 §7.2.3, §7.3.3): the little-endian copy
/// and the big-endian one, which should agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Both<T> {
    pub value: T,
    pub big: T,
}

impl<T: PartialEq> Both<T> {
    /// Whether the two copies agree.
    pub fn consistent(&self) -> bool {
        self.value == self.big
    }
}

macro_rules! both {
    ($(#[$meta:meta])* $name:ident, $ty:ty, $half:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl Codec for $name {
            type Out = Both<$ty>;
            const WIDTH: Option<usize> = Some(2 * $half);
            fn decode(raw: &[u8]) -> Both<$ty> {
                Both {
                    value: <$ty>::from_le_bytes(array(raw.get(..$half).unwrap_or_default())),
                    big: <$ty>::from_be_bytes(array(raw.get($half..).unwrap_or_default())),
                }
            }
            fn value(raw: &[u8]) -> Value {
                Value::Unsigned(u64::from(Self::decode(raw).value))
            }
            fn note(raw: &[u8]) -> Option<String> {
                let both = Self::decode(raw);
                (!both.consistent())
                    .then(|| format!("the big-endian copy says {}", both.big))
            }
        }
    };
}

both!(/// A 16-bit both-endian number (4 bytes).
    Both16, u16, 2);
both!(/// A 32-bit both-endian number (8 bytes).
    Both32, u32, 4);

/// Bytes the program keeps as they are (magic numbers, GUIDs, addresses).
#[derive(Clone, Copy, Debug)]
pub struct Raw<const N: usize>;

impl<const N: usize> Codec for Raw<N> {
    type Out = [u8; N];
    const WIDTH: Option<usize> = Some(N);
    fn decode(raw: &[u8]) -> [u8; N] {
        array(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(printable_or_hex(raw))
    }
}

/// Bytes the program does not interpret (boot code, application use).
#[derive(Clone, Copy, Debug)]
pub struct Bytes;

impl Codec for Bytes {
    type Out = ();
    const WIDTH: Option<usize> = None;
    fn decode(_raw: &[u8]) {}
    fn value(raw: &[u8]) -> Value {
        if raw.iter().all(|&b| b == 0) {
            Value::Text(format!("{} zero bytes", raw.len()))
        } else {
            Value::Text(format!("{} bytes", raw.len()))
        }
    }
}

/// Bytes a specification reserves (zero when written as it says).
#[derive(Clone, Copy, Debug)]
pub struct Reserved;

impl Codec for Reserved {
    type Out = ();
    const WIDTH: Option<usize> = None;
    fn decode(_raw: &[u8]) {}
    fn value(raw: &[u8]) -> Value {
        if raw.iter().all(|&b| b == 0) {
            Value::Text("zero".to_owned())
        } else {
            Value::Text(hex_bytes(raw, 16))
        }
    }
    fn note(raw: &[u8]) -> Option<String> {
        raw.iter().any(|&b| b != 0).then(|| "not zero".to_owned())
    }
}

/// Text in a single-byte character set (d-characters, a-characters, OEM
/// names), Latin-1 decoded, trailing spaces and NULs removed.
#[derive(Clone, Copy, Debug)]
pub struct Latin1;

impl Codec for Latin1 {
    type Out = String;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> String {
        latin1_trimmed(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(latin1_trimmed(raw))
    }
}

/// A magic string the program compares whole (`CD001`, `EFI PART`).
pub type Ascii = Latin1;

/// UCS-2 big-endian text (Joliet), trailing spaces and NULs removed.
#[derive(Clone, Copy, Debug)]
pub struct Ucs2Be;

impl Codec for Ucs2Be {
    type Out = String;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> String {
        ucs2be_text(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(ucs2be_text(raw))
    }
}

/// UTF-16 little-endian text up to its first NUL (GPT names).
#[derive(Clone, Copy, Debug)]
pub struct Utf16Le;

impl Codec for Utf16Le {
    type Out = String;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> String {
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes(array(c)))
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(Self::decode(raw))
    }
}

/// A GUID stored mixed-endian (the first three fields little-endian), as
/// GPT and UEFI store them.
#[derive(Clone, Copy, Debug)]
pub struct Guid;

impl Codec for Guid {
    type Out = [u8; 16];
    const WIDTH: Option<usize> = Some(16);
    fn decode(raw: &[u8]) -> [u8; 16] {
        array(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(guid_text(&array(raw)))
    }
}

/// Formats a mixed-endian GUID in upper case.
pub fn guid_text(bytes: &[u8; 16]) -> String {
    let [a0, a1, a2, a3, b0, b1, c0, c1, rest @ ..] = *bytes;
    let mut text = format!("{a3:02X}{a2:02X}{a1:02X}{a0:02X}-{b1:02X}{b0:02X}-{c1:02X}{c0:02X}-");
    for (i, byte) in rest.iter().enumerate() {
        if i == 2 {
            text.push('-');
        }
        text.push_str(&format!("{byte:02X}"));
    }
    text
}

/// Bytes as Latin-1 text with trailing NULs and spaces removed.
pub fn latin1_trimmed(bytes: &[u8]) -> String {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    text.trim_end_matches(['\0', ' ']).to_owned()
}

/// UCS-2 big-endian text with trailing NULs and spaces removed; an odd last
/// byte is ignored and unpaired surrogates become U+FFFD.
pub fn ucs2be_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes(array(c)))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches(['\0', ' '])
        .to_owned()
}

/// Up to `most` bytes in hex, separated by spaces, with an ellipsis after.
pub fn hex_bytes(bytes: &[u8], most: usize) -> String {
    let mut text = bytes
        .iter()
        .take(most)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    if bytes.len() > most {
        text.push_str(" …");
    }
    text
}

/// Printable ASCII as text, anything else in hex.
fn printable_or_hex(raw: &[u8]) -> String {
    if !raw.is_empty() && raw.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        raw.iter().map(|&b| char::from(b)).collect()
    } else {
        hex_bytes(raw, 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_read_and_show() {
        assert_eq!(Le16::decode(&[1, 2]), 0x0201);
        assert_eq!(Be32::decode(&[1, 2, 3, 4]), 0x0102_0304);
        assert_eq!(Le32Hex::value(&[0x0c, 0, 0, 0]).to_string(), "0x0000000c");
        let both = Both32::decode(&[5, 0, 0, 0, 0, 0, 0, 6]);
        assert_eq!((both.value, both.big, both.consistent()), (5, 6, false));
        assert_eq!(
            Both32::note(&[5, 0, 0, 0, 0, 0, 0, 6]).as_deref(),
            Some("the big-endian copy says 6")
        );
        assert_eq!(Latin1::decode(b"AB \0\0"), "AB");
        assert_eq!(Ucs2Be::decode(&[0, b'H', 0, b'I', 0, b' ']), "HI");
        assert_eq!(Utf16Le::decode(&[b'E', 0, b'F', 0, 0, 0, b'X', 0]), "EF");
        assert_eq!(Raw::<2>::value(b"PM").to_string(), "PM");
        assert_eq!(Raw::<2>::value(&[0x55, 0xAA]).to_string(), "55 aa");
        assert_eq!(Reserved::note(&[0, 1]).as_deref(), Some("not zero"));
        let esp = [
            0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E,
            0xC9, 0x3B,
        ];
        assert_eq!(guid_text(&esp), "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    }
}
