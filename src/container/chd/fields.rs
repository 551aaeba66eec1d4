//! How the CHD's own fields read: big-endian integers of 24 and 48 bits,
//! digests in full hex, codec tags with their names, header flags.

use crate::structure::named::{codes, flags};
use crate::structure::{Be32, Be32Hex, Codec, Value};

/// Big-endian unsigned integer of `N` bytes (at most 8).
fn be(raw: &[u8]) -> u64 {
    raw.iter()
        .take(8)
        .fold(0u64, |value, &byte| (value << 8) | u64::from(byte))
}

/// 24 bits, big-endian (a v5 map entry's compressed length).
#[derive(Clone, Copy, Debug)]
pub struct Be24;

impl Codec for Be24 {
    type Out = u32;
    const WIDTH: Option<usize> = Some(3);
    fn decode(raw: &[u8]) -> u32 {
        u32::try_from(be(raw)).unwrap_or(u32::MAX)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Unsigned(u64::from(Self::decode(raw)))
    }
}

/// 48 bits, big-endian (a v5 map entry's offset).
#[derive(Clone, Copy, Debug)]
pub struct Be48;

impl Codec for Be48 {
    type Out = u64;
    const WIDTH: Option<usize> = Some(6);
    fn decode(raw: &[u8]) -> u64 {
        be(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Unsigned(be(raw))
    }
}

/// A digest (SHA-1, MD5) kept as bytes and shown in full lower-case hex,
/// or as "none" when every byte is zero (the header's way of saying
/// there is no such digest).
#[derive(Clone, Copy, Debug)]
pub struct Digest<const N: usize>;

impl<const N: usize> Codec for Digest<N> {
    type Out = [u8; N];
    const WIDTH: Option<usize> = Some(N);
    fn decode(raw: &[u8]) -> [u8; N] {
        raw.try_into().unwrap_or([0; N])
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(hex(raw))
    }
    fn note(raw: &[u8]) -> Option<String> {
        raw.iter().all(|&b| b == 0).then(|| "none".to_owned())
    }
}

/// Bytes in lower-case hex without separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The codecs a v5 header can name, with chdman's names for them.
pub const CODEC_NAMES: [(u64, &str); 12] = [
    (0, "none"),
    (0x7a6c_6962, "zlib (Deflate)"),
    (0x6c7a_6d61, "lzma (LZMA)"),
    (0x6875_6666, "huff (Huffman)"),
    (0x666c_6163, "flac (FLAC)"),
    (0x7a73_7464, "zstd (Zstandard)"),
    (0x6364_7a6c, "cdzl (CD Deflate)"),
    (0x6364_6c7a, "cdlz (CD LZMA)"),
    (0x6364_666c, "cdfl (CD FLAC)"),
    (0x6364_7a73, "cdzs (CD Zstandard)"),
    (0x6176_6875, "avhu (A/V Huffman)"),
    (0x6176_6176, "avav (A/V)"),
];

/// The four characters of a tag, or its hex when they are not printable.
pub fn tag_text(tag: u32) -> String {
    let bytes = tag.to_be_bytes();
    if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        format!("{tag:#010x}")
    }
}

/// A tag people read as four characters (`cdlz`, `CHT2`).
#[derive(Clone, Copy, Debug)]
pub struct FourCc;

impl Codec for FourCc {
    type Out = u32;
    const WIDTH: Option<usize> = Some(4);
    fn decode(raw: &[u8]) -> u32 {
        Be32::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(tag_text(Self::decode(raw)))
    }
}

codes!(
    /// A v5 compressor slot: a four-character codec tag, 0 for none.
    CodecTag: Be32Hex => u32, 8, CODEC_NAMES
);

codes!(
    /// The single compression a v3 or v4 file uses for every hunk.
    LegacyCompression: Be32 => u32, 8, [(0, "none"), (1, "zlib"), (2, "zlib+"), (3, "A/V Huffman")]
);

flags!(
    /// v3/v4 header flags.
    HeaderFlags: Be32Hex => u32, 8, [(1, "has parent"), (2, "allows writes")]
);
