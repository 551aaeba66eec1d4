//! The FAT32 FSInfo sector: the free-cluster count and the next-free hint.
//!
//! Source: fatgen103 §5 (lead signature 0x41615252 at 0, 480 reserved
//! bytes, structure signature 0x61417272 at 484, free count at 488, next
//! free at 492, 12 reserved bytes, trail signature 0xAA550000 at 508).

use crate::structure::named::noted;
use crate::structure::{Le32, Le32Hex, Reserved, declare};

/// The lead and structure signatures of a valid FSInfo sector.
const LEAD: u32 = 0x4161_5252;
const STRUCTURE: u32 = 0x6141_7272;
/// What the two hints hold when they are not known.
const UNKNOWN: u32 = 0xFFFF_FFFF;

declare! {
    /// The FSInfo sector, at the sector the FAT32 BPB names.
    pub struct FsInfo = "FSInfo sector", Fsinfo, "fatgen103 §5", 512 {
        0, 4 => lead_signature: Le32Hex, "lead signature", "0x41615252 (RRaA)";
        4, 480 => reserved: Reserved, "reserved", "zero";
        484, 4 => structure_signature: Le32Hex, "structure signature", "0x61417272 (rrAa)";
        488, 4 => free_clusters: Hint, "free clusters", "last known free cluster count";
        492, 4 => next_free: Hint, "next free", "where to look for a free cluster";
        496, 12 => reserved_2: Reserved, "reserved", "zero";
        508, 4 => trail_signature: Le32Hex, "trail signature", "0xAA550000";
    }
}

impl FsInfo {
    /// Whether the lead and structure signatures are right (the trail
    /// signature is not required: Linux does not check it either).
    pub fn is_valid(&self) -> bool {
        self.lead_signature == LEAD && self.structure_signature == STRUCTURE
    }

    /// The free cluster count, when the sector knows it.
    pub fn free(&self) -> Option<u32> {
        (self.free_clusters != UNKNOWN).then_some(self.free_clusters)
    }
}

noted!(
/// A count or cluster number that 0xFFFFFFFF leaves unknown.
Hint: Le32, |value| (value == UNKNOWN).then(|| "unknown".to_owned()));

#[cfg(test)]
mod tests {
    use super::*;

    fn sector() -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..4].copy_from_slice(&LEAD.to_le_bytes());
        b[484..488].copy_from_slice(&STRUCTURE.to_le_bytes());
        b[488..492].copy_from_slice(&UNKNOWN.to_le_bytes());
        b[492..496].copy_from_slice(&7u32.to_le_bytes());
        b[508..].copy_from_slice(&0xAA55_0000u32.to_le_bytes());
        b
    }

    #[test]
    fn the_declaration_tiles_and_reads() {
        assert!(FsInfo::LAYOUT.tiling().is_exact());
        let info = FsInfo::decode(&sector()).unwrap();
        assert!(info.is_valid());
        assert_eq!((info.free(), info.next_free), (None, 7));
        let fields = FsInfo::LAYOUT.fields(&sector());
        assert_eq!(fields[3].text(), "4294967295 (unknown)");
        assert_eq!(fields[0].text(), "0x41615252");
    }

    #[test]
    fn a_truncated_sector_names_the_field() {
        assert!(matches!(
            FsInfo::decode(&sector()[..510]),
            Err(crate::Error::Truncated {
                field: "trail signature",
                offset: 508,
                ..
            })
        ));
    }
}
