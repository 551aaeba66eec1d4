//! The 4-byte header of a raw data sector: absolute address and mode.
//!
//! Sources: ECMA-130 §14.2: minute, second and frame in BCD (the sector's
//! absolute time, LBA + 150), then the mode byte (0, 1 or 2).

use crate::units::{Lba, Msf};

/// A decoded header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectorHeader {
    /// The three address bytes as stored.
    pub address: [u8; 3],
    pub mode: u8,
}

impl SectorHeader {
    /// Reads the header at `offset` (12 in a raw sector).
    pub fn read(bytes: &[u8], offset: usize) -> Option<SectorHeader> {
        let b: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
        Some(SectorHeader {
            address: [b[0], b[1], b[2]],
            mode: b[3],
        })
    }

    /// The address as a time, if it is valid BCD within range.
    pub fn msf(&self) -> Option<Msf> {
        Msf::from_bcd(self.address)
    }

    /// The address as written, valid or not ("00:02:1A" keeps bad digits).
    pub fn msf_text(&self) -> String {
        self.msf().map_or_else(
            || {
                let [m, s, f] = self.address;
                format!("{m:02x}:{s:02x}:{f:02x}")
            },
            |msf| msf.to_string(),
        )
    }

    /// Whether the address is the one a sector read at `lba` should carry.
    /// `None` when no address can be expected there (before 00:00:00 or past
    /// 99:59:74).
    pub fn matches(&self, lba: Lba) -> Option<bool> {
        let expected = lba.to_msf()?;
        Some(self.address == expected.to_bcd())
    }

    /// The header a sector at `lba` with `mode` carries.
    pub fn for_lba(lba: Lba, mode: u8) -> Option<SectorHeader> {
        Some(SectorHeader {
            address: lba.to_msf()?.to_bcd(),
            mode,
        })
    }

    pub fn to_bytes(self) -> [u8; 4] {
        let [m, s, f] = self.address;
        [m, s, f, self.mode]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_matches() {
        let bytes = [0u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x02, 0x16, 0x01];
        let header = SectorHeader::read(&bytes, 12).unwrap();
        assert_eq!(header.mode, 1);
        assert_eq!(header.msf_text(), "00:02:16");
        assert_eq!(header.matches(Lba(16)), Some(true));
        assert_eq!(header.matches(Lba(17)), Some(false));
        assert_eq!(SectorHeader::for_lba(Lba(16), 1), Some(header));
        let bad = SectorHeader {
            address: [0x00, 0x02, 0x1a],
            mode: 1,
        };
        assert_eq!(bad.msf_text(), "00:02:1a");
        assert_eq!(SectorHeader::read(&bytes, 13), None);
    }
}
