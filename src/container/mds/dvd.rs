//! The DVD disc structures an `.mds` keeps for a DVD (copyright
//! information, manufacturing information, physical format information,
//! per layer) and its burst cutting area, shown as structures of the
//! `.mds`.
//!
//! Sources: libmirage's notes on MDS (the structures are stored in the
//! order 0x0001 copyright (4 bytes), 0x0004 manufacturing (2048), 0x0000
//! physical (2048), repeated for a second layer; byte 2 bits 5-6 give the
//! layers), MMC-5 §6.22.3 (READ DISC STRUCTURE format codes) and ECMA-267
//! §3.3.6 / ECMA-349 (the physical format information's fields).

use std::path::Path;
use std::sync::Arc;

use super::parse::{Reader, slice};
use super::records::MdsHeader;
use crate::diagnostic::{Diagnostic, Location};
use crate::structure::named::codes;
use crate::structure::{Be32Hex, Bytes, Hex8, Place, Reserved, Structure, declare};

codes!(
/// The copyright protection system.
Protection: Hex8 => u8, 2, [(0x00, "none"), (0x01, "CSS/CPPM"), (0x02, "CPRM"), (0x03, "AACS")]);

declare! {
    /// Disc structure 0x0001: copyright information.
    pub struct DvdCopyright = "DVD copyright information", Descriptor, "MMC-5 §6.22.3.3 (format 0x01)", 4 {
        0, 1 => protection: Protection, "protection system", "0 none, 1 CSS/CPPM, 2 CPRM, 3 AACS";
        1, 1 => regions: Hex8, "region management", "a set bit: the disc may not be played in that region";
        2, 2 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// Disc structure 0x0000: physical format information (its first 17
    /// bytes; the rest is the medium's own).
    pub struct DvdPhysical = "DVD physical format information", Descriptor, "ECMA-267 §3.3.6; MMC-5 §6.22.3.2 (format 0x00)", 2048 {
        0, 1 => book: Hex8, "book type and version", "high nibble: 0 DVD-ROM, 1 DVD-RAM, 2 DVD-R, 3 DVD-RW, 9 DVD+RW, 10 DVD+R; low nibble: part version";
        1, 1 => size_rate: Hex8, "disc size and rate", "high nibble: 0 120 mm, 1 80 mm; low nibble: maximum rate";
        2, 1 => layers: Hex8, "layers and type", "bits 5-6: layers - 1; bit 4: opposite track path; bits 0-3: layer type";
        3, 1 => density: Hex8, "densities", "high nibble: linear density; low nibble: track density";
        4, 4 => data_start: Be32Hex, "data area start", "first physical sector number of the data area (0x30000 on DVD-ROM)";
        8, 4 => data_end: Be32Hex, "data area end", "last physical sector number of the data area";
        12, 4 => layer0_end: Be32Hex, "layer 0 end", "last physical sector number of layer 0 (dual layer)";
        16, 1 => bca: Hex8, "BCA flag", "bit 7: the disc has a burst cutting area";
        17, 2031 => media: Bytes, "medium specific", "the rest belongs to the medium type";
    }
}

/// Bytes of one layer's structures: copyright, manufacturing, physical.
pub const LAYER_BYTES: usize = 4 + 2048 + 2048;

/// The structures of the layers found in `bytes` (the `.mds` from the
/// disc structures' offset), and how many layers there are.
pub fn structures(bytes: &[u8], at: u64, path: &Arc<Path>) -> Vec<Structure> {
    let mut out = Vec::new();
    let place = |offset: usize| Place::File {
        path: Arc::clone(path),
        offset: at + offset as u64,
    };
    // One layer, or two when the first's physical information says so.
    let layers = match bytes.get(4 + 2048 + 2) {
        Some(byte) if (byte >> 5) & 0x3 == 1 => 2,
        _ => 1,
    };
    for layer in 0..layers {
        let base = layer * LAYER_BYTES;
        let Some(block) = bytes.get(base..base + LAYER_BYTES) else {
            break;
        };
        let (copyright, rest) = block.split_at(4);
        let (manufacturing, physical) = rest.split_at(2048);
        let named = |mut s: Structure| {
            s.name = format!("{} (layer {layer})", s.name);
            s
        };
        out.push(named(
            DvdCopyright::LAYOUT.structure(copyright, place(base)),
        ));
        let mut made = Structure::new(
            crate::structure::Kind::Descriptor,
            "DVD manufacturing information",
            place(base + 4),
            2048,
        );
        made.push(crate::structure::Field::new(
            0,
            2048,
            "manufacturing information",
            <Bytes as crate::structure::Codec>::value(manufacturing),
            "left to the disc's maker",
            "MMC-5 §6.22.3.5 (format 0x04)",
        ));
        out.push(named(made));
        out.push(named(
            DvdPhysical::LAYOUT.structure(physical, place(base + 4 + 2048)),
        ));
    }
    out
}

/// Shows the disc structures and the burst cutting area the header points
/// at.
pub fn disc_structures(reader: &mut Reader<'_>, header: &MdsHeader, dvd: bool) {
    if header.structures_offset != 0 {
        let at = u64::from(header.structures_offset);
        let rest = usize::try_from(at)
            .ok()
            .and_then(|start| reader.bytes.get(start..))
            .unwrap_or_default();
        if rest.len() < LAYER_BYTES {
            reader.found.push(
                Diagnostic::error(
                    "mds.block-outside",
                    format!(
                        "the DVD disc structures at {at:#x} need {LAYER_BYTES} bytes; the descriptor has {}",
                        rest.len()
                    ),
                )
                .at(Location::Offset(64)),
            );
        }
        for structure in structures(rest, at, &reader.path) {
            let name = structure.name.clone();
            reader.show(structure, &name);
        }
    } else if dvd {
        reader.found.push(
            Diagnostic::info(
                "mds.no-disc-structures",
                "the image is of a DVD but keeps no disc structures",
            )
            .at(Location::Offset(64)),
        );
    }
    if header.bca_len != 0 {
        let at = u64::from(header.bca_offset);
        let length = usize::from(header.bca_len);
        match slice(reader.bytes, at, length) {
            Some(bca) => {
                let mut structure = Structure::new(
                    crate::structure::Kind::Descriptor,
                    "",
                    reader.place(at),
                    length as u64,
                );
                structure.push(crate::structure::Field::new(
                    0,
                    length as u64,
                    "BCA data",
                    <Bytes as crate::structure::Codec>::value(bca),
                    "the burst cutting area: a barcode cut into the disc near its centre",
                    "MMC-5 §6.22.3.4 (format 0x03)",
                ));
                reader.show(structure, "DVD burst cutting area");
            }
            None => reader.found.push(
                Diagnostic::error(
                    "mds.block-outside",
                    format!("the {length}-byte BCA at {at:#x} runs past the end of the descriptor"),
                )
                .at(Location::Offset(36)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_and_layers_are_counted() {
        assert!(DvdCopyright::LAYOUT.tiling().is_exact());
        assert!(DvdPhysical::LAYOUT.tiling().is_exact());
        let path: Arc<Path> = Path::new("x.mds").into();
        let mut bytes = vec![0u8; 2 * LAYER_BYTES];
        assert_eq!(structures(&bytes, 0, &path).len(), 3);
        bytes[4 + 2048 + 2] = 0x20;
        let found = structures(&bytes, 100, &path);
        assert_eq!(found.len(), 6);
        assert_eq!(found[5].name, "DVD physical format information (layer 1)");
        assert_eq!(
            found[5].place,
            Place::File {
                path,
                offset: 100 + (LAYER_BYTES + 4 + 2048) as u64
            }
        );
    }
}
