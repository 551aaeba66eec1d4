//! The volume recognition sequence: BEA01, NSR02 or NSR03, TEA01, beside
//! ISO 9660's CD001 on a bridge disc.
//!
//! Sources: ECMA-167 2/9.1 (volume structure descriptor: type, standard
//! identifier, version), 2/8.3 (the sequence starts at byte 32768; each
//! descriptor takes 2048 bytes, or one sector when sectors are larger),
//! 2/9.2-9.3 (BEA01, TEA01), 3/9.1 (NSR02, NSR03).

use crate::io::ReadAt;
use crate::structure::{Bytes, Latin1, Place, Structure, U8, declare};

declare! {
    /// One volume structure descriptor of the recognition sequence.
    pub struct StructureDescriptor = "Volume structure descriptor", Recognition, "ECMA-167 2/9.1", 2048 {
        0, 1 => kind: U8, "structure type", "0 for the UDF descriptors";
        1, 5 => identifier: Latin1, "standard identifier", "BEA01, NSR02, NSR03, TEA01, CD001, BOOT2 or CDW02";
        6, 1 => version: U8, "structure version", "1";
        7, 2041 => data: Bytes, "structure data", "zero for BEA01, NSR0x and TEA01";
    }
}

/// Where the sequence starts.
pub const START: u64 = 32_768;
/// Descriptors looked at, at most.
const MOST: u64 = 64;

/// The recognition sequence as found.
#[derive(Clone, Debug, Default)]
pub struct Recognition {
    /// Each descriptor's identifier and volume position, in order.
    pub found: Vec<(String, u64)>,
    /// 2 or 3 for NSR02 or NSR03 between BEA01 and TEA01.
    pub nsr: Option<u8>,
    pub extended_area: bool,
    pub structures: Vec<Structure>,
}

fn known(id: &[u8]) -> Option<&'static str> {
    Some(match id {
        b"BEA01" => "Beginning extended area descriptor",
        b"NSR02" => "NSR02 descriptor (UDF 1.02-1.50)",
        b"NSR03" => "NSR03 descriptor (UDF 2.00 and later)",
        b"TEA01" => "Terminating extended area descriptor",
        b"CD001" => "ISO 9660 volume descriptor (CD001)",
        b"CDW02" => "ECMA-168 volume descriptor (CDW02)",
        b"BOOT2" => "Boot descriptor (BOOT2)",
        _ => return None,
    })
}

/// Reads the sequence from byte 32768, one descriptor every `step` bytes
/// (2048, or the block size when blocks are larger); `base` is where the
/// volume's byte 0 sits in the medium.
pub fn read(source: &dyn ReadAt, step: u64, base: u64) -> Recognition {
    let mut out = Recognition::default();
    let mut inside = false;
    for n in 0..MOST {
        let at = START + n * step;
        let Ok(bytes) = source.read_vec(at, 2048) else {
            break;
        };
        let id = bytes.get(1..6).unwrap_or_default();
        let Some(name) = known(id) else { break };
        match id {
            b"BEA01" => {
                inside = true;
                out.extended_area = true;
            }
            b"TEA01" => inside = false,
            b"NSR02" | b"NSR03" if inside || out.nsr.is_none() => {
                out.nsr = Some(if id == b"NSR02" { 2 } else { 3 });
            }
            _ => {}
        }
        out.found
            .push((String::from_utf8_lossy(id).into_owned(), at));
        // The ISO 9660 views explain CD001 descriptors themselves.
        if id != b"CD001" {
            out.structures.push(Structure {
                name: name.to_owned(),
                ..StructureDescriptor::LAYOUT.structure(&bytes, Place::Medium(base + at))
            });
        }
    }
    out
}

/// Whether byte 32769 of `source` starts a recognition descriptor UDF
/// writes (a quick first look before the anchors are read).
pub fn has_nsr(source: &dyn ReadAt, step: u64) -> bool {
    for n in 0..MOST {
        let mut id = [0u8; 5];
        if source.read_exact_at(START + n * step + 1, &mut id).is_err() {
            return false;
        }
        if &id == b"NSR02" || &id == b"NSR03" {
            return true;
        }
        if known(&id).is_none() {
            return false;
        }
    }
    false
}
