//! Track modes as cue sheets name them, with their stored sector sizes.

use std::fmt;

/// How a track's sectors are stored in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrackMode {
    /// Red Book audio, 2352 bytes.
    Audio,
    /// Karaoke CD+G: 2352 bytes of audio followed by 96 bytes of subchannel.
    Cdg,
    /// Mode 1 user data only.
    Mode1_2048,
    /// Mode 1 raw: sync, header, data, EDC, ECC.
    Mode1_2352,
    /// Mode 2 form 1 user data only.
    Mode2_2048,
    /// Mode 2 form 2 user data only.
    Mode2_2324,
    /// Mode 2 without the sync and header (subheader first).
    Mode2_2336,
    /// Mode 2 raw.
    Mode2_2352,
    /// CD-i, stored like MODE2/2336.
    Cdi2336,
    /// CD-i, stored like MODE2/2352.
    Cdi2352,
}

/// Every mode, in the order cue sheets list them.
pub const ALL_MODES: [TrackMode; 10] = [
    TrackMode::Audio,
    TrackMode::Cdg,
    TrackMode::Mode1_2048,
    TrackMode::Mode1_2352,
    TrackMode::Mode2_2048,
    TrackMode::Mode2_2324,
    TrackMode::Mode2_2336,
    TrackMode::Mode2_2352,
    TrackMode::Cdi2336,
    TrackMode::Cdi2352,
];

impl TrackMode {
    /// Bytes per sector as stored in the image file.
    pub fn sector_size(self) -> u32 {
        match self {
            TrackMode::Audio
            | TrackMode::Mode1_2352
            | TrackMode::Mode2_2352
            | TrackMode::Cdi2352 => 2352,
            TrackMode::Cdg => 2448,
            TrackMode::Mode1_2048 | TrackMode::Mode2_2048 => 2048,
            TrackMode::Mode2_2324 => 2324,
            TrackMode::Mode2_2336 | TrackMode::Cdi2336 => 2336,
        }
    }

    /// The name a cue sheet uses.
    pub fn cue_name(self) -> &'static str {
        match self {
            TrackMode::Audio => "AUDIO",
            TrackMode::Cdg => "CDG",
            TrackMode::Mode1_2048 => "MODE1/2048",
            TrackMode::Mode1_2352 => "MODE1/2352",
            TrackMode::Mode2_2048 => "MODE2/2048",
            TrackMode::Mode2_2324 => "MODE2/2324",
            TrackMode::Mode2_2336 => "MODE2/2336",
            TrackMode::Mode2_2352 => "MODE2/2352",
            TrackMode::Cdi2336 => "CDI/2336",
            TrackMode::Cdi2352 => "CDI/2352",
        }
    }

    /// Reads a cue sheet mode name, ignoring case.
    pub fn from_cue_name(name: &str) -> Option<TrackMode> {
        ALL_MODES
            .into_iter()
            .find(|mode| mode.cue_name().eq_ignore_ascii_case(name))
    }

    /// Audio tracks (including CD+G) carry samples, not sectors with headers.
    pub fn is_audio(self) -> bool {
        matches!(self, TrackMode::Audio | TrackMode::Cdg)
    }

    /// Whether each stored sector begins with the 12-byte sync pattern.
    pub fn has_sync(self) -> bool {
        matches!(
            self,
            TrackMode::Mode1_2352 | TrackMode::Mode2_2352 | TrackMode::Cdi2352
        )
    }

    /// Where the 2048 bytes of a filesystem block sit in a stored sector, for
    /// data modes (mode 1, or mode 2 form 1 for the mode 2 family).
    pub fn block_offset(self) -> Option<usize> {
        match self {
            TrackMode::Audio | TrackMode::Cdg => None,
            TrackMode::Mode1_2048 | TrackMode::Mode2_2048 | TrackMode::Mode2_2324 => Some(0),
            TrackMode::Mode1_2352 => Some(16),
            TrackMode::Mode2_2352 | TrackMode::Cdi2352 => Some(24),
            TrackMode::Mode2_2336 | TrackMode::Cdi2336 => Some(8),
        }
    }
}

impl fmt::Display for TrackMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cue_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for mode in ALL_MODES {
            assert_eq!(TrackMode::from_cue_name(mode.cue_name()), Some(mode));
            assert_eq!(
                TrackMode::from_cue_name(&mode.cue_name().to_lowercase()),
                Some(mode)
            );
        }
        assert_eq!(TrackMode::from_cue_name("MODE3_FORM1"), None);
    }
}
