//! CD-TEXT packs as an image stores them (a Nero `CDTX` chunk, a
//! DiscJuggler disc block): 18 bytes each, decoded into the disc's and
//! each track's text.
//!
//! Sources: IEC 60908 (Red Book) annex J and MMC-5 §A.2 (READ TOC format
//! 5): the pack's type (0x80 title to 0x8F size information), track number,
//! sequence number, block number and character position, 12 bytes of text
//! in which NUL ends a string and TAB repeats the previous track's, and a
//! CRC-16 (x^16+x^12+x^5+1, stored inverted) over the first 16 bytes.

use crc::{CRC_16_GSM, Crc};
use std::path::Path;
use std::sync::Arc;

use crate::medium::CdText;
use crate::structure::named::codes;
use crate::structure::{Be16Hex, Bytes, Hex8, Place, Structure, U8, declare};

const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_GSM);

/// Bytes of one pack.
pub const PACK_BYTES: usize = 18;

codes!(
/// A pack's type.
PackType: Hex8 => u8, 2, [
    (0x80, "title"), (0x81, "performer"), (0x82, "songwriter"), (0x83, "composer"),
    (0x84, "arranger"), (0x85, "message"), (0x86, "disc identification"), (0x87, "genre"),
    (0x88, "table of contents"), (0x89, "second table of contents"), (0x8D, "closed information"),
    (0x8E, "UPC/EAN and ISRC"), (0x8F, "size information"),
]);

declare! {
    /// One CD-TEXT pack.
    pub struct CdTextPack = "CD-TEXT pack", Descriptor, "IEC 60908 annex J; MMC-5 §A.2", 18 {
        0, 1 => kind: PackType, "pack type", "what the text is: 0x80 title, 0x81 performer, 0x82 songwriter, 0x83 composer, 0x84 arranger, 0x85 message, 0x8E UPC/ISRC, 0x8F sizes";
        1, 1 => track: U8, "track number", "the track the pack's first character belongs to (0 the disc)";
        2, 1 => sequence: U8, "sequence number", "the pack's number in the sequence";
        3, 1 => block: Hex8, "block and position", "bits 4-6 the language block, bit 7 double-byte text, bits 0-3 the characters of the string before this pack";
        4, 12 => text: Bytes, "text", "12 bytes of text; NUL ends a string, TAB repeats the previous track's";
        16, 2 => crc: Be16Hex, "CRC", "CRC-16 of bytes 0-15, inverted";
    }
}

/// The item name a text pack type stands for.
fn item(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0x80 => "TITLE",
        0x81 => "PERFORMER",
        0x82 => "SONGWRITER",
        0x83 => "COMPOSER",
        0x84 => "ARRANGER",
        0x85 => "MESSAGE",
        0x86 => "DISC_ID",
        0x8E => "UPC_EAN",
        _ => return None,
    })
}

/// Whether a pack's CRC matches its bytes.
pub fn crc_ok(pack: &[u8]) -> bool {
    let (Some(body), Some(stored)) = (pack.get(..16), pack.get(16..18)) else {
        return false;
    };
    // CRC_16_GSM's final XOR is the inversion.
    let computed = CRC16.checksum(body);
    stored == computed.to_be_bytes()
}

/// Decoded text: the disc's, and each track's by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodedText {
    pub disc: CdText,
    pub tracks: Vec<(u8, CdText)>,
    /// Packs whose CRC does not match.
    pub bad_crcs: usize,
}

impl DecodedText {
    /// The text of track `number`.
    pub fn track(&self, number: u8) -> CdText {
        self.tracks
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    fn push(&mut self, track: u8, item: &str, value: String) {
        let text = if track == 0 {
            &mut self.disc
        } else {
            match self.tracks.iter().position(|(n, _)| *n == track) {
                Some(i) => match self.tracks.get_mut(i) {
                    Some((_, text)) => text,
                    None => return,
                },
                None => {
                    self.tracks.push((track, CdText::default()));
                    match self.tracks.last_mut() {
                        Some((_, text)) => text,
                        None => return,
                    }
                }
            }
        };
        text.fields.push((item.to_owned(), value));
    }
}

/// Decodes the packs of language block 0 (single-byte text, read as
/// ISO 8859-1).
pub fn decode(bytes: &[u8]) -> DecodedText {
    let mut decoded = DecodedText::default();
    // Per pack type: the track of its first pack and the text, in order.
    let mut streams: Vec<(u8, u8, Vec<u8>)> = Vec::new();
    for pack in bytes.chunks_exact(PACK_BYTES) {
        if !crc_ok(pack) {
            decoded.bad_crcs += 1;
        }
        let (Some(&kind), Some(&track), Some(&block), Some(text)) =
            (pack.first(), pack.get(1), pack.get(3), pack.get(4..16))
        else {
            continue;
        };
        if (block >> 4) & 0x7 != 0 || block & 0x80 != 0 || item(kind).is_none() {
            continue;
        }
        match streams.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, _, stream)) => stream.extend_from_slice(text),
            None => streams.push((kind, track & 0x7F, text.to_vec())),
        }
    }
    for (kind, first, stream) in streams {
        let Some(name) = item(kind) else { continue };
        let mut track = first;
        let mut previous = String::new();
        // Every string ends with a NUL; the NULs padding the last pack are
        // no strings.
        let mut strings: Vec<&[u8]> = stream.split(|&b| b == 0).collect();
        while strings.last().is_some_and(|s| s.is_empty()) {
            strings.pop();
        }
        for raw in strings {
            let value = if raw == [0x09] {
                previous.clone()
            } else {
                raw.iter().map(|&b| char::from(b)).collect()
            };
            decoded.push(track, name, value.clone());
            previous = value;
            track = track.saturating_add(1);
            if track > 99 {
                break;
            }
        }
    }
    decoded
}

/// The packs as one structure of `path` at `offset`, each pack's fields
/// named by its number.
pub fn structure(bytes: &[u8], name: &str, path: &Arc<Path>, offset: u64) -> Structure {
    let mut structure = Structure::new(
        crate::structure::Kind::Descriptor,
        name,
        Place::File {
            path: Arc::clone(path),
            offset,
        },
        bytes.len() as u64,
    );
    for (i, pack) in bytes.chunks_exact(PACK_BYTES).enumerate() {
        let prefix = format!("pack {}", i + 1);
        structure = structure.with(
            &CdTextPack::LAYOUT,
            pack,
            (i * PACK_BYTES) as u64,
            Some(&prefix),
        );
        if !crc_ok(pack) {
            structure.note(&format!("{prefix} CRC"), "bad");
        }
    }
    structure
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack with its CRC.
    pub fn pack(kind: u8, track: u8, sequence: u8, text: &[u8; 12]) -> [u8; 18] {
        let mut pack = [0u8; 18];
        pack[0] = kind;
        pack[1] = track;
        pack[2] = sequence;
        pack[4..16].copy_from_slice(text);
        let crc = CRC16.checksum(&pack[..16]);
        pack[16..].copy_from_slice(&crc.to_be_bytes());
        pack
    }

    #[test]
    fn decodes_strings_across_packs() {
        let mut bytes = Vec::new();
        bytes.extend(pack(0x80, 0, 0, b"Disc\0Song on"));
        bytes.extend(pack(0x80, 1, 1, b"e\0\t\0\0\0\0\0\0\0\0\0"));
        bytes.extend(pack(0x81, 0, 2, b"Someone\0\0\0\0\0"));
        let decoded = decode(&bytes);
        assert_eq!(decoded.bad_crcs, 0);
        assert_eq!(decoded.disc.get("TITLE"), Some("Disc"));
        assert_eq!(decoded.disc.get("PERFORMER"), Some("Someone"));
        assert_eq!(decoded.track(1).get("TITLE"), Some("Song one"));
        assert_eq!(decoded.track(2).get("TITLE"), Some("Song one"));
        assert!(CdTextPack::LAYOUT.tiling().is_exact());
        let mut broken = bytes.clone();
        broken[5] ^= 1;
        assert_eq!(decode(&broken).bad_crcs, 1);
    }
}
