//! The CD-ROM XA subheader of mode 2 sectors: file, channel, submode, coding
//! information, written twice.
//!
//! Sources: CD-ROM XA (Green Book) subheader; submode bits: 7 end of file,
//! 6 real-time, 5 form 2, 4 trigger, 3 data, 2 audio, 1 video, 0 end of
//! record.

/// Names of the submode bits, from bit 7 down to bit 0.
pub const SUBMODE_BITS: [&str; 8] = [
    "eof",
    "real_time",
    "form2",
    "trigger",
    "data",
    "audio",
    "video",
    "eor",
];

/// One copy of the subheader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Subheader {
    pub file: u8,
    pub channel: u8,
    pub submode: u8,
    pub coding: u8,
}

/// Submode bit 5: the sector is form 2.
pub const FORM2: u8 = 0x20;

impl Subheader {
    pub fn from_bytes(b: [u8; 4]) -> Subheader {
        let [file, channel, submode, coding] = b;
        Subheader {
            file,
            channel,
            submode,
            coding,
        }
    }

    pub fn to_bytes(self) -> [u8; 4] {
        [self.file, self.channel, self.submode, self.coding]
    }

    pub fn is_form2(&self) -> bool {
        self.submode & FORM2 != 0
    }

    /// The names of the submode bits that are set, high bit first.
    pub fn submode_names(&self) -> Vec<&'static str> {
        SUBMODE_BITS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.submode & (0x80 >> i) != 0)
            .map(|(_, name)| *name)
            .collect()
    }
}

/// Both copies as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubheaderPair {
    pub first: Subheader,
    pub second: Subheader,
}

impl SubheaderPair {
    /// Reads the 8 bytes at `offset` (16 in a raw sector, 0 in MODE2/2336).
    pub fn read(bytes: &[u8], offset: usize) -> Option<SubheaderPair> {
        let b: [u8; 8] = bytes.get(offset..offset.checked_add(8)?)?.try_into().ok()?;
        Some(SubheaderPair {
            first: Subheader::from_bytes([b[0], b[1], b[2], b[3]]),
            second: Subheader::from_bytes([b[4], b[5], b[6], b[7]]),
        })
    }

    pub fn copies_match(&self) -> bool {
        self.first == self.second
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_copies() {
        let pair = SubheaderPair::read(&[1, 2, 0x64, 0x0f, 1, 2, 0x64, 0x0e], 0).unwrap();
        assert!(!pair.copies_match());
        assert!(pair.first.is_form2());
        assert_eq!(pair.first.submode_names(), ["real_time", "form2", "audio"]);
        assert_eq!(pair.first.to_bytes(), [1, 2, 0x64, 0x0f]);
    }
}
