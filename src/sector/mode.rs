//! What kind of sector a stored sector is, as decoded from its bytes and its
//! track.

use std::fmt;

/// The kind of a sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectorMode {
    /// Red Book audio samples.
    Audio,
    /// Mode 0: sync, header and 2336 zero bytes.
    Mode0,
    /// Mode 1: 2048 bytes of user data with EDC and ECC.
    Mode1,
    /// Mode 2 form 1 (CD-ROM XA): 2048 bytes with subheader, EDC and ECC.
    Mode2Form1,
    /// Mode 2 form 2 (CD-ROM XA): 2324 bytes with subheader and optional EDC.
    Mode2Form2,
    /// Mode 2 without XA structure: 2336 bytes of user data.
    Mode2Formless,
    /// User data only (MODE1/2048, MODE2/2048, MODE2/2324 images).
    Cooked,
    /// A logical sector of a floppy or hard disk.
    Disk,
    /// Raw bytes whose mode could not be told.
    Unknown,
}

impl SectorMode {
    /// The name used in `sector --json` and `verify --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            SectorMode::Audio => "audio",
            SectorMode::Mode0 => "mode0",
            SectorMode::Mode1 => "mode1",
            SectorMode::Mode2Form1 => "mode2_form1",
            SectorMode::Mode2Form2 => "mode2_form2",
            SectorMode::Mode2Formless => "mode2_formless",
            SectorMode::Cooked => "cooked",
            SectorMode::Disk => "disk",
            SectorMode::Unknown => "unknown",
        }
    }

    /// A short human description.
    pub fn describe(self) -> &'static str {
        match self {
            SectorMode::Audio => "audio",
            SectorMode::Mode0 => "mode 0 (empty)",
            SectorMode::Mode1 => "mode 1",
            SectorMode::Mode2Form1 => "mode 2 form 1",
            SectorMode::Mode2Form2 => "mode 2 form 2",
            SectorMode::Mode2Formless => "mode 2 formless",
            SectorMode::Cooked => "user data only",
            SectorMode::Disk => "disk sector",
            SectorMode::Unknown => "unknown",
        }
    }

    /// Every mode, in the order summaries list them.
    pub const ALL: [SectorMode; 9] = [
        SectorMode::Mode1,
        SectorMode::Mode2Form1,
        SectorMode::Mode2Form2,
        SectorMode::Mode2Formless,
        SectorMode::Mode0,
        SectorMode::Audio,
        SectorMode::Cooked,
        SectorMode::Disk,
        SectorMode::Unknown,
    ];

    /// Position in [`SectorMode::ALL`], for counting.
    pub fn index(self) -> usize {
        match self {
            SectorMode::Mode1 => 0,
            SectorMode::Mode2Form1 => 1,
            SectorMode::Mode2Form2 => 2,
            SectorMode::Mode2Formless => 3,
            SectorMode::Mode0 => 4,
            SectorMode::Audio => 5,
            SectorMode::Cooked => 6,
            SectorMode::Disk => 7,
            SectorMode::Unknown => 8,
        }
    }
}

impl fmt::Display for SectorMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_matches_all() {
        for (i, mode) in SectorMode::ALL.into_iter().enumerate() {
            assert_eq!(mode.index(), i);
        }
    }
}
